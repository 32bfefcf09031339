#pragma once
// Writes a file so that readers see either the old file or the complete new one, never a
// partial one: the bytes go to a temporary file in the same directory, which is fsynced and
// renamed over the target by commit(). Without commit() the temporary file is removed.
#include <cstddef>
#include <optional>
#include <string>

#include "attn/data/temp_files.h"

namespace attn {

class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::string target);  // creates the temporary file; throws Error
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(const void* data, size_t size);  // throws Error
  void commit();                              // fsync, close, rename; throws Error

 private:
  [[noreturn]] void fail(const std::string& what, int error_number);
  std::string target_, temp_;
  std::optional<data::RemoveOnSignal> remove_on_signal_;  // armed while temp_ exists
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace attn
