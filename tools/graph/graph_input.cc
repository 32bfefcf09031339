#include "graph_input.h"

#include "attn/error.h"
#include "common/embedded_model.h"
#include "common/log.h"
#include "common/run_guarded.h"

namespace attn::tools::graph {

using namespace attn::graph;

void add_graph_files_flags(CLI::App& cmd, GraphFiles& f) {
  cmd.add_option("--nodes", f.nodes, "nodes.tsv: id<TAB>label (may be empty)<TAB>features")
      ->group("Graph files");
  cmd.add_option("--edges", f.edges, "edges.tsv: src<TAB>dst[<TAB>weight] (dst attends to src)")
      ->group("Graph files");
  cmd.add_option("--split", f.split, "split.tsv: id<TAB>train|val|test")->group("Graph files");
  cmd.add_option("--content", f.content, "Cora .content: id<TAB>f_1 ... f_F<TAB>label")
      ->group("Graph files");
  cmd.add_option("--cites", f.cites, "Cora .cites: src<TAB>dst")->group("Graph files");
}

void add_graph_prep_flags(CLI::App& cmd, GraphFlags& g) {
  cmd.add_option("--features", g.features,
                 "Node features: auto, dense, sparse (index[:value] lists) or none (one-hot: a "
                 "learned embedding per node)")
      ->check(CLI::IsMember({"auto", "dense", "sparse", "none"}))
      ->capture_default_str();
  cmd.add_option("--feature-dim", g.feature_dim,
                 "Declared feature dimension (sparse: an index must be below it; 0: from the data)")
      ->check(CLI::Range(0, 1 << 30))
      ->capture_default_str();
  cmd.add_flag("--undirected", g.undirected, "Each edge line a b also gives b -> a");
  cmd.add_option("--self-loops", g.self_loops,
                 "add: one self-loop per node (GAT); keep: as in the file; error: fail on a node "
                 "with no incoming edge")
      ->check(CLI::IsMember({"add", "keep", "error"}))
      ->capture_default_str();
  cmd.add_flag("--no-normalize", g.no_normalize,
               "Keep feature values as read (default: each node's features scaled to sum 1)");
}

GraphOptions graph_options(const GraphFlags& f) {
  GraphOptions o;
  o.features = parse_feature_format(f.features);
  o.feature_dim = f.feature_dim;
  o.undirected = f.undirected;
  o.self_loops = parse_self_loops(f.self_loops);
  o.normalize_rows = !f.no_normalize;
  return o;
}

LoadedGraph read_graph(const GraphFiles& f, const GraphOptions& options, bool keep_going) {
  const bool cora = !f.content.empty() || !f.cites.empty();
  const bool tsv = !f.nodes.empty() || !f.edges.empty() || !f.split.empty();
  if (cora && tsv) throw UsageError("give either --content/--cites or --nodes/--edges/--split, not both");
  if (cora && (f.content.empty() || f.cites.empty()))
    throw UsageError("the Cora form needs both --content and --cites");
  if (!cora && f.edges.empty())
    throw UsageError("no graph: give --nodes and --edges (and --split), or --content and --cites");
  LoadedGraph out = attn::graph::load_graph(f, options, keep_going);
  const GraphData& g = out.data;
  const EdgeReport& r = out.built.report;
  log_info("read {} nodes ({} labelled; split train {} val {} test {}), {} features ({}), {} labels",
           g.nodes(), g.labelled(), g.count(Split::Train), g.count(Split::Val),
           g.count(Split::Test), g.features.dim, feature_format_name(out.options.features),
           g.label_names.size());
  log_info("edges: {} lines, {} attention edges ({}, self-loops {}: {} in the file, {} added); "
           "{} duplicate, {} isolated nodes, {} nodes with no incoming edge",
           g.report.edge_lines, out.built.csr.nnz(), options.undirected ? "undirected" : "directed",
           self_loops_name(options.self_loops), r.input_self_loops, r.added_self_loops,
           r.duplicate_edges, r.isolated_nodes, r.no_incoming_nodes);
  if (g.report.unknown_node_edges > 0 || g.report.bad_lines > 0)
    log_warning("skipped {} edges naming unknown nodes and {} bad lines (--keep-going)",
                g.report.unknown_node_edges, g.report.bad_lines);
  if (g.report.weighted_edges > 0)
    log_info("{} edges have a weight column: GAT learns its own edge weights and ignores it",
             g.report.weighted_edges);
  return out;
}

LoadedGatModel open_graph_model(const std::string& path, std::span<const unsigned char> builtin) {
  return load_gat_model(open_model_or_builtin(path, builtin));
}

}  // namespace attn::tools::graph
