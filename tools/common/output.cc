#include "common/output.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include <fmt/format.h>

#include "attn/error.h"
#include "attn/train/metrics.h"

namespace attn::tools {
namespace {

double round6(double p) { return std::round(p * 1e6) / 1e6; }

}  // namespace

// ---- prediction lines -------------------------------------------------------------------

std::vector<LabelProb> top_k(std::span<const float> probs, const std::vector<std::string>& labels,
                             int k) {
  if (labels.size() != probs.size())
    throw std::invalid_argument(
        fmt::format("top_k: {} labels for {} probabilities", labels.size(), probs.size()));
  const size_t n = std::clamp<size_t>(static_cast<size_t>(std::max(k, 1)), 1, probs.size());
  std::vector<size_t> order(probs.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::partial_sort(order.begin(), order.begin() + n, order.end(), [&](size_t a, size_t b) {
    return probs[a] > probs[b] || (probs[a] == probs[b] && a < b);
  });
  std::vector<LabelProb> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back({labels[order[i]], probs[order[i]]});
  return out;
}

std::string tsv_line(const Prediction& p) {
  std::string line = tsv_escape(p.id);
  for (const LabelProb& lp : p.labels)
    line += fmt::format("\t{}\t{:.6f}", tsv_escape(lp.label), lp.prob);
  line += '\n';
  return line;
}

std::string jsonl_line(const Prediction& p) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["id"] = p.id;
  nlohmann::ordered_json labels = nlohmann::ordered_json::array();
  for (const LabelProb& lp : p.labels) labels.push_back({{"label", lp.label}, {"prob", round6(lp.prob)}});
  j["labels"] = std::move(labels);
  for (const auto& [key, value] : p.extra.items()) j[key] = value;
  std::string line = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  line += '\n';
  return line;
}

PredictionWriter::PredictionWriter(PredictFormat format, std::FILE* out, std::string name)
    : format_(format), out_(out), name_(std::move(name)) {}

void PredictionWriter::write(const Prediction& p) {
  write_bytes(out_, format_ == PredictFormat::Tsv ? tsv_line(p) : jsonl_line(p), name_);
  flush_output(out_, name_);
  ++lines_;
}

// ---- reports ----------------------------------------------------------------------------

void write_json_line(const nlohmann::json& value, std::FILE* out, std::string_view name) {
  write_bytes(out, value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", name);
  flush_output(out, name);
}

void write_json_line(const nlohmann::ordered_json& value, std::FILE* out, std::string_view name) {
  write_bytes(out, value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n",
              name);
  flush_output(out, name);
}

void write_metrics(ReportFormat format, const ConfusionMatrix& confusion,
                   const std::vector<std::string>& label_names, std::FILE* out) {
  if (format == ReportFormat::Json) {
    write_json_line(metrics_json(confusion, label_names), out);
  } else {
    write_bytes(out, metrics_text(confusion, label_names));
    flush_output(out);
  }
}

OutputFolder::OutputFolder(std::string dir, std::string extension, const std::string& what)
    : dir_(std::move(dir)), extension_(std::move(extension)) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir_, ec))
    throw Error(dir_ + ": not a directory (--output takes the folder for " + what + ")");
}

std::string OutputFolder::path_for(const std::string& input) {
  const std::string stem = std::filesystem::path(input).stem().string();
  std::string name = stem + extension_;
  for (int k = 2; used_.count(name); ++k) name = stem + "-" + std::to_string(k) + extension_;
  used_.insert(name);
  return (std::filesystem::path(dir_) / name).string();
}

std::string OutputFolder::write(const std::string& input, std::string_view bytes) {
  const std::string path = path_for(input);
  write_file_atomically(path, bytes);
  return path;
}

}  // namespace attn::tools
