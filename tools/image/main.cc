// attn-image: train, evaluate and run vision transformers on image files from the shell.
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
  CLI::App app{"Image classification with a vision transformer (ViT).\n"
               "Without --model, eval/predict/attention/info use the built-in Fashion-MNIST model.",
               "attn-image"};
  configure_app(app);
  CommonOptions common;
  const std::vector<std::pair<const char*, image::Command>> commands = {
      {"train", image::add_train_command(app, common)},
      {"eval", image::add_eval_command(app, common, builtin_model())},
      {"predict", image::add_predict_command(app, common, builtin_model())},
      {"attention", image::add_attention_command(app, common, builtin_model())},
      {"info", image::add_info_command(app, common, builtin_model())}};
  return run_guarded(app, argc, argv, [&] {
    for (const auto& [name, run] : commands)
      if (app.get_subcommand(name)->parsed()) return run();
    throw UsageError("a subcommand is required (train, eval, predict, attention, info)");
  });
}
