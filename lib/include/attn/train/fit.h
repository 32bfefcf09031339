#pragma once
// The training loop every tool shares: epochs of seeded batches, forward/backward by the
// model, gradient clipping, AdamW with linear warm-up then cosine decay, progress reports.
#include <cstdint>
#include <functional>
#include <vector>

#include "attn/context.h"
#include "attn/parameter.h"
#include "attn/train/batching.h"
#include "attn/train/optimizer.h"

namespace attn {

struct BatchStats {
  double loss_sum = 0.0;  // summed over the batch's items
  int64_t correct = 0;
  int64_t items = 0;
};

// What the loop drives. train_batch runs forward and backward over the items of one batch
// and accumulates gradients into parameters(); the loop owns zeroing and the update.
class TrainableModel {
 public:
  virtual ~TrainableModel() = default;
  virtual ParameterList parameters() = 0;
  virtual BatchStats train_batch(const Batch& items, const RunContext& ctx) = 0;
};

struct FitConfig {
  int epochs = 10;
  BatchingConfig batching;
  AdamWConfig adamw;             // adamw.lr is the peak learning rate
  float warmup_fraction = 0.05f;  // of all steps
  float min_lr_fraction = 0.0f;   // cosine decays to adamw.lr * this
  double clip_norm = 1.0;         // 0: no clipping
  uint64_t seed = 0;
  // With FitCallbacks::validate: stop after this many epochs in a row without a lower
  // validation loss (0: run all epochs).
  int patience = 0;
  // Which epoch is kept (with FitCallbacks::validate_scores):
  //   Loss: the lowest validation loss; patience counts epochs without a lower one.
  //   LossAndAccuracy: the GAT paper's rule. An epoch makes progress when its validation
  //   accuracy is at least the best so far or its loss at most the lowest so far; it is kept
  //   when both hold; patience counts epochs without progress.
  enum class Keep { Loss, LossAndAccuracy } keep = Keep::Loss;
};

struct ValidationScores {
  double loss = 0.0, accuracy = 0.0;
};

struct FitProgress {
  int epoch = 0, epochs = 0;            // 1-based epoch
  int64_t items_done = 0, items_total = 0;  // within this epoch
  double loss = 0.0, accuracy = 0.0;    // running means over this epoch
  double seconds = 0.0;                 // since this epoch started
  float lr = 0.0f;
  int64_t skipped_steps = 0;            // steps skipped for non-finite gradients, so far
  bool epoch_done = false;
};

struct FitResult;

struct FitCallbacks {
  std::function<void(const FitProgress&)> progress;  // after every batch and each epoch's end
  // After each epoch: the loss on held-out data (lower is better). When set, fit keeps the
  // parameters of the best epoch and restores them at the end, and config.patience applies.
  std::function<double(int epoch)> validate;
  // Instead of validate: the loss and accuracy on held-out data, for FitConfig::keep.
  std::function<ValidationScores(int epoch)> validate_scores;
  std::function<void(int epoch)> epoch_end;  // after validate
  // After epoch_end: the result so far (best_epoch == epoch when this epoch is the one kept).
  std::function<void(int epoch, const FitResult& so_far)> epoch_result;
};

struct FitResult {
  int epochs_run = 0;
  int best_epoch = 0;  // with validate: the epoch whose parameters the model holds; else the last
  double best_validation_loss = 0.0;
  double best_validation_accuracy = 0.0;  // with validate_scores
  bool stopped_early = false;  // by patience
  int64_t skipped_steps = 0;   // for non-finite gradients
};

// Trains for config.epochs over items with the given lengths (tokens per item, for
// token-budget batching). Same seed and thread count give bit-identical parameters.
// Throws attn::Error if every step of an epoch had non-finite gradients.
FitResult fit(TrainableModel& model, const std::vector<int>& lengths, const FitConfig& config,
         const FitCallbacks& callbacks = {});

}  // namespace attn
