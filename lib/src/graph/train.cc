#include "attn/graph/train.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "attn/error.h"
#include "attn/layers/loss.h"
#include "attn/ops.h"
#include "attn/train/classify.h"
#include "attn/train/fit.h"

namespace attn::graph {

NodeLoss node_loss(int K, const std::vector<float>& logits, const std::vector<int32_t>& labels,
                   const std::vector<int32_t>& nodes, float* dlogits,
                   const std::vector<float>& class_weights) {
  NodeLoss r;
  const int B = static_cast<int>(nodes.size());
  if (dlogits) std::fill(dlogits, dlogits + logits.size(), 0.0f);
  if (B == 0) return r;
  // gather the rows of `nodes`, then the library's cross-entropy over them
  std::vector<float> rows(int64_t{B} * K), drows(dlogits ? int64_t{B} * K : 0);
  std::vector<int32_t> y(B);
  for (int b = 0; b < B; ++b) {
    std::copy_n(logits.data() + int64_t{nodes[b]} * K, K, rows.data() + int64_t{b} * K);
    y[b] = labels[nodes[b]];
  }
  if (class_weights.empty()) {
    r.loss = softmax_cross_entropy(B, K, rows.data(), y.data(), 0.0f,
                                   dlogits ? drows.data() : nullptr, nullptr);
  } else {
    ClassifyConfig weighted;
    weighted.class_weights = class_weights;
    LabelIds ids(B);
    std::vector<const std::vector<int32_t>*> of(B);
    for (int b = 0; b < B; ++b) ids[b] = {y[b]}, of[b] = &ids[b];
    r.loss = classification_loss(weighted, B, K, rows.data(), of, dlogits ? drows.data() : nullptr, nullptr);
  }
  int64_t correct = 0;
  for (int b = 0; b < B; ++b) {
    const float* row = rows.data() + int64_t{b} * K;
    correct += std::max_element(row, row + K) - row == y[b];
    if (dlogits) std::copy_n(drows.data() + int64_t{b} * K, K, dlogits + int64_t{nodes[b]} * K);
  }
  r.accuracy = static_cast<double>(correct) / B;
  return r;
}

namespace {

// The whole graph as the one item of every epoch: forward over all nodes, the loss on the
// training nodes, backward, and L2 added to the gradients (Adam's weight_decay, as the paper).
class GatTrainable : public TrainableModel {
 public:
  GatTrainable(GatModel& model, const NodeFeatures& x, const CsrGraph& g,
               const std::vector<int32_t>& labels, const std::vector<int32_t>& train_nodes,
               float weight_decay, const std::vector<float>& class_weights)
      : model_(model), x_(x), g_(g), labels_(labels), train_(train_nodes), decay_(weight_decay),
        weights_(class_weights),
        params_(model.parameters()) {}

  ParameterList parameters() override { return params_; }

  BatchStats train_batch(const Batch&, const RunContext& ctx) override {
    const std::vector<float>& logits = model_.forward(x_, g_, cache_, ctx, /*store=*/true);
    dlogits_.resize(logits.size());
    const NodeLoss train = node_loss(model_.config().classes, logits, labels_, train_, dlogits_.data(), weights_);
    model_.backward(x_, g_, cache_, dlogits_.data(), ctx);
    for (Parameter* p : params_)  // from loss += weight_decay / 2 * |w|^2
      if (p->decay) ops::axpy(p->value.size(), decay_, p->value.data(), p->grad.data());
    const int64_t B = static_cast<int64_t>(train_.size());
    last_ = train;
    return {train.loss * static_cast<double>(B), std::llround(train.accuracy * static_cast<double>(B)), B};
  }

  const NodeLoss& last() const { return last_; }

 private:
  GatModel& model_;
  const NodeFeatures& x_;
  const CsrGraph& g_;
  const std::vector<int32_t>& labels_;
  const std::vector<int32_t>& train_;
  float decay_;
  const std::vector<float>& weights_;
  ParameterList params_;
  GatModelCache cache_;
  std::vector<float> dlogits_;
  NodeLoss last_;
};

}  // namespace

TrainResult train_gat(GatModel& model, const NodeFeatures& x, const CsrGraph& g,
                      const std::vector<int32_t>& labels, const std::vector<int32_t>& train_nodes,
                      const std::vector<int32_t>& val_nodes, const GatTrainConfig& config,
                      const std::function<void(const EpochReport&)>& on_epoch) {
  if (train_nodes.empty()) throw Error("no labelled training nodes");
  const int K = model.config().classes;
  GatTrainable trainable(model, x, g, labels, train_nodes, config.weight_decay, config.class_weights);
  // The kit's fit with one full-graph batch per epoch, a constant learning rate, Adam with the
  // L2 in the gradients (no decoupled decay), no clipping.
  FitConfig fc;
  fc.epochs = config.epochs;
  fc.batching.max_items = 1;
  fc.batching.shuffle = false;
  fc.adamw.lr = config.lr;
  fc.adamw.weight_decay = 0.0f;
  fc.warmup_fraction = 0.0f;
  fc.min_lr_fraction = 1.0f;
  fc.clip_norm = 0.0;
  fc.seed = config.seed;
  fc.patience = config.patience;
  fc.keep = config.keep == GatTrainConfig::Keep::Loss ? FitConfig::Keep::Loss
                                                      : FitConfig::Keep::LossAndAccuracy;
  GatModelCache eval_cache;
  EpochReport rep;
  auto t0 = std::chrono::steady_clock::now();
  FitCallbacks cb;
  if (!val_nodes.empty())
    cb.validate_scores = [&](int) {
      const std::vector<float>& logits = model.forward(x, g, eval_cache, RunContext{}, false);
      const NodeLoss val = node_loss(K, logits, labels, val_nodes, nullptr, config.class_weights);
      rep.val_loss = val.loss;
      rep.val_accuracy = val.accuracy;
      return ValidationScores{val.loss, val.accuracy};
    };
  cb.epoch_result = [&](int epoch, const FitResult& so_far) {
    const auto t1 = std::chrono::steady_clock::now();
    rep.epoch = epoch;
    rep.train_loss = trainable.last().loss;
    rep.train_accuracy = trainable.last().accuracy;
    rep.best = so_far.best_epoch == epoch;
    rep.seconds = std::chrono::duration<double>(t1 - t0).count();
    t0 = t1;
    if (on_epoch) on_epoch(rep);
  };
  const FitResult f = fit(trainable, {1}, fc, cb);
  TrainResult result;
  result.epochs_run = f.epochs_run;
  result.best_epoch = f.best_epoch;
  result.best_val_loss = f.best_validation_loss;
  result.best_val_accuracy = f.best_validation_accuracy;
  result.stopped_early = f.stopped_early;
  return result;
}

std::vector<float> predict_probabilities(const GatModel& model, const NodeFeatures& x,
                                         const CsrGraph& g) {
  GatModelCache cache;
  std::vector<float> p = model.forward(x, g, cache, RunContext{}, /*store=*/false);
  ops::softmax_rows(g.rows(), model.config().classes, p.data(), p.data());
  return p;
}

std::vector<float> predict_with_attention(const GatModel& model, const NodeFeatures& x, const CsrGraph& g,
                                          GatModelCache& cache) {
  std::vector<float> p = model.forward(x, g, cache, RunContext{}, /*store=*/true);
  ops::softmax_rows(g.rows(), model.config().classes, p.data(), p.data());
  return p;
}

ConfusionMatrix node_confusion(const std::vector<float>& probs, int K, const std::vector<int32_t>& labels,
                               const std::vector<int32_t>& nodes) {
  ConfusionMatrix confusion(K);
  for (int32_t i : nodes) {
    const float* row = probs.data() + int64_t{i} * K;
    confusion.add(labels[i], static_cast<int>(std::max_element(row, row + K) - row));
  }
  return confusion;
}

}  // namespace attn::graph
