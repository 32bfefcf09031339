#include "plan.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "attn/blas.h"
#include "kernels.h"

namespace attn::attention_detail {

Plan make_plan(const AttentionSpec& spec, const Segments& segs) {
  if (spec.heads < 1) throw std::invalid_argument("attention: heads must be >= 1");
  if (spec.head_dim < 1) throw std::invalid_argument("attention: head_dim must be >= 1");
  if (segs.offsets.empty() || segs.offsets.front() != 0)
    throw std::invalid_argument("attention: segment offsets must start at 0");
  for (int b = 0; b < segs.count(); ++b)
    if (segs.offsets[b + 1] < segs.offsets[b])
      throw std::invalid_argument("attention: segment offsets must not decrease (segment " +
                                  std::to_string(b) + ")");
  Plan p;
  p.scoring = spec.scoring;
  p.mask = spec.mask;
  p.T = segs.total();
  p.H = spec.heads;
  p.D = spec.head_dim;
  p.hd = spec.heads * spec.head_dim;
  p.window = spec.window;
  p.slope = spec.negative_slope;
  p.scale = spec.scale != 0.0f ? spec.scale : 1.0f / std::sqrt(static_cast<float>(spec.head_dim));
  p.score_weight = spec.score_weight;
  p.exclude_self = spec.exclude_self;
  if (p.exclude_self && p.mask == MaskKind::Sparse)
    throw std::invalid_argument("attention: exclude_self is for sequence masks (a graph lists its own edges)");
  p.dropout = spec.dropout;
  p.dropout_seed = spec.dropout_seed;
  p.dropout_stream = spec.dropout_stream;
  if (p.scoring == Scoring::GatV2 && (p.mask != MaskKind::Sparse || !p.score_weight))
    throw std::invalid_argument("attention: GatV2 scoring needs MaskKind::Sparse and score_weight");
  if (!(p.dropout >= 0.0f && p.dropout < 1.0f) || (p.dropout > 0.0f && p.mask != MaskKind::Sparse))
    throw std::invalid_argument("attention: dropout must be in [0, 1), and only with MaskKind::Sparse");
  if (p.mask == MaskKind::Window && p.window < 0)
    throw std::invalid_argument("attention: window must be >= 0");
  if (p.mask == MaskKind::Sparse) {
    const CsrGraph* g = spec.graph;
    if (!g) throw std::invalid_argument("attention: MaskKind::Sparse needs spec.graph");
    if (g->rows() != p.T)
      throw std::invalid_argument("attention: graph has " + std::to_string(g->rows()) +
                                  " rows, the batch " + std::to_string(p.T));
    if (g->row_ptr.front() != 0 || static_cast<int64_t>(g->col.size()) != g->nnz())
      throw std::invalid_argument("attention: graph row_ptr does not match col");
    for (int i = 0; i < p.T; ++i)
      if (g->row_ptr[i + 1] < g->row_ptr[i])
        throw std::invalid_argument("attention: graph row_ptr decreases at row " +
                                    std::to_string(i));
    for (int64_t e = 0; e < g->nnz(); ++e)
      if (g->col[e] < 0 || g->col[e] >= p.T)
        throw std::invalid_argument("attention: graph edge " + std::to_string(e) +
                                    " points to row " + std::to_string(g->col[e]) +
                                    " outside [0, " + std::to_string(p.T) + ")");
    p.graph = g;
  }
  double work = 0;  // about the multiply-adds of a forward
  if (p.mask == MaskKind::Sparse) {
    work = static_cast<double>(p.graph->nnz()) * p.hd;
  } else {
    for (int b = 0; b < segs.count(); ++b) work += double(segs.length(b)) * segs.length(b) * p.hd;
  }
  p.parallel = work >= 131072.0;
  return p;
}

void make_tasks(const Plan& p, const Segments& segs, int block, std::vector<BlockTask>& tasks) {
  tasks.clear();
  for (int b = 0; b < segs.count(); ++b) {
    const int L = segs.length(b);
    for (int h = 0; h < p.H; ++h)
      for (int r0 = 0; r0 < L; r0 += block) tasks.push_back({b, h, r0, std::min(block, L - r0)});
  }
}

void score_block(const Plan& p, const float* q, const float* k, int h, int i0, int bq, int j0,
                 int bk, float* S, int lds, float* col) {
  if (p.scoring == Scoring::DotProduct) {
    // S = scale * Q_blk K_blk^T; Q_blk: (bq, D), K_blk: (bk, D), both with row stride H*D.
    gemm_serial(Trans::No, Trans::Yes, bq, bk, p.D, p.scale, q + int64_t{i0} * p.hd + h * p.D,
                p.hd, k + int64_t{j0} * p.hd + h * p.D, p.hd, 0.0f, S, lds);
    return;
  }
  // Additive: one scalar per row and head; gather the key column once, then a plain loop.
  for (int c = 0; c < bk; ++c) col[c] = k[int64_t{j0 + c} * p.H + h];
  const float slope = p.slope;
  for (int r = 0; r < bq; ++r) {
    const float a = q[int64_t{i0 + r} * p.H + h];
    float* s = S + int64_t{r} * lds;
    for (int c = 0; c < bk; ++c) s[c] = leaky_relu(a + col[c], slope);
  }
}

void mask_block(const Plan& p, int s0, int s1, int i0, int bq, int j0, int bk, float* S,
                int lds) {
  for (int r = 0; r < bq; ++r) {
    const int lo = std::clamp(p.key_lo(i0 + r, s0) - j0, 0, bk);
    const int hi = std::clamp(p.key_hi(i0 + r, s1) - j0, lo, bk);
    float* s = S + int64_t{r} * lds;
    std::fill(s, s + lo, kNegInf);
    std::fill(s + hi, s + bk, kNegInf);
    const int self = i0 + r - j0;
    if (p.exclude_self && self >= 0 && self < bk) s[self] = kNegInf;
  }
}

bool block_fully_visible(const Plan& p, int s0, int s1, int i0, int bq, int j0, int bk) {
  const bool has_diagonal = i0 < j0 + bk && j0 < i0 + bq;
  return p.key_lo(i0 + bq - 1, s0) <= j0 && p.key_hi(i0, s1) >= j0 + bk &&
         !(p.exclude_self && has_diagonal);
}

float* thread_scratch(int64_t floats) {
  thread_local std::vector<float> buffer;
  if (static_cast<int64_t>(buffer.size()) < floats) buffer.resize(floats);
  return buffer.data();
}

void ProbLayout::load(const float* store, int b, int s0, int L, int h, int i0, int bq, int j0,
                      int bk, float* dst) const {
  if (mask != MaskKind::Window) {
    const float* base = store + segment_offset[b] + (int64_t{h} * L + (i0 - s0)) * L + (j0 - s0);
    for (int r = 0; r < bq; ++r)
      std::memcpy(dst + int64_t{r} * bk, base + int64_t{r} * L, sizeof(float) * bk);
    return;
  }
  const int w = window;
  for (int r = 0; r < bq; ++r) {
    const int i = i0 + r;
    const float* band_row = store + (int64_t{h} * T + i) * band();  // entry c: key i - w + c
    float* d = dst + int64_t{r} * bk;
    for (int c = 0; c < bk; ++c) {
      const int j = j0 + c;
      d[c] = (j >= i - w && j <= i + w) ? band_row[j - i + w] : 0.0f;
    }
  }
}

void ProbLayout::save(float* store, int b, int s0, int L, int h, int i0, int bq, int j0, int bk,
                      const float* src) const {
  if (mask != MaskKind::Window) {
    for (int r = 0; r < bq; ++r) {
      float* row = store + segment_offset[b] + (int64_t{h} * L + (i0 + r - s0)) * L;
      std::fill(row, row + (j0 - s0), 0.0f);
      std::memcpy(row + (j0 - s0), src + int64_t{r} * bk, sizeof(float) * bk);
      std::fill(row + (j0 - s0) + bk, row + L, 0.0f);
    }
    return;
  }
  const int w = window;
  for (int r = 0; r < bq; ++r) {
    const int i = i0 + r;
    float* band_row = store + (int64_t{h} * T + i) * band();
    const float* s = src + int64_t{r} * bk;
    for (int c = 0; c < band(); ++c) {
      const int j = i - w + c;
      band_row[c] = (j >= j0 && j < j0 + bk) ? s[j - j0] : 0.0f;
    }
  }
}

}  // namespace attn::attention_detail
