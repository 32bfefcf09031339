#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "attn/data/atomic_file.h"
#include "attn/checkpoint.h"
#include "attn/error.h"
#include "float16.h"

namespace attn {
namespace {
using data::AtomicFileWriter;

static_assert(std::endian::native == std::endian::little, "big-endian hosts are not supported");

// Writes `count` floats in the storage dtype; 16-bit types are converted a block at a time.
void write_values(AtomicFileWriter& out, const float* values, int64_t count, DType storage) {
  if (storage == DType::F32) {
    out.write(values, static_cast<size_t>(count) * sizeof(float));
    return;
  }
  uint16_t block[4096];
  for (int64_t start = 0; start < count; start += 4096) {
    const int64_t n = std::min<int64_t>(4096, count - start);
    for (int64_t i = 0; i < n; ++i)
      block[i] = storage == DType::F16 ? float_to_f16(values[start + i])
                                       : float_to_bf16(values[start + i]);
    out.write(block, static_cast<size_t>(n) * sizeof(uint16_t));
  }
}

}  // namespace

void save_safetensors(const std::string& path, const std::vector<NamedTensor>& tensors,
                      const std::map<std::string, std::string>& metadata, DType storage) {
  if (storage != DType::F32 && storage != DType::F16 && storage != DType::BF16)
    throw std::invalid_argument("save_safetensors: storage must be F32, F16 or BF16");
  // Name order makes the file a function of its contents, whatever order the caller used.
  std::vector<const NamedTensor*> ordered;
  std::set<std::string> names;
  for (const NamedTensor& t : tensors) {
    if (!t.second) throw std::invalid_argument("save_safetensors: null tensor '" + t.first + "'");
    if (t.first == "__metadata__" || !names.insert(t.first).second)
      throw std::invalid_argument("save_safetensors: bad or repeated tensor name '" + t.first +
                                  "'");
    ordered.push_back(&t);
  }
  std::sort(ordered.begin(), ordered.end(),
            [](const NamedTensor* a, const NamedTensor* b) { return a->first < b->first; });

  nlohmann::json header = nlohmann::json::object();  // keys come out sorted
  header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const NamedTensor* t : ordered) {
    const uint64_t bytes = static_cast<uint64_t>(t->second->size()) * dtype_size(storage);
    header[t->first] = {{"dtype", dtype_name(storage)},
                        {"shape", t->second->shape()},
                        {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string header_text;
  try {
    header_text = header.dump();
  } catch (const nlohmann::json::exception&) {
    throw Error(path + ": cannot write: a tensor name or metadata string is not valid UTF-8");
  }
  header_text.append((8 - header_text.size() % 8) % 8, ' ');  // data starts 8-byte aligned

  uint8_t length[8];
  for (int i = 0; i < 8; ++i) length[i] = static_cast<uint8_t>(header_text.size() >> (8 * i));
  AtomicFileWriter out(path);
  out.write(length, sizeof(length));
  out.write(header_text.data(), header_text.size());
  for (const NamedTensor* t : ordered)
    write_values(out, t->second->data(), t->second->size(), storage);
  out.commit();
}

void save_safetensors(const std::string& path, const ParameterList& params,
                      const std::map<std::string, std::string>& metadata, DType storage) {
  std::vector<NamedTensor> tensors;
  for (const Parameter* p : params) tensors.emplace_back(p->name, &p->value);
  save_safetensors(path, tensors, metadata, storage);
}

}  // namespace attn
