#pragma once
// Speech model files: safetensors with SpeechClassifier's tensors and
//   attn.task = "speech-classification", attn.format_version = "1",
//   attn.config = {"model": {...}, "features": {every Kaldi option},
//                  "postprocess": {"delta_order", "delta_window", "vad": {...}, "cmvn", "norm_vars"},
//                  "inference": {"mel_warps": [...]}},
//   attn.labels = ["0", "1", ...].
// The feature options travel with the model, so eval, predict and encode compute exactly what
// training saw, and refuse precomputed features of another dimension.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "attn/audio/kaldi_options.h"
#include "attn/audio/pipeline.h"
#include "attn/audio/speech_classifier.h"
#include "attn/checkpoint.h"
#include "attn/rng.h"

namespace attn::audio {

inline constexpr const char* kSpeechTask = "speech-classification";
inline constexpr const char* kSpeechFormatVersion = "1";
inline constexpr double kMinMelWarp = 0.7, kMaxMelWarp = 1.3;  // test-time warps allowed
inline constexpr size_t kMaxMelWarps = 32;                     // and how many

// attn::Error unless there are at most kMaxMelWarps warps (their range is checked where they are read).
void check_mel_warp_count(const std::vector<float>& warps);

struct SpeechModel {
  std::unique_ptr<SpeechClassifier> classifier;
  std::vector<std::string> labels;  // id order
  PipelineOptions features;         // dither_seed and audio reading options are not stored
  // Test-time warp averaging: eval and predict average the probabilities over the features at
  // these mel warps (empty: the features as they are).
  std::vector<float> mel_warps;
};

// A model to train: a classifier of `config` for `labels` over the features of `features`
// (input_dim and num_labels set from them), its weights drawn from `rng`.
SpeechModel new_speech_model(SpeechModelConfig config, std::vector<std::string> labels,
                             const PipelineOptions& features, std::vector<float> mel_warps, Rng& rng);

std::string pipeline_to_json(const PipelineOptions& p);  // {"features", "postprocess"} members
void save_speech_model(const std::string& path, SpeechModel& model,
                       const std::map<std::string, std::string>& extra_metadata = {},
                       DType storage = DType::F32);
// Validates task, version, config (features against model.input_dim), labels and tensors. The
// features are read from files as `reading` says (how is not kept in models).
SpeechModel load_speech_model(const SafeTensorsFile& file, const ReadingOptions& reading = {});

// A further member of an ensemble led by `first` must have its labels, in the same order, and
// its feature options; else an Error says which differ. (Mel warps and model shapes may differ.)
void check_ensemble_member(const SpeechModel& first, const SpeechModel& member);

}  // namespace attn::audio
