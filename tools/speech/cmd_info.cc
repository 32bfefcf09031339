// attn-speech info: the generic one (common/model_info.h); the feature options are in the config.
#include "attn/audio/speech_model_file.h"
#include "common/model_info.h"
#include "speech/commands.h"

namespace attn::tools::speech {

Command add_info_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  const auto load = [](const SafeTensorsFile& file) { return audio::load_speech_model(file); };
  return tools::add_info_command(app, common, builtin, kModelHelp, summarize(load, &audio::SpeechModel::classifier));
}

}  // namespace attn::tools::speech
