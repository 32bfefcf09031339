#pragma once
// One graph attention layer (Velickovic et al. 2018), attention only along the CSR edges:
//   x' = dropout(x)                                   feature dropout on the input
//   Wh = x' W                                         W: (F, H*D), per-head projection
//   score_ij:  Additive  leaky_relu(a_dst . Wh_i + a_src . Wh_j)        (GAT)
//              GatV2     a . leaky_relu(Wd x'_i + W x'_j)   (Brody et al. 2022; Wd: (F, H*D))
//              Dot       Wh_i . Wh_j / sqrt(D)
//   p_ij = softmax over the neighbours j of i, then attention dropout
//   o_i  = sum_j p_ij dropout(Wh_j), heads concatenated (H*D) or averaged (D), + bias
//   + residual (x' itself when the widths agree, else x' W_res), then ELU if asked.
// Sparse input features stay sparse in the projection. Memory O(N*F + E*H), never N^2.
// Forward is const; what backward needs lives in the caller's GatCache.
#include <cstdint>
#include <string>
#include <vector>

#include "attn/attention.h"
#include "attn/context.h"
#include "attn/graph/graph.h"
#include "attn/layers/dropout.h"
#include "attn/parameter.h"
#include "attn/rng.h"

namespace attn::graph {

enum class GatScore { Additive, GatV2, Dot };
const char* gat_score_name(GatScore s);        // "additive", "gatv2", "dot"
GatScore parse_gat_score(const std::string& s);  // throws attn::Error

struct GatLayerConfig {
  int in = 0;         // F
  int heads = 8;      // H
  int head_dim = 8;   // D
  bool concat = true;  // output (N, H*D); false: mean over heads, (N, D)
  GatScore score = GatScore::Additive;
  float negative_slope = 0.2f;
  float feature_dropout = 0.0f;    // on the input
  // Dropout on the projected values Wh_j before they are summed (the reference GAT code drops
  // both the input and the projected features); 0: off.
  float value_dropout = 0.0f;
  float attention_dropout = 0.0f;  // on p_ij
  // Each head projects its own dropped copy of the input (the reference GAT code runs each
  // head on a separately dropped input); false: one dropped input shared by the heads.
  bool head_dropout = false;
  bool residual = false;
  bool elu = false;  // ELU on the output (hidden layers)
  int out_width() const { return concat ? heads * head_dim : head_dim; }
};

// A layer's input: dense rows (N, F), or sparse feature rows.
struct GatInput {
  const float* dense = nullptr;            // (N, F)
  const NodeFeatures* sparse = nullptr;    // kind Sparse, rows N, dim F
  static GatInput of(const NodeFeatures& f);  // dense or sparse, as f is
};

// Caller-owned buffers of one forward, reused across calls.
struct GatCache {
  std::vector<float> x_drop;  // dense: (N, F) input after dropout; sparse: (nnz) values
  // head_dropout: every head's dropped input, dense (H, N, F), sparse (nnz, H) values
  std::vector<float> x_heads;
  std::vector<float> wh;      // (N, H*D) x' W: the values (and keys of Dot, GatV2)
  std::vector<float> wh_dst;  // GatV2: (N, H*D) x' Wd, the queries
  std::vector<float> q, k;    // Additive: (N, H) a_dst . Wh_i and a_src . Wh_j
  std::vector<float> res;     // projected residual: (N, out)
  std::vector<float> v;       // (N, H*D) dropout(Wh), the values, when value dropout is on
  std::vector<float> att;     // (N, H*D) attention output before the head mean (H > 1, mean)
  AttentionCache attention;   // probabilities (E, H), when stored
  bool stored = false;        // filled by a forward with store = true
  // backward scratch
  std::vector<float> dz, datt, dq, dk, dv, dwh, dwh_dst, dx_drop, dx_heads;
};

class GatLayer {
 public:
  GatLayer(const std::string& name, const GatLayerConfig& config);

  // Glorot-uniform W (and Wd, W_res) and attention vectors, zero bias.
  void init(Rng& rng);

  // x: (N, F)  y: (N, out), overwritten. store: keep what backward and export need
  // (the attention probabilities); without it inference uses no O(E*H) buffer.
  void forward(const GatInput& x, const CsrGraph& g, float* y, GatCache& cache,
               const RunContext& ctx, bool store) const;
  // y: the forward's output, dy: (N, out). Accumulates parameter gradients; dx: (N, F) is
  // overwritten unless nullptr (the input gradient is only defined for dense input).
  void backward(const GatInput& x, const CsrGraph& g, const float* y, const float* dy,
                GatCache& cache, float* dx, const RunContext& ctx);

  // The attention spec this layer runs with (for export through attention_row).
  AttentionSpec spec(const CsrGraph& g, const RunContext& ctx) const;

  void collect(ParameterList& params);
  const GatLayerConfig& config() const { return config_; }
  bool projected_residual() const { return config_.residual && !identity_residual_; }
  // Whether this forward gives each head its own dropped input.
  bool head_copies(const RunContext& ctx) const {
    return config_.head_dropout && config_.heads > 1 && feature_drop_.active(ctx);
  }

  Parameter weight;      // (F, H*D)
  Parameter weight_dst;  // GatV2: (F, H*D)
  Parameter att_src, att_dst;  // Additive: (H, D)
  Parameter att;         // GatV2: (H, D)
  Parameter bias;        // (out)
  Parameter residual_weight;  // (F, out) when residual and F != out

 private:
  GatLayerConfig config_;
  bool identity_residual_ = false;
  Dropout feature_drop_, value_drop_;
  Dropout residual_drop_;  // head_dropout: the residual's own dropped input
  uint64_t attention_stream_ = 0;
};

// y = x W for dense or sparse x.  x: (N, F)  W: (F, M)  y: (N, M), overwritten.
void project_rows(const GatInput& x, const float* sparse_values, const float* W, int M, float* y);
// dW += x^T dy.  dy: (N, M)
void project_rows_backward(const GatInput& x, const float* sparse_values, const float* dy, int M,
                           float* dW);

}  // namespace attn::graph
