// attn-bench-speech: MFCC real-time factor on a recording (the library's Kaldi MFCC over the
// waveform in memory, one thread) and the speech encoder's frames per second at T = 1000 and
// T = 100000 input frames (default model shape, random weights; chunked truncated attention).
//
// With --utterances LIST (one WAV path a line) it also times MFCC over those recordings one call
// per utterance, as a user computes features file by file (the waveforms read beforehand).
//
// Usage: attn-bench-speech WAV [--seconds S] [--utterances LIST]
// Output: "mfcc_rtf <rtf> <audio seconds>", "mfcc_utt_rtf <rtf> <audio seconds> <utterances>" and
// "encoder_fps <T> <frames per second>" lines, read by tests/bench/speech/run_speech_bench.sh.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "attn/audio/features.h"
#include "attn/audio/reader.h"
#include "attn/audio/speech_classifier.h"
#include "attn/parallel.h"
#include "attn/rng.h"

namespace {

using Clock = std::chrono::steady_clock;

// Best wall time of one call over 5 rounds (the least disturbed by other processes).
template <class F>
double best_seconds(F&& f, double seconds) {
  f();
  double best = 1e30;
  for (int round = 0; round < 5; ++round) {
    int calls = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    do {
      f();
      ++calls;
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < seconds / 5);
    best = std::min(best, elapsed / calls);
  }
  return best;
}

std::vector<float> read_all(const std::string& path) {
  attn::audio::AudioReader reader(path);
  std::vector<float> wave(size_t(reader.frames()));
  int64_t got = 0;
  while (int64_t n = reader.read(wave.data() + got, int64_t(wave.size()) - got)) got += n;
  wave.resize(size_t(got));
  return wave;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: attn-bench-speech WAV [--seconds S]\n");
    return 2;
  }
  double seconds = 5.0;
  std::string utterances;
  for (int i = 2; i + 1 < argc; ++i) {
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
    if (!std::strcmp(argv[i], "--utterances")) utterances = argv[i + 1];
  }
  attn::set_threads(1);
  try {
    const attn::audio::AudioReader reader(argv[1]);
    const std::vector<float> wave = read_all(argv[1]);
    attn::audio::FeatureOptions o = attn::audio::default_feature_options(attn::audio::FeatureKind::Mfcc);
    o.frame.sample_frequency = float(reader.sample_rate());
    const attn::audio::FeatureComputer mfcc(o);
    const double audio_seconds = double(wave.size()) / reader.sample_rate();
    const double t = best_seconds([&] { mfcc.compute(wave.data(), int64_t(wave.size())); }, seconds);
    std::printf("mfcc_rtf %.6f %.1f\n", t / audio_seconds, audio_seconds);
    if (!utterances.empty()) {
      std::ifstream list(utterances);
      std::vector<std::vector<float>> waves;
      double utt_seconds = 0;
      for (std::string path; std::getline(list, path);) {
        if (path.empty()) continue;
        waves.push_back(read_all(path));
        utt_seconds += double(waves.back().size()) / reader.sample_rate();
      }
      const double u = best_seconds([&] {
        for (const std::vector<float>& w : waves) mfcc.compute(w.data(), int64_t(w.size()));
      }, seconds);
      std::printf("mfcc_utt_rtf %.6f %.1f %zu\n", u / utt_seconds, utt_seconds, waves.size());
    }

    attn::audio::SpeechModelConfig c;
    c.input_dim = 39;
    c.num_labels = 10;
    attn::audio::SpeechClassifier model(c);
    attn::Rng rng(1);
    model.init(rng);
    for (int64_t T : {int64_t(1000), int64_t(100000)}) {
      std::vector<float> x(size_t(T) * 39);
      for (float& v : x) v = rng.normal();
      const double e = best_seconds([&] { model.encode(x.data(), T, [](const float*, int64_t) {}); }, seconds);
      std::printf("encoder_fps %lld %.0f\n", static_cast<long long>(T), double(T) / e);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "attn-bench-speech: %s\n", e.what());
    return 1;
  }
  return 0;
}
