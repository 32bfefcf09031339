#include "common/command_line.h"

namespace attn::tools {

std::string recorded_command_line(const std::string& tool, const CLI::App& cmd) {
  std::string line = tool + " " + cmd.get_name();
  for (const CLI::Option* opt : cmd.get_options())
    if (opt->count() > 0 && !opt->get_lnames().empty())
      line += " --" + opt->get_lnames().front() +
              (opt->get_expected_min() > 0 ? " " + opt->as<std::string>() : "");
  return line;
}

}  // namespace attn::tools
