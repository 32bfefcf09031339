#include "attn/train/batching.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

#include "attn/rng.h"

namespace attn {
namespace {

void check_config(const BatchingConfig& config) {
  if (config.max_items < 0 || config.max_tokens < 0)
    throw std::invalid_argument("BatchingConfig: negative limit");
  if (config.max_items == 0 && config.max_tokens == 0)
    throw std::invalid_argument("BatchingConfig: set max_items or max_tokens");
}

// Greedy packing of `order` into batches under the limits of `config`.
std::vector<Batch> pack(const std::vector<int>& order, const std::vector<int>* lengths,
                        const BatchingConfig& config) {
  std::vector<Batch> batches;
  Batch current;
  int64_t tokens = 0;
  for (int item : order) {
    const int64_t len = lengths ? (*lengths)[item] : 0;
    const bool items_full =
        config.max_items > 0 && static_cast<int>(current.size()) >= config.max_items;
    const bool tokens_full = config.max_tokens > 0 && tokens + len > config.max_tokens;
    if (!current.empty() && (items_full || tokens_full)) {
      batches.push_back(std::move(current));
      current.clear();
      tokens = 0;
    }
    current.push_back(item);
    tokens += len;
  }
  if (!current.empty()) batches.push_back(std::move(current));
  return batches;
}

std::vector<Batch> batches_for_epoch(int item_count, const std::vector<int>* lengths,
                                     const BatchingConfig& config, uint64_t seed, int epoch) {
  check_config(config);
  if (item_count < 0) throw std::invalid_argument("make_batches: negative item count");
  std::vector<int> order(item_count);
  std::iota(order.begin(), order.end(), 0);
  if (!config.shuffle) return pack(order, lengths, config);

  // One independent stream per epoch, so epoch e's order does not depend on earlier epochs.
  Rng rng = Rng(seed).split(static_cast<uint64_t>(epoch));
  rng.shuffle(order);
  const bool bucketed = lengths && config.sort_window > 1;
  if (bucketed) {
    for (size_t start = 0; start < order.size(); start += config.sort_window) {
      const auto first = order.begin() + start;
      const auto last = order.begin() + std::min(order.size(), start + config.sort_window);
      std::stable_sort(first, last, [&](int a, int b) { return (*lengths)[a] < (*lengths)[b]; });
    }
  }
  std::vector<Batch> batches = pack(order, lengths, config);
  if (bucketed) rng.shuffle(batches);
  return batches;
}

}  // namespace

std::vector<Batch> make_batches(const std::vector<int>& lengths, const BatchingConfig& config,
                                uint64_t seed, int epoch) {
  for (size_t i = 0; i < lengths.size(); ++i)
    if (lengths[i] < 0)
      throw std::invalid_argument("make_batches: item " + std::to_string(i) +
                                  " has negative length");
  return batches_for_epoch(static_cast<int>(lengths.size()), &lengths, config, seed, epoch);
}

std::vector<Batch> make_batches(int item_count, const BatchingConfig& config, uint64_t seed,
                                int epoch) {
  if (config.max_tokens > 0)
    throw std::invalid_argument("make_batches: a token budget needs the item lengths");
  return batches_for_epoch(item_count, nullptr, config, seed, epoch);
}

Segments batch_segments(const Batch& batch, const std::vector<int>& lengths) {
  std::vector<int> batch_lengths;
  batch_lengths.reserve(batch.size());
  for (int item : batch) batch_lengths.push_back(lengths.at(item));
  return Segments::from_lengths(batch_lengths);
}

}  // namespace attn
