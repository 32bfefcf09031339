#pragma once
// Training and running a ViT over a set of fitted images: normalisation, seeded augmentation
// and mixing per batch, label-smoothed cross-entropy, evaluation and probabilities.
#include <cstdint>
#include <vector>

#include "attn/train/fit.h"
#include "attn/train/metrics.h"
#include "attn/vision/augment.h"
#include "attn/vision/image.h"
#include "attn/vision/normalize.h"
#include "attn/vision/test_shift.h"
#include "attn/vision/vit.h"
#include "attn/vision/vit_parallel.h"

namespace attn::vision {

// Images already fitted to the model's size, kept as bytes (60,000 28x28 images: 47 MB).
struct ImageSet {
  int size = 0, channels = 0;    // S, C
  std::vector<uint8_t> pixels;   // (n, S, S, C)
  std::vector<int32_t> labels;   // (n)

  int count() const { return static_cast<int>(labels.size()); }
  size_t image_bytes() const { return size_t(size) * size * channels; }
  Image image(int i) const;
  void add(const Image& fitted, int32_t label);  // fitted: size x size, `channels`
};

// images[b] = normalize(set[items[b]]).   images: (B, S, S, C)
void normalize_items(const ImageSet& set, const std::vector<int>& items, const ChannelStats& stats,
                     float* images);

struct ViTTrainConfig {
  AugmentConfig augment;
  float label_smoothing = 0.1f;
  // Per-label loss weights (K), empty: all 1. As attn::ClassifyConfig's: an image's loss and
  // gradient are scaled by its label's weight (mixed images: each part by its label's), the
  // batch loss stays a mean over the B images.
  std::vector<float> class_weights;
};

// fit()'s view of a ViT: each batch is normalised, augmented and mixed from a generator
// seeded by the step's ctx.seed (so a seed gives the same run), then forward and backward.
// The forward and backward run data-parallel over the threads (vit_parallel.h).
class ViTTrainable : public TrainableModel {
 public:
  ViTTrainable(ViT& model, const ImageSet& data, const ChannelStats& stats,
               const ViTTrainConfig& config);
  ParameterList parameters() override { return model_.parameters(); }
  BatchStats train_batch(const Batch& items, const RunContext& ctx) override;

 private:
  ViT& model_;
  const ImageSet& data_;
  ChannelStats stats_;
  ViTTrainConfig config_;
  std::vector<float> fill_;  // normalised black, for crop padding
  ViTDataParallel step_;
};

// probs: (B, K) softmax of the logits.   images: (B, S, S, C), normalised
void predict_probs(const ViT& model, int B, const float* images, float* probs);

struct ViTEvaluation {
  double loss = 0.0;      // mean cross-entropy (no smoothing)
  double accuracy = 0.0;
  ConfusionMatrix confusion{2};
};

// Every image of the set in batches of `batch`; labels must be in [0, K). Probabilities are
// averaged over the test-time views (test_shift.h).
ViTEvaluation evaluate(const ViT& model, const ImageSet& set, const ChannelStats& stats,
                       const TestViews& views = {}, int batch = 256);

}  // namespace attn::vision
