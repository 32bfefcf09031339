#pragma once
// A tool's main(): its name, what it does, its built-in model and its subcommands, as a table.
//
//   int main(int argc, char** argv) {
//     return attn::tools::run_tool({"attn-text", "Text classification ...", builtin_default_model(),
//                                   {text::add_train_command, text::add_predict_command}},
//                                  argc, argv);
//   }
//
// Each add_*_command registers one subcommand (and its flags) on the app and returns what runs it
// once the command line is parsed; run_tool runs the one chosen, inside run_guarded.
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/cli.h"

namespace attn::tools {

using Command = std::function<int()>;           // runs a subcommand once the command line is parsed
using Builtin = std::span<const unsigned char>;  // the compiled-in default model (empty if none)

// One row of the table: a subcommand that opens the built-in model when --model is not given,
// or one that needs none (train, feature extraction).
class CommandAdder {
 public:
  using WithModel = Command (*)(CLI::App&, CommonOptions&, Builtin);
  using WithoutModel = Command (*)(CLI::App&, CommonOptions&);
  CommandAdder(WithModel add) : with_model_(add) {}
  CommandAdder(WithoutModel add) : without_model_(add) {}
  Command operator()(CLI::App& app, CommonOptions& common, Builtin builtin) const {
    return with_model_ ? with_model_(app, common, builtin) : without_model_(app, common);
  }

 private:
  WithModel with_model_ = nullptr;
  WithoutModel without_model_ = nullptr;
};

struct ToolSpec {
  std::string name;         // "attn-text": --version, messages
  std::string description;  // the first lines of --help
  Builtin builtin;          // the default model, or empty
  std::vector<CommandAdder> commands;
};

// Builds the app from `tool`, parses argc/argv and runs the chosen subcommand (exit codes as
// run_guarded).
int run_tool(const ToolSpec& tool, int argc, char** argv);

}  // namespace attn::tools
