// attn-graph info: the generic one (common/model_info.h); the train command is kept in the config.
#include "attn/graph/model_file.h"
#include "commands.h"
#include "common/model_info.h"

namespace attn::tools::graph {

Command add_info_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  return tools::add_info_command(app, common, builtin, kModelHelp,
                                 [](const SafeTensorsFile& file) {
                                   const auto m = attn::graph::load_gat_model(file);
                                   ModelSummary s{m.labels, m.model->parameter_count()};
                                   s.train_command = m.train_command;
                                   return s;
                                 });
}

}  // namespace attn::tools::graph
