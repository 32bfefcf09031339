#pragma once
// Seeded training-time augmentation of normalised float images (S, S, C), row-major.
// Everything draws from the caller's Rng, so the same seed gives the same images.
#include <cstdint>
#include <vector>

#include "attn/rng.h"

namespace attn::vision {

struct AugmentConfig {
  int crop_padding = 0;        // random crop after padding each side by this many pixels
  bool flip = false;           // random horizontal flip (off: digits must not be mirrored)
  float erase_prob = 0.0f;     // random erasing (Zhong et al. 2017) with this probability
  float erase_min_area = 0.02f, erase_max_area = 0.25f;  // erased fraction of the image
  float mixup_alpha = 0.0f;    // > 0: mixup with lambda ~ Beta(alpha, alpha)
  float cutmix_alpha = 0.0f;   // > 0: cutmix; with both, each batch picks one at random
};

// dst = src moved so that dst pixel (y, x) is src pixel (y + oy, x + ox), or `fill` (C) where
// that falls outside: the crop-with-padding geometry, shared by training and test-time shifts.
void shift_image(int S, int C, const float* src, float* dst, int oy, int ox, const float* fill);

// In place: each row of an (S, S, C) image reversed (a left-right mirror image).
void mirror_image(int S, int C, float* image);

// Crop with padding, flip and erasing on one image, in place. `fill`: (C) the value padded
// pixels get (normalised black); erased pixels get 0 (the normalised mean).
void augment_image(int S, int C, float* image, const float* fill, const AugmentConfig& config,
                   Rng& rng);

// How a batch was mixed: item b became lambda[b] * itself + (1 - lambda[b]) * item partner[b],
// so its loss is lambda[b] * CE(label[b]) + (1 - lambda[b]) * CE(label[partner[b]]).
struct BatchMix {
  std::vector<int> partner;   // (B); empty when the batch was not mixed
  std::vector<float> lambda;  // (B)
};

// Mixup or cutmix over a batch of B images (B, S, S, C), in place (no-op when both alphas are
// 0 or B < 2). Cutmix's lambda is the exact kept area after clipping the box.
BatchMix mix_batch(int B, int S, int C, float* images, const AugmentConfig& config, Rng& rng);

// A Beta(a, a) sample (Marsaglia-Tsang gamma draws), a > 0.
float sample_beta(float a, Rng& rng);

}  // namespace attn::vision
