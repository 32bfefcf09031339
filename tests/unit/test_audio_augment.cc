// Waveform augmentation: speed perturbation by resampling, the spectral tilt's filter, and
// augment_wave as the sum of its steps (SpeechTask runs the steps itself, with the resampled copies kept).
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <set>
#include <vector>

#include "attn/audio/augment.h"
#include "attn/rng.h"

using namespace attn::audio;

namespace {

std::vector<float> tone(int n, double cycles_per_sample) {
  std::vector<float> w(n);
  for (int i = 0; i < n; ++i) w[i] = float(1000.0 * std::sin(2 * std::numbers::pi * cycles_per_sample * (i + 0.5)));
  return w;
}

int sign_changes(const std::vector<float>& w) {
  int n = 0;
  for (size_t i = 1; i < w.size(); ++i) n += (w[i - 1] < 0) != (w[i] < 0);
  return n;
}

}  // namespace

TEST_CASE("at_speed: f times faster is 1/f as long with the same cycles; 1 keeps the wave") {
  const std::vector<float> w = tone(8000, 0.0125);  // 100 cycles
  CHECK(at_speed(w, 1.0) == w);
  for (double f : {0.9, 1.1}) {
    CAPTURE(f);
    const std::vector<float> out = at_speed(w, f);
    CHECK(double(out.size()) == doctest::Approx(8000 / f).epsilon(0.01));
    CHECK(sign_changes(out) == doctest::Approx(sign_changes(w)).epsilon(0.03));
  }
}

TEST_CASE("draw_speed: 0.9, 1.0 or 1.1, or a range; 1 drawing nothing when off") {
  AugmentOptions o;
  attn::Rng a(3), b(3);
  CHECK(draw_speed(o, a) == 1.0);
  CHECK(a.below(1000000) == b.below(1000000));  // nothing drawn
  o.speed = true;
  std::set<double> seen;
  for (int i = 0; i < 100; ++i) seen.insert(draw_speed(o, a));
  CHECK(seen == std::set<double>{0.9, 1.0, 1.1});
  o.speed_range = 0.2f;
  for (int i = 0; i < 100; ++i) {
    const double f = draw_speed(o, a);
    CHECK(f >= 0.8 - 1e-6);
    CHECK(f <= 1.2 + 1e-6);
  }
}

TEST_CASE("augment_wave is draw_speed, at_speed and add_noise_and_gain in turn, seed for seed") {
  const std::vector<float> w = tone(4000, 0.03);
  for (bool range : {false, true}) {
    CAPTURE(range);
    AugmentOptions o;
    o.speed = !range;
    o.speed_range = range ? 0.1f : 0.0f;
    o.noise_prob = 0.5f;
    o.gain_db = 6.0f;
    o.tilt = 0.5f;
    for (uint64_t seed = 1; seed <= 12; ++seed) {
      attn::Rng a(seed), b(seed);
      std::vector<float> whole = w;
      augment_wave(whole, o, a);
      std::vector<float> steps = at_speed(w, draw_speed(o, b));
      tilt_spectrum(steps, o, b);
      add_noise_and_gain(steps, o, b);
      CHECK(whole == steps);
      CHECK(a.below(1000000) == b.below(1000000));  // the same draws were made
    }
  }
  AugmentOptions o;
  o.speed = true;
  o.noise_prob = 1.0f;
  std::vector<float> empty;
  attn::Rng a(1), b(1);
  augment_wave(empty, o, a);
  CHECK(empty.empty());
  CHECK(a.below(1000000) == b.below(1000000));  // an empty wave draws nothing
}

// Power of w, (sum of squares) / n.
double power(const std::vector<float>& w) {
  double p = 0;
  for (float x : w) p += double(x) * x;
  return p / double(w.size());
}

TEST_CASE("tilt_spectrum: x[n] - a x[n-1] with a in [-R, R], which trades low against high frequencies") {
  const std::vector<float> low = tone(4000, 0.01), high = tone(4000, 0.45);
  AugmentOptions o;
  attn::Rng a(5), b(5);
  std::vector<float> same = low;
  tilt_spectrum(same, o, a);  // off
  CHECK(same == low);
  CHECK(a.below(1000000) == b.below(1000000));  // nothing drawn
  o.tilt = 0.5f;
  bool brighter = false, duller = false;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    attn::Rng r1(seed), r2(seed);
    std::vector<float> l = low, h = high;
    tilt_spectrum(l, o, r1);
    tilt_spectrum(h, o, r2);  // the same a for both
    const float coef = (low[1] - l[1]) / low[0];
    CHECK(coef >= -0.5f - 1e-4f);
    CHECK(coef <= 0.5f + 1e-4f);
    CHECK(l[0] == low[0]);
    for (size_t n = 1; n < low.size(); ++n) CHECK(l[n] == doctest::Approx(low[n] - coef * low[n - 1]).epsilon(1e-4));
    // Gain |1 - a e^{-iw}| = sqrt(1 + a^2 - 2a cos w): about 1 - a at 0.01 cycles per sample,
    // about 1 + a at 0.45.
    const auto gain = [&](double cycles) { return std::sqrt(1 + coef * coef - 2 * coef * std::cos(2 * std::numbers::pi * cycles)); };
    CHECK(std::sqrt(power(l) / power(low)) == doctest::Approx(gain(0.01)).epsilon(0.01));
    CHECK(std::sqrt(power(h) / power(high)) == doctest::Approx(gain(0.45)).epsilon(0.01));
    brighter |= coef > 0.2f;
    duller |= coef < -0.2f;
  }
  CHECK(brighter);
  CHECK(duller);
}
