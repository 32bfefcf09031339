#pragma once
// Speech model files: safetensors with SpeechClassifier's tensors and
//   attn.task = "speech-classification", attn.format_version = "1",
//   attn.config = {"model": {...}, "features": {every Kaldi option},
//                  "postprocess": {"delta_order", "delta_window", "cmvn", "norm_vars"}},
//   attn.labels = ["0", "1", ...].
// The feature options travel with the model, so eval, predict and encode compute exactly what
// training saw, and refuse precomputed features of another dimension.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "attn/audio/pipeline.h"
#include "attn/audio/speech_classifier.h"
#include "attn/checkpoint.h"

namespace attn::audio {

inline constexpr const char* kSpeechTask = "speech-classification";
inline constexpr const char* kSpeechFormatVersion = "1";

struct SpeechModel {
  std::unique_ptr<SpeechClassifier> classifier;
  std::vector<std::string> labels;  // id order
  PipelineOptions features;         // dither_seed and audio reading options are not stored
};

std::string pipeline_to_json(const PipelineOptions& p);  // {"features", "postprocess"} members
void save_speech_model(const std::string& path, SpeechModel& model,
                       const std::map<std::string, std::string>& extra_metadata = {},
                       DType storage = DType::F32);
// Validates task, version, config (features against model.input_dim), labels and tensors.
SpeechModel load_speech_model(const SafeTensorsFile& file);

}  // namespace attn::audio
