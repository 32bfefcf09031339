// Inference path for the sequence masks (None, Causal, Window): flash-attention style tiles.
// Each task owns a block of queries of one sequence and head and walks its keys in chunks,
// keeping a running max m and running sum l per query (online softmax):
//   m' = max(m, max_j s_j),  l' = l * exp(m - m') + sum_j exp(s_j - m'),
//   o' = o * exp(m - m') + sum_j exp(s_j - m') v_j,            out = o / l.
// Extra memory: per thread a (Bq, Bk) score tile and a (Bq, D) accumulator; for long
// sequences one per-head copy of K and V per call (O(T * H * D)); never (T, T).
#include <algorithm>
#include <cmath>
#include <vector>

#include "attn/blas.h"
#include "kernels.h"
#include "paths.h"
#include "plan.h"

namespace attn::attention_detail {

namespace {

constexpr int kQueryBlock = 128;
constexpr int kKeyChunk = 256;

int tiled_query_rows(const Plan& p) {
  if (p.mask != MaskKind::Window) return kQueryBlock;
  // A window tile computes Bq + 2w keys for a band of 2w + 1: keep Bq near the band width.
  return std::clamp((2 * p.window + 1 + 7) / 8 * 8, 16, kQueryBlock);
}

// Where the tiles read K and V: the caller's (T, H*D) buffers, or per-head copies.
struct KeyValueRows {
  const float* k;
  const float* v;
  int64_t head_offset;  // floats from head h to head h + 1 (in a row, or between copies)
  int64_t ld;           // floats between rows
};

// When a sequence has several query blocks, each block re-reads the same keys. In the
// caller's buffers the rows of one head are H*D floats apart, so every block pays cold
// cache lines and TLB misses again in BLAS's packing; measured, copying K and V per head
// once, (H, T, D) contiguous, is about 15% faster for T >= 512 and slower for one block
// per sequence (T = 128), where the copy is pure overhead.
KeyValueRows key_value_rows(const Plan& p, const Segments& segs, int bq, const float* k,
                            const float* v) {
  const bool dot_product = p.scoring == Scoring::DotProduct;
  KeyValueRows rows{k, v, p.D, p.hd};
  const bool several_blocks = segs.count() > 0 && p.T / segs.count() > bq;
  if (!several_blocks || p.H == 1) return rows;  // one head: rows are contiguous already
  const int T = p.T, H = p.H, D = p.D, hd = p.hd;
  const int64_t k_floats = dot_product ? int64_t{H} * T * D : 0;
  thread_local std::vector<float> store;  // the calling thread's; grows only
  if (store.size() < size_t(k_floats + int64_t{H} * T * D))
    store.resize(k_floats + int64_t{H} * T * D);
  float* const kh = store.data();
  float* const vh = kh + k_floats;
#pragma omp parallel for schedule(static) if (p.parallel)
  for (int r = 0; r < T; ++r)
    for (int h = 0; h < H; ++h) {
      if (dot_product) std::copy_n(k + int64_t{r} * hd + h * D, D, kh + (int64_t{h} * T + r) * D);
      std::copy_n(v + int64_t{r} * hd + h * D, D, vh + (int64_t{h} * T + r) * D);
    }
  return {dot_product ? kh : k, vh, int64_t{T} * D, D};
}

}  // namespace

int query_block_rows(const Plan& p) {
  if (p.mask != MaskKind::Window) return 64;
  return std::clamp((2 * p.window + 1 + 7) / 8 * 8, 16, 64);
}

void forward_tiled(const Plan& p, const Segments& segs, const float* q, const float* k,
                   const float* v, float* out) {
  const int bq_max = tiled_query_rows(p);
  std::vector<BlockTask> tasks;
  make_tasks(p, segs, bq_max, tasks);
  const int D = p.D, hd = p.hd;
  const bool dot_product = p.scoring == Scoring::DotProduct;
  const KeyValueRows kv = key_value_rows(p, segs, bq_max, k, v);
  const int ntasks = static_cast<int>(tasks.size());
#pragma omp parallel for schedule(static, 1) if (p.parallel)
  for (int t = 0; t < ntasks; ++t) {
    const BlockTask& task = tasks[t];
    const auto [s0, s1, h, i0, bq] = rows_of(segs, task);
    // Per-thread scratch: S (Bq, Bk) | o (Bq, D) | m (Bq) | l (Bq) | key column (Bk).
    float* S = thread_scratch(int64_t{bq_max} * kKeyChunk + int64_t{bq_max} * D + 2 * bq_max +
                              kKeyChunk);
    float* o = S + int64_t{bq_max} * kKeyChunk;
    float* m = o + int64_t{bq_max} * D;
    float* l = m + bq_max;
    float* col = l + bq_max;
    std::fill(o, o + int64_t{bq} * D, 0.0f);
    std::fill(m, m + bq, kNegInf);
    std::fill(l, l + bq, 0.0f);
    const float* k_head = kv.k + h * kv.head_offset;  // row j at k_head + j * kv.ld
    const float* v_head = kv.v + h * kv.head_offset;

    const int klo = p.key_lo(i0, s0), khi = p.key_hi(i0 + bq - 1, s1);
    for (int j0 = klo; j0 < khi; j0 += kKeyChunk) {
      const int bk = std::min(kKeyChunk, khi - j0);
      // S: (bq, bk) in rows of lds = bk rounded up to whole vectors; the padding holds -inf
      // (probability 0), so the softmax loops run on full vectors only.
      const int lds = (bk + 7) / 8 * 8;
      if (dot_product)  // S = scale * Q_blk K_chunk^T
        gemm_serial(Trans::No, Trans::Yes, bq, bk, D, p.scale, q + int64_t{i0} * hd + h * D, hd,
                    k_head + j0 * kv.ld, kv.ld, 0.0f, S, lds);
      else
        score_block(p, q, k, h, i0, bq, j0, bk, S, lds, col);
      if (!block_fully_visible(p, s0, s1, i0, bq, j0, bk)) mask_block(p, s0, s1, i0, bq, j0, bk, S, lds);
      for (int r = 0; r < bq; ++r) {
        float* s = S + int64_t{r} * lds;
        std::fill(s + bk, s + lds, kNegInf);
        const float m_new = std::max(m[r], max_of(s, lds));
        if (m_new == kNegInf) {  // nothing visible yet in this row
          std::fill(s, s + bk, 0.0f);
          continue;
        }
        // (before any visible key the row of o is still 0: nothing to correct)
        const float correction = m[r] == kNegInf ? 0.0f : std::exp(m[r] - m_new);
        const float chunk_sum = exp_shift_sum(s, lds, m_new);  // s = exp(s - m')
        if (m[r] != kNegInf && correction != 1.0f) scale(correction, o + int64_t{r} * D, D);
        l[r] = l[r] * correction + chunk_sum;
        m[r] = m_new;
      }
      // o += P_chunk V_chunk; V_chunk: (bk, D)
      gemm_serial(Trans::No, Trans::No, bq, D, bk, 1.0f, S, lds, v_head + j0 * kv.ld, kv.ld, 1.0f,
                  o, D);
    }
    for (int r = 0; r < bq; ++r) {
      float* dst = out + int64_t{i0 + r} * hd + h * D;
      const float inv = l[r] > 0.0f ? 1.0f / l[r] : 0.0f;
      const float* src = o + int64_t{r} * D;
      for (int d = 0; d < D; ++d) dst[d] = src[d] * inv;
    }
  }
}

}  // namespace attn::attention_detail
