#include "graph_input.h"

#include <algorithm>

#include "attn/error.h"
#include "attn/graph/readers.h"
#include "attn/data/labels.h"
#include "common/embedded_model.h"
#include "attn/data/input.h"
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

namespace {

constexpr size_t kMaxGraphFileBytes = size_t{1} << 31;  // 2 GiB per file

struct FileText {
  std::string name, text;
  TextInput view() const { return {name, text}; }
};

FileText read_named(const std::string& path) {
  if (path.empty()) return {};
  return {path, data::read_text_file(path, kMaxGraphFileBytes)};
}

}  // namespace

LoadedGraph load_graph(const GraphFiles& f, const GraphOptions& options, bool keep_going) {
  const bool cora = !f.content.empty() || !f.cites.empty();
  const bool tsv = !f.nodes.empty() || !f.edges.empty() || !f.split.empty();
  if (cora && tsv) throw UsageError("give either --content/--cites or --nodes/--edges/--split, not both");
  if (cora && (f.content.empty() || f.cites.empty()))
    throw UsageError("the Cora form needs both --content and --cites");
  if (!cora && f.edges.empty())
    throw UsageError("no graph: give --nodes and --edges (and --split), or --content and --cites");
  ReadOptions ro;
  ro.features = options.features;
  ro.feature_dim = options.feature_dim;
  ro.keep_going = keep_going;
  LoadedGraph out;
  if (cora) {
    const FileText content = read_named(f.content), cites = read_named(f.cites);
    out.data = read_cora(content.view(), cites.view(), ro);
  } else {
    const FileText nodes = read_named(f.nodes), edges = read_named(f.edges),
                   split = read_named(f.split);
    out.data = read_tsv_graph(nodes.view(), edges.view(), split.view(), ro);
  }
  GraphData& g = out.data;
  out.options = options;
  out.options.features = options.features == FeatureFormat::None ? FeatureFormat::None
                         : g.features.kind == NodeFeatures::Kind::Sparse ? FeatureFormat::Sparse
                                                                          : FeatureFormat::Dense;
  if (out.options.features == FeatureFormat::Sparse && out.options.feature_dim == 0)
    out.options.feature_dim = g.features.dim;
  if (options.normalize_rows && options.features != FeatureFormat::None)
    normalize_feature_rows(g.features);
  EdgeOptions eo;
  eo.undirected = options.undirected;
  eo.self_loops = options.self_loops;
  out.built = build_csr(g, eo);
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

std::vector<int32_t> select_nodes(const GraphData& g, const std::string& which) {
  std::vector<int32_t> out;
  for (int i = 0; i < g.nodes(); ++i) {
    const bool take = which == "all"          ? true
                      : which == "unlabelled" ? g.labels[i] < 0
                      : which == "labelled"   ? g.labels[i] >= 0
                                              : split_name(g.split[i]) == which;
    if (take) out.push_back(i);
  }
  return out;
}

LoadedGatModel open_graph_model(const std::string& path, std::span<const unsigned char> builtin) {
  return load_gat_model(open_model_or_builtin(path, builtin));
}

std::vector<int32_t> labels_for_model(const GraphData& g, const std::vector<std::string>& model_labels) {
  const data::LabelIndex index(model_labels);
  std::vector<int32_t> out(g.nodes(), -1);
  for (int i = 0; i < g.nodes(); ++i)
    if (g.labels[i] >= 0)
      out[i] = index.id(g.label_names[g.labels[i]], g.node_file + ":" + std::to_string(g.node_line[i]));
  return out;
}

}  // namespace attn::tools::graph
