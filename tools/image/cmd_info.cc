// attn-image info: the generic one (common/model_info.h).
#include "attn/vision/model_file.h"
#include "commands.h"
#include "common/model_info.h"

namespace attn::tools::image {

Command add_info_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  return tools::add_info_command(app, common, builtin, kModelHelp,
                                 [](const SafeTensorsFile& file) {
                                   const auto model = vision::load_image_model(file);
                                   return ModelSummary{model.labels, model.vit->parameter_count()};
                                 });
}

}  // namespace attn::tools::image
