#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "attn/layers/temporal_conv.h"
#include "layers_gradcheck.h"

using attn::testing::check_gradient;
using attn::testing::gelu_reference;
using attn::testing::random_vector;
using attn::testing::segments;
using attn::testing::weighted_sum;

TEST_CASE("TemporalConv: each row adds gelu of its neighbours in order, none from another segment") {
  attn::TemporalConv conv("conv", 1, 3);
  CHECK(conv.weight.name == "conv.weight");
  CHECK(conv.weight.decay);
  CHECK(conv.bias.name == "conv.bias");
  CHECK(!conv.bias.decay);
  CHECK(conv.reach() == 1);
  // Taps (1, 2, 3) read rows t-1, t, t+1; bias 0.5.
  conv.weight.value.data()[0] = 1;
  conv.weight.value.data()[1] = 2;
  conv.weight.value.data()[2] = 3;
  conv.bias.value.data()[0] = 0.5f;
  const attn::Segments segs = segments({0, 3, 3, 4});  // three rows, none, one
  const std::vector<float> x{1, 2, -1, 4};
  std::vector<float> y(4, -7.0f);
  conv.forward(segs, x.data(), y.data(), nullptr);
  CHECK(y[0] == doctest::Approx(1 + gelu_reference(0.5 + 2 * 1 + 3 * 2)));        // no row before the first
  CHECK(y[1] == doctest::Approx(2 + gelu_reference(0.5 + 1 * 1 + 2 * 2 - 3 * 1)));
  CHECK(y[2] == doctest::Approx(-1 + gelu_reference(0.5 + 1 * 2 - 2 * 1)));      // row 3 is another segment's
  CHECK(y[3] == doctest::Approx(4 + gelu_reference(0.5 + 2 * 4)));
  // The order matters: the same rows reversed give other outputs.
  const std::vector<float> reversed{-1, 2, 1};
  std::vector<float> yr(3);
  conv.forward(segments({0, 3}), reversed.data(), yr.data(), nullptr);
  CHECK(yr[1] != doctest::Approx(y[1]));
}

TEST_CASE("TemporalConv: backward overwrites dx and matches finite differences for x, weight and bias") {
  attn::Rng rng(4);
  const int C = 3, K = 5;
  // Segments shorter than the kernel, an empty one, and one longer.
  const attn::Segments segs = segments({0, 2, 2, 3, 10});
  const int T = segs.total();
  attn::TemporalConv conv("conv", C, K);
  conv.init(rng);
  attn::testing::randomize(conv.bias, rng, 0.5f);
  std::vector<float> x = random_vector(T * C, rng);
  const std::vector<float> w = random_vector(T * C, rng);
  std::vector<float> y(T * C);
  attn::TemporalConv::Cache cache;
  conv.forward(segs, x.data(), y.data(), &cache);
  std::vector<float> dx(T * C, std::numeric_limits<float>::quiet_NaN());
  conv.weight.zero_grad();
  conv.bias.zero_grad();
  conv.backward(segs, x.data(), w.data(), dx.data(), cache);
  auto loss = [&] {
    conv.forward(segs, x.data(), y.data(), nullptr);
    return weighted_sum(y, w);
  };
  CHECK(check_gradient("dx", x.data(), dx.data(), T * C, loss, {.max_checks = T * C}) == 0);
  CHECK(check_gradient("dweight", conv.weight.value.data(), conv.weight.grad.data(), C * K, loss, {.max_checks = C * K}) == 0);
  CHECK(check_gradient("dbias", conv.bias.value.data(), conv.bias.grad.data(), C, loss) == 0);
  // A second backward adds to the parameters' gradients.
  const float first = conv.weight.grad.data()[7];
  conv.backward(segs, x.data(), w.data(), dx.data(), cache);
  CHECK(conv.weight.grad.data()[7] == doctest::Approx(2 * first));
}

TEST_CASE("TemporalConv: bad arguments") {
  CHECK_THROWS_AS(attn::TemporalConv("conv", 0, 3), std::invalid_argument);
  CHECK_THROWS_AS(attn::TemporalConv("conv", 2, 4), std::invalid_argument);
  CHECK_THROWS_AS(attn::TemporalConv("conv", 2, 0), std::invalid_argument);
  attn::TemporalConv conv("conv", 2, 3);
  std::vector<float> x(4, 1.0f), dx(4);
  CHECK_THROWS_AS(conv.forward(segments({0, 2}), x.data(), x.data(), nullptr), std::invalid_argument);
  CHECK_THROWS_AS(conv.forward(segments({0, 2, 1}), x.data(), dx.data(), nullptr), std::invalid_argument);
  attn::TemporalConv::Cache empty;
  CHECK_THROWS_AS(conv.backward(segments({0, 2}), x.data(), x.data(), dx.data(), empty), std::logic_error);
}
