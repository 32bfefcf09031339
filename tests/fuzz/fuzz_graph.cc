// Graph readers and the CSR build: the input is split at its first two 0xFF bytes into a node
// file, an edge file and a split file; the last byte picks the form (Cora or TSV), the feature
// format, --undirected, the self-loop rule and --keep-going. Every input is either rejected
// with attn::Error or gives a graph whose CSR is consistent.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "attn/graph/csr.h"
#include "attn/graph/export.h"
#include "attn/graph/readers.h"
#include "fuzz_support.h"

using namespace attn::graph;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  attn::fuzz::Bytes bytes(data, size);
  const uint8_t s = bytes.take();
  std::string_view rest = bytes.rest(), parts[3];
  for (int p = 0; p < 2; ++p) {
    const size_t cut = rest.find('\xff');
    parts[p] = rest.substr(0, cut);
    rest = cut == std::string_view::npos ? std::string_view() : rest.substr(cut + 1);
  }
  parts[2] = rest;
  ReadOptions ro;
  ro.features = static_cast<FeatureFormat>((s >> 1) & 3);
  ro.keep_going = s & 8;
  ro.max_nodes = 1 << 16;
  ro.feature_dim = (s & 16) ? 64 : 0;
  EdgeOptions eo;
  eo.undirected = s & 32;
  eo.self_loops = static_cast<SelfLoops>((s >> 6) % 3);
  attn::fuzz::reject_cleanly([&] {
    GraphData g = (s & 1) ? read_cora({"c", parts[0]}, {"e", parts[1]}, ro)
                          : read_tsv_graph({ro.features == FeatureFormat::None && parts[0].empty() ? "" : "n", parts[0]},
                                           {"e", parts[1]}, {parts[2].empty() ? "" : "s", parts[2]}, ro);
    if (g.features.dim > (1 << 20) || int64_t{g.nodes()} * g.features.dim > (1 << 26)) return;
    const BuiltGraph b = build_csr(g, eo);
    attn::fuzz::require(b.csr.rows() == g.nodes());
    for (int i = 0; i < g.nodes(); ++i) attn::fuzz::require(b.csr.row_ptr[i] <= b.csr.row_ptr[i + 1]);
    for (int32_t c : b.csr.col) attn::fuzz::require(c >= 0 && c < g.nodes());
    attn::fuzz::require(export_order(g, b).size() == b.csr.col.size());
  });
  return 0;
}
