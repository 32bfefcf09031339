#include "common/fine_tune.h"

#include <charconv>

#include <fmt/format.h>

#include "attn/model_file.h"
#include "common/log.h"
#include "common/run_guarded.h"

namespace attn::tools {
namespace {

// A flag's value as CLI11 may spell it ("true", "on", "1"): booleans as 1 or 0.
std::string canonical(const std::string& s) {
  if (s == "true" || s == "on" || s == "yes") return "1";
  if (s == "false" || s == "off" || s == "no") return "0";
  return s;
}

bool same_value(const std::string& given, const std::string& saved) {
  const std::string a = canonical(given), b = canonical(saved);
  float x = 0, y = 0;
  const auto ra = std::from_chars(a.data(), a.data() + a.size(), x);
  const auto rb = std::from_chars(b.data(), b.data() + b.size(), y);
  const bool numbers = ra.ec == std::errc() && ra.ptr == a.data() + a.size() && rb.ec == std::errc() &&
                       rb.ptr == b.data() + b.size();
  return numbers ? x == y : a == b;
}

}  // namespace

void refuse_init_conflicts(const CLI::App& cmd, const FixedSettings& fixed, const std::string& init) {
  for (const auto& [flag, value] : fixed) {
    const CLI::Option* opt = cmd.get_option_no_throw(flag);
    if (opt == nullptr || opt->count() == 0) continue;
    const std::string given = opt->as<std::string>();
    if (!same_value(given, value))
      throw UsageError(fmt::format("{} {} conflicts with --init {} ({} {}); leave it out to keep the model's",
                                   flag, given, init, flag.substr(2), value));
  }
}

void start_from(const ParameterList& to, const ParameterList& from, const std::vector<std::string>& model_labels,
                const std::vector<std::string>& data_labels, const std::string& init, const std::string& head) {
  std::vector<std::string> fresh;
  if (model_labels != data_labels) {
    log_info("notice: the data's labels differ from those of {}: the classifier head starts afresh "
             "for the {} labels", init, data_labels.size());
    fresh.push_back(head);
  }
  copy_parameters(to, from, fresh);
}

std::map<std::string, std::string> init_metadata(const std::string& init) {
  if (init.empty()) return {};
  return {{"attn.init_from", init}};
}

}  // namespace attn::tools
