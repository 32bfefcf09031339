// attn-speech info: the generic one (common/model_info.h); the feature options are in the config.
#include "attn/audio/speech_model_file.h"
#include "common/model_info.h"
#include "speech/commands.h"

namespace attn::tools::speech {

Command add_info_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  return tools::add_info_command(app, common, builtin, kModelHelp,
                                 [](const SafeTensorsFile& file) {
                                   const auto model = audio::load_speech_model(file);
                                   return ModelSummary{model.labels, model.classifier->parameter_count()};
                                 });
}

}  // namespace attn::tools::speech
