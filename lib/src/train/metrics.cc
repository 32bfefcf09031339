#include "attn/train/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace attn {
namespace {

double ratio(int64_t num, int64_t den) {
  return den > 0 ? static_cast<double>(num) / static_cast<double>(den) : 0.0;
}

std::vector<std::string> names_or_indices(const std::vector<std::string>& names, int k) {
  if (names.empty()) {
    std::vector<std::string> indices;
    for (int i = 0; i < k; ++i) indices.push_back(std::to_string(i));
    return indices;
  }
  if (static_cast<int>(names.size()) != k)
    throw std::invalid_argument(
        fmt::format("metrics: {} label names for {} labels", names.size(), k));
  return names;
}

}  // namespace

ConfusionMatrix::ConfusionMatrix(int num_labels) : k_(num_labels) {
  if (num_labels <= 0) throw std::invalid_argument("ConfusionMatrix: needs at least one label");
  counts_.assign(static_cast<size_t>(k_) * k_, 0);
}

void ConfusionMatrix::add(int truth, int predicted, int64_t count) {
  if (truth < 0 || truth >= k_ || predicted < 0 || predicted >= k_)
    throw std::out_of_range(
        fmt::format("ConfusionMatrix: label pair ({}, {}) outside [0, {})", truth, predicted, k_));
  counts_[static_cast<size_t>(truth) * k_ + predicted] += count;
}

void ConfusionMatrix::merge(const ConfusionMatrix& other) {
  if (other.k_ != k_) throw std::invalid_argument("ConfusionMatrix::merge: label counts differ");
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
}

int64_t ConfusionMatrix::total() const {
  int64_t sum = 0;
  for (int64_t c : counts_) sum += c;
  return sum;
}

ClassificationMetrics compute_metrics(const ConfusionMatrix& confusion) {
  const int k = confusion.num_labels();
  ClassificationMetrics m;
  m.per_label.resize(k);
  int64_t correct = 0;
  for (int t = 0; t < k; ++t)
    for (int p = 0; p < k; ++p) {
      const int64_t c = confusion.at(t, p);
      m.n += c;
      m.per_label[t].support += c;
      m.per_label[p].predicted += c;
      if (t == p) correct += c;
    }
  m.accuracy = ratio(correct, m.n);
  for (int i = 0; i < k; ++i) {
    LabelMetrics& l = m.per_label[i];
    const int64_t tp = confusion.at(i, i);
    l.precision = ratio(tp, l.predicted);
    l.recall = ratio(tp, l.support);
    l.f1 = l.precision + l.recall > 0 ? 2 * l.precision * l.recall / (l.precision + l.recall) : 0;
    m.macro_precision += l.precision / k;
    m.macro_recall += l.recall / k;
    m.macro_f1 += l.f1 / k;
  }
  return m;
}

nlohmann::json metrics_json(const ConfusionMatrix& confusion,
                            const std::vector<std::string>& label_names) {
  const int k = confusion.num_labels();
  const std::vector<std::string> names = names_or_indices(label_names, k);
  const ClassificationMetrics m = compute_metrics(confusion);
  nlohmann::json out;
  out["n"] = m.n;
  out["accuracy"] = m.accuracy;
  out["macro_precision"] = m.macro_precision;
  out["macro_recall"] = m.macro_recall;
  out["macro_f1"] = m.macro_f1;
  out["labels"] = names;
  nlohmann::json per_label = nlohmann::json::array();
  nlohmann::json matrix = nlohmann::json::array();
  for (int i = 0; i < k; ++i) {
    const LabelMetrics& l = m.per_label[i];
    per_label.push_back({{"label", names[i]},
                         {"precision", l.precision},
                         {"recall", l.recall},
                         {"f1", l.f1},
                         {"support", l.support}});
    nlohmann::json row = nlohmann::json::array();
    for (int p = 0; p < k; ++p) row.push_back(confusion.at(i, p));
    matrix.push_back(std::move(row));
  }
  out["per_label"] = std::move(per_label);
  out["confusion_matrix"] = std::move(matrix);
  return out;
}

std::string metrics_text(const ConfusionMatrix& confusion,
                         const std::vector<std::string>& label_names) {
  const int k = confusion.num_labels();
  const std::vector<std::string> names = names_or_indices(label_names, k);
  const ClassificationMetrics m = compute_metrics(confusion);
  size_t label_width = 5;  // "label"
  for (const auto& s : names) label_width = std::max(label_width, s.size());

  std::string out;
  out += fmt::format("N         {}\n", m.n);
  out += fmt::format("accuracy  {:.4f}\n", m.accuracy);
  out += fmt::format("macro-F1  {:.4f}\n\n", m.macro_f1);

  out += fmt::format("{:<{}}  {:>9}  {:>9}  {:>9}  {:>9}\n", "label", label_width, "precision",
                     "recall", "F1", "support");
  for (int i = 0; i < k; ++i) {
    const LabelMetrics& l = m.per_label[i];
    out += fmt::format("{:<{}}  {:>9.4f}  {:>9.4f}  {:>9.4f}  {:>9}\n", names[i], label_width,
                       l.precision, l.recall, l.f1, l.support);
  }

  // Columns at least as wide as their label and their largest count.
  out += "\nconfusion matrix (rows: true label, columns: predicted label)\n";
  std::vector<size_t> widths(k);
  for (int p = 0; p < k; ++p) {
    widths[p] = names[p].size();
    for (int t = 0; t < k; ++t)
      widths[p] = std::max(widths[p], std::to_string(confusion.at(t, p)).size());
  }
  out += fmt::format("{:<{}}", "", label_width);
  for (int p = 0; p < k; ++p) out += fmt::format("  {:>{}}", names[p], widths[p]);
  out += '\n';
  for (int t = 0; t < k; ++t) {
    out += fmt::format("{:<{}}", names[t], label_width);
    for (int p = 0; p < k; ++p) out += fmt::format("  {:>{}}", confusion.at(t, p), widths[p]);
    out += '\n';
  }
  return out;
}

}  // namespace attn
