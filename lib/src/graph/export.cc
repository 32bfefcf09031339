#include "attn/graph/export.h"

#include <algorithm>

#include <fmt/format.h>

#include "attn/data/output_file.h"

namespace attn::graph {

const char* edge_origin_name(EdgeOrigin o) {
  switch (o) {
    case EdgeOrigin::Input: return "input";
    case EdgeOrigin::Reverse: return "reverse";
    case EdgeOrigin::SelfLoop: return "self-loop";
  }
  return "?";
}

std::vector<ExportEdge> export_order(const GraphData& g, const BuiltGraph& b) {
  std::vector<ExportEdge> out;
  out.reserve(b.csr.col.size());
  for (size_t m = 0; m < g.edges.size(); ++m) {
    const InputEdge& e = g.edges[m];
    if (b.forward_edge[m] >= 0) out.push_back({b.forward_edge[m], e.src, e.dst, EdgeOrigin::Input});
    if (!b.reverse_edge.empty() && b.reverse_edge[m] >= 0)
      out.push_back({b.reverse_edge[m], e.dst, e.src, EdgeOrigin::Reverse});
  }
  for (int i = 0; i < static_cast<int>(b.added_loop_edge.size()); ++i)
    if (b.added_loop_edge[i] >= 0) out.push_back({b.added_loop_edge[i], i, i, EdgeOrigin::SelfLoop});
  return out;
}

Neighbourhood k_hop_neighbourhood(const CsrGraph& csr, int32_t node, int k) {
  Neighbourhood n;
  std::vector<int> hop(csr.rows(), -1);
  hop[node] = 0;
  n.nodes.push_back(node);
  n.hops.push_back(0);
  // breadth first over incoming edges: the sources of a node's row are what it attends to
  for (size_t next = 0; next < n.nodes.size(); ++next) {
    const int32_t i = n.nodes[next];
    if (hop[i] >= k) continue;
    std::vector<int32_t> fresh;
    for (int64_t e = csr.row_ptr[i]; e < csr.row_ptr[i + 1]; ++e) {
      n.edges.push_back(e);
      const int32_t j = csr.col[e];
      if (hop[j] < 0) {
        hop[j] = hop[i] + 1;
        fresh.push_back(j);
      }
    }
    std::sort(fresh.begin(), fresh.end());
    for (int32_t j : fresh) {
      n.nodes.push_back(j);
      n.hops.push_back(hop[j]);
    }
  }
  std::sort(n.edges.begin(), n.edges.end());
  return n;
}

void attention_tsv(const LoadedGraph& lg, const GatModel& model, const GatModelCache& cache, int only_layer,
                   const std::function<void(const std::string& text)>& write) {
  const GraphData& g = lg.data;
  std::string buf;
  for (const ExportEdge& e : export_order(g, lg.built))
    for (int l = 0; l < model.layer_count(); ++l) {
      if (only_layer > 0 && l + 1 != only_layer) continue;
      const int H = model.layer(l).config().heads;
      const std::vector<float>& probs = cache.layers[l].attention.probs;
      for (int h = 0; h < H; ++h)
        buf += fmt::format("{}\t{}\t{}\t{}\t{:.6f}\t{}\n", data::tsv_escape(g.ids[e.src]), data::tsv_escape(g.ids[e.dst]), l + 1,
                           h + 1, probs[e.csr_edge * H + h], edge_origin_name(e.origin));
      if (buf.size() > (1 << 16)) {
        write(buf);
        buf.clear();
      }
    }
  write(buf);
}

}  // namespace attn::graph
