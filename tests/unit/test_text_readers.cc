#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include "attn/error.h"
#include "attn/text/readers.h"

using namespace attn::text;
namespace fs = std::filesystem;

namespace {

std::vector<TextExample> read(const std::string& data, const LineFormatOptions& options = {},
                              std::size_t max_line = 1 << 20) {
  std::istringstream in(data);
  return read_labeled_lines(in, "train.txt", options, max_line);
}

std::string error_of(const std::string& data, const LineFormatOptions& options = {}, std::size_t max_line = 1 << 20) {
  try {
    read(data, options, max_line);
  } catch (const attn::Error& e) {
    return e.what();
  }
  return "no error";
}

// A fresh folder under the system temp dir, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("attn_text_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  static int& counter() {
    static int n = 0;
    return n;
  }
  void write(const fs::path& rel, const std::string& content) const {
    fs::create_directories((path / rel).parent_path());
    std::ofstream(path / rel, std::ios::binary) << content;
  }
};

}  // namespace

TEST_CASE("line reader: CRLF, BOM, last line without newline, long lines in chunks") {
  std::istringstream in("\xEF\xBB\xBFone\r\ntwo\n\nthree");
  LineReader r(in, "x.txt");
  std::string line;
  REQUIRE(r.next(line));
  CHECK(line == "one");
  REQUIRE(r.next(line));
  CHECK(line == "two");
  REQUIRE(r.next(line));
  CHECK(line == "");
  REQUIRE(r.next(line));
  CHECK(line == "three");
  CHECK(r.line_number() == 4);
  CHECK(!r.next(line));
  CHECK(!r.next(line));

  const std::string big(200000, 'x');  // several internal chunks
  std::istringstream in2(big + "\nshort\n");
  LineReader r2(in2, "big.txt", 300000);
  REQUIRE(r2.next(line));
  CHECK(line == big);
  REQUIRE(r2.next(line));
  CHECK(line == "short");

  std::istringstream in3("ok\n" + big + "\n");
  LineReader r3(in3, "big.txt", 1000);
  REQUIRE(r3.next(line));
  CHECK_THROWS_WITH_AS(r3.next(line), "big.txt:2: line longer than 1000 bytes", attn::Error);

  std::istringstream in4("12345\r\n");  // the '\r' does not count towards the limit
  LineReader r4(in4, "x", 5);
  REQUIRE(r4.next(line));
  CHECK(line == "12345");
}

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

TEST_CASE("line data: a caller-supplied line source") {
  std::vector<std::string> lines = {"a\tx", "b\ty"};
  std::size_t i = 0;
  const LineSource src = [&](std::string& line) {
    if (i == lines.size()) return false;
    line = lines[i++];
    return true;
  };
  const auto ex = read_labeled_lines(src, "mem");
  REQUIRE(ex.size() == 2);
  CHECK(ex[1].labels[0] == "b");
  CHECK(ex[1].line == 2);
}

TEST_CASE("documents: label folders in sorted order, hidden names skipped") {
  TempDir d;
  d.write("spam/b.txt", "buy");
  d.write("spam/a.txt", "cheap");
  d.write("spam/sub/c.txt", "deep");
  d.write("spam/.hidden", "x");
  d.write("ham/z.txt", "hi");
  d.write(".git/config", "x");
  d.write("README", "ignored");
  const auto docs = list_label_folders(d.path);
  REQUIRE(docs.size() == 4);
  CHECK(docs[0].label == "ham");
  CHECK(docs[0].path == d.path / "ham/z.txt");
  CHECK(docs[1].path == d.path / "spam/a.txt");
  CHECK(docs[2].path == d.path / "spam/b.txt");
  CHECK(docs[3].path == d.path / "spam/sub/c.txt");
  CHECK(docs[3].label == "spam");

  d.write("empty/.keep", "");
  CHECK_THROWS_WITH_AS(list_label_folders(d.path), doctest::Contains("label folder without files"), attn::Error);
  TempDir flat;
  flat.write("a.txt", "x");
  CHECK_THROWS_WITH_AS(list_label_folders(flat.path), doctest::Contains("no sub-folders"), attn::Error);
  CHECK_THROWS_WITH_AS(list_label_folders(flat.path / "a.txt"), doctest::Contains("not a folder"), attn::Error);
}

TEST_CASE("documents: list files resolve relative paths against the list's folder") {
  TempDir d;
  d.write("lists/train.tsv", "docs/a.txt\tspam\n\n/abs/b.txt\tham \n");
  const auto docs = read_document_list(d.path / "lists/train.tsv");
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].path == d.path / "lists/docs/a.txt");
  CHECK(docs[0].label == "spam");
  CHECK(docs[1].path == fs::path("/abs/b.txt"));
  CHECK(docs[1].label == "ham");

  const auto err = [&](const std::string& content) {
    std::istringstream in(content);
    try {
      read_document_list(in, "list.tsv", "/base");
    } catch (const attn::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(err("a.txt\tx\nb.txt\n") == "list.tsv:2: no TAB in the line (expected `path<TAB>label`)");
  CHECK(err("\tx\n") == "list.tsv:1: empty path before the TAB (expected `path<TAB>label`)");
  CHECK(err("a.txt\t \n") == "list.tsv:1: empty label after the TAB (expected `path<TAB>label`)");
  CHECK(err("\n") == "list.tsv: no documents");
  CHECK_THROWS_WITH_AS(read_document_list(d.path / "missing.tsv"), doctest::Contains("cannot open"), attn::Error);
}

TEST_CASE("documents: reading with size limit and binary detection") {
  TempDir d;
  d.write("a.txt", "hello\nworld");
  d.write("x.bin", std::string("GIF89a\0\0", 8));
  d.write("late.txt", std::string(9000, 'a') + std::string(1, '\0'));
  CHECK(read_document(d.path / "a.txt") == "hello\nworld");
  const std::string binary_msg = (d.path / "x.bin").string() + ": binary file, expected text";
  CHECK_THROWS_WITH_AS(read_document(d.path / "x.bin"), binary_msg.c_str(), attn::Error);
  CHECK(read_document(d.path / "late.txt").size() == 9001);  // NUL only after the first 8 KiB
  const std::string size_msg = (d.path / "a.txt").string() + ": larger than 5 bytes";
  CHECK_THROWS_WITH_AS(read_document(d.path / "a.txt", 5), size_msg.c_str(), attn::Error);
  CHECK_THROWS_WITH_AS(read_document(d.path / "nope.txt"), doctest::Contains("cannot open"), attn::Error);
  CHECK_THROWS_WITH_AS(read_document(d.path), doctest::Contains("is a folder"), attn::Error);

  std::istringstream in(std::string(100000, 'b'));  // a stream (stdin) has no size up front
  CHECK_THROWS_WITH_AS(read_document(in, "-", 70000), "-: larger than 70000 bytes", attn::Error);
  std::istringstream bin(std::string(70000, 'b') + std::string(1, '\0'));
  CHECK(read_document(bin, "-").size() == 70001);
  std::istringstream early(std::string(100, 'b') + std::string(1, '\0'));
  CHECK_THROWS_WITH_AS(read_document(early, "-"), "-: binary file, expected text", attn::Error);
}
