#include "common/train_checks.h"

#include "attn/data/atomic_file.h"
#include "attn/data/labelled_files.h"

namespace attn::tools {

void check_train_output(const std::string& output) { data::check_writable(output); }

void check_labels(const std::vector<std::string>& labels, const std::string& source) {
  for (const std::string& label : labels) data::check_label(label, source);
}

}  // namespace attn::tools
