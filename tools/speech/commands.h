#pragma once
// attn-speech's subcommands: each registers its flags on the app and runs when chosen. Those
// that read a model open the built-in one without --model.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "attn/audio/speech_model_file.h"
#include "common/model_choice.h"
#include "common/tool_main.h"

namespace attn::tools::speech {

// --model's help: what the default is.
inline constexpr const char* kModelHelp = "Model file (default: the built-in spoken-digit model)";

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
  return flag->delimiter(',')->expected(1, 32)->check(CLI::Range(float(audio::kMinMelWarp), float(audio::kMaxMelWarp)));
}
inline CLI::Option* add_test_warps_override(ModelChoice<audio::SpeechModel>& choice, CLI::App& cmd, const std::string& help) {
  const auto set = [](audio::SpeechModel& m, const std::vector<float>& warps) { m.mel_warps = warps; };
  return test_warps_flag(choice.add_override<std::vector<float>>(cmd, "--test-warps", help, set))->default_str("[]");
}
inline constexpr const char* kTestWarpsHelp =
    "Average the probabilities over the features at these mel warps (test-time warp averaging; default: the model's)";

}  // namespace attn::tools::speech
