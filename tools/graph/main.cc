// attn-graph: graph attention networks (GAT) for node classification, from the shell.
#include "commands.h"
#include "common/builtin_model.h"
#include "common/tool_main.h"

int main(int argc, char** argv) {
  using namespace attn::tools;
  return run_tool({"attn-graph",
                   "Node classification with graph attention (GAT), attention along the edges only.\n"
                   "Without --model, eval/predict/info/attention use the built-in Cora model.",
                   builtin_default_model(),
                   {graph::add_train_command, graph::add_eval_command, graph::add_predict_command,
                    graph::add_info_command, graph::add_attention_command}},
                  argc, argv);
}
