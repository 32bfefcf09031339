#pragma once
// The model that eval, predict and attention read: --model or the built-in one, with
// --test-shift and --test-views overriding the views stored in it (common/model_choice.h):
//   const vision::ImageModel model = choice.load(builtin, vision::load_image_model);
#include <string>

#include "attn/vision/model_file.h"
#include "common/model_choice.h"

namespace attn::tools::image {

using ImageModelChoice = ModelChoice<vision::ImageModel>;

// The subcommand with --model, --test-shift and --test-views.
CLI::App* add_image_model_subcommand(CLI::App& app, const std::string& name, const std::string& about,
                                     CommonOptions& common, ImageModelChoice& choice);

}  // namespace attn::tools::image
