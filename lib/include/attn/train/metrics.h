#pragma once
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace attn {

// Counts of (true label, predicted label) pairs over K labels.
class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(int num_labels);

  // Throws std::out_of_range for a label outside [0, K).
  void add(int truth, int predicted, int64_t count = 1);
  void merge(const ConfusionMatrix& other);  // same K

  int num_labels() const { return k_; }
  int64_t at(int truth, int predicted) const {
    return counts_.at(static_cast<size_t>(truth) * k_ + predicted);
  }
  int64_t total() const;

 private:
  int k_;
  std::vector<int64_t> counts_;  // (K, K), row = true label
};

struct LabelMetrics {
  double precision = 0.0;  // tp / predicted, 0 when nothing was predicted as this label
  double recall = 0.0;     // tp / support, 0 when the label never occurs
  double f1 = 0.0;         // 2PR / (P + R), 0 when P + R == 0
  int64_t support = 0;     // items whose true label this is
  int64_t predicted = 0;   // items predicted as this label
};

// Scores as scikit-learn's classification_report with zero_division=0: an undefined
// ratio counts as 0, and the macro averages are unweighted means over ALL K labels,
// including labels that occur neither in the truth nor in the predictions.
struct ClassificationMetrics {
  int64_t n = 0;
  double accuracy = 0.0;  // 0 when n == 0
  double macro_precision = 0.0;
  double macro_recall = 0.0;
  double macro_f1 = 0.0;
  std::vector<LabelMetrics> per_label;  // K
};

ClassificationMetrics compute_metrics(const ConfusionMatrix& confusion);

// For `eval --format json`: {"n", "accuracy", "macro_precision", "macro_recall", "macro_f1",
//  "labels": [names], "per_label": [{"label", "precision", "recall", "f1", "support"}],
//  "confusion_matrix": [[...]] (rows: true label, columns: predicted, in `labels` order)}.
// label_names must have K entries, or be empty to use "0", "1", ...
nlohmann::json metrics_json(const ConfusionMatrix& confusion,
                            const std::vector<std::string>& label_names);

// For `eval --format text`: summary lines, a per-label table and the confusion matrix.
std::string metrics_text(const ConfusionMatrix& confusion,
                         const std::vector<std::string>& label_names);

}  // namespace attn
