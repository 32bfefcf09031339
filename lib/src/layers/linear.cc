#include "attn/layers/linear.h"

#include <cmath>
#include <stdexcept>

#include "attn/blas.h"
#include "attn/ops.h"

namespace attn {

Linear::Linear(const std::string& name, int in, int out, bool bias)
    : weight(name + ".weight", {out, in}),
      bias(bias ? Parameter(name + ".bias", {out}, /*decay=*/false) : Parameter()),
      in_(in),
      out_(out),
      has_bias_(bias) {
  if (in <= 0 || out <= 0) throw std::invalid_argument("Linear " + name + ": sizes must be > 0");
}

void Linear::init(Rng& rng) {
  const float bound = 1.0f / std::sqrt(static_cast<float>(in_));
  for (float& w : weight.value.storage()) w = rng.uniform(-bound, bound);
  if (has_bias_)
    for (float& b : bias.value.storage()) b = rng.uniform(-bound, bound);
}

void Linear::forward(int T, const float* x, float* y) const {
  // y = b (broadcast over rows), then y += x W^T
  if (has_bias_) ops::broadcast_rows(T, out_, bias.value.data(), y);
  gemm(Trans::No, Trans::Yes, T, out_, in_, 1.0f, x, in_, weight.value.data(), in_,
       has_bias_ ? 1.0f : 0.0f, y, out_);
}

void Linear::backward(int T, const float* x, const float* dy, float* dx, bool accumulate_dx) {
  if (T <= 0) return;
  // from y = x W^T:  dW += dy^T x   (out, in)
  gemm(Trans::Yes, Trans::No, out_, in_, T, 1.0f, dy, out_, x, in_, 1.0f, weight.ensure_grad().data(), in_);
  // from y = b:  db += sum over rows of dy
  if (has_bias_) ops::add_column_sums(T, out_, dy, bias.ensure_grad().data());
  // from y = x W^T:  dx = dy W   (T, in)
  if (dx)
    gemm(Trans::No, Trans::No, T, in_, out_, 1.0f, dy, out_, weight.value.data(), in_,
         accumulate_dx ? 1.0f : 0.0f, dx, in_);
}

void Linear::collect(ParameterList& params) {
  params.push_back(&weight);
  if (has_bias_) params.push_back(&bias);
}

}  // namespace attn
