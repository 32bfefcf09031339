// attn/train/classify.h and fit(): weighted losses and their gradients, probabilities through
// ops, evaluate's confusion matrix, and fit's validation (best epoch, patience).
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "attn/layers/linear.h"
#include "attn/layers/loss.h"
#include "attn/rng.h"
#include "attn/train/classify.h"
#include "attn/train/fit.h"

namespace {

using attn::LossKind;

std::vector<const std::vector<int32_t>*> pointers(const attn::LabelIds& ids) {
  std::vector<const std::vector<int32_t>*> out;
  for (const auto& v : ids) out.push_back(&v);
  return out;
}

// A linear classifier over fixed feature vectors: the smallest ClassifierTask.
class LinearTask : public attn::ClassifierTask {
 public:
  LinearTask(int features, int K, const std::vector<std::vector<float>>& x) : head_("head", features, K), x_(x) {
    attn::Rng rng(5);
    head_.init(rng);
  }
  int num_labels() const override { return static_cast<int>(head_.weight.value.dim(0)); }
  attn::ParameterList parameters() override {
    attn::ParameterList p;
    head_.collect(p);
    return p;
  }
  void forward(const attn::Batch& items, attn::Tensor& logits, const attn::RunContext&, bool) override {
    const int B = static_cast<int>(items.size()), F = static_cast<int>(x_[0].size());
    input_.resize({B, F});
    for (int b = 0; b < B; ++b) std::copy(x_[items[b]].begin(), x_[items[b]].end(), input_.data() + b * F);
    logits.resize({B, num_labels()});
    head_.forward(B, input_.data(), logits.data());
  }
  void backward(const float* dlogits) override {
    head_.backward(static_cast<int>(input_.dim(0)), input_.data(), dlogits, nullptr);
  }

 private:
  attn::Linear head_;
  const std::vector<std::vector<float>>& x_;
  attn::Tensor input_;
};

// Two items, one per label, and fit settings that validate: what the validation tests share.
struct TwoItemFit {
  std::vector<std::vector<float>> x = {{1, 0}, {0, 1}};
  attn::LabelIds ids = {{0}, {1}};
  LinearTask task{2, 2, x};
  attn::ClassifierTrainable trainable{task, {}, ids};
  attn::FitConfig fc;
  TwoItemFit() {
    fc.epochs = 20;
    fc.patience = 2;
    fc.adamw.lr = 0.1f;
  }
};

}  // namespace

TEST_CASE("classification_loss: class weights scale each item's loss and gradient") {
  const int B = 3, K = 3;
  const std::vector<float> z = {0.5f, -1.0f, 2.0f, 1.5f, 0.2f, -0.3f, -0.7f, 0.9f, 0.1f};
  const attn::LabelIds ids = {{2}, {0}, {1}};
  attn::ClassifyConfig plain;
  attn::ClassifyConfig weighted;
  weighted.class_weights = {2.0f, 0.5f, 1.0f};
  // As torch: (F.cross_entropy(z, y, weight=w, reduction="none")).sum() / B.
  std::vector<float> probs(B * K);
  double expected = 0.0;
  for (int b = 0; b < B; ++b) {
    const int32_t y = ids[b][0];
    expected += weighted.class_weights[y] * attn::softmax_cross_entropy(1, K, z.data() + b * K, &y, 0.0f, nullptr, nullptr);
  }
  std::vector<float> dz(B * K);
  const double loss = attn::classification_loss(weighted, B, K, z.data(), pointers(ids), dz.data(), probs.data());
  CHECK(loss == doctest::Approx(expected / B).epsilon(1e-6));
  // Finite differences of the weighted loss.
  for (int i = 0; i < B * K; ++i) {
    std::vector<float> zp = z, zm = z;
    zp[i] += 1e-3f;
    zm[i] -= 1e-3f;
    const double lp = attn::classification_loss(weighted, B, K, zp.data(), pointers(ids), nullptr, nullptr);
    const double lm = attn::classification_loss(weighted, B, K, zm.data(), pointers(ids), nullptr, nullptr);
    CHECK(dz[i] == doctest::Approx((lp - lm) / 2e-3).epsilon(2e-3));
  }
  // Without weights: exactly the layer loss; weights of 1 change nothing.
  const int32_t y[3] = {2, 0, 1};
  CHECK(attn::classification_loss(plain, B, K, z.data(), pointers(ids), nullptr, nullptr) ==
        attn::softmax_cross_entropy(B, K, z.data(), y, 0.0f, nullptr, nullptr));
  attn::ClassifyConfig ones;
  ones.class_weights = {1.0f, 1.0f, 1.0f};
  CHECK(attn::classification_loss(ones, B, K, z.data(), pointers(ids), nullptr, nullptr) ==
        doctest::Approx(attn::classification_loss(plain, B, K, z.data(), pointers(ids), nullptr, nullptr)));

  // One-vs-all: the item's weight is the mean of its labels' weights.
  attn::ClassifyConfig ova = weighted;
  ova.loss = LossKind::Ova;
  const attn::LabelIds multi = {{0, 2}, {1}, {1, 2}};
  std::vector<float> dova(B * K);
  attn::classification_loss(ova, B, K, z.data(), pointers(multi), dova.data(), nullptr);
  for (int i = 0; i < B * K; ++i) {
    std::vector<float> zp = z, zm = z;
    zp[i] += 1e-3f;
    zm[i] -= 1e-3f;
    const double lp = attn::classification_loss(ova, B, K, zp.data(), pointers(multi), nullptr, nullptr);
    const double lm = attn::classification_loss(ova, B, K, zm.data(), pointers(multi), nullptr, nullptr);
    CHECK(dova[i] == doctest::Approx((lp - lm) / 2e-3).epsilon(2e-3));
  }
}

TEST_CASE("probabilities: softmax rows sum to 1, sigmoid per logit") {
  const std::vector<float> z = {1.0f, 2.0f, 3.0f, -50.0f, 0.0f, 50.0f};
  std::vector<float> p(6);
  attn::probabilities(LossKind::Softmax, 2, 3, z.data(), p.data());
  CHECK(p[0] + p[1] + p[2] == doctest::Approx(1.0));
  CHECK(p[2] == doctest::Approx(std::exp(1.0) / (std::exp(-1.0) + 1 + std::exp(1.0))));
  CHECK(p[5] == doctest::Approx(1.0));
  attn::probabilities(LossKind::Ova, 2, 3, z.data(), p.data());
  CHECK(p[0] == doctest::Approx(1.0 / (1.0 + std::exp(-1.0))));
  CHECK(p[3] == doctest::Approx(0.0));
}

TEST_CASE("balanced_class_weights: n / (K * count), 0 for an absent label") {
  const attn::LabelIds ids = {{0}, {0}, {0}, {1}, {0}};
  const auto w = attn::balanced_class_weights(ids, 3);
  CHECK(w[0] == doctest::Approx(5.0 / (3 * 4)));
  CHECK(w[1] == doctest::Approx(5.0 / 3));
  CHECK(w[2] == 0.0f);
}

TEST_CASE("fit + ClassifierTrainable learn a separable task; evaluate reports it") {
  attn::Rng rng(7);
  std::vector<std::vector<float>> x;
  attn::LabelIds ids;
  for (int i = 0; i < 200; ++i) {
    const int label = i % 3;
    std::vector<float> v(4);
    for (float& f : v) f = rng.normal() * 0.3f;
    v[label] += 2.0f;
    x.push_back(v);
    ids.push_back({label});
  }
  LinearTask task(4, 3, x);
  const attn::ClassifyConfig config;
  const auto before = attn::evaluate(task, config, ids);
  attn::ClassifierTrainable trainable(task, config, ids);
  attn::FitConfig fc;
  fc.epochs = 5;
  fc.adamw.lr = 0.05f;
  fc.batching.max_items = 16;
  const auto result = attn::fit(trainable, std::vector<int>(x.size(), 1), fc);
  CHECK(result.epochs_run == 5);
  const auto after = attn::evaluate(task, config, ids);
  CHECK(after.loss < before.loss);
  CHECK(after.accuracy > 0.95);
  CHECK(after.confusion.total() == 200);
  CHECK(after.metrics.accuracy == doctest::Approx(after.accuracy));
  int64_t diagonal = 0;
  for (int k = 0; k < 3; ++k) diagonal += after.confusion.at(k, k);
  CHECK(diagonal == static_cast<int64_t>(std::lround(after.accuracy * 200)));
}

TEST_CASE("fit with validation: patience stops, the best epoch's parameters are kept") {
  TwoItemFit f;
  LinearTask& task = f.task;
  attn::FitConfig& fc = f.fc;
  // A validation loss that is best after epoch 3 and worse afterwards.
  std::vector<std::vector<float>> snapshots;
  attn::FitCallbacks cb;
  cb.validate = [&](int epoch) {
    snapshots.push_back(task.parameters()[0]->value.storage());
    return std::abs(epoch - 3) + 1.0;
  };
  const auto r = attn::fit(f.trainable, {1, 1}, fc, cb);
  CHECK(r.epochs_run == 5);
  CHECK(r.best_epoch == 3);
  CHECK(r.stopped_early);
  CHECK(r.best_validation_loss == 1.0);
  CHECK(task.parameters()[0]->value.storage() == snapshots[2]);
  CHECK(snapshots[2] != snapshots[4]);
}

TEST_CASE("fit keeping by loss and accuracy (the GAT paper's rule): progress by either, kept by both") {
  TwoItemFit f;
  LinearTask& task = f.task;
  attn::FitConfig& fc = f.fc;
  fc.keep = attn::FitConfig::Keep::LossAndAccuracy;
  // epoch 2: lower loss only, 3: higher accuracy only (both progress, neither kept),
  // 4: both at their best (kept), 5 and 6: neither (patience 2 stops after 6)
  const std::vector<attn::ValidationScores> scores = {
      {1.0, 0.5}, {0.9, 0.4}, {0.95, 0.6}, {0.85, 0.6}, {0.9, 0.55}, {0.9, 0.55}, {0.1, 0.9}};
  std::vector<std::vector<float>> snapshots;
  std::vector<int> kept_so_far;
  attn::FitCallbacks cb;
  cb.validate_scores = [&](int epoch) {
    snapshots.push_back(task.parameters()[0]->value.storage());
    return scores[epoch - 1];
  };
  cb.epoch_result = [&](int, const attn::FitResult& r) { kept_so_far.push_back(r.best_epoch); };
  const auto r = attn::fit(f.trainable, {1, 1}, fc, cb);
  CHECK(r.epochs_run == 6);
  CHECK(r.stopped_early);
  CHECK(r.best_epoch == 4);
  CHECK(r.best_validation_loss == 0.85);
  CHECK(r.best_validation_accuracy == 0.6);
  CHECK(kept_so_far == std::vector<int>{1, 1, 1, 4, 4, 4});
  CHECK(task.parameters()[0]->value.storage() == snapshots[3]);
  // The lowest loss alone would have kept epoch 2 after epoch 2.
  fc.keep = attn::FitConfig::Keep::Loss;
  LinearTask task2(2, 2, f.x);
  attn::ClassifierTrainable trainable2(task2, {}, f.ids);
  kept_so_far.clear();
  attn::fit(trainable2, {1, 1}, fc, cb);
  CHECK(kept_so_far == std::vector<int>{1, 2, 2, 4, 4, 4});
  cb.validate = [](int) { return 1.0; };
  CHECK_THROWS_AS(attn::fit(trainable2, {1, 1}, fc, cb), std::invalid_argument);
}
