#include "attn/layers/linear.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "attn/blas.h"
#include "attn/ops.h"

namespace attn {
namespace {

// The products below run over blocks of this many rows, each block's output filled (bias,
// residual; BLAS itself zeroes C for beta = 0) and multiplied into while it is in the core's
// cache, instead of a pass over the whole output in memory before the product. The blocks do
// not depend on the thread count, nor do the results.
constexpr int kRowBlock = 256;

template <class Body>
void for_row_blocks(int T, int64_t macs, Body body) {
  const int blocks = (T + kRowBlock - 1) / kRowBlock;
#pragma omp parallel for schedule(dynamic, 1) if (macs > 100000 && blocks > 1)
  for (int i = 0; i < blocks; ++i) body(i * kRowBlock, std::min(kRowBlock, T - i * kRowBlock));
}

}  // namespace

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

void Linear::forward(int T, const float* x, float* y, const float* residual) const {
  const int in = in_, out = out_;
  const float* b = has_bias_ ? bias.value.data() : nullptr;
  for_row_blocks(T, int64_t{T} * in * out, [&](int r0, int rows) {
    float* yb = y + int64_t{r0} * out;
    for (int t = 0; t < rows; ++t) {  // y = [residual +] b
      float* yt = yb + int64_t{t} * out;
      const float* rt = residual ? residual + (int64_t{r0} + t) * out : nullptr;
      if (rt && b) for (int j = 0; j < out; ++j) yt[j] = rt[j] + b[j];
      else if (rt) std::copy(rt, rt + out, yt);
      else if (b) std::copy(b, b + out, yt);
    }
    // y += x W^T
    gemm_serial(Trans::No, Trans::Yes, rows, out, in, 1.0f, x + int64_t{r0} * in, in,
                weight.value.data(), in, b || residual ? 1.0f : 0.0f, yb, out);
  });
}

void Linear::backward(int T, const float* x, const float* dy, float* dx, bool accumulate_dx) {
  if (T <= 0) return;
  // from y = x W^T:  dW += dy^T x   (out, in)
  gemm(Trans::Yes, Trans::No, out_, in_, T, 1.0f, dy, out_, x, in_, 1.0f, weight.ensure_grad().data(), in_);
  // from y = b:  db += sum over rows of dy
  if (has_bias_) ops::add_column_sums(T, out_, dy, bias.ensure_grad().data());
  // from y = x W^T:  dx = dy W   (T, in)
  if (dx)
    for_row_blocks(T, int64_t{T} * in_ * out_, [&](int r0, int rows) {
      gemm_serial(Trans::No, Trans::No, rows, in_, out_, 1.0f, dy + int64_t{r0} * out_, out_,
                  weight.value.data(), in_, accumulate_dx ? 1.0f : 0.0f, dx + int64_t{r0} * in_, in_);
    });
}

void Linear::collect(ParameterList& params) {
  params.push_back(&weight);
  if (has_bias_) params.push_back(&bias);
}

}  // namespace attn
