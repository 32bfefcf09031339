// VTLP (vocal-tract-length perturbation): the warp of the mel filters' frequency axis and its
// seeded draw per utterance.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "attn/audio/augment.h"
#include "attn/audio/features.h"
#include "attn/rng.h"

using namespace attn::audio;

namespace {

FeatureOptions fbank_8k() {
  FeatureOptions o = default_feature_options(FeatureKind::Fbank);
  o.frame.sample_frequency = 8000.0f;
  return o;
}

// The mel bin holding the most energy of a pure tone of `hz` (one frame of fbank features).
int loudest_bin(const FeatureComputer& c, double hz) {
  const int len = c.options().frame.window_size();
  std::vector<float> tone(len);
  for (int i = 0; i < len; ++i) tone[i] = float(1000.0 * std::sin(2 * std::numbers::pi * hz * i / 8000.0));
  std::vector<float> out(c.dim());
  FeatureScratch scratch;
  c.compute_frame(tone.data(), out.data(), scratch, nullptr);
  return int(std::max_element(out.begin(), out.end()) - out.begin());
}

}  // namespace

TEST_CASE("the VTLP warp scales low frequencies and keeps 0 and the top edge fixed") {
  for (double w : {0.9, 1.1}) {
    CHECK(vtlp_warp_frequency(0.0, w, 4000.0) == doctest::Approx(0.0));
    CHECK(vtlp_warp_frequency(4000.0, w, 4000.0) == doctest::Approx(4000.0));
    CHECK(vtlp_warp_frequency(1000.0, w, 4000.0) == doctest::Approx(1000.0 * w));
    double last = -1.0;
    for (double f = 0.0; f <= 4000.0; f += 10.0) {  // monotone: no two bins swap places
      const double g = vtlp_warp_frequency(f, w, 4000.0);
      CHECK(g > last);
      CHECK(g <= 4000.0 + 1e-9);
      last = g;
    }
  }
  CHECK(vtlp_warp_frequency(2500.0, 1.0, 4000.0) == doctest::Approx(2500.0));
}

TEST_CASE("mel filters: warp 1 is Kaldi's; warp w shows a tone of f where an unwarped bank shows w f") {
  const FeatureOptions o = fbank_8k();
  CHECK(mel_banks(o.frame, o.mel, 1.0) == mel_banks(o.frame, o.mel));
  CHECK(mel_banks(o.frame, o.mel, 1.1) != mel_banks(o.frame, o.mel));
  const FeatureComputer plain(o), up(o, 1.1), down(o, 0.9);
  CHECK(loudest_bin(up, 1000.0) == loudest_bin(plain, 1100.0));
  CHECK(loudest_bin(down, 1000.0) == loudest_bin(plain, 900.0));
  CHECK(loudest_bin(up, 1000.0) > loudest_bin(down, 1000.0));
}

TEST_CASE("the warp factor per utterance: seeded, within [1-R, 1+R], and 1 (drawing nothing) when off") {
  AugmentOptions o;
  attn::Rng a(7), b(7);
  CHECK(draw_mel_warp(o, a) == 1.0);
  CHECK(a.below(1000000) == b.below(1000000));  // nothing drawn: both generators still agree
  CHECK_FALSE(o.recomputes_features());
  o.vtlp = 0.1f;
  CHECK(o.recomputes_features());
  double lo = 2.0, hi = 0.0;
  for (int i = 0; i < 200; ++i) {
    const double w = draw_mel_warp(o, a);
    CHECK(w == draw_mel_warp(o, b));
    lo = std::min(lo, w), hi = std::max(hi, w);
  }
  CHECK(lo >= 0.9 - 1e-6);
  CHECK(hi <= 1.1 + 1e-6);
  CHECK(hi - lo > 0.15);  // the draws spread over the range
}
