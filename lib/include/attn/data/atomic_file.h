#pragma once
// The one atomic file writer: readers see either the old file or the complete new one, never a
// partial one. The bytes go to a hidden temporary file in the target's directory
// (".NAME.tmp-PID-N"), which commit() fsyncs and renames over the target. Destroyed without
// commit() (an exception unwound), the temporary file is removed and the target is untouched.
// A symlink is followed (its target is replaced); a target that exists and is not a regular file
// (/dev/null, a FIFO) cannot be replaced by rename and is written in place. Model files, heat-map
// PNGs, feature archives and report files are all written through this class.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "attn/data/temp_files.h"

namespace attn::data {

class AtomicFileWriter {
 public:
  // Creates the temporary file. Throws attn::Error naming `target`: "is a directory", "cannot
  // create a temporary file in 'dir': Permission denied", ...
  explicit AtomicFileWriter(std::string target);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(const void* data, size_t size);  // throws attn::Error
  void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
  void commit();  // fsync, close, rename; throws attn::Error

 private:
  [[noreturn]] void fail(const std::string& what, int error_number);
  std::string path_;    // as given, for messages
  std::string target_;  // what rename() replaces (a symlink resolved)
  std::string temp_;    // empty when writing in place
  std::optional<RemoveOnSignal> remove_on_signal_;  // armed while temp_ exists
  int fd_ = -1;
  bool committed_ = false;
};

// Whether a file could be written at `path` now: not a directory, and its folder exists and is
// writable. Throws attn::Error naming `path` otherwise. For checks before long work (training).
void check_writable(const std::string& path);

}  // namespace attn::data
