#pragma once
// Full-batch transductive training of a GatModel through the kit's fit (attn/train/fit.h):
// one step per epoch over every node, the loss on the training nodes only, validation after
// every epoch, early stopping with the GAT paper's rule, and the parameters of the kept
// validation epoch restored at the end.
#include <cstdint>
#include <functional>
#include <vector>

#include "attn/graph/gat_model.h"
#include "attn/train/metrics.h"

namespace attn::graph {

struct GatTrainConfig {
  int epochs = 10000;          // at most
  int patience = 100;          // epochs without a better validation loss or accuracy; 0: off
  float lr = 0.005f;
  float weight_decay = 5e-4f;  // L2 on the weights (Adam's weight_decay, as the paper)
  uint64_t seed = 0;
  // Which epoch is kept: the GAT paper's rule (validation loss and accuracy both at their
  // best so far; patience counts epochs where neither improved) or the lowest validation
  // loss alone (pyGAT's; patience counts epochs without a lower loss). FitConfig::Keep.
  enum class Keep { LossAndAccuracy, Loss } keep = Keep::LossAndAccuracy;
  // Loss weight per label (K), empty: all 1 (--class-weight). A node's loss and gradient are
  // scaled by its label's weight, on the training and the validation nodes alike.
  std::vector<float> class_weights;
};

struct EpochReport {
  int epoch = 0;  // 1-based
  double train_loss = 0, train_accuracy = 0;
  double val_loss = 0, val_accuracy = 0;  // 0 without validation nodes
  bool best = false;                      // the parameters of this epoch are kept
  double seconds = 0;                     // of this epoch
};

struct TrainResult {
  int epochs_run = 0, best_epoch = 0;
  double best_val_loss = 0, best_val_accuracy = 0;
  bool stopped_early = false;
};

// Loss and accuracy of logits (N, K) over the given nodes; dlogits (N, K), when not
// nullptr, is overwritten with the gradient of the mean loss (zero outside `nodes`).
// class_weights (K), when not empty, scale each node's loss by its label's weight (the mean stays
// over the nodes: attn::classification_loss).
struct NodeLoss {
  double loss = 0, accuracy = 0;
};
NodeLoss node_loss(int K, const std::vector<float>& logits, const std::vector<int32_t>& labels,
                   const std::vector<int32_t>& nodes, float* dlogits,
                   const std::vector<float>& class_weights = {});

// labels: (N), -1 for none; train_nodes and val_nodes index nodes with labels.
// Throws attn::Error when train_nodes is empty or every step is non-finite.
TrainResult train_gat(GatModel& model, const NodeFeatures& x, const CsrGraph& g,
                      const std::vector<int32_t>& labels, const std::vector<int32_t>& train_nodes,
                      const std::vector<int32_t>& val_nodes, const GatTrainConfig& config,
                      const std::function<void(const EpochReport&)>& on_epoch = {});

// Class probabilities (N, K) of every node (inference: no dropout, no stored attention).
std::vector<float> predict_probabilities(const GatModel& model, const NodeFeatures& x,
                                         const CsrGraph& g);
// The same with every layer's attention kept in `cache` (for the attention export).
std::vector<float> predict_with_attention(const GatModel& model, const NodeFeatures& x, const CsrGraph& g,
                                          GatModelCache& cache);

// The confusion matrix of the most probable label against `labels` (N, the model's label ids)
// over `nodes`.   probs: (N, K)
ConfusionMatrix node_confusion(const std::vector<float>& probs, int K, const std::vector<int32_t>& labels,
                               const std::vector<int32_t>& nodes);

}  // namespace attn::graph
