#pragma once
// Cutting an image into non-overlapping p x p patches (ViT tokens) and putting them back.
//   image:   (S, S, C) row-major floats, S a multiple of p
//   patches: (N, P) with N = (S/p)^2 patches in row-major grid order and P = p*p*C values,
//            each patch in (py, px, c) order.
// patch_embedding's fixture checks this order against torch's Conv2d(kernel=stride=p).

namespace attn::vision {

// Throws std::invalid_argument when p does not divide S.
void patchify(int S, int C, int p, const float* image, float* patches);
// The inverse: writes every pixel of image from patches.
void unpatchify(int S, int C, int p, const float* patches, float* image);

}  // namespace attn::vision
