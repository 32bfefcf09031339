#include "attn/layers/activation.h"

#include "attn/ops.h"

namespace attn {

void Gelu::forward(int64_t n, const float* x, float* y) { ops::gelu_forward(n, x, y); }

void Gelu::backward(int64_t n, const float* x, const float* dy, float* dx) {
  ops::gelu_backward(n, x, dy, dx);  // from y = x Phi(x)
}

void Gelu::forward_keep_slope(int64_t n, float* x, float* y) { ops::gelu_forward_slope(n, x, y); }

void Gelu::backward_from_slope(int64_t n, const float* slope, const float* dy, float* dx) {
  ops::mul(n, dy, slope, dx);  // from y = x Phi(x)
}

}  // namespace attn
