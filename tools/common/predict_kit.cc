#include "common/predict_kit.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

#include "common/cli.h"
#include "common/run_guarded.h"

namespace attn::tools {
namespace {

bool parse_int(std::string_view s, int64_t& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

}  // namespace

Shard parse_shard(const std::string& text) {
  const size_t slash = text.find('/');
  Shard s;
  if (slash == std::string::npos || !parse_int(std::string_view(text).substr(0, slash), s.index) ||
      !parse_int(std::string_view(text).substr(slash + 1), s.count))
    throw UsageError("--shard '" + text + "': expected I/N, e.g. 0/4");
  if (s.count < 1 || s.index < 0 || s.index >= s.count)
    throw UsageError("--shard " + text + ": needs 0 <= I < N (shards are numbered from 0)");
  return s;
}

void add_shard_option(CLI::App& cmd, Shard& shard) {
  cmd.add_option_function<std::string>(
         "--shard", [&shard](const std::string& v) { shard = parse_shard(v); },
         "Handle only items I, I+N, I+2N, ... of the input (0 <= I < N), ids unchanged")
      ->type_name("I/N");
}

void add_predict_options(CLI::App& cmd, PredictOptions& options) {
  add_top_k_option(cmd, options.top_k);
  cmd.add_option("--threshold", options.threshold, "Only print labels with at least this probability")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  add_predict_format_option(cmd, options.format);
  add_shard_option(cmd, options.shard);
}

PredictionOutput::PredictionOutput(const PredictOptions& options, const std::vector<std::string>& labels)
    : options_(options), labels_(labels), writer_(options.format) {}

Prediction PredictionOutput::make(std::string id, std::span<const float> probs) const {
  Prediction p;
  p.id = std::move(id);
  for (LabelProb& lp : top_k(probs, labels_, options_.top_k))
    if (lp.prob >= options_.threshold) p.labels.push_back(std::move(lp));
  return p;
}

void add_explanation(Prediction& p, std::span<const float> weight, PredictFormat format, size_t jsonl_parts,
                     size_t tsv_parts, const std::function<ExplainedPart(int part)>& describe) {
  std::vector<int> order(weight.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return weight[a] > weight[b]; });
  const size_t shown = std::min(order.size(), format == PredictFormat::Jsonl ? jsonl_parts : tsv_parts);
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (size_t k = 0; k < shown; ++k) {
    const int i = order[k];
    ExplainedPart part = describe(i);
    if (format == PredictFormat::Tsv) {
      p.labels.push_back({std::move(part.column), weight[i]});
      continue;
    }
    part.fields["weight"] = std::round(weight[i] * 1e6) / 1e6;
    list.push_back(std::move(part.fields));
  }
  if (format == PredictFormat::Jsonl) p.extra["explain"] = list;
}

}  // namespace attn::tools
