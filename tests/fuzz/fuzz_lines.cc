// Labelled lines: the line readers (length limit, CRLF, byte-order mark, NUL bytes, skipping a
// bad line as --keep-going does), format detection and the fastText / label<TAB>text parser,
// and path<TAB>label document lists. The last two input bytes pick the settings.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "attn/text/readers.h"
#include "attn/data/input.h"
#include "attn/data/labelled_files.h"
#include "fuzz_support.h"

namespace {

using attn::fuzz::reject_cleanly;
using attn::fuzz::require;

// fn(reader) over `bytes` read as the file "fuzz".
template <class Fn>
void with_reader(std::string_view bytes, size_t max_line_bytes, Fn&& fn) {
  std::FILE* f = fmemopen(const_cast<char*>(bytes.data()), bytes.size(), "rb");
  if (f == nullptr) return;  // fmemopen refuses size 0
  struct Close {
    std::FILE* f;
    ~Close() { std::fclose(f); }
  } close{f};
  attn::data::LineReader reader(f, "fuzz", max_line_bytes);
  fn(reader);
}

// The reader driven like a --keep-going loop: every error is skipped. Each call either
// consumes input or ends it, so the loop is bounded by the input size.
void read_keep_going(std::string_view bytes, size_t max_line_bytes) {
  with_reader(bytes, max_line_bytes, [&](attn::data::LineReader& reader) {
    std::string line;
    size_t calls = 0;
    while (true) {
      require(++calls <= bytes.size() + 2);
      try {
        if (!reader.next(line)) break;
        require(line.size() <= max_line_bytes);
        require(line.find('\0') == std::string::npos && line.find('\n') == std::string::npos);
      } catch (const attn::Error&) {
      }
    }
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  attn::fuzz::Bytes in(data, size);
  const uint8_t settings = in.take();
  // Small limits, so that inputs a fuzzer makes reach them.
  const size_t max_line_bytes = 16 + (in.take() % 64) * 4;
  const std::string_view bytes = in.rest();

  attn::text::LineFormatOptions options;
  options.format = static_cast<attn::text::LineFormat>(settings % 4);
  options.require_labels = (settings & 4) == 0;
  static const char* const prefixes[] = {"__label__", "#", "x"};
  options.label_prefix = prefixes[(settings >> 3) % 3];
  if (options.format == attn::text::LineFormat::kPlain && options.require_labels)
    options.format = attn::text::LineFormat::kAuto;

  reject_cleanly([&] {
    with_reader(bytes, max_line_bytes, [&](attn::data::LineReader& reader) {
      for (const attn::text::TextExample& ex : attn::text::read_labelled_lines(reader, options)) {
        require(!ex.text.empty() && ex.line >= 1);
        if (options.require_labels) require(!ex.labels.empty());
        for (const std::string& label : ex.labels) require(!label.empty());
      }
    });
  });
  reject_cleanly([&] {
    with_reader(bytes, max_line_bytes, [&](attn::data::LineReader& reader) {
      for (const auto& entry : attn::data::read_file_list(reader, "base"))
        require(!entry.path.empty() && !entry.label.empty());
    });
  });
  read_keep_going(bytes, max_line_bytes);
  return 0;
}
