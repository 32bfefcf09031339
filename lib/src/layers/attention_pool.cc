#include "attn/layers/attention_pool.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "segment_checks.h"

namespace attn {
namespace {

// a: (end - begin) = softmax over rows [begin, end) of x: (T, C) of x_t . w.
void row_weights(const float* x, const float* w, int64_t begin, int64_t end, int C, float* a) {
  float top = -INFINITY;
  for (int64_t t = begin; t < end; ++t) {
    float s = 0.0f;
    for (int c = 0; c < C; ++c) s += x[t * C + c] * w[c];
    a[t - begin] = s;
    top = std::max(top, s);
  }
  float sum = 0.0f;
  for (int64_t t = begin; t < end; ++t) sum += a[t - begin] = std::exp(a[t - begin] - top);
  for (int64_t t = begin; t < end; ++t) a[t - begin] /= sum;
}

}  // namespace

AttentionPool::AttentionPool(const std::string& name, int C) : weight(name + ".weight", {C}), C_(C) {
  if (C <= 0) throw std::invalid_argument("AttentionPool " + name + ": size must be > 0");
  init();
}

void AttentionPool::init() { weight.value.fill(0.0f); }

void AttentionPool::forward(const Segments& segs, const float* x, float* y, Cache* cache) const {
  detail::check_segments(segs);
  const int B = segs.count(), C = C_;
  std::vector<float> local;
  std::vector<float>& a = cache ? cache->weights : local;
  a.resize(segs.total());
  const float* w = weight.value.data();
#pragma omp parallel for schedule(static) if (static_cast<int64_t>(segs.total()) * C >= 16384)
  for (int b = 0; b < B; ++b) {
    const int64_t begin = segs.offsets[b], end = segs.offsets[b + 1];
    float* yb = y + static_cast<int64_t>(b) * C;  // yb: (C)
    std::fill(yb, yb + C, 0.0f);
    if (end == begin) continue;
    row_weights(x, w, begin, end, C, a.data() + begin);
    for (int64_t t = begin; t < end; ++t)
      for (int c = 0; c < C; ++c) yb[c] += a[t] * x[t * C + c];
  }
}

void AttentionPool::backward(const Segments& segs, const float* x, const float* dy, float* dx, const Cache& cache) {
  detail::check_segments(segs);
  if (static_cast<int64_t>(cache.weights.size()) != segs.total())
    throw std::logic_error("AttentionPool::backward without its forward's cache");
  const int B = segs.count(), C = C_;
  const float* a = cache.weights.data();
  const float* w = weight.value.data();
  // ds: (T), the gradient of each row's score s_t = x_t . w
  std::vector<float> ds(segs.total());
#pragma omp parallel for schedule(static) if (static_cast<int64_t>(segs.total()) * C >= 16384)
  for (int b = 0; b < B; ++b) {
    const int64_t begin = segs.offsets[b], end = segs.offsets[b + 1];
    const float* dyb = dy + static_cast<int64_t>(b) * C;
    // y = sum_t a_t x_t  =>  da_t = dy . x_t;  a = softmax(s)  =>  ds_t = a_t (da_t - sum_u a_u da_u)
    float mean_da = 0.0f;
    for (int64_t t = begin; t < end; ++t) {
      float da = 0.0f;
      for (int c = 0; c < C; ++c) da += dyb[c] * x[t * C + c];
      ds[t] = da;
      mean_da += a[t] * da;
    }
    for (int64_t t = begin; t < end; ++t) {
      ds[t] = a[t] * (ds[t] - mean_da);
      // dx_t = a_t dy (through the weighted sum) + ds_t w (through the score)
      for (int c = 0; c < C; ++c) dx[t * C + c] = a[t] * dyb[c] + ds[t] * w[c];
    }
  }
  // dw = sum_t ds_t x_t, in row order whatever the thread count
  float* dw = weight.ensure_grad().data();
  for (int64_t t = 0; t < segs.total(); ++t)
    for (int c = 0; c < C; ++c) dw[c] += ds[t] * x[t * C + c];
}

void AttentionPool::collect(ParameterList& params) { params.push_back(&weight); }

}  // namespace attn
