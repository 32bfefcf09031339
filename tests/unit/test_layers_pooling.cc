#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "attn/layers/pooling.h"
#include "layers_gradcheck.h"

using attn::PoolKind;
using attn::testing::check_gradient;
using attn::testing::random_vector;
using attn::testing::weighted_sum;

using attn::testing::segments;

TEST_CASE("Pooling: CLS takes each segment's first row, mean averages its rows") {
  const int C = 2;
  const attn::Segments segs = segments({0, 3, 4, 6});
  const std::vector<float> x{1, 2, 3, 4, 5, 9, 7, 8, 10, 20, 30, 40};
  std::vector<float> y(3 * C);
  attn::Pooling(PoolKind::Cls).forward(segs, x.data(), C, y.data());
  CHECK(y == std::vector<float>{1, 2, 7, 8, 10, 20});
  attn::Pooling(PoolKind::Mean).forward(segs, x.data(), C, y.data());
  CHECK(y[0] == doctest::Approx(3.0));
  CHECK(y[1] == doctest::Approx(5.0));
  CHECK(y[2] == 7.0f);
  CHECK(y[3] == 8.0f);
  CHECK(y[4] == 20.0f);
  CHECK(y[5] == 30.0f);
}

TEST_CASE("Pooling: empty segments: mean gives zeros, CLS throws") {
  const int C = 2;
  const attn::Segments segs = segments({0, 1, 1});
  const std::vector<float> x{3, 4};
  std::vector<float> y(4, -1.0f);
  attn::Pooling(PoolKind::Mean).forward(segs, x.data(), C, y.data());
  CHECK(y == std::vector<float>{3, 4, 0, 0});
  CHECK_THROWS_AS(attn::Pooling(PoolKind::Cls).forward(segs, x.data(), C, y.data()),
                  std::invalid_argument);
  const std::vector<float> dy(4, 1.0f);
  std::vector<float> dx(2);
  CHECK_THROWS_AS(attn::Pooling(PoolKind::Cls).backward(segs, x.data(), dy.data(), C, dx.data()),
                  std::invalid_argument);
  CHECK_THROWS_AS(
      attn::Pooling(PoolKind::Mean).forward(segments({0, 2, 1}), x.data(), C, y.data()),
      std::invalid_argument);
}

TEST_CASE("Pooling: max takes each column's largest value, mean-max puts mean and max side by side") {
  const int C = 2;
  const attn::Segments segs = segments({0, 3, 3, 4});
  const std::vector<float> x{1, 9, 3, -4, 2, 5, -7, -8};
  std::vector<float> y(3 * C, -1.0f);
  attn::Pooling(PoolKind::Max).forward(segs, x.data(), C, y.data());
  CHECK(y == std::vector<float>{3, 9, 0, 0, -7, -8});  // the empty segment: zeros
  CHECK(attn::Pooling(PoolKind::MeanMax).out_channels(C) == 2 * C);
  std::vector<float> z(3 * 2 * C, -1.0f);
  attn::Pooling(PoolKind::MeanMax).forward(segs, x.data(), C, z.data());
  CHECK(z[0] == doctest::Approx(2.0));
  CHECK(z[1] == doctest::Approx(10.0 / 3));
  CHECK(z[2] == 3.0f);
  CHECK(z[3] == 9.0f);
  CHECK(std::vector<float>(z.begin() + 4, z.begin() + 8) == std::vector<float>{0, 0, 0, 0});
  CHECK(std::vector<float>(z.begin() + 8, z.end()) == std::vector<float>{-7, -8, -7, -8});
  // backward: the whole dy of a column goes to its arg-max row (the first one on ties)
  const std::vector<float> tie{2, 1, 2, 1};
  const std::vector<float> dy{5, 6};
  std::vector<float> dx(4, -1.0f);
  attn::Pooling(PoolKind::Max).backward(segments({0, 2}), tie.data(), dy.data(), C, dx.data());
  CHECK(dx == std::vector<float>{5, 6, 0, 0});
}

TEST_CASE("Pooling: backward overwrites dx and matches finite differences") {
  attn::Rng rng(12);
  const int C = 3;
  const attn::Segments segs = segments({0, 4, 5, 9});
  const int T = segs.total(), B = segs.count();
  for (PoolKind kind : {PoolKind::Cls, PoolKind::Mean, PoolKind::Max, PoolKind::MeanMax}) {
    CAPTURE(int(kind));
    const attn::Pooling pool(kind);
    const int Y = pool.out_channels(C);
    // Max: with these seeded values no two in a column lie within the finite-difference step,
    // so the step never moves a column's arg-max (where the max is not differentiable).
    std::vector<float> x = random_vector(T * C, rng);
    const std::vector<float> w = random_vector(B * Y, rng);
    std::vector<float> dx(T * C, std::numeric_limits<float>::quiet_NaN());
    pool.backward(segs, x.data(), w.data(), C, dx.data());
    for (float g : dx) CHECK(std::isfinite(g));
    std::vector<float> y(B * Y);
    auto loss = [&] {
      pool.forward(segs, x.data(), C, y.data());
      return weighted_sum(y, w);
    };
    CHECK(check_gradient("dx", x.data(), dx.data(), T * C, loss, {.max_checks = T * C}) == 0);
    if (kind == PoolKind::Cls) {
      CHECK(dx[1 * C] == 0.0f);  // row 1 is not a first row
      CHECK(dx[4 * C + 2] == w[1 * C + 2]);
    } else if (kind == PoolKind::Mean) {
      CHECK(dx[6 * C + 1] == doctest::Approx(w[2 * C + 1] / 4));
    } else if (kind == PoolKind::Max) {
      CHECK(dx[4 * C + 2] == w[1 * C + 2]);  // a one-row segment: its row is the max
    }
  }
}
