// Graph readers and the CSR build: every accepted form, the edge options, the counts, and
// one-line errors naming the file and line.
#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "attn/error.h"
#include "attn/graph/csr.h"
#include "attn/graph/load.h"
#include "attn/graph/readers.h"

using namespace attn;
using namespace attn::graph;

namespace {

GraphData tsv(const std::string& nodes, const std::string& edges, const std::string& split = "",
              ReadOptions opt = {}) {
  return read_tsv_graph({nodes.empty() ? "" : "nodes.tsv", nodes}, {"edges.tsv", edges},
                        {split.empty() ? "" : "split.tsv", split}, opt);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const attn::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("Cora .content/.cites: dense binary features kept sparse, labels by name") {
  const std::string content =
      "31\t0\t1\t0\t0\tTheory\n"
      "7\t1\t0\t0\t0\tNeural_Networks\n"
      "12\t0\t0\t0\t1\tTheory\n";
  const GraphData g = read_cora({"c.content", content}, {"c.cites", "31\t7\n12\t31\n"}, {});
  REQUIRE(g.nodes() == 3);
  CHECK(g.ids[1] == "7");
  CHECK(g.label_names == std::vector<std::string>{"Neural_Networks", "Theory"});
  CHECK(g.labels == std::vector<int32_t>{1, 0, 1});
  CHECK(g.features.kind == NodeFeatures::Kind::Sparse);
  CHECK(g.features.dim == 4);
  CHECK(g.features.index == std::vector<int32_t>{1, 0, 3});
  REQUIRE(g.edges.size() == 2);
  CHECK(g.edges[1].src == 2);
  CHECK(g.edges[1].dst == 0);
  CHECK(error_of([] { read_cora({"c.content", "1\t0\t1\tA\n2\t0\tB\n"}, {"c.cites", ""}, {}); }) ==
        "c.content:2: 1 feature values, expected 2 (as on line 1)");
}

TEST_CASE("nodes.tsv: sparse index lists (planetoid), index:value, dense, split, labels") {
  const GraphData g = tsv("a\t3\t0 5 9\nb\t\t2\nc\t10\t1 3\n", "a\tb\nb\tc\t0.5\n",
                          "a\ttrain\nc\ttest\n");
  CHECK(g.features.kind == NodeFeatures::Kind::Sparse);  // integers, rows of unequal length
  CHECK(g.features.dim == 10);
  CHECK(g.label_names == std::vector<std::string>{"3", "10"});  // numeric order
  CHECK(g.labels == std::vector<int32_t>{0, -1, 1});
  CHECK(g.split == std::vector<Split>{Split::Train, Split::None, Split::Test});
  CHECK(g.report.weighted_edges == 1);
  CHECK(g.edges[1].weight == 0.5f);

  const GraphData v = tsv("a\tx\t1:0.5 4:2\nb\ty\t0\n", "a\tb\n");
  CHECK(v.features.kind == NodeFeatures::Kind::Sparse);
  CHECK(v.features.value == std::vector<float>{0.5f, 2.0f, 1.0f});

  const GraphData d = tsv("a\tx\t0.5 1 2\nb\ty\t1\t0\t3\n", "a\tb\n");
  CHECK(d.features.kind == NodeFeatures::Kind::Dense);
  CHECK(d.features.dense == std::vector<float>{0.5f, 1, 2, 1, 0, 3});

  ReadOptions declared;
  declared.features = FeatureFormat::Sparse;
  declared.feature_dim = 6;
  CHECK(tsv("a\tx\t1\n", "a\ta\n", "", declared).features.dim == 6);
}

TEST_CASE("edge list alone with --features none: nodes from the edges, one-hot features") {
  ReadOptions opt;
  opt.features = FeatureFormat::None;
  const GraphData g = tsv("", "p q\nq r\n# comment\n\nr p\n", "", opt);
  CHECK(g.ids == std::vector<std::string>{"p", "q", "r"});
  CHECK(g.features.dim == 3);
  CHECK(g.features.index == std::vector<int32_t>{0, 1, 2});
  CHECK(g.labelled() == 0);
  CHECK(error_of([] { tsv("", "a b\n"); }) == "no node file: an edge list alone needs --features none");
  const GraphData labelled = tsv("p\tA\nq\tB\nr\t\n", "p q\n", "", opt);
  CHECK(labelled.labelled() == 2);
}

TEST_CASE("bad inputs: one-line errors naming the line") {
  CHECK(error_of([] { tsv("a\tx\t1 2\nb\ty\t1 2 3\n", "a\tb\n", "", {FeatureFormat::Dense}); }) ==
        "nodes.tsv:2: 3 feature values, expected 2 (as on line 1)");
  CHECK(error_of([] { tsv("a\tx\t1 2\nb\ty\t1 nan\n", "a\tb\n"); }) ==
        "nodes.tsv:2: feature 'nan' is not finite");
  CHECK(error_of([] { tsv("a\tx\t1.5 2\nb\ty\t1 zz\n", "a\tb\n"); }) ==
        "nodes.tsv:2: feature 'zz' is not a number");
  ReadOptions dim;
  dim.feature_dim = 4;
  CHECK(error_of([&] { tsv("a\tx\t1 2\nb\ty\t7:1\n", "a\tb\n", "", dim); }) ==
        "nodes.tsv:2: feature index 7 is past the declared dimension 4");
  CHECK(error_of([] { tsv("a\tx\t1\n", "a\tzz\n"); }) ==
        "edges.tsv:1: node 'zz' is not in nodes.tsv (--keep-going drops such edges)");
  CHECK(error_of([] { tsv("", "", "", {FeatureFormat::None}); }) ==
        "edges.tsv: no edges and no nodes (an empty graph)");
  CHECK(error_of([] { tsv("# only a comment\n", "a\tb\n"); }) == "nodes.tsv: no nodes (an empty graph)");
  CHECK(error_of([] { tsv("a\tx\t1\na\ty\t2\n", ""); }) ==
        "nodes.tsv:2: node 'a' already defined on line 1");
  CHECK(error_of([] { tsv("a\tx\t1\n", "a\n"); }) ==
        "edges.tsv:1: expected src<TAB>dst[<TAB>weight], found 1 fields");
  CHECK(error_of([] { tsv("a\tx\t1\n", "a a\n", "a\tholdout\n"); }) ==
        "split.tsv:1: split 'holdout' is not train, val or test");
  CHECK(error_of([] { tsv("a\tx\t1\n", "a a inf\n"); }) == "edges.tsv:1: edge weight 'inf' is not finite");
}

TEST_CASE("--keep-going drops and counts edges naming unknown nodes") {
  ReadOptions opt;
  opt.keep_going = true;
  const GraphData g = tsv("a\tx\t1\nb\ty\t2\n", "a\tb\na\tghost\nghost\tb\nb\ta\n", "", opt);
  CHECK(g.report.edge_lines == 4);
  CHECK(g.report.unknown_node_edges == 2);
  CHECK(g.edges.size() == 2);
}

TEST_CASE("CSR build: directions, duplicates, self-loops, isolated nodes") {
  // a->b, b->c, a->b again, c->c, and d alone
  const GraphData g = tsv("a\tx\t1\nb\tx\t1\nc\tx\t1\nd\tx\t1\n", "a\tb\nb\tc\na\tb\nc\tc\n");
  EdgeOptions opt;
  opt.self_loops = SelfLoops::Keep;
  BuiltGraph d = build_csr(g, opt);
  CHECK(d.csr.row_ptr == std::vector<int64_t>{0, 0, 1, 3, 3});  // rows: destinations
  CHECK(d.csr.col == std::vector<int32_t>{0, 1, 2});
  CHECK(d.report.duplicate_edges == 1);
  CHECK(d.report.input_self_loops == 1);
  CHECK(d.report.isolated_nodes == 1);     // d
  CHECK(d.report.no_incoming_nodes == 2);  // a and d
  CHECK(d.forward_edge == std::vector<int64_t>{0, 1, -1, 2});
  CHECK(d.reverse_edge.empty());  // only with undirected

  opt.undirected = true;
  opt.self_loops = SelfLoops::Add;
  BuiltGraph u = build_csr(g, opt);
  // a: {a, b}  b: {a, b, c}  c: {b, c}  d: {d}
  CHECK(u.csr.row_ptr == std::vector<int64_t>{0, 2, 5, 7, 8});
  CHECK(u.csr.col == std::vector<int32_t>{0, 1, 0, 1, 2, 1, 2, 3});
  CHECK(u.report.added_self_loops == 3);  // c had one
  CHECK(u.report.duplicate_edges == 2);   // a b twice: both directions
  CHECK(u.forward_edge[0] == 2);          // a -> b sits in b's row
  CHECK(u.reverse_edge[0] == 1);          // b -> a in a's row
  CHECK(u.added_loop_edge == std::vector<int64_t>{0, 3, -1, 7});

  opt.self_loops = SelfLoops::Error;
  CHECK(error_of([&] { build_csr(g, opt); }) == "nodes.tsv:4: node 'd' has no edges (--self-loops error)");
  CHECK(error_of([] { parse_self_loops("sometimes"); }) ==
        "unknown --self-loops 'sometimes' (expected add, keep or error)");
}

TEST_CASE("training_nodes: labelled train and val nodes of the split; every labelled node without one") {
  GraphData g;
  g.ids = {"a", "b", "c", "d", "e"};
  g.labels = {0, -1, 1, 0, 1};
  g.split = {Split::Train, Split::Train, Split::Val, Split::Test, Split::Val};
  g.has_split = true;
  TrainingNodes t = training_nodes(g);
  CHECK(t.train == std::vector<int32_t>{0});
  CHECK(t.val == std::vector<int32_t>{2, 4});
  g.has_split = false;
  g.split.assign(5, Split::None);
  t = training_nodes(g);
  CHECK(t.train == std::vector<int32_t>{0, 2, 3, 4});
  CHECK(t.val.empty());
}

TEST_CASE("graph options by name, node selections and the load report") {
  GraphOptionNames names;
  names.features = "sparse";
  names.self_loops = "keep";
  names.no_normalize = true;
  const GraphOptions o = parse_graph_options(names);
  CHECK(o.features == FeatureFormat::Sparse);
  CHECK(o.self_loops == SelfLoops::Keep);
  CHECK(!o.normalize_rows);
  names.features = "bogus";
  CHECK_THROWS_AS(parse_graph_options(names), attn::Error);

  LoadedGraph lg;
  lg.data = tsv("a\t3\t0 5 9\nb\t\t2\nc\t10\t1 3\n", "a\tb\nb\tc\t0.5\n", "a\ttrain\nc\ttest\n");
  lg.built = build_csr(lg.data, {});
  lg.options.features = FeatureFormat::Sparse;
  CHECK(resolve_auto(lg.data, "auto") == "unlabelled");
  CHECK(resolve_auto(lg.data, "test") == "test");
  CHECK(labelled_nodes(lg.data, "all", lg.data.labels) == std::vector<int32_t>{0, 2});
  const std::vector<ReportLine> report = load_report(lg);
  REQUIRE(report.size() == 3);
  CHECK(report[0].text == "read 3 nodes (2 labelled; split train 1 val 0 test 1), 10 features (sparse), 2 labels");
  CHECK(report[2].text == "1 edges have a weight column: GAT learns its own edge weights and ignores it");
  CHECK(!report[2].warning);
}
