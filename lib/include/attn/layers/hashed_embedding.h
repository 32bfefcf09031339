#pragma once
// Hashed-feature embedding (fastText style): each item (a token) owns a variable-length list
// of bucket ids (its hashed character n-grams, word hash, ...). The item's vector is the MEAN
// of its bucket rows, exactly PyTorch's
//   nn.EmbeddingBag(buckets, dim, mode="mean")(buckets, offsets, include_last_offset=True):
// a bucket listed twice counts twice, and an item with no buckets gets a zero vector.
#include <cstdint>
#include <string>
#include <string_view>

#include "attn/parameter.h"
#include "attn/rng.h"

namespace attn {

class HashedEmbedding {
 public:
  // Table "<name>.weight": (V, C) with V = buckets, C = dim; row-sparse.
  HashedEmbedding(const std::string& name, int buckets, int dim);

  // weight ~ N(0, std^2) (nn.EmbeddingBag's default init with std = 1).
  void init(Rng& rng, float std = 1.0f);

  int buckets() const { return buckets_; }
  int dim() const { return dim_; }

  // Item t's buckets are buckets[offsets[t] .. offsets[t+1]) (CSR).
  // y[t] = mean over those buckets b of weight[b], or 0 if there are none.
  //   offsets: (T+1), non-decreasing, offsets[0] >= 0   buckets: (offsets[T])   y: (T, C)
  // Throws std::invalid_argument on bad offsets, std::out_of_range on a bucket outside [0, V).
  void forward(int T, const int64_t* offsets, const int32_t* buckets, float* y) const;
  // weight.grad[b] += dy[t] / n_t for every bucket b of item t (n_t its bucket count), and
  // touches those rows. Bit-identical for any thread count.   dy: (T, C)
  void backward(int T, const int64_t* offsets, const int32_t* buckets, const float* dy);

  // 32-bit FNV-1a over the bytes of s (offset basis 2166136261, prime 16777619): the same
  // value on every platform. Map to a bucket with hash_bytes(s) % buckets. Bytes are taken
  // unsigned, so for non-ASCII text this differs from fastText's hash (which sign-extends).
  static uint32_t hash_bytes(std::string_view s);

  void collect(ParameterList& params) { params.push_back(&weight); }

  Parameter weight;

 private:
  void check(int T, const int64_t* offsets, const int32_t* buckets) const;
  int buckets_, dim_;
};

}  // namespace attn
