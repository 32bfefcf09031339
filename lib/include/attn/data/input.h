#pragma once
// Reading untrusted inputs, for every tool and modality: a path or "-" (stdin), lines with a
// length limit, whole files with a size limit, binary data detected, lists of files from the
// arguments or from stdin. Every
// problem throws attn::Error naming the file (and line), e.g.
//   "train.txt:17: line longer than 1048576 bytes".
// Memory stays bounded by the limits whatever the input holds.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attn::data {

inline constexpr size_t kDefaultMaxLineBytes = size_t{1} << 20;  // 1 MiB
inline constexpr size_t kDefaultMaxFileBytes = size_t{64} << 20;  // 64 MiB
// The one size limit for a document (an email, an article) in train, eval and predict alike.
inline constexpr size_t kMaxDocumentBytes = size_t{10} << 20;  // 10 MiB
inline constexpr size_t kMaxPathListLineBytes = 64 << 10;

// An input opened for reading: a file, or stdin for "-". Messages call stdin "stdin".
// Throws attn::Error ("data.txt: No such file or directory", "data: is a directory").
class InputFile {
 public:
  explicit InputFile(const std::string& path);
  ~InputFile();
  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&& other) noexcept;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  std::FILE* get() const { return file_; }
  const std::string& name() const { return name_; }
  bool is_stdin() const { return file_ == stdin; }

 private:
  std::FILE* file_ = nullptr;
  std::string name_;
};

// Reads lines one at a time, as they arrive (a pipe's first line is returned before the writer
// closes it). A line is returned without its '\n' and without one trailing '\r' (CRLF files);
// a UTF-8 byte-order mark at the start of the input is dropped; the last line may lack '\n'.
// Errors (attn::Error, "name:line: ..."):
//   - a line longer than max_line_bytes: reading stops at the limit, nothing more is stored;
//   - a NUL byte: "binary data (NUL byte); expected text";
//   - a read error.
// After a line error, next() skips the rest of that line and carries on with the following one,
// so a --keep-going loop can report the line and continue. Skipping stops at the line limit
// too: if no line end comes within max_line_bytes more bytes, next() throws once more
// ("name:line: no line end within 1 MiB after the bad line; the rest of name is not read") and
// then reports the end of the input.
class LineReader {
 public:
  explicit LineReader(const std::string& path, size_t max_line_bytes = kDefaultMaxLineBytes);
  // Reads from an already open stream it does not own (from its descriptor if it has one, so
  // nothing may have been read from the stream before); `name` is used in messages.
  LineReader(std::FILE* in, std::string name, size_t max_line_bytes = kDefaultMaxLineBytes);

  // The next line into `line`; false at the end of the input.
  bool next(std::string& line);
  // Whether next() would have to wait for more input (a pipe whose writer has not written the
  // next line yet): a batch command then sends out what it holds, so results stream.
  bool would_block() const;
  int64_t line_number() const { return line_number_; }  // of the line last returned (1-based)
  const std::string& name() const { return name_; }
  std::string where() const;  // "name:line", for messages about the line last returned

 private:
  int get();  // the next byte, or EOF (read_error_ set on a read error)
  std::optional<InputFile> owned_;
  // Read from the descriptor through this reader's own buffer, so that would_block() knows
  // what is buffered without looking inside stdio. A stream without one (fmemopen) is read
  // with fread.
  std::FILE* in_;
  int fd_;
  std::vector<char> buffer_;
  size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
  int read_error_ = 0;
  std::string name_;
  size_t max_line_bytes_;
  int64_t line_number_ = 0;
  bool skip_rest_of_line_ = false;  // after an error in the middle of a line
  bool done_ = false;               // end of input, or a read error already reported
  bool at_start_ = true;            // for the byte-order mark
};

// The whole of `path` ("-": stdin) as bytes. Throws attn::Error if it is larger than max_bytes
// (checked before reading when the size is known; a stream is read only up to the limit).
std::string read_file(const std::string& path, size_t max_bytes = kDefaultMaxFileBytes);
// Same, for text: also rejects binary data ("notes.bin: binary data (NUL byte at offset 12);
// expected text") and drops a UTF-8 byte-order mark.
std::string read_text_file(const std::string& path, size_t max_bytes = kDefaultMaxFileBytes);

// Whether `bytes` look binary rather than text: they contain a NUL byte (as git and grep decide).
bool looks_binary(std::string_view bytes);

// The paths named by the command line, in order; an argument "-" stands for the paths read one
// per line from stdin (empty lines skipped), streamed: the first is returned before stdin closes.
// Paths are returned as given; opening them is the caller's business (and its errors, per item).
class InputPaths {
 public:
  explicit InputPaths(std::vector<std::string> args);
  // The next path into `path`; false when all are done.
  bool next(std::string& path);
  // Whether next() would wait for stdin (see LineReader::would_block).
  bool would_block() const { return stdin_list_ && stdin_list_->would_block(); }

 private:
  std::vector<std::string> args_;
  size_t next_arg_ = 0;
  std::optional<LineReader> stdin_list_;
};

// "1 MiB", "64 MiB", "1.5 KiB", "12 bytes": for messages about limits.
std::string format_bytes(uint64_t bytes);

}  // namespace attn::data
