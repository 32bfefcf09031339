#pragma once
// A convolutional patch stem (Xiao et al. 2021, "Early convolutions help transformers see
// better"): instead of one linear map per p x p patch, k = log2(p) 3x3 convolutions with
// stride 2 and padding 1, each followed by GELU, then a 1x1 convolution to dim. It yields the
// same (S/p)^2 tokens as PatchEmbedding, but each token sees an overlapping, 2x wider field,
// which small datasets learn from much faster.
//   conv i (1..k): (B, H, W, c_{i-1}) -> (B, H/2, W/2, c_i), c_0 = channels,
//                  c_i = max(8, dim >> (k - i)), so the last 3x3 conv has dim channels
//   proj:          (B*N, c_k) -> (B*N, dim)
// Each 3x3 conv is an im2col gather and a Linear whose weight (c_i, 9*c_{i-1}) is in
// (ky, kx, c) order: torch's Conv2d weight (c_i, c_{i-1}, 3, 3) permuted to (0, 2, 3, 1).
#include <string>
#include <vector>

#include "attn/layers/linear.h"

namespace attn::vision {

class ConvStem {
 public:
  struct Cache {
    int B = 0;
    std::vector<std::vector<float>> cols;  // per conv: its im2col input (B*Ho*Wo, 9*c_in)
    std::vector<std::vector<float>> slope; // per conv: GELU's derivative at its output (B*Ho*Wo, c_out)
    std::vector<std::vector<float>> act;   // per conv: GELU(pre), the next layer's input
    std::vector<float> dact, dcols;        // backward's scratch, kept to reuse its pages
  };

  // Parameters "<name>.conv<i>.weight"/".bias" (i = 1..k) and "<name>.proj.weight"/".bias".
  // Throws std::invalid_argument unless patch is a power of two >= 2 dividing image_size.
  ConvStem(const std::string& name, int image_size, int channels, int patch, int dim);

  void init(Rng& rng);  // Conv2d's default, as Linear's: U(-1/sqrt(fan_in), 1/sqrt(fan_in))

  int patches_per_image() const { return grid_ * grid_; }  // N
  int grid() const { return grid_; }

  // images: (B, S, S, channels)   y: (B*N, dim), image b's tokens at rows b*N .. b*N+N-1
  // keep_for_backward = false (inference) skips the GELU slopes that backward needs.
  void forward(int B, const float* images, float* y, Cache& cache, bool keep_for_backward = true) const;
  // Accumulates every weight's gradient from dy: (B*N, dim). Pixels get no gradient.
  void backward(int B, const float* dy, Cache& cache);

  void collect(ParameterList& params);

  static bool valid_patch(int patch) { return patch >= 2 && (patch & (patch - 1)) == 0; }

 private:
  int size_, channels_, grid_;
  std::vector<Linear> convs_;  // the 3x3 convolutions as (9*c_in -> c_out) maps
  std::vector<int> in_channels_, in_sizes_;  // per conv: c_in and the input side H (= W)
  Linear proj_;
};

}  // namespace attn::vision
