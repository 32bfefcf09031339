#pragma once
// 8-bit pixels to the model's normalised floats, with per-channel statistics.
#include <vector>

#include "attn/vision/image.h"

namespace attn::vision {

struct ChannelStats {
  std::vector<float> mean, std;  // (C), in [0, 1] pixel units
};

// Mean and standard deviation of each channel over images of one channel count (a std of 0
// becomes 1 so that normalising never divides by zero).
ChannelStats channel_stats(const std::vector<Image>& images);

// out = (pixel / 255 - mean[c]) / std[c].   out: (H, W, C)
void normalize(const Image& image, const ChannelStats& stats, float* out);

}  // namespace attn::vision
