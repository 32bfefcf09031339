#pragma once
// attn-speech's subcommands: each registers its flags on the app and runs when chosen.
#include "common/tool_main.h"

namespace attn::tools::speech {

// --model's help: what the default is.
inline constexpr const char* kModelHelp = "Model file (default: the built-in spoken-digit model)";

Command add_mfcc_command(CLI::App& app, CommonOptions& common);
Command add_fbank_command(CLI::App& app, CommonOptions& common);
Command add_train_command(CLI::App& app, CommonOptions& common);
Command add_eval_command(CLI::App& app, CommonOptions& common);
Command add_predict_command(CLI::App& app, CommonOptions& common);
Command add_info_command(CLI::App& app, CommonOptions& common);
Command add_encode_command(CLI::App& app, CommonOptions& common);

}  // namespace attn::tools::speech
