// MFCC and fbank against torchaudio.compliance.kaldi on a real recording (8 kHz) and its 16 kHz
// copy: tests/reference/make_speech_fixtures.py wrote the excerpts and one expected (T, F)
// tensor per option combination (in float64). Every case must match to 1e-3 absolute, computed
// both on the whole waveform and streamed in uneven blocks through FrameStream. The one exception
// is linear (not log) fbank energies, which reach 1e9 on the int16 scale where float32 itself
// is only good to about 100: those are compared relative to the tensor's largest value, to 1e-5.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "attn/audio/features.h"
#include "attn/audio/pipeline.h"
#include "attn/audio/reader.h"
#include "attn/checkpoint.h"

namespace fs = std::filesystem;
using namespace attn::audio;

namespace {

constexpr double kTolerance = 1e-3;

fs::path speech_fixtures() {
  if (const char* src = std::getenv("ATTN_SOURCE_DIR"); src && *src)
    return fs::path(src) / "tests" / "fixtures" / "speech";
  return fs::path(__FILE__).parent_path().parent_path() / "fixtures" / "speech";
}

std::vector<float> read_all(AudioReader& reader) {
  std::vector<float> wave(size_t(reader.frames()));
  int64_t got = 0;
  while (int64_t n = reader.read(wave.data() + got, int64_t(wave.size()) - got)) got += n;
  wave.resize(size_t(got));
  return wave;
}

// Largest error, absolute, or relative to the largest |expected| when `relative`.
double max_diff(const float* actual, const float* expected, int64_t n, bool relative) {
  double worst = 0, scale = 1.0;
  for (int64_t i = 0; i < n; ++i) {
    worst = std::max(worst, std::abs(double(actual[i]) - double(expected[i])));
    scale = std::max(scale, std::abs(double(expected[i])));
  }
  return relative ? worst / scale : worst;
}

void check_rate(const std::string& tag, int expected_rate) {
  const fs::path dir = speech_fixtures();
  const auto file = attn::SafeTensorsFile::open((dir / ("kaldi_" + tag + ".safetensors")).string());
  AudioReader reader((dir / file.metadata_value("wav")).string());
  REQUIRE(reader.sample_rate() == expected_rate);
  const std::vector<float> wave = read_all(reader);
  REQUIRE(wave.size() == size_t(reader.frames()));

  const auto cases = nlohmann::json::parse(file.metadata_value("cases"));
  REQUIRE(cases.size() >= 28);
  REQUIRE(cases.size() == file.names().size());
  for (const auto& [name, opts] : cases.items()) {
    CAPTURE(tag);
    CAPTURE(name);
    const FeatureOptions o = feature_options_from_json(opts.dump());
    const attn::Tensor expected = file.tensor(name);
    const bool linear = o.kind == FeatureKind::Fbank && !o.use_log_fbank;
    const double tolerance = linear ? 1e-5 : kTolerance;
    const FeatureComputer computer(o);
    const attn::Tensor whole = computer.compute(wave.data(), int64_t(wave.size()));
    REQUIRE(whole.shape() == expected.shape());
    CHECK(max_diff(whole.data(), expected.data(), expected.size(), linear) <= tolerance);

    // Streamed in blocks of 1, 7, 97, ... samples: the same frames.
    FrameStream stream(computer, 0);
    std::vector<float> rows;
    size_t pos = 0, step = 1;
    while (pos < wave.size()) {
      const size_t n = std::min(step, wave.size() - pos);
      stream.push(wave.data() + pos, int64_t(n), rows);
      pos += n;
      step = step * 7 + 3;
    }
    stream.finish(rows);
    REQUIRE(int64_t(rows.size()) == expected.size());
    CHECK(max_diff(rows.data(), expected.data(), expected.size(), linear) <= tolerance);
  }
}

}  // namespace

TEST_CASE("mfcc and fbank equal torchaudio.compliance.kaldi at 8 kHz") { check_rate("8k", 8000); }
TEST_CASE("mfcc and fbank equal torchaudio.compliance.kaldi at 16 kHz") { check_rate("16k", 16000); }

TEST_CASE("the fixture table covers the option combinations") {
  const auto file = attn::SafeTensorsFile::open((speech_fixtures() / "kaldi_8k.safetensors").string());
  const auto cases = nlohmann::json::parse(file.metadata_value("cases"));
  bool snip_off = false, no_energy = false, windowed_energy = false, lifter0 = false, high_neg = false;
  std::vector<std::string> windows;
  std::vector<int> bins;
  for (const auto& [name, o] : cases.items()) {
    snip_off |= !o["snip_edges"].get<bool>();
    no_energy |= !o["use_energy"].get<bool>();
    windowed_energy |= o["use_energy"].get<bool>() && !o["raw_energy"].get<bool>();
    lifter0 |= o["kind"] == "mfcc" && o["cepstral_lifter"].get<double>() == 0.0;
    high_neg |= o["high_freq"].get<double>() < 0.0;
    windows.push_back(o["window_type"]);
    bins.push_back(o["num_mel_bins"]);
  }
  CHECK((snip_off && no_energy && windowed_energy && lifter0 && high_neg));
  for (const char* w : {"povey", "hamming", "hanning", "rectangular", "blackman"})
    CHECK(std::count(windows.begin(), windows.end(), w) > 0);
  for (int b : {23, 40, 80}) CHECK(std::count(bins.begin(), bins.end(), b) > 0);
}
