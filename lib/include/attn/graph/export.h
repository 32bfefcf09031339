#pragma once
// Attention export: which CSR edge each output line shows, in the order of the input edge
// file, and the k-hop neighbourhood of a node for the DOT picture.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "attn/graph/csr.h"
#include "attn/graph/graph.h"
#include "attn/graph/load.h"

namespace attn::graph {

enum class EdgeOrigin { Input, Reverse, SelfLoop };  // a line, its --undirected twin, added
const char* edge_origin_name(EdgeOrigin o);            // "input", "reverse", "self-loop"

struct ExportEdge {
  int64_t csr_edge;  // index into csr.col (and the attention probabilities (E, H))
  int32_t src, dst;
  EdgeOrigin origin;
};

// Every CSR edge once: input edges in file order (each followed by its reverse with
// --undirected; duplicates show at their first line), then the added self-loops by node.
std::vector<ExportEdge> export_order(const GraphData& g, const BuiltGraph& b);

// "src<TAB>dst<TAB>layer<TAB>head<TAB>weight<TAB>origin" lines for every edge (export_order),
// layer (1-based; only_layer > 0: that one) and head, weights with 6 decimals, ids TSV-escaped.
// cache: a forward's with the attention kept. The text goes to `write` in pieces of about 64 KiB.
void attention_tsv(const LoadedGraph& lg, const GatModel& model, const GatModelCache& cache, int only_layer,
                   const std::function<void(const std::string& text)>& write);

// Nodes within k incoming hops of `node` (node first, then by distance, then index), and the
// CSR edges between them whose destination lies within k - 1 hops.
struct Neighbourhood {
  std::vector<int32_t> nodes;
  std::vector<int> hops;        // per entry of nodes
  std::vector<int64_t> edges;   // CSR edge indices
};
Neighbourhood k_hop_neighbourhood(const CsrGraph& csr, int32_t node, int k);

}  // namespace attn::graph
