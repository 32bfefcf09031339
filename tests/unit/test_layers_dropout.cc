#include <doctest/doctest.h>

#include <stdexcept>
#include <vector>

#include "attn/layers/dropout.h"
#include "attn/parallel.h"
#include "layers_gradcheck.h"

using namespace attn;

TEST_CASE("dropout keeps about 1 - p of the elements, scaled by 1 / (1 - p)") {
  const int64_t n = 200000;
  std::vector<float> x(n, 2.0f), y(n);
  Dropout drop("enc.drop", 0.3f);
  drop.forward(n, x.data(), y.data(), {.training = true, .seed = 11});
  int64_t kept = 0;
  for (float v : y) {
    if (v != 0.0f) {
      ++kept;
      REQUIRE(v == doctest::Approx(2.0f / 0.7f).epsilon(1e-6));
    }
  }
  CHECK(double(kept) / n == doctest::Approx(0.7).epsilon(0.01));
}

TEST_CASE("dropout masks depend on seed and name, never on the thread count") {
  const int64_t n = 100000;  // large enough for the parallel path
  std::vector<float> x(n, 1.0f), a(n), b(n), c(n), d(n);
  Dropout drop("enc.layers.0.drop1", 0.5f), other("enc.layers.1.drop1", 0.5f);
  const int saved = threads();
  set_threads(1);
  drop.forward(n, x.data(), a.data(), {.training = true, .seed = 5});
  set_threads(2);
  drop.forward(n, x.data(), b.data(), {.training = true, .seed = 5});
  set_threads(saved);
  CHECK(a == b);
  drop.forward(n, x.data(), c.data(), {.training = true, .seed = 6});
  other.forward(n, x.data(), d.data(), {.training = true, .seed = 5});
  CHECK(a != c);
  CHECK(a != d);
}

TEST_CASE("dropout_scales gives hashed_uniform's mask, 8 at a time and in the tail") {
  for (const float p : {0.0f, 0.25f, 0.6f, 0.999f}) {
    for (const uint64_t first : {uint64_t{0}, uint64_t{3}, uint64_t{1} << 33}) {
      const int64_t n = 45;  // five vectors and a tail of 5
      std::vector<float> scale(n);
      dropout_scales(7, 0xabcdef12345ull, p, first, n, scale.data());
      for (int64_t t = 0; t < n; ++t) {
        const float u = hashed_uniform(7, 0xabcdef12345ull, first + t);
        REQUIRE(scale[t] == (u >= p ? 1.0f / (1.0f - p) : 0.0f));
      }
    }
  }
  // and Dropout's own mask is the same function of the element index
  Dropout drop("d", 0.5f);
  std::vector<float> x(1000, 1.0f), y(1000);
  drop.forward(1000, x.data(), y.data(), {.training = true, .seed = 3});
  for (int64_t i = 0; i < 1000; ++i) REQUIRE(y[i] == drop.scale_at(3, i));
}

TEST_CASE("dropout is the identity at inference or with p = 0") {
  std::vector<float> x{1, 2, 3, 4}, y(4);
  Dropout("d", 0.5f).forward(4, x.data(), y.data(), {.training = false, .seed = 1});
  CHECK(y == x);
  Dropout("d", 0.0f).forward(4, x.data(), y.data(), {.training = true, .seed = 1});
  CHECK(y == x);
  Dropout().forward(4, x.data(), y.data(), {.training = true, .seed = 1});
  CHECK(y == x);
  CHECK_THROWS_AS(Dropout("d", 1.0f), std::invalid_argument);
}

TEST_CASE("dropout backward uses the forward's mask") {
  Rng rng(3);
  const int n = 50;
  const RunContext ctx{.training = true, .seed = 9};
  Dropout drop("d", 0.4f);
  std::vector<float> x = attn::testing::random_vector(n, rng),
                     w = attn::testing::random_vector(n, rng);
  std::vector<float> y(n), dx(n);
  drop.backward(n, w.data(), dx.data(), ctx);
  auto loss = [&] {
    drop.forward(n, x.data(), y.data(), ctx);
    return attn::testing::weighted_sum(y, w);
  };
  CHECK(attn::testing::check_gradient("x", x.data(), dx.data(), n, loss) == 0);
  int zeros = 0;
  for (float g : dx) zeros += g == 0.0f;
  CHECK(zeros > 0);  // some elements really were dropped
  CHECK(zeros < n);
}
