#pragma once
// A node-classification graph as read from files: node ids, optional labels and split, node
// features (dense or sparse) and the input edges in file order. Shapes: N nodes, F features,
// E edges (see attn/shapes.h).
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace attn::graph {

// Node features, one row per node.
struct NodeFeatures {
  enum class Kind { Dense, Sparse };
  Kind kind = Kind::Dense;
  int rows = 0;  // N
  int dim = 0;   // F
  std::vector<float> dense;          // Dense: (N, F)
  std::vector<int64_t> row_ptr{0};   // Sparse: (N + 1)
  std::vector<int32_t> index;        // Sparse: (nnz) feature index, ascending within a row
  std::vector<float> value;          // Sparse: (nnz)

  int64_t nnz() const { return kind == Kind::Sparse ? row_ptr.back() : int64_t{rows} * dim; }
  // One-hot rows (node i has feature i): the first projection is then a learned embedding
  // per node (--features none).
  static NodeFeatures identity(int N);
  // Sparse rows when at most `max_density` of the entries are nonzero, so a mostly-zero
  // dense file (Cora's .content) costs O(nnz) in the first projection. Values are unchanged.
  void sparsify_if_sparse(double max_density = 0.25);
};

enum class Split : int8_t { None = 0, Train = 1, Val = 2, Test = 3 };
const char* split_name(Split s);  // "none", "train", "val", "test"

// One line of the edge file: src -> dst (messages flow from src to dst, so dst attends to src).
struct InputEdge {
  int32_t src = 0, dst = 0;
  float weight = 1.0f;
  int64_t line = 0;  // 1-based line in the edge file
};

// What reading found, so a tool can report it (nothing here is fatal).
struct ReadReport {
  int64_t edge_lines = 0;         // edges read (before dropping any)
  int64_t unknown_node_edges = 0;  // edges naming a node not in the node file (keep_going)
  int64_t weighted_edges = 0;      // edges with a third (weight) column
  int64_t bad_lines = 0;           // other lines skipped (keep_going)
  int64_t skipped() const { return unknown_node_edges + bad_lines; }
};

struct GraphData {
  std::vector<std::string> ids;   // (N) node ids as written
  std::vector<int64_t> node_line; // (N) line of the node in the node file (0: from the edges)
  std::string node_file, edge_file;  // names used in messages
  std::unordered_map<std::string, int32_t> index_of;  // id -> node
  std::vector<std::string> label_names;  // sorted (numerically when all are integers)
  std::vector<int32_t> labels;           // (N) index into label_names, -1: no label
  std::vector<Split> split;              // (N)
  bool has_split = false;                // a split file was read
  NodeFeatures features;
  std::vector<InputEdge> edges;  // in file order
  ReadReport report;

  int nodes() const { return static_cast<int>(ids.size()); }
  int64_t labelled() const;
  int64_t count(Split s) const;
};

// The nodes train learns from: the split's train nodes with a label (every labelled node when no
// split was read), and the labelled val nodes it validates on; in node order.
struct TrainingNodes {
  std::vector<int32_t> train, val;
};
TrainingNodes training_nodes(const GraphData& g);

}  // namespace attn::graph
