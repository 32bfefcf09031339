#pragma once
// Reading labelled text lines: fastText (`__label__x text`) or `label<TAB>text`. The lines come
// from attn::data::LineReader; documents (one file each) from attn/data/labelled_files.h.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "attn/data/input.h"
#include "attn/error.h"

namespace attn::text {

// ---- Line data ------------------------------------------------------------------------------

enum class LineFormat {
  kAuto,      // decide from the first non-empty line (see detect_line_format)
  kFastText,  // "__label__spam __label__x some text": leading labels, then the text
  kTsv,       // "label<TAB>text": the label is everything before the first TAB
  kPlain,     // the whole line is text, no label (prediction input)
};

struct LineFormatOptions {
  LineFormat format = LineFormat::kAuto;
  std::string label_prefix = "__label__";
  bool require_labels = true;  // false: kAuto falls back to kPlain, fastText lines may lack labels
};

struct TextExample {
  std::vector<std::string> labels;  // empty only when labels are not required
  std::string text;
  int64_t line = 0;  // 1-based line number in the source
};

// kFastText if the line starts with the label prefix, else kTsv if it has a TAB, else kPlain
// when labels are not required, else attn::Error("<where>: cannot tell the format: ...") that
// explains both formats. `where` is e.g. "train.txt:1".
LineFormat detect_line_format(std::string_view first_line, const LineFormatOptions& options,
                              std::string_view where);

// Parses one non-blank line in a known format (not kAuto). Errors name `where` and the problem:
// "line has a label but no text", "line has no label (expected ...)", "empty label".
TextExample parse_line(std::string_view line, LineFormat format, const LineFormatOptions& options,
                       std::string_view where);

// A bad line met with --keep-going: the error names it ("train.txt:17: ..."); the line is skipped.
using BadLineHandler = std::function<void(const Error& error)>;

// Every non-blank line of `reader`, format detected from the first good one unless given.
// Errors name the line: "train.txt:17: line has a label but no text"; labels must be valid
// UTF-8. Without on_bad_line the first bad line (also a NUL byte or an over-long line) throws;
// with it, each bad line is passed to it and skipped. No example at all throws
// attn::Error("train.txt: no examples").
std::vector<TextExample> read_labelled_lines(data::LineReader& reader, const LineFormatOptions& options = {},
                                             const BadLineHandler& on_bad_line = {});

}  // namespace attn::text
