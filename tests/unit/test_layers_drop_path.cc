#include <doctest/doctest.h>

#include <stdexcept>
#include <vector>

#include "attn/layers/drop_path.h"
#include "attn/layers/encoder.h"
#include "layers_gradcheck.h"

using namespace attn;
using attn::testing::random_vector;
using attn::testing::weighted_sum;

TEST_CASE("drop path keeps or drops whole sequences, scaled, and only in training") {
  const Segments segs = Segments::uniform(400, 2);
  const int C = 3, n = segs.total() * C;
  DropPath d("enc.layers.1.path1", 0.25f);
  std::vector<float> x(n, 1.0f), y(n), dx(n);
  d.forward(segs, C, x.data(), y.data(), {.training = false, .seed = 5});
  CHECK(y == x);
  const RunContext ctx{.training = true, .seed = 5};
  d.forward(segs, C, x.data(), y.data(), ctx);
  int dropped = 0;
  for (int b = 0; b < segs.count(); ++b) {
    const float first = y[segs.offsets[b] * C];
    CHECK((first == 0.0f || first == doctest::Approx(1.0f / 0.75f)));
    for (int i = segs.offsets[b] * C; i < segs.offsets[b + 1] * C; ++i) CHECK(y[i] == first);
    dropped += first == 0.0f;
  }
  CHECK(dropped > 60);   // about 100 of 400
  CHECK(dropped < 140);
  d.backward(segs, C, x.data(), dx.data(), ctx);  // the same map
  CHECK(dx == y);
  CHECK_THROWS_AS(DropPath("p", 1.0f), std::invalid_argument);
}

TEST_CASE("encoder with drop path: rates grow with depth, backward matches finite differences") {
  const int C = 8;
  Encoder enc("encoder", {.layers = 3, .dim = C, .heads = 2, .ff_dim = 12, .drop_path = 0.5f});
  CHECK(enc.blocks[0].path1.p() == 0.0f);
  CHECK(enc.blocks[1].path1.p() == doctest::Approx(0.25f));
  CHECK(enc.blocks[2].path2.p() == doctest::Approx(0.5f));
  Rng rng(3);
  enc.init(rng);
  ParameterList params;
  enc.collect(params);
  const Segments segs = Segments::from_lengths({3, 2, 4, 1});
  const int n = segs.total() * C;
  // A seed where some but not all sequences lose a branch.
  const RunContext ctx{.training = true, .seed = 17};
  std::vector<float> x = random_vector(n, rng), w = random_vector(n, rng), y(n), dx(n);
  auto loss = [&] {
    Encoder::Cache scratch;
    enc.forward(segs, x.data(), y.data(), &scratch, ctx);
    return weighted_sum(y, w);
  };
  Encoder::Cache cache;
  enc.forward(segs, x.data(), y.data(), &cache, ctx);
  attn::testing::check_parameter_gradients(
      params, [&] { enc.backward(segs, x.data(), w.data(), dx.data(), cache); }, loss,
      {.max_checks = 12});
  CHECK(attn::testing::check_gradient("x", x.data(), dx.data(), n, loss) == 0);
}
