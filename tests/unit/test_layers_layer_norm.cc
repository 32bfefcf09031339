#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "attn/layers/layer_norm.h"
#include "layers_gradcheck.h"

using namespace attn;
using attn::testing::random_vector;
using attn::testing::weighted_sum;

TEST_CASE("layer norm normalises each row and keeps mean and rstd") {
  Rng rng(1);
  const int T = 4, C = 6;
  LayerNorm ln("n", C);
  CHECK(ln.weight.name == "n.weight");
  CHECK(ln.bias.name == "n.bias");
  CHECK_FALSE(ln.weight.decay);
  CHECK_FALSE(ln.bias.decay);
  std::vector<float> x = random_vector(T * C, rng, 3.0f), y(T * C);
  for (int c = 0; c < C; ++c) x[c] += 1000.0f;  // a large offset must not hurt the variance
  LayerNorm::Cache cache;
  ln.forward(T, x.data(), y.data(), &cache);
  for (int t = 0; t < T; ++t) {
    double m = 0, v = 0;
    for (int c = 0; c < C; ++c) m += x[t * C + c];
    m /= C;
    for (int c = 0; c < C; ++c) v += (x[t * C + c] - m) * (x[t * C + c] - m);
    v /= C;
    CHECK(cache.mean[t] == doctest::Approx(m).epsilon(1e-6));
    CHECK(cache.rstd[t] == doctest::Approx(1.0 / std::sqrt(v + 1e-5)).epsilon(1e-4));
    for (int c = 0; c < C; ++c)
      CHECK(y[t * C + c] ==
            doctest::Approx((x[t * C + c] - m) / std::sqrt(v + 1e-5)).epsilon(1e-3));
  }
  // Inference without a cache gives the same output, also in place.
  std::vector<float> z = x;
  ln.forward(T, z.data(), z.data(), nullptr);
  CHECK(z == y);
}

TEST_CASE("layer norm backward matches finite differences") {
  Rng rng(2);
  const int T = 9, C = 5;  // ragged lengths 3,1,5 packed: layer norm is row-wise anyway
  LayerNorm ln("n", C);
  attn::testing::randomize(ln.weight, rng, 1.5f);
  attn::testing::randomize(ln.bias, rng, 0.5f);
  std::vector<float> x = random_vector(T * C, rng, 2.0f), w = random_vector(T * C, rng);
  std::vector<float> y(T * C), dx(T * C);
  LayerNorm::Cache cache;
  auto loss = [&] {
    ln.forward(T, x.data(), y.data(), nullptr);
    return weighted_sum(y, w);
  };
  ln.forward(T, x.data(), y.data(), &cache);
  ParameterList params;
  ln.collect(params);
  attn::testing::check_parameter_gradients(
      params, [&] { ln.backward(T, x.data(), w.data(), dx.data(), cache); }, loss);
  CHECK(attn::testing::check_gradient("x", x.data(), dx.data(), T * C, loss) == 0);
  // dx may alias dy.
  std::vector<float> inplace = w;
  ln.backward(T, x.data(), inplace.data(), inplace.data(), cache);
  CHECK(inplace == dx);
  // With dadd: dx = dadd + the same gradient, in one pass; dadd may alias dx.
  const std::vector<float> dadd = random_vector(T * C, rng);
  std::vector<float> sum(T * C), into = dadd;
  ln.backward(T, x.data(), w.data(), sum.data(), cache, dadd.data());
  ln.backward(T, x.data(), w.data(), into.data(), cache, into.data());
  for (int i = 0; i < T * C; ++i) CHECK(sum[i] == doctest::Approx(dadd[i] + dx[i]).epsilon(1e-6));
  CHECK(into == sum);
}
