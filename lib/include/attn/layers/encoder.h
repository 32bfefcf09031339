#pragma once
// A stack of pre-LN encoder blocks "<name>.layers.<i>" and an optional final LayerNorm
// "<name>.norm", over a packed variable-length batch.
#include <string>
#include <utility>
#include <vector>

#include "attn/context.h"
#include "attn/layers/encoder_block.h"
#include "attn/layers/layer_norm.h"

namespace attn {

struct EncoderConfig {
  int layers = 1;
  int dim = 0;                     // C
  int heads = 1;                   // H, must divide dim
  int ff_dim = 0;                  // F
  float dropout = 0.0f;            // residual branches and feed-forward hidden layers
  MaskKind mask = MaskKind::None;  // None, Causal or Window
  int window = 0;
  bool final_norm = true;
  float attention_dropout = 0.0f;  // attention outputs, before their projections
  float drop_path = 0.0f;  // stochastic depth: block i of L drops at drop_path * i / (L - 1)
  bool locality = false;   // locality self-attention in every block (multihead_attention.h)
};

class Encoder {
 public:
  struct Cache {
    std::vector<EncoderBlock::Cache> blocks;
    std::vector<std::vector<float>> outputs;  // (T, C) output of block i (block i+1's input)
    LayerNorm::Cache norm;
  };

  Encoder(const std::string& name, const EncoderConfig& config);
  // The parameters Encoder(name, config) collects, without building it (see ParameterShape).
  static void parameter_shapes(const std::string& name, const EncoderConfig& config,
                               ParameterShapes& out);

  void init(Rng& rng);
  // x, y: (T, C) with T = segs.total(). cache == nullptr: inference (y may alias x).
  // With a cache, x must stay unchanged until backward.
  void forward(const Segments& segs, const float* x, float* y, Cache* cache,
               const RunContext& ctx) const;
  // Accumulates parameter gradients; overwrites dx: (T, C) (dx may alias dy; nullptr when
  // the input needs no gradient).
  void backward(const Segments& segs, const float* x, const float* dy, float* dx,
                const Cache& cache);
  void collect(ParameterList& params);

  // After a forward with a cache: the last block's attention of query row `query` (global row
  // index) as (key row, probability) pairs, keys ascending; head == -1: mean over heads.
  void last_attention_row(const Segments& segs, const Cache& cache, int head, int query,
                          std::vector<std::pair<int, float>>& out) const;

  const EncoderConfig& config() const { return config_; }

  std::vector<EncoderBlock> blocks;
  LayerNorm norm;  // used when config().final_norm

 private:
  EncoderConfig config_;
};

}  // namespace attn
