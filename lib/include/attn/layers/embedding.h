#pragma once
// Token embedding: a lookup table, one row per token id (PyTorch nn.Embedding).
#include <cstdint>
#include <string>

#include "attn/parameter.h"
#include "attn/rng.h"

namespace attn {

class Embedding {
 public:
  // Table "<name>.weight": (V, C) with V = rows, C = dim; row-sparse, so a step's
  // optimizer update costs only the rows that step used.
  Embedding(const std::string& name, int rows, int dim);

  // weight ~ N(0, std^2), as nn.Embedding's default init with std = 1.
  void init(Rng& rng, float std = 1.0f);

  int rows() const { return rows_; }
  int dim() const { return dim_; }

  // y[t] = weight[ids[t]].   ids: (T)   y: (T, C)
  // Throws std::out_of_range naming the position if an id is not in [0, rows).
  void forward(int T, const int32_t* ids, float* y) const;
  // weight.grad[ids[t]] += dy[t], and touches those rows.   dy: (T, C)
  // Bit-identical for any thread count. Validates ids like forward, before writing anything.
  void backward(int T, const int32_t* ids, const float* dy);

  void collect(ParameterList& params) { params.push_back(&weight); }

  Parameter weight;

 private:
  int rows_, dim_;
};

}  // namespace attn
