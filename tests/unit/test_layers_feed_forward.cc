#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "attn/layers/feed_forward.h"
#include "layers_gradcheck.h"

using namespace attn;
using attn::testing::random_vector;
using attn::testing::weighted_sum;

TEST_CASE("feed-forward forward is fc2(gelu(fc1(x))) with PyTorch names") {
  Rng rng(1);
  const int T = 9, C = 4, F = 6;
  FeedForward ffn("blk.ffn", C, F, 0.5f);
  ffn.init(rng);
  ParameterList params;
  ffn.collect(params);
  std::vector<std::string> names;
  for (Parameter* p : params) names.push_back(p->name);
  CHECK(names == std::vector<std::string>{"blk.ffn.fc1.weight", "blk.ffn.fc1.bias",
                                          "blk.ffn.fc2.weight", "blk.ffn.fc2.bias"});
  CHECK(ffn.fc1.weight.value.shape() == std::vector<int64_t>{F, C});
  CHECK(ffn.fc2.weight.value.shape() == std::vector<int64_t>{C, F});

  std::vector<float> x = random_vector(T * C, rng), y(T * C), y2(T * C);
  ffn.forward(T, x.data(), y.data(), nullptr, {});  // inference: no dropout
  const float* W1 = ffn.fc1.weight.value.data();
  const float* b1 = ffn.fc1.bias.value.data();
  const float* W2 = ffn.fc2.weight.value.data();
  const float* b2 = ffn.fc2.bias.value.data();
  for (int t = 0; t < T; ++t) {
    std::vector<double> h(F);
    for (int f = 0; f < F; ++f) {
      double s = b1[f];
      for (int c = 0; c < C; ++c) s += double(W1[f * C + c]) * x[t * C + c];
      h[f] = attn::testing::gelu_reference(s);
    }
    for (int c = 0; c < C; ++c) {
      double s = b2[c];
      for (int f = 0; f < F; ++f) s += double(W2[c * F + f]) * h[f];
      CHECK(y[t * C + c] == doctest::Approx(s).epsilon(1e-5));
    }
  }
  // With a cache and training off, the same output; with training on, a different one.
  FeedForward::Cache cache;
  ffn.forward(T, x.data(), y2.data(), &cache, {.training = false, .seed = 3});
  CHECK(y2 == y);
  ffn.forward(T, x.data(), y2.data(), &cache, {.training = true, .seed = 3});
  CHECK(y2 != y);
  // In place at inference.
  std::vector<float> z = x;
  ffn.forward(T, z.data(), z.data(), nullptr, {});
  CHECK(z == y);
}

TEST_CASE("feed-forward backward matches finite differences, with and without dropout") {
  Rng rng(2);
  const int T = 9, C = 4, F = 6;  // rows of a packed batch with lengths 3, 1, 5
  for (bool training : {false, true}) {
    CAPTURE(training);
    FeedForward ffn("ffn", C, F, 0.3f);
    ffn.init(rng);
    const RunContext ctx{.training = training, .seed = 17};
    std::vector<float> x = random_vector(T * C, rng), w = random_vector(T * C, rng);
    std::vector<float> y(T * C), dx(T * C);
    FeedForward::Cache cache;
    auto loss = [&] {
      FeedForward::Cache c;
      ffn.forward(T, x.data(), y.data(), &c, ctx);
      return weighted_sum(y, w);
    };
    ffn.forward(T, x.data(), y.data(), &cache, ctx);
    ParameterList params;
    ffn.collect(params);
    attn::testing::check_parameter_gradients(
        params, [&] { ffn.backward(T, x.data(), w.data(), dx.data(), cache); }, loss);
    CHECK(attn::testing::check_gradient("x", x.data(), dx.data(), T * C, loss) == 0);
  }
}
