#include "attn/graph/graph.h"

#include <algorithm>

namespace attn::graph {

NodeFeatures NodeFeatures::identity(int N) {
  NodeFeatures f;
  f.kind = Kind::Sparse;
  f.rows = N;
  f.dim = N;
  f.row_ptr.resize(N + 1);
  f.index.resize(N);
  f.value.assign(N, 1.0f);
  for (int i = 0; i <= N; ++i) f.row_ptr[i] = i;
  for (int i = 0; i < N; ++i) f.index[i] = i;
  return f;
}

void NodeFeatures::sparsify_if_sparse(double max_density) {
  if (kind != Kind::Dense || rows == 0 || dim == 0) return;
  const int64_t total = int64_t{rows} * dim;
  const int64_t nonzero = total - std::count(dense.begin(), dense.end(), 0.0f);
  if (static_cast<double>(nonzero) > max_density * static_cast<double>(total)) return;
  row_ptr.assign(1, 0);
  index.clear();
  value.clear();
  index.reserve(nonzero);
  value.reserve(nonzero);
  for (int i = 0; i < rows; ++i) {
    for (int c = 0; c < dim; ++c)
      if (const float v = dense[int64_t{i} * dim + c]; v != 0.0f) {
        index.push_back(c);
        value.push_back(v);
      }
    row_ptr.push_back(static_cast<int64_t>(index.size()));
  }
  dense.clear();
  dense.shrink_to_fit();
  kind = Kind::Sparse;
}

const char* split_name(Split s) {
  switch (s) {
    case Split::Train: return "train";
    case Split::Val: return "val";
    case Split::Test: return "test";
    case Split::None: break;
  }
  return "none";
}

int64_t GraphData::labelled() const {
  return std::count_if(labels.begin(), labels.end(), [](int32_t l) { return l >= 0; });
}

int64_t GraphData::count(Split s) const { return std::count(split.begin(), split.end(), s); }

TrainingNodes training_nodes(const GraphData& g) {
  TrainingNodes out;
  for (int i = 0; i < g.nodes(); ++i) {
    if (g.labels[i] < 0) continue;
    if (!g.has_split || g.split[i] == Split::Train) out.train.push_back(i);
    if (g.split[i] == Split::Val) out.val.push_back(i);
  }
  return out;
}

}  // namespace attn::graph
