#pragma once
// Audio file -> feature frames, in bounded memory: samples arrive in blocks (AudioStream), frames
// are cut as soon as they are complete (FrameStream), deltas, voice activity detection and CMVN
// follow. A 10-hour file needs no more memory than a 10-second one; per-utterance CMVN reads a
// file of more than about a minute twice (statistics, then frames), VAD once more (the mean log
// energy first).
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "attn/audio/features.h"
#include "attn/audio/postprocess.h"
#include "attn/audio/reader.h"
#include "attn/audio/vad.h"

namespace attn::audio {

// Cuts a stream of samples into Kaldi's frames and computes their features.
class FrameStream {
 public:
  // dither_seed seeds the dither noise (used only when the options ask for dither).
  FrameStream(const FeatureComputer& computer, uint64_t dither_seed);
  // samples: (n). Appends the features of every frame now complete to out, (m, F) row-major.
  void push(const float* samples, int64_t n, std::vector<float>& out);
  // End of the waveform: the last frames (reflected at the end when snip_edges is off).
  void finish(std::vector<float>& out);
  int64_t samples() const { return received_; }
  int64_t frames() const { return emitted_; }

 private:
  void emit(int64_t frame, std::vector<float>& out);
  const FeatureComputer& computer_;
  FeatureScratch scratch_;
  Rng dither_;
  std::vector<float> buffer_;  // samples [begin_, begin_ + size) of the waveform
  std::vector<float> frame_;   // (L)
  int64_t begin_ = 0, received_ = 0, emitted_ = 0;
};

// apply-cmvn: none, per utterance, or per speaker (speaker_cmvn.h: the caller applies it).
enum class CmvnMode { None, Utterance, Speaker };
// Their --cmvn names, as models store them too: none, utt, spk.
const std::vector<std::pair<std::string, CmvnMode>>& cmvn_modes();
const std::string& cmvn_mode_name(CmvnMode m);

struct PipelineOptions {
  FeatureOptions features;
  AudioOptions audio;  // audio.sample_frequency is set from features.frame.sample_frequency
  DeltaOptions deltas;
  CmvnMode cmvn = CmvnMode::None;
  bool norm_vars = false;
  VadOptions vad;  // enabled: only the voiced frames (after deltas, before CMVN)
  std::string utt2spk;  // with CmvnMode::Speaker: Kaldi's utt2spk file (how to read, not stored)
  uint64_t dither_seed = 0;
  // VTLP's warp of the mel filters' frequency axis (FeatureComputer; 1: none). Not stored in
  // models: augmentation and test-time warp averaging set it per utterance.
  double mel_warp = 1.0;

  int dim() const { return features.dim() * (deltas.order + 1); }
  // attn::Error naming the option: bad feature or VAD options, --norm-vars without CMVN,
  // --cmvn spk without --utt2spk, VAD without the log energy in column 0.
  void validate() const;
};

// Calls sink(rows, n) with the utterance's frames in order, (n, dim) each call. Throws
// attn::Error for unreadable audio and for audio too short to give one frame.
using FrameSink = std::function<void(const float* rows, int64_t n)>;
void compute_file_features(const std::string& path, const PipelineOptions& options, const FrameSink& sink);
// Same, over an already open reader (no CMVN second pass: the frames are kept).
void compute_reader_features(AudioReader reader, const PipelineOptions& options, const FrameSink& sink);
// The whole utterance's features, (T, dim).
Tensor compute_file_features(const std::string& path, const PipelineOptions& options);
// Features of a waveform already at the features' sample rate: wave (n) -> (T, dim).
Tensor compute_wave_features(const std::vector<float>& wave, const PipelineOptions& options,
                             const std::string& name);

}  // namespace attn::audio
