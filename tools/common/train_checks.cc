#include "common/train_checks.h"

#include "attn/data/atomic_file.h"
#include "attn/data/labelled_files.h"
#include "attn/error.h"
#include "attn/text/utf8.h"

namespace attn::tools {

void check_train_output(const std::string& output) { data::check_writable(output); }

void check_labels(const std::vector<std::string>& labels, const std::string& source) {
  if (labels.empty()) throw Error(source + ": no labels; a classifier needs at least two");
  if (labels.size() == 1)
    throw Error(source + ": only one label (\"" + text::sanitize_utf8(labels.front()) +
                "\"); a classifier needs at least two");
  for (const std::string& label : labels) data::check_label(label, source);
}

}  // namespace attn::tools
