// vit_defaults: the model shape and the run's regularisation, epochs and batch size train takes
// from its images, for 8x8 grey digits, 28x28 grey clothes (60,000: "many") and 64x64 colour.
#include <doctest/doctest.h>

#include "attn/vision/vit_defaults.h"

using namespace attn::vision;

namespace {

ImageSummary summary(int count, int median_side, bool colour) {
  ImageSummary s;
  s.count = count;
  s.median_side = median_side;
  s.colour = colour;
  return s;
}

}  // namespace

TEST_CASE("default_patch: the smallest patch giving at most 8 patches a side") {
  CHECK(default_patch(8) == 2);
  CHECK(default_patch(16) == 2);
  CHECK(default_patch(28) == 4);
  CHECK(default_patch(64) == 8);
  CHECK(default_patch(36) == 6);
  CHECK(default_patch(17) == 17);  // a prime side: one patch
}

// Fields in order: channels, image_size, patch, crop_padding, erase_prob, drop_path,
// label_smoothing, epochs, batch_size.
TEST_CASE("vit_defaults: 1,797 8x8 grey digits") {
  CHECK(vit_defaults(summary(1797, 8, false)) == ViTDefaults{1, 8, 2, 1, 0.25f, 0.1f, 0.1f, 166, 89});
}

TEST_CASE("vit_defaults: 60,000 28x28 grey images train without regularisation for 10 epochs") {
  CHECK(vit_defaults(summary(60000, 28, false)) == ViTDefaults{1, 28, 4, 0, 0.0f, 0.0f, 0.0f, 10, 128});
}

TEST_CASE("vit_defaults: 5,000 64x64 colour images; larger ones read at 64, a given side kept") {
  CHECK(vit_defaults(summary(5000, 64, true)) == ViTDefaults{3, 64, 8, 8, 0.25f, 0.1f, 0.1f, 60, 128});
  CHECK(vit_defaults(summary(5000, 250, true)).image_size == 64);
  CHECK(vit_defaults(summary(100, 5, false)).image_size == 8);
  CHECK(vit_defaults(summary(100, 30, false)).image_size == 28);
  const ViTDefaults given = vit_defaults(summary(5000, 64, true), 32);
  CHECK(given.image_size == 32);
  CHECK(given.patch == 4);
  CHECK(given.crop_padding == 4);
  CHECK(vit_defaults(summary(10, 16, false)).epochs == 200);
  CHECK(vit_defaults(summary(10, 16, false)).batch_size == 16);
}

TEST_CASE("default_test_shift: one pixel after crop-padding training, none without") {
  CHECK(default_test_shift(2) == 1);
  CHECK(default_test_shift(1) == 1);
  CHECK(default_test_shift(0) == 0);
}
