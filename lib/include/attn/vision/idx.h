#pragma once
// IDX files as MNIST and Fashion-MNIST ship them (gzipped or not): unsigned-byte arrays
// with a big-endian header. Images are magic 0x00000803 (count, rows, cols), labels
// 0x00000801 (count).
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace attn::vision {

struct IdxImages {
  int count = 0, rows = 0, cols = 0;
  std::vector<uint8_t> pixels;  // (count, rows, cols)
};

struct IdxLimits {
  int64_t max_count = 10'000'000;
  int max_side = 4096;
  int64_t max_bytes = int64_t(4) << 30;  // declared payload
};

// The byte source: fills up to n bytes, returns how many it wrote (0 at the end).
using ByteSource = std::function<size_t(uint8_t* out, size_t n)>;

// Reads one IDX array. Every failure is an attn::Error naming `name` and what was wrong:
// a wrong magic number, a count or side out of range, fewer or more bytes than declared.
// Storage grows with the bytes actually read, so a header that lies costs no memory.
IdxImages parse_idx_images(const ByteSource& source, const std::string& name,
                           const IdxLimits& limits = {});
std::vector<uint8_t> parse_idx_labels(const ByteSource& source, const std::string& name,
                                      const IdxLimits& limits = {});

// From a file, gzipped or plain (zlib detects which); a corrupt gzip stream is an error.
IdxImages read_idx_images(const std::string& path, const IdxLimits& limits = {});
std::vector<uint8_t> read_idx_labels(const std::string& path, const IdxLimits& limits = {});

// From bytes in memory (not gzipped), for tests and fuzzing.
ByteSource memory_source(std::span<const uint8_t> bytes);

}  // namespace attn::vision
