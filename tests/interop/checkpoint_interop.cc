// The C++ half of the checkpoint interop test driven by tests/reference/check_checkpoint.py:
//   checkpoint_interop write <path> <F32|F16|BF16>   write the tensors the Python side expects
//   checkpoint_interop verify-python <path>          check the file the Python side wrote
// Exit status: 0 ok, 1 the file was rejected (attn::Error, message on stderr), 2 wrong values.
// Both sides fill tensor number k with value(k, i) = (((37 i + 11 k) mod 101) - 50) / 8, which
// F16 and BF16 hold exactly.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "attn/checkpoint.h"
#include "attn/error.h"

namespace {

float value(int k, int64_t i) { return static_cast<float>((37 * i + 11 * k) % 101 - 50) / 8.0f; }

attn::Tensor filled(int k, std::vector<int64_t> shape) {
  attn::Tensor t(std::move(shape));
  for (int64_t i = 0; i < t.size(); ++i) t[i] = value(k, i);
  return t;
}

int mismatch(const std::string& what) {
  std::fprintf(stderr, "checkpoint_interop: %s\n", what.c_str());
  return 2;
}

int write(const std::string& path, const std::string& storage_name) {
  const attn::DType storage = storage_name == "F16"    ? attn::DType::F16
                              : storage_name == "BF16" ? attn::DType::BF16
                                                       : attn::DType::F32;
  const attn::Tensor weight = filled(0, {3, 4}), bias = filled(1, {4}), scalar = filled(2, {}),
                     empty = filled(3, {0, 5});
  attn::save_safetensors(path,
                         {{"layer.0.weight", &weight},
                          {"layer.0.bias", &bias},
                          {"scalar", &scalar},
                          {"empty", &empty}},
                         {{"attn.task", "interop"},
                          {"attn.labels", "[\"café\",\"日本語\"]"},
                          {"attn.format_version", "1"}},
                         storage);
  return 0;
}

int verify_python(const std::string& path) {
  const attn::SafeTensorsFile file = attn::SafeTensorsFile::open(path);
  if (file.metadata_value("attn.task") != "interop-python") return mismatch("attn.task");
  if (file.metadata_value("note") != "ünïcødé ✓") return mismatch("note");
  const std::vector<std::string> expected_names = {"py.bf16", "py.f16", "py.f32", "py.f64",
                                                   "py.ids"};
  if (file.names() != expected_names) return mismatch("tensor names");
  struct Expected {
    const char* name;
    attn::DType dtype;
    int k;
    std::vector<int64_t> shape;
  };
  const Expected floats[] = {{"py.f32", attn::DType::F32, 0, {2, 3}},
                             {"py.f16", attn::DType::F16, 1, {5}},
                             {"py.bf16", attn::DType::BF16, 2, {2, 2, 2}},
                             {"py.f64", attn::DType::F64, 3, {3}}};
  for (const Expected& e : floats) {
    if (file.dtype(e.name) != e.dtype) return mismatch(std::string("dtype of ") + e.name);
    const attn::Tensor t = file.tensor(e.name);
    if (t.shape() != e.shape) return mismatch(std::string("shape of ") + e.name);
    for (int64_t i = 0; i < t.size(); ++i)
      if (t[i] != value(e.k, i)) return mismatch(std::string("values of ") + e.name);
  }
  const attn::SafeTensorsFile::RawTensor ids = file.raw("py.ids");
  const int64_t expected_ids[3] = {1, -2, 3000000000LL};
  if (ids.dtype != attn::DType::I64 || ids.size != sizeof(expected_ids) ||
      std::memcmp(ids.bytes, expected_ids, sizeof(expected_ids)) != 0)
    return mismatch("py.ids");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.size() == 3 && args[0] == "write") return write(args[1], args[2]);
    if (args.size() == 2 && args[0] == "verify-python") return verify_python(args[1]);
  } catch (const attn::Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "usage: checkpoint_interop write PATH F32|F16|BF16 | verify-python PATH\n");
  return 2;
}
