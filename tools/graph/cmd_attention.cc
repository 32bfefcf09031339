// attn-graph attention: the attention weight of every edge, or a GraphViz picture of one
// node's k-hop neighbourhood with edge widths set by attention.
#include "attn/graph/attention_dot.h"
#include "attn/graph/export.h"
#include "attn/graph/train.h"
#include "commands.h"
#include "common/output.h"
#include "common/run_guarded.h"
#include "graph_input.h"

namespace attn::tools::graph {
namespace {

using namespace attn::graph;

struct AttentionArgs {
  GraphFiles files;
  std::string model, format = "tsv", node;
  int layer = 0;  // 1-based; 0: every layer (tsv), the last (dot)
  int hops = 2;
};

int run_attention(const AttentionArgs& a, const CommonOptions& common, Builtin builtin) {
  const LoadedGatModel m = open_graph_model(a.model, builtin);
  check_layer_flag(a.layer, m.model->layer_count());
  if (a.format == "dot" && a.node.empty()) throw UsageError("--format dot needs --node ID");
  const LoadedGraph lg = read_graph(a.files, m.graph, common.keep_going);
  GatModelCache cache;  // inference with the attention kept
  const std::vector<float> probs = predict_with_attention(*m.model, lg.data.features, lg.built.csr, cache);
  if (a.format == "dot")
    write_bytes(stdout, attention_dot(lg, *m.model, m.labels, cache, probs, a.node, a.layer, a.hops));
  else
    attention_tsv(lg, *m.model, cache, a.layer, [](const std::string& text) { write_bytes(stdout, text); });
  return lg.data.report.skipped() > 0 ? 1 : 0;
}

}  // namespace

Command add_attention_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  auto args = std::make_shared<AttentionArgs>();
  CLI::App* cmd = add_model_subcommand(app, "attention", "Per-edge attention weights (src, dst, layer, head, weight, origin), or --format dot: a GraphViz picture of one node's neighbourhood", common, args->model, kModelHelp);
  add_graph_files_flags(*cmd, args->files);
  add_choice_option(*cmd, "--format", args->format, {"tsv", "dot"}, "tsv: every edge; dot: the k-hop neighbourhood of --node");
  cmd->add_option("--layer", args->layer, "Only this layer (1-based; dot default: the last)")->check(CLI::Range(0, 16));
  cmd->add_option("--node", args->node, "Node id at the centre of the DOT picture");
  cmd->add_option("--hops", args->hops, "Neighbourhood radius of the DOT picture")->capture_default_str()->check(CLI::Range(1, 4));
  return [args, &common, builtin] { return run_attention(*args, common, builtin); };
}

}  // namespace attn::tools::graph
