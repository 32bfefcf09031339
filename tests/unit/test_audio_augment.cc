// Waveform augmentation for speech training: the random silence at each end of an utterance.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "attn/audio/augment.h"
#include "attn/rng.h"

using namespace attn::audio;

TEST_CASE("pad-silence: zeros at each end within [0, MS], the utterance unchanged between, seeded") {
  const std::vector<float> speech(400, 1000.0f);
  AugmentOptions o;
  o.pad_ms = 50.0f;  // at most 400 samples at 8 kHz
  CHECK(o.any_wave());
  attn::Rng a(3), b(3);
  size_t most = 0, least = 10000;
  for (int i = 0; i < 100; ++i) {
    std::vector<float> x = speech, y = speech;
    augment_wave(x, 8000.0, o, a);
    augment_wave(y, 8000.0, o, b);
    CHECK(x == y);
    const size_t lead = size_t(std::find(x.begin(), x.end(), 1000.0f) - x.begin());
    REQUIRE(x.size() >= lead + speech.size());
    const size_t trail = x.size() - lead - speech.size();
    CHECK(std::equal(speech.begin(), speech.end(), x.begin() + lead));
    CHECK(std::all_of(x.begin(), x.begin() + lead, [](float v) { return v == 0.0f; }));
    CHECK(std::all_of(x.end() - trail, x.end(), [](float v) { return v == 0.0f; }));
    most = std::max({most, lead, trail});
    least = std::min({least, lead, trail});
  }
  CHECK(most <= 400);
  CHECK(most > 300);  // the draws spread over the range
  CHECK(least < 100);

  AugmentOptions off;  // no padding: nothing drawn, the wave untouched
  std::vector<float> x = speech;
  attn::Rng c(5), d(5);
  augment_wave(x, 8000.0, off, c);
  CHECK(x == speech);
  CHECK(c.below(1000000) == d.below(1000000));
}
