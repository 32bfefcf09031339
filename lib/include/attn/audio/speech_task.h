#pragma once
// Labelled recordings as a classification task (attn/train/classify.h): waveforms read once at
// the model's rate; features computed per batch, from the augmented waveform when training
// with augmentation, else once and kept.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "attn/audio/augment.h"
#include "attn/audio/speaker_cmvn.h"
#include "attn/audio/speech_model_file.h"
#include "attn/audio/speech_predict.h"
#include "attn/train/classify.h"
#include "attn/data/labelled_files.h"

namespace attn::audio {

struct LabelledAudio {
  std::vector<std::string> paths;
  std::vector<std::string> labels;         // per item, as named in the data
  std::vector<std::vector<float>> waves;   // at the features' sample rate
};

// A folder per label or a path<TAB>label list; every file read (in parallel) at the rate of
// `p`. A file that cannot be read (or, with --cmvn spk, has no speaker) goes to on_bad_item,
// which skips it by returning (without a handler, the first such error is thrown).
LabelledAudio read_labelled_audio(const std::string& data, const PipelineOptions& p,
                                  const data::BadItemHandler& on_bad_item = {});
// Each item's label id in `labels` (one label per item); an unknown label is an attn::Error
// naming `where`, or the item's path when `where` is empty.
LabelIds label_ids(const LabelledAudio& data, const std::vector<std::string>& labels, const std::string& where = "");
// Audio files of a folder (recursively), e.g. --noise-dir; each at the rate of `p`.
std::vector<std::vector<float>> read_audio_folder(const std::string& dir, const PipelineOptions& p);

class SpeechTask : public ModelTask<SpeechClassifier> {
 public:
  // With augment options that touch the waveform, features are recomputed per training batch
  // (seeded by the step's seed and the item); SpecAugment applies to training batches only.
  // mel_warps: outside training, the logits are the log of the probabilities averaged over the
  // features at these warps (test-time warp averaging; empty: none) and over `model` and the
  // further members `others` of an ensemble (same labels and features). With --cmvn spk, names
  // are the utt2spk keys, and every item (augmented or warped too) is normalised with the
  // statistics of its speaker's clean features.
  SpeechTask(SpeechClassifier& model, const PipelineOptions& features,
             const std::vector<std::vector<float>>& waves, const std::vector<std::string>& names,
             AugmentOptions augment = {}, std::vector<float> mel_warps = {}, Members others = {});
  void forward(const Batch& items, Tensor& logits, const RunContext& ctx, bool training) override;
  // Model frames per item (for batching by length).
  std::vector<int> lengths() const;

 private:
  PipelineOptions features_;
  const std::vector<std::vector<float>>& waves_;
  const std::vector<std::string>& names_;
  AugmentOptions augment_;
  Members members_;  // model_ and the ensemble's other members (inference)
  std::vector<Tensor> compute_all(double mel_warp) const;  // every item's features at the warp
  std::optional<SpeakerCmvn> speakers_;  // --cmvn spk: the statistics of the clean features
  std::vector<Tensor> clean_;  // features without augmentation
  std::vector<std::vector<Tensor>> warped_;  // [warp][item]: at each of the test-time warps
  std::vector<Tensor> batch_;  // this batch's augmented features
  // --speed-perturb: every item at 0.9 and 1.1, resampled once rather than in every epoch (the
  // resampler was a third of a training step's time); empty when off or too big to keep.
  std::vector<std::vector<float>> slower_, faster_;
  static constexpr int64_t kMaxSpeedCopyBytes = int64_t(2) << 30;
  void keep_speed_copies();
  std::vector<float> wave_at(int item, double speed) const;  // waves_[item] at the speed
};

}  // namespace attn::audio
