#include "common/train_run.h"

#include "common/fine_tune.h"
#include "common/log.h"
#include "common/progress.h"

namespace attn::tools {

ValidScore score_of(double loss, const ConfusionMatrix& confusion) {
  const ClassificationMetrics m = compute_metrics(confusion);
  return {loss, m.accuracy, m.macro_f1};
}

FitResult run_fit(TrainableModel& model, const std::vector<int>& lengths, const FitConfig& config,
                  const TrainRun& run) {
  TrainingProgress progress(config.epochs, run.items_per_epoch);
  FitCallbacks callbacks;
  FitProgress last;
  int shown_epoch = 0;
  std::vector<ValidScore> scores;  // per epoch run
  callbacks.progress = [&](const FitProgress& p) {
    if (p.epoch != shown_epoch) progress.start_epoch(shown_epoch = p.epoch);
    if (!p.epoch_done) progress.update(p.items_done, p.loss, p.accuracy);
    last = p;
  };
  if (run.validate)
    callbacks.validate = [&](int) {
      scores.push_back(run.validate());
      return scores.back().loss;
    };
  callbacks.epoch_end = [&](int epoch) {
    EpochResult r{last.loss, last.accuracy, {}, {}, {}};
    if (!scores.empty()) {
      r.valid_loss = scores.back().loss;
      r.valid_accuracy = scores.back().accuracy;
      r.valid_f1 = scores.back().macro_f1;
    }
    progress.end_epoch(r);
    if (run.after_epoch) run.after_epoch(epoch);
  };
  const FitResult result = fit(model, lengths, config, callbacks);
  if (result.skipped_steps > 0)
    log_warning("{} steps were skipped for non-finite gradients", result.skipped_steps);
  if (run.validate && result.best_epoch >= 1 && result.best_epoch <= int(scores.size())) {
    const ValidScore& best = scores[result.best_epoch - 1];
    log_info("{} after {} of {} epochs; kept epoch {}: valid loss {:.4f}  valid acc {:.4f}  valid macro-F1 {:.4f}",
             result.stopped_early ? "stopped early" : "finished", result.epochs_run, config.epochs,
             result.best_epoch, best.loss, best.accuracy, best.macro_f1);
  }
  return result;
}

std::function<ValidScore()> validation(ClassifierTask& task, const ClassifyConfig& config, const LabelIds& labels) {
  if (labels.empty()) return {};
  return [&task, config, &labels] {
    const Evaluation ev = evaluate(task, config, labels);
    return score_of(ev);
  };
}

std::map<std::string, std::string> train_metadata(const std::string& command_line, const std::string& init) {
  std::map<std::string, std::string> metadata = init_metadata(init);
  metadata["attn.train_command"] = command_line;
  return metadata;
}

}  // namespace attn::tools
