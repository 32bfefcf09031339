#include "attn/layers/multihead_attention.h"

#include <algorithm>
#include <stdexcept>

#include "scratch.h"

namespace attn {

MultiHeadAttention::MultiHeadAttention(const std::string& name,
                                       const MultiHeadAttentionConfig& config)
    : q_proj(name + ".q", config.dim, config.dim),
      k_proj(name + ".k", config.dim, config.dim),
      v_proj(name + ".v", config.dim, config.dim),
      out_proj(name + ".out", config.dim, config.dim),
      score_scale(name + ".score_scale", {config.learned_scale ? config.heads : 0}, false),
      drop(name + ".drop", config.dropout),
      config_(config) {
  if (config.heads <= 0 || config.dim % config.heads != 0)
    throw std::invalid_argument("MultiHeadAttention " + name + ": heads must divide dim");
  if (config.mask == MaskKind::Sparse)
    throw std::invalid_argument("MultiHeadAttention " + name + ": sparse masks are for graphs");
  if (config.mask == MaskKind::Window && config.window < 0)
    throw std::invalid_argument("MultiHeadAttention " + name + ": window must be >= 0");
}

AttentionSpec MultiHeadAttention::spec() const {
  AttentionSpec s;
  s.heads = config_.heads;
  s.head_dim = config_.dim / config_.heads;
  s.scoring = Scoring::DotProduct;
  s.mask = config_.mask;
  s.window = config_.window;
  s.exclude_self = config_.exclude_self;
  return s;  // scale 0: 1/sqrt(D)
}

void MultiHeadAttention::init(Rng& rng) {
  q_proj.init(rng);
  k_proj.init(rng);
  v_proj.init(rng);
  out_proj.init(rng);
  if (config_.learned_scale) score_scale.value.fill(1.0f);  // starts as plain 1/sqrt(D)
}

void MultiHeadAttention::scale_queries(int T, const float* q, float* out) const {
  const int C = config_.dim, D = C / config_.heads;
  const float* g = score_scale.value.data();
  for (int64_t t = 0; t < T; ++t)
    for (int h = 0; h < config_.heads; ++h)
      for (int d = 0; d < D; ++d) out[t * C + h * D + d] = q[t * C + h * D + d] * g[h];
}

void MultiHeadAttention::forward(const Segments& segs, const float* x, float* y, Cache* cache,
                                 const RunContext& ctx, const float* residual) const {
  const int T = segs.total();
  const size_t n = static_cast<size_t>(T) * config_.dim;
  const AttentionSpec s = spec();
  float *q, *k, *v, *context;  // (T, C) each
  static thread_local std::vector<float> scratch;
  if (cache) {
    cache->q.resize(n);
    cache->q_raw.resize(config_.learned_scale ? n : 0);
    cache->k.resize(n);
    cache->v.resize(n);
    cache->context.resize(n);
    cache->ctx = ctx;
    q = cache->q.data();
    k = cache->k.data();
    v = cache->v.data();
    context = cache->context.data();
  } else {
    float* base = detail::grow(scratch, 4 * n);
    q = base, k = base + n, v = base + 2 * n, context = base + 3 * n;
  }
  if (config_.learned_scale) {
    float* raw = cache ? cache->q_raw.data() : q;
    q_proj.forward(T, x, raw);  // q_raw = x Wq^T + bq
    scale_queries(T, raw, q);   // q = q_raw * g_head
  } else {
    q_proj.forward(T, x, q);  // q = x Wq^T + bq
  }
  k_proj.forward(T, x, k);  // k = x Wk^T + bk
  v_proj.forward(T, x, v);  // v = x Wv^T + bv
  attention_forward(s, segs, q, k, v, context, cache ? &cache->attention : nullptr);
  drop.forward(static_cast<int64_t>(n), context, context, ctx);  // context = dropout(context)
  out_proj.forward(T, context, y, residual);  // y = [residual +] context Wo^T + bo
}

void MultiHeadAttention::backward(const Segments& segs, const float* x, const float* dy, float* dx,
                                  const Cache& cache, bool accumulate_dx) {
  const int T = segs.total();
  const size_t n = static_cast<size_t>(T) * config_.dim;
  static thread_local std::vector<float> scratch;
  float* base = detail::grow(scratch, 4 * n);
  float *dcontext = base, *dq = base + n, *dk = base + 2 * n, *dv = base + 3 * n;
  out_proj.backward(T, cache.context.data(), dy, dcontext);  // from y = context Wo^T + bo
  drop.backward(static_cast<int64_t>(n), dcontext, dcontext, cache.ctx);  // from dropout
  attention_backward(spec(), segs, cache.q.data(), cache.k.data(), cache.v.data(), cache.attention,
                     dcontext, dq, dk, dv);  // from context = attention(q, k, v)
  if (config_.learned_scale) {  // from q = q_raw * g_head: dg_h = sum dq * q_raw, dq_raw = dq * g_h
    const int C = config_.dim, D = C / config_.heads;
    float* dg = score_scale.ensure_grad().data();
    const float* raw = cache.q_raw.data();
    for (int h = 0; h < config_.heads; ++h) {
      double sum = 0.0;
      for (int64_t t = 0; t < T; ++t)
        for (int d = 0; d < D; ++d) sum += double(dq[t * C + h * D + d]) * raw[t * C + h * D + d];
      dg[h] += static_cast<float>(sum);
    }
    scale_queries(T, dq, dq);
  }
  // x feeds all three projections: dx is the sum of their input gradients. dy is read
  // only by out_proj above, so dx may alias it.
  q_proj.backward(T, x, dq, dx, accumulate_dx);  // from q = x Wq^T + bq
  k_proj.backward(T, x, dk, dx, true);           // from k = x Wk^T + bk
  v_proj.backward(T, x, dv, dx, true);           // from v = x Wv^T + bv
}

void MultiHeadAttention::collect(ParameterList& params) {
  q_proj.collect(params);
  k_proj.collect(params);
  v_proj.collect(params);
  out_proj.collect(params);
  if (config_.learned_scale) params.push_back(&score_scale);
}

void MultiHeadAttention::attention_row(const Segments& segs, const Cache& cache, int head,
                                       int query, std::vector<std::pair<int, float>>& out) const {
  const AttentionSpec s = spec();
  if (head >= 0) {
    attn::attention_row(s, segs, cache.attention, head, query, out);
    return;
  }
  // Mean over heads. Every head of a dense mask sees the same keys in the same order.
  std::vector<std::pair<int, float>> row;
  out.clear();
  for (int h = 0; h < s.heads; ++h) {
    attn::attention_row(s, segs, cache.attention, h, query, row);
    if (h == 0) {
      out = row;
      continue;
    }
    if (row.size() != out.size()) throw std::logic_error("heads disagree on the attended keys");
    for (size_t i = 0; i < row.size(); ++i) {
      if (row[i].first != out[i].first) throw std::logic_error("heads disagree on key order");
      out[i].second += row[i].second;
    }
  }
  const float inv = 1.0f / static_cast<float>(s.heads);
  for (auto& entry : out) entry.second *= inv;
}

}  // namespace attn
