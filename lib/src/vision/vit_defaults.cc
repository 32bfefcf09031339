#include "attn/vision/vit_defaults.h"

#include <algorithm>

namespace attn::vision {

int default_patch(int size) {
  for (int p = 2; p <= size; ++p)
    if (size % p == 0 && size / p <= 8) return p;
  return size;
}

StemKind default_stem(int patch) { return ConvStem::valid_patch(patch) ? StemKind::Conv : StemKind::Linear; }

ViTDefaults vit_defaults(const ImageSummary& s, int image_size) {
  ViTDefaults d;
  d.channels = s.colour ? 3 : 1;
  d.image_size = image_size > 0 ? image_size : std::clamp(s.median_side / 4 * 4, 8, 64);
  d.patch = default_patch(d.image_size);
  // Many images train for few epochs, where regularisation only slows learning (measured on a
  // Fashion-MNIST validation slice, assets/models/README.md); few images need it.
  const bool many = s.count >= 20000;
  d.crop_padding = many ? 0 : std::max(1, d.image_size / 8);
  d.erase_prob = many ? 0.0f : 0.25f;
  d.drop_path = many ? 0.0f : 0.1f;
  d.label_smoothing = many ? 0.0f : 0.1f;
  d.epochs = std::clamp(300000 / std::max(1, s.count), 10, 200);
  d.batch_size = std::clamp(s.count / 20, 16, 128);
  return d;
}

int default_test_shift(int crop_padding) { return crop_padding > 0 ? 1 : 0; }

}  // namespace attn::vision
