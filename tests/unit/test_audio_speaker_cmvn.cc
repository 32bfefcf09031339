// Per-speaker CMVN: the utt2spk parser, statistics pooled over a speaker's utterances (not each
// utterance's own), clear errors for a missing speaker or a bad file, and FeatureSource's
// statistics pass over a list it reads once, which reports a bad list line only once.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "attn/audio/feature_source.h"
#include "attn/audio/speaker_cmvn.h"
#include "attn/error.h"

using namespace attn::audio;
namespace fs = std::filesystem;

namespace {

fs::path write_temp(const std::string& name, const std::string& text) {
  const fs::path p = fs::temp_directory_path() / ("attn_speaker_cmvn_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(p) << text;
  return p;
}

fs::path sample(const std::string& name) {
  const char* src = std::getenv("ATTN_SOURCE_DIR");
  const fs::path root = src && *src ? fs::path(src) : fs::path(__FILE__).parent_path().parent_path().parent_path();
  return root / "assets" / "samples" / "speech" / name;
}

// Column means of rows (n, dim) stacked from several utterances.
std::vector<double> column_means(const std::vector<attn::Tensor>& utts) {
  const int64_t dim = utts.front().dim(1);
  std::vector<double> sum(dim, 0.0);
  int64_t n = 0;
  for (const attn::Tensor& u : utts) {
    for (int64_t t = 0; t < u.dim(0); ++t)
      for (int64_t d = 0; d < dim; ++d) sum[d] += u[t * dim + d];
    n += u.dim(0);
  }
  for (double& s : sum) s /= double(n);
  return sum;
}

attn::Tensor ramp(int rows, float offset) {  // (rows, 2): row t = (t + offset, 2 * offset)
  attn::Tensor x({rows, 2});
  for (int t = 0; t < rows; ++t) {
    x[t * 2] = float(t) + offset;
    x[t * 2 + 1] = 2.0f * offset;
  }
  return x;
}

}  // namespace

TEST_CASE("utt2spk lines: 'utt speaker', blank lines skipped, other shapes refused") {
  CHECK(parse_utt2spk_line("a.wav jackson") == std::pair<std::string, std::string>{"a.wav", "jackson"});
  CHECK(parse_utt2spk_line("  u1\tspk1 \r") == std::pair<std::string, std::string>{"u1", "spk1"});
  CHECK_FALSE(parse_utt2spk_line(" \t").has_value());
  CHECK_THROWS_WITH_AS(parse_utt2spk_line("u1"), doctest::Contains("no speaker"), attn::Error);
  CHECK_THROWS_WITH_AS(parse_utt2spk_line("u1 s1 extra"), doctest::Contains("more than two fields"), attn::Error);
}

TEST_CASE("speaker statistics pool every utterance of the speaker, and only of that speaker") {
  const fs::path file = write_temp("pool", "a1 alice\na2 alice\n\nb1 bob\n");
  SpeakerCmvn cmvn(file.string(), 2, false);
  CHECK(cmvn.speaker("a2") == "alice");
  attn::Tensor a1 = ramp(10, 0.0f), a2 = ramp(30, 5.0f), b1 = ramp(4, 100.0f);
  cmvn.accumulate("a1", a1.data(), a1.dim(0));
  cmvn.accumulate("a2", a2.data(), a2.dim(0));
  cmvn.accumulate("b1", b1.data(), b1.dim(0));
  cmvn.accumulate("nobody", b1.data(), b1.dim(0));  // not in utt2spk: ignored
  cmvn.apply("a1", a1);
  cmvn.apply("a2", a2);
  cmvn.apply("b1", b1);
  for (const double m : column_means({a1, a2})) CHECK(m == doctest::Approx(0.0).scale(1));
  CHECK(column_means({a1})[1] < -1.0);  // not each utterance's own mean: a1 is below alice's
  for (const double m : column_means({b1})) CHECK(m == doctest::Approx(0.0).scale(1));  // bob alone
  CHECK_THROWS_WITH_AS(cmvn.apply("nobody", b1), doctest::Contains("'nobody' is not in --utt2spk"), attn::Error);
  fs::remove(file);
}

TEST_CASE("a bad utt2spk names its line; none at all names the flag") {
  const fs::path twice = write_temp("twice", "u1 s1\nu1 s2\n");
  CHECK_THROWS_WITH_AS(SpeakerCmvn(twice.string(), 2, false), doctest::Contains(doctest::String((twice.string() + ":2: utterance 'u1' is listed twice").c_str())), attn::Error);
  const fs::path empty = write_temp("empty", "\n");
  CHECK_THROWS_WITH_AS(SpeakerCmvn(empty.string(), 2, false), doctest::Contains("no utterances"), attn::Error);
  CHECK_THROWS_WITH_AS(SpeakerCmvn("", 2, false), doctest::Contains("--utt2spk"), attn::Error);
  CHECK_THROWS_AS(SpeakerCmvn((fs::temp_directory_path() / "attn_no_such_utt2spk").string(), 2, false), attn::Error);
  fs::remove(twice);
  fs::remove(empty);
}

TEST_CASE("FeatureSource: --cmvn spk normalises by the speaker's recordings; a bad list line is reported once") {
  PipelineOptions p;
  p.features.frame.sample_frequency = 8000;
  p.cmvn = CmvnMode::Speaker;
  const std::string seven = sample("seven_en-gb.wav").string(), three = sample("three_en-us.wav").string();
  const fs::path list = write_temp("wav.scp", "u7 " + seven + "\nbroken -\nu3 " + three + "\n");
  p.utt2spk = write_temp("utt2spk", "u7 voice\nu3 voice\n").string();
  FeatureSource source({}, {list.string()}, p);
  std::vector<attn::Tensor> feats;
  int bad = 0;
  source.each([](int64_t) { return true; }, [&](const std::string&, const attn::Error&) { ++bad; },
              [&](FeatureItem& item) {
                source.load(item);
                feats.push_back(item.feats);
              });
  REQUIRE(feats.size() == 2);
  CHECK(bad == 1);
  for (const double m : column_means(feats)) CHECK(m == doctest::Approx(0.0).scale(10).epsilon(1e-4));
  double own = 0.0;  // each utterance's own means are not zero: the statistics are pooled
  for (const double m : column_means({feats[0]})) own = std::max(own, std::abs(m));
  CHECK(own > 0.1);
  PipelineOptions none = p;
  none.cmvn = CmvnMode::None;
  const attn::Tensor raw = compute_file_features(seven, none);
  REQUIRE(raw.shape() == feats[0].shape());
  CHECK(raw[0] != feats[0][0]);  // normalised
  fs::remove(list);
  fs::remove(p.utt2spk);
}
