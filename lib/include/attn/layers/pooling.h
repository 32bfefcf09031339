#pragma once
// Pooling a packed batch to one vector per segment (sequence -> class logits input).
#include "attn/attention.h"

namespace attn {

enum class PoolKind {
  Cls,   // y[b] = x[offsets[b]], the segment's first row (a class token); empty segment throws
  Mean,  // y[b] = mean of the segment's rows; an empty segment gives zeros
  // y[b][c] = max over the segment's rows of x[t][c]; an empty segment gives zeros. Unlike the
  // mean it does not weight a feature by how many frames show it, so a slow speaker's long
  // vowels count no more than a fast speaker's short ones.
  Max,
  MeanMax,  // y[b] = [mean, max]: (2C), both views of the segment side by side
  // Learned weights over the segment's rows: AttentionPool (attention_pool.h), which has a
  // parameter; Pooling refuses it.
  Attention,
};

class Pooling {
 public:
  explicit Pooling(PoolKind kind) : kind_(kind) {}
  PoolKind kind() const { return kind_; }
  // Width of y for C input channels: 2C for MeanMax, else C.
  int out_channels(int C) const { return kind_ == PoolKind::MeanMax ? 2 * C : C; }

  // x: (T, C), T = segs.total()   y: (B, out_channels(C)), B = segs.count()
  // Cls with an empty segment throws std::invalid_argument.
  void forward(const Segments& segs, const float* x, int C, float* y) const;
  // x: (T, C) as given to forward (Max finds its arg-max rows again rather than caching them)
  // dy: (B, out_channels(C))   dx: (T, C), overwritten (rows a pool did not read get 0)
  void backward(const Segments& segs, const float* x, const float* dy, int C, float* dx) const;

 private:
  PoolKind kind_;
};

}  // namespace attn
