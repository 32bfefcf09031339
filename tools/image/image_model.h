#pragma once
// What eval, predict and attention share: the model they read (--model or the built-in one, with
// --test-shift and --test-views overriding the views stored in it) and, for predict and
// attention, image files run through it in batches, one result per readable image, in input
// order (a bad file is a BatchErrors item).
#include <functional>
#include <string>
#include <vector>

#include "attn/vision/model_file.h"
#include "attn/vision/predict.h"
#include "common/batch_errors.h"
#include "common/predict_kit.h"
#include "common/tool_main.h"

namespace attn::tools::image {

struct ModelChoice {
  std::string path;        // --model; empty: the built-in model
  int test_shift = -1;     // --test-shift; -1: the model's own
  std::string test_views;  // --test-views; empty: the model's own
};

// Registers --model (on the subcommand, as add_model_subcommand does) --test-shift and --test-views.
CLI::App* add_image_model_subcommand(CLI::App& app, const std::string& name, const std::string& about,
                                     CommonOptions& common, ModelChoice& choice);
vision::ImageModel load_chosen_model(const ModelChoice& choice, Builtin builtin);

// Every path of `inputs` ("-": paths on stdin) that is the shard's, to `emit` with the image as
// the model read it and its prediction. attention_layer: -1 no attention; 0 rollout over all
// layers; k: layer k alone.
using ImageEmit = std::function<void(const std::string& path, const vision::Image& image, const vision::ImagePrediction& p)>;
void run_images(const vision::ImageModel& model, const std::vector<std::string>& inputs, const Shard& shard,
                BatchErrors& errors, int attention_layer, const ImageEmit& emit);

}  // namespace attn::tools::image
