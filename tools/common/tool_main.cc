#include "common/tool_main.h"

#include "common/run_guarded.h"

namespace attn::tools {

int run_tool(const ToolSpec& tool, int argc, char** argv) {
  CLI::App app{tool.description, tool.name};
  configure_app(app);
  CommonOptions common;
  std::vector<std::pair<CLI::App*, Command>> commands;
  for (const CommandAdder& add : tool.commands) {
    Command run = add(app, common, tool.builtin);
    // The subcommand just registered is the app's last one.
    commands.emplace_back(app.get_subcommands([](CLI::App*) { return true; }).back(), std::move(run));
  }
  return run_guarded(app, argc, argv, [&] {
    std::string names;
    for (const auto& [cmd, run] : commands) {
      if (cmd->parsed()) return run();
      names += (names.empty() ? "" : ", ") + cmd->get_name();
    }
    throw UsageError("a subcommand is required (" + names + ")");
  });
}

}  // namespace attn::tools
