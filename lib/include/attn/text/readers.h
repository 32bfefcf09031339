#pragma once
// Reading labelled text: line data (one example per line) and document data (one file each).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace attn::text {

// ---- Line data ------------------------------------------------------------------------------

// Where lines come from: fills `line` (without the end-of-line) and returns true, or returns
// false at the end. Callers may wrap it to enforce their own limits.
using LineSource = std::function<bool(std::string& line)>;

// Reads lines from a stream in bounded chunks: a line longer than max_bytes throws
// attn::Error("<name>:<line>: line longer than <max_bytes> bytes") without buffering it whole.
// Strips "\r" before "\n" and a UTF-8 byte-order mark at the start of the stream.
class LineReader {
 public:
  LineReader(std::istream& in, std::string name, std::size_t max_bytes = std::size_t{1} << 20);
  bool next(std::string& line);
  int64_t line_number() const { return line_number_; }  // of the line last returned (1-based)
  LineSource source();  // a LineSource reading from *this (which must outlive it)

 private:
  std::istream& in_;
  std::string name_;
  std::size_t max_bytes_;
  int64_t line_number_ = 0;
};

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

// Every non-blank line of a source, format detected from the first one unless given.
// `name` (the file name, "-" for stdin) prefixes errors: "train.txt:17: ...";
// no example at all -> attn::Error("train.txt: no examples").
std::vector<TextExample> read_labeled_lines(const LineSource& source, std::string_view name,
                                            const LineFormatOptions& options = {});
std::vector<TextExample> read_labeled_lines(std::istream& in, std::string_view name,
                                            const LineFormatOptions& options = {},
                                            std::size_t max_line_bytes = std::size_t{1} << 20);

// ---- Document data --------------------------------------------------------------------------

struct DocumentEntry {
  std::filesystem::path path;
  std::string label;  // empty when unlabelled
};

// A folder with one sub-folder per label: every regular file below each label folder
// (recursively), labels and paths in sorted (byte-wise) order. Names starting with '.' are
// skipped, as are files directly in `root`. Errors: not a folder, no label folders, a label
// folder without files.
std::vector<DocumentEntry> list_label_folders(const std::filesystem::path& root);

// A list file of "path<TAB>label" lines (blank lines skipped); relative paths are resolved
// against the list file's directory. Errors name "list.tsv:3".
std::vector<DocumentEntry> read_document_list(const std::filesystem::path& list_file,
                                              std::size_t max_line_bytes = std::size_t{1} << 20);
// The same from a stream; relative paths are resolved against base_dir.
std::vector<DocumentEntry> read_document_list(std::istream& in, std::string_view name,
                                              const std::filesystem::path& base_dir,
                                              std::size_t max_line_bytes = std::size_t{1} << 20);

inline constexpr std::size_t kDefaultMaxDocumentBytes = std::size_t{10} << 20;

// A whole document as bytes. Errors: cannot open, larger than max_bytes ("x.txt: larger than
// 10485760 bytes"), NUL bytes in the first 8 KiB ("x.bin: binary file, expected text").
std::string read_document(const std::filesystem::path& path,
                          std::size_t max_bytes = kDefaultMaxDocumentBytes);
std::string read_document(std::istream& in, std::string_view name,
                          std::size_t max_bytes = kDefaultMaxDocumentBytes);

}  // namespace attn::text
