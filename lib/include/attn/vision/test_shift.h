#pragma once
// Test-time shift averaging: a ViT's probabilities averaged over the image and its four copies
// moved `shift` pixels left, right, up and down, padded with normalised black as crop-padding
// training pads. On Fashion-MNIST validation it added about 0.9 points (assets/models/README.md).
#include <vector>

#include "attn/vision/normalize.h"
#include "attn/vision/vit.h"

namespace attn::vision {

inline constexpr int kShiftViews = 5;  // the image, then moved by (0, +s), (0, -s), (+s, 0), (-s, 0)

// The normalised value of a black pixel, per channel: what padded pixels get.
std::vector<float> normalised_black(const ChannelStats& stats);

// probs: (B, K). images: (B, S, S, C), normalised. shift 0: the plain softmax of one forward.
void shifted_mean_probs(const ViT& model, int B, const float* images, const std::vector<float>& black,
                        int shift, float* probs);

// Throws attn::Error unless 0 <= shift <= image_size / 4 (larger moves lose the object).
void check_test_shift(int shift, int image_size);

}  // namespace attn::vision
