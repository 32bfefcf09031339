// attn-graph attention: the attention weight of every edge, or a GraphViz picture of one
// node's k-hop neighbourhood with edge widths set by attention.
#include <fmt/format.h>

#include "attn/error.h"
#include "attn/graph/attention_dot.h"
#include "attn/graph/export.h"
#include "attn/graph/train.h"
#include "attn/ops.h"
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

// "src<TAB>dst<TAB>layer<TAB>head<TAB>weight<TAB>origin" for every edge, layer and head.
void write_tsv(const LoadedGraph& lg, const GatModel& model, const GatModelCache& cache, int only_layer) {
  const GraphData& g = lg.data;
  const std::vector<ExportEdge> order = export_order(g, lg.built);
  std::string buf;
  for (const ExportEdge& e : order)
    for (int l = 0; l < model.layer_count(); ++l) {
      if (only_layer > 0 && l + 1 != only_layer) continue;
      const int H = model.layer(l).config().heads;
      const std::vector<float>& probs = cache.layers[l].attention.probs;
      for (int h = 0; h < H; ++h)
        buf += fmt::format("{}\t{}\t{}\t{}\t{:.6f}\t{}\n", tsv_escape(g.ids[e.src]),
                           tsv_escape(g.ids[e.dst]), l + 1, h + 1, probs[e.csr_edge * H + h],
                           edge_origin_name(e.origin));
      if (buf.size() > (1 << 16)) {
        write_bytes(stdout, buf);
        buf.clear();
      }
    }
  write_bytes(stdout, buf);
}

int run_attention(const AttentionArgs& a, const CommonOptions& common, Builtin builtin) {
  const LoadedGatModel m = open_graph_model(a.model, builtin);
  if (a.layer > m.model->layer_count())
    throw UsageError("--layer " + std::to_string(a.layer) + ": the model has " +
                     std::to_string(m.model->layer_count()) + " layers");
  if (a.format == "dot" && a.node.empty()) throw UsageError("--format dot needs --node ID");
  const LoadedGraph lg = read_graph(a.files, m.graph, common.keep_going);
  GatModelCache cache;  // inference with the probabilities kept
  std::vector<float> probs = m.model->forward(lg.data.features, lg.built.csr, cache, RunContext{}, true);
  if (a.format == "dot") {
    const int K = static_cast<int>(m.labels.size());
    attn::ops::softmax_rows(lg.data.nodes(), K, probs.data(), probs.data());
    write_bytes(stdout, attention_dot(lg, *m.model, m.labels, cache, probs, a.node, a.layer, a.hops));
  } else {
    write_tsv(lg, *m.model, cache, a.layer);
  }
  return lg.data.report.unknown_node_edges + lg.data.report.bad_lines > 0 ? 1 : 0;
}

}  // namespace

Command add_attention_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  auto args = std::make_shared<AttentionArgs>();
  CLI::App* cmd = add_model_subcommand(app, "attention", "Per-edge attention weights (src, dst, layer, head, weight, origin), or --format dot: a "
      "GraphViz picture of one node's neighbourhood", common, args->model, kModelHelp);
  add_graph_files_flags(*cmd, args->files);
  add_choice_option(*cmd, "--format", args->format, {"tsv", "dot"},
                    "tsv: every edge; dot: the k-hop neighbourhood of --node");
  cmd->add_option("--layer", args->layer, "Only this layer (1-based; dot default: the last)")
      ->check(CLI::Range(0, 16));
  cmd->add_option("--node", args->node, "Node id at the centre of the DOT picture");
  cmd->add_option("--hops", args->hops, "Neighbourhood radius of the DOT picture")
      ->capture_default_str()
      ->check(CLI::Range(1, 4));
  return [args, &common, builtin] { return run_attention(*args, common, builtin); };
}

}  // namespace attn::tools::graph
