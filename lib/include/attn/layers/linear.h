#pragma once
// Fully connected layer y = x W^T + b, with PyTorch's parameter layout and default init.
#include <string>

#include "attn/parameter.h"
#include "attn/rng.h"

namespace attn {

class Linear {
 public:
  // Parameters "<name>.weight" (out, in) and, with bias, "<name>.bias" (out, decay off).
  Linear(const std::string& name, int in, int out, bool bias = true);

  // PyTorch's nn.Linear default: weight and bias ~ U(-1/sqrt(in), 1/sqrt(in)).
  void init(Rng& rng);

  // x: (T, in)  y: (T, out), overwritten; with a residual (T, out), y = residual + x W^T + b
  // (residual may alias y: a residual connection's add, in the same pass).
  void forward(int T, const float* x, float* y, const float* residual = nullptr) const;
  // Accumulates weight.grad += dy^T x and bias.grad += sum_t dy; overwrites dx: (T, in)
  // (adds to it with accumulate_dx) unless dx is nullptr (no input gradient needed).
  void backward(int T, const float* x, const float* dy, float* dx, bool accumulate_dx = false);

  void collect(ParameterList& params);

  int in_features() const { return in_; }
  int out_features() const { return out_; }
  bool has_bias() const { return has_bias_; }

  Parameter weight;  // (out, in)
  Parameter bias;    // (out); empty when has_bias() is false

 private:
  int in_, out_;
  bool has_bias_;
};

}  // namespace attn
