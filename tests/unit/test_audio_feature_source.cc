// FeatureSource: utterances from a Kaldi archive (loaded whole or streamed), from a recording
// (the pipeline's own features), only the items that are `mine`, and bad items (a matrix of the
// wrong width, a missing archive) reported to the handler under their names.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "attn/audio/feature_output.h"
#include "attn/audio/feature_source.h"
#include "attn/audio/pipeline.h"
#include "attn/error.h"

using namespace attn::audio;
namespace fs = std::filesystem;

namespace {

fs::path temp_file(const std::string& name) {
  return fs::temp_directory_path() / ("attn_feature_source_" + std::to_string(::getpid()) + "_" + name);
}

// A text archive at `path` of utterances with `rows` rows of `dim` values, row r column c = r + c.
void write_archive(const fs::path& path, const std::vector<std::pair<std::string, int>>& utts, int dim) {
  FeatureOutput out(FeatureOutputOptions{FeatureFormat::KaldiText, path.string(), ""});
  for (const auto& [utt, rows] : utts)
    out.write(utt, dim, [&](const FrameSink& sink) {
      std::vector<float> v;
      for (int r = 0; r < rows; ++r)
        for (int c = 0; c < dim; ++c) v.push_back(float(r + c));
      sink(v.data(), rows);
    });
  out.commit();
}

fs::path speech_sample() {
  const char* src = std::getenv("ATTN_SOURCE_DIR");
  const fs::path root = src && *src ? fs::path(src) : fs::path(__FILE__).parent_path().parent_path().parent_path();
  return root / "assets" / "samples" / "speech" / "seven_en-gb.wav";
}

const auto all = [](int64_t) { return true; };

}  // namespace

TEST_CASE("FeatureSource reads an archive's matrices, whole or streamed, named path:utt") {
  const PipelineOptions p;
  const fs::path ark = temp_file("a.ark");
  write_archive(ark, {{"u1", 3}, {"u2", 5}}, p.dim());
  FeatureSource source({"ark:" + ark.string()}, {}, p);
  std::vector<std::string> where;
  std::vector<int64_t> rows;
  source.each(all, nullptr, [&](FeatureItem& item) {
    CHECK(source.from_archive());
    where.push_back(item.where);
    if (item.utt == "u1") {
      source.load(item);
      rows.push_back(item.feats.shape()[0]);
      CHECK(item.feats.shape()[1] == p.dim());
      CHECK(item.feats.data()[p.dim() + 1] == doctest::Approx(2.0));  // row 1, column 1
    } else {
      int64_t n = 0;
      source.stream([&](const float*, int64_t k) { n += k; });
      rows.push_back(n);
    }
  });
  CHECK(where == std::vector<std::string>{ark.string() + ":u1", ark.string() + ":u2"});
  CHECK(rows == std::vector<int64_t>{3, 5});
  fs::remove(ark);
}

TEST_CASE("FeatureSource passes over the items that are not mine without reading them") {
  const PipelineOptions p;
  const fs::path ark = temp_file("b.ark");
  write_archive(ark, {{"u0", 2}, {"u1", 2}, {"u2", 2}}, p.dim());
  FeatureSource source({"ark:" + ark.string()}, {}, p);
  std::vector<std::string> seen;
  source.each([](int64_t i) { return i % 2 == 1; }, nullptr, [&](FeatureItem& item) { seen.push_back(item.utt); });
  CHECK(seen == std::vector<std::string>{"u1"});
  fs::remove(ark);
}

TEST_CASE("FeatureSource reports a matrix of the wrong width and a missing archive, and carries on") {
  const PipelineOptions p;
  const fs::path ark = temp_file("c.ark");
  write_archive(ark, {{"narrow", 2}}, p.dim() - 1);
  const fs::path good = temp_file("d.ark");
  write_archive(good, {{"ok", 2}}, p.dim());
  FeatureSource source({"ark:" + ark.string(), "ark:" + temp_file("missing.ark").string(), "ark:" + good.string()},
                       {}, p);
  std::vector<std::pair<std::string, std::string>> bad;
  std::vector<std::string> done;
  source.each(
      all, [&](const std::string& item, const attn::Error& e) { bad.emplace_back(item, e.what()); },
      [&](FeatureItem& item) {
        source.load(item);
        done.push_back(item.utt);
      });
  REQUIRE(bad.size() == 2);
  CHECK(bad[0].first == ark.string() + ":narrow");
  CHECK(bad[0].second.find("the model reads") != std::string::npos);
  CHECK(bad[1].first.empty());
  CHECK(bad[1].second.find("missing.ark") != std::string::npos);
  CHECK(done == std::vector<std::string>{"ok"});
  // Without a handler the first bad item throws.
  FeatureSource again({"ark:" + ark.string()}, {}, p);
  CHECK_THROWS_AS(again.each(all, nullptr, [&](FeatureItem& item) { again.load(item); }), attn::Error);
  fs::remove(ark);
  fs::remove(good);
}

TEST_CASE("FeatureSource computes a recording's features with the pipeline's options") {
  const PipelineOptions p;
  FeatureSource source({speech_sample().string()}, {}, p);
  int items = 0;
  source.each(all, nullptr, [&](FeatureItem& item) {
    ++items;
    CHECK_FALSE(source.from_archive());
    source.load(item);
    const attn::Tensor expected = compute_file_features(speech_sample().string(), p);
    REQUIRE(item.feats.shape() == expected.shape());
    for (int64_t i = 0; i < expected.size(); ++i) REQUIRE(item.feats.data()[i] == expected.data()[i]);
  });
  CHECK(items == 1);
}
