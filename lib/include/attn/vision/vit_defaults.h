#pragma once
// The ViT and its training run as sized from the training images when not given: the model's
// input side from the images' median side, the patch from that side, grey or colour, and how
// much regularisation and how many epochs and images per step suit the number of images.
#include "attn/vision/labelled_images.h"
#include "attn/vision/vit.h"

namespace attn::vision {

struct ViTDefaults {
  int channels = 1;    // 3 if any image is in colour
  int image_size = 8;  // the median shorter side, rounded down to a multiple of 4, 8..64
  int patch = 2;       // default_patch(image_size)
  int crop_padding = 0;
  float erase_prob = 0.0f, drop_path = 0.0f, label_smoothing = 0.0f;
  int epochs = 10, batch_size = 16;
  bool operator==(const ViTDefaults&) const = default;
};

// The smallest patch (>= 2) that divides the side into at most 8 patches (the side itself if
// none does).
int default_patch(int size);

// The defaults for images summarised by `s`; image_size > 0 is the side already chosen (given,
// or kept from --init), which the patch and the crop padding follow.
ViTDefaults vit_defaults(const ImageSummary& s, int image_size = 0);

// The convolutional stem when the patch allows it (a power of two), else the linear embedding:
// on the Fashion-MNIST validation slice with the other defaults it scored higher (README).
StemKind default_stem(int patch);

// Test-time shifts (test_shift.h) for a run with this crop padding: 1 pixel when training saw
// shifted crops (+0.9 points on the Fashion-MNIST validation slice, assets/models/README.md),
// else 0.
int default_test_shift(int crop_padding);

}  // namespace attn::vision
