#pragma once
// attn-speech's subcommands: each registers its flags on the app and runs when chosen. Those
// that read a model open the built-in one without --model.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "attn/audio/speech_model_file.h"
#include "attn/audio/speech_predict.h"
#include "common/model_choice.h"
#include "common/tool_main.h"

namespace attn::tools::speech {

// --model's help: what the default is.
inline constexpr const char* kModelHelp = "Model file (default: the built-in spoken-digit model)";
// eval's and predict's: --model may be repeated.
inline constexpr const char* kEnsembleModelHelp =
    "Model file (default: the built-in spoken-digit model). Given more than once: an ensemble, whose probabilities are "
    "averaged; its models must have the same labels and feature options, and the first one's test warps are used";

// Every --model of eval or predict (an ensemble when more than one).
inline std::vector<audio::SpeechModel> load_ensemble(const ModelChoice<audio::SpeechModel>& choice, Builtin builtin,
                                                     const audio::ReadingOptions& reading) {
  return choice.load_all(
      builtin, [&](const SafeTensorsFile& f) { return audio::load_speech_model(f, reading); }, audio::check_ensemble_member);
}
// The classifiers of `models`, the first first.
inline audio::Members members_of(const std::vector<audio::SpeechModel>& models) {
  audio::Members members;
  for (const auto& m : models) members.push_back(m.classifier.get());
  return members;
}

Command add_mfcc_command(CLI::App& app, CommonOptions& common);
Command add_fbank_command(CLI::App& app, CommonOptions& common);
Command add_train_command(CLI::App& app, CommonOptions& common);
Command add_eval_command(CLI::App& app, CommonOptions& common, Builtin builtin);
Command add_predict_command(CLI::App& app, CommonOptions& common, Builtin builtin);
Command add_info_command(CLI::App& app, CommonOptions& common, Builtin builtin);
Command add_encode_command(CLI::App& app, CommonOptions& common, Builtin builtin);

// --test-warps W,W,...: the mel warps of test-time warp averaging, each in [0.7, 1.3]: `flag` as
// train registers it (stored in the model) or as eval and predict do (an override, with
// add_test_warps_override).
inline CLI::Option* test_warps_flag(CLI::Option* flag) {
  // One argument per flag (0.9,1,1.1), so that the inputs after it stay inputs.
  return flag->delimiter(',')->allow_extra_args(false)->check(CLI::Range(float(audio::kMinMelWarp), float(audio::kMaxMelWarp)));
}
inline CLI::Option* add_test_warps_override(ModelChoice<audio::SpeechModel>& choice, CLI::App& cmd, const std::string& help) {
  const auto set = [](audio::SpeechModel& m, const std::vector<float>& warps) {
    audio::check_mel_warp_count(warps);
    m.mel_warps = warps;
  };
  return test_warps_flag(choice.add_override<std::vector<float>>(cmd, "--test-warps", help, set))->default_str("[]");
}
inline constexpr const char* kTestWarpsHelp =
    "Average the probabilities over the features at these mel warps (test-time warp averaging; default: the first model's)";

}  // namespace attn::tools::speech
