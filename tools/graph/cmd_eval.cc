// attn-graph eval: accuracy, macro-F1 and the confusion matrix on the nodes of a split.
#include "attn/error.h"
#include "attn/graph/train.h"
#include "commands.h"
#include "common/output.h"
#include "graph_input.h"

namespace attn::tools::graph {
namespace {

using namespace attn::graph;

struct EvalArgs {
  GraphFiles files;
  std::string model, nodes = "test";
  ReportFormat format = ReportFormat::Text;
};

int run_eval(const EvalArgs& a, const CommonOptions& common, Builtin builtin) {
  const LoadedGatModel m = open_graph_model(a.model, builtin);
  const LoadedGraph lg = read_graph(a.files, m.graph, common.keep_going);
  const std::vector<int32_t> labels = labels_for_model(lg.data, m.labels);
  const std::vector<int32_t> nodes = labelled_nodes(lg.data, a.nodes, labels);
  if (nodes.empty())
    throw Error("no labelled nodes in '" + a.nodes + "'" +
                (lg.data.has_split ? "" : " (no --split given: try --select labelled)"));
  const std::vector<float> p = predict_probabilities(*m.model, lg.data.features, lg.built.csr);
  write_metrics(a.format, node_confusion(p, static_cast<int>(m.labels.size()), labels, nodes), m.labels);
  return lg.data.report.skipped() > 0 ? 1 : 0;
}

}  // namespace

Command add_eval_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = add_model_subcommand(app, "eval", "Accuracy, macro-F1 and confusion matrix on a split's nodes", common, args->model, kModelHelp);
  add_graph_files_flags(*cmd, args->files);
  add_choice_option(*cmd, "--select", args->nodes, {"test", "val", "train", "labelled"}, "Which labelled nodes to score");
  add_report_format_option(*cmd, args->format);
  return [args, &common, builtin] { return run_eval(*args, common, builtin); };
}

}  // namespace attn::tools::graph
