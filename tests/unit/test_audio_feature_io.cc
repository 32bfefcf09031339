// Kaldi text and binary archives, .scp offsets, JSON lines and .npy: bytes as Kaldi and NumPy
// write them, and the archive reader on good and bad input.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "attn/audio/feature_io.h"
#include "attn/data/replay_stream.h"
#include "attn/error.h"

using namespace attn::audio;

namespace {

// An in-memory FILE* over `bytes` (fmemopen).
struct MemFile {
  std::string bytes;
  std::FILE* f;
  explicit MemFile(std::string b) : bytes(std::move(b)) { f = fmemopen(bytes.data(), bytes.size(), "rb"); }
  ~MemFile() { std::fclose(f); }
};

std::vector<std::pair<std::string, std::vector<float>>> read_archive(const std::string& bytes, int* dim = nullptr) {
  MemFile m(bytes);
  ArchiveReader r(m.f, "feats.ark");
  std::vector<std::pair<std::string, std::vector<float>>> out;
  std::string utt;
  while (r.next(utt)) {
    std::vector<float> rows;
    while (r.read_rows(rows, 2) > 0) {
    }
    if (dim) *dim = r.dim();
    out.emplace_back(utt, rows);
  }
  return out;
}

std::string error_of(const std::string& bytes) {
  try {
    read_archive(bytes);
  } catch (const attn::Error& e) {
    return e.what();
  }
  return "no error";
}

const float kRows[] = {1.5f, -2.0f, 0.25f, 3.0f, 1e-7f, -123456.5f};

}  // namespace

TEST_CASE("Kaldi text archive: copy-feats ark,t layout, read back") {
  std::string s;
  kaldi_text_begin(s, "utt1");
  kaldi_text_rows(s, kRows, 1, 2);
  kaldi_text_rows(s, kRows + 2, 2, 2);
  kaldi_text_end(s, 3);
  CHECK(s == "utt1  [\n  1.5 -2 \n  0.25 3 \n  1e-07 -123456.5 ]\n");
  int dim = 0;
  const auto a = read_archive(s + s, &dim);
  REQUIRE(a.size() == 2);
  CHECK(a[1].first == "utt1");
  CHECK(dim == 2);
  CHECK(a[1].second == std::vector<float>(kRows, kRows + 6));
}

TEST_CASE("Kaldi binary archive: header bytes, scp offset, read back") {
  std::string s = "x";
  size_t offset = 0;
  kaldi_binary_header(s, "u", 3, 2, &offset);
  float_rows(s, kRows, 3, 2);
  CHECK(offset == 2);
  CHECK(s.substr(1, 2 + 2 + 3 + 10) == std::string("u \0BFM \4\3\0\0\0\4\2\0\0\0", 17));
  const auto a = read_archive(s.substr(1));
  REQUIRE(a.size() == 1);
  CHECK(a[0].second == std::vector<float>(kRows, kRows + 6));
}

TEST_CASE("text and binary entries may alternate in one archive") {
  std::string s;
  kaldi_binary_header(s, "b", 1, 2);
  float_rows(s, kRows, 1, 2);
  kaldi_text_begin(s, "t");
  kaldi_text_rows(s, kRows, 1, 2);
  kaldi_text_end(s, 1);
  const auto a = read_archive(s);
  REQUIRE(a.size() == 2);
  CHECK(a[0].first == "b");
  CHECK(a[1].first == "t");
  CHECK(a[0].second == a[1].second);
}

TEST_CASE("JSON lines and .npy") {
  std::string j;
  jsonl_begin(j, "a\"b");
  jsonl_rows(j, kRows, 1, 2, true);
  jsonl_rows(j, kRows + 2, 1, 2, false);
  jsonl_end(j);
  CHECK(j == "{\"id\":\"a\\\"b\",\"frames\":[[1.5,-2],[0.25,3]]}\n");
  const std::string h = npy_header(3, 2);
  CHECK(h.size() % 64 == 0);
  CHECK(h.substr(0, 8) == std::string("\x93NUMPY\1\0", 8));
  CHECK(h.find("'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }") != std::string::npos);
  CHECK(h.back() == '\n');
}

TEST_CASE("bad archives give errors naming the utterance and offset") {
  CHECK(error_of("u1  [\n 1 2 \n 3 ]\n") == "feats.ark: utterance 'u1' at byte 16: row 1 has 1 columns, the first had 2");
  CHECK(error_of("u1  [\n 1 x ]\n") == "feats.ark: utterance 'u1' at byte 10: expected ']' or a number, found 'x'");
  CHECK(error_of("u1  [\n 1 2 \n").find("no ']'") != std::string::npos);
  CHECK(error_of("u1  1 2\n").find("expected '['") != std::string::npos);
  CHECK(error_of("u1  [ nan 1 ]\n").find("NaN or Inf") != std::string::npos);
  CHECK(error_of(std::string("u \0BCM ", 7)).find("compressed matrices") != std::string::npos);
  CHECK(error_of(std::string("u \0BFM \4\xff\xff\xff\x7f\4\2\0\0\0", 17)).find("bad matrix size") != std::string::npos);
  CHECK(error_of(std::string("u \0BFM \4\2\0\0\0\4\2\0\0\0abc", 20)).find("ends inside the matrix data") != std::string::npos);
  CHECK(read_archive("").empty());
  CHECK(read_archive("  \n").empty());
  CHECK(read_archive("e  [ ]\n").at(0).second.empty());
}

TEST_CASE("a Kaldi archive is told from a wav.scp list by its first line") {
  CHECK(looks_like_kaldi_archive("utt1  [\n"));
  CHECK(looks_like_kaldi_archive("utt1 [ 1 2 ]\n"));
  CHECK(looks_like_kaldi_archive(std::string("utt1 \0BFM \4", 10)));
  CHECK_FALSE(looks_like_kaldi_archive("utt1\t/data/a.wav\n"));
  CHECK_FALSE(looks_like_kaldi_archive("utt1 /data/a.wav\n"));
  CHECK_FALSE(looks_like_kaldi_archive("/data/a.wav\n"));
  CHECK_FALSE(looks_like_kaldi_archive(""));
  CHECK_FALSE(looks_like_kaldi_archive(" [\n"));
}

TEST_CASE("a replayed stream gives its head, then the rest, and reads as an archive") {
  const std::string text = "u1  [\n 1 2 \n 3 4 ]\nu2  [\n 5 6 ]\n";
  std::string copy = text;
  std::FILE* in = fmemopen(copy.data(), copy.size(), "rb");
  REQUIRE(in);
  std::string head = attn::data::read_head(in, 4096);
  CHECK(head == "u1  [\n");
  std::FILE* replay = attn::data::replay_stream(std::move(head), in);
  {
    ArchiveReader r(replay, "stdin");
    std::string utt;
    std::vector<float> rows;
    REQUIRE(r.next(utt));
    CHECK(utt == "u1");
    while (r.read_rows(rows, 10) > 0) {
    }
    CHECK(rows == std::vector<float>{1, 2, 3, 4});
    REQUIRE(r.next(utt));
    CHECK(utt == "u2");
    rows.clear();
    while (r.read_rows(rows, 10) > 0) {
    }
    CHECK(rows == std::vector<float>{5, 6});
    CHECK_FALSE(r.next(utt));
  }
  std::fclose(replay);
  std::fclose(in);
}
