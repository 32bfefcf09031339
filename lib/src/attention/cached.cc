// Training path for the sequence masks (None, Causal, Window): forward stores the
// probabilities (dense per sequence and head, or a band for Window) and backward reads them.
// Work is split into blocks of queries (forward, backward phase 1) and blocks of keys
// (backward phase 2), so every output row has exactly one writer: no atomics, no reductions
// across threads, results independent of the thread count.
#include <algorithm>
#include <stdexcept>
#include <vector>

#include "attn/blas.h"
#include "kernels.h"
#include "paths.h"
#include "plan.h"

namespace attn::attention_detail {

namespace {

ProbLayout layout_of(const Plan& p, const AttentionCache& cache) {
  return ProbLayout{p.mask, p.T, p.H, p.window, cache.segment_offset.data()};
}

// True when every task covers a whole sequence of a dense mask (None, Causal), so a task's
// block of probabilities is its sequence's (L, L) slice of the store, row stride L: forward
// writes it in place and backward reads it in place, with no copies (short sequences: a ViT's
// 50 tokens, where the copies cost as much as the products).
bool whole_sequences(const Plan& p, const Segments& segs) {
  if (p.mask == MaskKind::Window) return false;
  const int block = query_block_rows(p);
  for (int b = 0; b < segs.count(); ++b)
    if (segs.length(b) > block) return false;
  return true;
}

// The task's (L, L) block of the store (whole_sequences only).
template <class Float>
Float* sequence_block(Float* store, const AttentionCache& cache, const BlockTask& task, int L) {
  return store + cache.segment_offset[task.seg] + int64_t{task.head} * L * L;
}

}  // namespace

void forward_cached(const Plan& p, const Segments& segs, const float* q, const float* k,
                    const float* v, float* out, AttentionCache& cache) {
  cache.segment_offset.assign(1, 0);
  if (p.mask == MaskKind::Window) {
    cache.probs.resize(int64_t{p.H} * p.T * (2 * p.window + 1));
  } else {
    for (int b = 0; b < segs.count(); ++b)
      cache.segment_offset.push_back(cache.segment_offset.back() +
                                     int64_t{p.H} * segs.length(b) * segs.length(b));
    cache.probs.resize(cache.segment_offset.back());
  }
  const ProbLayout layout = layout_of(p, cache);
  float* probs = cache.probs.data();

  std::vector<BlockTask> tasks;
  make_tasks(p, segs, query_block_rows(p), tasks);
  const int D = p.D, hd = p.hd;
  const int ntasks = static_cast<int>(tasks.size());
  const bool in_place = whole_sequences(p, segs);
#pragma omp parallel for schedule(static, 1) if (p.parallel)
  for (int t = 0; t < ntasks; ++t) {
    const BlockTask& task = tasks[t];
    const auto [s0, s1, h, i0, bq] = rows_of(segs, task);
    const int klo = p.key_lo(i0, s0), khi = p.key_hi(i0 + bq - 1, s1), kr = khi - klo;
    // S: (bq, kr), then a key column of kr floats (Additive) in the scratch
    float* scratch = thread_scratch(in_place ? kr : int64_t{bq} * kr + kr);
    float* S = in_place ? sequence_block(probs, cache, task, kr) : scratch;
    score_block(p, q, k, h, i0, bq, klo, kr, S, kr, in_place ? scratch : S + int64_t{bq} * kr);
    if (!block_fully_visible(p, s0, s1, i0, bq, klo, kr)) mask_block(p, s0, s1, i0, bq, klo, kr, S, kr);
    for (int r = 0; r < bq; ++r) {  // softmax
      float* s = S + int64_t{r} * kr;
      const float m = max_of(s, kr);
      if (m == kNegInf) {  // no visible key (exclude_self in a sequence of one): probabilities 0
        std::fill(s, s + kr, 0.0f);
        continue;
      }
      const float sum = exp_shift_sum(s, kr, m);
      scale(1.0f / sum, s, kr);
    }
    // out_blk = P V_range; V_range: (kr, D) with row stride H*D.
    gemm_serial(Trans::No, Trans::No, bq, D, kr, 1.0f, S, kr, v + int64_t{klo} * hd + h * D, hd,
                0.0f, out + int64_t{i0} * hd + h * D, hd);
    if (!in_place) layout.save(probs, task.seg, s0, s1 - s0, h, i0, bq, klo, kr, S);
  }
}

// With s the score and P = softmax(s) per row ("dscore" below: ds, or for Additive the
// gradient of the leaky ReLU's input):
//   dP = dout V^T,  ds_ij = P_ij (dP_ij - sum_k P_ik dP_ik)          (softmax backward)
//   DotProduct: dq = scale * ds K, dk = scale * ds^T Q               (s = scale * q.k)
//   Additive:   dscore = ds * leaky_relu'(q_i + k_j), dq_i = sum_j dscore, dk_j = sum_i dscore
//   dv = P^T dout                                                   (out = P V)
void backward_cached(const Plan& p, const Segments& segs, const float* q, const float* k,
                     const float* v, const AttentionCache& cache, const float* dout, float* dq,
                     float* dk, float* dv) {
  const ProbLayout layout = layout_of(p, cache);
  const float* probs = cache.probs.data();
  std::vector<BlockTask> tasks;
  make_tasks(p, segs, query_block_rows(p), tasks);
  const int D = p.D, hd = p.hd, H = p.H;
  const bool dot_product = p.scoring == Scoring::DotProduct;
  const int ntasks = static_cast<int>(tasks.size());

  // Per query block [i0, i0+bq) x keys [klo, klo+kr): dscore into dS (bq, kr) from P, and dq.
  auto query_block = [&](int h, int i0, int bq, int klo, int kr, const float* P, float* dS) {
    // dP = dout_blk V_range^T (differentiates out_blk = P V_range)
    gemm_serial(Trans::No, Trans::Yes, bq, kr, D, 1.0f, dout + int64_t{i0} * hd + h * D, hd,
                v + int64_t{klo} * hd + h * D, hd, 0.0f, dS, kr);
    for (int r = 0; r < bq; ++r) {  // softmax backward (differentiates the softmax rows)
      const float* pr = P + int64_t{r} * kr;
      float* ds_row = dS + int64_t{r} * kr;  // dP row, becomes the dscore row
      const float row_dot = dot(pr, ds_row, kr);
      for (int c = 0; c < kr; ++c) ds_row[c] = pr[c] * (ds_row[c] - row_dot);
      if (!dot_product) {  // differentiates s = leaky_relu(q_i + k_j)
        const int i = i0 + r;
        const float a = q[int64_t{i} * H + h];
        float sum = 0.0f;
        for (int c = 0; c < kr; ++c) {
          ds_row[c] *= leaky_relu_grad(a + k[int64_t{klo + c} * H + h], p.slope);
          sum += ds_row[c];
        }
        dq[int64_t{i} * H + h] = sum;
      }
    }
    if (dot_product)  // dq_blk = scale * dscore K_range (differentiates S = scale * Q K^T)
      gemm_serial(Trans::No, Trans::No, bq, D, kr, p.scale, dS, kr, k + int64_t{klo} * hd + h * D,
                  hd, 0.0f, dq + int64_t{i0} * hd + h * D, hd);
  };
  // Per key block [j0, j0+bk) x queries [qlo, qlo+qr): dk and dv from P and dS, (qr, bk) each.
  auto key_block = [&](int h, int j0, int bk, int qlo, int qr, const float* P, const float* dS) {
    // dv_blk = P_blk^T dout_range (differentiates out = P V)
    gemm_serial(Trans::Yes, Trans::No, bk, D, qr, 1.0f, P, bk, dout + int64_t{qlo} * hd + h * D,
                hd, 0.0f, dv + int64_t{j0} * hd + h * D, hd);
    if (dot_product) {  // dk_blk = scale * dscore_blk^T Q_range (differentiates S = scale * Q K^T)
      gemm_serial(Trans::Yes, Trans::No, bk, D, qr, p.scale, dS, bk,
                  q + int64_t{qlo} * hd + h * D, hd, 0.0f, dk + int64_t{j0} * hd + h * D, hd);
    } else {  // dk_j = sum_i dscore_ij (differentiates s = leaky_relu(q_i + k_j))
      for (int c = 0; c < bk; ++c) dk[int64_t{j0 + c} * H + h] = 0.0f;
      for (int r = 0; r < qr; ++r)
        for (int c = 0; c < bk; ++c) dk[int64_t{j0 + c} * H + h] += dS[int64_t{r} * bk + c];
    }
  };

  if (whole_sequences(p, segs)) {
    // One task owns all queries and keys of its sequence and head: both phases at once, with
    // P read in place and dscore kept in the thread's scratch (the same products, in the same
    // order, as the two phases below).
#pragma omp parallel for schedule(static, 1) if (p.parallel)
    for (int t = 0; t < ntasks; ++t) {
      const BlockTask& task = tasks[t];
      const auto [s0, s1, h, i0, L] = rows_of(segs, task);
      const float* P = sequence_block(probs, cache, task, L);
      float* dS = thread_scratch(int64_t{L} * L);
      query_block(h, s0, L, s0, L, P, dS);
      key_block(h, s0, L, s0, L, P, dS);
    }
    return;
  }

  // dscore in the layout of the probabilities; grows only.
  thread_local std::vector<float> dscore_store;
  if (dscore_store.size() < cache.probs.size()) dscore_store.resize(cache.probs.size());
  float* dscore = dscore_store.data();

  // Phase 1, per query block: dscore and dq.
#pragma omp parallel for schedule(static, 1) if (p.parallel)
  for (int t = 0; t < ntasks; ++t) {
    const BlockTask& task = tasks[t];
    const auto [s0, s1, h, i0, bq] = rows_of(segs, task);
    const int klo = p.key_lo(i0, s0), khi = p.key_hi(i0 + bq - 1, s1), kr = khi - klo;
    float* P = thread_scratch(2 * int64_t{bq} * kr);  // P: (bq, kr) | dP, then dscore: (bq, kr)
    float* dS = P + int64_t{bq} * kr;
    layout.load(probs, task.seg, s0, s1 - s0, h, i0, bq, klo, kr, P);
    query_block(h, i0, bq, klo, kr, P, dS);
    layout.save(dscore, task.seg, s0, s1 - s0, h, i0, bq, klo, kr, dS);
  }

  // Phase 2, per key block: dk and dv from the queries that see those keys.
#pragma omp parallel for schedule(static, 1) if (p.parallel)
  for (int t = 0; t < ntasks; ++t) {
    const BlockTask& task = tasks[t];
    const auto [s0, s1, h, j0, bk] = rows_of(segs, task);
    const int qlo = p.query_lo(j0, s0), qhi = p.query_hi(j0 + bk - 1, s1), qr = qhi - qlo;
    float* P = thread_scratch(2 * int64_t{qr} * bk);  // P, dscore: (qr, bk)
    float* dS = P + int64_t{qr} * bk;
    layout.load(probs, task.seg, s0, s1 - s0, h, qlo, qr, j0, bk, P);
    layout.load(dscore, task.seg, s0, s1 - s0, h, qlo, qr, j0, bk, dS);
    key_block(h, j0, bk, qlo, qr, P, dS);
  }
}

}  // namespace attn::attention_detail
