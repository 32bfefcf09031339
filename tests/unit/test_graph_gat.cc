// The GAT layer: against PyTorch (tests/fixtures/graph, made by
// tests/reference/make_graph_fixtures.py) for the additive, GATv2 and dot scorings, with
// sparse input giving the same answer as dense, and finite-difference gradient checks with
// feature and attention dropout active.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "attn/checkpoint.h"
#include "attn/error.h"
#include "attn/graph/gat.h"
#include "attn/graph/gat_model.h"
#include "layers_gradcheck.h"

namespace fs = std::filesystem;
using namespace attn;
using namespace attn::graph;

namespace {

fs::path fixture_dir() {
  if (const char* src = std::getenv("ATTN_SOURCE_DIR"); src && *src)
    return fs::path(src) / "tests" / "fixtures" / "graph";
  return fs::path(__FILE__).parent_path().parent_path() / "fixtures" / "graph";
}

std::vector<int32_t> ints(const SafeTensorsFile& f, const std::string& name) {
  const auto raw = f.raw(name);
  REQUIRE(raw.dtype == DType::I32);
  std::vector<int32_t> v(raw.size / 4);
  std::memcpy(v.data(), raw.bytes, raw.size);
  return v;
}

double scaled_error(const float* a, const float* b, int64_t n) {
  double largest = 1.0, worst = 0.0;
  for (int64_t i = 0; i < n; ++i) largest = std::max(largest, std::abs(double(b[i])));
  for (int64_t i = 0; i < n; ++i) worst = std::max(worst, std::abs(double(a[i]) - b[i]));
  return worst / largest;
}

void expect_close(const SafeTensorsFile& f, const std::string& name, const float* actual,
                  int64_t n, double tol) {
  const Tensor want = f.tensor(name);
  REQUIRE_MESSAGE(want.size() == n, f.name() << ": " << name);
  const double err = scaled_error(actual, want.data(), n);
  CHECK_MESSAGE(err <= tol, f.name() << ": " << name << " differs from PyTorch by " << err);
}

NodeFeatures dense_features(const Tensor& x) {
  NodeFeatures f;
  f.rows = static_cast<int>(x.dim(0));
  f.dim = static_cast<int>(x.dim(1));
  f.dense = x.storage();
  return f;
}

NodeFeatures as_sparse(NodeFeatures f) {
  f.sparsify_if_sparse(1.0);  // every row sparse, whatever the density
  return f;
}

GatLayerConfig config_of(const nlohmann::json& c) {
  GatLayerConfig g;
  g.in = c.at("in_features");
  g.heads = c.at("heads");
  g.head_dim = c.at("head_dim");
  g.concat = c.at("concat");
  g.score = parse_gat_score(c.at("score"));
  g.residual = c.at("residual");
  g.elu = c.at("elu");
  g.negative_slope = c.at("negative_slope");
  return g;
}

}  // namespace

TEST_CASE("GAT layer forward and backward match PyTorch (additive, gatv2, dot)") {
  int cases = 0;
  for (const char* name : {"gat_additive", "gat_additive_mean", "gat_gatv2", "gat_dot"}) {
    const SafeTensorsFile f = SafeTensorsFile::open((fixture_dir() / (std::string(name) +
                                                                      ".safetensors")).string());
    const auto cfg = nlohmann::json::parse(f.metadata_value("config"));
    CsrGraph g;
    const auto rp = ints(f, "row_ptr");
    g.row_ptr.assign(rp.begin(), rp.end());
    g.col = ints(f, "col");
    const NodeFeatures dense = dense_features(f.tensor("x"));
    for (bool sparse : {false, true}) {
      INFO(name << (sparse ? " (sparse input)" : " (dense input)"));
      GatLayer layer("m", config_of(cfg));
      ParameterList params;
      layer.collect(params);
      for (Parameter* p : params) {
        f.load_into(*p);
        p->zero_grad();
      }
      const NodeFeatures x = sparse ? as_sparse(dense) : dense;
      const GatInput in = GatInput::of(x);
      CHECK((in.sparse != nullptr) == sparse);
      const int N = g.rows(), out = layer.config().out_width();
      std::vector<float> y(int64_t{N} * out);
      GatCache cache;
      layer.forward(in, g, y.data(), cache, RunContext{}, true);
      expect_close(f, "y", y.data(), y.size(), 1e-4);
      expect_close(f, "probs", cache.attention.probs.data(), cache.attention.probs.size(), 1e-4);
      const Tensor dy = f.tensor("dy");
      std::vector<float> dx(int64_t{N} * layer.config().in);
      layer.backward(in, g, y.data(), dy.data(), cache, sparse ? nullptr : dx.data(), RunContext{});
      if (!sparse) expect_close(f, "grad.x", dx.data(), dx.size(), 1e-3);
      for (Parameter* p : params)
        expect_close(f, "grad." + p->name, p->grad.data(), p->grad.size(), 1e-3);
      // Inference (no stored attention) gives the same output.
      std::vector<float> y2(y.size());
      GatCache fresh;
      layer.forward(in, g, y2.data(), fresh, RunContext{}, false);
      CHECK(scaled_error(y2.data(), y.data(), y.size()) < 1e-6);
      CHECK(fresh.attention.probs.empty());
    }
    ++cases;
  }
  CHECK(cases == 4);
}

namespace {

// N nodes with F dense features, uniform in [-1, 1].
NodeFeatures random_features(int N, int F, Rng& rng) {
  NodeFeatures x;
  x.rows = N;
  x.dim = F;
  x.dense = testing::random_vector(int64_t{N} * F, rng);
  return x;
}

// A small graph with a self-loop on every node, some directed edges and a hub.
CsrGraph small_graph(int N, Rng& rng) {
  CsrGraph g;
  g.row_ptr.assign(1, 0);
  for (int i = 0; i < N; ++i) {
    std::vector<int32_t> nb{i};
    for (int t = 0; t < 3; ++t) nb.push_back(static_cast<int32_t>(rng.below(N)));
    if (i != 0) nb.push_back(0);
    std::sort(nb.begin(), nb.end());
    nb.erase(std::unique(nb.begin(), nb.end()), nb.end());
    g.col.insert(g.col.end(), nb.begin(), nb.end());
    g.row_ptr.push_back(static_cast<int64_t>(g.col.size()));
  }
  return g;
}

void gradcheck_layer(GatScore score, bool concat, bool residual, bool sparse_input, int F,
                     bool head_dropout = false) {
  INFO("concat " << concat << " residual " << residual << " sparse " << sparse_input
                 << " head dropout " << head_dropout);
  Rng rng(11);
  const int N = 9;
  const CsrGraph g = small_graph(N, rng);
  GatLayerConfig c;
  c.in = F;
  c.heads = 2;
  c.head_dim = 3;
  c.concat = concat;
  c.score = score;
  c.residual = residual;
  c.elu = concat;
  c.feature_dropout = 0.3f;
  c.attention_dropout = 0.3f;
  c.value_dropout = 0.3f;
  c.head_dropout = head_dropout;
  GatLayer layer("l", c);
  layer.init(rng);
  ParameterList params;
  layer.collect(params);
  for (Parameter* p : params) testing::randomize(*p, rng, 0.7f);
  NodeFeatures x = random_features(N, F, rng);
  // Sparse rows with some zeros. (A dense row must keep a nonzero entry: an all-zero row has
  // its self-loop score exactly at the leaky ReLU's kink, where finite differences average
  // the two slopes.)
  if (sparse_input) {
    for (int64_t t = 0; t < int64_t{N} * F; t += 3) x.dense[t] = 0.0f;
    x.sparsify_if_sparse(1.0);
  }
  const GatInput in = GatInput::of(x);
  const RunContext ctx{true, 1234};  // dropout active; the masks depend only on the seed
  const int out = c.out_width();
  const std::vector<float> w = testing::random_vector(int64_t{N} * out, rng);
  std::vector<float> y(w.size());
  auto loss = [&] {
    GatCache cache;
    layer.forward(in, g, y.data(), cache, ctx, false);
    return testing::weighted_sum(y, w);
  };
  GatCache cache;
  std::vector<float> dx(int64_t{N} * F);
  auto backward = [&] {
    layer.forward(in, g, y.data(), cache, ctx, true);
    layer.backward(in, g, y.data(), w.data(), cache, sparse_input ? nullptr : dx.data(), ctx);
  };
  // A small step: the leaky ReLU of the scores has a kink that a wide step may cross.
  testing::GradCheckOptions opt;
  opt.eps = 1e-3f;
  opt.atol = 3e-3;
  testing::check_parameter_gradients(params, backward, loss, opt);
  if (!sparse_input) {
    std::vector<float> analytic = dx;
    testing::check_gradient("dx", x.dense.data(), analytic.data(), analytic.size(), loss, opt);
  }
}

}  // namespace

TEST_CASE("GAT layer gradients match finite differences, dropout on") {
  for (GatScore s : {GatScore::Additive, GatScore::GatV2, GatScore::Dot}) {
    INFO(std::string(gat_score_name(s)));
    gradcheck_layer(s, true, false, false, 4);
    gradcheck_layer(s, false, true, false, 5);  // projected residual, mean heads
    gradcheck_layer(s, true, true, false, 6);   // identity residual (F == H*D)
    gradcheck_layer(s, true, false, true, 4);   // sparse input
    gradcheck_layer(s, true, false, false, 4, true);  // each head drops its own input
    gradcheck_layer(s, true, false, true, 4, true);
    gradcheck_layer(s, false, true, false, 5, true);  // with the residual's own dropout
  }
}

TEST_CASE("head dropout: each head sees its own dropped input, the same at inference") {
  Rng rng(5);
  const int N = 12;
  const CsrGraph g = small_graph(N, rng);
  GatLayerConfig c;
  c.in = 6;
  c.heads = 4;
  c.head_dim = 2;
  c.feature_dropout = 0.5f;
  GatLayerConfig ch = c;
  ch.head_dropout = true;
  GatLayer shared("l", c), own("l", ch);
  own.init(rng);
  shared.weight.value = own.weight.value;
  shared.att_src.value = own.att_src.value;
  shared.att_dst.value = own.att_dst.value;
  NodeFeatures x;
  x.rows = N;
  x.dim = 6;
  x.dense.assign(N * 6, 1.0f);
  GatCache ca, cb;
  std::vector<float> ya(N * 8), yb(N * 8);
  shared.forward(GatInput::of(x), g, ya.data(), ca, RunContext{true, 9}, true);
  own.forward(GatInput::of(x), g, yb.data(), cb, RunContext{true, 9}, true);
  CHECK(ya != yb);
  // one input copy per head, and the copies' masks differ from head to head
  REQUIRE(cb.x_heads.size() == size_t(4 * N * 6));
  CHECK(std::vector<float>(cb.x_heads.begin(), cb.x_heads.begin() + N * 6) !=
        std::vector<float>(cb.x_heads.begin() + N * 6, cb.x_heads.begin() + 2 * N * 6));
  shared.forward(GatInput::of(x), g, ya.data(), ca, RunContext{}, false);
  own.forward(GatInput::of(x), g, yb.data(), cb, RunContext{}, false);
  CHECK(ya == yb);  // no dropout at inference: the same layer
}

TEST_CASE("attention coefficients sum to one over each node's neighbours, per head") {
  Rng rng(3);
  const int N = 20;
  const CsrGraph g = small_graph(N, rng);
  for (GatScore s : {GatScore::Additive, GatScore::GatV2, GatScore::Dot}) {
    GatLayerConfig c;
    c.in = 4;
    c.heads = 3;
    c.head_dim = 2;
    c.score = s;
    GatLayer layer("l", c);
    layer.init(rng);
    const NodeFeatures x = random_features(N, 4, rng);
    std::vector<float> y(N * 6);
    GatCache cache;
    layer.forward(GatInput::of(x), g, y.data(), cache, RunContext{}, true);
    for (int i = 0; i < N; ++i)
      for (int h = 0; h < 3; ++h) {
        double sum = 0;
        for (int64_t e = g.row_ptr[i]; e < g.row_ptr[i + 1]; ++e) sum += cache.attention.probs[e * 3 + h];
        CHECK(sum == doctest::Approx(1.0).epsilon(1e-5));
      }
  }
}

TEST_CASE("GAT model: two layers, backward through both matches finite differences") {
  Rng rng(5);
  const int N = 8;
  const CsrGraph g = small_graph(N, rng);
  GatModelConfig mc;
  mc.in = 5;
  mc.classes = 3;
  mc.heads = 2;
  mc.hidden = 3;
  mc.dropout = 0.2f;
  mc.attention_dropout = 0.2f;
  GatModel model(mc);
  model.init(rng);
  NodeFeatures x = random_features(N, 5, rng);
  x.sparsify_if_sparse(1.0);
  const RunContext ctx{true, 99};
  const std::vector<float> w = testing::random_vector(N * 3, rng);
  auto loss = [&] {
    GatModelCache cache;
    return testing::weighted_sum(model.forward(x, g, cache, ctx, false), w);
  };
  GatModelCache cache;
  auto backward = [&] {
    model.forward(x, g, cache, ctx, true);
    model.backward(x, g, cache, w.data(), ctx);
  };
  testing::GradCheckOptions opt;
  opt.eps = 1e-3f;
  opt.atol = 3e-3;
  testing::check_parameter_gradients(model.parameters(), backward, loss, opt);
  CHECK(model.parameter_count() == 5 * 6 + 2 * 6 + 6 + 6 * 3 + 2 * 3 + 3);
}

TEST_CASE("GAT model: inference shares one layer cache and gives the stored forward's logits") {
  Rng rng(8);
  const int N = 9;
  const CsrGraph g = small_graph(N, rng);
  for (const int output_heads : {1, 3}) {  // the heads written straight into y, and the mean
    GatModelConfig mc;
    mc.in = 4;
    mc.classes = 3;
    mc.layers = 3;
    mc.heads = 2;
    mc.hidden = 5;
    mc.output_heads = output_heads;
    GatModel model(mc);
    model.init(rng);
    const NodeFeatures x = random_features(N, 4, rng);
    GatModelCache stored;
    const std::vector<float> want = model.forward(x, g, stored, RunContext{}, true);
    GatModelCache infer;
    for (int call = 0; call < 2; ++call)  // the second call reuses the scratch
      CHECK(model.forward(x, g, infer, RunContext{}, false) == want);
    CHECK(infer.layers[1].wh.empty());  // layer 0's buffers served every layer
    // an inference forward over a cache that held a stored one leaves nothing for backward
    model.forward(x, g, stored, RunContext{}, false);
    std::vector<float> dlogits(want.size(), 1.0f);
    CHECK_THROWS_AS(model.backward(x, g, stored, dlogits.data(), RunContext{}), std::logic_error);
  }
}

TEST_CASE("GAT model config: JSON round trip and checked fields") {
  GatModelConfig c;
  c.in = 10;
  c.classes = 4;
  c.score = GatScore::GatV2;
  c.residual = true;
  const GatModelConfig r = gat_config_from_json(gat_config_json(c));
  CHECK(r.in == 10);
  CHECK(r.score == GatScore::GatV2);
  CHECK(r.residual);
  CHECK_THROWS_WITH_AS(gat_config_from_json(R"({"in": 3})"),
                       doctest::Contains("'classes' is missing"), attn::Error);
  nlohmann::json j = nlohmann::json::parse(gat_config_json(c));
  j["heads"] = 100000;
  CHECK_THROWS_WITH_AS(gat_config_from_json(j.dump()), doctest::Contains("'heads'"), attn::Error);
  j["heads"] = 2;
  j["score"] = "cosine";
  CHECK_THROWS_WITH_AS(gat_config_from_json(j.dump()), doctest::Contains("cosine"), attn::Error);
  CHECK_THROWS_AS(gat_config_from_json("not json"), attn::Error);
}
