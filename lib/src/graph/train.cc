#include "attn/graph/train.h"

#include <chrono>
#include <cmath>
#include <limits>

#include "attn/error.h"
#include "attn/layers/loss.h"
#include "attn/ops.h"
#include "attn/train/optimizer.h"

namespace attn::graph {

NodeLoss node_loss(int K, const std::vector<float>& logits, const std::vector<int32_t>& labels,
                   const std::vector<int32_t>& nodes, float* dlogits) {
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
  r.loss = softmax_cross_entropy(B, K, rows.data(), y.data(), 0.0f,
                                 dlogits ? drows.data() : nullptr, nullptr);
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

uint64_t step_seed(uint64_t seed, int epoch) {
  uint64_t z = seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(epoch) + 1;
  z = (z ^ (z >> 31)) * 0xBF58476D1CE4E5B9ull;
  return z ^ (z >> 29);
}

}  // namespace

TrainResult train_gat(GatModel& model, const NodeFeatures& x, const CsrGraph& g,
                      const std::vector<int32_t>& labels, const std::vector<int32_t>& train_nodes,
                      const std::vector<int32_t>& val_nodes, const GatTrainConfig& config,
                      const std::function<void(const EpochReport&)>& on_epoch) {
  if (train_nodes.empty()) throw Error("no labelled training nodes");
  const int K = model.config().classes;
  const ParameterList params = model.parameters();
  AdamWConfig adam;
  adam.lr = config.lr;
  adam.weight_decay = 0.0f;  // L2 goes into the gradient below, as Adam(weight_decay) does
  AdamW optimizer(adam);
  GatModelCache cache, eval_cache;
  std::vector<float> dlogits;
  std::vector<std::vector<float>> best(params.size());
  auto snapshot = [&] {
    for (size_t p = 0; p < params.size(); ++p) best[p] = params[p]->value.storage();
  };
  TrainResult result;
  double best_acc = -1.0, best_loss = std::numeric_limits<double>::infinity();
  int waited = 0;
  for (Parameter* p : params) p->zero_grad();
  for (int epoch = 1; epoch <= config.epochs; ++epoch) {
    const auto t0 = std::chrono::steady_clock::now();
    RunContext train_ctx{true, step_seed(config.seed, epoch)};
    const std::vector<float>& logits = model.forward(x, g, cache, train_ctx, /*store=*/true);
    dlogits.resize(logits.size());
    const NodeLoss train = node_loss(K, logits, labels, train_nodes, dlogits.data());
    if (!std::isfinite(train.loss))
      throw Error("training diverged at epoch " + std::to_string(epoch) +
                  " (non-finite loss); try a smaller --lr");
    model.backward(x, g, cache, dlogits.data(), train_ctx);
    for (Parameter* p : params)  // from loss += weight_decay / 2 * |w|^2
      if (p->decay) ops::axpy(p->value.size(), config.weight_decay, p->value.data(), p->grad.data());
    optimizer.step(params);

    EpochReport rep;
    rep.epoch = epoch;
    rep.train_loss = train.loss;
    rep.train_accuracy = train.accuracy;
    result.epochs_run = epoch;
    bool stop = false;
    if (val_nodes.empty()) {
      rep.best = true;
    } else {
      const std::vector<float>& eval_logits = model.forward(x, g, eval_cache, RunContext{}, false);
      const NodeLoss val = node_loss(K, eval_logits, labels, val_nodes, nullptr);
      rep.val_loss = val.loss;
      rep.val_accuracy = val.accuracy;
      // The GAT paper's rule: progress when either improves; keep when both do.
      if (val.accuracy >= best_acc || val.loss <= best_loss) {
        const bool keep = config.keep == GatTrainConfig::Keep::Loss
                              ? val.loss <= best_loss
                              : val.accuracy >= best_acc && val.loss <= best_loss;
        if (keep) {
          rep.best = true;
          snapshot();
          result.best_epoch = epoch;
          result.best_val_loss = val.loss;
          result.best_val_accuracy = val.accuracy;
        }
        best_acc = std::max(best_acc, val.accuracy);
        best_loss = std::min(best_loss, val.loss);
        waited = 0;
      } else if (config.patience > 0 && ++waited >= config.patience) {
        stop = true;
      }
    }
    rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (on_epoch) on_epoch(rep);
    if (stop) {
      result.stopped_early = true;
      break;
    }
  }
  if (!val_nodes.empty() && result.best_epoch > 0) {
    for (size_t p = 0; p < params.size(); ++p) params[p]->value.storage() = best[p];
  } else {
    result.best_epoch = result.epochs_run;
  }
  return result;
}

std::vector<float> predict_probabilities(const GatModel& model, const NodeFeatures& x,
                                         const CsrGraph& g) {
  GatModelCache cache;
  std::vector<float> p = model.forward(x, g, cache, RunContext{}, /*store=*/false);
  ops::softmax_rows(g.rows(), model.config().classes, p.data(), p.data());
  return p;
}

}  // namespace attn::graph
