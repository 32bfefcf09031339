#pragma once
// train --init MODEL, the parts every tool shares: the flags the saved model fixes, and what is
// kept of it when the data's labels differ.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "attn/parameter.h"

namespace attn::tools {

// (flag, the saved model's value) for each setting the model fixes (its architecture and input
// state). A flag given on the command line with another value is a UsageError naming it:
//   "--dim 32 conflicts with --init base.safetensors (dim 16); leave it out to keep the model's"
// Numbers compare as numbers ("0.50" is "0.5").
using FixedSettings = std::vector<std::pair<std::string, std::string>>;
void refuse_init_conflicts(const CLI::App& cmd, const FixedSettings& fixed, const std::string& init);

// The saved model's values copied into `to` (attn::copy_parameters, attn/model_file.h). When the data's labels
// differ from the saved model's, the head (`head`: "head." unless the model names its output
// layer otherwise) keeps its fresh initialisation, with a notice saying so.
void start_from(const ParameterList& to, const ParameterList& from, const std::vector<std::string>& model_labels,
                const std::vector<std::string>& data_labels, const std::string& init, const std::string& head = "head.");

// The metadata a fine-tuned model records (attn.init_from: the file it started from); none
// without --init (`init` empty).
std::map<std::string, std::string> init_metadata(const std::string& init);

}  // namespace attn::tools
