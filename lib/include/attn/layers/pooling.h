#pragma once
// Pooling a packed batch to one vector per segment (sequence -> class logits input).
#include "attn/attention.h"

namespace attn {

enum class PoolKind {
  Cls,   // y[b] = x[offsets[b]], the segment's first row (a class token); empty segment throws
  Mean,  // y[b] = mean of the segment's rows; an empty segment gives zeros
};

class Pooling {
 public:
  explicit Pooling(PoolKind kind) : kind_(kind) {}
  PoolKind kind() const { return kind_; }

  // x: (T, C), T = segs.total()   y: (B, C), B = segs.count()
  // Cls with an empty segment throws std::invalid_argument.
  void forward(const Segments& segs, const float* x, int C, float* y) const;
  // dy: (B, C)   dx: (T, C), overwritten (rows a Cls pool did not read get 0)
  void backward(const Segments& segs, const float* dy, int C, float* dx) const;

 private:
  PoolKind kind_;
};

}  // namespace attn
