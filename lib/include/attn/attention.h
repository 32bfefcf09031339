#pragma once
// Attention core: scores, masks and softmax-weighted sums over already projected q, k, v.
// Projections (multi-head attention's Wq, Wk, Wv, Wo) live in layers, not here.
#include <cstdint>
#include <utility>
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
  GatV2,       // s_ij = a_h . leaky_relu(q_i + k_j)  q, k: (T, H*D), a: (H, D) (Brody et al. 2022);
               // MaskKind::Sparse only
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
  // None, Causal, Window: query i never sees key i (the diagonal mask of locality
  // self-attention, Lee et al. 2021), so a token's output is made of the other tokens only.
  // A query with no other visible key (a sequence of one) outputs zeros.
  bool exclude_self = false;
  float negative_slope = 0.2f;      // Additive, GatV2: leaky ReLU slope
  const float* score_weight = nullptr;  // GatV2: a, (H, D)
  // Dropout on the probabilities (MaskKind::Sparse only, GAT's attention dropout): edge e,
  // head h is kept when hashed_uniform(dropout_seed, dropout_stream, e * H + h) >= dropout and
  // then scaled by 1 / (1 - dropout). The cache keeps the probabilities before dropout.
  float dropout = 0.0f;
  uint64_t dropout_seed = 0, dropout_stream = 0;
};

// What forward keeps for backward, and the attention probabilities for export.
// Owned by the caller, so forward itself is const and thread-safe. Reusing one cache across
// calls reuses its buffers.
struct AttentionCache {
  // Probabilities in mask layout:
  //   None, Causal: per sequence b, (H, L_b, L_b) starting at segment_offset[b]
  //                 (Causal: the entries above the diagonal are 0)
  //   Window:       (H, T, 2*window+1); entry c of query i is key i - window + c
  //                 (0 where that key is outside the query's sequence)
  //   Sparse:       (E, H), edge e = position in graph->col
  std::vector<float> probs;
  // Sparse with dropout: the kept scale of every entry of probs (0 or 1 / (1 - p)), so
  // backward need not hash the mask again. Empty without dropout.
  std::vector<float> keep;
  std::vector<int64_t> segment_offset;  // None, Causal: B + 1 entries
  // Sparse: the edges grouped by key row (the transposed graph), so backward can gather dk, dv
  // per key row without write conflicts: key row j owns entries by_key_ptr[j] .. by_key_ptr[j+1].
  std::vector<int64_t> by_key_ptr;   // (T + 1)
  std::vector<int64_t> by_key_edge;  // (E) edge index into graph->col, ascending per key row
  std::vector<int32_t> by_key_query; // (E) the query row of that edge
  // What the cache was filled for (checked by backward and attention_row).
  MaskKind mask = MaskKind::None;
  Scoring scoring = Scoring::DotProduct;
  int rows = 0, heads = 0, window = 0;
  bool filled = false;
};

// q, k: (T, H*D) for DotProduct and GatV2, (T, H) for Additive; v, out: (T, H*D).
// T = segs.total().
// cache == nullptr: inference path; for None/Causal/Window masks it is tiled with an online
//   (running max / running sum) softmax, so its extra memory is a (128, 256) score tile and a
//   (128, D) accumulator per thread, plus, when sequences are longer than 128 rows and H > 1,
//   one per-head copy of k and v per call (the size of k and v); never O(T^2). Probabilities
//   are not materialised.
// cache != nullptr: stores the probabilities (layout above) plus what backward needs.
// A query row with no allowed key (an empty CSR row) outputs zeros.
void attention_forward(const AttentionSpec& spec, const Segments& segs, const float* q,
                       const float* k, const float* v, float* out, AttentionCache* cache);

// dq, dk, dv have the shapes of q, k, v and are overwritten. GatV2 also overwrites
// dscore_weight: (H, D), the gradient of spec.score_weight (required there, ignored otherwise).
void attention_backward(const AttentionSpec& spec, const Segments& segs, const float* q,
                        const float* k, const float* v, const AttentionCache& cache,
                        const float* dout, float* dq, float* dk, float* dv,
                        float* dscore_weight = nullptr);

// Export, after a forward with a cache: the (key row, probability) pairs of query row `query`
// (global row index) in head `head`, masked keys omitted, keys in ascending order (Sparse: in
// the graph's edge order).
void attention_row(const AttentionSpec& spec, const Segments& segs, const AttentionCache& cache,
                   int head, int query, std::vector<std::pair<int, float>>& out);

// Multiply-adds of one forward (scores + weighted sum), for benchmarks: 2 * this = flops.
double attention_forward_macs(const AttentionSpec& spec, const Segments& segs);

}  // namespace attn
