#pragma once
// Graph readers. Each parses text already read into memory (the caller reads files through
// its bounded reader) and names the file and line in every error (attn::Error):
//   "edges.tsv:17: node 'p42' is not in nodes.tsv".
//
// Forms:
//   Cora .content + .cites:  "id<TAB>f_1 ... f_F<TAB>label" (dense, tab-separated), and
//                            "src<TAB>dst" lines.
//   nodes.tsv + edges.tsv (+ split.tsv):
//     nodes.tsv  "id<TAB>label<TAB>features"; label may be empty (unlabelled node); the features
//                are whitespace-separated, dense ("0.5 0 1.2", or one value per tab field) or
//                sparse "index[:value]" lists ("3 17:0.5 40"; a bare index has value 1).
//     edges.tsv  "src<TAB>dst[<TAB>weight]"
//     split.tsv  "id<TAB>train|val|test"
//   edges.tsv alone with FeatureFormat::None: nodes in order of first appearance, no labels;
//     a nodes.tsv may still give labels ("id<TAB>label", further columns ignored).
// Empty lines and lines starting with '#' are skipped.
#include <string>
#include <string_view>

#include "attn/graph/graph.h"

namespace attn::graph {

enum class FeatureFormat { Auto, Dense, Sparse, None };
const char* feature_format_name(FeatureFormat f);        // "auto", ...
FeatureFormat parse_feature_format(const std::string& s);  // throws attn::Error

struct ReadOptions {
  // Auto: sparse when a token holds ':', or when every row is a strictly increasing list of
  // non-negative integers and the rows differ in length or some index is at least its row's
  // length (an index list, as "2 17 40"); dense otherwise. Give Dense or Sparse to be sure.
  FeatureFormat features = FeatureFormat::Auto;
  // Sparse: the declared dimension (0: largest index + 1). An index >= dim is an error.
  // Dense: when > 0, every row must have this many values.
  int feature_dim = 0;
  // Drop and count edges naming unknown nodes (and skip bad split lines) instead of failing.
  bool keep_going = false;
  int max_nodes = 1 << 28;  // refuse larger graphs (bounded memory)
};

// A named text buffer (file name for messages, contents).
struct TextInput {
  std::string name;
  std::string_view text;
};

GraphData read_cora(const TextInput& content, const TextInput& cites, const ReadOptions& opt);

// nodes.text may be empty (no node file) only with FeatureFormat::None; split is optional
// (empty name: none).
GraphData read_tsv_graph(const TextInput& nodes, const TextInput& edges, const TextInput& split,
                         const ReadOptions& opt);

}  // namespace attn::graph
