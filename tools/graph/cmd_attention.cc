// attn-graph attention: the attention weight of every edge, or a GraphViz picture of one
// node's k-hop neighbourhood with edge widths set by attention.
#include <cmath>
#include <fmt/format.h>

#include "attn/error.h"
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

// A DOT string: quotes and backslashes escaped, a newline as DOT's line break.
std::string dot_quote(const std::string& s) {
  std::string q = "\"";
  for (char c : s) {
    if (c == '\n') {
      q += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + "\"";
}

// The k-hop picture: an arrow j -> i for each edge i attends along, its width and label the
// head-averaged attention of the chosen layer; the centre node drawn bold.
void write_dot(const LoadedGraph& lg, const LoadedGatModel& m, const GatModelCache& cache,
               const std::vector<float>& probs, const std::string& node_id, int layer, int hops) {
  const GraphData& g = lg.data;
  const auto it = g.index_of.find(node_id);
  if (it == g.index_of.end()) throw Error("node '" + node_id + "' is not in " + g.node_file);
  const int l = layer > 0 ? layer - 1 : m.model->layer_count() - 1;
  const int H = m.model->layer(l).config().heads;
  const int K = static_cast<int>(m.labels.size());
  const Neighbourhood nb = k_hop_neighbourhood(lg.built.csr, it->second, hops);
  std::string out = fmt::format(
      "// attn-graph attention --format dot: {}-hop neighbourhood of {}, layer {} (mean of {} "
      "heads)\n// render: dot -Tsvg thisfile.dot -o neighbourhood.svg\ndigraph attention {{\n"
      "  rankdir=LR;\n  node [shape=box, fontsize=10];\n",
      hops, node_id, l + 1, H);
  for (size_t n = 0; n < nb.nodes.size(); ++n) {
    const int32_t i = nb.nodes[n];
    const float* p = probs.data() + int64_t{i} * K;
    const int best = static_cast<int>(std::max_element(p, p + K) - p);
    std::string label = g.ids[i] + "\npredicted " + m.labels[best] + fmt::format(" {:.2f}", p[best]);
    if (g.labels[i] >= 0) label += "\nlabel " + g.label_names[g.labels[i]];
    out += fmt::format("  {} [label={}{}];\n", dot_quote(g.ids[i]), dot_quote(label),
                       n == 0 ? ", style=bold, penwidth=3" : "");
  }
  const std::vector<float>& att = cache.layers[l].attention.probs;
  const CsrGraph& csr = lg.built.csr;
  for (int64_t e : nb.edges) {
    // the destination of CSR edge e is its row
    const int32_t dst = static_cast<int32_t>(
        std::upper_bound(csr.row_ptr.begin(), csr.row_ptr.end(), e) - csr.row_ptr.begin() - 1);
    double w = 0;
    for (int h = 0; h < H; ++h) w += att[e * H + h];
    w /= H;
    out += fmt::format("  {} -> {} [penwidth={:.2f}, label=\"{:.2f}\"];\n", dot_quote(g.ids[csr.col[e]]),
                       dot_quote(g.ids[dst]), 0.3 + 6.0 * w, w);
  }
  out += "}\n";
  write_bytes(stdout, out);
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
    write_dot(lg, m, cache, probs, a.node, a.layer, a.hops);
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
