#pragma once
// A GAT node classifier: (layers - 1) hidden GAT layers (heads x hidden, concatenated, ELU)
// and an output GAT layer (output_heads x classes, averaged), as Velickovic et al. (2018).
// Forward runs over the whole graph at once (transductive), logits (N, K).
#include <memory>
#include <string>
#include <vector>

#include "attn/graph/gat.h"

namespace attn::graph {

struct GatModelConfig {
  int in = 0;        // F
  int classes = 0;   // K
  int layers = 2;    // GAT layers, the last one the output layer
  int heads = 8;     // per hidden layer
  int hidden = 8;    // D of a hidden layer
  int output_heads = 1;
  GatScore score = GatScore::Additive;
  float negative_slope = 0.2f;
  float dropout = 0.6f;            // on every layer's input features
  float value_dropout = 0.6f;      // on every layer's projected features (the values)
  float attention_dropout = 0.6f;  // on the attention coefficients
  bool residual = false;
  // Each head of a layer drops its input with its own mask (the reference GAT code); model
  // files written before this field existed read as false.
  bool head_dropout = false;
  // The layer configs this describes; throws attn::Error naming a bad field.
  std::vector<GatLayerConfig> layer_configs() const;
};

// JSON of every field, and back, checking each ("config field 'heads' must be in [1, 64]").
std::string gat_config_json(const GatModelConfig& c);
GatModelConfig gat_config_from_json(const std::string& json);

struct GatModelCache {
  std::vector<GatCache> layers;  // per layer; a forward without store uses layers[0] for all
  std::vector<std::vector<float>> outputs;  // per layer: (N, out_l)
  std::vector<std::vector<float>> dinputs;  // backward scratch: (N, in_l)
};

class GatModel {
 public:
  explicit GatModel(const GatModelConfig& config);

  void init(Rng& rng);
  // logits: (N, K) = the last layer's output (kept in cache.outputs.back()).
  const std::vector<float>& forward(const NodeFeatures& x, const CsrGraph& g,
                                    GatModelCache& cache, const RunContext& ctx,
                                    bool store) const;
  // dlogits: (N, K). Accumulates parameter gradients.
  void backward(const NodeFeatures& x, const CsrGraph& g, GatModelCache& cache,
                const float* dlogits, const RunContext& ctx);

  ParameterList parameters();
  int64_t parameter_count();
  const GatModelConfig& config() const { return config_; }
  const GatLayer& layer(int l) const { return *layers_[l]; }
  int layer_count() const { return static_cast<int>(layers_.size()); }
  // The output layer's parameter-name prefix ("layers.1."): what a new label set replaces.
  std::string output_layer_prefix() const { return "layers." + std::to_string(layer_count() - 1) + "."; }

 private:
  GatModelConfig config_;
  std::vector<std::unique_ptr<GatLayer>> layers_;
};

}  // namespace attn::graph
