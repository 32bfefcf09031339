#include "attn/vision/patch_embedding.h"

#include <stdexcept>

#include "attn/vision/patchify.h"

namespace attn::vision {

PatchEmbedding::PatchEmbedding(const std::string& name, int image_size, int channels, int patch,
                               int dim)
    : proj(name + ".proj", patch * patch * channels, dim),
      size_(image_size),
      channels_(channels),
      patch_(patch),
      grid_(patch > 0 ? image_size / patch : 0) {
  if (patch <= 0 || image_size % patch != 0)
    throw std::invalid_argument("PatchEmbedding " + name + ": patch must divide image_size");
}

void PatchEmbedding::init(Rng& rng) { proj.init(rng); }

void PatchEmbedding::forward(int B, const float* images, float* y, Cache& cache) const {
  const int N = patches_per_image(), P = patch_values();
  const size_t image = size_t(size_) * size_ * channels_;
  cache.patches.resize(size_t(B) * N * P);
  for (int b = 0; b < B; ++b)  // patches = patchify(images)   (B*N, P)
    patchify(size_, channels_, patch_, images + b * image, cache.patches.data() + size_t(b) * N * P);
  proj.forward(B * N, cache.patches.data(), y);  // y = patches W^T + bias   (B*N, dim)
}

void PatchEmbedding::backward(int B, const float* dy, float* dimages, const Cache& cache) {
  const int N = patches_per_image(), P = patch_values();
  if (!dimages) {  // from y = patches W^T + bias: weight and bias only
    proj.backward(B * N, cache.patches.data(), dy, nullptr);
    return;
  }
  std::vector<float> dpatches(size_t(B) * N * P);
  proj.backward(B * N, cache.patches.data(), dy, dpatches.data());
  const size_t image = size_t(size_) * size_ * channels_;
  for (int b = 0; b < B; ++b)  // from patches = patchify(images)
    unpatchify(size_, channels_, patch_, dpatches.data() + size_t(b) * N * P, dimages + b * image);
}

}  // namespace attn::vision
