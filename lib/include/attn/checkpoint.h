#pragma once
// Model files in the safetensors format: an 8-byte little-endian header length, a JSON header
// {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {string: string}},
// then the raw little-endian tensor bytes. PyTorch, NumPy and the Hugging Face tools read these.
//
// Reading validates the whole header before any tensor is touched; a bad file gives an
// attn::Error naming the file and the tensor or field, e.g.
//   "model.safetensors: tensor 'encoder.norm.weight': data_offsets [10, 20] run past the end
//    of the file (16 bytes of data)".
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "attn/parameter.h"
#include "attn/tensor.h"

namespace attn {

// Element types a safetensors file may hold. F64/F32/F16/BF16 convert to float when read;
// the integer and boolean types are readable only as raw bytes (SafeTensorsFile::raw).
enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL };
const char* dtype_name(DType dtype);  // "F32"
size_t dtype_size(DType dtype);       // bytes per element
bool dtype_is_float(DType dtype);

// A validated, read-only safetensors file. Copies are cheap and share the bytes.
class SafeTensorsFile {
 public:
  // Memory-maps `path` read-only. Error messages name the file as `path`.
  static SafeTensorsFile open(const std::string& path);
  // Reads `size` bytes at `data` without copying them: the bytes must outlive every copy of
  // the returned object (true for a model compiled into the executable). `name` is what
  // error messages call the file.
  static SafeTensorsFile from_memory(const void* data, size_t size, std::string name);

  const std::string& name() const;

  const std::map<std::string, std::string>& metadata() const;  // empty if the file has none
  bool has_metadata(const std::string& key) const;
  const std::string& metadata_value(const std::string& key) const;  // throws Error naming key

  bool has(const std::string& tensor) const;
  std::vector<std::string> names() const;  // sorted
  DType dtype(const std::string& tensor) const;
  const std::vector<int64_t>& shape(const std::string& tensor) const;

  // A float copy of a float-typed tensor (F16/BF16/F64 are converted).
  Tensor tensor(const std::string& tensor) const;
  // Copies tensor `p.name` into p.value; the shapes must be equal (the error names both).
  void load_into(Parameter& p) const;

  // The stored bytes of any tensor, little-endian, possibly unaligned.
  struct RawTensor {
    DType dtype;
    const uint8_t* bytes;
    size_t size;  // in bytes
  };
  RawTensor raw(const std::string& tensor) const;

 private:
  struct Impl;
  explicit SafeTensorsFile(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

// Loads every parameter from `file`, all or nothing: first checks that each parameter has a
// tensor of its shape and that the file has no tensor the model does not use, then copies.
void load_parameters(const SafeTensorsFile& file, const ParameterList& params);

using NamedTensor = std::pair<std::string, const Tensor*>;

// Writes a safetensors file atomically: into a temporary file beside `path`, fsync, rename over
// `path`. On failure the temporary file is removed, `path` is untouched and an Error is thrown.
// Tensors are laid out in name order; the header is padded with spaces to a multiple of 8 bytes.
// `storage` is F32 (exact), F16 or BF16 (rounded to nearest even, half the size).
void save_safetensors(const std::string& path, const std::vector<NamedTensor>& tensors,
                      const std::map<std::string, std::string>& metadata,
                      DType storage = DType::F32);
void save_safetensors(const std::string& path, const ParameterList& params,
                      const std::map<std::string, std::string>& metadata,
                      DType storage = DType::F32);

}  // namespace attn
