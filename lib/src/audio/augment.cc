#include "attn/audio/augment.h"

#include <algorithm>
#include <cmath>

#include "attn/audio/reader.h"

namespace attn::audio {

void augment_wave(std::vector<float>& wave, const AugmentOptions& o, Rng& rng) {
  if (wave.empty()) return;
  const double f = draw_speed(o, rng);
  if (f != 1.0) wave = at_speed(wave, f);
  tilt_spectrum(wave, o, rng);
  add_noise_and_gain(wave, o, rng);
}

void tilt_spectrum(std::vector<float>& wave, const AugmentOptions& o, Rng& rng) {
  if (wave.empty() || o.tilt <= 0.0f) return;
  // |H| runs from 1 - a at 0 Hz to 1 + a at the Nyquist frequency: a > 0 brightens, a < 0 dulls.
  const float a = rng.uniform(-o.tilt, o.tilt);
  for (size_t n = wave.size() - 1; n > 0; --n) wave[n] -= a * wave[n - 1];  // backwards: x[n-1] is still the input
}

double draw_speed(const AugmentOptions& o, Rng& rng) {
  if (o.speed_range > 0.0f) return 1.0 + o.speed_range * rng.uniform(-1.0f, 1.0f);
  return o.speed ? kSpeedFactors[rng.below(3)] : 1.0;
}

std::vector<float> at_speed(const std::vector<float>& wave, double f) {
  if (f == 1.0) return wave;
  // Speed factor f plays the audio f times faster: resample from f*rate to rate.
  std::vector<float> faster = resample(wave, 16000.0 * f, 16000.0);
  return faster.empty() ? wave : faster;
}

void add_noise_and_gain(std::vector<float>& wave, const AugmentOptions& o, Rng& rng) {
  if (wave.empty()) return;
  if (o.noise_prob > 0.0f && rng.uniform() < o.noise_prob) {
    double power = 0;
    for (float x : wave) power += double(x) * x;
    power /= double(wave.size());
    const double snr = o.snr_min + (o.snr_max - o.snr_min) * rng.uniform();
    std::vector<float> noise(wave.size());
    if (o.noise_clips && !o.noise_clips->empty()) {
      const std::vector<float>& clip = (*o.noise_clips)[rng.below(o.noise_clips->size())];
      size_t at = clip.empty() ? 0 : size_t(rng.below(clip.size()));
      for (float& n : noise) {  // a random start, looped
        n = clip.empty() ? 0.0f : clip[at];
        if (++at >= clip.size()) at = 0;
      }
    } else {
      for (float& n : noise) n = rng.normal();
    }
    double noise_power = 0;
    for (float n : noise) noise_power += double(n) * n;
    noise_power /= double(noise.size());
    if (noise_power > 0 && power > 0) {
      const float scale = float(std::sqrt(power / (noise_power * std::pow(10.0, snr / 10.0))));
      for (size_t i = 0; i < wave.size(); ++i) wave[i] += scale * noise[i];
    }
  }
  if (o.gain_db > 0.0f) {
    const float g = float(std::pow(10.0, rng.uniform(-o.gain_db, o.gain_db) / 20.0));
    for (float& x : wave) x *= g;
  }
}

double draw_mel_warp(const AugmentOptions& o, Rng& rng) {
  return o.vtlp > 0.0f ? 1.0 + double(o.vtlp) * rng.uniform(-1.0f, 1.0f) : 1.0;
}

void spec_augment(Tensor& feats, const AugmentOptions& o, Rng& rng) {
  const int64_t T = feats.dim(0), F = feats.dim(1);
  for (int m = 0; m < o.time_masks && o.time_width > 0 && T > 1; ++m) {
    const int64_t w = int64_t(rng.below(uint64_t(std::min<int64_t>(o.time_width, T / 2) + 1)));
    const int64_t t0 = int64_t(rng.below(uint64_t(T - w + 1)));
    std::fill(feats.data() + t0 * F, feats.data() + (t0 + w) * F, 0.0f);
  }
  for (int m = 0; m < o.freq_masks && o.freq_width > 0; ++m) {
    const int64_t w = int64_t(rng.below(uint64_t(std::min<int64_t>(o.freq_width, F) + 1)));
    const int64_t f0 = int64_t(rng.below(uint64_t(F - w + 1)));
    for (int64_t t = 0; t < T; ++t) std::fill(feats.data() + t * F + f0, feats.data() + t * F + f0 + w, 0.0f);
  }
}

}  // namespace attn::audio
