#include "attn/audio/speech_batch.h"

#include "attn/audio/encode_stream.h"
#include "attn/audio/speaker_cmvn.h"
#include "attn/audio/speech_predict.h"

namespace attn::audio {

void write_features(Utterances& recordings, const PipelineOptions& p, FeatureOutput& out, const ItemFilter& mine,
                    const data::BadItemHandler& on_bad_item) {
  const std::optional<SpeakerCmvn> speakers = speaker_statistics(recordings, p);  // every shard: all recordings'
  const auto next = [&](Utterance& u) { return recordings.next(u); };
  each_item<Utterance>(next, mine, on_bad_item, [&](Utterance& u) {
    out.write(u.entry.utt, p.dim(), [&](const FrameSink& sink) {
      compute_file_features(u.entry.path, p, speakers ? speakers->applying(u.entry.utt, sink) : sink);
    });
  });
}

void write_embeddings(const SpeechClassifier& model, FeatureSource& source, FeatureOutput& out,
                      const ItemFilter& mine, const data::BadItemHandler& on_bad_item) {
  source.each(mine, on_bad_item, [&](FeatureItem& item) {
    out.write(item.utt, model.config().dim, [&](const FrameSink& sink) {
      EncodeStream encoder(model, sink);
      source.stream([&](const float* rows, int64_t n) { encoder.push(rows, n); });
      encoder.finish();
    });
  });
}

std::vector<float> item_probs(const Members& members, FeatureSource& source, FeatureItem& item,
                              const std::vector<float>& warps) {
  if (warps.empty() || source.from_archive()) {
    source.load(item);
    return mean_probs(members, {{&item.feats}});
  }
  std::vector<Tensor> at;
  for (const float w : warps) at.push_back(source.load_recording(w));
  std::vector<std::vector<const Tensor*>> batches;
  for (const Tensor& t : at) batches.push_back({&t});
  return mean_probs(members, batches);
}

}  // namespace attn::audio
