#pragma once
// Energy voice activity detection with Kaldi's compute-vad semantics, and the selection of the
// voiced frames (select-voiced-frames). A frame is voiced when at least proportion_threshold of
// the frames within +-frames_context of it (clipped to the utterance) have a log energy above
// energy_threshold + energy_mean_scale * (the utterance's mean log energy). The log energy is
// column 0 of the features, as in Kaldi (MFCC or fbank with --use-energy, not --htk-compat).
//
// Why here: FSDD-style recordings differ per speaker in leading and trailing silence, which
// dilutes per-utterance CMVN and mean pooling; dropping it makes them comparable.
#include <cstdint>
#include <vector>

#include "attn/tensor.h"

namespace attn::audio {

struct VadOptions {
  bool enabled = false;
  float energy_threshold = 5.0f;     // Kaldi --vad-energy-threshold
  float energy_mean_scale = 0.5f;    // Kaldi --vad-energy-mean-scale
  int frames_context = 0;            // Kaldi --vad-frames-context
  float proportion_threshold = 0.6f;  // Kaldi --vad-proportion-threshold

  void validate() const;  // attn::Error naming the option
};

// The log-energy threshold of an utterance whose column-0 values sum to sum_log_energy over
// `frames` frames.
float vad_threshold(const VadOptions& o, double sum_log_energy, int64_t frames);

// The voiced frames of a stream of frames (n, D), in order, for a threshold known beforehand
// (vad_threshold over a first pass): a frame is emitted once frames_context frames after it
// have arrived, so memory is bounded by the context.
class VadStream {
 public:
  VadStream(int dim, const VadOptions& o, float threshold);
  // frames: (n, D). Appends the voiced frames now decided to out.
  void push(const float* frames, int64_t n, std::vector<float>& out);
  // End of the utterance: the last frames' decisions.
  void finish(std::vector<float>& out);
  int64_t voiced() const { return voiced_; }

 private:
  void decide(int64_t t, int64_t last, std::vector<float>& out);
  int dim_;
  VadOptions o_;
  float threshold_;
  std::vector<float> rows_;  // frames [begin_, received_), (rows, D)
  int64_t begin_ = 0, received_ = 0, decided_ = 0, voiced_ = 0;
};

// Kaldi compute-vad's decision per frame of feats (T, D).
std::vector<bool> vad_decisions(const Tensor& feats, const VadOptions& o);
// The voiced frames of feats (T, D); all of them when none is voiced (an utterance is never
// emptied).
Tensor select_voiced_frames(const Tensor& feats, const VadOptions& o);

}  // namespace attn::audio
