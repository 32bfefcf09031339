// Inference path for the sequence masks (None, Causal, Window): flash-attention style tiles.
// Each task owns a block of queries of one sequence and head and walks its keys in chunks,
// keeping a running max m and running sum l per query (online softmax):
//   m' = max(m, max_j s_j),  l' = l * exp(m - m') + sum_j exp(s_j - m'),
//   o' = o * exp(m - m') + sum_j exp(s_j - m') v_j,            out = o / l.
// Extra memory per thread: a (Bq, Bk) score tile and a (Bq, D) accumulator, never (T, T).
#include <algorithm>
#include <cmath>
#include <vector>

#include "attn/blas.h"
#include "kernels.h"
#include "paths.h"
#include "plan.h"

namespace attn::attention_detail {

namespace {
constexpr int kQueryBlock = 64;
constexpr int kKeyChunk = 256;
}  // namespace

int query_block_rows(const Plan& p) {
  if (p.mask != MaskKind::Window) return kQueryBlock;
  // Window tiles need Bq + 2w keys for a band of 2w + 1: keep Bq near the band width so
  // the products do at most about twice the band's work.
  return std::clamp((2 * p.window + 1 + 7) / 8 * 8, 16, kQueryBlock);
}

void forward_tiled(const Plan& p, const Segments& segs, const float* q, const float* k,
                   const float* v, float* out) {
  const int bq_max = query_block_rows(p);
  std::vector<BlockTask> tasks;
  make_tasks(p, segs, bq_max, tasks);
  const int D = p.D, hd = p.hd;
  const int ntasks = static_cast<int>(tasks.size());
#pragma omp parallel for schedule(static, 1) if (p.parallel)
  for (int t = 0; t < ntasks; ++t) {
    const BlockTask& task = tasks[t];
    const int s0 = segs.offsets[task.seg], s1 = segs.offsets[task.seg + 1];
    const int h = task.head, i0 = s0 + task.r0, bq = task.n;
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

    const int klo = p.key_lo(i0, s0), khi = p.key_hi(i0 + bq - 1, s1);
    for (int j0 = klo; j0 < khi; j0 += kKeyChunk) {
      const int bk = std::min(kKeyChunk, khi - j0);
      score_block(p, q, k, h, i0, bq, j0, bk, S, bk, col);  // S: (bq, bk)
      if (!block_fully_visible(p, s0, s1, i0, bq, j0, bk)) mask_block(p, s0, s1, i0, bq, j0, bk, S, bk);
      for (int r = 0; r < bq; ++r) {
        float* s = S + int64_t{r} * bk;
        const float m_new = std::max(m[r], max_of(s, bk));
        if (m_new == kNegInf) {  // nothing visible yet in this row
          std::fill(s, s + bk, 0.0f);
          continue;
        }
        const float correction = m[r] == kNegInf ? 0.0f : std::exp(m[r] - m_new);
        const float chunk_sum = exp_shift_sum(s, bk, m_new);  // s = exp(s - m')
        if (correction != 1.0f) scale(correction, o + int64_t{r} * D, D);
        l[r] = l[r] * correction + chunk_sum;
        m[r] = m_new;
      }
      // o += P_chunk V_chunk; V_chunk: (bk, D) with row stride H*D.
      gemm_serial(Trans::No, Trans::No, bq, D, bk, 1.0f, S, bk, v + int64_t{j0} * hd + h * D, hd,
                  1.0f, o, D);
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
