#pragma once
// What `train` checks before it reads any data or trains, so that a run never ends in an error
// it could have named at the start.
#include <string>
#include <vector>

namespace attn::tools {

// The model could be written at `output`: not a directory, in an existing writable folder
// (attn::data::check_writable). Throws attn::Error naming the path.
void check_train_output(const std::string& output);

// At least two labels, and every one could be stored in a model file: not empty, valid UTF-8.
// Throws attn::Error naming `source` (and the label). For labels that do not come from data::read_labelled_files,
// which checks its own.
void check_labels(const std::vector<std::string>& labels, const std::string& source);

}  // namespace attn::tools
