#include "attn/vision/test_shift.h"

#include <string>

#include "attn/error.h"
#include "attn/vision/augment.h"
#include "attn/vision/vit_train.h"

namespace attn::vision {

std::vector<float> normalised_black(const ChannelStats& stats) {
  std::vector<float> black;
  for (size_t c = 0; c < stats.mean.size(); ++c) black.push_back(-stats.mean[c] / stats.std[c]);
  return black;
}

void shifted_mean_probs(const ViT& model, int B, const float* images, const std::vector<float>& black,
                        int shift, float* probs) {
  if (shift == 0 || B == 0) return predict_probs(model, B, images, probs);
  const ViTConfig& c = model.config();
  const int S = c.image_size, C = c.channels, K = c.num_labels;
  const size_t n = size_t(S) * S * C;
  // All views in one batch: view v of image b at row v*B + b.
  std::vector<float> views(n * B * kShiftViews), view_probs(size_t(B) * K * kShiftViews);
  const int moves[kShiftViews][2] = {{0, 0}, {0, shift}, {0, -shift}, {shift, 0}, {-shift, 0}};
  for (int v = 0; v < kShiftViews; ++v)
    for (int b = 0; b < B; ++b)
      shift_image(S, C, images + n * b, views.data() + n * (size_t(v) * B + b), moves[v][0], moves[v][1], black.data());
  predict_probs(model, B * kShiftViews, views.data(), view_probs.data());
  for (size_t i = 0; i < size_t(B) * K; ++i) {
    float sum = 0.0f;
    for (int v = 0; v < kShiftViews; ++v) sum += view_probs[size_t(v) * B * K + i];
    probs[i] = sum / kShiftViews;
  }
}

void check_test_shift(int shift, int image_size) {
  if (shift < 0 || shift > image_size / 4)
    throw Error("test shift " + std::to_string(shift) + ": expected 0 to " + std::to_string(image_size / 4) +
                " pixels (a quarter of the image size " + std::to_string(image_size) + ")");
}

}  // namespace attn::vision
