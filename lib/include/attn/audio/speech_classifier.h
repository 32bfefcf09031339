#pragma once
// The speech model: feature frames are stacked and subsampled (--stack 3 --subsample 3: three
// 10 ms frames side by side, every third frame kept), projected to the model width, optionally
// given their neighbours in order by a positional convolution (--conv-pos), and run
// through an encoder whose self-attention is truncated to +-window frames (the truncated
// self-attention of streaming speech recognition: cost and memory linear in the length). The
// per-frame output is the utterance's embedding sequence (encode); its pool (mean by default,
// or max, or both side by side) goes to a linear head for utterance classification.
//
// Legend: T input frames, F features per input frame, U = ceil(T / subsample) model frames,
// S = stack * F, C model width, B utterances, K labels.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "attn/context.h"
#include "attn/declared_option.h"
#include "attn/layers/encoder.h"
#include "attn/layers/linear.h"
#include "attn/layers/pooling.h"
#include "attn/layers/temporal_conv.h"
#include "attn/tensor.h"

namespace attn::audio {

struct SpeechModelConfig {
  int input_dim = 0;  // F
  int stack = 3;
  int subsample = 3;
  // Width of the positional convolution over the projected frames (attn/layers/temporal_conv.h);
  // 0: none (what models without "conv_pos" in their config have).
  int conv_pos = 0;
  int dim = 64;  // C
  int layers = 2;
  int heads = 4;
  int ff_dim = 128;
  int window = 8;  // attention reaches +-window model frames in every layer
  float dropout = 0.1f;
  int num_labels = 2;  // K
  // Over each utterance's encoder frames: Mean (what models without "pool" in their config
  // have), Max or MeanMax (Cls has no class token here and is refused).
  PoolKind pool = PoolKind::Mean;

  void validate() const;  // attn::Error naming the field
};

// The config's "pool" value: "mean", "max" or "mean-max".
std::string speech_pool_name(PoolKind k);
PoolKind speech_pool_from_name(const std::string& name);  // attn::Error for another name
std::vector<std::pair<std::string, PoolKind>> speech_pool_names();  // those a model may have
// The config's own options, declared for train's flags and settings in --help's order, which
// puts the encoder's shape (--dim ... --dropout, the flags every tool shares) between the two
// lists: how input frames become model frames,
template <class Visit>
void for_each_speech_frame_option(SpeechModelConfig& c, Visit&& visit) {
  visit(declare("stack", c.stack, "Input frames stacked side by side").in_group("Model").range(1, 32));
  visit(declare("subsample", c.subsample, "Keep every n-th stacked frame").in_group("Model").range(1, 32));
}
// and how far attention reaches, what tells it the frames' order, and how its frames are pooled.
template <class Visit>
void for_each_speech_attention_option(SpeechModelConfig& c, Visit&& visit) {
  visit(declare("window", c.window, "Self-attention reaches +-window (subsampled) frames").in_group("Model").range(1, 100000));
  visit(declare("conv-pos", c.conv_pos,
                "Width (odd) of a convolution over the model frames, added back through a GELU, so that "
                "attention knows which sound came first; 0 = none")
            .in_group("Model")
            .range(0, 63));
  visit(declare("pool", c.pool,
                "Pooling of the encoder frames for the head: mean, max over time (does not weight a sound by its "
                "duration), or both side by side; stored in the model")
            .in_group("Model")
            .named(speech_pool_names()));
}

std::string speech_config_to_json(const SpeechModelConfig& c);
SpeechModelConfig speech_config_from_json(const std::string& json);  // attn::Error naming the field

// Model frames of an utterance of `frames` input frames.
int64_t model_frames(int64_t frames, int subsample);
// Stacks and subsamples frames [first, first + n) of the model frames: x (T, F) -> out (n, S).
// Model frame u holds input frames u*subsample .. u*subsample + stack - 1, the last input frame
// repeated past the end.
void stack_frames(const float* x, int64_t T, int F, int stack, int subsample, int64_t first, int64_t n,
                  float* out);

class SpeechClassifier {
 public:
  explicit SpeechClassifier(const SpeechModelConfig& config);
  const SpeechModelConfig& config() const { return config_; }
  void init(Rng& rng);
  ParameterList parameters();
  // The tensors a config implies (checked against a file before anything is allocated).
  static ParameterShapes parameter_shapes(const SpeechModelConfig& config);
  int64_t parameter_count();

  struct Cache {
    Segments segs;  // model frames per utterance
    Tensor stacked;  // (U, S)
    Tensor x;        // (U, C) projected
    Tensor xc;       // (U, C) after the positional convolution (empty without one)
    TemporalConv::Cache conv;
    Tensor h;        // (U, C) encoder output
    Tensor pooled;   // (B, P), P = C (2C for MeanMax)
    Encoder::Cache encoder;
  };
  // feats[b]: (T_b, F). logits: (B, K). keep_activations: the cache can feed backward().
  void forward(const std::vector<const Tensor*>& feats, Tensor& logits, Cache& cache,
               const RunContext& ctx, bool keep_activations) const;
  // Accumulates parameter gradients from dlogits: (B, K). (The features need no gradient.)
  void backward(Cache& cache, const float* dlogits);

  // Per-frame embeddings of one utterance x: (T, F), handed to sink in order as (n, C) chunks,
  // through an EncodeStream (memory bounded by the chunk size; see encode_stream.h).
  void encode(const float* x, int64_t T, const std::function<void(const float*, int64_t)>& sink,
              int64_t chunk = 2048) const;
  // The encoder over n consecutive model frames as one sequence: stacked (n, S) -> h (n, C).
  void encode_frames(const float* stacked, int64_t n, float* h) const;

 private:
  SpeechModelConfig config_;
  Linear proj_;
  std::optional<TemporalConv> conv_;  // with conv_pos > 0
  Encoder encoder_;
  Pooling pool_;
  Linear head_;
};

}  // namespace attn::audio
