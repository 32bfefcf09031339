#pragma once
// Stochastic depth (Huang et al. 2016) as ViTs use it: in training, a residual branch is
// dropped for a whole sequence with probability p and otherwise scaled by 1 / (1 - p).
// Sequence b of a call is kept when hashed_uniform(ctx.seed, stream, b) >= p, so the mask
// depends on the seed alone, never on threads. Identity when !ctx.training or p == 0.
#include <string>

#include "attn/attention.h"
#include "attn/context.h"

namespace attn {

class DropPath {
 public:
  DropPath(const std::string& name, float p);  // stream: dropout_stream_id(name)
  DropPath() = default;

  bool active(const RunContext& ctx) const { return ctx.training && p_ > 0.0f; }
  float p() const { return p_; }
  // The factor for sequence b: 0 or 1 / (1 - p) in training, 1 otherwise.
  float scale(const RunContext& ctx, int b) const;

  // x, y: (T, C), T = segs.total(); y may alias x.
  void forward(const Segments& segs, int C, const float* x, float* y, const RunContext& ctx) const;
  // dx = dy * scale(b) per row of sequence b; dx may alias dy.
  void backward(const Segments& segs, int C, const float* dy, float* dx, const RunContext& ctx) const;

 private:
  float p_ = 0.0f;
  uint64_t stream_ = 0;
};

}  // namespace attn
