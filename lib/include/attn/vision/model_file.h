#pragma once
// Image classifier model files: safetensors with the tensors of ViT and
//   attn.task = "image-classification", attn.format_version = "1",
//   attn.config = {"model": {ViT settings}, "input": {"fit", "mean", "std", "test_shift",
//                   "test_views"}},
//   attn.labels = ["T-shirt/top", "Trouser", ...].
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "attn/checkpoint.h"
#include "attn/vision/normalize.h"
#include "attn/vision/resize.h"
#include "attn/vision/test_shift.h"
#include "attn/vision/vit.h"
#include "attn/vision/vit_train.h"

namespace attn::vision {

inline constexpr const char* kImageTask = "image-classification";
inline constexpr const char* kImageFormatVersion = "1";

// How a file becomes the model's input: fitted to image_size x image_size (model config),
// converted to its channels, then normalised with the training images' statistics.
struct InputOptions {
  Fit fit = Fit::Crop;
  ChannelStats stats;
  // Predictions average these views (test_shift.h). Older files have no test_shift (one view)
  // or no test_views (the cross).
  TestViews test_views;
};

struct ImageModel {
  std::unique_ptr<ViT> vit;
  std::vector<std::string> labels;  // id order
  InputOptions input;
};

// Atomic write; extra_metadata is added as is (e.g. attn.train_command).
void save_image_model(const std::string& path, ImageModel& model,
                      const std::map<std::string, std::string>& extra_metadata = {},
                      DType storage = DType::F32);
// Validates task, version, config, labels and every tensor's shape before building the model;
// attn::Error names the file and what is wrong.
ImageModel load_image_model(const SafeTensorsFile& file);

// evaluate (vit_train.h) with the model's own statistics and test views.
ViTEvaluation evaluate(const ImageModel& model, const ImageSet& set);

// Decode + fit + channel conversion of one encoded image, as the model reads it.
Image load_model_input(std::span<const uint8_t> bytes, int image_size, int channels, Fit fit);

}  // namespace attn::vision
