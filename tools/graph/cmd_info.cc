// attn-graph info: the generic one (common/model_info.h); the train command is kept in the config.
#include "attn/graph/model_file.h"
#include "commands.h"
#include "common/model_info.h"

namespace attn::tools::graph {

Command add_info_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  const auto train_command = [](const attn::graph::LoadedGatModel& m, ModelSummary& s) { s.train_command = m.train_command; };
  return tools::add_info_command(app, common, builtin, kModelHelp,
                                 summarize(attn::graph::load_gat_model, &attn::graph::LoadedGatModel::model, train_command));
}

}  // namespace attn::tools::graph
