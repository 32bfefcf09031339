#pragma once
// The settings a command was given, as one line for the model file (attn.train_command):
// "attn-graph train --nodes n.tsv --heads 8". Only options that were given appear; values with
// spaces or quotes are quoted.
#include <CLI/CLI.hpp>
#include <string>

namespace attn::tools {

std::string recorded_command_line(const std::string& tool, const CLI::App& cmd);

}  // namespace attn::tools
