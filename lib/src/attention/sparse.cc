// Sparse (graph) attention: query row i attends to the key rows listed in its CSR row.
// O(E * H * D) with plain loops; rows are split over threads, each row has one writer.
// Backward gathers dk, dv per key row through the transposed graph kept in the cache.
#include <algorithm>
#include <vector>

#include <omp.h>

#include "attn/context.h"
#include "attn/parallel.h"
#include "kernels.h"
#include "paths.h"
#include "plan.h"

namespace attn::attention_detail {

namespace {

// Counting sort of the edges by key row, stable, so each key row lists its edges in
// ascending edge order (a fixed summation order in backward).
void build_by_key(const CsrGraph& g, int T, AttentionCache& cache) {
  const int64_t E = g.nnz();
  cache.by_key_ptr.assign(T + 1, 0);
  for (int64_t e = 0; e < E; ++e) ++cache.by_key_ptr[g.col[e] + 1];
  for (int j = 0; j < T; ++j) cache.by_key_ptr[j + 1] += cache.by_key_ptr[j];
  cache.by_key_edge.resize(E);
  cache.by_key_query.resize(E);
  std::vector<int64_t> next(cache.by_key_ptr.begin(), cache.by_key_ptr.end() - 1);
  for (int i = 0; i < T; ++i)
    for (int64_t e = g.row_ptr[i]; e < g.row_ptr[i + 1]; ++e) {
      const int64_t slot = next[g.col[e]]++;
      cache.by_key_edge[slot] = e;
      cache.by_key_query[slot] = i;
    }
}

// Attention dropout: the scale of edge e, head h (1 without dropout).
inline float keep_scale(const Plan& p, int64_t e, int h) {
  if (p.dropout <= 0.0f) return 1.0f;
  const uint64_t index = static_cast<uint64_t>(e) * p.H + h;
  return hashed_uniform(p.dropout_seed, p.dropout_stream, index) >= p.dropout
             ? 1.0f / (1.0f - p.dropout)
             : 0.0f;
}

// s = a_h . leaky_relu(q_i + k_j) over one head's D values.
inline float gatv2_score(const float* a, const float* qi, const float* kj, int D, float slope) {
  float s = 0.0f;
  for (int d = 0; d < D; ++d) s += a[d] * leaky_relu(qi[d] + kj[d], slope);
  return s;
}

}  // namespace

void forward_sparse(const Plan& p, const float* q, const float* k, const float* v, float* out,
                    AttentionCache* cache) {
  const CsrGraph& g = *p.graph;
  const int H = p.H, D = p.D, hd = p.hd, T = p.T;
  float* probs = nullptr;
  float* keep = nullptr;
  if (cache) {
    cache->probs.resize(g.nnz() * H);
    probs = cache->probs.data();
    if (p.dropout > 0.0f) {
      cache->keep.resize(g.nnz() * H);
      keep = cache->keep.data();
    } else {
      cache->keep.clear();
    }
    build_by_key(g, T, *cache);
  }
#pragma omp parallel for schedule(static) if (p.parallel)
  for (int i = 0; i < T; ++i) {
    const int64_t e0 = g.row_ptr[i];
    const int deg = static_cast<int>(g.row_ptr[i + 1] - e0);
    float* s = thread_scratch(std::max(deg, 1));  // s: (deg) scores, then probabilities
    for (int h = 0; h < H; ++h) {
      float* o = out + int64_t{i} * hd + h * D;
      std::fill(o, o + D, 0.0f);
      if (deg == 0) continue;  // no visible key: output 0
      for (int n = 0; n < deg; ++n) {
        const int j = g.col[e0 + n];
        switch (p.scoring) {
          case Scoring::DotProduct:
            s[n] = p.scale * dot(q + int64_t{i} * hd + h * D, k + int64_t{j} * hd + h * D, D);
            break;
          case Scoring::Additive:
            s[n] = leaky_relu(q[int64_t{i} * H + h] + k[int64_t{j} * H + h], p.slope);
            break;
          case Scoring::GatV2:
            s[n] = gatv2_score(p.score_weight + h * D, q + int64_t{i} * hd + h * D,
                               k + int64_t{j} * hd + h * D, D, p.slope);
            break;
        }
      }
      const float sum = exp_shift_sum(s, deg, max_of(s, deg));
      const float inv = 1.0f / sum;
      for (int n = 0; n < deg; ++n) {
        s[n] *= inv;
        if (probs) probs[(e0 + n) * H + h] = s[n];
        // out_i = sum_e keep_e p_e v_j (keep_e: attention dropout)
        const float kept = keep_scale(p, e0 + n, h);
        if (keep) keep[(e0 + n) * H + h] = kept;
        axpy(s[n] * kept, v + int64_t{g.col[e0 + n]} * hd + h * D, o, D);
      }
    }
  }
}

// Per edge e = (i, j) and head, with keep_e the dropout scale:
//   dp_e = keep_e dout_i . v_j,  dscore_e = p_e (dp_e - sum_{e' in row i} p_e' dp_e')
//   DotProduct: dq_i = scale sum_e dscore_e k_j,  dk_j = scale sum_e dscore_e q_i
//   Additive:   dscore_e *= leaky_relu'(q_i + k_j),  dq_i = sum_e dscore_e,  dk_j = sum_e dscore_e
//   GatV2:      z = q_i + k_j, g_e = dscore_e a_h * leaky_relu'(z),  dq_i = sum_e g_e,
//               dk_j = sum_e g_e,  da_h = sum_e dscore_e leaky_relu(z)
//   dv_j = sum_e keep_e p_e dout_i
void backward_sparse(const Plan& p, const float* q, const float* k, const float* v,
                     const AttentionCache& cache, const float* dout, float* dq, float* dk,
                     float* dv, float* dscore_weight) {
  const CsrGraph& g = *p.graph;
  const int H = p.H, D = p.D, hd = p.hd, T = p.T;
  const float* probs = cache.probs.data();
  const bool stored_keep = !cache.keep.empty();
  auto kept = [&](int64_t e, int h) {
    return stored_keep ? cache.keep[e * H + h] : keep_scale(p, e, h);
  };
  thread_local std::vector<float> dscore_store;  // dscore: (E, H), grows only
  if (dscore_store.size() < cache.probs.size()) dscore_store.resize(cache.probs.size());
  float* dscore = dscore_store.data();
  const bool gatv2 = p.scoring == Scoring::GatV2;
  // GatV2: one (H, D) partial da per thread, summed in thread order (a fixed order).
  const int teams = p.parallel ? threads() : 1;
  std::vector<float> da_partial(gatv2 ? static_cast<size_t>(teams) * hd : 0, 0.0f);

  // Phase 1, per query row: dscore and dq.
#pragma omp parallel num_threads(teams) if (p.parallel)
  {
    float* da = gatv2 ? da_partial.data() + static_cast<size_t>(omp_get_thread_num()) * hd
                      : nullptr;
#pragma omp for schedule(static)
    for (int i = 0; i < T; ++i) {
      const int64_t e0 = g.row_ptr[i], e1 = g.row_ptr[i + 1];
      for (int h = 0; h < H; ++h) {
        const float* dout_i = dout + int64_t{i} * hd + h * D;
        float row_dot = 0.0f;
        for (int64_t e = e0; e < e1; ++e) {  // dp_e (differentiates out_i = sum_e keep p_e v_j)
          const float dp = kept(e, h) * dot(dout_i, v + int64_t{g.col[e]} * hd + h * D, D);
          dscore[e * H + h] = dp;
          row_dot += probs[e * H + h] * dp;
        }
        for (int64_t e = e0; e < e1; ++e)  // softmax backward
          dscore[e * H + h] = probs[e * H + h] * (dscore[e * H + h] - row_dot);
        switch (p.scoring) {
          case Scoring::DotProduct: {  // differentiates s_e = scale * q_i . k_j
            float* dq_i = dq + int64_t{i} * hd + h * D;
            std::fill(dq_i, dq_i + D, 0.0f);
            for (int64_t e = e0; e < e1; ++e)
              axpy(p.scale * dscore[e * H + h], k + int64_t{g.col[e]} * hd + h * D, dq_i, D);
            break;
          }
          case Scoring::Additive: {  // differentiates s_e = leaky_relu(q_i + k_j)
            const float a = q[int64_t{i} * H + h];
            float sum = 0.0f;
            for (int64_t e = e0; e < e1; ++e) {
              dscore[e * H + h] *= leaky_relu_grad(a + k[int64_t{g.col[e]} * H + h], p.slope);
              sum += dscore[e * H + h];
            }
            dq[int64_t{i} * H + h] = sum;
            break;
          }
          case Scoring::GatV2: {  // differentiates s_e = a_h . leaky_relu(q_i + k_j)
            const float* a = p.score_weight + h * D;
            const float* qi = q + int64_t{i} * hd + h * D;
            float* dq_i = dq + int64_t{i} * hd + h * D;
            float* da_h = da + h * D;
            std::fill(dq_i, dq_i + D, 0.0f);
            for (int64_t e = e0; e < e1; ++e) {
              const float ds = dscore[e * H + h];
              const float* kj = k + int64_t{g.col[e]} * hd + h * D;
              for (int d = 0; d < D; ++d) {
                const float z = qi[d] + kj[d];
                dq_i[d] += ds * a[d] * leaky_relu_grad(z, p.slope);
                da_h[d] += ds * leaky_relu(z, p.slope);
              }
            }
            break;
          }
        }
      }
    }
  }
  if (gatv2) {
    std::fill(dscore_weight, dscore_weight + hd, 0.0f);
    for (int t = 0; t < teams; ++t)
      for (int c = 0; c < hd; ++c) dscore_weight[c] += da_partial[static_cast<size_t>(t) * hd + c];
  }

  // Phase 2, per key row (through the transposed graph): dk and dv.
  const int k_width = p.qk_width() == H ? 1 : D;
#pragma omp parallel for schedule(static) if (p.parallel)
  for (int j = 0; j < T; ++j) {
    const int64_t b0 = cache.by_key_ptr[j], b1 = cache.by_key_ptr[j + 1];
    for (int h = 0; h < H; ++h) {
      float* dv_j = dv + int64_t{j} * hd + h * D;
      std::fill(dv_j, dv_j + D, 0.0f);
      float* dk_j = k_width == 1 ? dk + int64_t{j} * H + h : dk + int64_t{j} * hd + h * D;
      std::fill(dk_j, dk_j + k_width, 0.0f);
      for (int64_t b = b0; b < b1; ++b) {
        const int64_t e = cache.by_key_edge[b];
        const int i = cache.by_key_query[b];
        const float ds = dscore[e * H + h];
        axpy(kept(e, h) * probs[e * H + h], dout + int64_t{i} * hd + h * D, dv_j, D);
        switch (p.scoring) {
          case Scoring::DotProduct:
            axpy(p.scale * ds, q + int64_t{i} * hd + h * D, dk_j, D);
            break;
          case Scoring::Additive:
            dk_j[0] += ds;
            break;
          case Scoring::GatV2: {
            const float* a = p.score_weight + h * D;
            const float* qi = q + int64_t{i} * hd + h * D;
            const float* kj = k + int64_t{j} * hd + h * D;
            for (int d = 0; d < D; ++d)
              dk_j[d] += ds * a[d] * leaky_relu_grad(qi[d] + kj[d], p.slope);
            break;
          }
        }
      }
    }
  }
}

}  // namespace attn::attention_detail
