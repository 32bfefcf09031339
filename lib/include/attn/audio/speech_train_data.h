#pragma once
// What `train` reads for a speech classifier, in two steps because the model sits between them:
// the training recordings and their labels come first (the model is built for those labels),
// the validation recordings after it (their task runs that model).
#include <functional>
#include <string>
#include <vector>

#include "attn/audio/speech_task.h"

namespace attn::audio {

// The training recordings, their distinct labels (sorted) and each recording's label id.
struct SpeechTrainData {
  LabelledAudio items;
  std::vector<std::string> labels;
  LabelIds ids;
};
// Reads `data` (read_labelled_audio: bad items go to on_bad_item) and hands the labels to
// `check_labels` (which throws to refuse them) before it numbers the items by them.
using CheckLabels = std::function<void(const std::vector<std::string>& labels)>;
SpeechTrainData read_speech_train_data(const std::string& data, const PipelineOptions& p,
                                       const data::BadItemHandler& on_bad_item, const CheckLabels& check_labels);

// The validation recordings as a task of the model being trained: each numbered by the training
// labels (one they lack is an attn::Error naming `data`), no augmentation, the model's test-time
// warps. Neither copied nor moved: the task refers to the recordings.
struct SpeechValidation {
  SpeechValidation(const std::string& data, SpeechClassifier& model, const PipelineOptions& p,
                   const std::vector<std::string>& labels, const std::vector<float>& mel_warps,
                   const data::BadItemHandler& on_bad_item);
  SpeechValidation(const SpeechValidation&) = delete;
  SpeechValidation& operator=(const SpeechValidation&) = delete;

  LabelledAudio items;
  LabelIds ids;
  SpeechTask task;
};

}  // namespace attn::audio
