#pragma once
// Inverted dropout with counter-based masks: element i of a call is kept when
// hashed_uniform(ctx.seed, stream, i) >= p, and kept values are scaled by 1 / (1 - p).
// The mask is a pure function of (seed, stream, index): identical on any thread count, and
// backward recomputes it instead of storing it. Identity when !ctx.training or p == 0.
#include <cstdint>
#include <string>

#include "attn/context.h"

namespace attn {

// A stable 64-bit id for a name (FNV-1a), so each dropout site gets its own stream.
uint64_t dropout_stream_id(const std::string& name);

// scale[t] = 1 / (1 - p) when hashed_uniform(seed, stream, first + t) >= p, else 0, for t < n:
// the mask of elements first .. first + n - 1, 8 at a time (the same values as one at a time).
void dropout_scales(uint64_t seed, uint64_t stream, float p, uint64_t first, int64_t n,
                    float* scale);

class Dropout {
 public:
  // stream: dropout_stream_id(name); names like "encoder.layers.0.drop1" keep sites apart.
  Dropout(const std::string& name, float p);
  Dropout() = default;  // p = 0: always the identity

  bool active(const RunContext& ctx) const { return ctx.training && p_ > 0.0f; }
  float p() const { return p_; }
  uint64_t stream() const { return stream_; }

  // x, y: n elements; y may alias x.
  void forward(int64_t n, const float* x, float* y, const RunContext& ctx) const;
  // dx = dy * mask / (1 - p) with the mask of the forward that used the same ctx.
  // Overwrites dx; dx may alias dy.
  void backward(int64_t n, const float* dy, float* dx, const RunContext& ctx) const;
  // The same mask for element i (1 / (1 - p) when kept, 0 when dropped).
  float scale_at(uint64_t seed, int64_t i) const;

 private:
  float p_ = 0.0f;
  uint64_t stream_ = 0;
};

}  // namespace attn
