#include "attn/ops.h"

#include <algorithm>
#include <cmath>

namespace attn::ops {
namespace {

// Below this many elements a loop is not worth waking other threads for.
constexpr int64_t kParallelElements = 1 << 15;

}  // namespace

void axpy(int64_t n, float a, const float* x, float* y) {
#pragma omp parallel for schedule(static) if (n > kParallelElements)
  for (int64_t i = 0; i < n; ++i) y[i] += a * x[i];
}

void add(int64_t n, const float* a, const float* b, float* y) {
#pragma omp parallel for schedule(static) if (n > kParallelElements)
  for (int64_t i = 0; i < n; ++i) y[i] = a[i] + b[i];
}

void add_to(int64_t n, const float* x, float* y) {
#pragma omp parallel for schedule(static) if (n > kParallelElements)
  for (int64_t i = 0; i < n; ++i) y[i] += x[i];
}

void add_column_sums(int T, int N, const float* x, float* sum) {
  // Threads split the columns; each column is still summed over t = 0, 1, ... in order,
  // so the result does not depend on the thread count.
  constexpr int kBlock = 64;
  const int blocks = (N + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static) if (static_cast<int64_t>(T) * N > kParallelElements)
  for (int blk = 0; blk < blocks; ++blk) {
    const int lo = blk * kBlock, hi = std::min(N, lo + kBlock);
    for (int t = 0; t < T; ++t) {
      const float* row = x + static_cast<int64_t>(t) * N;
      for (int j = lo; j < hi; ++j) sum[j] += row[j];
    }
  }
}

void broadcast_rows(int T, int N, const float* row, float* y) {
#pragma omp parallel for schedule(static) if (static_cast<int64_t>(T) * N > kParallelElements)
  for (int t = 0; t < T; ++t) std::copy(row, row + N, y + static_cast<int64_t>(t) * N);
}

void softmax_rows(int rows, int n, const float* x, float* y) {
#pragma omp parallel for schedule(static) if (static_cast<int64_t>(rows) * n > kParallelElements)
  for (int r = 0; r < rows; ++r) {
    const float* xr = x + static_cast<int64_t>(r) * n;
    float* yr = y + static_cast<int64_t>(r) * n;
    float mx = -INFINITY;
    for (int j = 0; j < n; ++j) mx = std::max(mx, xr[j]);
    float sum = 0.0f;
    for (int j = 0; j < n; ++j) {
      yr[j] = std::exp(xr[j] - mx);
      sum += yr[j];
    }
    const float inv = 1.0f / sum;
    for (int j = 0; j < n; ++j) yr[j] *= inv;
  }
}

void softmax_rows_backward(int rows, int n, const float* y, const float* dy, float* dx) {
#pragma omp parallel for schedule(static) if (static_cast<int64_t>(rows) * n > kParallelElements)
  for (int r = 0; r < rows; ++r) {
    const float* yr = y + static_cast<int64_t>(r) * n;
    const float* dyr = dy + static_cast<int64_t>(r) * n;
    float* dxr = dx + static_cast<int64_t>(r) * n;
    float dot = 0.0f;
    for (int j = 0; j < n; ++j) dot += dyr[j] * yr[j];
    for (int j = 0; j < n; ++j) dxr[j] = yr[j] * (dyr[j] - dot);
  }
}

float gelu(float x) { return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f)); }

float gelu_derivative(float x) {
  // d/dx [x Phi(x)] = Phi(x) + x phi(x)
  const float cdf = 0.5f * (1.0f + std::erf(x * 0.70710678118654752f));
  const float pdf = 0.39894228040143268f * std::exp(-0.5f * x * x);
  return cdf + x * pdf;
}

void gelu_forward(int64_t n, const float* x, float* y) {
#pragma omp parallel for schedule(static) if (n > kParallelElements / 4)
  for (int64_t i = 0; i < n; ++i) y[i] = gelu(x[i]);
}

void gelu_backward(int64_t n, const float* x, const float* dy, float* dx) {
#pragma omp parallel for schedule(static) if (n > kParallelElements / 4)
  for (int64_t i = 0; i < n; ++i) dx[i] = dy[i] * gelu_derivative(x[i]);
}

void layer_norm_row(int C, const float* x, const float* gamma, const float* beta, float eps,
                    float* y, float* mean, float* rstd) {
  float sum = 0.0f;
  for (int c = 0; c < C; ++c) sum += x[c];
  const float m = sum / static_cast<float>(C);
  float sq = 0.0f;  // two-pass variance: no cancellation when |mean| >> std
  for (int c = 0; c < C; ++c) {
    const float d = x[c] - m;
    sq += d * d;
  }
  const float r = 1.0f / std::sqrt(sq / static_cast<float>(C) + eps);
  for (int c = 0; c < C; ++c) y[c] = (x[c] - m) * r * gamma[c] + beta[c];
  *mean = m;
  *rstd = r;
}

void layer_norm_row_backward(int C, const float* x, const float* gamma, float mean, float rstd,
                             const float* dy, float* dx) {
  // With xhat = (x - mean) * rstd and g = dy * gamma:
  // dx = rstd * (g - mean(g) - xhat * mean(g * xhat))
  float sum_g = 0.0f, sum_gx = 0.0f;
  for (int c = 0; c < C; ++c) {
    const float g = dy[c] * gamma[c];
    sum_g += g;
    sum_gx += g * (x[c] - mean) * rstd;
  }
  const float inv_c = 1.0f / static_cast<float>(C);
  const float mean_g = sum_g * inv_c, mean_gx = sum_gx * inv_c;
  for (int c = 0; c < C; ++c) {
    const float xhat = (x[c] - mean) * rstd;
    dx[c] = rstd * (dy[c] * gamma[c] - mean_g - xhat * mean_gx);
  }
}

}  // namespace attn::ops
