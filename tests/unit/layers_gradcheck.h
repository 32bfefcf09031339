#pragma once
// Finite-difference gradient checks for the layer tests. The scalar loss is
// L = sum_i w_i * y_i with fixed random w, so dL/dy = w is the upstream gradient.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "attn/attention.h"
#include "attn/parameter.h"
#include "attn/rng.h"

namespace attn::testing {

// GELU in its exact erf form, in double: what the layers' float GELU approximates.
inline double gelu_reference(double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); }

inline std::vector<float> random_vector(int64_t n, Rng& rng, float scale = 1.0f) {
  std::vector<float> v(n);
  for (float& x : v) x = rng.uniform(-scale, scale);
  return v;
}

inline void randomize(Parameter& p, Rng& rng, float scale) {
  for (float& x : p.value.storage()) x = rng.uniform(-scale, scale);
}

inline double weighted_sum(const std::vector<float>& y, const std::vector<float>& w) {
  REQUIRE(y.size() == w.size());
  double s = 0.0;
  for (size_t i = 0; i < y.size(); ++i) s += static_cast<double>(y[i]) * w[i];
  return s;
}

struct GradCheckOptions {
  float eps = 1e-2f;
  double rtol = 1e-2;
  double atol = 2e-3;
  int max_checks = 48;  // elements checked per buffer, spread evenly over it
};

// Compares analytic[i] with the central difference of loss() when values[i] moves by +-eps.
// Returns the number of mismatches (each is also reported as a failed CHECK).
inline int check_gradient(const std::string& what, float* values, const float* analytic, int64_t n,
                          const std::function<double()>& loss, const GradCheckOptions& opt = {}) {
  int bad = 0;
  const int64_t step = std::max<int64_t>(1, n / opt.max_checks);
  for (int64_t i = 0; i < n; i += step) {
    const float saved = values[i];
    values[i] = saved + opt.eps;
    const double up = loss();
    values[i] = saved - opt.eps;
    const double down = loss();
    values[i] = saved;
    const double numeric = (up - down) / (2.0 * opt.eps);
    const double a = analytic[i];
    const bool ok =
        std::abs(numeric - a) <= opt.atol + opt.rtol * std::max(std::abs(numeric), std::abs(a));
    if (!ok) {
      ++bad;
      INFO(what << "[" << i << "]: analytic " << a << " numeric " << numeric);
      CHECK(ok);
    }
  }
  return bad;
}

// Every parameter of a layer: zero the gradients, run backward once (caller's `backward`),
// then compare each parameter's gradient with finite differences of loss().
inline void check_parameter_gradients(const ParameterList& params,
                                      const std::function<void()>& backward,
                                      const std::function<double()>& loss,
                                      const GradCheckOptions& opt = {}) {
  for (Parameter* p : params) p->zero_grad();
  backward();
  for (Parameter* p : params) {
    const std::vector<float> grad = p->grad.storage();  // copy: loss() must not change it
    float largest = 0.0f;
    for (float g : grad) largest = std::max(largest, std::abs(g));
    CHECK_MESSAGE(largest > 0.0f, p->name << " got no gradient at all");
    CHECK_MESSAGE(
        check_gradient(p->name, p->value.data(), grad.data(), p->value.size(), loss, opt) == 0,
        p->name);
  }
}

// A packed batch given by its row offsets, e.g. {0, 3, 4, 6}.
inline Segments segments(const std::vector<int32_t>& offsets) {
  Segments s;
  s.offsets = offsets;
  return s;
}

}  // namespace attn::testing
