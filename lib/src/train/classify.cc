#include "attn/train/classify.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "attn/layers/loss.h"
#include "attn/ops.h"

namespace attn {
namespace {

int argmax(const float* p, int K) { return static_cast<int>(std::max_element(p, p + K) - p); }

bool contains(const std::vector<int32_t>& v, int32_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

float item_weight(const ClassifyConfig& config, const std::vector<int32_t>& labels) {
  if (config.loss == LossKind::Softmax) return config.class_weights[labels.front()];
  double sum = 0.0;
  for (int32_t l : labels) sum += config.class_weights[l];
  return labels.empty() ? 1.0f : static_cast<float>(sum / static_cast<double>(labels.size()));
}

// The unweighted batch loss of the chosen kind.
double plain_loss(const ClassifyConfig& config, int B, int K, const float* logits,
                  const std::vector<const std::vector<int32_t>*>& labels, float* dlogits,
                  float* probs) {
  if (config.loss == LossKind::Softmax) {
    std::vector<int32_t> target(B);
    for (int b = 0; b < B; ++b) target[b] = labels[b]->front();
    return softmax_cross_entropy(B, K, logits, target.data(), config.label_smoothing, dlogits, probs);
  }
  std::vector<uint8_t> target(static_cast<size_t>(B) * K, 0);
  for (int b = 0; b < B; ++b)
    for (int32_t l : *labels[b]) target[static_cast<size_t>(b) * K + l] = 1;
  if (probs) probabilities(LossKind::Ova, B, K, logits, probs);
  return ova_sigmoid_loss(B, K, logits, target.data(), dlogits);
}

}  // namespace

std::string to_string(LossKind k) { return k == LossKind::Softmax ? "softmax" : "ova"; }

void probabilities(LossKind loss, int B, int K, const float* logits, float* probs) {
  if (loss == LossKind::Softmax) {
    ops::softmax_rows(B, K, logits, probs);
    return;
  }
  const int64_t n = static_cast<int64_t>(B) * K;
  for (int64_t i = 0; i < n; ++i) probs[i] = 1.0f / (1.0f + std::exp(-logits[i]));
}

double classification_loss(const ClassifyConfig& config, int B, int K, const float* logits,
                           const std::vector<const std::vector<int32_t>*>& labels, float* dlogits,
                           float* probs) {
  if (config.class_weights.empty()) return plain_loss(config, B, K, logits, labels, dlogits, probs);
  if (static_cast<int>(config.class_weights.size()) != K)
    throw std::invalid_argument("classification_loss: class_weights must have K entries");
  // loss = (1/B) sum_b w_b l_b: each row's own mean loss (a batch of one), scaled by its weight
  // and by 1/B; so is its gradient.
  double total = 0.0;
  for (int b = 0; b < B; ++b) {
    const size_t row = static_cast<size_t>(b) * K;
    const float w = item_weight(config, *labels[b]);
    total += w * plain_loss(config, 1, K, logits + row, {labels[b]}, dlogits ? dlogits + row : nullptr,
                            probs ? probs + row : nullptr);
    if (dlogits)
      for (int k = 0; k < K; ++k) dlogits[row + k] *= w / static_cast<float>(B);
  }
  return total / B;
}

std::vector<float> balanced_class_weights(const LabelIds& labels, int K) {
  std::vector<int64_t> count(K, 0);
  int64_t n = 0;
  for (const auto& ids : labels)
    for (int32_t l : ids) ++count.at(l), ++n;
  std::vector<float> w(K, 0.0f);
  for (int k = 0; k < K; ++k)
    if (count[k] > 0) w[k] = static_cast<float>(static_cast<double>(n) / (static_cast<double>(K) * count[k]));
  return w;
}

BatchStats ClassifierTrainable::train_batch(const Batch& items, const RunContext& ctx) {
  const int B = static_cast<int>(items.size()), K = task_.num_labels();
  std::vector<const std::vector<int32_t>*> labels;
  for (int i : items) labels.push_back(&labels_[i]);
  Tensor logits;
  task_.forward(items, logits, ctx, true);  // logits: (B, K)
  Tensor dlogits(logits.shape());
  std::vector<float> probs(static_cast<size_t>(B) * K);
  const double loss = classification_loss(config_, B, K, logits.data(), labels, dlogits.data(), probs.data());
  task_.backward(dlogits.data());
  BatchStats stats;
  stats.items = B;
  stats.loss_sum = loss * B;
  for (int b = 0; b < B; ++b) stats.correct += contains(*labels[b], argmax(probs.data() + static_cast<size_t>(b) * K, K));
  return stats;
}

Evaluation evaluate(ClassifierTask& task, const ClassifyConfig& config, const LabelIds& labels, int batch_size) {
  Evaluation ev;
  const int n = static_cast<int>(labels.size()), K = task.num_labels();
  ev.confusion = ConfusionMatrix(K);
  double loss_sum = 0.0;
  int64_t correct = 0;
  for (int start = 0; start < n; start += batch_size) {
    const int end = std::min(n, start + batch_size), B = end - start;
    Batch items;
    std::vector<const std::vector<int32_t>*> batch_labels;
    for (int i = start; i < end; ++i) {
      items.push_back(i);
      batch_labels.push_back(&labels[i]);
    }
    Tensor logits;
    task.forward(items, logits, RunContext{}, false);
    std::vector<float> probs(static_cast<size_t>(B) * K);
    loss_sum += classification_loss(config, B, K, logits.data(), batch_labels, nullptr, probs.data()) * B;
    for (int b = 0; b < B; ++b) {
      const int top = argmax(probs.data() + static_cast<size_t>(b) * K, K);
      const auto& truth = *batch_labels[b];
      const bool hit = contains(truth, top);
      ev.predicted.push_back(top);
      correct += hit;
      ev.confusion.add(hit ? top : truth.front(), top);
    }
  }
  ev.loss = loss_sum / std::max(1, n);
  ev.accuracy = static_cast<double>(correct) / std::max(1, n);
  ev.metrics = compute_metrics(ev.confusion);
  return ev;
}

}  // namespace attn
