#pragma once
// Layer normalisation over the last dimension, as torch.nn.LayerNorm(C, eps=1e-5).
#include <string>
#include <vector>

#include "attn/parameter.h"

namespace attn {

class LayerNorm {
 public:
  struct Cache {
    std::vector<float> mean, rstd;  // (T) each
  };

  // Parameters "<name>.weight" (gamma, init 1) and "<name>.bias" (beta, init 0), both (C),
  // without weight decay.
  LayerNorm(const std::string& name, int C, float eps = 1e-5f);

  void init();  // gamma = 1, beta = 0 (also the state after construction)

  // x, y: (T, C); y may alias x. cache == nullptr: inference, nothing kept.
  void forward(int T, const float* x, float* y, Cache* cache) const;
  // Accumulates weight.grad, bias.grad; overwrites dx: (T, C) (dx may alias dy). With dadd
  // (T, C), dx = dadd + the layer norm's input gradient (dadd may alias dx): a residual
  // connection's gradient, added in the same pass.
  void backward(int T, const float* x, const float* dy, float* dx, const Cache& cache,
                const float* dadd = nullptr);

  void collect(ParameterList& params);

  int dim() const { return C_; }
  float eps() const { return eps_; }

  Parameter weight;  // gamma: (C)
  Parameter bias;    // beta: (C)

 private:
  int C_;
  float eps_;
};

}  // namespace attn
