#pragma once
// attn-graph's input flags (the Cora pair, or nodes/edges/split TSV files), reading them
// through the library's graph readers, and the counts reported on stderr.
#include <CLI/CLI.hpp>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "attn/graph/load.h"

namespace attn::tools::graph {

using attn::graph::GraphFiles;
using attn::graph::labels_for_model;
using attn::graph::LoadedGraph;
using attn::graph::select_nodes;

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

// The files the flags name, through attn::graph::load_graph, and what was found logged (counts
// of nodes, edges, duplicates, isolated nodes, dropped edges). UsageError for flags that do not
// go together; keep_going drops edges naming unknown nodes, with a warning.
LoadedGraph read_graph(const GraphFiles& files, const attn::graph::GraphOptions& options, bool keep_going);

// --model or the built-in Cora model, loaded and checked.
attn::graph::LoadedGatModel open_graph_model(const std::string& path,
                                             std::span<const unsigned char> builtin);

}  // namespace attn::tools::graph
