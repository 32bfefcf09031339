#pragma once
// GELU activation (exact erf form, torch.nn.GELU() default). No parameters, no cache:
// backward needs only the forward input, or the slope a training forward kept.
#include <cstdint>

namespace attn {

struct Gelu {
  // x, y: any shape with n elements; y may alias x (then backward cannot run).
  static void forward(int64_t n, const float* x, float* y);
  // dx = dy * gelu'(x), overwritten; dx may alias dy.
  static void backward(int64_t n, const float* x, const float* dy, float* dx);
  // Training: y = gelu(x), and x becomes gelu'(x) (the slope), in one pass; then
  // backward_from_slope: dx = dy * slope, the same values as backward from x, without the erf.
  static void forward_keep_slope(int64_t n, float* x, float* y);
  static void backward_from_slope(int64_t n, const float* slope, const float* dy, float* dx);
};

}  // namespace attn
