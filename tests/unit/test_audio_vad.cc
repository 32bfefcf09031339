// Energy VAD with Kaldi's compute-vad semantics, whole and streamed, and the voiced frames'
// selection.
#include <doctest/doctest.h>

#include <vector>

#include "attn/audio/pipeline.h"
#include "attn/audio/vad.h"
#include "attn/error.h"
#include "attn/rng.h"

using namespace attn::audio;

namespace {

// T frames of D features whose column 0 (the log energy) is `energy`, the others the index.
attn::Tensor frames_with_energy(const std::vector<float>& energy, int D) {
  attn::Tensor x({int64_t(energy.size()), D});
  for (size_t t = 0; t < energy.size(); ++t) {
    x[t * D] = energy[t];
    for (int d = 1; d < D; ++d) x[t * D + d] = float(t * 10 + d);
  }
  return x;
}

}  // namespace

TEST_CASE("compute-vad: above the threshold, which adds half the mean log energy by default") {
  // Mean 10: the threshold is 5 + 0.5 * 10 = 10, and a frame must be strictly above it.
  const attn::Tensor x = frames_with_energy({2, 10, 18, 12, 2, 16}, 1);
  VadOptions o;
  CHECK(vad_threshold(o, 60.0, 6) == doctest::Approx(10.0));
  CHECK(vad_decisions(x, o) == std::vector<bool>{false, false, true, true, false, true});
  o.energy_mean_scale = 0;  // the threshold alone: 5
  CHECK(vad_decisions(x, o) == std::vector<bool>{false, true, true, true, false, true});
}

TEST_CASE("compute-vad: with context, the share of frames above the threshold around each frame") {
  // Threshold 5 (no mean scale); context 1, proportion 0.6: at least 2 of 3 (1 of 2 at the edges,
  // where the window is clipped: 2 * 0.6 = 1.2 needs 2).
  VadOptions o;
  o.energy_mean_scale = 0;
  o.frames_context = 1;
  const attn::Tensor x = frames_with_energy({9, 0, 9, 9, 0, 0, 9, 0}, 1);
  CHECK(vad_decisions(x, o) == std::vector<bool>{false, true, true, true, false, false, false, false});
  o.proportion_threshold = 0.3f;  // 1 of 3 (1 of 2 at the edges) suffices
  CHECK(vad_decisions(x, o) == std::vector<bool>{true, true, true, true, true, true, true, true});
}

TEST_CASE("select_voiced_frames keeps the voiced rows whole and in order, and never empties an utterance") {
  VadOptions o;
  o.energy_mean_scale = 0;
  const attn::Tensor x = frames_with_energy({0, 9, 0, 9, 9}, 3);
  const attn::Tensor kept = select_voiced_frames(x, o);
  REQUIRE(kept.shape() == std::vector<int64_t>{3, 3});
  const std::vector<float> want{9, 11, 12, 9, 31, 32, 9, 41, 42};
  CHECK(kept.storage() == want);
  const attn::Tensor silent = frames_with_energy({0, 1, 2}, 3);
  CHECK(select_voiced_frames(silent, o).storage() == silent.storage());
}

TEST_CASE("streamed VAD equals the whole utterance's, whatever the blocks") {
  attn::Rng rng(5);
  std::vector<float> energy(300);
  for (float& e : energy) e = rng.uniform(0, 20);
  const attn::Tensor x = frames_with_energy(energy, 4);
  VadOptions o;
  o.frames_context = 2;
  o.proportion_threshold = 0.5f;
  const attn::Tensor whole = select_voiced_frames(x, o);
  REQUIRE(whole.dim(0) > 50);
  REQUIRE(whole.dim(0) < 250);
  double sum = 0;
  for (float e : energy) sum += e;
  for (int block : {1, 2, 7, 300}) {
    CAPTURE(block);
    VadStream s(4, o, vad_threshold(o, sum, 300));
    std::vector<float> out;
    for (int t = 0; t < 300; t += block) s.push(x.data() + t * 4, std::min(block, 300 - t), out);
    s.finish(out);
    CHECK(s.voiced() == whole.dim(0));
    CHECK(out == whole.storage());
  }
}

TEST_CASE("VAD options out of range are refused by name") {
  VadOptions o;
  o.proportion_threshold = 1.0f;
  CHECK_THROWS_WITH_AS(o.validate(), doctest::Contains("--vad-proportion-threshold 1"), attn::Error);
  o = {};
  o.frames_context = -1;
  CHECK_THROWS_WITH_AS(o.validate(), doctest::Contains("--vad-frames-context -1"), attn::Error);
}

TEST_CASE("PipelineOptions::validate: VAD needs the log energy in column 0, --norm-vars needs CMVN") {
  PipelineOptions p;
  CHECK_NOTHROW(p.validate());
  p.vad.enabled = true;
  CHECK_NOTHROW(p.validate());  // mfcc: C0 or the energy
  p.features.htk_compat = true;
  CHECK_THROWS_AS(p.validate(), attn::Error);
  p.features = default_feature_options(FeatureKind::Fbank);
  p.features.use_energy = false;
  CHECK_THROWS_AS(p.validate(), attn::Error);
  p.features.use_energy = true;
  CHECK_NOTHROW(p.validate());
  p.vad.proportion_threshold = 1.5f;
  CHECK_THROWS_AS(p.validate(), attn::Error);
  p.vad = {};
  p.norm_vars = true;
  CHECK_THROWS_AS(p.validate(), attn::Error);
  p.cmvn = CmvnMode::Utterance;
  CHECK_NOTHROW(p.validate());
}
