#include <fmt/format.h>

#include <bit>
#include <cstring>
#include <memory>
#include <set>
#include <stdexcept>

#include "attn/checkpoint.h"
#include "attn/error.h"
#include "float16.h"
#include "mapped_file.h"
#include "safetensors_header.h"

namespace attn {

// safetensors stores little-endian values; this reader copies them as they are.
static_assert(std::endian::native == std::endian::little, "big-endian hosts are not supported");

struct SafeTensorsFile::Impl {
  std::unique_ptr<MappedFile> mapping;  // null when reading caller-owned memory
  const uint8_t* bytes = nullptr;
  size_t size = 0;
  std::string name;
  SafeTensorsHeader header;

  const TensorEntry& entry(const std::string& tensor) const {
    auto it = header.tensors.find(tensor);
    if (it == header.tensors.end()) throw Error(fmt::format("{}: no tensor '{}'", name, tensor));
    return it->second;
  }
  const uint8_t* data_of(const TensorEntry& e) const { return bytes + header.data_start + e.begin; }
};

namespace {

// Converts `count` stored elements (unaligned, little-endian) to float.
void decode_floats(DType dtype, const uint8_t* src, int64_t count, float* dst) {
  if (count == 0) return;  // an empty Tensor's data() may be null, which memcpy must not see
  switch (dtype) {
    case DType::F32:
      std::memcpy(dst, src, static_cast<size_t>(count) * sizeof(float));
      return;
    case DType::F64:
      for (int64_t i = 0; i < count; ++i) {
        double value;
        std::memcpy(&value, src + 8 * i, 8);
        dst[i] = static_cast<float>(value);
      }
      return;
    case DType::F16:
    case DType::BF16:
      for (int64_t i = 0; i < count; ++i) {
        uint16_t bits;
        std::memcpy(&bits, src + 2 * i, 2);
        dst[i] = dtype == DType::F16 ? f16_to_float(bits) : bf16_to_float(bits);
      }
      return;
    default:
      throw std::logic_error("decode_floats: not a float dtype");
  }
}

// A stored tensor can fill `value` if it has the same shape and a float dtype.
void check_loadable(const std::string& file, const std::string& tensor, DType dtype,
                    const std::vector<int64_t>& shape, const Tensor& value) {
  if (shape != value.shape())
    throw Error(fmt::format("{}: tensor '{}' has shape {} but the model expects {}", file, tensor,
                            format_shape(shape), format_shape(value.shape())));
  if (!dtype_is_float(dtype))
    throw Error(fmt::format("{}: tensor '{}' has dtype {}, which does not convert to float", file,
                            tensor, dtype_name(dtype)));
}

}  // namespace

SafeTensorsFile::SafeTensorsFile(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

SafeTensorsFile SafeTensorsFile::open(const std::string& path) {
  auto impl = std::make_shared<Impl>();
  impl->mapping = std::make_unique<MappedFile>(path);
  impl->bytes = impl->mapping->data();
  impl->size = impl->mapping->size();
  impl->name = path;
  impl->header = parse_safetensors_header(impl->bytes, impl->size, impl->name);
  return SafeTensorsFile(std::move(impl));
}

SafeTensorsFile SafeTensorsFile::from_memory(const void* data, size_t size, std::string name) {
  if (!data && size > 0) throw std::invalid_argument("SafeTensorsFile::from_memory: null data");
  auto impl = std::make_shared<Impl>();
  impl->bytes = static_cast<const uint8_t*>(data);
  impl->size = size;
  impl->name = std::move(name);
  impl->header = parse_safetensors_header(impl->bytes, impl->size, impl->name);
  return SafeTensorsFile(std::move(impl));
}

const std::string& SafeTensorsFile::name() const { return impl_->name; }

const std::map<std::string, std::string>& SafeTensorsFile::metadata() const {
  return impl_->header.metadata;
}

bool SafeTensorsFile::has_metadata(const std::string& key) const {
  return impl_->header.metadata.count(key) > 0;
}

const std::string& SafeTensorsFile::metadata_value(const std::string& key) const {
  auto it = impl_->header.metadata.find(key);
  if (it == impl_->header.metadata.end())
    throw Error(fmt::format("{}: __metadata__ has no '{}'", impl_->name, key));
  return it->second;
}

bool SafeTensorsFile::has(const std::string& tensor) const {
  return impl_->header.tensors.count(tensor) > 0;
}

std::vector<std::string> SafeTensorsFile::names() const {
  std::vector<std::string> names;
  for (const auto& [name, entry] : impl_->header.tensors) names.push_back(name);
  return names;
}

DType SafeTensorsFile::dtype(const std::string& tensor) const { return impl_->entry(tensor).dtype; }

const std::vector<int64_t>& SafeTensorsFile::shape(const std::string& tensor) const {
  return impl_->entry(tensor).shape;
}

Tensor SafeTensorsFile::tensor(const std::string& tensor) const {
  const TensorEntry& e = impl_->entry(tensor);
  if (!dtype_is_float(e.dtype))
    throw Error(fmt::format("{}: tensor '{}' has dtype {}, which does not convert to float",
                            impl_->name, tensor, dtype_name(e.dtype)));
  Tensor result(e.shape);  // the size was checked against the bytes in the file
  decode_floats(e.dtype, impl_->data_of(e), result.size(), result.data());
  return result;
}

void SafeTensorsFile::load_into(Parameter& p) const {
  const TensorEntry& e = impl_->entry(p.name);
  check_loadable(impl_->name, p.name, e.dtype, e.shape, p.value);
  decode_floats(e.dtype, impl_->data_of(e), p.value.size(), p.value.data());
}

SafeTensorsFile::RawTensor SafeTensorsFile::raw(const std::string& tensor) const {
  const TensorEntry& e = impl_->entry(tensor);
  return RawTensor{e.dtype, impl_->data_of(e), static_cast<size_t>(e.end - e.begin)};
}

void load_parameters(const SafeTensorsFile& file, const ParameterList& params) {
  // Check everything first, so a bad file leaves the model as it was.
  std::set<std::string> wanted;
  for (const Parameter* p : params) {
    if (!wanted.insert(p->name).second)
      throw std::logic_error("load_parameters: two parameters are named '" + p->name + "'");
    if (!file.has(p->name))
      throw Error(
          fmt::format("{}: missing tensor '{}' (a parameter of the model)", file.name(), p->name));
    check_loadable(file.name(), p->name, file.dtype(p->name), file.shape(p->name), p->value);
  }
  for (const std::string& name : file.names())
    if (!wanted.count(name))
      throw Error(fmt::format("{}: unexpected tensor '{}' (the model has no such parameter)",
                              file.name(), name));
  for (Parameter* p : params) file.load_into(*p);
}

}  // namespace attn
