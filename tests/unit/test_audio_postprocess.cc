// add-deltas and per-utterance CMVN as Kaldi defines them, whole and streamed.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "attn/audio/postprocess.h"
#include "attn/rng.h"

using namespace attn::audio;

TEST_CASE("delta filters are Kaldi's") {
  const auto s = delta_scales({.order = 2, .window = 2});
  REQUIRE(s.size() == 3);
  CHECK(s[1] == std::vector<float>{-0.2f, -0.1f, 0.0f, 0.1f, 0.2f});
  REQUIRE(s[2].size() == 9);
  // The second-order filter is the first convolved with itself: centre (sum j^2 / 10^2) negated.
  CHECK(s[2][4] == doctest::Approx(-0.1));
  CHECK(s[2][0] == doctest::Approx(0.04));
  float sum = 0;
  for (float v : s[2]) sum += v;
  CHECK(sum == doctest::Approx(0.0).scale(1));
}

TEST_CASE("deltas of a ramp: slope 1 inside, clamped frames at the edges") {
  attn::Tensor x({12, 1});
  for (int t = 0; t < 12; ++t) x[t] = float(t);
  const attn::Tensor d = add_deltas(x, {.order = 2, .window = 2});
  REQUIRE(d.shape() == std::vector<int64_t>{12, 3});
  for (int t = 4; t < 8; ++t) {
    CHECK(d[t * 3 + 0] == float(t));
    CHECK(d[t * 3 + 1] == doctest::Approx(1.0));
    CHECK(d[t * 3 + 2] == doctest::Approx(0.0).scale(1));
  }
  // Frame 0: neighbours -2, -1 repeat frame 0: (-2*0 - 1*0 + 0 + 1 + 2*2) / 10.
  CHECK(d[1] == doctest::Approx(0.5));
  CHECK(d[11 * 3 + 1] == doctest::Approx(0.5));
  CHECK(add_deltas(x, {.order = 1, .window = 2}).shape() == std::vector<int64_t>{12, 2});
}

TEST_CASE("streamed deltas equal the whole utterance's, whatever the blocks") {
  attn::Rng rng(3);
  attn::Tensor x({57, 13});
  for (float& v : x.storage()) v = rng.uniform(-5, 5);
  const attn::Tensor whole = add_deltas(x, {.order = 2, .window = 2});
  for (int block : {1, 3, 8, 57}) {
    DeltaStream s(13, {.order = 2, .window = 2});
    std::vector<float> out;
    for (int t = 0; t < 57; t += block) s.push(x.data() + t * 13, std::min(block, 57 - t), out);
    s.finish(out);
    REQUIRE(out.size() == whole.storage().size());
    CHECK(out == whole.storage());
  }
  // Fewer frames than the context: every neighbour is clamped.
  attn::Tensor one({1, 2});
  one[0] = 3;
  one[1] = -1;
  const attn::Tensor d = add_deltas(one, {.order = 2, .window = 2});
  const std::vector<float> want{3, -1, 0, 0, 0, 0};
  for (int i = 0; i < 6; ++i) CHECK(d[i] == doctest::Approx(want[i]).scale(1));
}

TEST_CASE("per-utterance CMVN: zero mean, unit variance with norm_vars") {
  attn::Rng rng(5);
  attn::Tensor x({200, 4});
  for (int t = 0; t < 200; ++t)
    for (int d = 0; d < 4; ++d) x[t * 4 + d] = 10.0f * d + (d + 1) * rng.normal();
  attn::Tensor m = x;
  apply_cmvn(m, false);
  attn::Tensor v = x;
  apply_cmvn(v, true);
  for (int d = 0; d < 4; ++d) {
    double sm = 0, sv = 0, sv2 = 0;
    for (int t = 0; t < 200; ++t) {
      sm += m[t * 4 + d];
      sv += v[t * 4 + d];
      sv2 += double(v[t * 4 + d]) * v[t * 4 + d];
    }
    CHECK(sm / 200 == doctest::Approx(0.0).scale(1).epsilon(1e-4));
    CHECK(sv2 / 200 - (sv / 200) * (sv / 200) == doctest::Approx(1.0).epsilon(1e-4));
    // Without norm_vars the spread is kept.
    CHECK(m[4 + d] - m[d] == doctest::Approx(x[4 + d] - x[d]).epsilon(1e-4));
  }
  attn::Tensor flat({3, 1}, 2.0f);  // zero variance: floored, no NaN
  apply_cmvn(flat, true);
  for (float f : flat.storage()) CHECK(std::isfinite(f));
}
