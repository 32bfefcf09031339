#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "attn/layers/multihead_attention.h"
#include "layers_gradcheck.h"

using namespace attn;
using attn::testing::random_vector;
using attn::testing::weighted_sum;

namespace {

bool allowed(const MultiHeadAttentionConfig& c, int i, int j) {  // positions within one sequence
  if (c.exclude_self && i == j) return false;
  const MaskKind mask = c.mask;
  const int window = c.window;
  if (mask == MaskKind::Causal) return j <= i;
  if (mask == MaskKind::Window) return std::abs(i - j) <= window;
  return true;
}

// Straightforward multi-head attention in double, for comparison.
std::vector<double> reference_mha(const MultiHeadAttention& mha, const Segments& segs,
                                  const std::vector<float>& x) {
  const auto& cfg = mha.config();
  const int T = segs.total(), C = cfg.dim, H = cfg.heads, D = C / H;
  auto project = [&](const Linear& lin, const std::vector<double>& in) {
    std::vector<double> out(T * C);
    for (int t = 0; t < T; ++t)
      for (int o = 0; o < C; ++o) {
        double s = lin.bias.value[o];
        for (int i = 0; i < C; ++i) s += lin.weight.value[o * C + i] * in[t * C + i];
        out[t * C + o] = s;
      }
    return out;
  };
  const std::vector<double> xd(x.begin(), x.end());
  const auto q = project(mha.q_proj, xd), k = project(mha.k_proj, xd), v = project(mha.v_proj, xd);
  std::vector<double> context(T * C, 0.0);
  for (int b = 0; b < segs.count(); ++b) {
    const int start = segs.offsets[b], L = segs.length(b);
    for (int h = 0; h < H; ++h)
      for (int i = 0; i < L; ++i) {
        std::vector<double> p(L, 0.0);
        double mx = -1e300, sum = 0.0;
        for (int j = 0; j < L; ++j) {
          if (!allowed(cfg, i, j)) continue;
          double s = 0.0;
          for (int d = 0; d < D; ++d)
            s += q[(start + i) * C + h * D + d] * k[(start + j) * C + h * D + d];
          const double g = cfg.learned_scale ? mha.score_scale.value.data()[h] : 1.0;
          p[j] = g * s / std::sqrt(double(D));
          mx = std::max(mx, p[j]);
        }
        for (int j = 0; j < L; ++j)
          if (allowed(cfg, i, j))
            sum += p[j] = std::exp(p[j] - mx);
          else
            p[j] = 0.0;
        if (sum == 0.0) continue;  // no visible key: the context row stays 0
        for (int j = 0; j < L; ++j)
          for (int d = 0; d < D; ++d)
            context[(start + i) * C + h * D + d] += p[j] / sum * v[(start + j) * C + h * D + d];
      }
  }
  return project(mha.out_proj, context);
}

const Segments kRagged = Segments::from_lengths({3, 1, 5});

// A forward on random x (C = 8) at inference and with a cache, both checked against
// reference_mha.
struct Forwarded {
  std::vector<float> x, y;  // y: the inference forward's
  MultiHeadAttention::Cache cache;
};
Forwarded forward_both_ways(const MultiHeadAttention& mha, Rng& rng) {
  const int T = kRagged.total();
  Forwarded f;
  f.x = random_vector(T * 8, rng, 2.0f);
  f.y.resize(T * 8);
  std::vector<float> yc(T * 8);
  mha.forward(kRagged, f.x.data(), f.y.data(), nullptr, {});
  mha.forward(kRagged, f.x.data(), yc.data(), &f.cache, {});
  const std::vector<double> ref = reference_mha(mha, kRagged, f.x);
  for (int i = 0; i < T * 8; ++i) {
    CHECK(f.y[i] == doctest::Approx(ref[i]).epsilon(1e-4));
    CHECK(yc[i] == doctest::Approx(ref[i]).epsilon(1e-4));
  }
  return f;
}

}  // namespace

TEST_CASE("multi-head attention has PyTorch-style names and shapes") {
  MultiHeadAttention mha("enc.layers.0.attn", {.dim = 8, .heads = 2});
  ParameterList params;
  mha.collect(params);
  std::vector<std::string> names;
  for (Parameter* p : params) {
    names.push_back(p->name);
    CHECK(p->value.shape() ==
          (p->name.ends_with("weight") ? std::vector<int64_t>{8, 8} : std::vector<int64_t>{8}));
  }
  CHECK(names == std::vector<std::string>{"enc.layers.0.attn.q.weight", "enc.layers.0.attn.q.bias",
                                          "enc.layers.0.attn.k.weight", "enc.layers.0.attn.k.bias",
                                          "enc.layers.0.attn.v.weight", "enc.layers.0.attn.v.bias",
                                          "enc.layers.0.attn.out.weight",
                                          "enc.layers.0.attn.out.bias"});
  CHECK_THROWS_AS(MultiHeadAttention("m", {.dim = 8, .heads = 3}), std::invalid_argument);
  MultiHeadAttention lsa("a", {.dim = 8, .heads = 2, .exclude_self = true, .learned_scale = true});
  params.clear();
  lsa.collect(params);
  REQUIRE(params.size() == 9);
  CHECK(params.back()->name == "a.score_scale");
  CHECK(params.back()->value.shape() == std::vector<int64_t>{2});
  CHECK_FALSE(params.back()->decay);  // weight decay would pull the temperature to flat attention
}

TEST_CASE("locality self-attention: no token sees itself, each head scales its scores") {
  for (MaskKind mask : {MaskKind::None, MaskKind::Causal, MaskKind::Window}) {
    CAPTURE(static_cast<int>(mask));
    Rng rng(4);
    MultiHeadAttention mha("m", {.dim = 8, .heads = 2, .mask = mask, .window = 1,
                                 .exclude_self = true, .learned_scale = true});
    mha.init(rng);
    CHECK(mha.score_scale.value.data()[0] == 1.0f);  // starts as plain 1/sqrt(D)
    mha.score_scale.value.data()[0] = 2.5f, mha.score_scale.value.data()[1] = 0.4f;
    const Forwarded f = forward_both_ways(mha, rng);
    std::vector<std::pair<int, float>> row;
    mha.attention_row(kRagged, f.cache, 0, 4, row);  // row 4 starts a sequence: never itself
    for (const auto& [key, p] : row) CHECK(key != 4);
    // The single-row sequence (row 3) has nothing to attend to: its context is 0, y the bias.
    for (int c = 0; c < 8; ++c) CHECK(f.y[3 * 8 + c] == doctest::Approx(mha.out_proj.bias.value.data()[c]));
  }
}

TEST_CASE("multi-head attention forward matches a direct computation, cached or not") {
  for (MaskKind mask : {MaskKind::None, MaskKind::Causal, MaskKind::Window}) {
    CAPTURE(static_cast<int>(mask));
    Rng rng(1);
    MultiHeadAttention mha("m", {.dim = 8, .heads = 2, .mask = mask, .window = 1});
    mha.init(rng);
    const Forwarded f = forward_both_ways(mha, rng);
    std::vector<float> z = f.x;  // in place at inference
    mha.forward(kRagged, z.data(), z.data(), nullptr, {});
    for (size_t i = 0; i < z.size(); ++i) CHECK(z[i] == doctest::Approx(f.y[i]).epsilon(1e-6));
  }
}

TEST_CASE("multi-head attention backward matches finite differences") {
  struct Case {
    MaskKind mask;
    float dropout;
    bool training;
    bool locality = false;
  };
  for (const Case c : {Case{MaskKind::None, 0.0f, false}, Case{MaskKind::Causal, 0.0f, false},
                       Case{MaskKind::Window, 0.25f, true}, Case{MaskKind::None, 0.0f, false, true},
                       Case{MaskKind::Window, 0.25f, true, true}}) {
    CAPTURE(static_cast<int>(c.mask));
    CAPTURE(c.locality);
    Rng rng(2);
    MultiHeadAttention mha("m", {.dim = 8, .heads = 2, .mask = c.mask, .window = 1, .dropout = c.dropout,
                                 .exclude_self = c.locality, .learned_scale = c.locality});
    mha.init(rng);
    if (c.locality) mha.score_scale.value.data()[1] = 1.7f;
    const RunContext ctx{.training = c.training, .seed = 23};
    const int T = kRagged.total();
    std::vector<float> x = random_vector(T * 8, rng), w = random_vector(T * 8, rng);
    std::vector<float> y(T * 8), dx(T * 8);
    auto loss = [&] {
      MultiHeadAttention::Cache scratch;
      mha.forward(kRagged, x.data(), y.data(), &scratch, ctx);
      return weighted_sum(y, w);
    };
    MultiHeadAttention::Cache cache;
    mha.forward(kRagged, x.data(), y.data(), &cache, ctx);
    ParameterList params;
    mha.collect(params);
    attn::testing::check_parameter_gradients(
        params, [&] { mha.backward(kRagged, x.data(), w.data(), dx.data(), cache); }, loss);
    CHECK(attn::testing::check_gradient("x", x.data(), dx.data(), T * 8, loss) == 0);
  }
}

TEST_CASE("attention probabilities of the last forward can be read back") {
  Rng rng(3);
  MultiHeadAttention mha("m", {.dim = 8, .heads = 2, .mask = MaskKind::Window, .window = 1});
  mha.init(rng);
  const int T = kRagged.total();
  std::vector<float> x = random_vector(T * 8, rng), y(T * 8);
  MultiHeadAttention::Cache cache;
  mha.forward(kRagged, x.data(), y.data(), &cache, {});
  std::vector<std::pair<int, float>> row, h0, h1, mean;
  // Query row 4 is position 0 of the third sequence (rows 4..8): window 1 allows rows 4, 5.
  mha.attention_row(kRagged, cache, 0, 4, h0);
  mha.attention_row(kRagged, cache, 1, 4, h1);
  mha.attention_row(kRagged, cache, -1, 4, mean);
  REQUIRE(h0.size() == 2);
  CHECK(h0[0].first == 4);
  CHECK(h0[1].first == 5);
  CHECK(h0[0].second + h0[1].second == doctest::Approx(1.0f));
  CHECK(h0[0].second != doctest::Approx(h1[0].second));  // heads differ
  REQUIRE(mean.size() == 2);
  for (int i = 0; i < 2; ++i)
    CHECK(mean[i].second == doctest::Approx((h0[i].second + h1[i].second) / 2));
  // The single-row sequence attends only to itself.
  mha.attention_row(kRagged, cache, 1, 3, row);
  REQUIRE(row.size() == 1);
  CHECK(row[0].first == 3);
  CHECK(row[0].second == doctest::Approx(1.0f));
}
