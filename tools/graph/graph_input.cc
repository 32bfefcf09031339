#include "graph_input.h"

#include "attn/error.h"
#include "common/embedded_model.h"
#include "common/log.h"
#include "common/run_guarded.h"

namespace attn::tools::graph {

using namespace attn::graph;

void add_graph_files_flags(CLI::App& cmd, GraphFiles& f) {
  cmd.add_option("--nodes", f.nodes, "nodes.tsv: id<TAB>label (may be empty)<TAB>features")->group("Graph files");
  cmd.add_option("--edges", f.edges, "edges.tsv: src<TAB>dst[<TAB>weight] (dst attends to src)")->group("Graph files");
  cmd.add_option("--split", f.split, "split.tsv: id<TAB>train|val|test")->group("Graph files");
  cmd.add_option("--content", f.content, "Cora .content: id<TAB>f_1 ... f_F<TAB>label")->group("Graph files");
  cmd.add_option("--cites", f.cites, "Cora .cites: src<TAB>dst")->group("Graph files");
}

void add_graph_prep_flags(CLI::App& cmd, GraphOptionNames& g) {
  cmd.add_option("--features", g.features, "Node features: auto, dense, sparse (index[:value] lists) or none (one-hot: a learned embedding per node)")->check(CLI::IsMember({"auto", "dense", "sparse", "none"}))->capture_default_str();
  cmd.add_option("--feature-dim", g.feature_dim, "Declared feature dimension (sparse: an index must be below it; 0: from the data)")->check(CLI::Range(0, 1 << 30))->capture_default_str();
  cmd.add_flag("--undirected", g.undirected, "Each edge line a b also gives b -> a");
  cmd.add_option("--self-loops", g.self_loops, "add: one self-loop per node (GAT); keep: as in the file; error: fail on a node with no incoming edge")->check(CLI::IsMember({"add", "keep", "error"}))->capture_default_str();
  cmd.add_flag("--no-normalize", g.no_normalize, "Keep feature values as read (default: each node's features scaled to sum 1)");
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
  for (const ReportLine& line : load_report(out))
    line.warning ? log_warning("{}", line.text) : log_info("{}", line.text);
  return out;
}

LoadedGatModel open_graph_model(const std::string& path, std::span<const unsigned char> builtin) {
  return load_gat_model(open_model_or_builtin(path, builtin));
}

}  // namespace attn::tools::graph
