#include "attn/graph/gat_model.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <string>

#include "attn/error.h"

namespace attn::graph {

namespace {

void check_range(const char* field, double v, double lo, double hi) {
  if (!(v >= lo && v <= hi))
    throw Error(std::string("config field '") + field + "' must be in [" + nlohmann::json(lo).dump() +
                ", " + nlohmann::json(hi).dump() + "], not " + nlohmann::json(v).dump());
}

}  // namespace

std::vector<GatLayerConfig> GatModelConfig::layer_configs() const {
  check_range("in", in, 1, 1 << 30);
  check_range("classes", classes, 1, 1 << 16);
  check_range("layers", layers, 1, 16);
  check_range("heads", heads, 1, 64);
  check_range("hidden", hidden, 1, 4096);
  check_range("output_heads", output_heads, 1, 64);
  check_range("negative_slope", negative_slope, 0, 1);
  check_range("dropout", dropout, 0, 0.99);
  check_range("attention_dropout", attention_dropout, 0, 0.99);
  check_range("value_dropout", value_dropout, 0, 0.99);
  std::vector<GatLayerConfig> out;
  int width = in;
  for (int l = 0; l < layers; ++l) {
    GatLayerConfig c;
    const bool last = l == layers - 1;
    c.in = width;
    c.heads = last ? output_heads : heads;
    c.head_dim = last ? classes : hidden;
    c.concat = !last;
    c.elu = !last;
    c.score = score;
    c.negative_slope = negative_slope;
    c.feature_dropout = dropout;
    c.attention_dropout = attention_dropout;
    c.value_dropout = value_dropout;
    c.residual = residual;
    c.head_dropout = head_dropout;
    out.push_back(c);
    width = c.out_width();
  }
  return out;
}

namespace {

// A float as the shortest decimal that reads back to it (0.6, not 0.6000000238418579).
double shortest(float v) { return std::stod(fmt::format("{}", v)); }

}  // namespace

std::string gat_config_json(const GatModelConfig& c) {
  nlohmann::json j = {{"in", c.in},
                      {"classes", c.classes},
                      {"layers", c.layers},
                      {"heads", c.heads},
                      {"hidden", c.hidden},
                      {"output_heads", c.output_heads},
                      {"score", gat_score_name(c.score)},
                      {"negative_slope", shortest(c.negative_slope)},
                      {"dropout", shortest(c.dropout)},
                      {"attention_dropout", shortest(c.attention_dropout)},
                      {"value_dropout", shortest(c.value_dropout)},
                      {"residual", c.residual},
                      {"head_dropout", c.head_dropout}};
  return j.dump();
}

GatModelConfig gat_config_from_json(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) throw Error("model config is not a JSON object");
  auto get = [&](const char* field) -> const nlohmann::json& {
    if (!j.contains(field)) throw Error(std::string("config field '") + field + "' is missing");
    return j.at(field);
  };
  auto integer = [&](const char* field) {
    const nlohmann::json& v = get(field);
    if (!v.is_number_integer()) throw Error(std::string("config field '") + field + "' is not an integer");
    const int64_t x = v.get<int64_t>();
    check_range(field, static_cast<double>(x), 0, 1 << 30);
    return static_cast<int>(x);
  };
  auto number = [&](const char* field) {
    const nlohmann::json& v = get(field);
    if (!v.is_number()) throw Error(std::string("config field '") + field + "' is not a number");
    return v.get<float>();
  };
  GatModelConfig c;
  c.in = integer("in");
  c.classes = integer("classes");
  c.layers = integer("layers");
  c.heads = integer("heads");
  c.hidden = integer("hidden");
  c.output_heads = integer("output_heads");
  const nlohmann::json& score = get("score");
  if (!score.is_string()) throw Error("config field 'score' is not a string");
  c.score = parse_gat_score(score.get<std::string>());
  c.negative_slope = number("negative_slope");
  c.dropout = number("dropout");
  c.attention_dropout = number("attention_dropout");
  c.value_dropout = number("value_dropout");
  const nlohmann::json& residual = get("residual");
  if (!residual.is_boolean()) throw Error("config field 'residual' is not a boolean");
  c.residual = residual.get<bool>();
  if (j.contains("head_dropout")) {  // absent in older model files: shared input dropout
    if (!j.at("head_dropout").is_boolean()) throw Error("config field 'head_dropout' is not a boolean");
    c.head_dropout = j.at("head_dropout").get<bool>();
  }
  c.layer_configs();  // checks every field
  return c;
}

GatModel::GatModel(const GatModelConfig& config) : config_(config) {
  const std::vector<GatLayerConfig> configs = config.layer_configs();
  for (size_t l = 0; l < configs.size(); ++l)
    layers_.push_back(std::make_unique<GatLayer>("layers." + std::to_string(l), configs[l]));
}

void GatModel::init(Rng& rng) {
  for (size_t l = 0; l < layers_.size(); ++l) {
    Rng layer_rng = rng.split(l);
    layers_[l]->init(layer_rng);
  }
}

const std::vector<float>& GatModel::forward(const NodeFeatures& x, const CsrGraph& g,
                                            GatModelCache& cache, const RunContext& ctx,
                                            bool store) const {
  const int N = g.rows(), L = layer_count();
  if (x.rows != N || x.dim != config_.in)
    throw Error("the graph's features are (" + std::to_string(x.rows) + ", " +
                std::to_string(x.dim) + "), the model expects " + std::to_string(config_.in) +
                " features for each of the " + std::to_string(N) + " nodes");
  cache.layers.resize(L);
  cache.outputs.resize(L);
  for (int l = 0; l < L; ++l) {
    const GatLayer& layer = *layers_[l];
    cache.outputs[l].resize(int64_t{N} * layer.config().out_width());
    GatInput in = l == 0 ? GatInput::of(x) : GatInput{cache.outputs[l - 1].data(), nullptr};
    // Without backward a layer's cache is scratch, dead once its output is written: every
    // layer reuses the first one's buffers, whose pages are already touched (fresh pages
    // are what grows fastest with the graph).
    GatCache& lc = store ? cache.layers[l] : cache.layers[0];
    cache.layers[l].stored = false;
    // h_{l+1} = gat_l(h_l)   (N, out_l)
    layer.forward(in, g, cache.outputs[l].data(), lc, ctx, store);
    // without backward, a layer's input is no longer needed
    if (!store && l > 0) std::vector<float>().swap(cache.outputs[l - 1]);
  }
  return cache.outputs.back();
}

void GatModel::backward(const NodeFeatures& x, const CsrGraph& g, GatModelCache& cache,
                        const float* dlogits, const RunContext& ctx) {
  const int N = g.rows(), L = layer_count();
  cache.dinputs.resize(L);
  const float* dy = dlogits;
  for (int l = L - 1; l >= 0; --l) {
    GatLayer& layer = *layers_[l];
    const bool first = l == 0;
    GatInput in = first ? GatInput::of(x) : GatInput{cache.outputs[l - 1].data(), nullptr};
    float* dx = nullptr;
    if (!first) {  // the input gradient of layer l is the output gradient of layer l - 1
      cache.dinputs[l].resize(int64_t{N} * layer.config().in);
      dx = cache.dinputs[l].data();
    }
    layer.backward(in, g, cache.outputs[l].data(), dy, cache.layers[l], dx, ctx);
    dy = dx;
  }
}

ParameterList GatModel::parameters() {
  ParameterList p;
  for (auto& layer : layers_) layer->collect(p);
  return p;
}

int64_t GatModel::parameter_count() {
  int64_t n = 0;
  for (Parameter* p : parameters()) n += p->value.size();
  return n;
}

}  // namespace attn::graph
