#pragma once
// A speech classifier's probabilities for a batch of utterances' features (inference, no
// dropout): once, or averaged over the batch's features at several mel warps (test-time warp
// averaging) and over the members of an ensemble.
//
// Legend: B utterances, K labels.
#include <vector>

#include "attn/audio/speech_classifier.h"
#include "attn/tensor.h"

namespace attn::audio {

// (B, K) row-major.
std::vector<float> predict_probs(const SpeechClassifier& model, const std::vector<const Tensor*>& feats);
// Classifiers of the same labels and features whose probabilities are averaged: an ensemble,
// such as one recipe trained with several seeds. One member is a single model.
using Members = std::vector<const SpeechClassifier*>;

// The mean of predict_probs over the members and over feats[w], the batch's features at the w-th
// warp: (B, K).
std::vector<float> mean_probs(const Members& members, const std::vector<std::vector<const Tensor*>>& feats);

}  // namespace attn::audio
