#pragma once
// GELU activation (exact erf form, torch.nn.GELU() default). No parameters, no cache:
// backward needs only the forward input.
#include <cstdint>

namespace attn {

struct Gelu {
  // x, y: any shape with n elements; y may alias x (then backward cannot run).
  static void forward(int64_t n, const float* x, float* y);
  // dx = dy * gelu'(x), overwritten; dx may alias dy.
  static void backward(int64_t n, const float* x, const float* dy, float* dx);
};

}  // namespace attn
