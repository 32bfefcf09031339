#include "attn/vision/patchify.h"

#include <cstring>
#include <stdexcept>

namespace attn::vision {
namespace {

void check(int S, int C, int p) {
  if (S <= 0 || C <= 0 || p <= 0 || S % p != 0)
    throw std::invalid_argument("patchify: patch size must divide the image size");
}

}  // namespace

void patchify(int S, int C, int p, const float* image, float* patches) {
  check(S, C, p);
  const int G = S / p, row = p * C;  // a patch row is p pixels of C values, contiguous in the image
  for (int gy = 0; gy < G; ++gy)
    for (int gx = 0; gx < G; ++gx) {
      float* out = patches + (size_t(gy) * G + gx) * p * row;
      for (int py = 0; py < p; ++py)
        std::memcpy(out + size_t(py) * row, image + (size_t(gy * p + py) * S + gx * p) * C,
                    sizeof(float) * row);
    }
}

void unpatchify(int S, int C, int p, const float* patches, float* image) {
  check(S, C, p);
  const int G = S / p, row = p * C;
  for (int gy = 0; gy < G; ++gy)
    for (int gx = 0; gx < G; ++gx) {
      const float* in = patches + (size_t(gy) * G + gx) * p * row;
      for (int py = 0; py < p; ++py)
        std::memcpy(image + (size_t(gy * p + py) * S + gx * p) * C, in + size_t(py) * row,
                    sizeof(float) * row);
    }
}

}  // namespace attn::vision
