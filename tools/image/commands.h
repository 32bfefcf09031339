#pragma once
// attn-image's subcommands: each registers its flags on the app and runs when chosen.
#include "common/tool_main.h"

namespace attn::tools::image {

// --model's help: what the default is.
inline constexpr const char* kModelHelp = "Model file (default: the built-in Fashion-MNIST model)";

Command add_train_command(CLI::App& app, CommonOptions& common);
Command add_eval_command(CLI::App& app, CommonOptions& common, Builtin builtin);
Command add_predict_command(CLI::App& app, CommonOptions& common, Builtin builtin);
Command add_attention_command(CLI::App& app, CommonOptions& common, Builtin builtin);
Command add_info_command(CLI::App& app, CommonOptions& common, Builtin builtin);

}  // namespace attn::tools::image
