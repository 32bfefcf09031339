// attn-speech: Kaldi-compatible features, a truncated-attention frame encoder and spoken-word
// classification from the shell.
#include "common/builtin_model.h"
#include "common/tool_main.h"
#include "speech/commands.h"

int main(int argc, char** argv) {
  using namespace attn::tools;
  return run_tool({"attn-speech", "Speech features (Kaldi-compatible MFCC and fbank) and attention models over them.",
                   builtin_default_model(),
                   {speech::add_mfcc_command, speech::add_fbank_command, speech::add_train_command,
                    speech::add_eval_command, speech::add_predict_command, speech::add_info_command,
                    speech::add_encode_command}},
                  argc, argv);
}
