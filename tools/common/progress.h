#pragma once
// Training progress on stderr. When stderr is a terminal: a live line redrawn in place at most
// ten times a second,
//   epoch 3/10 [=========>          ]  45%  loss 0.4321  acc 0.8730  1234 items/s  ETA 1:23
// then one permanent line per finished epoch. Otherwise (a log file, a pipe) only the per-epoch
// lines:
//   epoch 3/10  loss 0.4321  acc 0.8730  valid loss 0.5012  valid acc 0.8410  valid F1 0.8391  1234 items/s  12.3s
// Nothing at all with --quiet.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace attn::tools {

struct EpochResult {
  double loss = 0.0;      // mean training loss over the epoch
  double accuracy = 0.0;  // training accuracy, in [0, 1]
  std::optional<double> valid_loss;
  std::optional<double> valid_accuracy;
  std::optional<double> valid_f1;  // macro-F1
};

class TrainingProgress {
 public:
  enum class Mode { Off, Lines, Live };
  // Picks the mode from --quiet (log.h verbosity) and whether stderr is a terminal.
  // items_per_epoch: 0 when unknown (no percentage, no ETA).
  TrainingProgress(int epochs, int64_t items_per_epoch);
  TrainingProgress(int epochs, int64_t items_per_epoch, Mode mode);
  ~TrainingProgress();

  void start_epoch(int epoch);  // 1-based
  // After each batch: items done so far in this epoch and the running loss and accuracy.
  void update(int64_t items_done, double loss, double accuracy);
  void end_epoch(const EpochResult& result);

  Mode mode() const { return mode_; }

 private:
  using Clock = std::chrono::steady_clock;
  Mode mode_;
  int epochs_;
  int64_t items_per_epoch_;
  int epoch_ = 0;
  int64_t items_done_ = 0;        // in this epoch
  int64_t items_before_ = 0;      // in the finished epochs
  Clock::time_point start_, epoch_start_, last_draw_;
  bool drawn_ = false;
};

// Pure formatting, for the class above and for tests.
struct ProgressSnapshot {
  int epoch = 1, epochs = 1;
  int64_t items_done = 0, items_per_epoch = 0;  // items_per_epoch 0: unknown
  double loss = 0.0, accuracy = 0.0;
  double items_per_second = 0.0;  // 0: not known yet
  double eta_seconds = -1.0;      // < 0: unknown
};
// The live line, shortened to fit `width` columns (the bar goes first, then the ETA, ...).
std::string format_live_line(const ProgressSnapshot& s, int width);
std::string format_epoch_line(int epoch, int epochs, const EpochResult& r, double items_per_second,
                              double seconds);
// "42s", "3:05", "1:02:03".
std::string format_duration(double seconds);
// "1234", "12.3k" style rate.
std::string format_rate(double items_per_second);

}  // namespace attn::tools
