#pragma once
// Parsing and validation of a safetensors header (internal to the checkpoint module).
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "attn/checkpoint.h"

namespace attn {

// Headers larger than this are refused before they are parsed.
constexpr uint64_t kMaxSafeTensorsHeaderBytes = 100ull * 1024 * 1024;

struct TensorEntry {
  DType dtype;
  std::vector<int64_t> shape;
  uint64_t begin, end;  // byte range within the data region, validated against it
};

struct SafeTensorsHeader {
  uint64_t data_start = 0;  // offset of the data region in the file: 8 + header length
  std::map<std::string, std::string> metadata;
  std::map<std::string, TensorEntry> tensors;
};

// Validates the layout of `bytes` (a whole file) and returns its header. Throws Error messages
// that start with "<file_name>: ".
SafeTensorsHeader parse_safetensors_header(const uint8_t* bytes, size_t size,
                                           const std::string& file_name);

std::string format_shape(const std::vector<int64_t>& shape);  // "(3, 4)", "()" for a scalar

}  // namespace attn
