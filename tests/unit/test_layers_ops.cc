#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "attn/layers/activation.h"
#include "attn/ops.h"
#include "attn/parallel.h"
#include "layers_gradcheck.h"

using namespace attn;
using attn::testing::random_vector;
using attn::testing::weighted_sum;

TEST_CASE("gelu matches the erf form at known points") {
  // torch.nn.functional.gelu(torch.tensor([-3., -1., 0., 0.5, 1., 3.]))
  const float x[] = {-3.0f, -1.0f, 0.0f, 0.5f, 1.0f, 3.0f};
  const float ref[] = {-0.00404969f, -0.15865526f, 0.0f, 0.34573123f, 0.84134474f, 2.99595031f};
  float y[6];
  Gelu::forward(6, x, y);
  for (int i = 0; i < 6; ++i) CHECK(std::abs(y[i] - ref[i]) < 1e-6f);
}

TEST_CASE("gelu and its derivative are accurate over the whole float range") {
  double worst = 0.0, worst_derivative = 0.0;
  for (int i = -200000; i <= 200000; ++i) {
    const float x = static_cast<float>(i) * 1e-4f;  // [-20, 20]
    const double xd = x, cdf = 0.5 * std::erfc(-xd / std::sqrt(2.0));
    const double pdf = std::exp(-0.5 * xd * xd) / std::sqrt(2.0 * 3.14159265358979323846);
    worst = std::max(worst, std::abs(ops::gelu(x) - xd * cdf) / std::max(1.0, std::abs(xd)));
    worst_derivative =
        std::max(worst_derivative, std::abs(ops::gelu_derivative(x) - (cdf + xd * pdf)));
  }
  CHECK(worst < 2e-7);  // about one float rounding
  CHECK(worst_derivative < 1e-6);
  // The tail is computed directly, not as 1 + erf(x / sqrt 2) (which is 0 in float there).
  CHECK(ops::gelu(-6.0f) == doctest::Approx(-6.0 * 9.8658765e-10).epsilon(1e-2));
  // Vectorised and scalar paths agree.
  std::vector<float> x(1000), y(1000);
  for (int i = 0; i < 1000; ++i) x[i] = static_cast<float>(i - 500) * 0.013f;
  Gelu::forward(1000, x.data(), y.data());
  for (int i = 0; i < 1000; ++i) REQUIRE(y[i] == ops::gelu(x[i]));
}

TEST_CASE("the training forward keeps gelu' bit for bit, and backward from it is the same") {
  Rng rng(4);
  const int n = 5000;  // parallel and vectorised, with a tail
  std::vector<float> x = random_vector(n, rng, 6.0f), slope = x, y(n), dy = random_vector(n, rng);
  Gelu::forward_keep_slope(n, slope.data(), y.data());
  std::vector<float> from_x(n), from_slope(n);
  Gelu::backward(n, x.data(), dy.data(), from_x.data());
  Gelu::backward_from_slope(n, slope.data(), dy.data(), from_slope.data());
  for (int i = 0; i < n; ++i) {
    REQUIRE(y[i] == ops::gelu(x[i]));
    REQUIRE(slope[i] == ops::gelu_derivative(x[i]));
  }
  CHECK(from_slope == from_x);
}

TEST_CASE("gelu backward matches finite differences") {
  Rng rng(3);
  const int n = 64;
  std::vector<float> x = random_vector(n, rng, 4.0f), w = random_vector(n, rng), y(n), dx(n);
  Gelu::backward(n, x.data(), w.data(), dx.data());
  auto loss = [&] {
    Gelu::forward(n, x.data(), y.data());
    return weighted_sum(y, w);
  };
  CHECK(attn::testing::check_gradient("x", x.data(), dx.data(), n, loss, {.eps = 1e-3f}) == 0);
}

TEST_CASE("elu is x above 0 and e^x - 1 below, within 1e-7, and its backward uses the output") {
  std::vector<float> x, y, dy, dx;
  for (int i = -400000; i <= 100000; ++i) x.push_back(static_cast<float>(i) * 2.5e-4f);  // [-100, 25]
  x.push_back(-1e30f);
  x.push_back(1e-30f);
  const int64_t n = static_cast<int64_t>(x.size());
  y.resize(n);
  ops::elu_forward(n, x.data(), y.data());
  double worst = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    if (x[i] > 0.0f) REQUIRE(y[i] == x[i]);
    worst = std::max(worst, std::abs(y[i] - (x[i] > 0.0f ? double(x[i]) : std::expm1(double(x[i])))));
  }
  CHECK(worst < 1e-7);
  dy.assign(n, 2.0f);
  dx.resize(n);
  ops::elu_backward(n, y.data(), dy.data(), dx.data());
  for (int64_t i = 0; i < n; i += 997)
    REQUIRE(dx[i] == doctest::Approx(x[i] > 0.0f ? 2.0 : 2.0 * std::exp(double(x[i]))).epsilon(1e-5));
}

TEST_CASE("softmax rows sum to one and backward matches finite differences") {
  Rng rng(4);
  const int rows = 3, n = 7;
  std::vector<float> x = random_vector(rows * n, rng, 3.0f), w = random_vector(rows * n, rng);
  x[0] = 80.0f;  // large logits must not overflow
  std::vector<float> y(rows * n), dx(rows * n);
  ops::softmax_rows(rows, n, x.data(), y.data());
  for (int r = 0; r < rows; ++r) {
    double s = 0.0;
    for (int j = 0; j < n; ++j) s += y[r * n + j];
    CHECK(s == doctest::Approx(1.0).epsilon(1e-6));
  }
  CHECK(y[0] == doctest::Approx(1.0f).epsilon(1e-6));
  x[0] = 0.3f;
  ops::softmax_rows(rows, n, x.data(), y.data());
  ops::softmax_rows_backward(rows, n, y.data(), w.data(), dx.data());
  auto loss = [&] {
    std::vector<float> out(rows * n);
    ops::softmax_rows(rows, n, x.data(), out.data());
    return weighted_sum(out, w);
  };
  CHECK(attn::testing::check_gradient("x", x.data(), dx.data(), rows * n, loss, {.eps = 1e-3f}) ==
        0);
}

TEST_CASE("column sums do not depend on the thread count") {
  Rng rng(5);
  const int T = 700, N = 130;  // large enough for the parallel path
  std::vector<float> x = random_vector(int64_t{T} * N, rng);
  std::vector<double> ref(N, 0.0);
  for (int t = 0; t < T; ++t)
    for (int j = 0; j < N; ++j) ref[j] += x[t * N + j];
  const int saved = threads();
  std::vector<float> one(N, 1.0f), two(N, 1.0f);
  set_threads(1);
  ops::add_column_sums(T, N, x.data(), one.data());
  set_threads(2);
  ops::add_column_sums(T, N, x.data(), two.data());
  set_threads(saved);
  CHECK(one == two);
  for (int j = 0; j < N; ++j) CHECK(one[j] == doctest::Approx(ref[j] + 1.0).epsilon(1e-4));
}

TEST_CASE("axpy, add and broadcast_rows") {
  std::vector<float> x{1, 2, 3}, y{10, 20, 30}, z(3);
  ops::axpy(3, 2.0f, x.data(), y.data());
  CHECK(y == std::vector<float>{12, 24, 36});
  ops::add(3, x.data(), y.data(), z.data());
  CHECK(z == std::vector<float>{13, 26, 39});
  ops::add_to(3, x.data(), z.data());
  CHECK(z == std::vector<float>{14, 28, 42});
  std::vector<float> rows(6);
  ops::broadcast_rows(2, 3, x.data(), rows.data());
  CHECK(rows == std::vector<float>{1, 2, 3, 1, 2, 3});
}
