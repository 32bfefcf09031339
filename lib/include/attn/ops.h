#pragma once
// Small element-wise and row kernels shared by the layers. Raw pointers and sizes, loops
// the compiler can vectorise; parallel over rows (static schedule) when the work is large.
// Every reduction runs in a fixed order, so results depend at most on the thread count.
#include <algorithm>
#include <cstdint>
#include <utility>

namespace attn::ops {

// y[i] += a * x[i]
void axpy(int64_t n, float a, const float* x, float* y);
// y[i] = a[i] + b[i]   (y may alias a or b)
void add(int64_t n, const float* a, const float* b, float* y);
// y[i] += x[i]
void add_to(int64_t n, const float* x, float* y);
// sum[j] += sum_t x[t*N + j]   x: (T, N), sum: (N); each column summed in row order.
void add_column_sums(int T, int N, const float* x, float* sum);
// How column reductions share N columns among threads: one contiguous range per thread, in
// units of 16 columns (so a width of 64 still gives two threads work), each range summed in
// passes of up to 64 columns over the rows.
struct ColumnSplit {
  static constexpr int kUnit = 16;
  int N = 0, parts = 1;
  static ColumnSplit of(int N, bool parallel);
  std::pair<int, int> range(int part) const {  // columns [first, second) of this part
    const int units = (N + kUnit - 1) / kUnit;
    return {std::min(N, kUnit * (units * part / parts)), std::min(N, kUnit * (units * (part + 1) / parts))};
  }
  // sum[c] += term(t, c) over t = 0 .. T-1 in order, for the columns c of this part.
  template <class Term>
  void add_sums(int part, int T, float* sum, Term term) const {
    const auto [lo, hi] = range(part);
    for (int c0 = lo; c0 < hi;) {
      const int left = hi - c0;
      if (left >= 64) c0 = pass<64>(T, c0, sum, term);
      else if (left >= 32) c0 = pass<32>(T, c0, sum, term);
      else if (left >= 16) c0 = pass<16>(T, c0, sum, term);
      else c0 = pass<1>(T, c0, sum, term);
    }
  }

 private:
  // W columns from c0 over all rows, with a constant trip count, so the sums stay in
  // registers; returns the next column.
  template <int W, class Term>
  static int pass(int T, int c0, float* sum, Term term) {
    float acc[W];
    std::copy(sum + c0, sum + c0 + W, acc);
    for (int t = 0; t < T; ++t)
      for (int j = 0; j < W; ++j) acc[j] += term(t, c0 + j);
    std::copy(acc, acc + W, sum + c0);
    return c0 + W;
  }
};
// y[t*N + j] = row[j]   y: (T, N)
void broadcast_rows(int T, int N, const float* row, float* y);

// Numerically stable softmax over each row (classifier probabilities, attn::probabilities).
//   x, y: (rows, n), y may alias x.
void softmax_rows(int rows, int n, const float* x, float* y);
// dx = y * (dy - sum_j dy_j y_j) per row, from the softmax output y.   dx may alias dy.
void softmax_rows_backward(int rows, int n, const float* y, const float* dy, float* dx);

// GELU, exact erf form: x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), as torch's default (not the
// tanh approximation). Phi is evaluated by a vectorisable approximation within about one float
// rounding of the true value (|error| < 2e-7 * max(1, |x|)).
float gelu(float x);
float gelu_derivative(float x);
void gelu_forward(int64_t n, const float* x, float* y);                     // y may alias x
void gelu_backward(int64_t n, const float* x, const float* dy, float* dx);  // dx = dy * gelu'(x)
// Training's forward: y = gelu(x) and x = gelu'(x), in place, from one evaluation of Phi and
// phi, so that backward is dx = dy * gelu'(x) (ops::mul) with no second erf. y must not alias x.
void gelu_forward_slope(int64_t n, float* x, float* y);
// y[i] = a[i] * b[i]   (y may alias a or b)
void mul(int64_t n, const float* a, const float* b, float* y);

// ELU (alpha 1): y = x for x > 0, else e^x - 1 (absolute error < 1e-7), vectorised; the
// derivative from the output is 1 for y > 0, else y + 1.
void elu_forward(int64_t n, const float* x, float* y);                  // y may alias x
void elu_backward(int64_t n, const float* y, const float* dy, float* dx);  // dx may alias dy

// Layer norm of one row of C values: y = (x - mean) * rstd * gamma + beta, with
// rstd = 1 / sqrt(var + eps) and the biased variance (as torch). Writes mean and rstd.
void layer_norm_row(int C, const float* x, const float* gamma, const float* beta, float eps,
                    float* y, float* mean, float* rstd);
// Gradient of layer_norm_row with respect to x (overwrites dx, or dx = dadd + it when dadd is
// given; dx may alias dy and dadd); gamma/beta gradients are column sums done by the caller
// (see LayerNorm::backward) so they stay in a fixed order.
void layer_norm_row_backward(int C, const float* x, const float* gamma, float mean, float rstd,
                             const float* dy, float* dx, const float* dadd = nullptr);

}  // namespace attn::ops
