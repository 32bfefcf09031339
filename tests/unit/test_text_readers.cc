#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "attn/error.h"
#include "attn/text/readers.h"

using namespace attn::text;

namespace {

// The lines of `data` as if read from the file train.txt.
struct MemoryFile {
  std::string data;
  std::FILE* file;
  explicit MemoryFile(std::string d) : data(std::move(d)), file(fmemopen(data.data(), data.size(), "rb")) {}
  ~MemoryFile() { std::fclose(file); }
};

std::vector<TextExample> read(const std::string& data, const LineFormatOptions& options = {},
                              std::size_t max_line = 1 << 20, const BadLineHandler& on_bad = {}) {
  MemoryFile mem(data.empty() ? std::string("\n") : data);  // fmemopen needs a non-empty buffer
  attn::data::LineReader reader(mem.file, "train.txt", max_line);
  return read_labelled_lines(reader, options, on_bad);
}

std::string error_of(const std::string& data, const LineFormatOptions& options = {}, std::size_t max_line = 1 << 20) {
  try {
    read(data, options, max_line);
  } catch (const attn::Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("line data: fastText format, several labels, custom prefix") {
  const auto ex = read("__label__spam __label__x  Buy now!\n\n   \n__label__ham hello there  \n");
  REQUIRE(ex.size() == 2);
  CHECK(ex[0].labels == std::vector<std::string>{"spam", "x"});
  CHECK(ex[0].text == "Buy now!");
  CHECK(ex[0].line == 1);
  CHECK(ex[1].labels == std::vector<std::string>{"ham"});
  CHECK(ex[1].text == "hello there");
  CHECK(ex[1].line == 4);

  LineFormatOptions o;
  o.label_prefix = "#";
  const auto ex2 = read("#a text with __label__inside\n", o);
  CHECK(ex2[0].labels == std::vector<std::string>{"a"});
  CHECK(ex2[0].text == "text with __label__inside");
}

TEST_CASE("line data: TSV format") {
  const auto ex = read("spam\tBuy now!\tmore\nham \t hello\n");
  REQUIRE(ex.size() == 2);
  CHECK(ex[0].labels == std::vector<std::string>{"spam"});
  CHECK(ex[0].text == "Buy now!\tmore");
  CHECK(ex[1].labels == std::vector<std::string>{"ham"});
  CHECK(ex[1].text == "hello");
}

TEST_CASE("line data: detection and forced formats") {
  LineFormatOptions o;
  CHECK(detect_line_format("__label__a x", o, "f:1") == LineFormat::kFastText);
  CHECK(detect_line_format("a\tx", o, "f:1") == LineFormat::kTsv);
  CHECK_THROWS_WITH_AS(detect_line_format("just text", o, "f:1"),
                       doctest::Contains("f:1: cannot tell the format"), attn::Error);
  o.require_labels = false;
  CHECK(detect_line_format("just text", o, "f:1") == LineFormat::kPlain);
  const auto plain = read("just text\n__label__x not a label here? yes it is\n", o);
  CHECK(plain[0].labels.empty());
  CHECK(plain[0].text == "just text");
  CHECK(plain[1].text == "__label__x not a label here? yes it is");

  LineFormatOptions tsv;
  tsv.format = LineFormat::kTsv;
  CHECK(read("__label__a\tb\n", tsv)[0].labels == std::vector<std::string>{"__label__a"});
  LineFormatOptions unlabeled_ft;
  unlabeled_ft.require_labels = false;
  unlabeled_ft.format = LineFormat::kFastText;
  CHECK(read("no label\n", unlabeled_ft)[0].labels.empty());
}

TEST_CASE("line data: every error names file:line and the problem") {
  CHECK(error_of("__label__spam\n") == "train.txt:1: line has a label but no text");
  CHECK(error_of("__label__a ok\n\n__label__b   \n") == "train.txt:3: line has a label but no text");
  CHECK(error_of("__label__a ok\nno label here\n") ==
        "train.txt:2: line has no label (expected `__label__<name> text`)");
  CHECK(error_of("__label__ text\n") == "train.txt:1: empty label \"__label__\" (expected `__label__<name>`)");
  CHECK(error_of("spam\ttext\nno tab\n") == "train.txt:2: no TAB in the line (expected `label<TAB>text`)");
  CHECK(error_of("spam\ttext\n\ttext\n") == "train.txt:2: empty label before the TAB (expected `label<TAB>text`)");
  CHECK(error_of("spam\t  \n") == "train.txt:1: line has a label but no text");
  CHECK(error_of("hello world\n") ==
        "train.txt:1: cannot tell the format: expected fastText lines (`__label__spam some text`, labels first) "
        "or `label<TAB>text`");
  CHECK(error_of("") == "train.txt: no examples");
  CHECK(error_of("\n  \n\r\n") == "train.txt: no examples");
  CHECK(error_of("a\tb\n" + std::string(100, 'x') + "\n", {}, 50) == "train.txt:2: line longer than 50 bytes");
}

TEST_CASE("line data: with a bad-line handler, bad lines are reported and skipped") {
  std::vector<std::string> bad;
  const auto on_bad = [&](const attn::Error& e) { bad.push_back(e.what()); };
  const std::string data = std::string("a\tgood one\nb\t\nc\tx\0y\n\xff\tz\nd\tlast\n", 31);
  const auto ex = read(data, {}, 1 << 20, on_bad);
  REQUIRE(ex.size() == 2);
  CHECK(ex[0].text == "good one");
  CHECK(ex[1].labels[0] == "d");
  CHECK(ex[1].line == 5);
  REQUIRE(bad.size() == 3);
  CHECK(bad[0] == "train.txt:2: line has a label but no text");
  CHECK(bad[1] == "train.txt:3: binary data (NUL byte); expected text");
  CHECK(bad[2] == "train.txt:4: label is not valid UTF-8: \"\xEF\xBF\xBD\"");
  // Without the handler the first bad line is an error.
  CHECK(error_of(data) == "train.txt:2: line has a label but no text");
}

TEST_CASE("line data: the fastText format needs a label prefix") {
  LineFormatOptions o;
  o.format = LineFormat::kFastText;
  o.label_prefix = "";
  CHECK(error_of("__label__a text\n", o) == "train.txt: the fastText format needs a non-empty label prefix");
}

