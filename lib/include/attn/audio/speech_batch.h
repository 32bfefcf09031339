#pragma once
// What the batch commands do with each utterance of their input, in input order and in memory
// bounded whatever an utterance's length: its features to a FeatureOutput (compute-mfcc-feats,
// compute-fbank-feats), its per-frame embeddings to one (encode), its probabilities (predict).
// A bad item goes to on_bad_item and the rest go on (see each_item, attn/audio/utterances.h);
// only the items that are `mine` (by 0-based input position) are read.
#include <cstdint>
#include <functional>
#include <vector>

#include "attn/audio/feature_output.h"
#include "attn/audio/feature_source.h"
#include "attn/audio/speech_classifier.h"
#include "attn/audio/speech_predict.h"
#include "attn/audio/utterances.h"

namespace attn::audio {

using ItemFilter = std::function<bool(int64_t index)>;

// Each recording's features with `p`, as utterance entry.utt of `out` (with --cmvn spk, after a
// statistics pass over all the recordings, `recordings` not yet read from).
void write_features(Utterances& recordings, const PipelineOptions& p, FeatureOutput& out, const ItemFilter& mine,
                    const data::BadItemHandler& on_bad_item);
// Each item's encoder output, streamed (EncodeStream), as utterance item.utt of `out`.
void write_embeddings(const SpeechClassifier& model, FeatureSource& source, FeatureOutput& out,
                      const ItemFilter& mine, const data::BadItemHandler& on_bad_item);
// The probabilities (K) of the item source.next() gave, averaged over the members: of its
// features as they are, or averaged over the recording's features at `warps` (test-time warp
// averaging; an archive's features are used as they are).
std::vector<float> item_probs(const Members& members, FeatureSource& source, FeatureItem& item,
                              const std::vector<float>& warps);

}  // namespace attn::audio
