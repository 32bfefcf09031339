#pragma once
// attn-graph's input flags (the Cora pair, or nodes/edges/split TSV files), reading them
// through the library's graph readers, and the counts reported on stderr.
#include <CLI/CLI.hpp>
#include <span>
#include <string>

#include "attn/graph/load.h"

namespace attn::tools::graph {

using attn::graph::GraphFiles;
using attn::graph::LoadedGraph;

void add_graph_files_flags(CLI::App& cmd, GraphFiles& files);
// How train reads and prepares the graph (the others read it as the model records).
void add_graph_prep_flags(CLI::App& cmd, attn::graph::GraphOptionNames& names);

// The files the flags name, through attn::graph::load_graph, and what was found logged (counts
// of nodes, edges, duplicates, isolated nodes, dropped edges). UsageError for flags that do not
// go together; keep_going drops edges naming unknown nodes, with a warning.
LoadedGraph read_graph(const GraphFiles& files, const attn::graph::GraphOptions& options, bool keep_going);

// --model or the built-in Cora model, loaded and checked.
attn::graph::LoadedGatModel open_graph_model(const std::string& path,
                                             std::span<const unsigned char> builtin);

}  // namespace attn::tools::graph
