// Audio reading: formats and bit depths through libsndfile, the int16 scale, downmix and
// --channel, resampling, block reading, and every bad input giving an attn::Error that names
// the file.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include <sndfile.h>
#include <unistd.h>

#include "attn/audio/pipeline.h"
#include "attn/audio/reader.h"
#include "attn/error.h"

namespace fs = std::filesystem;
using namespace attn::audio;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("attn_audio_test_" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

// Writes interleaved samples in [-1, 1] with libsndfile.
void write_audio(const std::string& path, const std::vector<float>& interleaved, int rate,
                 int channels, int format) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = format;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  REQUIRE_MESSAGE(f != nullptr, sf_strerror(nullptr));
  sf_command(f, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  REQUIRE(sf_writef_float(f, interleaved.data(), sf_count_t(interleaved.size() / channels)) ==
          sf_count_t(interleaved.size() / channels));
  sf_close(f);
}

std::vector<float> sine(int n, double hz, int rate, double amplitude) {
  std::vector<float> x(n);
  for (int i = 0; i < n; ++i) x[i] = float(amplitude * std::sin(2 * std::numbers::pi * hz * i / rate));
  return x;
}

std::vector<float> read_all(const std::string& path, const ReadOptions& o = {}) {
  AudioReader r(path, o);
  std::vector<float> out(size_t(r.frames()) + 10);
  int64_t got = 0;
  while (int64_t n = r.read(out.data() + got, int64_t(out.size()) - got)) got += n;
  out.resize(size_t(got));
  return out;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const attn::Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("every format is read on the int16 scale") {
  TempDir dir;
  const std::vector<float> x = sine(4000, 440, 8000, 0.5);
  struct Case {
    const char* name;
    int format;
    double tolerance;  // in int16 units
  } cases[] = {
      {"a.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1.0},   {"b.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_24, 0.01},
      {"c.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_32, 0.01},  {"d.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 0.01},
      {"e.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_U8, 260.0}, {"f.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 1.0},
      {"g.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_24, 0.01}, {"h.ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS, 1500.0},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    write_audio(dir.file(c.name), x, 8000, 1, c.format);
    const std::vector<float> y = read_all(dir.file(c.name));
    REQUIRE(y.size() == x.size());
    double worst = 0;
    for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::abs(double(y[i]) - 32768.0 * x[i]));
    CHECK(worst <= c.tolerance);
  }
}

TEST_CASE("stereo is averaged, or one channel is taken") {
  TempDir dir;
  std::vector<float> st;
  for (int i = 0; i < 100; ++i) {
    st.push_back(0.25f);
    st.push_back(-0.5f);
  }
  write_audio(dir.file("s.wav"), st, 16000, 2, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  CHECK(read_all(dir.file("s.wav"))[7] == doctest::Approx(-0.125 * 32768));
  CHECK(read_all(dir.file("s.wav"), {.channel = 0})[7] == doctest::Approx(0.25 * 32768));
  CHECK(read_all(dir.file("s.wav"), {.channel = 1})[7] == doctest::Approx(-0.5 * 32768));
  CHECK(error_of([&] { read_all(dir.file("s.wav"), {.channel = 2}); }).find("no channel 2") != std::string::npos);
}

TEST_CASE("resampling keeps the tone and the duration") {
  TempDir dir;
  write_audio(dir.file("t.wav"), sine(8000, 1000, 8000, 0.5), 8000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  AudioOptions o;
  o.sample_frequency = 16000;
  const std::vector<float> y = read_audio(dir.file("t.wav"), o);
  CHECK(std::abs(int64_t(y.size()) - 16000) <= 2);
  // Away from the edges the output is the 1 kHz sine at 16 kHz.
  double worst = 0;
  for (int i = 2000; i < 14000; ++i) {
    double best = 1e9;  // allow the filter's sub-sample delay: compare to the nearest phase
    for (double d = -2; d <= 2; d += 0.05)
      best = std::min(best, std::abs(y[i] - 16384.0 * std::sin(2 * std::numbers::pi * 1000 * (i + d) / 16000)));
    worst = std::max(worst, best);
  }
  CHECK(worst < 200.0);
  o.resample = false;
  CHECK(error_of([&] { read_audio(dir.file("t.wav"), o); }).find("sample rate 8000 Hz differs") != std::string::npos);
}

TEST_CASE("a resampled stream equals the whole file resampled at once") {
  TempDir dir;
  write_audio(dir.file("long.wav"), sine(100000, 300, 22050, 0.3), 22050, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  AudioOptions o;
  o.sample_frequency = 16000;
  const std::vector<float> streamed = read_audio(dir.file("long.wav"), o);
  const std::vector<float> whole = resample(read_all(dir.file("long.wav")), 22050, 16000);
  REQUIRE(streamed.size() == whole.size());
  for (size_t i = 0; i < whole.size(); i += 97) CHECK(streamed[i] == doctest::Approx(whole[i]).epsilon(1e-4).scale(1));
}

TEST_CASE("streamed features with per-utterance CMVN (and VAD) equal the whole utterance's") {
  // A short file's frames are kept from the statistics pass (one sink call); a long one's
  // (70 s of 39 features, past the 1 MiB kept) come from a second pass (VAD: a third), block by
  // block.
  TempDir dir;
  PipelineOptions p;
  p.features.frame.sample_frequency = 8000;
  p.deltas.order = 2;
  p.cmvn = CmvnMode::Utterance;
  p.norm_vars = true;
  for (const int seconds : {1, 70}) {
    std::vector<float> wave = sine(8000 * seconds, 440, 8000, 0.5);
    for (size_t i = 0; i < wave.size(); ++i)  // changing loudness, and 0.25 s of silence every 3 s
      wave[i] *= (i % 24000) < 2000 ? 0.0f : float(0.2 + 0.8 * (i % 24000) / 24000.0);
    write_audio(dir.file("w.wav"), wave, 8000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    int64_t all_frames = 0;
    for (const bool vad : {false, true}) {
      CAPTURE(seconds);
      CAPTURE(vad);
      p.vad.enabled = vad;
      const attn::Tensor whole = compute_file_features(dir.file("w.wav"), p);
      std::vector<float> streamed;
      int calls = 0;
      compute_file_features(dir.file("w.wav"), p, [&](const float* rows, int64_t n) {
        streamed.insert(streamed.end(), rows, rows + n * p.dim());
        ++calls;
      });
      CHECK(streamed == whole.storage());
      if (seconds == 1) CHECK(calls == 1);
      else CHECK(calls > 10);
      if (!vad) all_frames = whole.dim(0);
      else CHECK(whole.dim(0) < all_frames - 20 * seconds / 3);  // the silences are gone
    }
  }
}

TEST_CASE("bad audio files give errors naming the file") {
  TempDir dir;
  { std::ofstream(dir.file("text.wav")) << "hello, not audio\n"; }
  CHECK(error_of([&] { AudioReader r(dir.file("text.wav")); }).find(dir.file("text.wav") + ": not an audio file") == 0);
  CHECK(error_of([&] { AudioReader r(dir.file("missing.wav")); }) == dir.file("missing.wav") + ": No such file or directory");

  write_audio(dir.file("ok.wav"), sine(1000, 440, 8000, 0.5), 8000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  std::string bytes;
  {
    std::ifstream in(dir.file("ok.wav"), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  { std::ofstream(dir.file("trunc.wav"), std::ios::binary) << bytes.substr(0, 30); }
  CHECK(error_of([&] { AudioReader r(dir.file("trunc.wav")); }).find(dir.file("trunc.wav") + ": ") == 0);

  std::vector<float> nan = sine(1000, 440, 8000, 0.5);
  nan[500] = std::numeric_limits<float>::quiet_NaN();
  write_audio(dir.file("nan.wav"), nan, 8000, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  CHECK(error_of([&] { read_all(dir.file("nan.wav")); }).find(dir.file("nan.wav") + ": NaN or Inf sample at 0.062 s") == 0);
  std::vector<float> inf = sine(1000, 440, 8000, 0.5);
  inf[999] = std::numeric_limits<float>::infinity();
  write_audio(dir.file("inf.wav"), inf, 8000, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  CHECK(error_of([&] { read_all(dir.file("inf.wav")); }).find("NaN or Inf") != std::string::npos);

  write_audio(dir.file("empty.wav"), {}, 8000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  PipelineOptions p;
  p.features.frame.sample_frequency = 8000;
  CHECK(error_of([&] { compute_file_features(dir.file("empty.wav"), p); }) == dir.file("empty.wav") + ": no audio samples");
  write_audio(dir.file("short.wav"), sine(150, 440, 8000, 0.5), 8000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  CHECK(error_of([&] { compute_file_features(dir.file("short.wav"), p); }).find("audio shorter than one frame (150 samples; a frame is 200") != std::string::npos);

  ReadOptions limit;
  limit.max_seconds = 0.1;
  CHECK(error_of([&] { AudioReader r(dir.file("ok.wav"), limit); }).find("longer than the limit") != std::string::npos);
}

TEST_CASE("audio in memory reads as the file does") {
  TempDir dir;
  write_audio(dir.file("m.flac"), sine(3000, 440, 8000, 0.5), 8000, 1, SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
  std::ifstream in(dir.file("m.flac"), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  AudioReader r = AudioReader::from_memory(bytes.data(), bytes.size(), "m.flac");
  std::vector<float> y(4000);
  int64_t got = 0;
  while (int64_t n = r.read(y.data() + got, 4000 - got)) got += n;
  y.resize(size_t(got));
  CHECK(y == read_all(dir.file("m.flac")));
  CHECK(error_of([&] { AudioReader::from_memory(bytes.data(), 20, "cut.flac"); }).find("cut.flac: ") == 0);
}
