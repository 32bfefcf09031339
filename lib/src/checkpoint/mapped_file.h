#pragma once
// A whole regular file mapped read-only into memory (internal to the checkpoint module).
#include <cstddef>
#include <cstdint>
#include <string>

namespace attn {

class MappedFile {
 public:
  explicit MappedFile(const std::string& path);  // throws Error "<path>: cannot open: ..."
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  const uint8_t* data_ = nullptr;  // null for an empty file
  size_t size_ = 0;
};

}  // namespace attn
