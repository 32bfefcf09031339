#pragma once
// Positional encodings added to a packed batch: row t of segment b gets the encoding of its
// position p = t - offsets[b] (positions restart at 0 in every segment).
#include <string>
#include <vector>

#include "attn/attention.h"
#include "attn/parameter.h"
#include "attn/rng.h"

namespace attn {

// Fixed sinusoids of "Attention Is All You Need" (and PyTorch's transformer tutorial):
//   PE[p, 2i] = sin(p / 10000^(2i/C)),   PE[p, 2i+1] = cos(p / 10000^(2i/C))
// Computed in double and rounded once to float. An odd C ends with a sin column.
class SinusoidalPositions {
 public:
  // Precomputes positions [0, max_len).
  SinusoidalPositions(int dim, int max_len);

  int dim() const { return dim_; }
  int max_len() const { return max_len_; }
  const float* row(int p) const { return table_.data() + static_cast<size_t>(p) * dim_; }

  // x[t] += PE[position of t].   x: (T, C), T = segs.total()
  // Throws std::out_of_range if a segment is longer than max_len (callers truncate first).
  void add(const Segments& segs, float* x) const;

 private:
  int dim_, max_len_;
  std::vector<float> table_;  // (max_len, C)
};

// A learned table of positions (BERT, ViT).
class LearnedPositions {
 public:
  // "<name>.weight": (max_len, C), no weight decay.
  LearnedPositions(const std::string& name, int max_len, int dim);

  // weight ~ N(0, std^2).
  void init(Rng& rng, float std = 0.02f);

  int dim() const { return dim_; }
  int max_len() const { return max_len_; }

  // x[t] += weight[position of t].   x: (T, C), T = segs.total()
  // Throws std::out_of_range if a segment is longer than max_len (callers truncate first).
  void add(const Segments& segs, float* x) const;
  // weight.grad[p] += sum of dx[t] over rows t at position p.   dx: (T, C), the gradient of
  // x after add (it flows to x before add unchanged). Bit-identical for any thread count.
  void backward(const Segments& segs, const float* dx);

  void collect(ParameterList& params) { params.push_back(&weight); }

  Parameter weight;

 private:
  int max_len_, dim_;
};

}  // namespace attn
