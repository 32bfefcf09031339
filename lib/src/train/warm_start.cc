#include "attn/train/warm_start.h"

#include <unordered_map>

#include "attn/error.h"

namespace attn {

int copy_parameters(const ParameterList& to, const ParameterList& from, const std::vector<std::string>& fresh) {
  std::unordered_map<std::string, const Parameter*> by_name;
  for (const Parameter* p : from) by_name[p->name] = p;
  int copied = 0;
  for (Parameter* p : to) {
    bool is_fresh = false;
    for (const std::string& prefix : fresh) is_fresh = is_fresh || p->name.starts_with(prefix);
    if (is_fresh) continue;
    const auto it = by_name.find(p->name);
    if (it == by_name.end()) throw Error("parameter " + p->name + " is missing from the model to start from");
    if (it->second->value.shape() != p->value.shape())
      throw Error("parameter " + p->name + " has another shape in the model to start from");
    p->value = it->second->value;
    ++copied;
  }
  return copied;
}

}  // namespace attn
