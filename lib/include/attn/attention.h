#pragma once
// Attention core: scores, masks and softmax-weighted sums over already projected q, k, v.
// Projections (multi-head attention's Wq, Wk, Wv, Wo) live in layers, not here.
#include <cstdint>
#include <vector>

namespace attn {

// A packed variable-length batch: sequence b occupies rows [offsets[b], offsets[b+1]).
// Keys never cross a sequence boundary (this is the key-padding mask: there is no
// padding, so no compute is spent on it).
struct Segments {
  std::vector<int32_t> offsets{0};
  int count() const { return static_cast<int>(offsets.size()) - 1; }
  int total() const { return offsets.back(); }
  int length(int b) const { return offsets[b + 1] - offsets[b]; }
  static Segments single(int T);
  static Segments uniform(int B, int T);
  static Segments from_lengths(const std::vector<int>& lengths);
};

// Sparse neighbour lists in CSR form over the rows of a batch: query row i attends only to
// key rows col[row_ptr[i] .. row_ptr[i+1]) (global row indices). Used for graphs.
struct CsrGraph {
  std::vector<int64_t> row_ptr{0};
  std::vector<int32_t> col;
  int rows() const { return static_cast<int>(row_ptr.size()) - 1; }
  int64_t nnz() const { return row_ptr.back(); }
};

enum class Scoring {
  DotProduct,  // s_ij = scale * q_i . k_j           q, k: (T, H*D)
  Additive,    // s_ij = leaky_relu(q_i + k_j)       q, k: (T, H), one scalar per head (GAT)
};

enum class MaskKind {
  None,    // every query sees every key of its sequence
  Causal,  // key j <= query i
  Window,  // |i - j| <= window (truncated self-attention, speech)
  Sparse,  // only the keys listed in `graph` (segments are ignored)
};

struct AttentionSpec {
  int heads = 1;
  int head_dim = 0;  // D; v and out are (T, H*D)
  Scoring scoring = Scoring::DotProduct;
  MaskKind mask = MaskKind::None;
  int window = 0;                   // MaskKind::Window
  const CsrGraph* graph = nullptr;  // MaskKind::Sparse
  float scale = 0.0f;               // DotProduct; 0 means 1/sqrt(head_dim)
  float negative_slope = 0.2f;      // Additive: leaky ReLU slope
};

// What forward keeps for backward, and the attention probabilities for export.
// Owned by the caller, so forward itself is const and thread-safe.
struct AttentionCache;

}  // namespace attn
