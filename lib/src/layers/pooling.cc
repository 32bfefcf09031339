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
  if (kind == PoolKind::Cls)
    for (int b = 0; b < segs.count(); ++b)
      if (segs.length(b) == 0)
        throw std::invalid_argument("Pooling: CLS pooling of empty segment " + std::to_string(b));
}

}  // namespace

void Pooling::forward(const Segments& segs, const float* x, int C, float* y) const {
  check(segs, kind_, C);
  const int B = segs.count();
#pragma omp parallel for schedule(static) if (static_cast<int64_t>(segs.total()) * C >= 16384)
  for (int b = 0; b < B; ++b) {
    float* yb = y + static_cast<int64_t>(b) * C;  // yb: (C)
    const int64_t begin = segs.offsets[b], end = segs.offsets[b + 1];
    if (kind_ == PoolKind::Cls) {
      std::memcpy(yb, x + begin * C, sizeof(float) * C);
      continue;
    }
    for (int c = 0; c < C; ++c) yb[c] = 0.0f;
    if (end == begin) continue;  // empty segment: zeros
    for (int64_t t = begin; t < end; ++t)
      for (int c = 0; c < C; ++c) yb[c] += x[t * C + c];
    const float n = static_cast<float>(end - begin);
    for (int c = 0; c < C; ++c) yb[c] /= n;
  }
}

void Pooling::backward(const Segments& segs, const float* dy, int C, float* dx) const {
  check(segs, kind_, C);
  const int B = segs.count();
#pragma omp parallel for schedule(static) if (static_cast<int64_t>(segs.total()) * C >= 16384)
  for (int b = 0; b < B; ++b) {
    const float* dyb = dy + static_cast<int64_t>(b) * C;  // dyb: (C)
    const int64_t begin = segs.offsets[b], end = segs.offsets[b + 1];
    if (kind_ == PoolKind::Cls) {
      // forward: y[b] = x[begin]; the other rows do not reach y
      std::memcpy(dx + begin * C, dyb, sizeof(float) * C);
      std::memset(dx + (begin + 1) * C, 0, sizeof(float) * C * (end - begin - 1));
      continue;
    }
    if (end == begin) continue;
    // forward: y[b] = (1/n) * sum_t x[t]  =>  dx[t] = dy[b] / n
    const float n = static_cast<float>(end - begin);
    for (int64_t t = begin; t < end; ++t)
      for (int c = 0; c < C; ++c) dx[t * C + c] = dyb[c] / n;
  }
}

}  // namespace attn
