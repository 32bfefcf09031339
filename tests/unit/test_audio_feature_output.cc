// FeatureOutput: each format written to a file and read back (the archive reader, the .scp
// offsets, the JSON lines, the .npy files), a long utterance through the spool's temporary file,
// and an utterance whose frames fail half way leaving no entry.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "attn/audio/feature_io.h"
#include "attn/audio/feature_output.h"
#include "attn/error.h"

using namespace attn::audio;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("attn_feature_output_" + std::to_string(::getpid()));
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// `rows` rows of `dim` values, row r column c = r + c / 8.
std::vector<float> frames(int64_t rows, int dim) {
  std::vector<float> v(size_t(rows) * dim);
  for (int64_t r = 0; r < rows; ++r)
    for (int c = 0; c < dim; ++c) v[size_t(r) * dim + c] = float(r) + float(c) / 8;
  return v;
}

// Writes each utterance's frames in chunks of at most 1000 rows, as the feature pipeline does.
void write_all(FeatureOutput& out, const std::vector<std::pair<std::string, std::vector<float>>>& utts, int dim) {
  for (const auto& [utt, rows] : utts)
    out.write(utt, dim, [&](const FrameSink& sink) {
      const int64_t n = int64_t(rows.size()) / dim;
      for (int64_t r = 0; r < n; r += 1000) sink(rows.data() + r * dim, std::min<int64_t>(1000, n - r));
    });
  out.commit();
}

// The archive at `path` as (utt, rows) pairs, through ArchiveReader; with `only_one`, the one
// entry at byte `offset`.
std::vector<std::pair<std::string, std::vector<float>>> read_back(const fs::path& path, long offset = 0,
                                                                  bool only_one = false) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  REQUIRE(f != nullptr);
  std::fseek(f, offset, SEEK_SET);
  ArchiveReader reader(f, path.string());
  std::vector<std::pair<std::string, std::vector<float>>> out;
  std::string utt;
  while (reader.next(utt)) {
    std::vector<float> rows;
    while (reader.read_rows(rows, 4096) > 0) {
    }
    out.emplace_back(utt, rows);
    if (only_one) break;
  }
  std::fclose(f);
  return out;
}

// 70,000 rows x 2: more than the spool keeps in memory, so it goes through its temporary file.
const std::vector<std::pair<std::string, std::vector<float>>> kUtts = {
    {"short", frames(3, 2)}, {"long", frames(70000, 2)}, {"empty", {}}};

}  // namespace

TEST_CASE("FeatureOutput: Kaldi text and binary archives read back as written") {
  TempDir d;
  for (FeatureFormat format : {FeatureFormat::KaldiText, FeatureFormat::KaldiBinary}) {
    const fs::path ark = d.path / "feats.ark";
    FeatureOutput out({format, ark.string(), ""});
    write_all(out, kUtts, 2);
    CHECK(read_back(ark) == kUtts);
  }
}

TEST_CASE("FeatureOutput: a binary archive's .scp offsets point at each utterance") {
  TempDir d;
  const fs::path ark = d.path / "feats.ark", scp = d.path / "feats.scp";
  FeatureOutput out({FeatureFormat::KaldiBinary, ark.string(), scp.string()});
  write_all(out, kUtts, 2);
  std::istringstream lines(slurp(scp));
  std::string utt, where;
  size_t i = 0;
  while (lines >> utt >> where) {
    REQUIRE(i < kUtts.size());
    CHECK(utt == kUtts[i].first);
    const size_t colon = where.rfind(':');
    CHECK(where.substr(0, colon) == ark.string());
    // The offset is the byte where "\0B" starts; the key and its space come before it.
    const long offset = std::stol(where.substr(colon + 1)) - long(utt.size() + 1);
    const auto entry = read_back(ark, offset, true);
    REQUIRE(entry.size() == 1);
    CHECK(entry[0] == kUtts[i]);
    ++i;
  }
  CHECK(i == kUtts.size());
}

TEST_CASE("FeatureOutput: JSON lines and one .npy per utterance") {
  TempDir d;
  const fs::path jsonl = d.path / "feats.jsonl";
  FeatureOutput lines({FeatureFormat::Jsonl, jsonl.string(), ""});
  write_all(lines, {{"u1", frames(2, 2)}}, 2);
  CHECK(slurp(jsonl) == "{\"id\":\"u1\",\"frames\":[[0,0.125],[1,1.125]]}\n");

  const fs::path folder = d.path / "npy";
  FeatureOutput npy({FeatureFormat::Npy, folder.string(), ""});
  write_all(npy, {{"spk/u2", frames(70000, 2)}}, 2);
  const std::string bytes = slurp(folder / "spk_u2.npy");  // '/' in a key becomes '_'
  const std::string header = npy_header(70000, 2);
  REQUIRE(bytes.size() == header.size() + 70000 * 2 * sizeof(float));
  CHECK(bytes.substr(0, header.size()) == header);
  std::vector<float> data(70000 * 2);
  std::memcpy(data.data(), bytes.data() + header.size(), data.size() * sizeof(float));
  CHECK(data == frames(70000, 2));
}

TEST_CASE("FeatureOutput: an utterance that fails half way leaves no entry; bad options are refused") {
  TempDir d;
  const fs::path ark = d.path / "feats.ark";
  FeatureOutput out({FeatureFormat::KaldiText, ark.string(), ""});
  const std::vector<float> rows = frames(70000, 2);
  CHECK_THROWS_AS(out.write("bad", 2,
                            [&](const FrameSink& sink) {
                              sink(rows.data(), 70000);
                              throw attn::Error("bad.wav: truncated");
                            }),
                  attn::Error);
  write_all(out, {{"good", frames(2, 2)}}, 2);
  CHECK(read_back(ark) == std::vector<std::pair<std::string, std::vector<float>>>{{"good", frames(2, 2)}});
  CHECK_THROWS_AS(out.write("two words", 2, [](const FrameSink&) {}), attn::Error);

  CHECK_THROWS_AS(FeatureOutput({FeatureFormat::KaldiText, ark.string(), (d.path / "x.scp").string()}), std::invalid_argument);
  CHECK_THROWS_AS(FeatureOutput({FeatureFormat::KaldiBinary, "-", (d.path / "x.scp").string()}), std::invalid_argument);
  CHECK_THROWS_AS(FeatureOutput({FeatureFormat::Npy, "-", ""}), std::invalid_argument);
  CHECK_THROWS_AS(parse_feature_format("wav"), std::invalid_argument);
  CHECK(parse_feature_format("ark") == FeatureFormat::KaldiBinary);
}
