// Kaldi's options as the flags hold them (attn/audio/kaldi_options.h): the declared list, and the
// way from flag values to PipelineOptions and back (train --init's settings).
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "attn/audio/augment.h"
#include "attn/audio/feature_output.h"
#include "attn/audio/kaldi_options.h"
#include "attn/audio/speech_classifier.h"
#include "attn/error.h"

using namespace attn;
using namespace attn::audio;

namespace {

// The names a list declares, in order, and (name value) for the fixed ones.
struct Listing {
  std::vector<std::string> names, fixed;
  template <class T>
  void operator()(const DeclaredOption<T>& o) {
    names.push_back(o.name);
    if constexpr (!std::is_enum_v<T>)
      if (o.fixed) fixed.push_back(fmt::format("{} {}", o.name, o.value));
  }
};

Listing list(KaldiOptions k, std::optional<FeatureKind> only) {
  Listing l;
  for_each_kaldi_option(k, only, l);
  return l;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("each Kaldi option is declared once; each kind has only its own") {
  const Listing all = list(KaldiOptions(), std::nullopt);
  CHECK(std::set<std::string>(all.names.begin(), all.names.end()).size() == all.names.size());
  CHECK(all.names.size() == 31);
  CHECK(all.names.front() == "sample-frequency");
  CHECK(all.names.back() == "vad-proportion-threshold");
  const Listing mfcc = list(KaldiOptions(FeatureKind::Mfcc), FeatureKind::Mfcc);
  const Listing fbank = list(KaldiOptions(FeatureKind::Fbank), FeatureKind::Fbank);
  CHECK(has(mfcc.names, "num-ceps"));
  CHECK_FALSE(has(mfcc.names, "use-log-fbank"));
  CHECK(has(fbank.names, "use-power"));
  CHECK_FALSE(has(fbank.names, "cepstral-lifter"));
  CHECK(mfcc.names.size() == 29);
  CHECK(fbank.names.size() == 29);
}

TEST_CASE("resolve: deltas of Kaldi's order 2 unless --delta-order, window and CMVN by name") {
  KaldiOptions k;
  CHECK(k.resolve().deltas.order == 0);
  k.deltas = true;
  CHECK(k.resolve().deltas.order == 2);
  CHECK(k.resolve().dim() == 39);
  k.pipeline.deltas.order = 1;
  CHECK(k.resolve().deltas.order == 1);
  k.window_type = "hamming";
  k.pipeline.cmvn = CmvnMode::Utterance;
  const PipelineOptions p = k.resolve();
  CHECK(p.features.frame.window_type == WindowType::Hamming);
  CHECK(p.cmvn == CmvnMode::Utterance);
  k.pipeline.cmvn = CmvnMode::Speaker;  // needs the speakers
  CHECK_THROWS_WITH_AS(k.resolve(), doctest::Contains("--utt2spk"), Error);
  k.reading.utt2spk = "utt2spk";
  CHECK(k.resolve().utt2spk == "utt2spk");
  k.pipeline.cmvn = CmvnMode::Utterance;
  k.pipeline.features.num_ceps = 40;  // more than the 23 mel bins
  CHECK_THROWS_AS(k.resolve(), Error);
}

TEST_CASE("of() gives back the flag values a pipeline was made with") {
  KaldiOptions k;
  k.deltas = true;
  k.pipeline.cmvn = CmvnMode::Utterance;
  k.window_type = "blackman";
  k.pipeline.vad.enabled = true;
  const KaldiOptions back = KaldiOptions::of(k.resolve());
  CHECK(back.deltas);
  CHECK(back.pipeline.cmvn == CmvnMode::Utterance);
  CHECK(back.window_type == "blackman");
  CHECK(back.resolve().dim() == k.resolve().dim());
  // Fixed: --delta-order only with deltas, the VAD thresholds only with --vad.
  const Listing with = list(back, std::nullopt);
  CHECK(has(with.fixed, "delta-order 2"));
  CHECK(has(with.fixed, "vad-energy-threshold 5"));
  const Listing without = list(KaldiOptions::of(KaldiOptions().resolve()), std::nullopt);
  CHECK(has(without.fixed, "deltas false"));
  CHECK(has(without.names, "delta-order"));  // still a flag
  for (const std::string& f : without.fixed) CHECK_FALSE(f.starts_with("delta-order"));
  for (const std::string& f : without.fixed) CHECK_FALSE(f.starts_with("vad-"));
}

TEST_CASE("set_kind: fbank's energy default unless --use-energy was given") {
  KaldiOptions k;  // mfcc: use_energy true
  k.set_kind(FeatureKind::Fbank, false);
  CHECK(k.resolve().features.kind == FeatureKind::Fbank);
  CHECK_FALSE(k.resolve().features.use_energy);
  KaldiOptions given;
  given.set_kind(FeatureKind::Fbank, true);
  CHECK(given.resolve().features.use_energy);
}

TEST_CASE("reading options: the channel and resampling, on any pipeline") {
  ReadingOptions r;
  r.read.channel = 1;
  r.no_resample = true;
  const PipelineOptions p = r.applied_to(PipelineOptions{});
  CHECK(p.audio.read.channel == 1);
  CHECK_FALSE(p.audio.resample);
  KaldiOptions k;
  k.reading = r;
  CHECK_FALSE(k.resolve().audio.resample);
}

TEST_CASE("the other declared lists: output, augmentation, model") {
  Listing out, aug, frame, attention;
  FeatureOutputOptions o;
  for_each_feature_output_option(o, out);
  CHECK(out.names == std::vector<std::string>{"format", "output", "scp"});
  AugmentOptions a;
  std::string noise_dir;
  for_each_augment_option(a, noise_dir, aug);
  CHECK(aug.names.size() == 13);
  SpeechModelConfig c;
  for_each_speech_frame_option(c, frame);
  for_each_speech_attention_option(c, attention);
  CHECK(frame.fixed == std::vector<std::string>{"stack 3", "subsample 3"});
  CHECK(attention.names == std::vector<std::string>{"window", "conv-pos", "pool"});
  CHECK(speech_pool_names().size() == 3);
  CHECK(feature_format_names().front().first == "text");
}
