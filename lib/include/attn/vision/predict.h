#pragma once
// One predict batch through an image model: fitted images in, probabilities out (softmax over
// the labels), and with an attention layer, each image's class-token attention per patch.
#include <vector>

#include "attn/vision/model_file.h"

namespace attn::vision {

struct ImagePredictions {
  std::vector<float> probs;                 // (B, K)
  std::vector<std::vector<float>> patches;  // per image (grid x grid); empty without attention
};

// images: fitted to the model's input (image size and channels), normalised here with the
// model's statistics. attention_layer: -1 none; 0 rollout over all layers; k: layer k alone.
ImagePredictions predict_images(const ImageModel& model, const std::vector<Image>& images, int attention_layer);

// One image's share of a batch's predictions.
struct ImagePrediction {
  std::vector<float> probs;    // (K)
  std::vector<float> patches;  // (grid x grid); empty without attention
};
// predict_images, split per image.
std::vector<ImagePrediction> predict_each_image(const ImageModel& model, const std::vector<Image>& images,
                                                int attention_layer);

}  // namespace attn::vision
