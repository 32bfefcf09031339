#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "attn/layers/encoder.h"
#include "attn/ops.h"
#include "attn/parallel.h"
#include "layers_gradcheck.h"

using namespace attn;
using attn::testing::random_vector;
using attn::testing::weighted_sum;

namespace {

const Segments kRagged = Segments::from_lengths({3, 1, 5});
constexpr int C = 8;

std::vector<std::string> names_of(const ParameterList& params) {
  std::vector<std::string> names;
  for (Parameter* p : params) names.push_back(p->name);
  return names;
}

// Random LayerNorm affine parameters, so their gradients are not the trivial ones.
void randomize_norms(ParameterList& params, Rng& rng) {
  for (Parameter* p : params)
    if (p->name.find(".ln") != std::string::npos || p->name.find(".norm.") != std::string::npos)
      for (float& v : p->value.storage()) v += rng.uniform(-0.3f, 0.3f);
}

}  // namespace

TEST_CASE("encoder block parameter names follow the PyTorch-style layout") {
  EncoderBlock block("enc.layers.0", {.dim = C, .heads = 2, .ff_dim = 12});
  ParameterList params;
  block.collect(params);
  const std::string p = "enc.layers.0.";
  CHECK(names_of(params) ==
        std::vector<std::string>{
            p + "ln1.weight", p + "ln1.bias", p + "attn.q.weight", p + "attn.q.bias",
            p + "attn.k.weight", p + "attn.k.bias", p + "attn.v.weight", p + "attn.v.bias",
            p + "attn.out.weight", p + "attn.out.bias", p + "ln2.weight", p + "ln2.bias",
            p + "ffn.fc1.weight", p + "ffn.fc1.bias", p + "ffn.fc2.weight", p + "ffn.fc2.bias"});
  Encoder enc("encoder", {.layers = 2, .dim = C, .heads = 2, .ff_dim = 12});
  params.clear();
  enc.collect(params);
  CHECK(params.size() == 2 * 16 + 2);
  CHECK(params[16]->name == "encoder.layers.1.ln1.weight");
  CHECK(params[32]->name == "encoder.norm.weight");
  CHECK(params[33]->name == "encoder.norm.bias");
  Encoder bare("encoder", {.layers = 1, .dim = C, .heads = 2, .ff_dim = 12, .final_norm = false});
  params.clear();
  bare.collect(params);
  CHECK(params.size() == 16);
}

TEST_CASE("encoder block forward is the pre-LN composition of its parts") {
  Rng rng(1);
  EncoderBlock block("b", {.dim = C, .heads = 2, .ff_dim = 12});
  block.init(rng);
  const int T = kRagged.total(), n = T * C;
  std::vector<float> x = random_vector(n, rng), y(n);
  block.forward(kRagged, x.data(), y.data(), nullptr, {});
  // By hand: mid = x + attn(ln1(x)); y = mid + ffn(ln2(mid)).
  std::vector<float> a(n), m(n), mid(n), b(n), f(n), ref(n);
  block.ln1.forward(T, x.data(), a.data(), nullptr);
  block.attn.forward(kRagged, a.data(), m.data(), nullptr, {});
  ops::add(n, x.data(), m.data(), mid.data());
  block.ln2.forward(T, mid.data(), b.data(), nullptr);
  block.ffn.forward(T, b.data(), f.data(), nullptr, {});
  ops::add(n, mid.data(), f.data(), ref.data());
  for (int i = 0; i < n; ++i) CHECK(y[i] == doctest::Approx(ref[i]).epsilon(1e-6));
}

TEST_CASE("encoder backward matches finite differences on a ragged packed batch") {
  struct Case {
    MaskKind mask;
    bool training;
    bool final_norm;
  };
  for (const Case c : {Case{MaskKind::None, false, true}, Case{MaskKind::Window, true, true},
                       Case{MaskKind::Causal, true, false}}) {
    CAPTURE(static_cast<int>(c.mask));
    CAPTURE(c.training);
    Rng rng(2);
    Encoder enc("encoder", {.layers = 2,
                            .dim = C,
                            .heads = 2,
                            .ff_dim = 12,
                            .dropout = 0.2f,
                            .mask = c.mask,
                            .window = 1,
                            .final_norm = c.final_norm,
                            .attention_dropout = 0.1f});
    enc.init(rng);
    ParameterList params;
    enc.collect(params);
    randomize_norms(params, rng);
    const RunContext ctx{.training = c.training, .seed = 99};
    const int T = kRagged.total(), n = T * C;
    std::vector<float> x = random_vector(n, rng), w = random_vector(n, rng);
    std::vector<float> y(n), dx(n);
    auto loss = [&] {
      Encoder::Cache scratch;
      enc.forward(kRagged, x.data(), y.data(), &scratch, ctx);
      return weighted_sum(y, w);
    };
    Encoder::Cache cache;
    enc.forward(kRagged, x.data(), y.data(), &cache, ctx);
    attn::testing::check_parameter_gradients(
        params, [&] { enc.backward(kRagged, x.data(), w.data(), dx.data(), cache); }, loss,
        {.max_checks = 12});
    CHECK(attn::testing::check_gradient("x", x.data(), dx.data(), n, loss) == 0);

    // dx may alias dy, or be skipped; parameter gradients are the same either way.
    std::vector<float> inplace = w;
    for (Parameter* p : params) p->zero_grad();
    enc.backward(kRagged, x.data(), inplace.data(), inplace.data(), cache);
    const std::vector<float> g = params[0]->grad.storage();
    for (int i = 0; i < n; ++i) CHECK(inplace[i] == doctest::Approx(dx[i]).epsilon(1e-6));
    for (Parameter* p : params) p->zero_grad();
    enc.backward(kRagged, x.data(), w.data(), nullptr, cache);
    CHECK(params[0]->grad.storage() == g);
  }
}

TEST_CASE("encoder inference equals the cached forward without dropout, and is in-place safe") {
  Rng rng(3);
  Encoder enc("encoder", {.layers = 2, .dim = C, .heads = 2, .ff_dim = 12, .dropout = 0.5f});
  enc.init(rng);
  const int T = kRagged.total(), n = T * C;
  std::vector<float> x = random_vector(n, rng), y(n), yc(n), yt(n);
  enc.forward(kRagged, x.data(), y.data(), nullptr, {});
  Encoder::Cache cache;
  enc.forward(kRagged, x.data(), yc.data(), &cache, {.training = false, .seed = 4});
  for (int i = 0; i < n; ++i) CHECK(yc[i] == doctest::Approx(y[i]).epsilon(1e-6));
  enc.forward(kRagged, x.data(), yt.data(), &cache, {.training = true, .seed = 4});
  CHECK(yt != yc);  // dropout really acts in training
  std::vector<float> z = x;
  enc.forward(kRagged, z.data(), z.data(), nullptr, {});
  CHECK(z == y);
  // Sequences do not see each other: changing the third sequence leaves the first alone.
  std::vector<float> x2 = x, y2(n);
  for (int i = 4 * C; i < n; ++i) x2[i] += 1.0f;
  enc.forward(kRagged, x2.data(), y2.data(), nullptr, {});
  for (int i = 0; i < 4 * C; ++i) CHECK(y2[i] == y[i]);
}

TEST_CASE("encoder training step is bit-identical for the same thread count") {
  Rng rng(4);
  Encoder enc("encoder", {.layers = 2, .dim = 32, .heads = 4, .ff_dim = 64, .dropout = 0.1f});
  enc.init(rng);
  ParameterList params;
  enc.collect(params);
  const Segments segs = Segments::from_lengths({60, 7, 90, 33});
  const int n = segs.total() * 32;
  std::vector<float> x = random_vector(n, rng), w = random_vector(n, rng);
  auto run = [&](int threads) {
    const int saved = attn::threads();
    set_threads(threads);
    for (Parameter* p : params) p->zero_grad();
    Encoder::Cache cache;
    std::vector<float> y(n), dx(n);
    enc.forward(segs, x.data(), y.data(), &cache, {.training = true, .seed = 8});
    enc.backward(segs, x.data(), w.data(), dx.data(), cache);
    set_threads(saved);
    std::vector<float> all = y;
    all.insert(all.end(), dx.begin(), dx.end());
    for (Parameter* p : params)
      all.insert(all.end(), p->grad.storage().begin(), p->grad.storage().end());
    return all;
  };
  const std::vector<float> a = run(2), b = run(2), c = run(1);
  CHECK(a == b);
  REQUIRE(a.size() == c.size());
  for (size_t i = 0; i < a.size(); ++i) REQUIRE(a[i] == doctest::Approx(c[i]).epsilon(1e-3));
}

TEST_CASE("the last block's attention can be read for explanations") {
  Rng rng(5);
  Encoder enc("encoder", {.layers = 2, .dim = C, .heads = 2, .ff_dim = 12});
  enc.init(rng);
  const int T = kRagged.total();
  std::vector<float> x = random_vector(T * C, rng), y(T * C);
  Encoder::Cache cache;
  std::vector<std::pair<int, float>> row, mine;
  CHECK_THROWS_AS(enc.last_attention_row(kRagged, cache, 0, 0, row), std::logic_error);
  enc.forward(kRagged, x.data(), y.data(), &cache, {});
  enc.last_attention_row(kRagged, cache, -1, 0, row);  // first query of sequence 0: rows 0..2
  REQUIRE(row.size() == 3);
  float sum = 0.0f;
  for (int j = 0; j < 3; ++j) {
    CHECK(row[j].first == j);
    sum += row[j].second;
  }
  CHECK(sum == doctest::Approx(1.0f));
  enc.blocks.back().attn.attention_row(kRagged, cache.blocks.back().attn, -1, 0, mine);
  CHECK(mine == row);
}

TEST_CASE("concurrent inference on several threads gives the sequential results") {
  Rng rng(6);
  Encoder enc(
      "encoder",
      {.layers = 2, .dim = 16, .heads = 4, .ff_dim = 32, .mask = MaskKind::Window, .window = 2});
  enc.init(rng);
  const Segments segs = Segments::from_lengths({40, 3, 25});
  const int n = segs.total() * 16;
  std::vector<std::vector<float>> inputs, expected;
  for (int i = 0; i < 4; ++i) {
    inputs.push_back(random_vector(n, rng));
    expected.emplace_back(n);
    enc.forward(segs, inputs[i].data(), expected[i].data(), nullptr, {});
  }
  std::vector<std::vector<float>> got(4, std::vector<float>(n));
  // Items in parallel, as a batch `predict` would run them (each forward on its own thread).
#pragma omp parallel for schedule(static) num_threads(2)
  for (int i = 0; i < 4; ++i)
    for (int rep = 0; rep < 3; ++rep)
      enc.forward(segs, inputs[i].data(), got[i].data(), nullptr, {});
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < n; ++j) REQUIRE(got[i][j] == doctest::Approx(expected[i][j]).epsilon(1e-5));
}

TEST_CASE("empty batches and empty sequences pass through") {
  Rng rng(7);
  Encoder enc("encoder", {.layers = 1, .dim = C, .heads = 2, .ff_dim = 12});
  enc.init(rng);
  ParameterList params;
  enc.collect(params);
  for (const Segments& segs : {Segments::from_lengths({}), Segments::from_lengths({2, 0, 3})}) {
    const int n = segs.total() * C;
    std::vector<float> x = random_vector(n, rng), y(n), dx(n), ref(n);
    Encoder::Cache cache;
    enc.forward(segs, x.data(), y.data(), &cache, {});
    enc.backward(segs, x.data(), y.data(), dx.data(), cache);
    enc.forward(segs, x.data(), ref.data(), nullptr, {});
    for (int i = 0; i < n; ++i) CHECK(y[i] == doctest::Approx(ref[i]).epsilon(1e-6));
  }
}
