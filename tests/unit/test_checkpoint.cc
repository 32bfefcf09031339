#include <doctest/doctest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include "attn/checkpoint.h"
#include "attn/error.h"

namespace fs = std::filesystem;
using attn::DType;
using attn::SafeTensorsFile;

namespace {

// A fresh directory under the system temp dir, removed with everything in it.
struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("attn_test_checkpoint_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(path)) names.push_back(e.path().filename());
    return names;
  }
};

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// A safetensors file made by hand: 8-byte little-endian length, header text, data bytes.
std::string make_file(const std::string& header, const std::string& data) {
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return bytes + header + data;
}

// The attn::Error message that `f` throws; fails the test if it throws nothing.
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const attn::Error& e) {
    return e.what();
  }
  FAIL("expected an attn::Error");
  return "";
}

std::string parse_error(const std::string& bytes) {
  return error_of(
      [&] { SafeTensorsFile::from_memory(bytes.data(), bytes.size(), "bad.safetensors"); });
}

bool contains(const std::string& text, const std::string& word) {
  return text.find(word) != std::string::npos;
}

#define CHECK_MESSAGE_HAS(message, ...)                                           \
  do {                                                                            \
    const std::string m_ = (message);                                             \
    for (const char* word : {__VA_ARGS__}) CHECK_MESSAGE(contains(m_, word), m_); \
  } while (0)

attn::Tensor counting_tensor(std::vector<int64_t> shape, float scale) {
  attn::Tensor t(std::move(shape));
  for (int64_t i = 0; i < t.size(); ++i) t[i] = scale * static_cast<float>(i) - 1.5f;
  return t;
}

std::string two_f32_data() { return std::string(8, '\0'); }

}  // namespace

TEST_CASE("round trip through a file keeps names, shapes, values and metadata") {
  TempDir dir;
  const attn::Tensor weight = counting_tensor({3, 4}, 0.25f);
  const attn::Tensor bias = counting_tensor({4}, -1.0f);
  const attn::Tensor scalar = counting_tensor({}, 2.0f);
  const attn::Tensor empty({0, 5});
  const std::map<std::string, std::string> metadata = {{"attn.task", "text"},
                                                       {"attn.labels", "[\"café\", \"日本\"]"},
                                                       {"attn.config", "{\"a\": 1}"}};
  const std::string path = dir.file("model.safetensors");
  // Given out of order: the file lists them by name anyway.
  attn::save_safetensors(path, {{"w", &weight}, {"b", &bias}, {"s", &scalar}, {"e", &empty}},
                         metadata);

  const SafeTensorsFile file = SafeTensorsFile::open(path);
  CHECK(file.name() == path);
  CHECK(file.metadata() == metadata);
  CHECK(file.metadata_value("attn.task") == "text");
  CHECK(file.has_metadata("attn.labels"));
  CHECK_FALSE(file.has_metadata("attn.nothing"));
  CHECK(file.names() == std::vector<std::string>{"b", "e", "s", "w"});
  CHECK(file.has("w"));
  CHECK_FALSE(file.has("x"));
  CHECK(file.dtype("w") == DType::F32);
  CHECK(file.shape("w") == std::vector<int64_t>{3, 4});
  CHECK(file.shape("s").empty());
  CHECK(file.tensor("w").storage() == weight.storage());
  CHECK(file.tensor("b").storage() == bias.storage());
  CHECK(file.tensor("s").storage() == scalar.storage());
  CHECK(file.tensor("e").shape() == std::vector<int64_t>{0, 5});
  CHECK(file.tensor("e").size() == 0);

  // Layout: header length a multiple of 8, data in name order right after it.
  const std::string bytes = read_bytes(path);
  uint64_t header_length = 0;
  for (int i = 7; i >= 0; --i)
    header_length = (header_length << 8) | static_cast<uint8_t>(bytes[i]);
  CHECK(header_length % 8 == 0);
  CHECK(bytes.size() == 8 + header_length + 4 * (4 + 1 + 12));
  float first_bias;
  std::memcpy(&first_bias, bytes.data() + 8 + header_length, 4);
  CHECK(first_bias == bias[0]);

  // The same bytes read from memory give the same tensors; the name is the one given.
  const SafeTensorsFile in_memory =
      SafeTensorsFile::from_memory(bytes.data(), bytes.size(), "embedded");
  CHECK(in_memory.name() == "embedded");
  CHECK(in_memory.tensor("w").storage() == weight.storage());
  CHECK(in_memory.metadata() == metadata);
  // Writing is deterministic: the same tensors give the same bytes.
  attn::save_safetensors(dir.file("again.safetensors"),
                         {{"e", &empty}, {"s", &scalar}, {"b", &bias}, {"w", &weight}}, metadata);
  CHECK(read_bytes(dir.file("again.safetensors")) == bytes);
}

TEST_CASE("a file without __metadata__ has empty metadata; a missing key is named") {
  const std::string bytes =
      make_file(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", two_f32_data());
  const SafeTensorsFile file = SafeTensorsFile::from_memory(bytes.data(), bytes.size(), "m.st");
  CHECK(file.metadata().empty());
  CHECK_MESSAGE_HAS(error_of([&] { file.metadata_value("attn.task"); }), "m.st", "attn.task",
                    "__metadata__");
}

TEST_CASE("parameters save and load by name, all or nothing") {
  TempDir dir;
  attn::Parameter a("layer.weight", {2, 3}), b("layer.bias", {3});
  a.value = counting_tensor({2, 3}, 0.5f);
  b.value = counting_tensor({3}, 3.0f);
  attn::save_safetensors(dir.file("p.safetensors"), attn::ParameterList{&a, &b}, {{"k", "v"}});
  const SafeTensorsFile file = SafeTensorsFile::open(dir.file("p.safetensors"));

  attn::Parameter a2("layer.weight", {2, 3}), b2("layer.bias", {3});
  attn::load_parameters(file, {&a2, &b2});
  CHECK(a2.value.storage() == a.value.storage());
  CHECK(b2.value.storage() == b.value.storage());

  attn::Parameter wrong_shape("layer.weight", {3, 2});
  CHECK_MESSAGE_HAS(error_of([&] { file.load_into(wrong_shape); }), "p.safetensors",
                    "'layer.weight'", "(2, 3)", "(3, 2)");

  attn::Parameter extra("layer.gain", {3});
  CHECK_MESSAGE_HAS(error_of([&] { file.load_into(extra); }), "'layer.gain'");
  attn::Parameter c("layer.weight", {2, 3}), d("layer.bias", {3});
  CHECK_MESSAGE_HAS(error_of([&] {
                      attn::load_parameters(file, {&c, &d, &extra});
                    }),
                    "missing tensor", "'layer.gain'");
  CHECK_MESSAGE_HAS(error_of([&] { attn::load_parameters(file, {&c}); }), "unexpected tensor",
                    "'layer.bias'");
  // Nothing was loaded by the failed calls.
  CHECK(c.value.storage() == std::vector<float>(6, 0.0f));
  attn::Parameter bad_bias("layer.bias", {4});
  CHECK_MESSAGE_HAS(error_of([&] {
                      attn::load_parameters(file, {&c, &bad_bias});
                    }),
                    "'layer.bias'", "(3)", "(4)");
  CHECK(c.value.storage() == std::vector<float>(6, 0.0f));
}

TEST_CASE("missing tensors are named") {
  const std::string bytes =
      make_file(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", two_f32_data());
  const SafeTensorsFile file = SafeTensorsFile::from_memory(bytes.data(), bytes.size(), "m.st");
  CHECK_MESSAGE_HAS(error_of([&] { file.tensor("encoder.norm.weight"); }), "m.st",
                    "no tensor 'encoder.norm.weight'");
  CHECK_MESSAGE_HAS(error_of([&] { file.shape("y"); }), "no tensor 'y'");
}

TEST_CASE("files too short, missing or not files are rejected") {
  TempDir dir;
  write_bytes(dir.file("empty.safetensors"), "");
  write_bytes(dir.file("five.safetensors"), "abcde");
  CHECK_MESSAGE_HAS(error_of([&] { SafeTensorsFile::open(dir.file("empty.safetensors")); }),
                    "empty.safetensors", "0 bytes", "too short");
  CHECK_MESSAGE_HAS(error_of([&] { SafeTensorsFile::open(dir.file("five.safetensors")); }),
                    "five.safetensors", "5 bytes", "too short");
  CHECK_MESSAGE_HAS(error_of([&] { SafeTensorsFile::open(dir.file("absent.safetensors")); }),
                    "absent.safetensors", "cannot open");
  CHECK_MESSAGE_HAS(error_of([&] { SafeTensorsFile::open(dir.path.string()); }),
                    "not a regular file");
}

TEST_CASE("a header length past the end of the file or above the limit is rejected") {
  std::string bytes = make_file(R"({})", "");
  bytes[0] = 100;  // claims 100 header bytes, the file has 2
  CHECK_MESSAGE_HAS(parse_error(bytes), "bad.safetensors", "header length 100", "past the end");
  std::string huge(8, '\0');
  huge[7] = 0x10;  // 2^60
  CHECK_MESSAGE_HAS(parse_error(huge), "header length", "limit");
}

TEST_CASE("headers that are not a JSON object are rejected") {
  CHECK_MESSAGE_HAS(parse_error(make_file(R"({"x": )", "")), "bad.safetensors", "not valid JSON");
  CHECK_MESSAGE_HAS(parse_error(make_file("", "")), "not valid JSON");
  CHECK_MESSAGE_HAS(parse_error(make_file("[1, 2]", "")), "not a JSON object");
  CHECK_MESSAGE_HAS(parse_error(make_file(R"({"x": 3})", "")), "tensor 'x'", "not a JSON object");
}

TEST_CASE("tensor entries with bad fields are rejected, naming the tensor and the field") {
  const std::string data = two_f32_data();
  auto header_error = [&](const std::string& entry) {
    return parse_error(make_file(R"({"enc.w":)" + entry + "}", data));
  };
  CHECK_MESSAGE_HAS(header_error(R"({"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,8]})"),
                    "tensor 'enc.w'", "unknown dtype 'F8_E4M3'");
  CHECK_MESSAGE_HAS(header_error(R"({"dtype":7,"shape":[2],"data_offsets":[0,8]})"),
                    "tensor 'enc.w'", "dtype");
  CHECK_MESSAGE_HAS(header_error(R"({"shape":[2],"data_offsets":[0,8]})"), "tensor 'enc.w'",
                    "missing field 'dtype'");
  CHECK_MESSAGE_HAS(header_error(R"({"dtype":"F32","data_offsets":[0,8]})"),
                    "missing field 'shape'");
  CHECK_MESSAGE_HAS(header_error(R"({"dtype":"F32","shape":[2]})"), "missing field 'data_offsets'");
  CHECK_MESSAGE_HAS(header_error(R"({"dtype":"F32","shape":[-2],"data_offsets":[0,8]})"),
                    "tensor 'enc.w'", "shape", "non-negative integers");
  CHECK_MESSAGE_HAS(header_error(R"({"dtype":"F32","shape":[1.5],"data_offsets":[0,8]})"),
                    "non-negative integers");
  CHECK_MESSAGE_HAS(header_error(R"({"dtype":"F32","shape":2,"data_offsets":[0,8]})"),
                    "shape is not a list");
  CHECK_MESSAGE_HAS(
      header_error(R"({"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]})"),
      "too many elements");
  CHECK_MESSAGE_HAS(header_error(R"({"dtype":"F32","shape":[2],"data_offsets":[0]})"),
                    "data_offsets", "pair of non-negative integers");
  CHECK_MESSAGE_HAS(header_error(R"({"dtype":"F32","shape":[2],"data_offsets":[-1,8]})"),
                    "pair of non-negative integers");
  CHECK_MESSAGE_HAS(header_error(R"({"dtype":"F32","shape":[2],"data_offsets":[8,0]})"),
                    "data_offsets [8, 0]", "end before they begin");
}

TEST_CASE("a zero-size tensor may have huge other dimensions") {
  const std::string bytes = make_file(
      R"({"z":{"dtype":"F32","shape":[0,9223372036854775807],"data_offsets":[0,0]}})", "");
  const SafeTensorsFile file = SafeTensorsFile::from_memory(bytes.data(), bytes.size(), "z.st");
  CHECK(file.tensor("z").size() == 0);
}

TEST_CASE("byte ranges must match the shape, stay inside the data and not overlap") {
  const std::string data(16, '\0');
  CHECK_MESSAGE_HAS(
      parse_error(make_file(
          R"({"encoder.norm.weight":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", data)),
      "bad.safetensors", "tensor 'encoder.norm.weight'", "data_offsets [0, 8]", "hold 8 bytes",
      "shape (3) of F32 needs 12");
  CHECK_MESSAGE_HAS(
      parse_error(make_file(R"({"h":{"dtype":"F16","shape":[2,2],"data_offsets":[0,16]}})", data)),
      "tensor 'h'", "hold 16 bytes", "shape (2, 2) of F16 needs 8");
  CHECK_MESSAGE_HAS(
      parse_error(make_file(
          R"({"encoder.norm.weight":{"dtype":"F32","shape":[10],"data_offsets":[10,50]}})", data)),
      "bad.safetensors: tensor 'encoder.norm.weight': data_offsets [10, 50] run past the end of "
      "the "
      "file (16 bytes of data)");
  CHECK_MESSAGE_HAS(
      parse_error(make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                            R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                            data)),
      "tensors 'a' [0, 8] and 'b' [4, 12] overlap");
  // The same range twice is an overlap too, whatever the names sort as.
  CHECK_MESSAGE_HAS(
      parse_error(make_file(R"({"z":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},)"
                            R"("a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                            data)),
      "overlap", "'a'", "'z'");
  // Touching ranges and empty tensors anywhere are fine.
  const std::string ok = make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                   R"("b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},)"
                                   R"("c":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}})",
                                   data);
  CHECK(SafeTensorsFile::from_memory(ok.data(), ok.size(), "ok").names().size() == 3);
}

TEST_CASE("data cut short is reported, not read") {
  TempDir dir;
  const attn::Tensor t = counting_tensor({4, 4}, 1.0f);
  attn::save_safetensors(dir.file("whole.safetensors"), {{"encoder.weight", &t}}, {});
  const std::string bytes = read_bytes(dir.file("whole.safetensors"));
  write_bytes(dir.file("cut.safetensors"), bytes.substr(0, bytes.size() - 4));
  CHECK_MESSAGE_HAS(error_of([&] { SafeTensorsFile::open(dir.file("cut.safetensors")); }),
                    "cut.safetensors", "tensor 'encoder.weight'", "data_offsets [0, 64]",
                    "run past the end of the file (60 bytes of data)");
  // Cut inside the header.
  CHECK_MESSAGE_HAS(parse_error(bytes.substr(0, 20)), "header length", "past the end");
}

TEST_CASE("__metadata__ must map strings to strings; names appear once") {
  CHECK_MESSAGE_HAS(parse_error(make_file(R"({"__metadata__":{"attn.task":3}})", "")),
                    "__metadata__ entry 'attn.task' is not a string");
  CHECK_MESSAGE_HAS(parse_error(make_file(R"({"__metadata__":["a"]})", "")), "__metadata__",
                    "not a JSON object");
  CHECK_MESSAGE_HAS(
      parse_error(make_file(R"({"x":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},)"
                            R"("x":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}})",
                            "")),
      "'x' twice");
  // Equal keys inside a tensor entry are not tensor names and do not trip the check.
  const std::string nested =
      make_file(R"({"__metadata__":{"k":"1"},"x":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},)"
                R"("y":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}})",
                "");
  CHECK(SafeTensorsFile::from_memory(nested.data(), nested.size(), "n").names().size() == 2);
}

namespace {

// A file holding one tensor of 16-bit values given as bit patterns.
std::string sixteen_bit_file(const char* dtype, const std::vector<uint16_t>& bits) {
  std::string data(bits.size() * 2, '\0');
  std::memcpy(data.data(), bits.data(), data.size());
  return make_file(std::string(R"({"t":{"dtype":")") + dtype + R"(","shape":[)" +
                       std::to_string(bits.size()) + R"(],"data_offsets":[0,)" +
                       std::to_string(data.size()) + "]}}",
                   data);
}

attn::Tensor read_t(const std::string& bytes) {
  return SafeTensorsFile::from_memory(bytes.data(), bytes.size(), "h").tensor("t");
}

}  // namespace

TEST_CASE("F16 and BF16 values convert to float exactly") {
  const float inf = std::numeric_limits<float>::infinity();
  const attn::Tensor h =
      read_t(sixteen_bit_file("F16", {0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x03ff, 0x0400,
                                      0x8000, 0x7c00, 0xfc00, 0x7e00, 0x3555}));
  CHECK(h[0] == 1.0f);
  CHECK(h[1] == -2.0f);
  CHECK(h[2] == 0.5f);
  CHECK(h[3] == 65504.0f);
  CHECK(h[4] == std::ldexp(1.0f, -24));         // smallest subnormal
  CHECK(h[5] == std::ldexp(1023.0f, -24));      // largest subnormal
  CHECK(h[6] == std::ldexp(1.0f, -14));         // smallest normal
  CHECK((h[7] == 0.0f && std::signbit(h[7])));  // -0
  CHECK(h[8] == inf);
  CHECK(h[9] == -inf);
  CHECK(std::isnan(h[10]));
  CHECK(h[11] == 1365.0f / 4096.0f);  // 0x3555 = 0.333251953125

  const attn::Tensor b = read_t(sixteen_bit_file("BF16", {0x3f80, 0xc040, 0x4049, 0x0001, 0x7f80}));
  CHECK(b[0] == 1.0f);
  CHECK(b[1] == -3.0f);
  CHECK(b[2] == 3.140625f);
  CHECK(b[3] == std::ldexp(1.0f, -133));
  CHECK(b[4] == inf);
}

TEST_CASE("F16 and BF16 storage rounds to nearest even and reads back") {
  TempDir dir;
  const float inf = std::numeric_limits<float>::infinity();
  attn::Tensor t({10});
  const float values[10] = {1.0f,
                            1.0f + std::ldexp(1.0f, -11),      // halfway in F16: down to even 1
                            1.0f + 3 * std::ldexp(1.0f, -11),  // halfway: up to even 1 + 2^-9
                            -0.1f,
                            65519.0f,               // below the overflow tie: 65504
                            65520.0f,               // the tie itself goes to inf
                            std::ldexp(1.5f, -24),  // subnormal tie: 2 units (even)
                            std::ldexp(1.0f, -26),  // rounds to 0
                            -inf,
                            std::ldexp(1023.75f, -24)};  // carries into the smallest normal
  std::copy(values, values + 10, t.data());
  attn::save_safetensors(dir.file("h.safetensors"), {{"t", &t}}, {}, DType::F16);
  const SafeTensorsFile h = SafeTensorsFile::open(dir.file("h.safetensors"));
  CHECK(h.dtype("t") == DType::F16);
  CHECK(fs::file_size(dir.file("h.safetensors")) % 2 == 0);
  const attn::Tensor r = h.tensor("t");
  CHECK(r[0] == 1.0f);
  CHECK(r[1] == 1.0f);
  CHECK(r[2] == 1.0f + std::ldexp(1.0f, -9));
  CHECK(r[3] == doctest::Approx(-0.1f).epsilon(1e-3));
  CHECK(r[3] == -0.0999755859375f);  // nearest F16 to -0.1
  CHECK(r[4] == 65504.0f);
  CHECK(r[5] == inf);
  CHECK(r[6] == std::ldexp(2.0f, -24));
  CHECK(r[7] == 0.0f);
  CHECK(r[8] == -inf);
  CHECK(r[9] == std::ldexp(1.0f, -14));

  attn::Tensor u({3});
  u[0] = 1.0f + std::ldexp(1.0f, -8);      // halfway in BF16: down to even 1
  u[1] = 1.0f + 3 * std::ldexp(1.0f, -8);  // halfway: up to 1 + 2^-6
  u[2] = -3.140625f;
  attn::save_safetensors(dir.file("b.safetensors"), {{"t", &u}}, {}, DType::BF16);
  const attn::Tensor rb = SafeTensorsFile::open(dir.file("b.safetensors")).tensor("t");
  CHECK(rb[0] == 1.0f);
  CHECK(rb[1] == 1.0f + std::ldexp(1.0f, -6));
  CHECK(rb[2] == -3.140625f);
}

TEST_CASE("integer tensors are readable raw, not as float") {
  std::string data(16, '\0');
  const int64_t ids[2] = {7, -3000000000LL};
  std::memcpy(data.data(), ids, 16);
  const std::string bytes =
      make_file(R"({"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}})", data);
  const SafeTensorsFile file = SafeTensorsFile::from_memory(bytes.data(), bytes.size(), "i.st");
  CHECK(file.dtype("ids") == DType::I64);
  const SafeTensorsFile::RawTensor raw = file.raw("ids");
  REQUIRE(raw.size == 16);
  int64_t back[2];
  std::memcpy(back, raw.bytes, 16);
  CHECK(back[0] == 7);
  CHECK(back[1] == -3000000000LL);
  CHECK_MESSAGE_HAS(error_of([&] { file.tensor("ids"); }), "tensor 'ids'", "I64",
                    "does not convert to float");
}

TEST_CASE("writing is atomic: a failed write leaves no file and no temporary") {
  TempDir dir;
  const attn::Tensor t = counting_tensor({1000}, 1.0f);
  SUBCASE("into a directory that does not exist") {
    const std::string path = dir.file("no/such/dir/model.safetensors");
    CHECK_MESSAGE_HAS(error_of([&] {
                        attn::save_safetensors(path, {{"t", &t}}, {});
                      }),
                      "model.safetensors", "temporary file");
    CHECK_FALSE(fs::exists(dir.path / "no"));
    CHECK(dir.entries().empty());
  }
  SUBCASE("over an existing directory") {
    fs::create_directories(dir.path / "model.safetensors" / "inside");
    CHECK_MESSAGE_HAS(error_of([&] {
                        attn::save_safetensors(dir.file("model.safetensors"), {{"t", &t}}, {});
                      }),
                      "model.safetensors", "is a directory");
    CHECK(dir.entries() == std::vector<std::string>{"model.safetensors"});
    CHECK(fs::is_directory(dir.path / "model.safetensors" / "inside"));
  }
  SUBCASE("an existing file is replaced on success and kept on failure") {
    const std::string path = dir.file("model.safetensors");
    const attn::Tensor small = counting_tensor({2}, 1.0f);
    attn::save_safetensors(path, {{"old", &small}}, {{"v", "1"}});
    const std::string old_bytes = read_bytes(path);
    attn::save_safetensors(path, {{"new", &small}}, {{"v", "2"}});
    CHECK(SafeTensorsFile::open(path).metadata_value("v") == "2");
    CHECK(SafeTensorsFile::open(path).has("new"));
    const std::string new_bytes = read_bytes(path);

    // Fail in the middle of writing the data: the file-size limit makes write() fail with
    // EFBIG (SIGXFSZ ignored) after the header is out.
    struct rlimit saved;
    REQUIRE(getrlimit(RLIMIT_FSIZE, &saved) == 0);
    auto* old_handler = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit limited = saved;
    limited.rlim_cur = 1024;
    REQUIRE(setrlimit(RLIMIT_FSIZE, &limited) == 0);
    const std::string message = error_of([&] { attn::save_safetensors(path, {{"t", &t}}, {}); });
    setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, old_handler);
    CHECK_MESSAGE_HAS(message, "model.safetensors", "cannot write");
    CHECK(read_bytes(path) == new_bytes);
    CHECK(dir.entries() == std::vector<std::string>{"model.safetensors"});

    // Invalid UTF-8 in metadata fails before any file is made.
    CHECK_MESSAGE_HAS(error_of([&] {
                        attn::save_safetensors(path, {{"t", &t}}, {{"k", "\xff\xfe"}});
                      }),
                      "UTF-8");
    CHECK(read_bytes(path) == new_bytes);
    CHECK(dir.entries() == std::vector<std::string>{"model.safetensors"});
    CHECK(old_bytes != new_bytes);
  }
}

TEST_CASE("a bare file name is written in the current directory") {
  TempDir dir;
  const fs::path previous = fs::current_path();
  fs::current_path(dir.path);
  const attn::Tensor t = counting_tensor({3}, 1.0f);
  attn::save_safetensors("bare.safetensors", {{"t", &t}}, {});
  const bool readable =
      SafeTensorsFile::open("bare.safetensors").tensor("t").storage() == t.storage();
  fs::current_path(previous);
  CHECK(readable);
  CHECK(dir.entries() == std::vector<std::string>{"bare.safetensors"});
}

TEST_CASE("bad save arguments are programmer errors") {
  TempDir dir;
  const attn::Tensor t({2});
  CHECK_THROWS_AS(attn::save_safetensors(dir.file("a"), {{"t", &t}, {"t", &t}}, {}),
                  std::invalid_argument);
  CHECK_THROWS_AS(attn::save_safetensors(dir.file("a"), {{"t", nullptr}}, {}),
                  std::invalid_argument);
  CHECK_THROWS_AS(attn::save_safetensors(dir.file("a"), {{"t", &t}}, {}, DType::I64),
                  std::invalid_argument);
  CHECK(dir.entries().empty());
}
