#pragma once
// What `train` settles before it trains a ViT: the settings as given, the rest derived from the
// training images (vit_defaults.h), the checked config and test views, and the model itself,
// fresh or continuing a saved one (--init).
#include <string>
#include <vector>

#include "attn/given_setting.h"
#include "attn/vision/labelled_images.h"
#include "attn/vision/model_file.h"
#include "attn/vision/vit_train.h"

namespace attn::vision {

struct TrainSettings {
  int image_size = 0, channels = 0, patch = 0;  // 0: derived from the training images
  int test_shift = -1;                          // -1: derived from the crop padding
  std::string test_views = "grid";  // on Fashion-MNIST validation the 9-view grid beat the 5-view cross
  Fit fit = Fit::Crop;
  ViTConfig model;
  ViTTrainConfig train;
};

// summarize (labelled_images.h); attn::Error when no training image is readable.
ImageSummary summarize_training(const ImageSource& source, const data::BadItemHandler& on_bad_item);

// --init: the saved model's input side, channels, patch and fit replace the settings'.
void keep_saved_input(const ImageModel& saved, TrainSettings& s);

// The defaults from the images (vit_defaults) for what was not given: the side, channels and
// patch when 0, the test shift when -1, and stem, crop-padding, erase, drop-path, label-smoothing,
// epochs and batch-size unless `given`.
void derive_settings(const ImageSummary& summary, const GivenSetting& given, TrainSettings& s, int& epochs,
                     int& batch_size);

// The ViT to train and how it reads images (statistics not yet known).
struct TrainPlan {
  ViTConfig config;
  InputOptions input;
};
// The config: `saved`'s (--init) with this run's drop-path and, when given, dropout; else
// s.model with the settled side, channels and patch. Checked in this order, each an attn::Error:
// the config, the test shift, the views' name.
TrainPlan plan_training(const TrainSettings& s, const ViTConfig* saved, const GivenSetting& given, int num_labels);

// The training and validation images as the plan reads them (of the training files, those the
// summary found readable); attn::Error when no training image is readable.
struct TrainImages {
  ImageSet train, valid;
};
TrainImages load_train_images(const ImageSource& train, const ImageSource& valid, const ImageSummary& summary,
                              const TrainPlan& plan, const data::BadItemHandler& on_bad_item);

// The model to train, its weights not yet initialised, normalised with `saved`'s statistics
// (its weights were learnt on inputs normalised with them), else with those of the training
// images (up to 10,000 of them is plenty).
ImageModel new_image_model(const TrainPlan& plan, const std::vector<std::string>& labels, const ImageSet& train,
                           const ImageModel* saved);

}  // namespace attn::vision
