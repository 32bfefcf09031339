#pragma once
// ViT's patch embedding: non-overlapping p x p patches, each projected linearly to C values.
// The same map as torch's Conv2d(channels, dim, kernel_size=p, stride=p) on (B, C, S, S),
// with the weight stored as (dim, p*p*channels) in (py, px, c) order (see patchify.h).
#include <string>
#include <vector>

#include "attn/layers/linear.h"

namespace attn::vision {

class PatchEmbedding {
 public:
  struct Cache {
    std::vector<float> patches;  // (B*N, P): the projection's input
  };

  // Parameters "<name>.proj.weight" (dim, P) and "<name>.proj.bias" (dim).
  PatchEmbedding(const std::string& name, int image_size, int channels, int patch, int dim);

  void init(Rng& rng);  // Conv2d's default: U(-1/sqrt(P), 1/sqrt(P))

  int patches_per_image() const { return grid_ * grid_; }  // N
  int grid() const { return grid_; }
  int patch_values() const { return proj.in_features(); }  // P = p*p*channels

  // images: (B, S, S, channels)   y: (B*N, dim), image b's patches at rows b*N .. b*N+N-1
  void forward(int B, const float* images, float* y, Cache& cache) const;
  // Accumulates proj's gradients from dy: (B*N, dim); overwrites dimages: (B, S, S, channels)
  // unless it is nullptr (pixels need no gradient in training).
  void backward(int B, const float* dy, float* dimages, const Cache& cache);

  void collect(ParameterList& params) { proj.collect(params); }

  Linear proj;

 private:
  int size_, channels_, patch_, grid_;
};

}  // namespace attn::vision
