#pragma once
// attn-graph's input flags (the Cora pair, or nodes/edges/split TSV files), reading them
// through the library's graph readers, and the counts reported on stderr.
#include <CLI/CLI.hpp>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "attn/graph/csr.h"
#include "attn/graph/model_file.h"

namespace attn::tools::graph {

struct GraphFiles {
  std::string content, cites;       // Cora form
  std::string nodes, edges, split;  // TSV form
};

// How to read and prepare the graph: flags for train, the model's record otherwise.
struct GraphFlags {
  std::string features = "auto";
  int feature_dim = 0;
  bool undirected = false;
  std::string self_loops = "add";
  bool no_normalize = false;
};

void add_graph_files_flags(CLI::App& cmd, GraphFiles& files);
void add_graph_prep_flags(CLI::App& cmd, GraphFlags& flags);
attn::graph::GraphOptions graph_options(const GraphFlags& flags);

struct LoadedGraph {
  attn::graph::GraphData data;
  attn::graph::BuiltGraph built;
  attn::graph::GraphOptions options;  // with the feature format as read (never auto)
};

// Reads and prepares the graph, logs what was found (counts of nodes, edges, duplicates,
// isolated nodes, dropped edges). keep_going drops edges naming unknown nodes, with a warning.
LoadedGraph load_graph(const GraphFiles& files, const attn::graph::GraphOptions& options,
                       bool keep_going);

// The nodes of a split, "unlabelled" (no label), "labelled" or "all".
std::vector<int32_t> select_nodes(const attn::graph::GraphData& g, const std::string& which);

// --model or the built-in Cora model, loaded and checked.
attn::graph::LoadedGatModel open_graph_model(const std::string& path,
                                             std::span<const unsigned char> builtin);

// The graph's labels as the model's label indices (-1: none); a label the model does not
// know is an error naming the node's line.
std::vector<int32_t> labels_for_model(const attn::graph::GraphData& g,
                                      const std::vector<std::string>& model_labels);

}  // namespace attn::tools::graph
