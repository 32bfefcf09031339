#pragma once
// The model for eval/predict/attention/info: --model, else the built-in one.
#include <span>
#include <string>

#include "attn/vision/model_file.h"

namespace attn::tools::image {

vision::ImageModel load_model(const std::string& path, std::span<const unsigned char> builtin);

}  // namespace attn::tools::image
