#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "attn/layers/positional.h"
#include "attn/parallel.h"
#include "layers_gradcheck.h"

using attn::testing::check_parameter_gradients;
using attn::testing::random_vector;
using attn::testing::weighted_sum;

using attn::testing::segments;

TEST_CASE("SinusoidalPositions: the classic table, values by hand") {
  const int C = 6;
  attn::SinusoidalPositions pe(C, 50);
  // p = 0: sin 0 = 0 on even columns, cos 0 = 1 on odd ones.
  for (int c = 0; c < C; ++c) CHECK(pe.row(0)[c] == (c % 2 ? 1.0f : 0.0f));
  // p = 7: frequencies 1, 10000^(-2/6), 10000^(-4/6).
  const double p = 7;
  const double freq[3] = {1.0, std::pow(10000.0, -2.0 / 6), std::pow(10000.0, -4.0 / 6)};
  for (int i = 0; i < 3; ++i) {
    CHECK(pe.row(7)[2 * i] == doctest::Approx(std::sin(p * freq[i])).epsilon(1e-6));
    CHECK(pe.row(7)[2 * i + 1] == doctest::Approx(std::cos(p * freq[i])).epsilon(1e-6));
  }
  CHECK(pe.row(7)[0] == doctest::Approx(0.6569865987));  // sin(7)
  CHECK(pe.row(7)[1] == doctest::Approx(0.7539022543));  // cos(7)

  // An odd width ends with a sin column of the next frequency.
  attn::SinusoidalPositions odd(5, 4);
  CHECK(odd.row(3)[4] == doctest::Approx(std::sin(3 * std::pow(10000.0, -4.0 / 5))));
  CHECK(odd.row(3)[3] == doctest::Approx(std::cos(3 * std::pow(10000.0, -2.0 / 5))));
}

TEST_CASE("SinusoidalPositions: positions restart in every segment; too long throws") {
  const int C = 4;
  attn::SinusoidalPositions pe(C, 3);
  const attn::Segments segs = segments({0, 2, 2, 5});  // lengths 2, 0, 3
  std::vector<float> x(5 * C, 1.0f);
  pe.add(segs, x.data());
  const int position_of_row[5] = {0, 1, 0, 1, 2};
  for (int t = 0; t < 5; ++t)
    for (int c = 0; c < C; ++c) CHECK(x[t * C + c] == 1.0f + pe.row(position_of_row[t])[c]);

  std::vector<float> y(5 * C, 1.0f);
  CHECK_THROWS_AS(pe.add(segments({0, 1, 5}), y.data()), std::out_of_range);
  CHECK(y == std::vector<float>(5 * C, 1.0f));
  CHECK_THROWS_AS(pe.add(segments({0, 3, 2}), y.data()), std::invalid_argument);
  CHECK_THROWS_AS(pe.add(segments({1, 3}), y.data()), std::invalid_argument);
}

TEST_CASE("LearnedPositions: parameter, init, add") {
  attn::LearnedPositions pos("pos", 8, 3);
  CHECK(pos.weight.name == "pos.weight");
  CHECK(pos.weight.value.shape() == std::vector<int64_t>{8, 3});
  CHECK_FALSE(pos.weight.decay);
  CHECK_FALSE(pos.weight.row_sparse);
  attn::ParameterList params;
  pos.collect(params);
  REQUIRE(params.size() == 1);
  CHECK(params[0] == &pos.weight);

  attn::LearnedPositions big("p", 1000, 20);
  attn::Rng rng(2);
  big.init(rng);
  double sq = 0;
  for (float w : big.weight.value.storage()) sq += double(w) * w;
  CHECK(std::sqrt(sq / big.weight.value.size()) == doctest::Approx(0.02).epsilon(0.05));

  for (int i = 0; i < 24; ++i) pos.weight.value[i] = float(i);
  std::vector<float> x(4 * 3, 0.5f);
  pos.add(segments({0, 1, 4}), x.data());
  CHECK(x == std::vector<float>{0.5f, 1.5f, 2.5f, 0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 6.5f,
                                7.5f, 8.5f});
  std::vector<float> long_x(9 * 3);
  CHECK_THROWS_AS(pos.add(segments({0, 9}), long_x.data()), std::out_of_range);
  CHECK_THROWS_AS(pos.backward(segments({0, 9}), long_x.data()), std::out_of_range);
}

TEST_CASE("LearnedPositions: backward matches finite differences") {
  attn::Rng rng(4);
  const int C = 3, L = 6;
  attn::LearnedPositions pos("pos", L, C);
  pos.init(rng, 0.5f);
  const attn::Segments segs = segments({0, 4, 5, 5, 11});  // lengths 4, 1, 0, 6
  const int T = segs.total();
  const std::vector<float> x0 = random_vector(T * C, rng);
  const std::vector<float> w = random_vector(T * C, rng);
  auto loss = [&] {
    std::vector<float> x = x0;
    pos.add(segs, x.data());
    return weighted_sum(x, w);
  };
  attn::ParameterList params;
  pos.collect(params);
  check_parameter_gradients(params, [&] { pos.backward(segs, w.data()); }, loss,
                            {.max_checks = L * C});
  // Position 0 collects three segments' rows: 0, 4 and 5.
  for (int c = 0; c < C; ++c)
    CHECK(pos.weight.grad[c] == doctest::Approx(w[0 * C + c] + w[4 * C + c] + w[5 * C + c]));
}

TEST_CASE("LearnedPositions: backward is the same on any thread count") {
  attn::Rng rng(6);
  const int C = 32, L = 64;
  std::vector<int32_t> offsets{0};
  for (int b = 0; b < 40; ++b) offsets.push_back(offsets.back() + int(rng.below(L + 1)));
  const attn::Segments segs = segments(offsets);
  const std::vector<float> dx = random_vector(int64_t(segs.total()) * C, rng);
  attn::LearnedPositions pos("p", L, C);
  std::vector<float> serial(L * C, 0.0f);
  for (int b = 0; b < segs.count(); ++b)
    for (int t = offsets[b]; t < offsets[b + 1]; ++t)
      for (int c = 0; c < C; ++c) serial[(t - offsets[b]) * C + c] += dx[t * C + c];
  const int saved = attn::threads();
  for (int n : {1, 2, 3}) {
    attn::set_threads(n);
    pos.weight.zero_grad();
    pos.backward(segs, dx.data());
    CHECK(pos.weight.grad.storage() == serial);
  }
  attn::set_threads(saved);
}
