#include "attn/vision/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "attn/error.h"

namespace attn::vision {
namespace {

constexpr uint8_t kUnsignedByte = 0x08;

// Reads exactly n bytes or reports how many there were.
size_t read_full(const ByteSource& source, uint8_t* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    const size_t k = source(out + got, n - got);
    if (k == 0) break;
    got += k;
  }
  return got;
}

uint32_t big_endian(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

// Header: 0, 0, type, rank, then rank big-endian uint32 sizes.
std::vector<uint32_t> read_header(const ByteSource& source, const std::string& name, int rank,
                                  const char* what) {
  uint8_t magic[4];
  if (read_full(source, magic, 4) != 4) throw Error(name + ": too short for an IDX header");
  const uint32_t found = big_endian(magic);
  const uint32_t want = (uint32_t(kUnsignedByte) << 8) | uint32_t(rank);
  if (found != want) {
    char buf[96];
    std::snprintf(buf, sizeof buf, ": magic number 0x%08X, expected 0x%08X (IDX %s)", found, want,
                  what);
    throw Error(name + buf);
  }
  std::vector<uint32_t> sizes(rank);
  for (int i = 0; i < rank; ++i) {
    uint8_t b[4];
    if (read_full(source, b, 4) != 4) throw Error(name + ": IDX header is cut off");
    sizes[i] = big_endian(b);
  }
  return sizes;
}

// Reads exactly `bytes` payload bytes in chunks (memory follows the data, not the header),
// then checks that nothing follows.
std::vector<uint8_t> read_payload(const ByteSource& source, const std::string& name,
                                  int64_t bytes) {
  std::vector<uint8_t> data;
  const size_t chunk = size_t(1) << 20;
  while (static_cast<int64_t>(data.size()) < bytes) {
    const size_t want = std::min<int64_t>(chunk, bytes - static_cast<int64_t>(data.size()));
    const size_t old = data.size();
    data.resize(old + want);
    const size_t got = read_full(source, data.data() + old, want);
    if (got < want)
      throw Error(name + ": header declares " + std::to_string(bytes) + " data bytes, file has " +
                  std::to_string(old + got));
  }
  uint8_t extra;
  if (source(&extra, 1) != 0)
    throw Error(name + ": more data than the header's counts declare");
  return data;
}

void check_count(int64_t n, const std::string& name, const IdxLimits& limits) {
  if (n < 1 || n > limits.max_count)
    throw Error(name + ": count " + std::to_string(n) + " is out of range (1.." +
                std::to_string(limits.max_count) + ")");
}

}  // namespace

IdxImages parse_idx_images(const ByteSource& source, const std::string& name,
                           const IdxLimits& limits) {
  const auto s = read_header(source, name, 3, "images: unsigned bytes, 3 dimensions");
  check_count(s[0], name, limits);
  for (int i = 1; i < 3; ++i)
    if (s[i] < 1 || s[i] > static_cast<uint32_t>(limits.max_side))
      throw Error(name + ": image side " + std::to_string(s[i]) + " is out of range (1.." +
                  std::to_string(limits.max_side) + ")");
  const int64_t bytes = int64_t(s[0]) * s[1] * s[2];
  if (bytes > limits.max_bytes)
    throw Error(name + ": header declares " + std::to_string(bytes) + " bytes, more than the limit");
  IdxImages out;
  out.count = static_cast<int>(s[0]);
  out.rows = static_cast<int>(s[1]);
  out.cols = static_cast<int>(s[2]);
  out.pixels = read_payload(source, name, bytes);
  return out;
}

std::vector<uint8_t> parse_idx_labels(const ByteSource& source, const std::string& name,
                                      const IdxLimits& limits) {
  const auto s = read_header(source, name, 1, "labels: unsigned bytes, 1 dimension");
  check_count(s[0], name, limits);
  return read_payload(source, name, s[0]);
}

namespace {

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};

// gzread passes plain files through unchanged, so one reader serves both forms.
template <class Parse>
auto with_file(const std::string& path, Parse parse) {
  std::unique_ptr<gzFile_s, GzCloser> f(gzopen(path.c_str(), "rb"));
  if (!f) throw Error(path + ": cannot open: " + std::strerror(errno));
  ByteSource source = [&](uint8_t* out, size_t n) -> size_t {
    const int k = gzread(f.get(), out, static_cast<unsigned>(std::min<size_t>(n, 1u << 30)));
    if (k < 0) {
      int code = 0;
      throw Error(path + ": " + gzerror(f.get(), &code));
    }
    return static_cast<size_t>(k);
  };
  auto result = parse(source, path);
  int code = Z_OK;
  const char* message = gzerror(f.get(), &code);
  if (code != Z_OK && code != Z_STREAM_END) throw Error(path + ": " + message);
  return result;
}

}  // namespace

IdxImages read_idx_images(const std::string& path, const IdxLimits& limits) {
  return with_file(path, [&](const ByteSource& s, const std::string& n) {
    return parse_idx_images(s, n, limits);
  });
}

std::vector<uint8_t> read_idx_labels(const std::string& path, const IdxLimits& limits) {
  return with_file(path, [&](const ByteSource& s, const std::string& n) {
    return parse_idx_labels(s, n, limits);
  });
}

ByteSource memory_source(std::span<const uint8_t> bytes) {
  auto pos = std::make_shared<size_t>(0);
  return [bytes, pos](uint8_t* out, size_t n) {
    const size_t k = std::min(n, bytes.size() - *pos);
    if (k) std::memcpy(out, bytes.data() + *pos, k);
    *pos += k;
    return k;
  };
}

}  // namespace attn::vision
