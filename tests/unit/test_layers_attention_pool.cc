#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "attn/layers/attention_pool.h"
#include "attn/layers/pooling.h"
#include "layers_gradcheck.h"

using attn::testing::check_gradient;
using attn::testing::random_vector;
using attn::testing::segments;
using attn::testing::weighted_sum;

TEST_CASE("AttentionPool: starts as mean pooling, then weighs rows by softmax(x . w)") {
  const int C = 2;
  const attn::Segments segs = segments({0, 3, 3, 4});  // three rows, none, one
  const std::vector<float> x{1, 2, 3, 4, 5, 9, 7, 8};
  attn::AttentionPool pool("pool", C);
  CHECK(pool.weight.name == "pool.weight");
  CHECK(pool.weight.decay);
  std::vector<float> y(3 * C, -1.0f);
  attn::AttentionPool::Cache cache;
  pool.forward(segs, x.data(), y.data(), &cache);
  CHECK(y[0] == doctest::Approx(3.0));  // w = 0: every row weighs 1/3
  CHECK(y[1] == doctest::Approx(5.0));
  CHECK(y[2] == 0.0f);  // the empty segment
  CHECK(y[3] == 0.0f);
  CHECK(y[4] == 7.0f);
  CHECK(y[5] == 8.0f);
  // Scores with w = (ln 2, 0): x_t . w = ln 2 * (1, 3, 5), so the weights are 2, 8, 32 over 42.
  pool.weight.value.data()[0] = std::log(2.0f);
  pool.forward(segs, x.data(), y.data(), &cache);
  CHECK(cache.weights[0] == doctest::Approx(2.0 / 42));
  CHECK(cache.weights[2] == doctest::Approx(32.0 / 42));
  CHECK(y[0] == doctest::Approx((2 * 1 + 8 * 3 + 32 * 5) / 42.0));
  CHECK(y[1] == doctest::Approx((2 * 2 + 8 * 4 + 32 * 9) / 42.0));
  CHECK(cache.weights[3] == 1.0f);  // a one-row segment reads its row whole
  CHECK(y[4] == 7.0f);
  // Large scores do not overflow: the softmax subtracts the segment's top score.
  pool.weight.value.data()[0] = 500.0f;
  pool.forward(segs, x.data(), y.data(), nullptr);
  CHECK(y[0] == doctest::Approx(5.0));
  CHECK(y[1] == doctest::Approx(9.0));
}

TEST_CASE("AttentionPool: backward overwrites dx and matches finite differences for x and w") {
  attn::Rng rng(21);
  const int C = 3;
  const attn::Segments segs = segments({0, 4, 5, 5, 9});
  const int T = segs.total(), B = segs.count();
  attn::AttentionPool pool("pool", C);
  attn::testing::randomize(pool.weight, rng, 1.0f);
  std::vector<float> x = random_vector(T * C, rng);
  const std::vector<float> w = random_vector(B * C, rng);
  attn::AttentionPool::Cache cache;
  std::vector<float> y(B * C);
  pool.forward(segs, x.data(), y.data(), &cache);
  std::vector<float> dx(T * C, std::numeric_limits<float>::quiet_NaN());
  pool.weight.zero_grad();
  pool.backward(segs, x.data(), w.data(), dx.data(), cache);
  for (float g : dx) CHECK(std::isfinite(g));
  auto loss = [&] {
    pool.forward(segs, x.data(), y.data(), nullptr);
    return weighted_sum(y, w);
  };
  CHECK(check_gradient("dx", x.data(), dx.data(), T * C, loss, {.max_checks = T * C}) == 0);
  CHECK(check_gradient("dw", pool.weight.value.data(), pool.weight.grad.data(), C, loss) == 0);
  // A second backward adds to the weight's gradient.
  const std::vector<float> first(pool.weight.grad.data(), pool.weight.grad.data() + C);
  pool.backward(segs, x.data(), w.data(), dx.data(), cache);
  for (int c = 0; c < C; ++c) CHECK(pool.weight.grad.data()[c] == doctest::Approx(2 * first[c]));
}

TEST_CASE("AttentionPool: bad arguments") {
  CHECK_THROWS_AS(attn::AttentionPool("pool", 0), std::invalid_argument);
  attn::AttentionPool pool("pool", 2);
  const std::vector<float> x(4, 1.0f), dy(2, 1.0f);
  std::vector<float> y(2), dx(4);
  CHECK_THROWS_AS(pool.forward(segments({0, 2, 1}), x.data(), y.data(), nullptr), std::invalid_argument);
  attn::AttentionPool::Cache empty;
  CHECK_THROWS_AS(pool.backward(segments({0, 2}), x.data(), dy.data(), dx.data(), empty), std::logic_error);
  // The parameterless Pooling refuses the kind that needs this layer.
  CHECK_THROWS_AS(attn::Pooling(attn::PoolKind::Attention).forward(segments({0, 2}), x.data(), 2, y.data()),
                  std::invalid_argument);
}
