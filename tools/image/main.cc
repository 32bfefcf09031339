// attn-image: train, evaluate and run vision transformers on image files from the shell.
#include "commands.h"
#include "common/builtin_model.h"
#include "common/tool_main.h"

int main(int argc, char** argv) {
  using namespace attn::tools;
  return run_tool({"attn-image",
                   "Image classification with a vision transformer (ViT).\n"
                   "Without --model, eval/predict/attention/info use the built-in Fashion-MNIST model.",
                   builtin_default_model(),
                   {image::add_train_command, image::add_eval_command, image::add_predict_command,
                    image::add_attention_command, image::add_info_command}},
                  argc, argv);
}
