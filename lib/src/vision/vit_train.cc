#include "attn/vision/vit_train.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "attn/layers/loss.h"
#include "attn/ops.h"
#include "attn/vision/test_shift.h"

namespace attn::vision {

Image ImageSet::image(int i) const {
  Image img(size, size, channels);
  std::memcpy(img.pixels.data(), pixels.data() + size_t(i) * image_bytes(), image_bytes());
  return img;
}

void ImageSet::add(const Image& fitted, int32_t label) {
  if (fitted.width != size || fitted.height != size || fitted.channels != channels)
    throw std::invalid_argument("ImageSet::add: image not fitted to the set's size");
  pixels.insert(pixels.end(), fitted.pixels.begin(), fitted.pixels.end());
  labels.push_back(label);
}

void normalize_items(const ImageSet& set, const std::vector<int>& items, const ChannelStats& stats,
                     float* images) {
  const int B = static_cast<int>(items.size());
  const size_t n = set.image_bytes();
#pragma omp parallel for schedule(static)
  for (int b = 0; b < B; ++b) {
    Image img;  // a view would do; the copy is small next to a forward pass
    img.width = img.height = set.size;
    img.channels = set.channels;
    img.pixels.assign(set.pixels.begin() + items[b] * n, set.pixels.begin() + (items[b] + 1) * n);
    normalize(img, stats, images + b * n);
  }
}

ViTTrainable::ViTTrainable(ViT& model, const ImageSet& data, const ChannelStats& stats,
                           const ViTTrainConfig& config)
    : model_(model), data_(data), stats_(stats), config_(config), step_(model) {
  fill_ = normalised_black(stats);
}

namespace {

// Mean cross-entropy over the batch with dlogits: (B, K) its gradient; with class weights each
// row is scaled by its label's weight (per row, since the weights differ by row).
double weighted_cross_entropy(int B, int K, const float* logits, const int32_t* labels, float smoothing,
                              const std::vector<float>& weights, float* dlogits) {
  if (weights.empty()) return softmax_cross_entropy(B, K, logits, labels, smoothing, dlogits, nullptr);
  double loss = 0.0;
  for (int b = 0; b < B; ++b) {
    const float w = weights[labels[b]];
    float* drow = dlogits + size_t(b) * K;
    loss += w * double(softmax_cross_entropy(1, K, logits + size_t(b) * K, labels + b, smoothing, drow, nullptr));
    for (int k = 0; k < K; ++k) drow[k] *= w / float(B);  // d(loss / B) / dlogits[b]
  }
  return loss / B;
}

}  // namespace

BatchStats ViTTrainable::train_batch(const Batch& items, const RunContext& ctx) {
  const int B = static_cast<int>(items.size()), S = data_.size, C = data_.channels;
  const int K = model_.config().num_labels;
  const size_t n = data_.image_bytes();
  std::vector<float> images(n * B);
  normalize_items(data_, items, stats_, images.data());
  // One generator per image, split off in order, so threads never change what an image gets.
  Rng rng(ctx.seed ^ 0x5eedf00dull);
  std::vector<Rng> per_image;
  for (int b = 0; b < B; ++b) per_image.push_back(rng.split(b));
#pragma omp parallel for schedule(static)
  for (int b = 0; b < B; ++b)
    augment_image(S, C, images.data() + b * n, fill_.data(), config_.augment, per_image[b]);
  const BatchMix mix = mix_batch(B, S, C, images.data(), config_.augment, rng);

  std::vector<float> logits(size_t(B) * K);
  step_.forward(B, images.data(), ctx, logits.data());
  std::vector<int32_t> labels(B);
  for (int b = 0; b < B; ++b) labels[b] = data_.labels[items[b]];
  std::vector<float> dlogits(size_t(B) * K);
  double loss = weighted_cross_entropy(B, K, logits.data(), labels.data(), config_.label_smoothing,
                                       config_.class_weights, dlogits.data());
  if (!mix.partner.empty()) {
    // loss = lam * CE(labels) + (1 - lam) * CE(partner labels); lam is one value per batch.
    const float lam = mix.lambda[0];
    std::vector<int32_t> other(B);
    for (int b = 0; b < B; ++b) other[b] = labels[mix.partner[b]];
    std::vector<float> d2(dlogits.size());
    const double loss2 = weighted_cross_entropy(B, K, logits.data(), other.data(), config_.label_smoothing,
                                                config_.class_weights, d2.data());
    loss = lam * loss + (1.0 - lam) * loss2;
    for (size_t i = 0; i < dlogits.size(); ++i) dlogits[i] = lam * dlogits[i] + (1.0f - lam) * d2[i];
  }
  step_.backward(dlogits.data());
  BatchStats stats;
  stats.loss_sum = loss * B;
  stats.items = B;
  for (int b = 0; b < B; ++b) {
    const float* row = logits.data() + size_t(b) * K;
    stats.correct += std::max_element(row, row + K) - row == labels[b];
  }
  return stats;
}

void predict_probs(const ViT& model, int B, const float* images, float* probs) {
  Tensor logits;
  ViT::Cache cache;
  model.forward(B, images, logits, cache, {}, /*keep_activations=*/false);
  ops::softmax_rows(B, model.config().num_labels, logits.data(), probs);
}

ViTEvaluation evaluate(const ViT& model, const ImageSet& set, const ChannelStats& stats,
                       const TestViews& views, int batch) {
  const int K = model.config().num_labels;
  const std::vector<float> black = normalised_black(stats);
  ViTEvaluation ev;
  ev.confusion = ConfusionMatrix(K);
  std::vector<float> images, probs;
  double loss_sum = 0.0;
  for (int start = 0; start < set.count(); start += batch) {
    const int B = std::min(batch, set.count() - start);
    std::vector<int> items(B);
    for (int b = 0; b < B; ++b) items[b] = start + b;
    images.resize(set.image_bytes() * B);
    normalize_items(set, items, stats, images.data());
    probs.resize(size_t(B) * K);
    view_mean_probs(model, B, images.data(), black, views, probs.data());
    for (int b = 0; b < B; ++b) {
      const float* row = probs.data() + size_t(b) * K;
      const int label = set.labels[start + b];
      loss_sum -= std::log(std::max(row[label], 1e-30f));
      ev.confusion.add(label, static_cast<int>(std::max_element(row, row + K) - row));
    }
  }
  const int64_t total = ev.confusion.total();
  int64_t correct = 0;
  for (int k = 0; k < K; ++k) correct += ev.confusion.at(k, k);
  ev.loss = total ? loss_sum / total : 0.0;
  ev.accuracy = total ? double(correct) / total : 0.0;
  return ev;
}

}  // namespace attn::vision
