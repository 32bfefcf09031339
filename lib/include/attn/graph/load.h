#pragma once
// A graph from its files, ready for a GAT: read (the Cora pair, or nodes/edges/split TSV files,
// each at most 2 GiB), its features row-normalised when the options say so, and its edges built
// into the CSR the attention runs over; and the node sets and label ids the commands use.
#include <cstdint>
#include <string>
#include <vector>

#include "attn/graph/csr.h"
#include "attn/graph/model_file.h"

namespace attn::graph {

struct GraphFiles {
  std::string content, cites;       // Cora form
  std::string nodes, edges, split;  // TSV form (used when content is empty)
};

struct LoadedGraph {
  GraphData data;
  BuiltGraph built;
  GraphOptions options;  // with the feature format as read (never auto)
};

// Reads and prepares the graph. keep_going drops edges naming unknown nodes (counted in
// data.report). attn::Error names the file and line of bad input.
LoadedGraph load_graph(const GraphFiles& files, const GraphOptions& options, bool keep_going);

// What loading found, as the lines a tool logs: the nodes, labels and split; the edges,
// duplicates, self-loops and nodes without edges; then, as notices, skipped lines (a warning)
// and ignored edge weights.
struct ReportLine {
  bool warning = false;
  std::string text;
};
std::vector<ReportLine> load_report(const LoadedGraph& lg);

// The nodes of a split ("train", "val", "test"), "unlabelled" (no label), "labelled" or "all".
std::vector<int32_t> select_nodes(const GraphData& g, const std::string& which);
// "auto" as predict reads it: "unlabelled", or "all" when every node has a label; any other
// selection as it is.
std::string resolve_auto(const GraphData& g, const std::string& which);
// The nodes of select_nodes(g, which) with a label, `labels` holding each node's (-1: none).
std::vector<int32_t> labelled_nodes(const GraphData& g, const std::string& which, const std::vector<int32_t>& labels);

// The graph's labels as the model's label indices (-1: none); a label the model does not
// know is an attn::Error naming the node's line.
std::vector<int32_t> labels_for_model(const GraphData& g, const std::vector<std::string>& model_labels);

}  // namespace attn::graph
