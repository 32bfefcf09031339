#pragma once
// attn-speech's subcommands: each registers its flags on the app and runs when chosen.
#include <functional>
#include <span>

#include <CLI/CLI.hpp>

#include "common/tool_main.h"

namespace attn::tools::speech {

Command add_mfcc_command(CLI::App& app, CommonOptions& common);
Command add_fbank_command(CLI::App& app, CommonOptions& common);
Command add_train_command(CLI::App& app, CommonOptions& common);
Command add_eval_command(CLI::App& app, CommonOptions& common);
Command add_predict_command(CLI::App& app, CommonOptions& common);
Command add_info_command(CLI::App& app, CommonOptions& common);
Command add_encode_command(CLI::App& app, CommonOptions& common);

}  // namespace attn::tools::speech
