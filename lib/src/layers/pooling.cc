#include "attn/layers/pooling.h"

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include "segment_checks.h"

namespace attn {
namespace {

void check(const Segments& segs, PoolKind kind, int C) {
  detail::check_segments(segs);
  if (C <= 0) throw std::invalid_argument("Pooling: channel count must be positive");
  if (kind == PoolKind::Attention) throw std::invalid_argument("Pooling: attention pooling is AttentionPool's");
  if (kind == PoolKind::Cls)
    for (int b = 0; b < segs.count(); ++b)
      if (segs.length(b) == 0)
        throw std::invalid_argument("Pooling: CLS pooling of empty segment " + std::to_string(b));
}

// yb: (C) = mean of rows [begin, end) of x: (T, C); zeros when empty.
void mean_rows(const float* x, int64_t begin, int64_t end, int C, float* yb) {
  for (int c = 0; c < C; ++c) yb[c] = 0.0f;
  if (end == begin) return;
  for (int64_t t = begin; t < end; ++t)
    for (int c = 0; c < C; ++c) yb[c] += x[t * C + c];
  const float n = static_cast<float>(end - begin);
  for (int c = 0; c < C; ++c) yb[c] /= n;
}

// yb: (C) = column-wise max of rows [begin, end); zeros when empty.
void max_rows(const float* x, int64_t begin, int64_t end, int C, float* yb) {
  if (end == begin) {
    for (int c = 0; c < C; ++c) yb[c] = 0.0f;
    return;
  }
  std::memcpy(yb, x + begin * C, sizeof(float) * C);
  for (int64_t t = begin + 1; t < end; ++t)
    for (int c = 0; c < C; ++c)
      if (x[t * C + c] > yb[c]) yb[c] = x[t * C + c];
}

// forward: y = (1/n) * sum_t x[t]  =>  dx[t] += dy / n
void mean_rows_backward(const float* dyb, int64_t begin, int64_t end, int C, float* dx) {
  if (end == begin) return;
  const float n = static_cast<float>(end - begin);
  for (int64_t t = begin; t < end; ++t)
    for (int c = 0; c < C; ++c) dx[t * C + c] += dyb[c] / n;
}

// forward: y[c] = x[t*(c)][c], t*(c) the first row holding the max (the same strict > scan as
// max_rows)  =>  dx[t*(c)][c] += dy[c], the other rows get nothing.
void max_rows_backward(const float* x, const float* dyb, int64_t begin, int64_t end, int C, float* dx) {
  for (int c = 0; c < C; ++c) {
    if (end == begin) return;
    int64_t best = begin;
    for (int64_t t = begin + 1; t < end; ++t)
      if (x[t * C + c] > x[best * C + c]) best = t;
    dx[best * C + c] += dyb[c];
  }
}

}  // namespace

void Pooling::forward(const Segments& segs, const float* x, int C, float* y) const {
  check(segs, kind_, C);
  const int B = segs.count(), Y = out_channels(C);
#pragma omp parallel for schedule(static) if (static_cast<int64_t>(segs.total()) * C >= 16384)
  for (int b = 0; b < B; ++b) {
    float* yb = y + static_cast<int64_t>(b) * Y;  // yb: (Y)
    const int64_t begin = segs.offsets[b], end = segs.offsets[b + 1];
    switch (kind_) {
      case PoolKind::Cls: std::memcpy(yb, x + begin * C, sizeof(float) * C); break;
      case PoolKind::Mean: mean_rows(x, begin, end, C, yb); break;
      case PoolKind::Max: max_rows(x, begin, end, C, yb); break;
      case PoolKind::MeanMax:
        mean_rows(x, begin, end, C, yb);
        max_rows(x, begin, end, C, yb + C);
        break;
      case PoolKind::Attention: break;  // refused by check
    }
  }
}

void Pooling::backward(const Segments& segs, const float* x, const float* dy, int C, float* dx) const {
  check(segs, kind_, C);
  const int B = segs.count(), Y = out_channels(C);
#pragma omp parallel for schedule(static) if (static_cast<int64_t>(segs.total()) * C >= 16384)
  for (int b = 0; b < B; ++b) {
    const float* dyb = dy + static_cast<int64_t>(b) * Y;  // dyb: (Y)
    const int64_t begin = segs.offsets[b], end = segs.offsets[b + 1];
    std::memset(dx + begin * C, 0, sizeof(float) * C * (end - begin));
    switch (kind_) {
      case PoolKind::Cls:  // forward: y[b] = x[begin]; the other rows do not reach y
        std::memcpy(dx + begin * C, dyb, sizeof(float) * C);
        break;
      case PoolKind::Mean: mean_rows_backward(dyb, begin, end, C, dx); break;
      case PoolKind::Max: max_rows_backward(x, dyb, begin, end, C, dx); break;
      case PoolKind::MeanMax:  // forward: y = [mean(x), max(x)]
        mean_rows_backward(dyb, begin, end, C, dx);
        max_rows_backward(x, dyb + C, begin, end, C, dx);
        break;
      case PoolKind::Attention: break;  // refused by check
    }
  }
}

}  // namespace attn
