#pragma once
// Position-wise feed-forward block: y = fc2(dropout(gelu(fc1(x)))).
#include <string>
#include <vector>

#include "attn/context.h"
#include "attn/layers/dropout.h"
#include "attn/layers/linear.h"

namespace attn {

class FeedForward {
 public:
  struct Cache {
    std::vector<float> slope;   // (T, F) GELU's derivative at the fc1 output
    std::vector<float> act;     // (T, F) dropout(gelu(hidden)): fc2's input
    RunContext ctx;             // the forward's context (dropout mask)
  };

  // fc1 "<name>.fc1" (C -> F), fc2 "<name>.fc2" (F -> C), both with bias; dropout stream
  // "<name>.drop" on the hidden activations.
  FeedForward(const std::string& name, int C, int F, float dropout = 0.0f);

  void init(Rng& rng);
  // x, y: (T, C); y may alias x. cache == nullptr: inference (per-thread scratch, no state).
  // With a residual (T, C): y = residual + ffn(x) (residual may alias y), added by fc2.
  void forward(int T, const float* x, float* y, Cache* cache, const RunContext& ctx,
               const float* residual = nullptr) const;
  // Accumulates parameter gradients; overwrites dx: (T, C) (dx may alias dy).
  void backward(int T, const float* x, const float* dy, float* dx, const Cache& cache);
  void collect(ParameterList& params);

  int dim() const { return fc1.in_features(); }
  int hidden_dim() const { return fc1.out_features(); }

  Linear fc1, fc2;
  Dropout drop;
};

}  // namespace attn
