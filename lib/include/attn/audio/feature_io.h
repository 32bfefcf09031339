#pragma once
// Feature matrices in the formats speech pipelines exchange:
//   - Kaldi text archive, as `copy-feats ark,t:` writes it: "utt  [\n  1.5 -2 \n  0.25 3 ]\n";
//   - Kaldi binary archive: "utt " "\0B" "FM " <4><int32 rows> <4><int32 cols> <rows*cols float32>,
//     with a .scp index line "utt feats.ark:OFFSET" (OFFSET: the byte where "\0B" starts), as
//     Kaldi, Lhotse and k2 read them;
//   - JSON lines: {"id":"utt","frames":[[1.5,-2],[0.25,3]]};
//   - NumPy .npy (version 1.0, '<f4', C order), one file per utterance.
// The encoders append bytes to a string (the caller writes them, and decides what a failed
// write means); the reader parses untrusted archives in bounded memory.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace attn::audio {

// Kaldi text archive: begin, any number of row chunks, end.
void kaldi_text_begin(std::string& out, const std::string& utt);
void kaldi_text_rows(std::string& out, const float* rows, int64_t n, int dim);  // rows: (n, dim)
void kaldi_text_end(std::string& out, int64_t total_rows);

// Kaldi binary archive: everything before the data. *object_offset is set to the header's
// offset of "\0B" relative to the start of what is appended (for the .scp line).
void kaldi_binary_header(std::string& out, const std::string& utt, int64_t rows, int dim,
                         size_t* object_offset = nullptr);
// Float rows as little-endian bytes (binary archives and .npy share it).
void float_rows(std::string& out, const float* rows, int64_t n, int dim);

void jsonl_begin(std::string& out, const std::string& utt);
void jsonl_rows(std::string& out, const float* rows, int64_t n, int dim, bool first);
void jsonl_end(std::string& out);

// A whole .npy header for a (rows, dim) float32 array; the data follows (float_rows).
std::string npy_header(int64_t rows, int dim);

// Whether `utt` can be a Kaldi key: non-empty, no whitespace.
bool valid_utterance_id(const std::string& utt);

// Whether the first line of an input (up to its first '\n') starts a Kaldi archive: a key,
// then "[" after spaces (text) or "\0B" right after one space (binary). A wav.scp line (key and
// a path, or a bare path) does not.
bool looks_like_kaldi_archive(std::string_view head);

struct ArchiveLimits {
  int max_dim = 1 << 14;
  int64_t max_rows = int64_t{1} << 26;  // 67M frames: a week of audio at 100 frames/s
};

// Reads a Kaldi archive, text or binary (each entry may be either, as in Kaldi), one utterance
// at a time and its rows in chunks, so memory stays bounded. Errors are attn::Error naming the
// archive, the utterance and the byte offset: "feats.ark: utterance 'u2' at byte 81: expected
// ']' or a number, found 'x'". Binary matrices must be "FM" (float); "DM" (double) is converted;
// compressed ("CM") matrices are refused.
class ArchiveReader {
 public:
  // `in` is not owned; `name` is used in messages.
  ArchiveReader(std::FILE* in, std::string name, ArchiveLimits limits = {});
  // The next utterance's key into `utt`; false at the end of the archive.
  bool next(std::string& utt);
  // The utterance's column count, known after the first read_rows (text) or at next (binary).
  int dim() const { return dim_; }
  // Up to max_rows rows appended to out ((n, dim) row-major); returns n, 0 at the matrix's end.
  int64_t read_rows(std::vector<float>& out, int64_t max_rows);

 private:
  int get();
  int peek();
  [[noreturn]] void fail(const std::string& what) const;
  void skip_spaces();
  std::FILE* in_;
  std::string name_;
  ArchiveLimits limits_;
  std::string utt_;
  uint64_t offset_ = 0;
  int dim_ = 0;
  bool in_matrix_ = false, binary_ = false, is_double_ = false;
  int64_t rows_left_ = 0, rows_read_ = 0;  // binary: rows not yet read
  std::string token_;
};

}  // namespace attn::audio
