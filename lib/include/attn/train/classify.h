#pragma once
// The classification task layer every tool shares: the loss (softmax, or one-vs-all sigmoid for
// multi-label), probabilities, class weights, a trainable adapter over a model's forward and
// backward, and evaluate() with the confusion matrix. A tool writes only its model's forward and
// backward over items by index (ClassifierTask); training (attn::fit), validation, eval and
// predict go through here.
//
// Legend: B items in a batch, K labels.
#include <cstdint>
#include <string>
#include <vector>

#include "attn/context.h"
#include "attn/parameter.h"
#include "attn/tensor.h"
#include "attn/train/batching.h"
#include "attn/train/fit.h"
#include "attn/train/metrics.h"

namespace attn {

enum class LossKind { Softmax, Ova };  // one label per item / one-vs-all (multi-label)
std::string to_string(LossKind k);     // "softmax", "ova"

struct ClassifyConfig {
  LossKind loss = LossKind::Softmax;
  float label_smoothing = 0.0f;  // softmax only
  // Per-label loss weights (K), empty: all 1. An item's loss is scaled by its label's weight
  // (ova: the mean weight of its labels); the batch loss stays a mean over the B items, as
  //   torch: (F.cross_entropy(z, y, weight=w, reduction="none")).sum() / B.
  std::vector<float> class_weights;
};

// Labels of each item, as ids in [0, K); softmax items use the first.
using LabelIds = std::vector<std::vector<int32_t>>;

// Mean loss over the batch of logits: (B, K); labels[b] are item b's ids. dlogits: (B, K) is
// overwritten with the gradient of the returned loss (nullptr: not wanted); probs: (B, K) with
// the probabilities (see probabilities()).
double classification_loss(const ClassifyConfig& config, int B, int K, const float* logits,
                           const std::vector<const std::vector<int32_t>*>& labels, float* dlogits,
                           float* probs);

// probs: (B, K) from logits: (B, K): each row's softmax (ops::softmax_rows), or each logit's
// sigmoid for one-vs-all. probs may alias logits.
void probabilities(LossKind loss, int B, int K, const float* logits, float* probs);

// Inverse label frequency, n / (K * count_k), as scikit-learn's class_weight="balanced" (a label
// that never occurs gets 0: it contributes no loss anyway). labels: each item's ids.
std::vector<float> balanced_class_weights(const LabelIds& labels, int K);

// What a tool provides: its model's forward and backward over items given by index. The task
// owns the training cache (what backward needs from the last forward); forward with
// training == false keeps nothing and applies no dropout.
class ClassifierTask {
 public:
  virtual ~ClassifierTask() = default;
  virtual int num_labels() const = 0;
  virtual ParameterList parameters() = 0;
  // logits: (B, K) for the B items of `items`.
  virtual void forward(const Batch& items, Tensor& logits, const RunContext& ctx, bool training) = 0;
  // After forward(..., training=true): accumulates parameter gradients from dlogits: (B, K).
  virtual void backward(const float* dlogits) = 0;
};

// A ClassifierTask over a model that has config().num_labels, parameters(), a Cache and
// backward(cache, dlogits): what a task adds is its forward (into cache_).
template <class Model>
class ModelTask : public ClassifierTask {
 public:
  explicit ModelTask(Model& model) : model_(model) {}
  int num_labels() const override { return model_.config().num_labels; }
  ParameterList parameters() override { return model_.parameters(); }
  void backward(const float* dlogits) override { model_.backward(cache_, dlogits); }

 protected:
  Model& model_;
  typename Model::Cache cache_;
};

// attn::fit's view of a ClassifierTask: forward, loss, backward per batch; accuracy counts an
// item right when its top label is one of its labels.
class ClassifierTrainable : public TrainableModel {
 public:
  ClassifierTrainable(ClassifierTask& task, ClassifyConfig config, const LabelIds& labels)
      : task_(task), config_(std::move(config)), labels_(labels) {}
  ParameterList parameters() override { return task_.parameters(); }
  BatchStats train_batch(const Batch& items, const RunContext& ctx) override;

 private:
  ClassifierTask& task_;
  ClassifyConfig config_;
  const LabelIds& labels_;
};

struct Evaluation {
  double loss = 0.0;      // mean over the items (class weights applied as in training)
  double accuracy = 0.0;  // top label among the item's labels
  std::vector<int32_t> predicted;  // top label per item
  // (true, predicted); a multi-label item counts as its predicted label when that is one of its
  // labels, else as its first label.
  ConfusionMatrix confusion{1};
  ClassificationMetrics metrics;  // from `confusion`
};

// Runs the task over items 0..labels.size()-1 in batches of batch_size (no dropout).
Evaluation evaluate(ClassifierTask& task, const ClassifyConfig& config, const LabelIds& labels,
                    int batch_size = 64);

}  // namespace attn
