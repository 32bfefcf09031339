#include "attn/ops.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include <omp.h>

namespace attn::ops {
namespace {

// Below this many elements a loop is not worth waking other threads for.
constexpr int64_t kParallelElements = 1 << 15;

// sum_i term(i) over [0, n) in a fixed order that vectorises: eight running partial sums
// (one SIMD register), combined at the end, then the tail. Without -ffast-math the compiler
// may not reorder a plain float sum, which would leave it scalar.
template <class Term>
inline float lane_sum(int n, Term term) {
  constexpr int kLanes = 8;
  float lane[kLanes] = {};
  int i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) lane[l] += term(i + l);
  float s =
      ((lane[0] + lane[4]) + (lane[1] + lane[5])) + ((lane[2] + lane[6]) + (lane[3] + lane[7]));
  for (; i < n; ++i) s += term(i);
  return s;
}

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

ColumnSplit ColumnSplit::of(int N, bool parallel) {
  const int units = (N + kUnit - 1) / kUnit;
  return {N, parallel ? std::max(1, std::min(omp_get_max_threads(), units)) : 1};
}

void add_column_sums(int T, int N, const float* x, float* sum) {
  // Each column summed over t = 0, 1, ... in order, so the result does not depend on the
  // thread count.
  const ColumnSplit split = ColumnSplit::of(N, static_cast<int64_t>(T) * N > kParallelElements);
#pragma omp parallel for schedule(static) num_threads(split.parts) if (split.parts > 1)
  for (int part = 0; part < split.parts; ++part)
    split.add_sums(part, T, sum, [&](int t, int j) { return x[static_cast<int64_t>(t) * N + j]; });
}

void broadcast_rows(int T, int N, const float* row, float* y) {
#pragma omp parallel for schedule(static) if (static_cast <int64_t>(T) * N > kParallelElements)
  for (int t = 0; t < T; ++t) std::copy(row, row + N, y + static_cast<int64_t>(t) * N);
}

void softmax_rows(int rows, int n, const float* x, float* y) {
#pragma omp parallel for schedule(static) if (static_cast <int64_t>(rows) * n > kParallelElements)
  for (int r = 0; r < rows; ++r) {
    const float* xr = x + static_cast<int64_t>(r) * n;
    float* yr = y + static_cast<int64_t>(r) * n;
    float mx = -INFINITY;
    for (int j = 0; j < n; ++j) mx = std::max(mx, xr[j]);
    // The sum in double and a true division: rows are short (a classifier's labels) and the
    // probabilities are printed, so precision matters more than vector width here.
    double sum = 0.0;
    for (int j = 0; j < n; ++j) sum += yr[j] = std::exp(xr[j] - mx);
    for (int j = 0; j < n; ++j) yr[j] = static_cast<float>(yr[j] / sum);
  }
}

void softmax_rows_backward(int rows, int n, const float* y, const float* dy, float* dx) {
#pragma omp parallel for schedule(static) if (static_cast <int64_t>(rows) * n > kParallelElements)
  for (int r = 0; r < rows; ++r) {
    const float* yr = y + static_cast<int64_t>(r) * n;
    const float* dyr = dy + static_cast<int64_t>(r) * n;
    float* dxr = dx + static_cast<int64_t>(r) * n;
    const float dot = lane_sum(n, [&](int j) { return dyr[j] * yr[j]; });
    for (int j = 0; j < n; ++j) dxr[j] = yr[j] * (dyr[j] - dot);
  }
}

namespace {

// e^y for y in [-87, 0], written so that loops over it vectorise (std::exp does not without
// -ffast-math): y = n ln2 + r with |r| <= ln2 / 2, e^r by its Taylor series to degree 7
// (relative error < 1e-8), 2^n built from the exponent bits. The caller keeps y in range.
inline float exp_nonpositive(float y) {
  const float shifter = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  const float nf = (y * 1.44269504088896341f + shifter) - shifter;
  const float r = (y - nf * 0.693145751953125f) - nf * 1.42860682030941723e-6f;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(nf) + 127) << 23;
  return p * std::bit_cast<float>(bits);
}

// The standard normal CDF Phi(x) and density phi(x). Phi uses the erfc approximation 7.1.26 of
// Abramowitz and Stegun (|error| < 1.5e-7) on |x| / sqrt 2, so the tail Phi(x) for x < 0 is
// computed directly, without the cancellation of 1 + erf(x / sqrt 2).
// Both selects below are written as bit and sign arithmetic: a ternary or std::min lets GCC
// split the loop body into branches, which stops vectorisation.
inline void normal_cdf_pdf(float x, float& cdf, float& pdf) {
  // z = min(|x| / sqrt 2, 9), compared as integers (non-negative floats order like their bits).
  // Beyond 9, Phi is 0 or 1 in float anyway, and e^(-z^2) stays within exp_nonpositive's range.
  const float z = std::bit_cast<float>(std::min(
      std::bit_cast<int32_t>(std::abs(x) * 0.70710678118654752f), std::bit_cast<int32_t>(9.0f)));
  const float e = exp_nonpositive(-z * z);  // e^(-x^2 / 2)
  const float t = 1.0f / (1.0f + 0.3275911f * z);
  float poly = 1.061405429f;
  poly = poly * t - 1.453152027f;
  poly = poly * t + 1.421413741f;
  poly = poly * t - 0.284496736f;
  poly = poly * t + 0.254829592f;
  const float tail = 0.5f * poly * t * e;                // Phi(-|x|) = erfc(|x| / sqrt 2) / 2
  const float positive = 0.5f + std::copysign(0.5f, x);  // 1 for x >= 0, else 0
  cdf = tail + positive * (1.0f - 2.0f * tail);          // 1 - tail, or tail
  pdf = 0.39894228040143268f * e;
}

}  // namespace

float gelu(float x) {
  float cdf, pdf;
  normal_cdf_pdf(x, cdf, pdf);
  return x * cdf;
}

float gelu_derivative(float x) {
  float cdf, pdf;
  normal_cdf_pdf(x, cdf, pdf);
  return cdf + x * pdf;  // d/dx [x Phi(x)] = Phi(x) + x phi(x)
}

void gelu_forward(int64_t n, const float* x, float* y) {
#pragma omp parallel for schedule(static) if (n > kParallelElements / 4)
  for (int64_t i = 0; i < n; ++i) y[i] = gelu(x[i]);
}

void gelu_backward(int64_t n, const float* x, const float* dy, float* dx) {
#pragma omp parallel for schedule(static) if (n > kParallelElements / 4)
  for (int64_t i = 0; i < n; ++i) dx[i] = dy[i] * gelu_derivative(x[i]);
}

void gelu_forward_slope(int64_t n, float* x, float* y) {
#pragma omp parallel for schedule(static) if (n > kParallelElements / 4)
  for (int64_t i = 0; i < n; ++i) {
    const float xi = x[i];
    float cdf, pdf;
    normal_cdf_pdf(xi, cdf, pdf);
    y[i] = xi * cdf;         // as gelu()
    x[i] = cdf + xi * pdf;   // as gelu_derivative()
  }
}

void mul(int64_t n, const float* a, const float* b, float* y) {
#pragma omp parallel for schedule(static) if (n > kParallelElements)
  for (int64_t i = 0; i < n; ++i) y[i] = a[i] * b[i];
}

namespace {

// min(x, 0) and max(x, 0) as bit arithmetic (a ternary or std::min stops vectorisation):
// a negative float has its sign bit set, so b >> 31 is all ones exactly for those.
inline float min_zero(float x) {
  const int32_t b = std::bit_cast<int32_t>(x);
  return std::bit_cast<float>(b & (b >> 31));
}
inline float max_zero(float x) {
  const int32_t b = std::bit_cast<int32_t>(x);
  return std::bit_cast<float>(b & ~(b >> 31));
}

}  // namespace

void elu_forward(int64_t n, const float* x, float* y) {
#pragma omp parallel for schedule(static) if (n > kParallelElements)
  for (int64_t i = 0; i < n; ++i) {
    // e^min(x, 0) - 1 (0 for x >= 0), the exponent clamped to exp_nonpositive's range: as
    // unsigned bits, 0 and the negative floats order by magnitude (e^-87 - 1 is -1 in float)
    const uint32_t neg = std::bit_cast<uint32_t>(min_zero(x[i]));
    const float m = std::bit_cast<float>(std::min(neg, std::bit_cast<uint32_t>(-87.0f)));
    y[i] = max_zero(x[i]) + (exp_nonpositive(m) - 1.0f);
  }
}

void elu_backward(int64_t n, const float* y, const float* dy, float* dx) {
#pragma omp parallel for schedule(static) if (n > kParallelElements)
  for (int64_t i = 0; i < n; ++i) dx[i] = dy[i] * (1.0f + min_zero(y[i]));  // e^x = y + 1 below 0
}

void layer_norm_row(int C, const float* x, const float* gamma, const float* beta, float eps,
                    float* y, float* mean, float* rstd) {
  const float m = lane_sum(C, [&](int c) { return x[c]; }) / static_cast<float>(C);
  // Two-pass variance: no cancellation when |mean| >> std.
  const float sq = lane_sum(C, [&](int c) { return (x[c] - m) * (x[c] - m); });
  const float r = 1.0f / std::sqrt(sq / static_cast<float>(C) + eps);
  for (int c = 0; c < C; ++c) y[c] = (x[c] - m) * r * gamma[c] + beta[c];
  *mean = m;
  *rstd = r;
}

void layer_norm_row_backward(int C, const float* x, const float* gamma, float mean, float rstd,
                             const float* dy, float* dx, const float* dadd) {
  // With xhat = (x - mean) * rstd and g = dy * gamma:
  // dx = rstd * (g - mean(g) - xhat * mean(g * xhat))
  const float sum_g = lane_sum(C, [&](int c) { return dy[c] * gamma[c]; });
  const float sum_gx = lane_sum(C, [&](int c) { return dy[c] * gamma[c] * (x[c] - mean) * rstd; });
  const float inv_c = 1.0f / static_cast<float>(C);
  const float mean_g = sum_g * inv_c, mean_gx = sum_gx * inv_c;
  auto grad = [&](int c) {
    const float xhat = (x[c] - mean) * rstd;
    return rstd * (dy[c] * gamma[c] - mean_g - xhat * mean_gx);
  };
  if (dadd)  // two loops, so that each vectorises without a per-element test
    for (int c = 0; c < C; ++c) dx[c] = dadd[c] + grad(c);
  else
    for (int c = 0; c < C; ++c) dx[c] = grad(c);
}

}  // namespace attn::ops
