#pragma once
// attn::fit with what every tool's `train` prints around it: the progress on stderr
// (FitCallbacks -> TrainingProgress), the validation score after every epoch (loss, accuracy,
// macro-F1 in the epoch line), the best epoch kept and early stopping by --patience (fit's
// validate), and a closing line saying which epoch the model holds.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "attn/train/classify.h"
#include "attn/train/fit.h"
#include "attn/train/metrics.h"

namespace attn::tools {

struct ValidScore {
  double loss = 0.0, accuracy = 0.0, macro_f1 = 0.0;
};
// From an evaluation's mean loss and confusion matrix.
ValidScore score_of(double loss, const ConfusionMatrix& confusion);
template <class Evaluation>
ValidScore score_of(const Evaluation& ev) {
  return score_of(ev.loss, ev.confusion);
}

struct TrainRun {
  int64_t items_per_epoch = 0;          // for the progress bar (0: unknown)
  std::function<ValidScore()> validate;  // empty: no validation, training as without it
  std::function<void(int epoch)> after_epoch;  // e.g. a model written after every epoch
};

FitResult run_fit(TrainableModel& model, const std::vector<int>& lengths, const FitConfig& config,
                  const TrainRun& run);

// TrainRun::validate for a classification task: evaluate() on the validation items, scored;
// empty (no validation) when there are none.
std::function<ValidScore()> validation(ClassifierTask& task, const ClassifyConfig& config, const LabelIds& labels);

// What every trained model records: attn.train_command, and with --init, init_metadata.
std::map<std::string, std::string> train_metadata(const std::string& command_line, const std::string& init);

}  // namespace attn::tools
