#pragma once
#include <cstdint>
#include <vector>

#include "attn/attention.h"

namespace attn {

// How an epoch's items are grouped into batches. A batch closes when adding the next item
// would exceed max_items items or max_tokens tokens (0 = no limit; at least one limit must
// be set). Batches are packed without padding, so tokens = the sum of the items' lengths;
// an item longer than max_tokens gets a batch of its own.
struct BatchingConfig {
  int max_items = 32;
  int64_t max_tokens = 0;
  bool shuffle = true;  // false: items in index order, batches in order
  // With lengths and sort_window > 1: the shuffled order is cut into windows of this many
  // items and each window is sorted by length (stable), so that a batch holds items of
  // similar length (fuller token budgets, steadier cost per step). The batches are then
  // shuffled again so that short and long batches alternate over the epoch.
  int sort_window = 0;
};

using Batch = std::vector<int>;  // item indices

// The batches of one epoch over items 0..lengths.size()-1. Every item appears exactly once.
// The result is a pure function of (lengths, config, seed, epoch).
std::vector<Batch> make_batches(const std::vector<int>& lengths, const BatchingConfig& config,
                                uint64_t seed, int epoch);
// The same without lengths: batches by item count only (config.max_tokens must be 0).
std::vector<Batch> make_batches(int item_count, const BatchingConfig& config, uint64_t seed,
                                int epoch);

// The packed layout of a batch: sequence b is item batch[b] with lengths[batch[b]] rows.
Segments batch_segments(const Batch& batch, const std::vector<int>& lengths);

}  // namespace attn
