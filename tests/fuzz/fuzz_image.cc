// Images and IDX files: stb_image decoding behind attn's header checks (size limits, truncated
// JPEGs), fitting to the model's size, and the IDX reader, plain from memory or through zlib
// from a file (a memfd, so gzipped inputs take the path real files take).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "attn/vision/idx.h"
#include "attn/vision/image.h"
#include "attn/vision/resize.h"
#include "fuzz_support.h"

namespace {

void fuzz_image(std::span<const uint8_t> bytes, uint8_t settings) {
  using namespace attn::vision;
  const int channels = settings & 1 ? 3 : 1;
  const Fit fit = static_cast<Fit>((settings >> 1) % 3);
  const int size = 8 + 4 * ((settings >> 3) % 8);
  const Image img = decode_image(bytes, channels);
  attn::fuzz::require(img.width >= 8 && img.height >= 8 && img.width <= 4096 && img.height <= 4096);
  attn::fuzz::require(img.pixels.size() == size_t(img.width) * img.height * channels);
  const Image fitted = fit_image(img, size, fit);
  attn::fuzz::require(fitted.width == size && fitted.height == size);
}

void fuzz_idx(std::span<const uint8_t> bytes, uint8_t settings) {
  using namespace attn::vision;
  IdxLimits limits;
  limits.max_bytes = 64 << 20;
  if (settings & 2) {  // through zlib, as read_idx_* reads a file
    const int fd = memfd_create("idx", 0);
    if (fd < 0) return;
    if (write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size())) {
      const std::string path = "/proc/self/fd/" + std::to_string(fd);
      attn::fuzz::reject_cleanly([&] {
        if (settings & 1) read_idx_labels(path, limits);
        else read_idx_images(path, limits);
      });
    }
    close(fd);
    return;
  }
  if (settings & 1) {
    const auto labels = parse_idx_labels(memory_source(bytes), "fuzz.idx", limits);
    attn::fuzz::require(!labels.empty() && labels.size() + 8 == bytes.size());
  } else {
    const IdxImages images = parse_idx_images(memory_source(bytes), "fuzz.idx", limits);
    attn::fuzz::require(images.pixels.size() + 16 == bytes.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  attn::fuzz::Bytes in(data, size);
  const uint8_t settings = in.take();
  const auto rest = in.rest();
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(rest.data()), rest.size());
  attn::fuzz::reject_cleanly([&] {
    if (settings & 0x80) fuzz_idx(bytes, settings);
    else fuzz_image(bytes, settings);
  });
  return 0;
}
