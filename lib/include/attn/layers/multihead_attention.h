#pragma once
// Multi-head self-attention over a packed batch:
//   q = x Wq^T + bq,  k = x Wk^T + bk,  v = x Wv^T + bv          (T, C) each, C = H * D
//   context = dropout(attention(q, k, v))                          (T, C), heads side by side
//   y = context Wo^T + bo                                          (T, C)
// Keys never cross a sequence boundary of the batch (see Segments in attention.h).
// Locality self-attention (Lee et al. 2021, for ViTs trained on small data) is two options:
// exclude_self masks each token's score with itself, and learned_scale multiplies head h's
// queries by a learned g_h (init 1; no weight decay), so each head learns how sharp its
// softmax is (the paper's learnable temperature, as 1/sqrt(D) * g_h).
#include <string>
#include <utility>
#include <vector>

#include "attn/attention.h"
#include "attn/context.h"
#include "attn/layers/dropout.h"
#include "attn/layers/linear.h"

namespace attn {

struct MultiHeadAttentionConfig {
  int dim = 0;                     // C
  int heads = 1;                   // H; head size D = C / H
  MaskKind mask = MaskKind::None;  // None, Causal or Window
  int window = 0;                  // Window: keys with |i - j| <= window
  float dropout = 0.0f;            // on the attention output, before the output projection
  bool exclude_self = false;       // no token attends to itself
  bool learned_scale = false;      // a learned score scale per head ("<name>.score_scale", (H))
};

class MultiHeadAttention {
 public:
  struct Cache {
    std::vector<float> q, k, v;  // (T, C) projections (q: times the score scale, if learned)
    std::vector<float> q_raw;    // (T, C) q before the learned score scale (learned_scale only)
    std::vector<float> context;  // (T, C) dropout(attention output): the out projection's input
    AttentionCache attention;    // probabilities, for backward and export
    RunContext ctx;              // the forward's context (dropout mask)
  };

  // Projections "<name>.q", "<name>.k", "<name>.v", "<name>.out", each a Linear(C, C) with
  // bias, then "<name>.score_scale" with learned_scale; dropout stream "<name>.drop".
  MultiHeadAttention(const std::string& name, const MultiHeadAttentionConfig& config);

  void init(Rng& rng);
  // x, y: (T, C) with T = segs.total(); y may alias x only when cache == nullptr.
  // cache == nullptr: inference, through attention's tiled O(T*D)-memory path; the
  // temporaries live in per-thread scratch buffers, so steady-state calls allocate nothing.
  // With a residual (T, C): y = residual + attention(x) (residual may alias y), added by
  // the out projection.
  void forward(const Segments& segs, const float* x, float* y, Cache* cache,
               const RunContext& ctx, const float* residual = nullptr) const;
  // Accumulates parameter gradients; overwrites dx: (T, C) (dx may alias dy), or adds to it
  // with accumulate_dx.
  void backward(const Segments& segs, const float* x, const float* dy, float* dx,
                const Cache& cache, bool accumulate_dx = false);
  void collect(ParameterList& params);

  // After a forward with a cache: (key row, probability) pairs of query row `query` (global
  // row index) in head `head`, keys ascending; head == -1 gives the mean over all heads.
  void attention_row(const Segments& segs, const Cache& cache, int head, int query,
                     std::vector<std::pair<int, float>>& out) const;

  const MultiHeadAttentionConfig& config() const { return config_; }
  AttentionSpec spec() const;

  Linear q_proj, k_proj, v_proj, out_proj;
  Parameter score_scale;  // (H) with learned_scale, else empty
  Dropout drop;

 private:
  // q (T, C) times head h's score scale, column block by column block: into out (may alias q).
  void scale_queries(int T, const float* q, float* out) const;

  MultiHeadAttentionConfig config_;
};

}  // namespace attn
