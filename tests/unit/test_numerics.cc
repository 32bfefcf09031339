// Numerics against PyTorch: every layer's forward and backward on the fixtures written by
// tests/reference/make_fixtures.py (one safetensors file per case, see that script for the
// tensor names and metadata).
//
// Directory: $ATTN_FIXTURES, else $ATTN_SOURCE_DIR/tests/fixtures (CTest sets ATTN_SOURCE_DIR),
// else the source tree this file was compiled from. Every known case must be present, every
// file present must be a known case, and every expected tensor in a file ("y", "loss",
// "grad.*") must be compared and every parameter ("m.*") loaded, so nothing passes by omission.
//
// Error measure, per tensor: max_i |actual_i - expected_i| / max(1, max_i |expected_i|)
// (absolute for small tensors, relative to the largest magnitude for large ones).
// Tolerances: outputs and losses 1e-4, gradients 1e-3. The expected values were computed in
// float64 from the stored float32 inputs.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "attn/attention.h"
#include "attn/checkpoint.h"
#include "attn/context.h"
#include "attn/layers/activation.h"
#include "attn/layers/dropout.h"
#include "attn/layers/embedding.h"
#include "attn/layers/encoder.h"
#include "attn/layers/encoder_block.h"
#include "attn/layers/feed_forward.h"
#include "attn/layers/hashed_embedding.h"
#include "attn/layers/layer_norm.h"
#include "attn/layers/linear.h"
#include "attn/layers/loss.h"
#include "attn/layers/multihead_attention.h"
#include "attn/layers/pooling.h"
#include "attn/layers/positional.h"
#include "attn/tensor.h"
#include "attn/vision/conv_stem.h"
#include "attn/vision/patch_embedding.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr double kOutputTolerance = 1e-4;
constexpr double kGradTolerance = 1e-3;

fs::path fixture_dir() {
  if (const char* dir = std::getenv("ATTN_FIXTURES"); dir && *dir) return dir;
  if (const char* src = std::getenv("ATTN_SOURCE_DIR"); src && *src)
    return fs::path(src) / "tests" / "fixtures";
  return fs::path(__FILE__).parent_path().parent_path() / "fixtures";
}

bool using_default_dir() {
  const char* dir = std::getenv("ATTN_FIXTURES");
  return !dir || !*dir;
}

// A fixture that cannot be checked (missing tensor, wrong size, unknown setting): reported as
// a failure of that fixture only, so the others still run.
struct FixtureProblem : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class... Parts>
void need(bool ok, const Parts&... parts) {
  if (ok) return;
  std::ostringstream msg;
  (msg << ... << parts);
  throw FixtureProblem(msg.str());
}

// max|a - b| / max(1, max|b|)
double scaled_error(const float* actual, const float* expected, int64_t n) {
  double diff = 0.0, scale = 1.0;
  for (int64_t i = 0; i < n; ++i) {
    const double d = std::fabs(static_cast<double>(actual[i]) - expected[i]);
    diff = std::isnan(d) ? INFINITY : std::max(diff, d);
    scale = std::max(scale, std::fabs(static_cast<double>(expected[i])));
  }
  return diff / scale;
}

// One fixture file: typed access to its tensors and bookkeeping of what the test used.
class Fixture {
 public:
  explicit Fixture(const fs::path& path)
      : file_(attn::SafeTensorsFile::open(path.string())),
        case_(file_.metadata_value("case")),
        config_(json::parse(file_.metadata_value("config"))) {}

  const std::string& case_name() const { return case_; }
  const json& config() const { return config_; }
  int integer(const char* key) const { return config_.at(key).get<int>(); }

  bool has(const std::string& name) const { return file_.has(name); }

  attn::Tensor tensor(const std::string& name) const {
    need(file_.has(name), case_, ": missing tensor ", name);
    return file_.tensor(name);
  }

  std::vector<int32_t> ints(const std::string& name) const {
    need(file_.has(name), case_, ": missing tensor ", name);
    const auto raw = file_.raw(name);
    need(raw.dtype == attn::DType::I32, case_, ": ", name, " is not I32");
    std::vector<int32_t> v(raw.size / sizeof(int32_t));
    std::memcpy(v.data(), raw.bytes, raw.size);
    return v;
  }

  attn::Segments segments() const {
    attn::Segments segs;
    segs.offsets = ints("offsets");
    need(segs.offsets.size() >= 2 && segs.offsets.front() == 0, case_, ": bad offsets");
    return segs;
  }

  // Copies every parameter's value from the file and zeroes its gradient.
  void load(const attn::ParameterList& params) {
    for (attn::Parameter* p : params) {
      need(file_.has(p->name), case_, ": no tensor for parameter ", p->name);
      file_.load_into(*p);
      p->grad.zero();
      loaded_.insert(p->name);
    }
    if (after_load) after_load(params);
  }

  // Compares `actual` (n values) with the stored tensor `name`.
  void expect(const std::string& name, const float* actual, int64_t n, double tolerance) {
    const attn::Tensor expected = tensor(name);
    compared_.insert(name);
    need(expected.size() == n, case_, ": ", name, " has ", expected.size(),
         " values, the layer gave ", n);
    const double err = scaled_error(actual, expected.data(), n);
    errors.push_back({name, err, tolerance});
    if (verbose()) MESSAGE(case_ << ": " << name << " error " << err);
    if (!record_only)
      CHECK_MESSAGE(err <= tolerance, case_ << ": " << name << " differs from PyTorch: error "
                                            << err << " > " << tolerance);
  }
  void expect_output(const std::string& name, const std::vector<float>& actual) {
    expect(name, actual.data(), static_cast<int64_t>(actual.size()), kOutputTolerance);
  }
  void expect_grad(const std::string& name, const std::vector<float>& actual) {
    expect("grad." + name, actual.data(), static_cast<int64_t>(actual.size()), kGradTolerance);
  }
  void expect_param_grads(const attn::ParameterList& params) {
    for (const attn::Parameter* p : params)
      expect("grad." + p->name, p->grad.data(), p->grad.size(), kGradTolerance);
  }

  // Every expected tensor was compared and every parameter loaded.
  void check_everything_used() const {
    for (const std::string& name : file_.names()) {
      const bool expected = name == "y" || name == "loss" || name.rfind("grad.", 0) == 0;
      const bool parameter = name.rfind("m.", 0) == 0;
      if (expected) CHECK_MESSAGE(compared_.count(name), case_ << ": " << name << " never compared");
      if (parameter) CHECK_MESSAGE(loaded_.count(name), case_ << ": " << name << " never loaded");
    }
  }

  // For the self-test: a hook run after the parameters are loaded, and a mode that only
  // records the errors instead of checking them.
  std::function<void(const attn::ParameterList&)> after_load;
  bool record_only = false;
  struct Comparison {
    std::string name;
    double error, tolerance;
  };
  std::vector<Comparison> errors;

 private:
  static bool verbose() {
    const char* v = std::getenv("ATTN_NUMERICS_VERBOSE");
    return v && *v && *v != '0';
  }

  attn::SafeTensorsFile file_;
  std::string case_;
  json config_;
  std::set<std::string> compared_, loaded_;
};

std::vector<float> values(const attn::Tensor& t) { return t.storage(); }

// ------------------------------------------------------------------------------------------
// The cases. Each builds the layer from the file's config, loads its parameters, runs
// forward and backward with the stored upstream gradient dy and compares.

// Each case registers its runner where it is defined, under the fixture names it checks, so
// a new layer's case needs no edit elsewhere in this file.
using CaseFn = std::function<void(Fixture&)>;

std::map<std::string, CaseFn>& registered_cases() {
  static std::map<std::string, CaseFn> cases;
  return cases;
}

struct CaseRegistration {
  CaseRegistration(CaseFn fn, std::initializer_list<const char*> names) {
    for (const char* name : names)
      if (!registered_cases().emplace(name, fn).second) std::abort();  // a name taken twice
  }
};

#define NUMERICS_CONCAT2(a, b) a##b
#define NUMERICS_CONCAT(a, b) NUMERICS_CONCAT2(a, b)
#define NUMERICS_CASE(fn, ...) \
  const CaseRegistration NUMERICS_CONCAT(registration_, __LINE__)(fn, {__VA_ARGS__})

void run_linear(Fixture& fx);
NUMERICS_CASE(run_linear, "linear");
void run_linear(Fixture& fx) {
  const int T = fx.integer("T"), in = fx.integer("in_features"), out = fx.integer("out_features");
  attn::Linear layer("m", in, out, fx.config().at("bias").get<bool>());
  attn::ParameterList params;
  layer.collect(params);
  fx.load(params);
  const attn::Tensor x = fx.tensor("x"), dy = fx.tensor("dy");
  std::vector<float> y(size_t(T) * out), dx(size_t(T) * in);
  layer.forward(T, x.data(), y.data());
  layer.backward(T, x.data(), dy.data(), dx.data());
  fx.expect_output("y", y);
  fx.expect_grad("x", dx);
  fx.expect_param_grads(params);
}

// Patch embedding against torch's Conv2d(kernel=stride=p) on the same images in (B, C, S, S).
void run_patch_embedding(Fixture& fx);
NUMERICS_CASE(run_patch_embedding, "patch_embedding");
void run_patch_embedding(Fixture& fx) {
  const int B = fx.integer("B"), S = fx.integer("image_size"), C = fx.integer("channels");
  const int p = fx.integer("patch"), D = fx.integer("dim");
  attn::vision::PatchEmbedding layer("m", S, C, p, D);
  attn::ParameterList params;
  layer.collect(params);
  fx.load(params);
  const attn::Tensor x = fx.tensor("x"), dy = fx.tensor("dy");
  const int rows = B * layer.patches_per_image();
  std::vector<float> y(size_t(rows) * D), dx(x.size());
  attn::vision::PatchEmbedding::Cache cache;
  layer.forward(B, x.data(), y.data(), cache);
  layer.backward(B, dy.data(), dx.data(), cache);
  fx.expect_output("y", y);
  fx.expect_grad("x", dx);
  fx.expect_param_grads(params);
}

// The convolutional stem against torch's Conv2d(3x3, stride 2, padding 1) + GELU, then 1x1.
void run_conv_stem(Fixture& fx);
NUMERICS_CASE(run_conv_stem, "conv_stem");
void run_conv_stem(Fixture& fx) {
  const int B = fx.integer("B"), S = fx.integer("image_size"), C = fx.integer("channels");
  const int D = fx.integer("dim");
  attn::vision::ConvStem layer("m", S, C, fx.integer("patch"), D);
  attn::ParameterList params;
  layer.collect(params);
  fx.load(params);
  const attn::Tensor x = fx.tensor("x"), dy = fx.tensor("dy");
  std::vector<float> y(size_t(B) * layer.patches_per_image() * D);
  attn::vision::ConvStem::Cache cache;
  layer.forward(B, x.data(), y.data(), cache);
  layer.backward(B, dy.data(), cache);
  fx.expect_output("y", y);
  fx.expect_param_grads(params);
}

void run_embedding(Fixture& fx);
NUMERICS_CASE(run_embedding, "embedding");
void run_embedding(Fixture& fx) {
  const int T = fx.integer("T"), C = fx.integer("dim");
  attn::Embedding layer("m", fx.integer("vocab"), C);
  attn::ParameterList params;
  layer.collect(params);
  fx.load(params);
  const std::vector<int32_t> ids = fx.ints("ids");
  need(ids.size() == size_t(T), "ids: expected T values");
  const attn::Tensor dy = fx.tensor("dy");
  std::vector<float> y(size_t(T) * C);
  layer.forward(T, ids.data(), y.data());
  layer.backward(T, ids.data(), dy.data());
  fx.expect_output("y", y);
  fx.expect_param_grads(params);
}

void run_hashed_embedding(Fixture& fx);
NUMERICS_CASE(run_hashed_embedding, "hashed_embedding");
void run_hashed_embedding(Fixture& fx) {
  const int T = fx.integer("T"), C = fx.integer("dim");
  attn::HashedEmbedding layer("m", fx.integer("buckets"), C);
  attn::ParameterList params;
  layer.collect(params);
  fx.load(params);
  const std::vector<int32_t> offsets32 = fx.ints("offsets"), ids = fx.ints("ids");
  need(offsets32.size() == size_t(T) + 1, "offsets: expected T + 1 values");
  const std::vector<int64_t> offsets(offsets32.begin(), offsets32.end());
  const attn::Tensor dy = fx.tensor("dy");
  std::vector<float> y(size_t(T) * C);
  layer.forward(T, offsets.data(), ids.data(), y.data());
  layer.backward(T, offsets.data(), ids.data(), dy.data());
  fx.expect_output("y", y);
  fx.expect_param_grads(params);
}

void run_layer_norm(Fixture& fx);
NUMERICS_CASE(run_layer_norm, "layer_norm");
void run_layer_norm(Fixture& fx) {
  const int T = fx.integer("T"), C = fx.integer("dim");
  attn::LayerNorm layer("m", C, fx.config().at("eps").get<float>());
  attn::ParameterList params;
  layer.collect(params);
  fx.load(params);
  const attn::Tensor x = fx.tensor("x"), dy = fx.tensor("dy");
  std::vector<float> y(size_t(T) * C), dx(size_t(T) * C);
  attn::LayerNorm::Cache cache;
  layer.forward(T, x.data(), y.data(), &cache);
  layer.backward(T, x.data(), dy.data(), dx.data(), cache);
  fx.expect_output("y", y);
  fx.expect_grad("x", dx);
  fx.expect_param_grads(params);
}

void run_gelu(Fixture& fx);
NUMERICS_CASE(run_gelu, "gelu");
void run_gelu(Fixture& fx) {
  const attn::Tensor x = fx.tensor("x"), dy = fx.tensor("dy");
  std::vector<float> y(x.size()), dx(x.size());
  attn::Gelu::forward(x.size(), x.data(), y.data());
  attn::Gelu::backward(x.size(), x.data(), dy.data(), dx.data());
  fx.expect_output("y", y);
  fx.expect_grad("x", dx);
}

void run_dropout_eval(Fixture& fx);
NUMERICS_CASE(run_dropout_eval, "dropout_eval");
void run_dropout_eval(Fixture& fx) {
  need(!fx.config().at("training").get<bool>(), "only eval-mode dropout is comparable");
  const attn::Dropout layer("m.drop", fx.config().at("p").get<float>());
  attn::RunContext ctx;
  ctx.training = false;
  ctx.seed = 12345;
  const attn::Tensor x = fx.tensor("x"), dy = fx.tensor("dy");
  std::vector<float> y(x.size()), dx(x.size());
  layer.forward(x.size(), x.data(), y.data(), ctx);
  layer.backward(x.size(), dy.data(), dx.data(), ctx);
  fx.expect_output("y", y);
  fx.expect_grad("x", dx);
}

void run_positional_sinusoidal(Fixture& fx);
NUMERICS_CASE(run_positional_sinusoidal, "positional_sinusoidal");
void run_positional_sinusoidal(Fixture& fx) {
  const attn::Segments segs = fx.segments();
  const int C = fx.integer("dim");
  int max_len = 0;
  for (int b = 0; b < segs.count(); ++b) max_len = std::max(max_len, segs.length(b));
  const attn::SinusoidalPositions pe(C, max_len);
  std::vector<float> table(size_t(max_len) * C);
  for (int p = 0; p < max_len; ++p) std::copy_n(pe.row(p), C, table.begin() + size_t(p) * C);
  fx.expect("table", table.data(), int64_t(table.size()), kOutputTolerance);
  std::vector<float> y = values(fx.tensor("x"));
  need(y.size() == size_t(segs.total()) * C, "x: expected (T, C)");
  pe.add(segs, y.data());
  fx.expect_output("y", y);
  fx.expect_grad("x", values(fx.tensor("dy")));  // a fixed addition passes dy through
}

void run_positional_learned(Fixture& fx);
NUMERICS_CASE(run_positional_learned, "positional_learned");
void run_positional_learned(Fixture& fx) {
  const attn::Segments segs = fx.segments();
  const int C = fx.integer("dim");
  attn::LearnedPositions layer("m", fx.integer("max_len"), C);
  attn::ParameterList params;
  layer.collect(params);
  fx.load(params);
  std::vector<float> y = values(fx.tensor("x"));
  const attn::Tensor dy = fx.tensor("dy");
  layer.add(segs, y.data());
  layer.backward(segs, dy.data());
  fx.expect_output("y", y);
  fx.expect_grad("x", values(dy));  // add passes dy through to x unchanged
  fx.expect_param_grads(params);
}

void run_pool(Fixture& fx, attn::PoolKind kind) {
  const attn::Segments segs = fx.segments();
  const int C = fx.integer("dim");
  const attn::Pooling pool(kind);
  const attn::Tensor x = fx.tensor("x"), dy = fx.tensor("dy");
  std::vector<float> y(size_t(segs.count()) * C), dx(x.size());
  pool.forward(segs, x.data(), C, y.data());
  pool.backward(segs, x.data(), dy.data(), C, dx.data());
  fx.expect_output("y", y);
  fx.expect_grad("x", dx);
}
NUMERICS_CASE([](Fixture& fx) { run_pool(fx, attn::PoolKind::Cls); }, "pool_cls");
NUMERICS_CASE([](Fixture& fx) { run_pool(fx, attn::PoolKind::Mean); }, "pool_mean");

void run_cross_entropy(Fixture& fx);
NUMERICS_CASE(run_cross_entropy, "cross_entropy");
void run_cross_entropy(Fixture& fx) {
  const int B = fx.integer("B"), K = fx.integer("classes");
  const attn::Tensor logits = fx.tensor("logits");
  const std::vector<int32_t> labels = fx.ints("labels");
  std::vector<float> dlogits(logits.size());
  const float loss = attn::softmax_cross_entropy(
      B, K, logits.data(), labels.data(), fx.config().at("label_smoothing").get<float>(),
      dlogits.data(), nullptr);
  fx.expect_output("loss", {loss});
  fx.expect_grad("logits", dlogits);
}

void run_one_vs_all(Fixture& fx);
NUMERICS_CASE(run_one_vs_all, "one_vs_all");
void run_one_vs_all(Fixture& fx) {
  const int B = fx.integer("B"), K = fx.integer("classes");
  const attn::Tensor logits = fx.tensor("logits");
  const std::vector<int32_t> targets32 = fx.ints("targets");
  const std::vector<uint8_t> targets(targets32.begin(), targets32.end());
  std::vector<float> dlogits(logits.size());
  const float loss = attn::ova_sigmoid_loss(B, K, logits.data(), targets.data(), dlogits.data());
  fx.expect_output("loss", {loss});
  fx.expect_grad("logits", dlogits);
}

attn::MaskKind mask_kind(const std::string& mask) {
  if (mask == "none") return attn::MaskKind::None;
  if (mask == "causal") return attn::MaskKind::Causal;
  if (mask == "window") return attn::MaskKind::Window;
  if (mask == "sparse") return attn::MaskKind::Sparse;
  need(false, "unknown mask ", mask);
  return attn::MaskKind::None;
}

void run_attention(Fixture& fx);
NUMERICS_CASE(run_attention, "attention_dot_none", "attention_dot_causal", "attention_dot_window",
              "attention_dot_sparse", "attention_additive_none", "attention_additive_causal",
              "attention_additive_window", "attention_additive_sparse");
void run_attention(Fixture& fx) {
  const json& cfg = fx.config();
  attn::AttentionSpec spec;
  spec.heads = fx.integer("heads");
  spec.head_dim = fx.integer("head_dim");
  const std::string scoring = cfg.at("scoring"), mask = cfg.at("mask");
  spec.scoring = scoring == "dot" ? attn::Scoring::DotProduct : attn::Scoring::Additive;
  need(scoring == "dot" || scoring == "additive", "unknown scoring ", scoring);
  spec.scale = cfg.at("scale").get<float>();
  spec.negative_slope = cfg.at("negative_slope").get<float>();
  spec.window = fx.integer("window");
  spec.mask = mask_kind(mask);
  const int T = fx.integer("T");
  attn::Segments segs;
  attn::CsrGraph graph;
  if (spec.mask == attn::MaskKind::Sparse) {
    segs.offsets = {0, T};
    const std::vector<int32_t> row_ptr = fx.ints("row_ptr");
    graph.row_ptr.assign(row_ptr.begin(), row_ptr.end());
    graph.col = fx.ints("col");
    spec.graph = &graph;
  } else {
    segs = fx.segments();
  }
  need(segs.total() == T, "segments do not cover T rows");
  const attn::Tensor q = fx.tensor("q"), k = fx.tensor("k"), v = fx.tensor("v");
  const attn::Tensor dy = fx.tensor("dy");
  std::vector<float> y(v.size()), y_inference(v.size());
  std::vector<float> dq(q.size()), dk(k.size()), dv(v.size());
  attn::AttentionCache cache;
  attn::attention_forward(spec, segs, q.data(), k.data(), v.data(), y.data(), &cache);
  attn::attention_backward(spec, segs, q.data(), k.data(), v.data(), cache, dy.data(), dq.data(),
                           dk.data(), dv.data());
  fx.expect_output("y", y);
  fx.expect_grad("q", dq);
  fx.expect_grad("k", dk);
  fx.expect_grad("v", dv);
  // The inference path (no cache) is a different kernel; it must agree too.
  attn::attention_forward(spec, segs, q.data(), k.data(), v.data(), y_inference.data(), nullptr);
  fx.expect_output("y", y_inference);
}

// Eval mode: dropout, when configured, must be the identity.
attn::RunContext eval_context() {
  attn::RunContext ctx;
  ctx.training = false;
  ctx.seed = 99;
  return ctx;
}

float config_or(const Fixture& fx, const char* key, float fallback) {
  return fx.config().contains(key) ? fx.config().at(key).get<float>() : fallback;
}

// Loads the layer's parameters, runs forward with a cache, backward, and forward without one
// (the inference kernels), and checks output, input gradient and parameter gradients.
// `rows` is what the layer's forward takes first: the Segments, or T for row-wise layers.
template <class Layer, class Rows>
void check_layer(Fixture& fx, Layer& layer, const Rows& rows) {
  attn::ParameterList params;
  layer.collect(params);
  fx.load(params);
  const attn::Tensor x = fx.tensor("x"), dy = fx.tensor("dy");
  std::vector<float> y(x.size()), y_inference(x.size()), dx(x.size());
  typename Layer::Cache cache;
  layer.forward(rows, x.data(), y.data(), &cache, eval_context());
  layer.backward(rows, x.data(), dy.data(), dx.data(), cache);
  layer.forward(rows, x.data(), y_inference.data(), nullptr, eval_context());
  fx.expect_output("y", y);
  fx.expect_output("y", y_inference);
  fx.expect_grad("x", dx);
  fx.expect_param_grads(params);
}

void run_multi_head_attention(Fixture& fx);
NUMERICS_CASE(run_multi_head_attention, "multi_head_attention", "multi_head_attention_causal",
              "multi_head_attention_window");
void run_multi_head_attention(Fixture& fx) {
  const attn::Segments segs = fx.segments();
  attn::MultiHeadAttentionConfig config;
  config.dim = fx.integer("dim");
  config.heads = fx.integer("heads");
  config.mask = mask_kind(fx.config().at("mask"));
  config.window = fx.integer("window");
  attn::MultiHeadAttention layer("m", config);
  check_layer(fx, layer, segs);
}

void run_feed_forward(Fixture& fx);
NUMERICS_CASE(run_feed_forward, "feed_forward");
void run_feed_forward(Fixture& fx) {
  const int T = fx.integer("T");
  need(fx.config().at("activation") == "gelu", "only the GELU feed-forward exists");
  attn::FeedForward layer("m", fx.integer("dim"), fx.integer("hidden"));
  check_layer(fx, layer, T);
}

// The settings an encoder block and a whole encoder share.
template <class Config>
void read_block_settings(Fixture& fx, Config& config) {
  config.dim = fx.integer("dim");
  config.heads = fx.integer("heads");
  config.ff_dim = fx.integer("hidden");
  config.dropout = config_or(fx, "dropout", 0.0f);
  config.attention_dropout = config_or(fx, "attention_dropout", 0.0f);
  config.mask = mask_kind(fx.config().at("mask"));
  config.window = fx.integer("window");
}

void run_encoder_block(Fixture& fx);
NUMERICS_CASE(run_encoder_block, "encoder_block");
void run_encoder_block(Fixture& fx) {
  const attn::Segments segs = fx.segments();
  need(fx.config().at("norm") == "pre", "only the pre-LN block exists");
  attn::EncoderBlockConfig config;
  read_block_settings(fx, config);
  attn::EncoderBlock layer("m", config);
  check_layer(fx, layer, segs);
}

void run_encoder(Fixture& fx);
NUMERICS_CASE(run_encoder, "encoder");
void run_encoder(Fixture& fx) {
  const attn::Segments segs = fx.segments();
  need(fx.config().at("norm") == "pre", "only pre-LN blocks exist");
  attn::EncoderConfig config;
  config.layers = fx.integer("layers");
  read_block_settings(fx, config);
  config.final_norm = fx.config().at("final_norm").get<bool>();
  attn::Encoder layer("m", config);
  check_layer(fx, layer, segs);
}

std::map<std::string, fs::path> fixture_files() {
  const fs::path dir = fixture_dir();
  REQUIRE_MESSAGE(fs::is_directory(dir), "fixture directory " << dir << " not found");
  std::map<std::string, fs::path> files;  // file stem -> path, sorted for a stable order
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".safetensors") files[entry.path().stem()] = entry.path();
  return files;
}

void check_fixture(const fs::path& path, const std::string& stem) {
  INFO("fixture " << path.string());
  try {
    Fixture fx(path);
    CHECK_MESSAGE(fx.case_name() == stem, "file " << path << " holds case " << fx.case_name());
    const auto it = registered_cases().find(fx.case_name());
    need(it != registered_cases().end(), "no test for fixture case ", fx.case_name());
    it->second(fx);
    fx.check_everything_used();
  } catch (const std::exception& e) {  // FixtureProblem, attn::Error, a layer's own throw
    FAIL_CHECK(std::string(e.what()));
  }
}

}  // namespace

TEST_CASE("every known numerics case has a fixture") {
  // Always required in the committed directory; a directory given by ATTN_FIXTURES must
  // hold every case as well (make_fixtures.py writes them all), so a half-empty one fails.
  const auto files = fixture_files();
  INFO("fixture directory: " << fixture_dir() << (using_default_dir() ? " (default)" : ""));
  for (const auto& [name, fn] : registered_cases())
    CHECK_MESSAGE(files.count(name), "missing fixture for case " << name);
}

TEST_CASE("the comparison catches a slightly wrong layer") {
  // Guards against a harness that cannot fail: shifting one bias of the linear fixture by
  // 1e-2 shifts a column of y by exactly that, past the output tolerance (for |y| < 100),
  // while the gradients, which do not depend on the bias, still pass.
  const auto files = fixture_files();
  REQUIRE(files.count("linear"));
  Fixture fx(files.at("linear"));
  fx.record_only = true;
  fx.after_load = [](const attn::ParameterList& params) {
    for (attn::Parameter* p : params)
      if (p->name == "m.bias") p->value[0] += 1e-2f;
  };
  run_linear(fx);
  std::map<std::string, double> excess;  // error / tolerance
  for (const auto& c : fx.errors) excess[c.name] = c.error / c.tolerance;
  CHECK(excess.at("y") > 1.0);
  CHECK(excess.at("grad.x") < 1.0);
  CHECK(excess.at("grad.m.weight") < 1.0);
  CHECK(excess.at("grad.m.bias") < 1.0);
}

TEST_CASE("layers match PyTorch on every fixture") {
  const auto files = fixture_files();
  REQUIRE(!files.empty());
  for (const auto& [stem, path] : files) check_fixture(path, stem);
}

