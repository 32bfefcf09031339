#pragma once
// Label names and their ids (positions in a model's label list), for every modality's train,
// eval and class-weight reading, so that an unknown label reads the same everywhere:
//   data.tsv:6: unknown label "music" (known: ham, spam)
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace attn::data {

// The distinct names, sorted: a training set's label list.
std::vector<std::string> distinct_labels(std::vector<std::string> names);

class LabelIndex {
 public:
  explicit LabelIndex(const std::vector<std::string>& labels);
  // The id of `label`; attn::Error naming `where` (left out when empty) and the known labels
  // when it is not one of them.
  int32_t id(const std::string& label, const std::string& where) const;
  // The ids of one item's labels (as id()).
  std::vector<int32_t> ids(const std::vector<std::string>& labels, const std::string& where) const;
  bool contains(const std::string& label) const { return ids_.count(label) > 0; }

 private:
  const std::vector<std::string>& labels_;
  std::unordered_map<std::string, int32_t> ids_;
};

}  // namespace attn::data
