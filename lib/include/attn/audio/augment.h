#pragma once
// Seeded data augmentation for training speech models: on the waveform, speed perturbation
// (resampling by 0.9 / 1.0 / 1.1, as Kaldi's and ESPnet's recipes do, or by a factor drawn
// from a range: a wider spread of apparent vocal-tract lengths for few speakers), additive noise at a
// random SNR (white, or clips from a noise folder), random gain and random spectral tilt (a
// first-order filter: speakers and microphones differ in how much high frequency they carry,
// and weak fricatives are what tell "six" from "seven"); in the features, VTLP's
// random warp of the mel filters' frequency axis (an apparent vocal-tract length without the
// change of duration that speed perturbation brings); on the features, SpecAugment's time and
// frequency masks. The same generator state gives the same result.
#include <string>
#include <vector>

#include "attn/declared_option.h"
#include "attn/rng.h"
#include "attn/tensor.h"

namespace attn::audio {

struct AugmentOptions {
  bool speed = false;                 // pick 0.9, 1.0 or 1.1 per utterance
  float speed_range = 0.0f;           // > 0: instead a factor uniform in [1 - r, 1 + r]
  float noise_prob = 0.0f;            // chance an utterance gets noise
  float snr_min = 10.0f, snr_max = 30.0f;  // dB, uniform
  const std::vector<std::vector<float>>* noise_clips = nullptr;  // empty or null: white noise
  float gain_db = 0.0f;               // gain uniform in [-gain_db, gain_db] dB
  float tilt = 0.0f;                  // > 0: filter x[n] - a x[n-1], a uniform in [-tilt, tilt]
  int time_masks = 0, time_width = 0;  // SpecAugment: masks of up to `width` frames / features
  int freq_masks = 0, freq_width = 0;
  float vtlp = 0.0f;                  // > 0: mel warp factor uniform in [1 - vtlp, 1 + vtlp]

  bool any_wave() const {
    return speed || speed_range > 0.0f || noise_prob > 0.0f || gain_db > 0.0f || tilt > 0.0f;
  }
  // Features must be recomputed per batch (from the augmented waveform or with a warp).
  bool recomputes_features() const { return any_wave() || vtlp > 0.0f; }
};

// The options as train's flags, in --help's order; none is kept in the model. noise_dir: the
// folder whose recordings the caller reads into noise_clips.
template <class Visit>
void for_each_augment_option(AugmentOptions& o, std::string& noise_dir, Visit&& visit) {
  const auto option = [](std::string name, auto& value, std::string help) {
    return declare(std::move(name), value, std::move(help)).in_group("Augmentation (seeded by --seed)").fixed_if(false);
  };
  visit(option("speed-perturb", o.speed, "Speed perturbation: 0.9, 1.0 or 1.1 per utterance (resampling)"));
  visit(option("speed-range", o.speed_range, "Speed perturbation by a factor uniform in [1-R, 1+R] instead (0: off)").range(0.0, 0.5));
  visit(option("noise-prob", o.noise_prob, "Chance of additive noise per utterance").range(0.0, 1.0));
  visit(option("snr-min", o.snr_min, "Noise SNR range low (dB)"));
  visit(option("snr-max", o.snr_max, "Noise SNR range high (dB)"));
  visit(option("noise-dir", noise_dir, "Noise recordings (default: white noise)"));
  visit(option("gain-db", o.gain_db, "Random gain within +-this many dB").range(0.0, 40.0));
  visit(option("tilt", o.tilt,
               "Random spectral tilt, a microphone's or a voice's balance of low and high frequencies: the filter "
               "x[n] - a x[n-1], a uniform in [-R, R] per utterance (0: off; 0.5 tilts the band by up to +-9.5 dB)")
            .range(0.0, 0.9));
  visit(option("vtlp", o.vtlp,
               "Vocal-tract-length perturbation: warp the mel filters' frequency axis by a factor uniform in [1-R, 1+R] "
               "per utterance (0: off; 0.1 is usual)")
            .range(0.0, 0.3));
  visit(option("time-masks", o.time_masks, "SpecAugment time masks per utterance").range(0, 20));
  visit(option("time-mask-width", o.time_width, "Longest time mask (frames)").range(0, 1000));
  visit(option("freq-masks", o.freq_masks, "SpecAugment frequency masks per utterance").range(0, 20));
  visit(option("freq-mask-width", o.freq_width, "Widest frequency mask (features)").range(0, 1000));
}

// In place on one utterance's samples (int16 scale) at the features' rate: draw_speed and
// at_speed, then tilt_spectrum, then add_noise_and_gain. An empty wave stays empty and draws nothing.
void augment_wave(std::vector<float>& wave, const AugmentOptions& o, Rng& rng);
// augment_wave's steps, for a caller that keeps the resampled copies (SpeechTask):
// the speed factor for one utterance (1 when speed perturbation is off, drawing nothing);
double draw_speed(const AugmentOptions& o, Rng& rng);
// the utterance f times faster (resampled); the wave itself at f = 1 or if nothing is left;
std::vector<float> at_speed(const std::vector<float>& wave, double f);
// the tilt, in place (drawing nothing when o.tilt is 0);
void tilt_spectrum(std::vector<float>& wave, const AugmentOptions& o, Rng& rng);
// the noise and gain, in place.
void add_noise_and_gain(std::vector<float>& wave, const AugmentOptions& o, Rng& rng);
// The factors --speed-perturb picks from.
inline constexpr double kSpeedFactors[3] = {0.9, 1.0, 1.1};
// VTLP's mel warp factor for one utterance (1 when o.vtlp is 0, drawing nothing).
double draw_mel_warp(const AugmentOptions& o, Rng& rng);
// In place on features (T, F): masked spans are set to 0 (the mean after CMVN).
void spec_augment(Tensor& feats, const AugmentOptions& o, Rng& rng);

}  // namespace attn::audio
