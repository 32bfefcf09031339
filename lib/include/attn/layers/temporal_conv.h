#pragma once
// Convolutional relative positions (the positional convolution of wav2vec 2.0, depthwise): each
// row gets a learned per-channel filter of its K neighbours in order, through a GELU, added back:
//   y_t = x_t + gelu(b + sum_k w[:, k] * x_{t + k - K/2})     (zero outside the row's segment)
// Self-attention alone sees its window as a set; after this a frame knows what came just before
// and after it, so "s then vowel" and "vowel then s" differ. It reads K/2 rows either side, so a
// stream needs that much more context.
#include <string>
#include <vector>

#include "attn/attention.h"
#include "attn/parameter.h"
#include "attn/rng.h"

namespace attn {

class TemporalConv {
 public:
  struct Cache {
    std::vector<float> slope;  // (T, C): gelu' of each pre-activation
  };

  // Parameters "<name>.weight" (C, K), with weight decay, and "<name>.bias" (C), without.
  // K: an odd kernel width >= 1.
  TemporalConv(const std::string& name, int C, int K);

  // PyTorch's depthwise Conv1d default: weight ~ U(-1/sqrt(K), 1/sqrt(K)); the bias starts at 0.
  void init(Rng& rng);

  // x, y: (T, C), T = segs.total(); y must not alias x. cache: for backward (may be null).
  void forward(const Segments& segs, const float* x, float* y, Cache* cache) const;
  // x as given to forward, dy: (T, C); overwrites dx: (T, C), accumulates weight.grad and
  // bias.grad. Bit-identical for any thread count.
  void backward(const Segments& segs, const float* x, const float* dy, float* dx, const Cache& cache);

  void collect(ParameterList& params);
  int dim() const { return C_; }
  int width() const { return K_; }
  int reach() const { return K_ / 2; }  // rows read on either side

  Parameter weight;  // (C, K)
  Parameter bias;    // (C)

 private:
  int C_, K_;
};

}  // namespace attn
