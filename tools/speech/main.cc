// attn-speech: Kaldi-compatible features, a truncated-attention frame encoder and spoken-word
// classification from the shell.
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "common/cli.h"
#include "common/run_guarded.h"
#include "model_args.h"

int main(int argc, char** argv) {
  using namespace attn::tools;
  CLI::App app{"Speech features (Kaldi-compatible MFCC and fbank) and attention models over them.", "attn-speech"};
  configure_app(app);
  CommonOptions common;
  const std::vector<std::pair<const char*, speech::Command>> commands = {
      {"mfcc", speech::add_mfcc_command(app, common)},
      {"fbank", speech::add_fbank_command(app, common)},
      {"train", speech::add_train_command(app, common)},
      {"eval", speech::add_eval_command(app, common)},
      {"predict", speech::add_predict_command(app, common)},
      {"info", speech::add_info_command(app, common)},
      {"encode", speech::add_encode_command(app, common)}};
  speech::set_command_line(argc, argv);
  return run_guarded(app, argc, argv, [&] {
    for (const auto& [name, run] : commands)
      if (app.get_subcommand(name)->parsed()) return run();
    throw UsageError("a subcommand is required");
  });
}
