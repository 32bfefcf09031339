#include "attn/graph/load.h"

#include <fmt/format.h>

#include "attn/data/input.h"
#include "attn/data/labels.h"
#include "attn/graph/readers.h"

namespace attn::graph {
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
  ReadOptions ro;
  ro.features = options.features;
  ro.feature_dim = options.feature_dim;
  ro.keep_going = keep_going;
  LoadedGraph out;
  if (!f.content.empty()) {
    const FileText content = read_named(f.content), cites = read_named(f.cites);
    out.data = read_cora(content.view(), cites.view(), ro);
  } else {
    const FileText nodes = read_named(f.nodes), edges = read_named(f.edges), split = read_named(f.split);
    out.data = read_tsv_graph(nodes.view(), edges.view(), split.view(), ro);
  }
  GraphData& g = out.data;
  out.options = options;
  out.options.features = options.features == FeatureFormat::None ? FeatureFormat::None
                         : g.features.kind == NodeFeatures::Kind::Sparse ? FeatureFormat::Sparse
                                                                          : FeatureFormat::Dense;
  if (out.options.features == FeatureFormat::Sparse && out.options.feature_dim == 0)
    out.options.feature_dim = g.features.dim;
  if (options.normalize_rows && options.features != FeatureFormat::None) normalize_feature_rows(g.features);
  EdgeOptions eo;
  eo.undirected = options.undirected;
  eo.self_loops = options.self_loops;
  out.built = build_csr(g, eo);
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

std::vector<int32_t> labels_for_model(const GraphData& g, const std::vector<std::string>& model_labels) {
  const data::LabelIndex index(model_labels);
  std::vector<int32_t> out(g.nodes(), -1);
  for (int i = 0; i < g.nodes(); ++i)
    if (g.labels[i] >= 0)
      out[i] = index.id(g.label_names[g.labels[i]], g.node_file + ":" + std::to_string(g.node_line[i]));
  return out;
}

std::vector<ReportLine> load_report(const LoadedGraph& lg) {
  const GraphData& g = lg.data;
  const EdgeReport& r = lg.built.report;
  std::vector<ReportLine> out;
  out.push_back({false, fmt::format("read {} nodes ({} labelled; split train {} val {} test {}), {} features ({}), {} labels",
                                    g.nodes(), g.labelled(), g.count(Split::Train), g.count(Split::Val),
                                    g.count(Split::Test), g.features.dim, feature_format_name(lg.options.features),
                                    g.label_names.size())});
  out.push_back({false, fmt::format("edges: {} lines, {} attention edges ({}, self-loops {}: {} in the file, {} added); "
                                    "{} duplicate, {} isolated nodes, {} nodes with no incoming edge",
                                    g.report.edge_lines, lg.built.csr.nnz(), lg.options.undirected ? "undirected" : "directed",
                                    self_loops_name(lg.options.self_loops), r.input_self_loops, r.added_self_loops,
                                    r.duplicate_edges, r.isolated_nodes, r.no_incoming_nodes)});
  if (g.report.skipped() > 0)
    out.push_back({true, fmt::format("skipped {} edges naming unknown nodes and {} bad lines (--keep-going)",
                                     g.report.unknown_node_edges, g.report.bad_lines)});
  if (g.report.weighted_edges > 0)
    out.push_back({false, fmt::format("{} edges have a weight column: GAT learns its own edge weights and ignores it",
                                      g.report.weighted_edges)});
  return out;
}

std::string resolve_auto(const GraphData& g, const std::string& which) {
  if (which != "auto") return which;
  return g.labelled() < g.nodes() ? "unlabelled" : "all";
}

std::vector<int32_t> labelled_nodes(const GraphData& g, const std::string& which, const std::vector<int32_t>& labels) {
  std::vector<int32_t> out;
  for (int32_t i : select_nodes(g, which))
    if (labels[i] >= 0) out.push_back(i);
  return out;
}

}  // namespace attn::graph
