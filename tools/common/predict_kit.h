#pragma once
// What every predict command shares: --top-k, --threshold, --format and --shard I/N, and turning
// one item's probabilities into its output line.
//
// --shard I/N (0 <= I < N, 0-based): the command handles items I, I+N, I+2N, ... of its input
// (counted in input order, bad items included) and skips the rest unread where it can; ids stay
// those of the whole input, so the N outputs merge back into one run's (see README, "Running
// beyond one machine").
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/output.h"

namespace attn::tools {

struct Shard {
  int64_t index = 0;  // I
  int64_t count = 1;  // N
  // Whether the item at 0-based position `item` of the input is this shard's.
  bool mine(int64_t item) const { return item % count == index; }
};

// "I/N" -> Shard; UsageError (exit 2) unless both are integers with 0 <= I < N.
Shard parse_shard(const std::string& text);
// --shard I/N on a batch command (predict, mfcc, fbank, encode).
void add_shard_option(CLI::App& cmd, Shard& shard);

struct PredictOptions {
  int top_k = 1;
  double threshold = 0.0;  // labels below it are left out
  PredictFormat format = PredictFormat::Tsv;
  Shard shard;
};

// --top-k, --threshold, --format tsv|jsonl and --shard.
void add_predict_options(CLI::App& cmd, PredictOptions& options);

// Writes predictions: the item's top-k labels at or above the threshold, best first.
class PredictionOutput {
 public:
  PredictionOutput(const PredictOptions& options, const std::vector<std::string>& labels);
  // The prediction for `id` from its probabilities (one per label); extras may be added to it.
  Prediction make(std::string id, std::span<const float> probs) const;
  void write(const Prediction& p) { writer_.write(p); }

 private:
  const PredictOptions& options_;
  const std::vector<std::string>& labels_;
  PredictionWriter writer_;
};

// --explain: the parts of an item (tokens, patches) the prediction drew on most, by weight, best
// first (ties: in item order). jsonl: "explain", the first `jsonl_parts` as describe(i).fields
// plus "weight" (6 decimals); tsv: the first `tsv_parts` as more label columns, named
// describe(i).column.
struct ExplainedPart {
  nlohmann::ordered_json fields;
  std::string column;
};
void add_explanation(Prediction& p, std::span<const float> weight, PredictFormat format, size_t jsonl_parts,
                     size_t tsv_parts, const std::function<ExplainedPart(int part)>& describe);

}  // namespace attn::tools
