#include "speech/model_args.h"

#include "attn/train/classify.h"
#include "common/builtin_model.h"
#include "common/embedded_model.h"

namespace attn::tools::speech {

std::span<const unsigned char> builtin_model() { return builtin_default_model(); }

audio::SpeechModel load_model(const std::string& path, std::span<const unsigned char> builtin) {
  return audio::load_speech_model(open_model_or_builtin(path, builtin));
}

std::vector<float> predict_probs(const audio::SpeechClassifier& model, const std::vector<const Tensor*>& feats) {
  audio::SpeechClassifier::Cache cache;
  Tensor logits;
  model.forward(feats, logits, cache, RunContext{}, false);
  const int B = int(feats.size()), K = model.config().num_labels;
  probabilities(LossKind::Softmax, B, K, logits.data(), logits.data());
  return logits.storage();
}

}  // namespace attn::tools::speech
