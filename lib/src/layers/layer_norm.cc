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

void LayerNorm::backward(int T, const float* x, const float* dy, float* dx, const Cache& cache,
                         const float* dadd) {
  const int C = C_;
  const float* gamma = weight.value.data();
  float* dgamma = weight.ensure_grad().data();
  // from y = xhat * gamma + beta:  dgamma += sum_t dy * xhat,  dbeta += sum_t dy.
  // Threads split the channels; rows are summed in order (result independent of threads).
  const ops::ColumnSplit split = ops::ColumnSplit::of(C, static_cast<int64_t>(T) * C > (1 << 14));
#pragma omp parallel for schedule(static) num_threads(split.parts) if (split.parts > 1)
  for (int part = 0; part < split.parts; ++part)
    split.add_sums(part, T, dgamma, [&](int t, int c) {
      const int64_t o = static_cast<int64_t>(t) * C + c;
      return dy[o] * (x[o] - cache.mean[t]) * cache.rstd[t];
    });
  ops::add_column_sums(T, C, dy, bias.ensure_grad().data());
  // from xhat = (x - mean) * rstd, row by row (dx may alias dy: each row reads dy first).
#pragma omp parallel for schedule(static) if (static_cast <int64_t>(T) * C > (1 << 14))
  for (int t = 0; t < T; ++t) {
    const int64_t o = static_cast<int64_t>(t) * C;
    ops::layer_norm_row_backward(C, x + o, gamma, cache.mean[t], cache.rstd[t], dy + o, dx + o,
                                 dadd ? dadd + o : nullptr);
  }
}

void LayerNorm::collect(ParameterList& params) {
  params.push_back(&weight);
  params.push_back(&bias);
}

}  // namespace attn
