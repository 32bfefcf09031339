#include "attn/graph/attention_dot.h"

#include <algorithm>

#include <fmt/format.h>

#include "attn/error.h"
#include "attn/graph/export.h"

namespace attn::graph {
namespace {

// A DOT string: quotes and backslashes escaped, a newline as DOT's line break.
std::string dot_quote(const std::string& s) {
  std::string q = "\"";
  for (char c : s) {
    if (c == '\n') {
      q += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + "\"";
}

}  // namespace

std::string attention_dot(const LoadedGraph& lg, const GatModel& model, const std::vector<std::string>& labels,
                          const GatModelCache& cache, const std::vector<float>& probs, const std::string& node_id,
                          int layer, int hops) {
  const GraphData& g = lg.data;
  const auto it = g.index_of.find(node_id);
  if (it == g.index_of.end()) throw Error("node '" + node_id + "' is not in " + g.node_file);
  const int l = layer > 0 ? layer - 1 : model.layer_count() - 1;
  const int H = model.layer(l).config().heads;
  const int K = static_cast<int>(labels.size());
  const Neighbourhood nb = k_hop_neighbourhood(lg.built.csr, it->second, hops);
  std::string out = fmt::format(
      "// attn-graph attention --format dot: {}-hop neighbourhood of {}, layer {} (mean of {} "
      "heads)\n// render: dot -Tsvg thisfile.dot -o neighbourhood.svg\ndigraph attention {{\n"
      "  rankdir=LR;\n  node [shape=box, fontsize=10];\n",
      hops, node_id, l + 1, H);
  for (size_t n = 0; n < nb.nodes.size(); ++n) {
    const int32_t i = nb.nodes[n];
    const float* p = probs.data() + int64_t{i} * K;
    const int best = static_cast<int>(std::max_element(p, p + K) - p);
    std::string label = g.ids[i] + "\npredicted " + labels[best] + fmt::format(" {:.2f}", p[best]);
    if (g.labels[i] >= 0) label += "\nlabel " + g.label_names[g.labels[i]];
    out += fmt::format("  {} [label={}{}];\n", dot_quote(g.ids[i]), dot_quote(label),
                       n == 0 ? ", style=bold, penwidth=3" : "");
  }
  const std::vector<float>& att = cache.layers[l].attention.probs;
  const CsrGraph& csr = lg.built.csr;
  for (int64_t e : nb.edges) {
    // the destination of CSR edge e is its row
    const int32_t dst = static_cast<int32_t>(
        std::upper_bound(csr.row_ptr.begin(), csr.row_ptr.end(), e) - csr.row_ptr.begin() - 1);
    double w = 0;
    for (int h = 0; h < H; ++h) w += att[e * H + h];
    w /= H;
    out += fmt::format("  {} -> {} [penwidth={:.2f}, label=\"{:.2f}\"];\n", dot_quote(g.ids[csr.col[e]]),
                       dot_quote(g.ids[dst]), 0.3 + 6.0 * w, w);
  }
  return out + "}\n";
}


}  // namespace attn::graph
