#include "attn/layers/drop_path.h"

#include <algorithm>
#include <stdexcept>

#include "attn/layers/dropout.h"

namespace attn {
namespace {

// Forward and backward are the same map: every row of sequence b times scale(b).
void scale_rows(const DropPath& d, const Segments& segs, int C, const float* in, float* out,
                const RunContext& ctx) {
  for (int b = 0; b < segs.count(); ++b) {
    const float s = d.scale(ctx, b);
    const int64_t begin = int64_t(segs.offsets[b]) * C, end = int64_t(segs.offsets[b + 1]) * C;
    for (int64_t i = begin; i < end; ++i) out[i] = in[i] * s;
  }
}

}  // namespace

DropPath::DropPath(const std::string& name, float p) : p_(p), stream_(dropout_stream_id(name)) {
  if (!(p >= 0.0f && p < 1.0f))
    throw std::invalid_argument("DropPath " + name + ": p must be in [0, 1)");
}

float DropPath::scale(const RunContext& ctx, int b) const {
  if (!active(ctx)) return 1.0f;
  return hashed_uniform(ctx.seed, stream_, static_cast<uint64_t>(b)) >= p_ ? 1.0f / (1.0f - p_)
                                                                            : 0.0f;
}

void DropPath::forward(const Segments& segs, int C, const float* x, float* y,
                       const RunContext& ctx) const {
  if (!active(ctx)) {
    if (y != x) std::copy(x, x + int64_t(segs.total()) * C, y);
    return;
  }
  scale_rows(*this, segs, C, x, y, ctx);
}

void DropPath::backward(const Segments& segs, int C, const float* dy, float* dx,
                        const RunContext& ctx) const {
  if (!active(ctx)) {  // from y = x
    if (dx != dy) std::copy(dy, dy + int64_t(segs.total()) * C, dx);
    return;
  }
  scale_rows(*this, segs, C, dy, dx, ctx);  // from y = x * scale(b)
}

}  // namespace attn
