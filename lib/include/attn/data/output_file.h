#pragma once
// Where results go: checked writes to a stream, and an output that is either a file written
// atomically (the one atomic writer, AtomicFileWriter) or stdout for "-". Every write is
// checked: a failed write to a stream (disk full, closed pipe) throws OutputError.
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "attn/data/atomic_file.h"

namespace attn::data {

// A results stream could not be written. Deliberately not an attn::Error: a loop that skips bad
// items (--keep-going) must not mistake it for one bad item and carry on writing into the void.
class OutputError : public std::runtime_error {
 public:
  OutputError(const std::string& message, bool broken_pipe)
      : std::runtime_error(message), broken_pipe_(broken_pipe) {}
  // The reader went away (EPIPE, e.g. `attn-text predict ... | head -1`): a tool exits 1
  // without a message, as a process killed by SIGPIPE would print nothing either.
  bool broken_pipe() const { return broken_pipe_; }

 private:
  bool broken_pipe_;
};

// Writes `bytes` to `out`. Throws OutputError naming `name` ("stdout", a path) on failure.
void write_bytes(std::FILE* out, std::string_view bytes, std::string_view name = "stdout");
// fflush(out) and check its error flag; throws OutputError on failure.
void flush_output(std::FILE* out, std::string_view name = "stdout");

// An output file that appears complete or not at all (AtomicFileWriter), or stdout for "-".
// File failures throw attn::Error naming the path; stdout failures OutputError.
class AtomicOutputFile {
 public:
  explicit AtomicOutputFile(std::string path);
  const std::string& path() const { return path_; }
  void write(std::string_view bytes);
  // Pushes what was written on to stdout's reader now (a file's bytes go straight to the
  // temporary file, so there is nothing to do for one).
  void flush();
  void commit();

 private:
  std::string path_;
  std::optional<AtomicFileWriter> file_;  // empty for stdout
};

// Writes `contents` to `path` atomically (see AtomicOutputFile).
void write_file_atomically(const std::string& path, std::string_view contents);

// A field of a TSV results line: a tab, newline, carriage return or backslash inside it is
// written as \t, \n, \r, \\.
std::string tsv_escape(std::string_view field);

}  // namespace attn::data
