#pragma once
// Shared plumbing of the attention paths (private to src/attention): the checked settings,
// which keys a query may see under a segment mask, the block tasks the threads share,
// score blocks and the per-thread scratch.
#include <cstdint>
#include <vector>

#include "attn/attention.h"

namespace attn::attention_detail {

// The spec, checked, with its derived sizes. Row r, head h of a (T, H*D) buffer starts at
// r * hd + h * D; of a (T, H) buffer at r * H + h.
struct Plan {
  Scoring scoring = Scoring::DotProduct;
  MaskKind mask = MaskKind::None;
  int T = 0, H = 1, D = 1, hd = 1, window = 0;
  float scale = 1.0f, slope = 0.2f;
  bool exclude_self = false;  // None, Causal, Window: the diagonal is masked too
  const CsrGraph* graph = nullptr;
  const float* score_weight = nullptr;  // GatV2: a, (H, D)
  float dropout = 0.0f;                 // on the probabilities (Sparse only)
  uint64_t dropout_seed = 0, dropout_stream = 0;
  // Enough work to pay for starting the thread team (tiny batches run on the caller).
  bool parallel = true;

  // Width of q and k rows: H*D for DotProduct and GatV2, H for Additive.
  int qk_width() const { return scoring == Scoring::Additive ? H : hd; }

  // Keys of query i (global row) in its sequence [s0, s1): [key_lo, key_hi). Both are
  // non-decreasing in i, so a block of queries [i0, i1) needs keys [key_lo(i0), key_hi(i1-1)).
  int key_lo(int i, int s0) const {
    return mask == MaskKind::Window ? (i - window > s0 ? i - window : s0) : s0;
  }
  int key_hi(int i, int s1) const {
    if (mask == MaskKind::Causal) return i + 1;
    if (mask == MaskKind::Window) return i + window + 1 < s1 ? i + window + 1 : s1;
    return s1;
  }
  // Queries that see key j: [query_lo, query_hi), non-decreasing in j.
  int query_lo(int j, int s0) const {
    if (mask == MaskKind::Causal) return j;
    if (mask == MaskKind::Window) return j - window > s0 ? j - window : s0;
    return s0;
  }
  int query_hi(int j, int s1) const {
    return mask == MaskKind::Window ? (j + window + 1 < s1 ? j + window + 1 : s1) : s1;
  }
};

// Checks spec against segs (std::invalid_argument on a programmer error).
Plan make_plan(const AttentionSpec& spec, const Segments& segs);

// One unit of parallel work: rows [r0, r0 + n) of sequence `seg` in head `head`.
struct BlockTask {
  int seg, head, r0, n;
};
// A task's rows in global terms: its sequence is rows [s0, s1), the block rows
// [first, first + count), in head `head`.
struct BlockRows {
  int s0, s1, head, first, count;
};
inline BlockRows rows_of(const Segments& segs, const BlockTask& task) {
  const int s0 = segs.offsets[task.seg];
  return {s0, segs.offsets[task.seg + 1], task.head, s0 + task.r0, task.n};
}
// Every sequence cut into blocks of `block` rows, for every head, in a fixed order.
void make_tasks(const Plan& p, const Segments& segs, int block, std::vector<BlockTask>& tasks);

// S: (bq, bk), row stride lds: raw scores of queries [i0, i0+bq) against keys [j0, j0+bk)
// in head h (DotProduct: scale * q.k through gemm; Additive: leaky_relu(q + k)).
// `col` is scratch of bk floats (Additive only).
void score_block(const Plan& p, const float* q, const float* k, int h, int i0, int bq, int j0,
                 int bk, float* S, int lds, float* col);

// Sets the scores of keys a query may not see to -inf ([key_lo, key_hi) of each row is kept,
// less the query's own row with exclude_self).
void mask_block(const Plan& p, int s0, int s1, int i0, int bq, int j0, int bk, float* S,
                int lds);
// True if every query of [i0, i0+bq) sees every key of [j0, j0+bk).
bool block_fully_visible(const Plan& p, int s0, int s1, int i0, int bq, int j0, int bk);

// A per-thread scratch buffer that only grows (no allocation once warm).
float* thread_scratch(int64_t floats);

// Where the probabilities of a cache live (the layouts documented in attention.h).
struct ProbLayout {
  MaskKind mask = MaskKind::None;
  int T = 0, H = 1, window = 0;
  const int64_t* segment_offset = nullptr;  // None, Causal
  int band() const { return 2 * window + 1; }
  // Copies block [i0, i0+bq) x [j0, j0+bk) of sequence b (rows starting at s0, length L),
  // head h, out of `store` into dst (bq, bk); 0 where nothing is stored.
  void load(const float* store, int b, int s0, int L, int h, int i0, int bq, int j0, int bk,
            float* dst) const;
  // Writes rows [i0, i0+bq) from src (bq, bk) holding keys [j0, j0+bk); all other stored
  // entries of those rows become 0.
  void save(float* store, int b, int s0, int L, int h, int i0, int bq, int j0, int bk,
            const float* src) const;
};

}  // namespace attn::attention_detail
