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

TEST_CASE("vit_defaults: 1,797 8x8 grey digits") {
  const ViTDefaults d = vit_defaults(summary(1797, 8, false));
  CHECK(d.channels == 1);
  CHECK(d.image_size == 8);
  CHECK(d.patch == 2);
  CHECK(d.crop_padding == 1);
  CHECK(d.erase_prob == 0.25f);
  CHECK(d.drop_path == 0.1f);
  CHECK(d.label_smoothing == 0.1f);
  CHECK(d.epochs == 166);
  CHECK(d.batch_size == 89);
}

TEST_CASE("vit_defaults: 60,000 28x28 grey images train without regularisation for 10 epochs") {
  const ViTDefaults d = vit_defaults(summary(60000, 28, false));
  CHECK(d.channels == 1);
  CHECK(d.image_size == 28);
  CHECK(d.patch == 4);
  CHECK(d.crop_padding == 0);
  CHECK(d.erase_prob == 0.0f);
  CHECK(d.drop_path == 0.0f);
  CHECK(d.label_smoothing == 0.0f);
  CHECK(d.epochs == 10);
  CHECK(d.batch_size == 128);
}

TEST_CASE("vit_defaults: 5,000 64x64 colour images; larger ones read at 64, a given side kept") {
  const ViTDefaults d = vit_defaults(summary(5000, 64, true));
  CHECK(d.channels == 3);
  CHECK(d.image_size == 64);
  CHECK(d.patch == 8);
  CHECK(d.crop_padding == 8);
  CHECK(d.epochs == 60);
  CHECK(d.batch_size == 128);
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
