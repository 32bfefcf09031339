// vit_defaults: the model shape and the run's regularisation, epochs and batch size train takes
// from its images, for 8x8 grey digits, 28x28 grey clothes (60,000: "many") and 64x64 colour.
#include <doctest/doctest.h>

#include "attn/vision/train_setup.h"
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

TEST_CASE("derive_settings: the images' defaults for what was not given; plan_training checks") {
  TrainSettings s;
  s.train.augment.erase_prob = 0.5f;  // as if given
  int epochs = 10, batch_size = 128;
  const attn::GivenSetting given = [](const std::string& name) { return name == "erase" || name == "epochs"; };
  derive_settings(summary(1797, 8, false), given, s, epochs, batch_size);
  CHECK(s.image_size == 8);
  CHECK(s.channels == 1);
  CHECK(s.patch == 2);
  CHECK(s.train.augment.crop_padding == 1);
  CHECK(s.test_shift == 1);
  CHECK(s.train.augment.erase_prob == 0.5f);
  CHECK(s.model.drop_path == 0.1f);
  CHECK(epochs == 10);
  CHECK(batch_size == 89);
  const TrainPlan fresh = plan_training(s, nullptr, given, 10);
  CHECK(fresh.config.image_size == 8);
  CHECK(fresh.config.num_labels == 10);
  CHECK(fresh.input.test_views == TestViews{1, ShiftPattern::Grid, false});

  ViTConfig saved = fresh.config;
  saved.dropout = 0.3f;
  s.model.dropout = 0.0f;
  s.model.drop_path = 0.05f;
  CHECK(plan_training(s, &saved, given, 3).config.dropout == 0.3f);  // --dropout not given
  CHECK(plan_training(s, &saved, given, 3).config.drop_path == 0.05f);
  CHECK(plan_training(s, &saved, [](const std::string& n) { return n == "dropout"; }, 3).config.dropout == 0.0f);

  s.patch = 3;
  CHECK_THROWS_WITH(plan_training(s, nullptr, given, 10), "patch (3) must divide the image size (8)");
  s.patch = 2;
  s.test_shift = 3;
  CHECK_THROWS_WITH(plan_training(s, nullptr, given, 10),
                    "test shift 3: expected 0 to 2 pixels (a quarter of the image size 8)");
}

TEST_CASE("choose_views: a shift and a name replace the model's, each error says which part") {
  const TestViews stored{1, ShiftPattern::Grid, true};
  CHECK(choose_views(stored, 28, -1, "") == stored);
  CHECK(choose_views(stored, 28, 2, "cross") == TestViews{2, ShiftPattern::Cross, false});
  try {
    choose_views(stored, 28, 8, "foo");
    FAIL("no error");
  } catch (const TestViewsError& e) {
    CHECK(e.part == TestViewsError::Part::Shift);
  }
  try {
    choose_views(stored, 28, 2, "foo");
    FAIL("no error");
  } catch (const TestViewsError& e) {
    CHECK(e.part == TestViewsError::Part::Views);
    CHECK(std::string(e.what()) == "test views \"foo\": expected cross, grid, cross+flip or grid+flip");
  }
}
