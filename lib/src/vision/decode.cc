#include <stb_image.h>
#include <stb_image_write.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "attn/error.h"
#include "attn/vision/image.h"

namespace attn::vision {
namespace {

std::string dims(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

bool is_jpeg(std::span<const uint8_t> b) { return b.size() >= 2 && b[0] == 0xFF && b[1] == 0xD8; }

// stb_image reads past a JPEG's end as zeros instead of failing, so a cut-off file would
// decode to a half-grey picture. Entropy-coded data never holds 0xFF 0xDA (bytes 0xFF are
// stuffed), so the last such marker starts the last scan, and the end-of-image marker
// 0xFF 0xD9 must follow it.
bool jpeg_is_complete(std::span<const uint8_t> b) {
  size_t last_scan = 0;
  for (size_t i = 0; i + 1 < b.size(); ++i)
    if (b[i] == 0xFF && b[i + 1] == 0xDA) last_scan = i;
  for (size_t i = last_scan + 2; i + 1 < b.size(); ++i)
    if (b[i] == 0xFF && b[i + 1] == 0xD9) return true;
  return false;
}

uint32_t be32(const uint8_t* p) { return (uint32_t(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3]; }
uint32_t le32(const uint8_t* p) { return (uint32_t(p[3]) << 24) | (p[2] << 16) | (p[1] << 8) | p[0]; }

// stb_image's header reader refuses very large images with only "too large"; for the formats
// that keep their size at a fixed offset, name the declared size instead.
bool declared_size(std::span<const uint8_t> b, int64_t& w, int64_t& h) {
  if (b.size() >= 24 && b[0] == 0x89 && b[1] == 'P' && b[12] == 'I' && b[15] == 'R') {
    w = be32(&b[16]), h = be32(&b[20]);
    return true;
  }
  if (b.size() >= 10 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F') {
    w = b[6] | (b[7] << 8), h = b[8] | (b[9] << 8);
    return true;
  }
  if (b.size() >= 26 && b[0] == 'B' && b[1] == 'M') {
    w = static_cast<int32_t>(le32(&b[18]));
    h = std::abs(static_cast<int64_t>(static_cast<int32_t>(le32(&b[22]))));
    return true;
  }
  return false;
}

}  // namespace

ImageHeader probe_image(std::span<const uint8_t> bytes, const ImageLimits& limits) {
  if (bytes.empty()) throw Error("empty file, not an image");
  if (bytes.size() > size_t(1) << 30) throw Error("file is larger than 1 GiB, not read as an image");
  ImageHeader h;
  if (!stbi_info_from_memory(bytes.data(), static_cast<int>(bytes.size()), &h.width, &h.height,
                             &h.channels)) {
    int64_t w = 0, ht = 0;
    if (declared_size(bytes, w, ht) && (w > limits.max_side || ht > limits.max_side))
      throw Error("image declares " + std::to_string(w) + "x" + std::to_string(ht) +
                  " pixels; at most " + dims(limits.max_side, limits.max_side) + " accepted");
    throw Error(std::string("not an image (PNG, JPEG, BMP, GIF, PGM/PPM, TGA): ") +
                stbi_failure_reason());
  }
  if (h.width > limits.max_side || h.height > limits.max_side)
    throw Error("image is " + dims(h.width, h.height) + " pixels; at most " +
                dims(limits.max_side, limits.max_side) + " accepted");
  if (h.width < limits.min_side || h.height < limits.min_side)
    throw Error("image is " + dims(h.width, h.height) + " pixels; at least " +
                dims(limits.min_side, limits.min_side) + " needed");
  return h;
}

Image decode_image(std::span<const uint8_t> bytes, int channels, const ImageLimits& limits) {
  if (channels != 1 && channels != 3) throw std::invalid_argument("decode_image: channels 1 or 3");
  const ImageHeader h = probe_image(bytes, limits);
  if (is_jpeg(bytes) && !jpeg_is_complete(bytes))
    throw Error("truncated JPEG (no end-of-image marker)");
  int w = 0, ht = 0, stored = 0;
  stbi_uc* data = stbi_load_from_memory(bytes.data(), static_cast<int>(bytes.size()), &w, &ht,
                                        &stored, channels);
  if (!data) throw Error(std::string("corrupt or truncated image: ") + stbi_failure_reason());
  Image img;
  if (w != h.width || ht != h.height) {  // header and decoder disagree: treat as corrupt
    stbi_image_free(data);
    throw Error("corrupt image: header says " + dims(h.width, h.height) + ", data " + dims(w, ht));
  }
  img.width = w;
  img.height = ht;
  img.channels = channels;
  img.pixels.assign(data, data + size_t(w) * ht * channels);
  stbi_image_free(data);
  return img;
}

std::vector<uint8_t> encode_png(const Image& image) {
  std::vector<uint8_t> out;
  auto sink = [](void* ctx, void* data, int size) {
    auto* v = static_cast<std::vector<uint8_t>*>(ctx);
    const auto* p = static_cast<const uint8_t*>(data);
    v->insert(v->end(), p, p + size);
  };
  if (!stbi_write_png_to_func(sink, &out, image.width, image.height, image.channels,
                              image.pixels.data(), image.width * image.channels))
    throw Error("PNG encoding failed");
  return out;
}

}  // namespace attn::vision
