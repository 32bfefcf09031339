// attn-image info: the generic one (common/model_info.h).
#include "attn/vision/model_file.h"
#include "commands.h"
#include "common/model_info.h"

namespace attn::tools::image {

Command add_info_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  return tools::add_info_command(app, common, builtin, kModelHelp, summarize(vision::load_image_model, &vision::ImageModel::vit));
}

}  // namespace attn::tools::image
