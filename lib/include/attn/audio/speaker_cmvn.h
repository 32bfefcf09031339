#pragma once
// CMVN per speaker (Kaldi's apply-cmvn --utt2spk): every utterance of a speaker is normalised
// with the mean (and variance) of all that speaker's frames. On a half-second word, statistics
// of the word alone remove much of the word; a speaker's many words leave it and still remove
// the speaker's voice and channel. Speakers come from Kaldi's utt2spk file ("utt speaker" per
// line); the statistics come from the run's own recordings, before any augmentation.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "attn/audio/pipeline.h"
#include "attn/audio/postprocess.h"
#include "attn/audio/utterances.h"

namespace attn::audio {

// One utt2spk line: the utterance and its speaker. Blank lines give nullopt; a line with one
// field or with more than two throws attn::Error (the caller adds "file:line").
std::optional<std::pair<std::string, std::string>> parse_utt2spk_line(std::string_view line);

class SpeakerCmvn {
 public:
  // Reads the utt2spk file; attn::Error naming file:line for a bad line or an utterance given
  // twice, and for a missing or empty file.
  SpeakerCmvn(const std::string& utt2spk, int dim, bool norm_vars);
  // The utterance's speaker; attn::Error when utt2spk lacks it.
  const std::string& speaker(const std::string& utt) const;
  // Adds the utterance's frames (n, dim) to its speaker's statistics (nothing when utt2spk lacks it).
  void accumulate(const std::string& utt, const float* rows, int64_t n);
  // Normalises the utterance's frames (n, dim) in place; attn::Error when utt2spk lacks it.
  void apply(const std::string& utt, float* rows, int64_t n) const;
  void apply(const std::string& utt, Tensor& feats) const { apply(utt, feats.data(), feats.dim(0)); }
  // `sink`, fed the frames normalised (for the streaming pipeline).
  FrameSink applying(const std::string& utt, const FrameSink& sink) const;

 private:
  std::string file_;
  int dim_;
  bool norm_vars_;
  std::unordered_map<std::string, std::string> speaker_of_;
  std::map<std::string, CmvnStats> stats_;
};

// With --cmvn spk, the statistics pass: every recording's features (p without CMVN) added to its
// speaker's statistics; otherwise none. Recordings and list lines that fail are left to the
// caller's own pass, which reports them. `recordings` must not have been read from yet; it is
// rewound for that pass.
std::optional<SpeakerCmvn> speaker_statistics(Utterances& recordings, const PipelineOptions& p);

}  // namespace attn::audio
