// Sparse (graph) attention: query row i attends to the key rows listed in its CSR row.
// O(E * H * D) with plain loops; rows are split over threads, each row has one writer.
// Backward gathers dk, dv per key row through the transposed graph kept in the cache.
#include <algorithm>
#include <stdexcept>
#include <vector>

#include <omp.h>

#include "attn/context.h"
#include "attn/layers/dropout.h"
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
  const bool dropout = p.dropout > 0.0f;
  float* probs = nullptr;
  float* keep = nullptr;
  if (cache) {
    cache->probs.resize(g.nnz() * H);
    probs = cache->probs.data();
    if (dropout) {
      cache->keep.resize(g.nnz() * H);
      keep = cache->keep.data();
    } else {
      cache->keep.clear();
    }
    build_by_key(g, T, *cache);
  }
  // A row's edges and heads are one (deg, H) block, heads innermost: the entries of edges
  // e0 .. e1-1 are contiguous in probs and keep (E, H), and the loops over h vectorise.
#pragma omp parallel for schedule(static) if (p.parallel)
  for (int i = 0; i < T; ++i) {
    const int64_t e0 = g.row_ptr[i];
    const int deg = static_cast<int>(g.row_ptr[i + 1] - e0);
    float* o = out + int64_t{i} * hd;
    std::fill(o, o + hd, 0.0f);
    if (deg == 0) continue;  // no visible key: output 0
    const int64_t n = int64_t{deg} * H;
    // scores | keep scales | max | 1 / sum | weights
    float* scratch = thread_scratch(3 * n + 2 * H);
    float* s = probs ? probs + e0 * H : scratch;     // s: (deg, H), then probabilities
    float* kept = keep ? keep + e0 * H : scratch + n;
    float* mx = scratch + 2 * n;
    float* inv = mx + H;
    for (int t = 0; t < deg; ++t) {
      const int j = g.col[e0 + t];
      float* st = s + int64_t{t} * H;
      switch (p.scoring) {
        case Scoring::DotProduct:
          for (int h = 0; h < H; ++h)
            st[h] = p.scale * dot(q + int64_t{i} * hd + h * D, k + int64_t{j} * hd + h * D, D);
          break;
        case Scoring::Additive: {
          const float* __restrict qi = q + int64_t{i} * H;
          const float* __restrict kj = k + int64_t{j} * H;
          const float slope = p.slope;
          for (int h = 0; h < H; ++h) st[h] = leaky_relu(qi[h] + kj[h], slope);
          break;
        }
        case Scoring::GatV2:
          for (int h = 0; h < H; ++h)
            st[h] = gatv2_score(p.score_weight + h * D, q + int64_t{i} * hd + h * D,
                                k + int64_t{j} * hd + h * D, D, p.slope);
          break;
      }
    }
    // softmax over the row's edges, per head
    std::copy(s, s + H, mx);
    for (int t = 1; t < deg; ++t)
      for (int h = 0; h < H; ++h) mx[h] = s[int64_t{t} * H + h] > mx[h] ? s[int64_t{t} * H + h] : mx[h];
    for (int t = 0; t < deg; ++t)
      for (int h = 0; h < H; ++h) s[int64_t{t} * H + h] -= mx[h];
    exp_shift_sum(s, static_cast<int>(n), 0.0f);  // s = e^(s - max) in place
    std::fill(inv, inv + H, 0.0f);
    for (int t = 0; t < deg; ++t)
      for (int h = 0; h < H; ++h) inv[h] += s[int64_t{t} * H + h];
    for (int h = 0; h < H; ++h) inv[h] = 1.0f / inv[h];
    for (int t = 0; t < deg; ++t)
      for (int h = 0; h < H; ++h) s[int64_t{t} * H + h] *= inv[h];
    // out_i = sum_e keep_e p_e v_j (keep_e: attention dropout, the mask of entry e * H + h)
    if (dropout)
      dropout_scales(p.dropout_seed, p.dropout_stream, p.dropout, static_cast<uint64_t>(e0 * H), n,
                     kept);
    const float* w = s;  // the weights keep_e p_e
    if (dropout) {
      float* wd = inv + H;
      for (int64_t t = 0; t < n; ++t) wd[t] = s[t] * kept[t];
      w = wd;
    }
    for (int t = 0; t < deg; ++t)
      axpy_heads(H, D, w + int64_t{t} * H, v + int64_t{g.col[e0 + t]} * hd, o);
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
  const bool dropout = p.dropout > 0.0f;
  if (dropout && cache.keep.size() != cache.probs.size())
    throw std::logic_error("attention_backward: the cache holds no dropout mask");
  const float* keep = cache.keep.data();
  thread_local std::vector<float> dscore_store;  // dscore: (E, H), grows only
  if (dscore_store.size() < cache.probs.size()) dscore_store.resize(cache.probs.size());
  float* dscore = dscore_store.data();
  const bool gatv2 = p.scoring == Scoring::GatV2;
  // GatV2: one (H, D) partial da per thread, summed in thread order (a fixed order).
  const int teams = p.parallel ? threads() : 1;
  std::vector<float> da_partial(gatv2 ? static_cast<size_t>(teams) * hd : 0, 0.0f);

  // Phase 1, per query row: dscore and dq. Heads innermost, as in forward.
#pragma omp parallel num_threads(teams) if (p.parallel)
  {
    float* da = gatv2 ? da_partial.data() + static_cast<size_t>(omp_get_thread_num()) * hd
                      : nullptr;
#pragma omp for schedule(static)
    for (int i = 0; i < T; ++i) {
      const int64_t e0 = g.row_ptr[i];
      const int deg = static_cast<int>(g.row_ptr[i + 1] - e0);
      const float* pr = probs + e0 * H;   // (deg, H)
      const float* kr = keep + e0 * H;    // (deg, H) with dropout
      float* ds = dscore + e0 * H;        // (deg, H)
      const float* dout_i = dout + int64_t{i} * hd;
      float* row_dot = thread_scratch(H);  // (H)
      std::fill(row_dot, row_dot + H, 0.0f);
      for (int t = 0; t < deg; ++t) {  // dp_e (differentiates out_i = sum_e keep p_e v_j)
        const float* vj = v + int64_t{g.col[e0 + t]} * hd;
        float* dst = ds + int64_t{t} * H;
        dot_heads(H, D, dout_i, vj, dst);
        if (dropout)
          for (int h = 0; h < H; ++h) dst[h] *= kr[int64_t{t} * H + h];
        for (int h = 0; h < H; ++h) row_dot[h] += pr[int64_t{t} * H + h] * dst[h];
      }
      for (int t = 0; t < deg; ++t)  // softmax backward
        for (int h = 0; h < H; ++h)
          ds[int64_t{t} * H + h] = pr[int64_t{t} * H + h] * (ds[int64_t{t} * H + h] - row_dot[h]);
      switch (p.scoring) {
        case Scoring::DotProduct: {  // differentiates s_e = scale * q_i . k_j
          float* dq_i = dq + int64_t{i} * hd;
          std::fill(dq_i, dq_i + hd, 0.0f);
          for (int t = 0; t < deg; ++t) {
            const float* kj = k + int64_t{g.col[e0 + t]} * hd;
            for (int h = 0; h < H; ++h)
              axpy(p.scale * ds[int64_t{t} * H + h], kj + h * D, dq_i + h * D, D);
          }
          break;
        }
        case Scoring::Additive: {  // differentiates s_e = leaky_relu(q_i + k_j)
          const float* qi = q + int64_t{i} * H;
          float* dq_i = dq + int64_t{i} * H;
          std::fill(dq_i, dq_i + H, 0.0f);
          for (int t = 0; t < deg; ++t) {
            const float* kj = k + int64_t{g.col[e0 + t]} * H;
            float* dst = ds + int64_t{t} * H;
            for (int h = 0; h < H; ++h) {
              dst[h] *= leaky_relu_grad(qi[h] + kj[h], p.slope);
              dq_i[h] += dst[h];
            }
          }
          break;
        }
        case Scoring::GatV2: {  // differentiates s_e = a_h . leaky_relu(q_i + k_j)
          const float* qi = q + int64_t{i} * hd;
          float* dq_i = dq + int64_t{i} * hd;
          std::fill(dq_i, dq_i + hd, 0.0f);
          for (int t = 0; t < deg; ++t) {
            const float* kj = k + int64_t{g.col[e0 + t]} * hd;
            for (int h = 0; h < H; ++h) {
              const float d_s = ds[int64_t{t} * H + h];
              const float* a = p.score_weight + h * D;
              for (int d = 0; d < D; ++d) {
                const float z = qi[h * D + d] + kj[h * D + d];
                dq_i[h * D + d] += d_s * a[d] * leaky_relu_grad(z, p.slope);
                da[h * D + d] += d_s * leaky_relu(z, p.slope);
              }
            }
          }
          break;
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
  const int k_row = p.qk_width();
#pragma omp parallel for schedule(static) if (p.parallel)
  for (int j = 0; j < T; ++j) {
    const int64_t b0 = cache.by_key_ptr[j], b1 = cache.by_key_ptr[j + 1];
    float* w = thread_scratch(H);  // (H) keep p of one edge
    float* dv_j = dv + int64_t{j} * hd;
    std::fill(dv_j, dv_j + hd, 0.0f);
    float* dk_j = dk + int64_t{j} * k_row;
    std::fill(dk_j, dk_j + k_row, 0.0f);
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t e = cache.by_key_edge[b];
      const int i = cache.by_key_query[b];
      const float* pe = probs + e * H;
      const float* de = dscore + e * H;
      const float* dout_i = dout + int64_t{i} * hd;
      if (dropout) {
        for (int h = 0; h < H; ++h) w[h] = keep[e * H + h] * pe[h];
        axpy_heads(H, D, w, dout_i, dv_j);
      } else {
        axpy_heads(H, D, pe, dout_i, dv_j);
      }
      switch (p.scoring) {
        case Scoring::DotProduct: {
          const float* qi = q + int64_t{i} * hd;
          for (int h = 0; h < H; ++h) axpy(p.scale * de[h], qi + h * D, dk_j + h * D, D);
          break;
        }
        case Scoring::Additive:
          for (int h = 0; h < H; ++h) dk_j[h] += de[h];
          break;
        case Scoring::GatV2: {
          const float* qi = q + int64_t{i} * hd;
          const float* kj = k + int64_t{j} * hd;
          for (int h = 0; h < H; ++h) {
            const float* a = p.score_weight + h * D;
            for (int d = 0; d < D; ++d)
              dk_j[h * D + d] += de[h] * a[d] * leaky_relu_grad(qi[h * D + d] + kj[h * D + d], p.slope);
          }
          break;
        }
      }
    }
  }
}

}  // namespace attn::attention_detail
