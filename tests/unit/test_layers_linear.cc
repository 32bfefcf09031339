#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "attn/layers/linear.h"
#include "layers_gradcheck.h"

using namespace attn;
using attn::testing::random_vector;
using attn::testing::weighted_sum;

TEST_CASE("linear has PyTorch names, layout and init range") {
  Linear lin("enc.fc", 16, 4);
  CHECK(lin.weight.name == "enc.fc.weight");
  CHECK(lin.bias.name == "enc.fc.bias");
  CHECK(lin.weight.value.shape() == std::vector<int64_t>{4, 16});
  CHECK(lin.bias.value.shape() == std::vector<int64_t>{4});
  CHECK(lin.weight.decay);
  CHECK_FALSE(lin.bias.decay);
  Rng rng(1);
  lin.init(rng);
  float lo = 1, hi = -1;
  for (float w : lin.weight.value.storage()) lo = std::min(lo, w), hi = std::max(hi, w);
  for (float b : lin.bias.value.storage()) lo = std::min(lo, b), hi = std::max(hi, b);
  CHECK(lo >= -0.25f);
  CHECK(hi <= 0.25f);
  CHECK(hi - lo > 0.3f);  // spread over most of the range
  ParameterList params;
  lin.collect(params);
  CHECK(params.size() == 2);
  Linear nobias("p", 3, 2, false);
  params.clear();
  nobias.collect(params);
  CHECK(params.size() == 1);
}

TEST_CASE("linear forward is x W^T + b") {
  Rng rng(2);
  const int T = 9, in = 5, out = 4;
  Linear lin("l", in, out);
  lin.init(rng);
  std::vector<float> x = random_vector(T * in, rng), y(T * out);
  lin.forward(T, x.data(), y.data());
  for (int t = 0; t < T; ++t)
    for (int o = 0; o < out; ++o) {
      double ref = lin.bias.value[o];
      for (int i = 0; i < in; ++i) ref += double(x[t * in + i]) * lin.weight.value[o * in + i];
      CHECK(y[t * out + o] == doctest::Approx(ref).epsilon(1e-5));
    }
}

TEST_CASE("linear forward with a residual adds it in the same pass, also in place, over many row blocks") {
  Rng rng(4);
  for (const int T : {9, 700}) {  // one row block; several, on the threads
    for (bool bias : {true, false}) {
      const int in = 24, out = 20;
      Linear lin("l", in, out, bias);
      lin.init(rng);
      std::vector<float> x = random_vector(T * in, rng), r = random_vector(T * out, rng);
      std::vector<float> y(T * out), fused(T * out);
      lin.forward(T, x.data(), y.data());
      lin.forward(T, x.data(), fused.data(), r.data());
      for (int i = 0; i < T * out; ++i) CHECK(fused[i] == doctest::Approx(r[i] + y[i]).epsilon(1e-5));
      std::vector<float> inplace = r;  // the residual may alias y
      lin.forward(T, x.data(), inplace.data(), inplace.data());
      CHECK(inplace == fused);
    }
  }
}

TEST_CASE("linear backward matches finite differences and accumulates") {
  Rng rng(3);
  const int T = 9, in = 5, out = 4;
  for (bool bias : {true, false}) {
    Linear lin("l", in, out, bias);
    lin.init(rng);
    std::vector<float> x = random_vector(T * in, rng), w = random_vector(T * out, rng);
    std::vector<float> y(T * out), dx(T * in, 7.0f);
    auto loss = [&] {
      lin.forward(T, x.data(), y.data());
      return weighted_sum(y, w);
    };
    ParameterList params;
    lin.collect(params);
    attn::testing::check_parameter_gradients(
        params, [&] { lin.backward(T, x.data(), w.data(), dx.data()); }, loss);
    CHECK(attn::testing::check_gradient("x", x.data(), dx.data(), T * in, loss) == 0);

    // A second backward adds the same amount again; dx may be skipped.
    const std::vector<float> once = lin.weight.grad.storage();
    lin.backward(T, x.data(), w.data(), nullptr);
    for (size_t i = 0; i < once.size(); ++i)
      CHECK(lin.weight.grad[i] == doctest::Approx(2 * once[i]).epsilon(1e-5));
  }
}
