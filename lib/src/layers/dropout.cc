#include "attn/layers/dropout.h"

#include <algorithm>
#include <stdexcept>

namespace attn {
namespace {

// The forward and the backward are the same map: multiply by the mask scale.
void apply_mask(const Dropout& d, int64_t n, const float* in, float* out, uint64_t seed) {
#pragma omp parallel for schedule(static) if (n > (1 << 14))
  for (int64_t i = 0; i < n; ++i) out[i] = in[i] * d.scale_at(seed, i);
}

}  // namespace

uint64_t dropout_stream_id(const std::string& name) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

Dropout::Dropout(const std::string& name, float p) : p_(p), stream_(dropout_stream_id(name)) {
  if (!(p >= 0.0f && p < 1.0f))
    throw std::invalid_argument("Dropout " + name + ": p must be in [0, 1)");
}

float Dropout::scale_at(uint64_t seed, int64_t i) const {
  return hashed_uniform(seed, stream_, static_cast<uint64_t>(i)) >= p_ ? 1.0f / (1.0f - p_) : 0.0f;
}

void Dropout::forward(int64_t n, const float* x, float* y, const RunContext& ctx) const {
  if (!active(ctx)) {
    if (y != x) std::copy(x, x + n, y);
    return;
  }
  apply_mask(*this, n, x, y, ctx.seed);
}

void Dropout::backward(int64_t n, const float* dy, float* dx, const RunContext& ctx) const {
  if (!active(ctx)) {  // from y = x
    if (dx != dy) std::copy(dy, dy + n, dx);
    return;
  }
  apply_mask(*this, n, dy, dx, ctx.seed);  // from y = x * mask / (1 - p)
}

}  // namespace attn
