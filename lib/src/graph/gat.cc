#include "attn/graph/gat.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "attn/blas.h"
#include "attn/error.h"
#include "attn/ops.h"

namespace attn::graph {

const char* gat_score_name(GatScore s) {
  switch (s) {
    case GatScore::Additive: return "additive";
    case GatScore::GatV2: return "gatv2";
    case GatScore::Dot: return "dot";
  }
  return "?";
}

GatScore parse_gat_score(const std::string& s) {
  if (s == "additive") return GatScore::Additive;
  if (s == "gatv2") return GatScore::GatV2;
  if (s == "dot") return GatScore::Dot;
  throw Error("unknown attention score '" + s + "' (expected additive, gatv2 or dot)");
}

GatInput GatInput::of(const NodeFeatures& f) {
  GatInput x;
  if (f.kind == NodeFeatures::Kind::Sparse)
    x.sparse = &f;
  else
    x.dense = f.dense.data();
  return x;
}

namespace {

// y += a * x over one short row (a plain loop the compiler vectorises; ops::axpy would open
// an OpenMP region per call).
inline void row_axpy(int n, float a, const float* __restrict x, float* __restrict y) {
  for (int i = 0; i < n; ++i) y[i] += a * x[i];
}

}  // namespace

void project_rows(const GatInput& x, const float* sparse_values, const float* W, int M, float* y) {
  if (!x.sparse) throw std::logic_error("project_rows: dense input goes through project_dense");
  const NodeFeatures& f = *x.sparse;
  // y_i = sum_k value_k W[index_k, :]: O(nnz * M), the zeros cost nothing
#pragma omp parallel for schedule(static) if (f.nnz() * M > (1 << 16))
  for (int i = 0; i < f.rows; ++i) {
    float* yi = y + int64_t{i} * M;
    std::fill(yi, yi + M, 0.0f);
    for (int64_t e = f.row_ptr[i]; e < f.row_ptr[i + 1]; ++e)
      row_axpy(M, sparse_values[e], W + int64_t{f.index[e]} * M, yi);
  }
}

void project_rows_backward(const GatInput& x, const float* sparse_values, const float* dy, int M,
                           float* dW) {
  const NodeFeatures& f = *x.sparse;
  // from y_i = sum_k value_k W[index_k, :]:  dW[index_k, :] += value_k dy_i (rows in order)
  for (int i = 0; i < f.rows; ++i)
    for (int64_t e = f.row_ptr[i]; e < f.row_ptr[i + 1]; ++e)
      row_axpy(M, sparse_values[e], dy + int64_t{i} * M, dW + int64_t{f.index[e]} * M);
}

namespace {

// y = x' W for either input form; x' is the dropped input (dense rows or sparse values).
void project(const GatInput& x, const float* xin, int N, int F, const float* W, int M, float* y) {
  if (x.sparse)
    project_rows(x, xin, W, M, y);
  else
    gemm(Trans::No, Trans::No, N, M, F, 1.0f, xin, F, W, M, 0.0f, y, M);
}

// dW += x'^T dy and, for dense input, dx' (+)= dy W^T.
void project_backward(const GatInput& x, const float* xin, int N, int F, const float* W, int M,
                      const float* dy, float* dW, float* dx, bool accumulate) {
  if (x.sparse) {
    project_rows_backward(x, xin, dy, M, dW);
    return;
  }
  gemm(Trans::Yes, Trans::No, F, M, N, 1.0f, xin, F, dy, M, 1.0f, dW, M);
  if (dx) gemm(Trans::No, Trans::Yes, N, F, M, 1.0f, dy, M, W, M, accumulate ? 1.0f : 0.0f, dx, F);
}

// Per-head inputs (head_dropout): head h projects its own copy x'_h with its columns of W.
//   dense xh: (H, N, F), copy h at h*N*F;  sparse xh: (nnz, H) values, head h of entry e at e*H+h
// y[:, h*D .. h*D+D) = x'_h W[:, h*D .. h*D+D)   W: (F, H*D)  y: (N, H*D), overwritten.
void project_heads(const GatInput& x, const float* xh, int N, int F, const float* W, int H, int D,
                   float* y) {
  const int HD = H * D;
  if (x.sparse) {
    const NodeFeatures& f = *x.sparse;
#pragma omp parallel for schedule(static) if (f.nnz() * HD > (1 << 16))
    for (int i = 0; i < N; ++i) {
      float* yi = y + int64_t{i} * HD;
      std::fill(yi, yi + HD, 0.0f);
      for (int64_t e = f.row_ptr[i]; e < f.row_ptr[i + 1]; ++e) {
        const float* w = W + int64_t{f.index[e]} * HD;
        for (int h = 0; h < H; ++h) row_axpy(D, xh[e * H + h], w + h * D, yi + h * D);
      }
    }
    return;
  }
  for (int h = 0; h < H; ++h)
    gemm(Trans::No, Trans::No, N, D, F, 1.0f, xh + int64_t{h} * N * F, F, W + h * D, HD, 0.0f,
         y + h * D, HD);
}

// From project_heads: dW += x'_h^T dy per head; dense input: dxh (H, N, F) = dy_h W_h^T.
void project_heads_backward(const GatInput& x, const float* xh, int N, int F, const float* W,
                            int H, int D, const float* dy, float* dW, float* dxh) {
  const int HD = H * D;
  if (x.sparse) {
    const NodeFeatures& f = *x.sparse;
    for (int i = 0; i < N; ++i)  // rows in order: a fixed summation order
      for (int64_t e = f.row_ptr[i]; e < f.row_ptr[i + 1]; ++e) {
        float* dw = dW + int64_t{f.index[e]} * HD;
        for (int h = 0; h < H; ++h)
          row_axpy(D, xh[e * H + h], dy + int64_t{i} * HD + h * D, dw + h * D);
      }
    return;
  }
  for (int h = 0; h < H; ++h) {
    const float* xk = xh + int64_t{h} * N * F;
    gemm(Trans::Yes, Trans::No, F, D, N, 1.0f, xk, F, dy + h * D, HD, 1.0f, dW + h * D, HD);
    if (dxh)
      gemm(Trans::No, Trans::Yes, N, F, D, 1.0f, dy + h * D, HD, W + h * D, HD, 1.0f,
           dxh + int64_t{h} * N * F, F);
  }
}

// s_ih = sum_d wh[i, h*D + d] a[h, d]   wh: (N, H*D)  s: (N, H)
void head_dots(int N, int H, int D, const float* wh, const float* a, float* s) {
#pragma omp parallel for schedule(static) if (int64_t{N} * H * D > (1 << 16))
  for (int i = 0; i < N; ++i)
    for (int h = 0; h < H; ++h) {
      const float* w = wh + (int64_t{i} * H + h) * D;
      float acc = 0.0f;
      for (int d = 0; d < D; ++d) acc += w[d] * a[h * D + d];
      s[int64_t{i} * H + h] = acc;
    }
}

void glorot(Parameter& p, int fan_in, int fan_out, Rng& rng) {
  const float bound = std::sqrt(6.0f / static_cast<float>(fan_in + fan_out));
  for (float& w : p.value.storage()) w = rng.uniform(-bound, bound);
}

}  // namespace

GatLayer::GatLayer(const std::string& name, const GatLayerConfig& c)
    : config_(c),
      feature_drop_(name + ".feature_dropout", c.feature_dropout),
      value_drop_(name + ".value_dropout", c.value_dropout),
      residual_drop_(name + ".residual_dropout", c.head_dropout ? c.feature_dropout : 0.0f) {
  if (c.in <= 0 || c.heads <= 0 || c.head_dim <= 0)
    throw std::invalid_argument("GatLayer " + name + ": sizes must be > 0");
  if (!(c.attention_dropout >= 0.0f && c.attention_dropout < 1.0f))
    throw std::invalid_argument("GatLayer " + name + ": attention dropout must be in [0, 1)");
  const int HD = c.heads * c.head_dim, out = c.out_width();
  weight = Parameter(name + ".weight", {c.in, HD});
  if (c.score == GatScore::GatV2) {
    weight_dst = Parameter(name + ".weight_dst", {c.in, HD});
    att = Parameter(name + ".att", {c.heads, c.head_dim});
  } else if (c.score == GatScore::Additive) {
    att_src = Parameter(name + ".att_src", {c.heads, c.head_dim});
    att_dst = Parameter(name + ".att_dst", {c.heads, c.head_dim});
  }
  bias = Parameter(name + ".bias", {out}, /*decay=*/false);
  identity_residual_ = c.residual && c.in == out;
  if (c.residual && !identity_residual_)
    residual_weight = Parameter(name + ".residual.weight", {c.in, out});
  attention_stream_ = dropout_stream_id(name + ".attention_dropout");
}

void GatLayer::init(Rng& rng) {
  const GatLayerConfig& c = config_;
  const int HD = c.heads * c.head_dim;
  glorot(weight, c.in, HD, rng);
  if (c.score == GatScore::GatV2) {
    glorot(weight_dst, c.in, HD, rng);
    glorot(att, c.head_dim, 1, rng);
  } else if (c.score == GatScore::Additive) {
    glorot(att_src, c.head_dim, 1, rng);
    glorot(att_dst, c.head_dim, 1, rng);
  }
  bias.value.zero();
  if (projected_residual()) glorot(residual_weight, c.in, c.out_width(), rng);
}

AttentionSpec GatLayer::spec(const CsrGraph& g, const RunContext& ctx) const {
  AttentionSpec s;
  s.heads = config_.heads;
  s.head_dim = config_.head_dim;
  s.mask = MaskKind::Sparse;
  s.graph = &g;
  s.negative_slope = config_.negative_slope;
  switch (config_.score) {
    case GatScore::Additive: s.scoring = Scoring::Additive; break;
    case GatScore::GatV2:
      s.scoring = Scoring::GatV2;
      s.score_weight = att.value.data();
      break;
    case GatScore::Dot: s.scoring = Scoring::DotProduct; break;
  }
  if (ctx.training && config_.attention_dropout > 0.0f) {
    s.dropout = config_.attention_dropout;
    s.dropout_seed = ctx.seed;
    s.dropout_stream = attention_stream_;
  }
  return s;
}

void GatLayer::forward(const GatInput& x, const CsrGraph& g, float* y, GatCache& cache,
                       const RunContext& ctx, bool store) const {
  const GatLayerConfig& c = config_;
  const int N = g.rows(), F = c.in, H = c.heads, D = c.head_dim, HD = H * D;
  const int out = c.out_width();
  if (x.sparse && (x.sparse->rows != N || x.sparse->dim != F))
    throw std::invalid_argument("GatLayer: sparse input does not match the graph or layer");
  // x' = dropout(x): a copy only when dropout is active (inference reads x itself)
  const float* xin = x.sparse ? x.sparse->value.data() : x.dense;
  const int64_t n_in = x.sparse ? x.sparse->nnz() : int64_t{N} * F;
  const bool per_head = head_copies(ctx);
  if (per_head) {  // x'_h = dropout_h(x), one copy per head; the residual reads its own x'
    cache.x_heads.resize(n_in * H);
    float* xh = cache.x_heads.data();
    for (int64_t t = 0; t < n_in; ++t)  // sparse (nnz, H), dense (H, N, F)
      for (int h = 0; h < H; ++h) xh[x.sparse ? t * H + h : h * n_in + t] = xin[t];
    feature_drop_.forward(n_in * H, xh, xh, ctx);
  } else {
    cache.x_heads.clear();
  }
  const Dropout& input_drop = per_head ? residual_drop_ : feature_drop_;
  if (input_drop.active(ctx) && (!per_head || c.residual)) {
    cache.x_drop.resize(n_in);
    input_drop.forward(n_in, xin, cache.x_drop.data(), ctx);
    xin = cache.x_drop.data();
  } else {
    cache.x_drop.clear();
  }
  // Wh = x' W   (N, H*D)
  cache.wh.resize(int64_t{N} * HD);
  if (per_head)
    project_heads(x, cache.x_heads.data(), N, F, weight.value.data(), H, D, cache.wh.data());
  else
    project(x, xin, N, F, weight.value.data(), HD, cache.wh.data());
  const float *q = cache.wh.data(), *k = cache.wh.data();  // Dot: q = k = v = Wh
  if (c.score == GatScore::Additive) {  // q_i = a_dst . Wh_i, k_j = a_src . Wh_j   (N, H)
    cache.q.resize(int64_t{N} * H);
    cache.k.resize(int64_t{N} * H);
    head_dots(N, H, D, cache.wh.data(), att_dst.value.data(), cache.q.data());
    head_dots(N, H, D, cache.wh.data(), att_src.value.data(), cache.k.data());
    q = cache.q.data();
    k = cache.k.data();
  } else if (c.score == GatScore::GatV2) {  // q_i = Wd x'_i, k_j = v_j = W x'_j
    cache.wh_dst.resize(int64_t{N} * HD);
    if (per_head)
      project_heads(x, cache.x_heads.data(), N, F, weight_dst.value.data(), H, D,
                    cache.wh_dst.data());
    else
      project(x, xin, N, F, weight_dst.value.data(), HD, cache.wh_dst.data());
    q = cache.wh_dst.data();
  }
  // v = dropout(Wh), then o = sum_j p_ij v_j   (N, H*D)
  const float* v = cache.wh.data();
  if (value_drop_.active(ctx)) {
    cache.v.resize(int64_t{N} * HD);
    value_drop_.forward(int64_t{N} * HD, cache.wh.data(), cache.v.data(), ctx);
    v = cache.v.data();
  }
  // The heads go straight into y when y holds them as they are (concat, or a single head):
  // no (N, H*D) buffer of fresh pages, which on a large graph cost as much as the gathers.
  const bool heads_in_y = c.concat || H == 1;
  if (!heads_in_y) cache.att.resize(int64_t{N} * HD);
  float* o_all = heads_in_y ? y : cache.att.data();
  const AttentionSpec s = spec(g, ctx);
  attention_forward(s, Segments::single(N), q, k, v, o_all, store ? &cache.attention : nullptr);
  cache.stored = store;
  // y = concat or mean over heads, + bias
  const float* b = bias.value.data();
#pragma omp parallel for schedule(static) if (int64_t{N} * HD > (1 << 16))
  for (int i = 0; i < N; ++i) {
    float* yi = y + int64_t{i} * out;
    if (heads_in_y) {
      for (int t = 0; t < HD; ++t) yi[t] += b[t];
    } else {
      const float* o = o_all + int64_t{i} * HD;
      for (int d = 0; d < D; ++d) {
        float acc = 0.0f;
        for (int h = 0; h < H; ++h) acc += o[h * D + d];
        yi[d] = acc / static_cast<float>(H) + b[d];
      }
    }
  }
  // + residual: x' itself, or x' W_res
  if (identity_residual_) {
    if (x.sparse) {
      const NodeFeatures& f = *x.sparse;
      for (int i = 0; i < N; ++i)
        for (int64_t e = f.row_ptr[i]; e < f.row_ptr[i + 1]; ++e)
          y[int64_t{i} * out + f.index[e]] += xin[e];
    } else {
      ops::add_to(int64_t{N} * out, xin, y);
    }
  } else if (c.residual) {
    cache.res.resize(int64_t{N} * out);
    project(x, xin, N, F, residual_weight.value.data(), out, cache.res.data());
    ops::add_to(int64_t{N} * out, cache.res.data(), y);
  }
  // ELU: y = z > 0 ? z : exp(z) - 1
  if (c.elu) ops::elu_forward(int64_t{N} * out, y, y);
}

void GatLayer::backward(const GatInput& x, const CsrGraph& g, const float* y, const float* dy,
                        GatCache& cache, float* dx, const RunContext& ctx) {
  const GatLayerConfig& c = config_;
  if (!cache.stored) throw std::logic_error("GatLayer::backward: forward ran without store");
  const int N = g.rows(), F = c.in, H = c.heads, D = c.head_dim, HD = H * D;
  const int out = c.out_width();
  const int64_t n_out = int64_t{N} * out;
  const bool dense_dx = dx && !x.sparse;
  ParameterList params;
  collect(params);
  for (Parameter* p : params) p->ensure_grad();  // gradients are allocated by the first backward
  const float* xin = !cache.x_drop.empty() ? cache.x_drop.data()
                                            : (x.sparse ? x.sparse->value.data() : x.dense);
  const bool per_head = head_copies(ctx);
  if (per_head && dense_dx) cache.dx_heads.assign(int64_t{N} * F * H, 0.0f);
  float* dxh = per_head && dense_dx ? cache.dx_heads.data() : nullptr;
  // dz: from y = elu(z), elu'(z) = 1 for z > 0, else exp(z) = y + 1
  cache.dz.resize(n_out);
  float* dz = cache.dz.data();
  if (c.elu)
    ops::elu_backward(n_out, y, dy, dz);
  else
    std::copy(dy, dy + n_out, dz);
  // dx' starts with the residual's share
  if (dense_dx) {
    cache.dx_drop.assign(int64_t{N} * F, 0.0f);
    if (identity_residual_) std::copy(dz, dz + n_out, cache.dx_drop.begin());  // from y += x'
  }
  if (projected_residual())  // from y += x' W_res
    project_backward(x, xin, N, F, residual_weight.value.data(), out, dz,
                     residual_weight.grad.data(), dense_dx ? cache.dx_drop.data() : nullptr,
                     /*accumulate=*/true);
  // from y = bias + heads: dbias = column sums, datt = dz (concat) or dz / H (mean)
  ops::add_column_sums(N, out, dz, bias.grad.data());
  cache.datt.resize(int64_t{N} * HD);
  float* datt = cache.datt.data();
  if (c.concat) {
    std::copy(dz, dz + n_out, datt);
  } else {
    const float inv = 1.0f / static_cast<float>(H);
    for (int i = 0; i < N; ++i)
      for (int h = 0; h < H; ++h)
        for (int d = 0; d < D; ++d)
          datt[int64_t{i} * HD + h * D + d] = dz[int64_t{i} * D + d] * inv;
  }
  // attention backward (o = sum_j p_ij v_j)
  const int qk = c.score == GatScore::Additive ? H : HD;
  cache.dq.resize(int64_t{N} * qk);
  cache.dk.resize(int64_t{N} * qk);
  cache.dv.resize(int64_t{N} * HD);
  const AttentionSpec s = spec(g, ctx);
  const float* q = c.score == GatScore::Additive ? cache.q.data()
                   : c.score == GatScore::GatV2  ? cache.wh_dst.data()
                                                 : cache.wh.data();
  const float* k = c.score == GatScore::Additive ? cache.k.data() : cache.wh.data();
  std::vector<float> datt_vec(c.score == GatScore::GatV2 ? HD : 0);
  const bool value_dropout = value_drop_.active(ctx);
  attention_backward(s, Segments::single(N), q, k, value_dropout ? cache.v.data() : cache.wh.data(),
                     cache.attention, datt, cache.dq.data(), cache.dk.data(), cache.dv.data(),
                     datt_vec.empty() ? nullptr : datt_vec.data());
  // dWh: the values' gradient (from v = dropout(Wh)) plus the score's
  cache.dwh.resize(int64_t{N} * HD);
  value_drop_.backward(int64_t{N} * HD, cache.dv.data(), cache.dwh.data(), ctx);
  float* dwh = cache.dwh.data();
  const int64_t n_hd = int64_t{N} * HD;
  switch (c.score) {
    case GatScore::Additive: {  // from q_ih = a_dst,h . Wh_ih and k_jh = a_src,h . Wh_jh
      const float *adst = att_dst.value.data(), *asrc = att_src.value.data();
      float *gdst = att_dst.grad.data(), *gsrc = att_src.grad.data();
      for (int i = 0; i < N; ++i)
        for (int h = 0; h < H; ++h) {
          const float dq = cache.dq[int64_t{i} * H + h], dk = cache.dk[int64_t{i} * H + h];
          const float* w = cache.wh.data() + int64_t{i} * HD + h * D;
          float* dw = dwh + int64_t{i} * HD + h * D;
          for (int d = 0; d < D; ++d) {
            dw[d] += dq * adst[h * D + d] + dk * asrc[h * D + d];
            gdst[h * D + d] += dq * w[d];
            gsrc[h * D + d] += dk * w[d];
          }
        }
      break;
    }
    case GatScore::Dot:  // from q = k = v = Wh
      ops::add_to(n_hd, cache.dq.data(), dwh);
      ops::add_to(n_hd, cache.dk.data(), dwh);
      break;
    case GatScore::GatV2:  // from k = v = W x', q = Wd x', and the score vector a
      ops::add_to(n_hd, cache.dk.data(), dwh);
      ops::add_to(HD, datt_vec.data(), att.grad.data());
      if (per_head)
        project_heads_backward(x, cache.x_heads.data(), N, F, weight_dst.value.data(), H, D,
                               cache.dq.data(), weight_dst.grad.data(), dxh);
      else
        project_backward(x, xin, N, F, weight_dst.value.data(), HD, cache.dq.data(),
                         weight_dst.grad.data(), dense_dx ? cache.dx_drop.data() : nullptr, true);
      break;
  }
  // from Wh = x' W
  if (per_head)
    project_heads_backward(x, cache.x_heads.data(), N, F, weight.value.data(), H, D, dwh,
                           weight.grad.data(), dxh);
  else
    project_backward(x, xin, N, F, weight.value.data(), HD, dwh, weight.grad.data(),
                     dense_dx ? cache.dx_drop.data() : nullptr, true);
  if (!dense_dx) return;
  // from x' = dropout(x) (the residual's, with per-head copies)
  const Dropout& input_drop = per_head ? residual_drop_ : feature_drop_;
  const int64_t n_in = int64_t{N} * F;
  input_drop.backward(n_in, cache.dx_drop.data(), dx, ctx);
  if (per_head) {  // from x'_h = dropout_h(x): dx += sum_h mask_h dx'_h
    feature_drop_.backward(n_in * H, dxh, dxh, ctx);
    for (int h = 0; h < H; ++h) ops::add_to(n_in, dxh + h * n_in, dx);
  }
}

void GatLayer::collect(ParameterList& params) {
  params.push_back(&weight);
  if (config_.score == GatScore::GatV2) {
    params.push_back(&weight_dst);
    params.push_back(&att);
  } else if (config_.score == GatScore::Additive) {
    params.push_back(&att_src);
    params.push_back(&att_dst);
  }
  params.push_back(&bias);
  if (projected_residual()) params.push_back(&residual_weight);
}

}  // namespace attn::graph
