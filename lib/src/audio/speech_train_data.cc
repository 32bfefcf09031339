#include "attn/audio/speech_train_data.h"

#include "attn/data/labels.h"

namespace attn::audio {

SpeechTrainData read_speech_train_data(const std::string& data, const PipelineOptions& p,
                                       const data::BadItemHandler& on_bad_item, const CheckLabels& check_labels) {
  SpeechTrainData out{read_labelled_audio(data, p, on_bad_item), {}, {}};
  out.labels = data::distinct_labels(out.items.labels);
  check_labels(out.labels);
  out.ids = label_ids(out.items, out.labels, data);
  return out;
}

SpeechValidation::SpeechValidation(const std::string& data, SpeechClassifier& model, const PipelineOptions& p,
                                   const std::vector<std::string>& labels, const std::vector<float>& mel_warps,
                                   const data::BadItemHandler& on_bad_item)
    : items(read_labelled_audio(data, p, on_bad_item)),
      ids(label_ids(items, labels, data)),
      task(model, p, items.waves, items.paths, AugmentOptions{}, mel_warps) {}

}  // namespace attn::audio
