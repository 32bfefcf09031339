#pragma once
// From input edges to the CSR neighbour lists the attention runs over: row i (a destination)
// lists its sources j in ascending order, so node i attends to every j with an edge j -> i.
#include <cstdint>
#include <vector>

#include "attn/attention.h"
#include "attn/graph/graph.h"

namespace attn::graph {

enum class SelfLoops {
  Add,    // every node gets one self-loop (the GAT paper); ones in the input are kept once
  Keep,   // as the input has them; a node with no incoming edge outputs 0
  Error,  // as Keep, but a node with no incoming edge is an error naming its line
};
const char* self_loops_name(SelfLoops s);
SelfLoops parse_self_loops(const std::string& s);  // throws attn::Error

struct EdgeOptions {
  bool undirected = false;  // each line a b also gives b -> a
  SelfLoops self_loops = SelfLoops::Add;
};

struct EdgeReport {
  int64_t input_edges = 0;        // lines used
  int64_t duplicate_edges = 0;    // directed edges already present (after --undirected)
  int64_t input_self_loops = 0;   // lines a a
  int64_t added_self_loops = 0;
  int64_t isolated_nodes = 0;     // nodes on no input edge other than a self-loop
  int64_t no_incoming_nodes = 0;  // rows of the CSR left empty (Keep)
};

struct BuiltGraph {
  CsrGraph csr;  // (N + 1) row_ptr, (E) col; row = destination, col = source
  // Per input edge (file order): the CSR edge of src -> dst and, with undirected, of
  // dst -> src (reverse_edge is empty without undirected); -1 where that directed edge was a
  // duplicate of an earlier one.
  std::vector<int64_t> forward_edge, reverse_edge;
  std::vector<int64_t> added_loop_edge;  // (N) CSR edge of an added self-loop, -1 if none
  EdgeReport report;
};

// Throws attn::Error for SelfLoops::Error when a node has no incoming edge
// ("nodes.tsv:12: node 'p7' has no edges (--self-loops error)").
BuiltGraph build_csr(const GraphData& g, const EdgeOptions& opt);

}  // namespace attn::graph
