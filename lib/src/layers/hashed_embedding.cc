#include "attn/layers/hashed_embedding.h"

#include <stdexcept>
#include <vector>

#include "sparse_row_grad.h"

namespace attn {

HashedEmbedding::HashedEmbedding(const std::string& name, int buckets, int dim)
    : buckets_(buckets), dim_(dim) {
  if (buckets <= 0 || dim <= 0)
    throw std::invalid_argument("HashedEmbedding " + name + ": empty table");
  weight = Parameter(name + ".weight", {buckets, dim});
  weight.row_sparse = true;
}

void HashedEmbedding::init(Rng& rng, float std) {
  for (float& w : weight.value.storage()) w = std * rng.normal();
}

uint32_t HashedEmbedding::hash_bytes(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char byte : s) {
    h ^= byte;
    h *= 16777619u;
  }
  return h;
}

void HashedEmbedding::check(int T, const int64_t* offsets, const int32_t* buckets) const {
  if (T < 0) throw std::invalid_argument("HashedEmbedding: negative item count");
  if (offsets[0] < 0) throw std::invalid_argument("HashedEmbedding: offsets[0] is negative");
  for (int t = 0; t < T; ++t) {
    if (offsets[t + 1] < offsets[t])
      throw std::invalid_argument("HashedEmbedding: offsets decrease at item " + std::to_string(t));
    for (int64_t j = offsets[t]; j < offsets[t + 1]; ++j)
      if (buckets[j] < 0 || buckets[j] >= buckets_)
        throw std::out_of_range("HashedEmbedding: bucket " + std::to_string(buckets[j]) +
                                " of item " + std::to_string(t) + " is outside [0, " +
                                std::to_string(buckets_) + ")");
  }
}

void HashedEmbedding::forward(int T, const int64_t* offsets, const int32_t* buckets,
                              float* y) const {
  check(T, offsets, buckets);
  const float* W = weight.value.data();
  const int64_t C = dim_;
#pragma omp parallel for schedule(static) if (static_cast<int64_t>(T) * C >= 16384)
  for (int t = 0; t < T; ++t) {
    float* yt = y + t * C;  // yt: (C)
    for (int64_t c = 0; c < C; ++c) yt[c] = 0.0f;
    const int64_t n = offsets[t + 1] - offsets[t];
    if (n == 0) continue;  // no buckets: zero vector
    for (int64_t j = offsets[t]; j < offsets[t + 1]; ++j) {
      const float* row = W + static_cast<int64_t>(buckets[j]) * C;
      for (int64_t c = 0; c < C; ++c) yt[c] += row[c];
    }
    for (int64_t c = 0; c < C; ++c) yt[c] /= static_cast<float>(n);  // mean
  }
}

void HashedEmbedding::backward(int T, const int64_t* offsets, const int32_t* buckets,
                               const float* dy) {
  check(T, offsets, buckets);
  // forward: y[t] = (1/n_t) * sum_j W[buckets[j]]  =>  dW[buckets[j]] += dy[t] / n_t
  std::vector<detail::RowContribution> contributions;
  contributions.reserve(static_cast<size_t>(offsets[T] - offsets[0]));
  for (int t = 0; t < T; ++t) {
    const int64_t n = offsets[t + 1] - offsets[t];
    const float inv_n = n ? 1.0f / static_cast<float>(n) : 0.0f;
    for (int64_t j = offsets[t]; j < offsets[t + 1]; ++j)
      contributions.push_back({buckets[j], t, inv_n});
  }
  detail::scatter_add_rows(weight, contributions, dy);
}

}  // namespace attn
