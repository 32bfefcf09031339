#include "attn/data/labels.h"

#include <algorithm>

#include <fmt/format.h>

#include "attn/error.h"
#include "attn/text/utf8.h"

namespace attn::data {

std::vector<std::string> distinct_labels(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

LabelIndex::LabelIndex(const std::vector<std::string>& labels) : labels_(labels) {
  for (size_t k = 0; k < labels.size(); ++k) ids_.emplace(labels[k], static_cast<int32_t>(k));
}

int32_t LabelIndex::id(const std::string& label, const std::string& where) const {
  const auto it = ids_.find(label);
  if (it != ids_.end()) return it->second;
  constexpr size_t kListed = 12;  // a long label set is cut short in the message
  std::string known;
  for (size_t k = 0; k < labels_.size() && k < kListed; ++k) known += (k ? ", " : "") + labels_[k];
  if (labels_.size() > kListed) known += fmt::format(", ... ({} in all)", labels_.size());
  throw Error(fmt::format("{}unknown label \"{}\" (known: {})", where.empty() ? "" : where + ": ",
                          text::sanitize_utf8(label), known));
}

std::vector<int32_t> LabelIndex::ids(const std::vector<std::string>& labels, const std::string& where) const {
  std::vector<int32_t> out;
  for (const std::string& label : labels) out.push_back(id(label, where));
  return out;
}

}  // namespace attn::data
