#include "common/command_line.h"

namespace attn::tools {

std::string recorded_command_line(const std::string& tool, const CLI::App& cmd) {
  std::string line = tool + " " + cmd.get_name();
  for (const CLI::Option* opt : cmd.get_options())
    if (opt->count() > 0 && !opt->get_lnames().empty()) {
      line += " --" + opt->get_lnames().front();
      if (opt->get_expected_min() > 0)
        for (const std::string& r : opt->reduced_results())  // quoted so the line can be re-run
          line += r.find_first_of(" \t'\"\\$") == std::string::npos ? " " + r : " '" + r + "'";
    }
  return line;
}

}  // namespace attn::tools
