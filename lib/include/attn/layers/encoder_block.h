#pragma once
// Pre-LN transformer encoder block:
//   mid = x + path1(dropout1(attn(ln1(x))))
//   y   = mid + path2(dropout2(ffn(ln2(mid))))
// path1/path2 are stochastic depth (identity unless drop_path > 0).
#include <string>
#include <vector>

#include "attn/context.h"
#include "attn/layers/drop_path.h"
#include "attn/layers/dropout.h"
#include "attn/layers/feed_forward.h"
#include "attn/layers/layer_norm.h"
#include "attn/layers/multihead_attention.h"

namespace attn {

struct EncoderBlockConfig {
  int dim = 0;                     // C
  int heads = 1;                   // H
  int ff_dim = 0;                  // F
  float dropout = 0.0f;            // residual branches and the feed-forward hidden layer
  float attention_dropout = 0.0f;  // attention output, before its projection
  MaskKind mask = MaskKind::None;
  int window = 0;
  float drop_path = 0.0f;          // stochastic depth of both residual branches
  bool locality = false;           // locality self-attention (exclude_self + learned_scale)
};

class EncoderBlock {
 public:
  struct Cache {
    LayerNorm::Cache ln1, ln2;
    std::vector<float> a;    // (T, C) ln1(x)
    std::vector<float> mid;  // (T, C) x + dropout1(attn(a))
    std::vector<float> b;    // (T, C) ln2(mid)
    MultiHeadAttention::Cache attn;
    FeedForward::Cache ffn;
    RunContext ctx;
  };

  // Parts "<name>.ln1", "<name>.attn", "<name>.ln2", "<name>.ffn"; dropout streams
  // "<name>.drop1", "<name>.drop2", "<name>.path1", "<name>.path2".
  EncoderBlock(const std::string& name, const EncoderBlockConfig& config);

  void init(Rng& rng);
  // x, y: (T, C); y may alias x only when cache == nullptr (backward needs x).
  void forward(const Segments& segs, const float* x, float* y, Cache* cache,
               const RunContext& ctx) const;
  // Accumulates parameter gradients; overwrites dx: (T, C) (dx may alias dy).
  void backward(const Segments& segs, const float* x, const float* dy, float* dx,
                const Cache& cache);
  void collect(ParameterList& params);

  LayerNorm ln1;
  MultiHeadAttention attn;
  LayerNorm ln2;
  FeedForward ffn;
  Dropout drop1, drop2;
  DropPath path1, path2;
};

}  // namespace attn
