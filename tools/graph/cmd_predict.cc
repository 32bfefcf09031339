// attn-graph predict: labels with probabilities for the nodes of a split, or the nodes
// without a label, one line per node in node-file order.
#include "attn/graph/train.h"
#include "commands.h"
#include "common/log.h"
#include "common/predict_kit.h"
#include "graph_input.h"

namespace attn::tools::graph {
namespace {

using namespace attn::graph;

struct PredictArgs {
  GraphFiles files;
  std::string model, nodes = "auto";
  PredictOptions out;
};

int run_predict(const PredictArgs& a, const CommonOptions& common, Builtin builtin) {
  const LoadedGatModel m = open_graph_model(a.model, builtin);
  const LoadedGraph lg = read_graph(a.files, m.graph, common.keep_going);
  const std::string which = resolve_auto(lg.data, a.nodes);
  const std::vector<int32_t> nodes = select_nodes(lg.data, which);
  if (a.nodes == "auto") log_info("predicting {} nodes ({})", nodes.size(), which);
  const int K = static_cast<int>(m.labels.size());
  const std::vector<float> p = predict_probabilities(*m.model, lg.data.features, lg.built.csr);
  PredictionOutput out(a.out, m.labels);
  // The whole graph goes through the model at once (attention follows the edges); --shard
  // splits the output.
  for (size_t n = 0; n < nodes.size(); ++n)
    if (a.out.shard.mine(static_cast<int64_t>(n)))
      out.write(out.make(lg.data.ids[nodes[n]], std::span<const float>(p.data() + int64_t{nodes[n]} * K, K)));
  return lg.data.report.skipped() > 0 ? 1 : 0;
}

}  // namespace

Command add_predict_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  auto args = std::make_shared<PredictArgs>();
  CLI::App* cmd = add_model_subcommand(app, "predict", "Label the nodes of a split, or those without a label (node id, label, probability)", common, args->model, kModelHelp);
  add_graph_files_flags(*cmd, args->files);
  add_choice_option(*cmd, "--select", args->nodes, {"auto", "unlabelled", "train", "val", "test", "all"}, "Which nodes (auto: those without a label, or all if every node has one)");
  add_predict_options(*cmd, args->out);
  return [args, &common, builtin] { return run_predict(*args, common, builtin); };
}

}  // namespace attn::tools::graph
