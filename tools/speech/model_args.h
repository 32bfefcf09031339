#pragma once
// What several attn-speech commands share: the model file or the built-in one, and prediction
// over a batch of feature matrices.
#include <span>
#include <string>
#include <vector>

#include "attn/audio/speech_model_file.h"

namespace attn::tools::speech {

// --model PATH, or the built-in spoken-digit model when PATH is empty.
audio::SpeechModel load_model(const std::string& path, std::span<const unsigned char> builtin);
std::span<const unsigned char> builtin_model();

// Probabilities (B, K) row-major for a batch of utterances' features (inference, no dropout).
std::vector<float> predict_probs(const audio::SpeechClassifier& model, const std::vector<const Tensor*>& feats);

}  // namespace attn::tools::speech
