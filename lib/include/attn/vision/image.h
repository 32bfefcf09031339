#pragma once
// Decoded images: 8-bit pixels, row-major (H, W, C) with C = 1 (grey) or 3 (RGB).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace attn::vision {

struct Image {
  int width = 0, height = 0, channels = 0;
  std::vector<uint8_t> pixels;  // (H, W, C)

  Image() = default;
  Image(int w, int h, int c) : width(w), height(h), channels(c), pixels(size_t(w) * h * c) {}
  uint8_t* row(int y) { return pixels.data() + size_t(y) * width * channels; }
  const uint8_t* row(int y) const { return pixels.data() + size_t(y) * width * channels; }
};

// Accepted sizes, checked from the file's header before any pixel is decoded.
struct ImageLimits {
  int min_side = 8;
  int max_side = 4096;
};

struct ImageHeader {
  int width = 0, height = 0, channels = 0;  // channels as stored in the file
};

// Reads only the header of a PNG, JPEG, BMP, GIF, PGM/PPM or TGA held in memory.
// Throws attn::Error ("not an image", "image is 100000x100000 pixels; at most ...").
ImageHeader probe_image(std::span<const uint8_t> bytes, const ImageLimits& limits = {});

// Decodes to `channels` (1 or 3; converted as needed; a GIF gives its first frame) after
// probe_image's checks. A truncated JPEG (no end-of-image marker after its last scan) is an
// error, although stb_image would fill its missing part with grey.
Image decode_image(std::span<const uint8_t> bytes, int channels, const ImageLimits& limits = {});

// PNG bytes of an image (stb_image_write), for heat maps.
std::vector<uint8_t> encode_png(const Image& image);

}  // namespace attn::vision
