#include "attn/audio/speech_task.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <filesystem>

#include "attn/audio/speech_predict.h"
#include "attn/data/labelled_files.h"
#include "attn/data/labels.h"
#include "attn/error.h"

namespace attn::audio {

namespace {

// Reads every path in parallel. Without `failed` the first error (in input order) is rethrown;
// with it, each path's error (or null) is stored there.
std::vector<std::vector<float>> read_all(const std::vector<std::string>& paths, const PipelineOptions& p,
                                         std::vector<std::exception_ptr>* failed = nullptr) {
  AudioOptions a = p.audio;
  a.sample_frequency = p.features.frame.sample_frequency;
  std::vector<std::vector<float>> waves(paths.size());
  std::vector<std::exception_ptr> errors(paths.size());
  const int64_t n = int64_t(paths.size());
#pragma omp parallel for schedule(dynamic, 8)
  for (int64_t i = 0; i < n; ++i) {
    try {
      waves[i] = read_audio(paths[i], a);
      if (waves[i].empty()) throw Error(paths[i] + ": no audio samples");
    } catch (...) {
      errors[i] = std::current_exception();
    }
  }
  if (failed != nullptr) *failed = std::move(errors);
  else
    for (const auto& e : errors)
      if (e) std::rethrow_exception(e);
  return waves;
}

}  // namespace

LabelledAudio read_labelled_audio(const std::string& data, const PipelineOptions& p,
                                  const data::BadItemHandler& on_bad_item) {
  LabelledAudio all;
  for (const auto& f : attn::data::read_labelled_files(data)) {
    all.paths.push_back(f.path.string());
    all.labels.push_back(f.label);
  }
  if (all.paths.empty()) throw Error(data + ": no recordings");
  std::vector<std::exception_ptr> failed;
  all.waves = read_all(all.paths, p, &failed);
  if (p.cmvn == CmvnMode::Speaker) {  // a recording without a speaker is a bad item too
    const SpeakerCmvn speakers(p.utt2spk, p.dim(), p.norm_vars);
    for (size_t i = 0; i < all.paths.size(); ++i) try {
        if (!failed[i]) speakers.speaker(all.paths[i]);
      } catch (const Error&) {
        failed[i] = std::current_exception();
      }
  }
  LabelledAudio out;  // the readable ones, in order; the others are errors' items
  for (size_t i = 0; i < all.paths.size(); ++i) {
    if (failed[i]) {  // skipped if the handler returns
      data::run_item(all.paths[i], on_bad_item, [&] { std::rethrow_exception(failed[i]); });
      continue;
    }
    out.paths.push_back(std::move(all.paths[i]));
    out.labels.push_back(std::move(all.labels[i]));
    out.waves.push_back(std::move(all.waves[i]));
  }
  if (out.paths.empty()) throw Error(data + ": no readable recordings");
  return out;
}

LabelIds label_ids(const LabelledAudio& data, const std::vector<std::string>& labels, const std::string& where) {
  const attn::data::LabelIndex index(labels);
  LabelIds ids;
  for (size_t i = 0; i < data.labels.size(); ++i)
    ids.push_back({index.id(data.labels[i], where.empty() ? data.paths[i] : where)});
  return ids;
}

std::vector<std::vector<float>> read_audio_folder(const std::string& dir, const PipelineOptions& p) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(dir + ": not a folder");
  std::vector<std::string> paths;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename().string().front() != '.') paths.push_back(e.path().string());
  std::sort(paths.begin(), paths.end());
  if (paths.empty()) throw Error(dir + ": no noise files");
  return read_all(paths, p);
}

SpeechTask::SpeechTask(SpeechClassifier& model, const PipelineOptions& features,
                       const std::vector<std::vector<float>>& waves, const std::vector<std::string>& names,
                       AugmentOptions augment, std::vector<float> mel_warps, Members others)
    : ModelTask(model), features_(features), waves_(waves), names_(names), augment_(augment) {
  members_.push_back(&model);
  members_.insert(members_.end(), others.begin(), others.end());
  keep_speed_copies();
  clean_ = compute_all(1.0);
  for (const float w : mel_warps) warped_.push_back(compute_all(w));
  if (features_.cmvn != CmvnMode::Speaker) return;
  speakers_.emplace(features_.utt2spk, features_.dim(), features_.norm_vars);
  for (size_t i = 0; i < clean_.size(); ++i) speakers_->accumulate(names_[i], clean_[i].data(), clean_[i].dim(0));
  for (size_t i = 0; i < clean_.size(); ++i) {
    speakers_->apply(names_[i], clean_[i]);
    for (auto& at_warp : warped_) speakers_->apply(names_[i], at_warp[i]);
  }
}

void SpeechTask::keep_speed_copies() {
  if (!augment_.speed || augment_.speed_range > 0.0f) return;  // a range: a new factor each time
  int64_t samples = 0;
  for (const auto& w : waves_) samples += int64_t(w.size());
  if (samples * 2 * int64_t(sizeof(float)) > kMaxSpeedCopyBytes) return;  // resample as it goes
  slower_.resize(waves_.size());
  faster_.resize(waves_.size());
  const int64_t n = int64_t(waves_.size());
#pragma omp parallel for schedule(dynamic, 8)
  for (int64_t i = 0; i < n; ++i) {
    if (waves_[i].empty()) continue;
    slower_[i] = at_speed(waves_[i], kSpeedFactors[0]);
    faster_[i] = at_speed(waves_[i], kSpeedFactors[2]);
  }
}

std::vector<float> SpeechTask::wave_at(int item, double speed) const {
  if (speed == kSpeedFactors[0] && !slower_.empty()) return slower_[item];
  if (speed == kSpeedFactors[2] && !faster_.empty()) return faster_[item];
  return at_speed(waves_[item], speed);
}

std::vector<Tensor> SpeechTask::compute_all(double mel_warp) const {
  audio::PipelineOptions p = features_;
  p.mel_warp = mel_warp;
  std::vector<Tensor> feats(waves_.size());
  std::vector<std::exception_ptr> errors(waves_.size());
  const int64_t n = int64_t(waves_.size());
#pragma omp parallel for schedule(dynamic, 8)
  for (int64_t i = 0; i < n; ++i) {
    try {
      feats[i] = compute_wave_features(waves_[i], p, names_[i]);
    } catch (...) {
      errors[i] = std::current_exception();
    }
  }
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  return feats;
}

std::vector<int> SpeechTask::lengths() const {
  std::vector<int> out;
  for (const Tensor& f : clean_) out.push_back(int(model_frames(f.dim(0), model_.config().subsample)));
  return out;
}

void SpeechTask::forward(const Batch& items, Tensor& logits, const RunContext& ctx, bool training) {
  std::vector<const Tensor*> feats(items.size());
  if (!training && (!warped_.empty() || members_.size() > 1)) {
    std::vector<std::vector<const Tensor*>> at(std::max<size_t>(warped_.size(), 1));
    for (size_t w = 0; w < at.size(); ++w)
      for (const int item : items) at[w].push_back(warped_.empty() ? &clean_[item] : &warped_[w][item]);
    const std::vector<float> probs = mean_probs(members_, at);
    logits = Tensor({int64_t(items.size()), int64_t(model_.config().num_labels)});
    for (size_t i = 0; i < probs.size(); ++i) logits[i] = std::log(std::max(probs[i], 1e-30f));
    return;
  }
  const bool augment = training && (augment_.recomputes_features() || augment_.time_masks > 0 || augment_.freq_masks > 0);
  if (!augment) {
    for (size_t b = 0; b < items.size(); ++b) feats[b] = &clean_[items[b]];
  } else {
    batch_.resize(items.size());
    const int64_t n = int64_t(items.size());
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t b = 0; b < n; ++b) {
      const int item = items[b];
      Rng rng(ctx.seed ^ (uint64_t(item) * 0x9E3779B97F4A7C15ull));  // per step and item
      if (augment_.recomputes_features()) {
        // augment_wave's steps, with the resampled copies kept
        std::vector<float> wave = waves_[item].empty() ? waves_[item] : wave_at(item, draw_speed(augment_, rng));
        tilt_spectrum(wave, augment_, rng);
        add_noise_and_gain(wave, augment_, rng);
        PipelineOptions warped = features_;
        warped.mel_warp = draw_mel_warp(augment_, rng);
        try {
          batch_[b] = compute_wave_features(wave, warped, names_[item]);
          if (speakers_) speakers_->apply(names_[item], batch_[b]);
        } catch (const Error&) {
          batch_[b] = clean_[item];  // perturbed below one frame: train on the clean copy
        }
      } else {
        batch_[b] = clean_[item];
      }
      spec_augment(batch_[b], augment_, rng);
    }
    for (size_t b = 0; b < items.size(); ++b) feats[b] = &batch_[b];
  }
  model_.forward(feats, logits, cache_, ctx, training);
}

}  // namespace attn::audio
