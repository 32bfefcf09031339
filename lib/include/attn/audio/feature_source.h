#pragma once
// The utterances predict and encode read, as feature matrices: recordings (paths, '-' lists,
// --wav-scp; features computed with the model's options), or precomputed features from Kaldi
// archives, named "ark:feats.ark" or "ark:-" (stdin), text or binary. A bare "-" is an archive
// when stdin starts like one (as `mfcc ... | encode -` sends), else a list of recordings.
// Archive features must have the model's dimension.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "attn/audio/feature_io.h"
#include "attn/audio/pipeline.h"
#include "attn/audio/speaker_cmvn.h"
#include "attn/audio/utterances.h"
#include "attn/data/labelled_files.h"

namespace attn::audio {

struct FeatureItem {
  std::string utt, where;
  Tensor feats;  // (T, F)
};

class FeatureSource {
 public:
  // With --cmvn spk the recordings are read once for their speakers' statistics first.
  FeatureSource(std::vector<std::string> inputs, std::vector<std::string> lists, const PipelineOptions& p);
  ~FeatureSource();
  // The next item's id into `item`; false when all are done. Reading the item itself happens in
  // load() or stream(), so a bad item is reported under its name. Bad list lines throw attn::Error.
  bool next(FeatureItem& item);
  // Reads or computes item's features; attn::Error for a bad recording or matrix.
  void load(FeatureItem& item);
  // The features of the recording next() named at a mel warp (test-time warp averaging).
  Tensor load_recording(double mel_warp) const;
  bool from_archive() const { return from_archive_; }
  // The features of the item next() named, to sink in order, (n, dim) rows at a time, in bounded
  // memory: a recording is read in blocks (twice with --cmvn utt: statistics, then frames), an
  // archive's matrix a block of rows at a time. attn::Error as load().
  void stream(const FrameSink& sink);
  // The loop predict and encode share: every item that is `mine` (by 0-based input position) to
  // `use`, in input order, which loads or streams it; a bad list line (item "") or a bad
  // recording or matrix (item: its `where`) goes to on_bad_item (data::run_item). Items not
  // mine are not read, except by the --cmvn spk statistics pass (every shard reads every
  // recording for it, and a list on stdin is read to its end first).
  void each(const std::function<bool(int64_t index)>& mine, const data::BadItemHandler& on_bad_item,
            const std::function<void(FeatureItem&)>& use);

 private:
  std::vector<std::string> archives_;
  size_t next_archive_ = 0;
  std::FILE* archive_file_ = nullptr;
  std::FILE* stdin_ = nullptr;  // stdin behind its first line, once "-" was looked at
  std::optional<ArchiveReader> archive_;
  std::optional<Utterances> audio_;
  PipelineOptions pipeline_;
  std::optional<SpeakerCmvn> speakers_;  // --cmvn spk: recordings' statistics (archives are used as they are)
  void check_dim(int dim) const;
  std::string pending_path_, pending_utt_;
  bool from_archive_ = false;
};

}  // namespace attn::audio
