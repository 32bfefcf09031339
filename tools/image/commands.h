#pragma once
// attn-image's subcommands: each registers its flags on the app and runs when chosen.
#include <CLI/CLI.hpp>
#include <functional>
#include <span>

#include "common/tool_main.h"

namespace attn::tools::image {

Command add_train_command(CLI::App& app, CommonOptions& common);
Command add_eval_command(CLI::App& app, CommonOptions& common, Builtin builtin);
Command add_predict_command(CLI::App& app, CommonOptions& common, Builtin builtin);
Command add_attention_command(CLI::App& app, CommonOptions& common, Builtin builtin);
Command add_info_command(CLI::App& app, CommonOptions& common, Builtin builtin);

}  // namespace attn::tools::image
