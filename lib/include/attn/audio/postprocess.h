#pragma once
// What Kaldi does to features after computing them: add-deltas and apply-cmvn (per utterance).
// Legend: T frames, D input features per frame.
#include <cstdint>
#include <vector>

#include "attn/tensor.h"

namespace attn::audio {

// Kaldi add-deltas: order 2, window 2 turns 13 features into 39.
struct DeltaOptions {
  int order = 0;   // 0: no deltas
  int window = 2;  // Kaldi --delta-window
};

// Kaldi's regression filters: scales[i] for the i-th order, length 2 * i * window + 1.
std::vector<std::vector<float>> delta_scales(const DeltaOptions& o);

// Deltas of a stream of frames, emitted as soon as their context (order * window frames ahead)
// is there; the first and last frames repeat at the utterance's edges, as in Kaldi.
class DeltaStream {
 public:
  DeltaStream(int dim, const DeltaOptions& o);
  int out_dim() const { return dim_ * (order_ + 1); }
  // frames: (n, D). Appends the (m, D * (order + 1)) frames now complete to out.
  void push(const float* frames, int64_t n, std::vector<float>& out);
  void finish(std::vector<float>& out);

 private:
  void emit(int64_t t, int64_t last, float* out) const;
  int dim_, order_, context_;
  std::vector<std::vector<float>> scales_;
  std::vector<float> buffer_;  // frames [begin_, begin_ + rows) of the input
  int64_t begin_ = 0, received_ = 0, emitted_ = 0;
};

// feats (T, D) -> (T, D * (order + 1)).
Tensor add_deltas(const Tensor& feats, const DeltaOptions& o);

// Per-utterance mean (and variance) statistics, accumulated in double (Kaldi's CMVN stats).
class CmvnStats {
 public:
  explicit CmvnStats(int dim);
  void accumulate(const float* frames, int64_t n);  // frames: (n, D)
  int64_t count() const { return count_; }
  // x <- (x - mean) / stddev (or x - mean without norm_vars); frames: (n, D). Kaldi floors the
  // variance at 1e-20.
  void apply(float* frames, int64_t n, bool norm_vars) const;

 private:
  int dim_;
  int64_t count_ = 0;
  std::vector<double> sum_, sum_sq_;
};

// apply-cmvn with the utterance's own statistics, in place. feats: (T, D).
void apply_cmvn(Tensor& feats, bool norm_vars);

}  // namespace attn::audio
