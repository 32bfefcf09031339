#pragma once
// attn-speech's subcommands: each registers its flags on the app and runs when chosen. Those
// that read a model open the built-in one without --model.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "attn/audio/speech_model_file.h"
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

// --test-warps W,W,...: the mel warps of test-time warp averaging, each in [0.7, 1.3].
inline CLI::Option* add_test_warps_option(CLI::App& cmd, std::vector<float>& warps, const std::string& help) {
  return cmd.add_option("--test-warps", warps, help)
      ->delimiter(',')
      ->expected(1, 32)
      ->check(CLI::Range(float(audio::kMinMelWarp), float(audio::kMaxMelWarp)));
}
inline constexpr const char* kTestWarpsHelp =
    "Average the probabilities over the features at these mel warps (test-time warp averaging; default: the model's)";

}  // namespace attn::tools::speech
