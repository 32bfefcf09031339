#pragma once
// Attention pooling, the "sequence pooling" of compact transformers (Hassani et al. 2021): each
// segment's rows weighted by a softmax of a learned score,
//   a_t = softmax over the segment's rows of (x_t . w),   y[b] = sum_t a_t x_t.
// Unlike the class token it reads every token's final state, and unlike the mean it learns
// which tokens matter.
#include <string>
#include <vector>

#include "attn/attention.h"
#include "attn/parameter.h"

namespace attn {

class AttentionPool {
 public:
  struct Cache {
    std::vector<float> weights;  // (T): a_t of every row
  };

  // Parameter "<name>.weight": w (C), with weight decay. It starts at zero, where every row of a
  // segment weighs the same: training starts from mean pooling.
  AttentionPool(const std::string& name, int C);

  void init();  // w = 0

  // x: (T, C), T = segs.total()   y: (B, C), B = segs.count(); an empty segment gives zeros.
  // cache: the row weights, for backward and for explaining a prediction (may be null).
  void forward(const Segments& segs, const float* x, float* y, Cache* cache) const;
  // x as given to forward, dy: (B, C); overwrites dx: (T, C) and accumulates weight.grad.
  void backward(const Segments& segs, const float* x, const float* dy, float* dx, const Cache& cache);

  void collect(ParameterList& params);
  int dim() const { return C_; }

  Parameter weight;  // w: (C)

 private:
  int C_;
};

}  // namespace attn
