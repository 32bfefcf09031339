#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "attn/rng.h"
#include "attn/train/batching.h"

namespace {

std::vector<int> random_lengths(int n, uint64_t seed) {
  attn::Rng rng(seed);
  std::vector<int> lengths(n);
  for (int& len : lengths) len = 1 + static_cast<int>(rng.below(60));
  return lengths;
}

void check_each_item_once(const std::vector<attn::Batch>& batches, int n) {
  std::vector<int> seen(n, 0);
  for (const auto& batch : batches) {
    CHECK(!batch.empty());
    for (int item : batch) {
      REQUIRE(item >= 0);
      REQUIRE(item < n);
      ++seen[item];
    }
  }
  CHECK(std::count(seen.begin(), seen.end(), 1) == n);
}

}  // namespace

TEST_CASE("batches by item count: deterministic per (seed, epoch), every item once") {
  const attn::BatchingConfig config{.max_items = 8};
  const auto a = attn::make_batches(101, config, 5, 0);
  CHECK(a == attn::make_batches(101, config, 5, 0));
  CHECK(a != attn::make_batches(101, config, 5, 1));
  CHECK(a != attn::make_batches(101, config, 6, 0));
  check_each_item_once(a, 101);
  CHECK(a.size() == 13);
  for (size_t b = 0; b + 1 < a.size(); ++b) CHECK(a[b].size() == 8);
  CHECK(a.back().size() == 5);

  const auto ordered = attn::make_batches(10, {.max_items = 4, .shuffle = false}, 5, 3);
  CHECK(ordered == std::vector<attn::Batch>{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9}});
  CHECK(attn::make_batches(0, config, 1, 0).empty());
}

TEST_CASE("token budget: a batch never exceeds it unless one item alone does") {
  std::vector<int> lengths = random_lengths(300, 11);
  lengths[17] = 500;  // longer than the budget
  const attn::BatchingConfig config{.max_items = 0, .max_tokens = 200};
  for (int epoch = 0; epoch < 3; ++epoch) {
    const auto batches = attn::make_batches(lengths, config, 9, epoch);
    check_each_item_once(batches, 300);
    for (const auto& batch : batches) {
      int64_t tokens = 0;
      for (int item : batch) tokens += lengths[item];
      if (batch.size() > 1) CHECK(tokens <= 200);
      if (std::find(batch.begin(), batch.end(), 17) != batch.end()) CHECK(batch.size() == 1);
    }
    CHECK(batches == attn::make_batches(lengths, config, 9, epoch));
  }
  // Both limits at once.
  for (const auto& batch : attn::make_batches(lengths, {.max_items = 3, .max_tokens = 200}, 1, 0))
    CHECK(batch.size() <= 3);
}

TEST_CASE("sorting inside windows groups similar lengths and keeps coverage") {
  const std::vector<int> lengths = random_lengths(1000, 2);
  auto spread = [&](const std::vector<attn::Batch>& batches) {
    int64_t total = 0;  // sum over batches of (longest - shortest)
    for (const auto& batch : batches) {
      int lo = 1 << 30, hi = 0;
      for (int item : batch) lo = std::min(lo, lengths[item]), hi = std::max(hi, lengths[item]);
      total += hi - lo;
    }
    return total;
  };
  const attn::BatchingConfig plain{.max_items = 16};
  const attn::BatchingConfig bucketed{.max_items = 16, .sort_window = 256};
  const auto a = attn::make_batches(lengths, bucketed, 4, 0);
  check_each_item_once(a, 1000);
  CHECK(a == attn::make_batches(lengths, bucketed, 4, 0));
  CHECK(spread(a) * 4 < spread(attn::make_batches(lengths, plain, 4, 0)));
}

TEST_CASE("bad configurations are rejected") {
  CHECK_THROWS_AS(attn::make_batches(5, {.max_items = 0}, 1, 0), std::invalid_argument);
  CHECK_THROWS_AS(attn::make_batches(5, {.max_items = 2, .max_tokens = 10}, 1, 0),
                  std::invalid_argument);
  CHECK_THROWS_AS(attn::make_batches(std::vector<int>{3, -1}, {.max_items = 2}, 1, 0),
                  std::invalid_argument);
}

TEST_CASE("batch_segments packs the batch's lengths in batch order") {
  const std::vector<int> lengths{4, 7, 1, 3};
  const attn::Segments seg = attn::batch_segments({3, 0, 2}, lengths);
  CHECK(seg.count() == 3);
  CHECK(seg.offsets == std::vector<int32_t>{0, 3, 7, 8});
  CHECK(seg.total() == 8);
}
