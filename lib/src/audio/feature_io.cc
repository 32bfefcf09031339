#include "attn/audio/feature_io.h"

#include <cctype>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "attn/error.h"

namespace attn::audio {

namespace {

void append_float(std::string& out, float v) { fmt::format_to(std::back_inserter(out), "{}", v); }

void append_int32(std::string& out, int64_t v) {  // Kaldi WriteBasicType: size byte, then LE bytes
  const int32_t x = int32_t(v);
  out.push_back(char(4));
  for (int i = 0; i < 4; ++i) out.push_back(char((uint32_t(x) >> (8 * i)) & 0xff));
}

bool is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace

void kaldi_text_begin(std::string& out, const std::string& utt) { out += utt + "  ["; }

void kaldi_text_rows(std::string& out, const float* rows, int64_t n, int dim) {
  for (int64_t t = 0; t < n; ++t) {
    out += "\n  ";
    for (int d = 0; d < dim; ++d) {
      append_float(out, rows[t * dim + d]);
      out.push_back(' ');
    }
  }
}

void kaldi_text_end(std::string& out, int64_t total_rows) { out += total_rows == 0 ? " ]\n" : "]\n"; }

void kaldi_binary_header(std::string& out, const std::string& utt, int64_t rows, int dim,
                         size_t* object_offset) {
  const size_t start = out.size();
  out += utt;
  out.push_back(' ');
  if (object_offset) *object_offset = out.size() - start;
  out.push_back('\0');
  out.push_back('B');
  out += "FM ";
  append_int32(out, rows);
  append_int32(out, dim);
}

void float_rows(std::string& out, const float* rows, int64_t n, int dim) {
  static_assert(sizeof(float) == 4);
  const size_t bytes = size_t(n) * dim * 4;  // x86-64: floats are already little-endian
  const size_t at = out.size();
  out.resize(at + bytes);
  std::memcpy(out.data() + at, rows, bytes);
}

void jsonl_begin(std::string& out, const std::string& utt) {
  out += "{\"id\":\"";
  for (unsigned char c : utt) {  // keys have no whitespace; escape what JSON requires
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(char(c));
    } else if (c < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
    } else {
      out.push_back(char(c));
    }
  }
  out += "\",\"frames\":[";
}

void jsonl_rows(std::string& out, const float* rows, int64_t n, int dim, bool first) {
  for (int64_t t = 0; t < n; ++t) {
    if (!first || t > 0) out.push_back(',');
    out.push_back('[');
    for (int d = 0; d < dim; ++d) {
      if (d) out.push_back(',');
      append_float(out, rows[t * dim + d]);
    }
    out.push_back(']');
  }
}

void jsonl_end(std::string& out) { out += "]}\n"; }

std::string npy_header(int64_t rows, int dim) {
  std::string dict = fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': ({}, {}), }}", rows, dim);
  // Magic, version 1.0, header length; the whole header is padded to 64 bytes with a '\n' last.
  const size_t unpadded = 10 + dict.size() + 1;
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict.push_back('\n');
  std::string h = "\x93NUMPY";
  h.push_back(char(1));
  h.push_back(char(0));
  h.push_back(char(dict.size() & 0xff));
  h.push_back(char(dict.size() >> 8));
  return h + dict;
}

bool valid_utterance_id(const std::string& utt) {
  if (utt.empty()) return false;
  for (unsigned char c : utt)
    if (is_space(c) || c == 0) return false;
  return true;
}

ArchiveReader::ArchiveReader(std::FILE* in, std::string name, ArchiveLimits limits)
    : in_(in), name_(std::move(name)), limits_(limits) {}

int ArchiveReader::get() {
  const int c = std::fgetc(in_);
  if (c != EOF) ++offset_;
  return c;
}

int ArchiveReader::peek() {
  const int c = std::fgetc(in_);
  if (c != EOF) std::ungetc(c, in_);
  return c;
}

void ArchiveReader::fail(const std::string& what) const {
  if (utt_.empty()) throw Error(fmt::format("{}: at byte {}: {}", name_, offset_, what));
  throw Error(fmt::format("{}: utterance '{}' at byte {}: {}", name_, utt_, offset_, what));
}

void ArchiveReader::skip_spaces() {
  while (is_space(peek())) get();
}

bool ArchiveReader::next(std::string& utt) {
  while (in_matrix_) {  // the previous matrix was not read to its end: skip it
    std::vector<float> sink;
    read_rows(sink, 1024);
  }
  utt_.clear();
  skip_spaces();
  int c = peek();
  if (c == EOF) {
    if (std::ferror(in_)) fail("read error");
    return false;
  }
  while ((c = peek()) != EOF && !is_space(c) && c != 0) {
    utt_.push_back(char(get()));
    if (utt_.size() > 4096) fail("utterance id longer than 4096 bytes");
  }
  if (get() != ' ') fail("expected a space after the utterance id");
  dim_ = 0;
  rows_read_ = 0;
  if (peek() == 0) {  // binary: "\0B" then the matrix token
    get();
    if (get() != 'B') fail("expected the binary marker \"\\0B\"");
    token_.clear();
    while ((c = get()) != EOF && c != ' ' && token_.size() < 8) token_.push_back(char(c));
    if (token_ == "CM" || token_ == "CM2" || token_ == "CM3")
      fail("compressed matrices are not supported (write with copy-feats --compress=false)");
    if (token_ != "FM" && token_ != "DM") fail(fmt::format("expected a float matrix (FM or DM), found '{}'", token_));
    is_double_ = token_ == "DM";
    int64_t dims[2];
    for (int64_t& d : dims) {
      if (get() != 4) fail("expected a 4-byte matrix size");
      uint32_t v = 0;
      for (int i = 0; i < 4; ++i) {
        const int b = get();
        if (b == EOF) fail("archive ends inside the matrix header");
        v |= uint32_t(b) << (8 * i);
      }
      d = int32_t(v);
    }
    if (dims[0] < 0 || dims[1] < 0 || dims[0] > limits_.max_rows || dims[1] > limits_.max_dim ||
        (dims[0] > 0 && dims[1] == 0))
      fail(fmt::format("bad matrix size {} x {} (limits {} x {})", dims[0], dims[1], limits_.max_rows, limits_.max_dim));
    rows_left_ = dims[0];
    dim_ = int(dims[1]);
    binary_ = true;
  } else {
    skip_spaces();
    if (get() != '[') fail("expected '[' (a Kaldi text matrix) or a binary matrix");
    binary_ = false;
  }
  in_matrix_ = true;
  utt = utt_;
  return true;
}

int64_t ArchiveReader::read_rows(std::vector<float>& out, int64_t max_rows) {
  if (!in_matrix_) return 0;
  int64_t n = 0;
  if (binary_) {
    const int64_t want = std::min(rows_left_, max_rows);
    const size_t width = is_double_ ? 8 : 4;
    std::vector<unsigned char> bytes(size_t(want) * dim_ * width);
    if (std::fread(bytes.data(), 1, bytes.size(), in_) != bytes.size()) fail("archive ends inside the matrix data");
    offset_ += bytes.size();
    const size_t at = out.size();
    out.resize(at + size_t(want) * dim_);
    for (size_t i = 0; i < size_t(want) * dim_; ++i) {
      float v;
      if (is_double_) {
        double d;
        std::memcpy(&d, &bytes[i * 8], 8);
        v = float(d);
      } else {
        std::memcpy(&v, &bytes[i * 4], 4);
      }
      if (!std::isfinite(v)) fail(fmt::format("NaN or Inf in row {}", rows_read_ + int64_t(i) / dim_));
      out[at + i] = v;
    }
    rows_left_ -= want;
    rows_read_ += want;
    if (rows_left_ == 0) in_matrix_ = false;
    return want;
  }
  // Text: rows end at a newline, the matrix at ']'.
  std::vector<float> row;
  while (n < max_rows) {
    row.clear();
    bool end = false;
    for (;;) {
      int c;
      while ((c = peek()) == ' ' || c == '\t' || c == '\r') get();
      if (c == EOF) fail("archive ends inside a matrix (no ']')");
      if (c == '\n') {
        get();
        if (row.empty()) continue;  // the newline after '[' or a blank line
        break;
      }
      if (c == ']') {
        get();
        end = true;
        break;
      }
      token_.clear();
      while ((c = peek()) != EOF && !is_space(c) && c != ']' && token_.size() < 64) token_.push_back(char(get()));
      char* stop = nullptr;
      const float v = std::strtof(token_.c_str(), &stop);
      if (token_.empty() || *stop != '\0') fail(fmt::format("expected ']' or a number, found '{}'", token_));
      if (!std::isfinite(v)) fail(fmt::format("NaN or Inf in row {}", rows_read_));
      row.push_back(v);
      if (int(row.size()) > limits_.max_dim) fail(fmt::format("more than {} columns", limits_.max_dim));
    }
    if (!row.empty()) {
      if (rows_read_ == 0 && n == 0 && dim_ == 0) dim_ = int(row.size());
      if (int(row.size()) != dim_)
        fail(fmt::format("row {} has {} columns, the first had {}", rows_read_, row.size(), dim_));
      if (rows_read_ >= limits_.max_rows) fail(fmt::format("more than {} rows", limits_.max_rows));
      out.insert(out.end(), row.begin(), row.end());
      ++n;
      ++rows_read_;
    }
    if (end) {
      in_matrix_ = false;
      break;
    }
  }
  return n;
}

bool looks_like_kaldi_archive(std::string_view head) {
  size_t i = 0;
  while (i < head.size() && head[i] != ' ' && head[i] != '\t' && head[i] != '\n' && head[i] != '\0') ++i;
  if (i == 0 || i >= head.size() || head[i] != ' ') return false;  // a key, then a space
  if (head.substr(i + 1, 2) == std::string_view("\0B", 2)) return true;
  while (i < head.size() && (head[i] == ' ' || head[i] == '\t')) ++i;
  return i < head.size() && head[i] == '[';
}

}  // namespace attn::audio
