// attn-text: train, evaluate and run transformer text classifiers from the shell.
#include "commands.h"
#include "common/builtin_model.h"
#include "common/tool_main.h"

int main(int argc, char** argv) {
  using namespace attn::tools;
  return run_tool({"attn-text",
                   "Text classification with a transformer encoder (fastText-style input).\n"
                   "Without --model, eval/predict/info use the built-in spam filter.",
                   builtin_default_model(),
                   {text::add_train_command, text::add_eval_command, text::add_predict_command,
                    text::add_info_command}},
                  argc, argv);
}
