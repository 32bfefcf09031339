// CSR build: bucket the directed edges by destination (a counting sort, O(E)), sort each
// row by source, keep the first of any duplicate, add self-loops as asked.
#include "attn/graph/csr.h"

#include <algorithm>
#include <string>

#include "attn/error.h"

namespace attn::graph {

const char* self_loops_name(SelfLoops s) {
  switch (s) {
    case SelfLoops::Add: return "add";
    case SelfLoops::Keep: return "keep";
    case SelfLoops::Error: return "error";
  }
  return "?";
}

SelfLoops parse_self_loops(const std::string& s) {
  if (s == "add") return SelfLoops::Add;
  if (s == "keep") return SelfLoops::Keep;
  if (s == "error") return SelfLoops::Error;
  throw Error("unknown --self-loops '" + s + "' (expected add, keep or error)");
}

namespace {

// A directed edge waiting for its row: its source and where it came from (2 * input edge,
// + 1 for the reverse of an undirected line; added self-loops come after all input).
struct Pending {
  int32_t src;
  int64_t origin;
};

}  // namespace

BuiltGraph build_csr(const GraphData& g, const EdgeOptions& opt) {
  const int N = g.nodes();
  const int64_t M = static_cast<int64_t>(g.edges.size());
  BuiltGraph out;
  EdgeReport& r = out.report;
  r.input_edges = M;
  // One byte per node, not counts: the random updates stay in cache on large graphs.
  constexpr uint8_t kOnEdge = 1, kHasLoop = 2;  // on an input edge other than a loop; has a loop
  std::vector<uint8_t> seen(N, 0);
  for (const InputEdge& e : g.edges) {
    if (e.src < 0 || e.src >= N || e.dst < 0 || e.dst >= N)
      throw std::invalid_argument("build_csr: edge on line " + std::to_string(e.line) +
                                  " names a node outside the graph");
    if (e.src == e.dst) {
      ++r.input_self_loops;
      seen[e.src] |= kHasLoop;
    } else {
      seen[e.src] |= kOnEdge;
      seen[e.dst] |= kOnEdge;
    }
  }
  for (int i = 0; i < N; ++i) r.isolated_nodes += !(seen[i] & kOnEdge);

  // Count, then fill, each destination's bucket.
  std::vector<int64_t> start(N + 1, 0);
  auto each_directed = [&](auto&& visit) {
    for (int64_t m = 0; m < M; ++m) {
      const InputEdge& e = g.edges[m];
      visit(e.dst, e.src, 2 * m);
      if (opt.undirected && e.src != e.dst) visit(e.src, e.dst, 2 * m + 1);
    }
    if (opt.self_loops == SelfLoops::Add)
      for (int i = 0; i < N; ++i)
        if (!(seen[i] & kHasLoop)) visit(i, i, 2 * M + i);
  };
  each_directed([&](int32_t dst, int32_t, int64_t) { ++start[dst + 1]; });
  for (int i = 0; i < N; ++i) start[i + 1] += start[i];
  std::vector<Pending> bucket(start[N]);
  {
    std::vector<int64_t> next(start.begin(), start.end() - 1);
    each_directed([&](int32_t dst, int32_t src, int64_t origin) {
      bucket[next[dst]++] = {src, origin};
    });
  }

  out.forward_edge.assign(M, -1);
  if (opt.undirected) out.reverse_edge.assign(M, -1);
  out.added_loop_edge.assign(N, -1);
  CsrGraph& csr = out.csr;
  csr.row_ptr.assign(N + 1, 0);
  csr.col.reserve(bucket.size());
  for (int i = 0; i < N; ++i) {
    auto first = bucket.begin() + start[i], last = bucket.begin() + start[i + 1];
    std::sort(first, last, [](const Pending& a, const Pending& b) {
      return a.src != b.src ? a.src < b.src : a.origin < b.origin;
    });
    for (auto it = first; it != last; ++it) {
      if (it != first && it->src == (it - 1)->src) {  // a duplicate: the first one stays
        ++r.duplicate_edges;
        continue;
      }
      const int64_t edge = static_cast<int64_t>(csr.col.size());
      csr.col.push_back(it->src);
      if (it->origin >= 2 * M) {
        out.added_loop_edge[it->origin - 2 * M] = edge;
        ++r.added_self_loops;
      } else if (it->origin % 2 == 0) {
        out.forward_edge[it->origin / 2] = edge;
      } else {
        out.reverse_edge[it->origin / 2] = edge;
      }
    }
    csr.row_ptr[i + 1] = static_cast<int64_t>(csr.col.size());
    if (csr.row_ptr[i + 1] == csr.row_ptr[i]) {
      ++r.no_incoming_nodes;
      if (opt.self_loops == SelfLoops::Error) {
        const std::string at = g.node_line[i] > 0
                                   ? g.node_file + ":" + std::to_string(g.node_line[i]) + ": "
                                   : g.edge_file + ": ";
        throw Error(at + "node '" + g.ids[i] + "' has no " +
                    (seen[i] & kOnEdge ? "incoming edges" : "edges") + " (--self-loops error)");
      }
    }
  }
  return out;
}

}  // namespace attn::graph
