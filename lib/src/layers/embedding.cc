#include "attn/layers/embedding.h"

#include <cstring>
#include <stdexcept>
#include <vector>

#include "sparse_row_grad.h"

namespace attn {
namespace {

void check_ids(int T, const int32_t* ids, int rows) {
  if (T < 0) throw std::invalid_argument("Embedding: negative token count");
  for (int t = 0; t < T; ++t)
    if (ids[t] < 0 || ids[t] >= rows)
      throw std::out_of_range("Embedding: id " + std::to_string(ids[t]) + " at position " +
                              std::to_string(t) + " is outside [0, " + std::to_string(rows) + ")");
}

}  // namespace

Embedding::Embedding(const std::string& name, int rows, int dim) : rows_(rows), dim_(dim) {
  if (rows <= 0 || dim <= 0) throw std::invalid_argument("Embedding " + name + ": empty table");
  weight = Parameter(name + ".weight", {rows, dim});
  weight.row_sparse = true;
}

void Embedding::init(Rng& rng, float std) {
  for (float& w : weight.value.storage()) w = std * rng.normal();
}

void Embedding::forward(int T, const int32_t* ids, float* y) const {
  check_ids(T, ids, rows_);
  const float* W = weight.value.data();
#pragma omp parallel for schedule(static) if (static_cast<int64_t>(T) * dim_ >= 16384)
  for (int t = 0; t < T; ++t)
    std::memcpy(y + static_cast<int64_t>(t) * dim_, W + static_cast<int64_t>(ids[t]) * dim_,
                sizeof(float) * dim_);
}

void Embedding::backward(int T, const int32_t* ids, const float* dy) {
  check_ids(T, ids, rows_);
  // forward: y[t] = W[ids[t]]  =>  dW[ids[t]] += dy[t]
  std::vector<detail::RowContribution> contributions(T);
  for (int t = 0; t < T; ++t) contributions[t] = {ids[t], t, 1.0f};
  detail::scatter_add_rows(weight, contributions, dy);
}

}  // namespace attn
