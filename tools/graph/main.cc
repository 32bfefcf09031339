// attn-graph: graph attention networks (GAT) for node classification, from the shell.
#include <CLI/CLI.hpp>
#include <span>
#include <vector>

#include "commands.h"
#include "common/cli.h"
#include "common/run_guarded.h"

#ifdef ATTN_EMBEDDED_DEFAULT_MODEL
#include "attn_embedded/default_model.h"
static std::span<const unsigned char> builtin_model() { return attn::embedded::default_model(); }
#else
static std::span<const unsigned char> builtin_model() { return {}; }
#endif

int main(int argc, char** argv) {
  using namespace attn::tools;
  CLI::App app{"Node classification with graph attention (GAT), attention along the edges only.\n"
               "Without --model, eval/predict/info/attention use the built-in Cora model.",
               "attn-graph"};
  configure_app(app);
  CommonOptions common;
  const std::vector<std::pair<const char*, graph::Command>> commands = {
      {"train", graph::add_train_command(app, common)},
      {"eval", graph::add_eval_command(app, common, builtin_model())},
      {"predict", graph::add_predict_command(app, common, builtin_model())},
      {"info", graph::add_info_command(app, common, builtin_model())},
      {"attention", graph::add_attention_command(app, common, builtin_model())}};
  return run_guarded(app, argc, argv, [&] {
    for (const auto& [name, run] : commands)
      if (app.get_subcommand(name)->parsed()) return run();
    throw UsageError("a subcommand is required (train, eval, predict, info, attention)");
  });
}
