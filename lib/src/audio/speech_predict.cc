#include "attn/audio/speech_predict.h"

#include "attn/train/classify.h"

namespace attn::audio {

std::vector<float> predict_probs(const SpeechClassifier& model, const std::vector<const Tensor*>& feats) {
  SpeechClassifier::Cache cache;
  Tensor logits;
  model.forward(feats, logits, cache, RunContext{}, false);
  const int B = int(feats.size()), K = model.config().num_labels;
  probabilities(LossKind::Softmax, B, K, logits.data(), logits.data());
  return logits.storage();
}

std::vector<float> mean_probs(const Members& members, const std::vector<std::vector<const Tensor*>>& feats) {
  std::vector<float> mean;
  const float count = float(members.size() * feats.size());
  for (const SpeechClassifier* model : members)
    for (const auto& batch : feats) {
      const std::vector<float> p = predict_probs(*model, batch);
      if (mean.empty()) mean.assign(p.size(), 0.0f);
      for (size_t i = 0; i < p.size(); ++i) mean[i] += p[i] / count;
    }
  return mean;
}

}  // namespace attn::audio
