#pragma once
// The model that eval, predict and attention read: --model or the built-in one, with
// --test-shift and --test-views overriding the views stored in it.
#include <string>

#include "attn/vision/model_file.h"
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

}  // namespace attn::tools::image
