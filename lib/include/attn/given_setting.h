#pragma once
// Whether this run's command line gave a setting, by its flag's name without "--" ("dropout"):
// what a task's train setup asks to decide between a value given, one derived from the data,
// and the saved model's (--init).
#include <functional>
#include <string>

namespace attn {

using GivenSetting = std::function<bool(const std::string& name)>;

}  // namespace attn
