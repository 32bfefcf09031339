#include "attn/layers/temporal_conv.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "attn/layers/activation.h"
#include "segment_checks.h"

namespace attn {

TemporalConv::TemporalConv(const std::string& name, int C, int K)
    : weight(name + ".weight", {C, K}), bias(name + ".bias", {C}, false), C_(C), K_(K) {
  if (C <= 0) throw std::invalid_argument("TemporalConv " + name + ": size must be > 0");
  if (K < 1 || K % 2 == 0) throw std::invalid_argument("TemporalConv " + name + ": the width must be odd and >= 1");
}

void TemporalConv::init(Rng& rng) {
  const float bound = 1.0f / std::sqrt(static_cast<float>(K_));
  for (float& w : weight.value.storage()) w = rng.uniform(-bound, bound);
  bias.value.fill(0.0f);
}

void TemporalConv::forward(const Segments& segs, const float* x, float* y, Cache* cache) const {
  detail::check_segments(segs);
  if (x == y) throw std::invalid_argument("TemporalConv::forward: y must not alias x");
  const int B = segs.count(), C = C_, K = K_, R = reach();
  const float* w = weight.value.data();
  const float* b = bias.value.data();
  std::vector<float> local;
  std::vector<float>& slope = cache ? cache->slope : local;
  slope.resize(static_cast<size_t>(segs.total()) * C);
#pragma omp parallel for schedule(static) if (static_cast<int64_t>(segs.total()) * C * K >= 65536)
  for (int s = 0; s < B; ++s) {
    const int64_t begin = segs.offsets[s], end = segs.offsets[s + 1];
    for (int64_t t = begin; t < end; ++t) {
      float* pre = slope.data() + t * C;  // the pre-activation, until gelu replaces it by its slope
      std::copy(b, b + C, pre);
      // Taps k whose row t + k - R lies inside the segment.
      const int k0 = static_cast<int>(std::max<int64_t>(0, begin - (t - R)));
      const int k1 = static_cast<int>(std::min<int64_t>(K, end - (t - R)));
      for (int k = k0; k < k1; ++k) {
        const float* xs = x + (t + k - R) * C;
        for (int c = 0; c < C; ++c) pre[c] += w[c * K + k] * xs[c];
      }
      float* yt = y + t * C;
      Gelu::forward_keep_slope(C, pre, yt);
      for (int c = 0; c < C; ++c) yt[c] += x[t * C + c];
    }
  }
}

void TemporalConv::backward(const Segments& segs, const float* x, const float* dy, float* dx, const Cache& cache) {
  detail::check_segments(segs);
  const int64_t T = segs.total();
  if (static_cast<int64_t>(cache.slope.size()) != T * C_)
    throw std::logic_error("TemporalConv::backward without its forward's cache");
  const int B = segs.count(), C = C_, K = K_, R = reach();
  const float* w = weight.value.data();
  // dpre = dy * gelu'(pre): (T, C)
  std::vector<float> dpre(static_cast<size_t>(T) * C);
  Gelu::backward_from_slope(T * C, cache.slope.data(), dy, dpre.data());
#pragma omp parallel for schedule(static) if (T * C * K >= 65536)
  for (int s = 0; s < B; ++s) {
    const int64_t begin = segs.offsets[s], end = segs.offsets[s + 1];
    for (int64_t t = begin; t < end; ++t) {
      // Row t fed pre[u] with tap k = t - u + R, for the rows u of its segment within R.
      float* dxt = dx + t * C;
      std::copy(dy + t * C, dy + (t + 1) * C, dxt);  // the residual
      const int64_t u0 = std::max(begin, t - R), u1 = std::min(end, t + R + 1);
      for (int64_t u = u0; u < u1; ++u) {
        const int k = static_cast<int>(t - u + R);
        const float* du = dpre.data() + u * C;
        for (int c = 0; c < C; ++c) dxt[c] += w[c * K + k] * du[c];
      }
    }
  }
  // dw[c, k] = sum_t dpre[t, c] x[t + k - R, c], db = sum_t dpre[t]: in row order whatever the
  // thread count.
  float* dw = weight.ensure_grad().data();
  float* db = bias.ensure_grad().data();
  for (int s = 0; s < B; ++s) {
    const int64_t begin = segs.offsets[s], end = segs.offsets[s + 1];
    for (int64_t t = begin; t < end; ++t) {
      const float* dt = dpre.data() + t * C;
      for (int c = 0; c < C; ++c) db[c] += dt[c];
      const int k0 = static_cast<int>(std::max<int64_t>(0, begin - (t - R)));
      const int k1 = static_cast<int>(std::min<int64_t>(K, end - (t - R)));
      for (int k = k0; k < k1; ++k) {
        const float* xs = x + (t + k - R) * C;
        for (int c = 0; c < C; ++c) dw[c * K + k] += dt[c] * xs[c];
      }
    }
  }
}

void TemporalConv::collect(ParameterList& params) {
  params.push_back(&weight);
  params.push_back(&bias);
}

}  // namespace attn
