#include "attn/train/fit.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

#include "attn/error.h"
#include "attn/train/clip.h"
#include "attn/train/schedule.h"

namespace attn {
namespace {

int64_t count_steps(const std::vector<int>& lengths, const FitConfig& config) {
  int64_t steps = 0;
  for (int epoch = 0; epoch < config.epochs; ++epoch)
    steps += static_cast<int64_t>(make_batches(lengths, config.batching, config.seed, epoch).size());
  return steps;
}

// A per-step seed for dropout masks, independent of threads.
uint64_t step_seed(uint64_t seed, int64_t step) {
  return seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(step) * 0xBF58476D1CE4E5B9ull + 1;
}

}  // namespace

FitResult fit(TrainableModel& model, const std::vector<int>& lengths, const FitConfig& config,
         const FitCallbacks& callbacks) {
  using Clock = std::chrono::steady_clock;
  const ParameterList params = model.parameters();
  for (Parameter* p : params) p->zero_grad();

  WarmupCosineSchedule schedule;
  schedule.peak_lr = config.adamw.lr;
  schedule.total_steps = std::max<int64_t>(1, count_steps(lengths, config));
  schedule.warmup_steps = static_cast<int64_t>(config.warmup_fraction * schedule.total_steps);
  schedule.min_lr = config.adamw.lr * config.min_lr_fraction;
  AdamW optimizer(config.adamw);

  int64_t step = 0, skipped = 0;
  FitResult result;
  std::vector<std::vector<float>> best;  // parameter values of the best epoch (with validate)
  int epochs_without_gain = 0;
  double lowest_loss = 0.0, best_accuracy = 0.0;  // LossAndAccuracy: the bests so far, each
  if (callbacks.validate && callbacks.validate_scores)
    throw std::invalid_argument("fit: set validate or validate_scores, not both");
  for (int epoch = 0; epoch < config.epochs; ++epoch) {
    const auto batches = make_batches(lengths, config.batching, config.seed, epoch);
    const auto start = Clock::now();
    FitProgress progress;
    progress.epoch = epoch + 1;
    progress.epochs = config.epochs;
    progress.items_total = static_cast<int64_t>(lengths.size());
    double loss_sum = 0.0;
    int64_t correct = 0, epoch_skipped = 0;
    for (const Batch& batch : batches) {
      RunContext ctx{true, step_seed(config.seed, step)};
      const BatchStats stats = model.train_batch(batch, ctx);
      const double norm = config.clip_norm > 0 ? clip_grad_norm(params, config.clip_norm)
                                               : grad_norm(params);
      const float lr = schedule.lr_at(step);
      if (std::isfinite(norm) && std::isfinite(stats.loss_sum)) {
        optimizer.step(params, lr);
      } else {  // a poisoned batch: drop its gradients rather than the model
        for (Parameter* p : params) p->zero_grad();
        ++skipped;
        ++epoch_skipped;
      }
      ++step;
      if (std::isfinite(stats.loss_sum)) loss_sum += stats.loss_sum;
      correct += stats.correct;
      progress.items_done += stats.items;
      progress.loss = loss_sum / std::max<int64_t>(1, progress.items_done);
      progress.accuracy = static_cast<double>(correct) / std::max<int64_t>(1, progress.items_done);
      progress.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      progress.lr = lr;
      progress.skipped_steps = skipped;
      if (callbacks.progress) callbacks.progress(progress);
    }
    if (!batches.empty() && epoch_skipped == static_cast<int64_t>(batches.size()))
      throw Error("training diverged: every step of epoch " + std::to_string(epoch + 1) +
                  " had non-finite gradients (try a lower --lr)");
    progress.epoch_done = true;
    if (callbacks.progress) callbacks.progress(progress);
    result.epochs_run = epoch + 1;
    result.skipped_steps = skipped;
    bool stop = false;
    if (callbacks.validate || callbacks.validate_scores) {
      ValidationScores v;
      if (callbacks.validate)
        v.loss = callbacks.validate(epoch + 1);
      else
        v = callbacks.validate_scores(epoch + 1);
      const bool first = epoch == 0;
      bool progress_made = false, keep = false;
      if (config.keep == FitConfig::Keep::LossAndAccuracy && callbacks.validate_scores) {
        const bool acc_ok = first || v.accuracy >= best_accuracy;
        const bool loss_ok = first || v.loss <= lowest_loss;
        progress_made = acc_ok || loss_ok;
        keep = acc_ok && loss_ok;
        if (progress_made) {
          best_accuracy = first ? v.accuracy : std::max(best_accuracy, v.accuracy);
          lowest_loss = first ? v.loss : std::min(lowest_loss, v.loss);
        }
      } else {
        progress_made = keep = result.best_epoch == 0 || v.loss < result.best_validation_loss;
      }
      if (keep) {
        result.best_epoch = epoch + 1;
        result.best_validation_loss = v.loss;
        result.best_validation_accuracy = v.accuracy;
        best.resize(params.size());
        for (size_t i = 0; i < params.size(); ++i) best[i] = params[i]->value.storage();
      }
      if (progress_made)
        epochs_without_gain = 0;
      else
        stop = config.patience > 0 && ++epochs_without_gain >= config.patience;
    } else {
      result.best_epoch = epoch + 1;
    }
    if (callbacks.epoch_end) callbacks.epoch_end(epoch + 1);
    if (callbacks.epoch_result) callbacks.epoch_result(epoch + 1, result);
    if (stop) {
      result.stopped_early = epoch + 1 < config.epochs;
      break;
    }
  }
  if (!best.empty() && result.best_epoch != result.epochs_run)
    for (size_t i = 0; i < params.size(); ++i) params[i]->value.storage() = best[i];
  return result;
}

}  // namespace attn
