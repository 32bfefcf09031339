#include "attn/layers/layer_norm.h"

#include <algorithm>
#include <stdexcept>

#include "attn/ops.h"

namespace attn {

LayerNorm::LayerNorm(const std::string& name, int C, float eps)
    : weight(name + ".weight", {C}, /*decay=*/false),
      bias(name + ".bias", {C}, /*decay=*/false),
      C_(C),
      eps_(eps) {
  if (C <= 0) throw std::invalid_argument("LayerNorm " + name + ": size must be > 0");
  init();
}

void LayerNorm::init() {
  weight.value.fill(1.0f);
  bias.value.fill(0.0f);
}

void LayerNorm::forward(int T, const float* x, float* y, Cache* cache) const {
  if (cache) {
    cache->mean.resize(T);
    cache->rstd.resize(T);
  }
  const float* gamma = weight.value.data();
  const float* beta = bias.value.data();
  const int C = C_;
#pragma omp parallel for schedule(static) if (static_cast <int64_t>(T) * C > (1 << 14))
  for (int t = 0; t < T; ++t) {
    float mean, rstd;
    const int64_t o = static_cast<int64_t>(t) * C;
    ops::layer_norm_row(C, x + o, gamma, beta, eps_, y + o, &mean, &rstd);
    if (cache) {
      cache->mean[t] = mean;
      cache->rstd[t] = rstd;
    }
  }
}

void LayerNorm::backward(int T, const float* x, const float* dy, float* dx, const Cache& cache) {
  const int C = C_;
  const float* gamma = weight.value.data();
  float* dgamma = weight.ensure_grad().data();
  // from y = xhat * gamma + beta:  dgamma += sum_t dy * xhat,  dbeta += sum_t dy.
  // Threads split the channels; rows are summed in order (result independent of threads).
  // Blocks of 16 channels, so that a width of 64 still gives every thread work.
  constexpr int kBlock = 16;
  const int blocks = (C + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static) if (static_cast <int64_t>(T) * C > (1 << 14))
  for (int blk = 0; blk < blocks; ++blk) {
    const int lo = blk * kBlock, width = std::min(C - lo, kBlock);
    float acc[kBlock];  // the running sums in registers (dgamma could alias x or dy)
    std::copy(dgamma + lo, dgamma + lo + width, acc);
    for (int t = 0; t < T; ++t) {
      const int64_t o = static_cast<int64_t>(t) * C + lo;
      const float mean = cache.mean[t], rstd = cache.rstd[t];
      for (int c = 0; c < width; ++c) acc[c] += dy[o + c] * (x[o + c] - mean) * rstd;
    }
    std::copy(acc, acc + width, dgamma + lo);
  }
  ops::add_column_sums(T, C, dy, bias.ensure_grad().data());
  // from xhat = (x - mean) * rstd, row by row (dx may alias dy: each row reads dy first).
#pragma omp parallel for schedule(static) if (static_cast <int64_t>(T) * C > (1 << 14))
  for (int t = 0; t < T; ++t) {
    const int64_t o = static_cast<int64_t>(t) * C;
    ops::layer_norm_row_backward(C, x + o, gamma, cache.mean[t], cache.rstd[t], dy + o, dx + o);
  }
}

void LayerNorm::collect(ParameterList& params) {
  params.push_back(&weight);
  params.push_back(&bias);
}

}  // namespace attn
