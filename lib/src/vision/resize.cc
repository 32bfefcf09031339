#include "attn/vision/resize.h"

#include <stb_image_resize.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "attn/error.h"

namespace attn::vision {

Fit fit_from_string(const std::string& s) {
  if (s == "crop") return Fit::Crop;
  if (s == "pad") return Fit::Pad;
  if (s == "stretch") return Fit::Stretch;
  throw Error("fit must be crop, pad or stretch, not \"" + s + "\"");
}

std::string to_string(Fit f) {
  switch (f) {
    case Fit::Crop: return "crop";
    case Fit::Pad: return "pad";
    case Fit::Stretch: return "stretch";
  }
  return "?";
}

FitGeometry fit_geometry(int width, int height, int size, Fit fit) {
  if (width <= 0 || height <= 0 || size <= 0) throw std::invalid_argument("fit_geometry: sizes");
  FitGeometry g{0, 0, width, height, 0, 0, size, size};
  if (fit == Fit::Crop) {
    const int side = std::min(width, height);
    g.src_x = (width - side) / 2;
    g.src_y = (height - side) / 2;
    g.src_w = g.src_h = side;
  } else if (fit == Fit::Pad) {
    // The longer side becomes `size`; the shorter is scaled alike, at least one pixel.
    const double scale = static_cast<double>(size) / std::max(width, height);
    g.dst_w = std::clamp(static_cast<int>(std::lround(width * scale)), 1, size);
    g.dst_h = std::clamp(static_cast<int>(std::lround(height * scale)), 1, size);
    g.dst_x = (size - g.dst_w) / 2;
    g.dst_y = (size - g.dst_h) / 2;
  }
  return g;
}

Image fit_image(const Image& image, int size, Fit fit) {
  const FitGeometry g = fit_geometry(image.width, image.height, size, fit);
  const int C = image.channels;
  Image out(size, size, C);
  const uint8_t* src = image.pixels.data() + (size_t(g.src_y) * image.width + g.src_x) * C;
  uint8_t* dst = out.pixels.data() + (size_t(g.dst_y) * size + g.dst_x) * C;
  const int src_stride = image.width * C, dst_stride = size * C;
  if (g.src_w == g.dst_w && g.src_h == g.dst_h) {
    for (int y = 0; y < g.src_h; ++y)
      std::memcpy(dst + size_t(y) * dst_stride, src + size_t(y) * src_stride, size_t(g.src_w) * C);
    return out;
  }
  if (!stbir_resize_uint8(src, g.src_w, g.src_h, src_stride, dst, g.dst_w, g.dst_h, dst_stride, C))
    throw Error("image resize failed");
  return out;
}

}  // namespace attn::vision
