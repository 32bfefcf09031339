#include "text_model_ops.h"

#include <algorithm>
#include <cmath>

#include "attn/layers/loss.h"

namespace attn::tools::text {
namespace {

using attn::text::LossKind;

// Loss over a batch's logits; writes dlogits (may be nullptr) and probabilities.
double batch_loss(const TextClassifier& model, const Tensor& logits,
                  const std::vector<const std::vector<int32_t>*>& labels, float* dlogits,
                  std::vector<float>& probs) {
  const int B = static_cast<int>(logits.dim(0)), K = static_cast<int>(logits.dim(1));
  probs.assign(static_cast<size_t>(B) * K, 0.0f);
  if (model.config().loss == LossKind::Softmax) {
    std::vector<int32_t> target(B);
    for (int b = 0; b < B; ++b) target[b] = labels[b]->front();
    return softmax_cross_entropy(B, K, logits.data(), target.data(), model.config().label_smoothing,
                                 dlogits, probs.data());
  }
  std::vector<uint8_t> target(static_cast<size_t>(B) * K, 0);
  for (int b = 0; b < B; ++b)
    for (int32_t l : *labels[b]) target[static_cast<size_t>(b) * K + l] = 1;
  for (int64_t i = 0; i < logits.size(); ++i) probs[i] = 1.0f / (1.0f + std::exp(-logits[i]));
  return ova_sigmoid_loss(B, K, logits.data(), target.data(), dlogits);
}

int argmax(const float* p, int K) { return static_cast<int>(std::max_element(p, p + K) - p); }

bool contains(const std::vector<int32_t>& v, int32_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

std::vector<TokenizedText> tokenize_all(const attn::text::Tokenizer& tokenizer,
                                        const std::vector<std::string>& texts, bool keep_surface) {
  std::vector<TokenizedText> out(texts.size());
  const int64_t n = static_cast<int64_t>(texts.size());
#pragma omp parallel for schedule(dynamic, 4)
  for (int64_t i = 0; i < n; ++i) out[i] = tokenizer.encode(texts[i], true, keep_surface);
  return out;
}

attn::text::Tokenizer with_max_len(const attn::text::Tokenizer& tokenizer, int max_len) {
  attn::text::TokenizerConfig config = tokenizer.config();
  config.max_len = max_len;
  std::vector<std::string> words;
  for (int32_t id = attn::text::kFirstWordId; id < tokenizer.vocab_size(); ++id)
    words.push_back(tokenizer.word(id));
  return attn::text::Tokenizer(config, std::move(words));
}

void predict_probs(const TextClassifier& model, const std::vector<const TokenizedText*>& batch,
                   std::vector<std::vector<float>>& probs, std::vector<std::vector<float>>* attention) {
  TextClassifier::Cache cache;
  Tensor logits;
  model.forward(batch, logits, cache, RunContext{}, attention != nullptr);
  const int B = static_cast<int>(batch.size()), K = model.config().num_labels;
  probs.assign(B, std::vector<float>(K));
  for (int b = 0; b < B; ++b) {
    const float* z = logits.data() + static_cast<size_t>(b) * K;
    if (model.config().loss == LossKind::Ova) {
      for (int k = 0; k < K; ++k) probs[b][k] = 1.0f / (1.0f + std::exp(-z[k]));
    } else {
      const float m = *std::max_element(z, z + K);
      double sum = 0.0;
      for (int k = 0; k < K; ++k) sum += probs[b][k] = std::exp(z[k] - m);
      for (int k = 0; k < K; ++k) probs[b][k] = static_cast<float>(probs[b][k] / sum);
    }
  }
  if (attention) {
    attention->resize(B);
    for (int b = 0; b < B; ++b) (*attention)[b] = model.explain(cache, b);
  }
}

BatchStats TextTrainable::train_batch(const Batch& items, const RunContext& ctx) {
  std::vector<const TokenizedText*> batch;
  std::vector<const std::vector<int32_t>*> labels;
  for (int i : items) {
    batch.push_back(&tokens_[i]);
    labels.push_back(&label_ids_[i]);
  }
  Tensor logits;
  model_.forward(batch, logits, cache_, ctx, true);
  Tensor dlogits(logits.shape());
  std::vector<float> probs;
  const double loss = batch_loss(model_, logits, labels, dlogits.data(), probs);
  model_.backward(cache_, dlogits.data());
  BatchStats stats;
  stats.items = static_cast<int64_t>(items.size());
  stats.loss_sum = loss * stats.items;
  const int K = model_.config().num_labels;
  for (int b = 0; b < static_cast<int>(items.size()); ++b)
    stats.correct += contains(*labels[b], argmax(probs.data() + static_cast<size_t>(b) * K, K));
  return stats;
}

Evaluation evaluate(const TextClassifier& model, const std::vector<TokenizedText>& tokens,
                    const std::vector<std::vector<int32_t>>& label_ids, int batch_size) {
  Evaluation ev;
  const int n = static_cast<int>(tokens.size());
  const int K = model.config().num_labels;
  double loss_sum = 0.0;
  int64_t correct = 0;
  TextClassifier::Cache cache;
  for (int start = 0; start < n; start += batch_size) {
    const int end = std::min(n, start + batch_size);
    std::vector<const TokenizedText*> batch;
    std::vector<const std::vector<int32_t>*> labels;
    for (int i = start; i < end; ++i) {
      batch.push_back(&tokens[i]);
      labels.push_back(&label_ids[i]);
    }
    Tensor logits;
    model.forward(batch, logits, cache, RunContext{}, false);
    std::vector<float> probs;
    loss_sum += batch_loss(model, logits, labels, nullptr, probs) * (end - start);
    for (int b = 0; b < end - start; ++b) {
      const int top = argmax(probs.data() + static_cast<size_t>(b) * K, K);
      ev.predicted.push_back(top);
      correct += contains(*labels[b], top);
    }
  }
  ev.loss = loss_sum / std::max(1, n);
  ev.accuracy = static_cast<double>(correct) / std::max(1, n);
  return ev;
}

}  // namespace attn::tools::text
