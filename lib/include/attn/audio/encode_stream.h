#pragma once
// Per-frame embeddings of an utterance whose feature frames arrive in pieces (a long recording
// read in blocks), in memory bounded by the chunk size, whatever the utterance's length.
// Attention reaches +-window model frames in each of the layers, and a positional convolution
// conv_pos / 2 more, so an embedding depends only on the model frames within
// layers * window + conv_pos / 2 of it: model frames are encoded in chunks with
// that much context on each side, and a chunk is emitted as soon as the input frames of its
// right context have arrived. The output equals the whole-utterance encoder output
// (SpeechClassifier::forward) up to float rounding in GEMMs of other sizes.
//
// Legend: F features per input frame, C model width, U model frames.
#include <cstdint>
#include <functional>
#include <vector>

#include "attn/audio/speech_classifier.h"
#include "attn/tensor.h"

namespace attn::audio {

class EncodeStream {
 public:
  using Sink = std::function<void(const float* rows, int64_t n)>;  // (n, C) embeddings, in order
  // chunk: model frames encoded per piece (besides their context).
  EncodeStream(const SpeechClassifier& model, Sink sink, int64_t chunk = 2048);
  // frames: (n, F), the utterance's next input frames.
  void push(const float* frames, int64_t n);
  // The utterance has ended: emits the embeddings still held back.
  void finish();
  int64_t frames_in() const { return received_; }
  int64_t frames_out() const { return emitted_; }

 private:
  // Encodes model frames [lo, hi) and emits [emitted_, end) of them.
  void encode_chunk(int64_t end, int64_t hi);
  const SpeechClassifier& model_;
  Sink sink_;
  int64_t chunk_, context_;
  std::vector<float> buffer_;  // input frames [first_ * subsample, received_), (rows, F)
  int64_t first_ = 0;          // the model frame whose first input frame starts buffer_
  int64_t received_ = 0, emitted_ = 0;
  Tensor stacked_, h_;
};

}  // namespace attn::audio
