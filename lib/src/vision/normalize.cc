#include "attn/vision/normalize.h"

#include <cmath>
#include <stdexcept>

namespace attn::vision {

ChannelStats channel_stats(const std::vector<Image>& images) {
  if (images.empty()) throw std::invalid_argument("channel_stats: no images");
  const int C = images.front().channels;
  std::vector<double> sum(C, 0.0), sq(C, 0.0);
  double n = 0.0;
  for (const Image& img : images) {
    if (img.channels != C) throw std::invalid_argument("channel_stats: mixed channel counts");
    const size_t px = size_t(img.width) * img.height;
    for (size_t i = 0; i < px; ++i)
      for (int c = 0; c < C; ++c) {
        const double v = img.pixels[i * C + c] / 255.0;
        sum[c] += v;
        sq[c] += v * v;
      }
    n += static_cast<double>(px);
  }
  ChannelStats s;
  for (int c = 0; c < C; ++c) {
    const double mean = sum[c] / n, var = std::max(0.0, sq[c] / n - mean * mean);
    s.mean.push_back(static_cast<float>(mean));
    s.std.push_back(var > 1e-12 ? static_cast<float>(std::sqrt(var)) : 1.0f);
  }
  return s;
}

void normalize(const Image& image, const ChannelStats& stats, float* out) {
  const int C = image.channels;
  if (static_cast<int>(stats.mean.size()) != C || static_cast<int>(stats.std.size()) != C)
    throw std::invalid_argument("normalize: statistics for another channel count");
  float scale[4], shift[4];
  for (int c = 0; c < C; ++c) {
    scale[c] = 1.0f / (255.0f * stats.std[c]);
    shift[c] = -stats.mean[c] / stats.std[c];
  }
  const size_t px = size_t(image.width) * image.height;
  for (size_t i = 0; i < px; ++i)
    for (int c = 0; c < C; ++c) out[i * C + c] = image.pixels[i * C + c] * scale[c] + shift[c];
}

}  // namespace attn::vision
