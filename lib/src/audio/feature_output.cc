#include "attn/audio/feature_output.h"

#include <filesystem>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "attn/audio/feature_io.h"
#include "attn/error.h"

namespace attn::audio {

namespace fs = std::filesystem;

std::vector<std::pair<std::string, FeatureFormat>> feature_format_names() {
  return {{"text", FeatureFormat::KaldiText}, {"ark", FeatureFormat::KaldiBinary}, {"jsonl", FeatureFormat::Jsonl},
          {"npy", FeatureFormat::Npy}};
}

FeatureFormat parse_feature_format(const std::string& s) {
  for (const auto& [name, format] : feature_format_names())
    if (s == name) return format;
  throw std::invalid_argument("unknown --format " + s);
}

// An utterance's rows: in memory up to a small limit, then in an unnamed temporary file, so that
// memory stays the same for a 10-second and a 10-hour utterance.
class FeatureOutput::Spool {
 public:
  static constexpr size_t kMemoryFloats = size_t{64} << 10;  // 256 KiB
  ~Spool() {
    if (file_) std::fclose(file_);
  }
  void add(const float* rows, int64_t n, int dim) {
    const size_t count = size_t(n) * dim;
    if (!file_ && memory_.size() + count <= kMemoryFloats) {
      memory_.insert(memory_.end(), rows, rows + count);
    } else {
      if (!file_) {
        file_ = std::tmpfile();
        if (!file_) throw Error("cannot create a temporary file for a long utterance's features");
        put(memory_.data(), memory_.size());
        memory_.clear();
        memory_.shrink_to_fit();
      }
      put(rows, count);
    }
    rows_ += n;
  }
  int64_t rows() const { return rows_; }
  // Calls fn(rows, n) over the rows in order, in chunks.
  void replay(int dim, const std::function<void(const float*, int64_t)>& fn) {
    if (!file_) {
      if (rows_ > 0) fn(memory_.data(), rows_);
      return;
    }
    std::rewind(file_);
    std::vector<float> chunk(size_t(4096) * dim);
    for (int64_t left = rows_; left > 0;) {
      const int64_t n = std::min<int64_t>(left, 4096);
      if (std::fread(chunk.data(), sizeof(float) * dim, size_t(n), file_) != size_t(n))
        throw Error("cannot read back a long utterance's features from the temporary file");
      fn(chunk.data(), n);
      left -= n;
    }
  }

 private:
  void put(const float* p, size_t count) {
    if (count && std::fwrite(p, sizeof(float), count, file_) != count)
      throw Error("cannot write a long utterance's features to a temporary file (disk full?)");
  }
  std::vector<float> memory_;
  std::FILE* file_ = nullptr;
  int64_t rows_ = 0;
};

FeatureOutput::FeatureOutput(const FeatureOutputOptions& o) : format_(o.format), output_(o.output), scp_path_(o.scp) {
  if (!scp_path_.empty() && format_ != FeatureFormat::KaldiBinary) throw std::invalid_argument("--scp needs --format ark");
  if (!scp_path_.empty() && output_ == "-") throw std::invalid_argument("--scp needs the archive in a file (-o feats.ark)");
  if (format_ == FeatureFormat::Npy) {
    if (output_ == "-") throw std::invalid_argument("--format npy needs -o FOLDER");
    std::error_code ec;
    fs::create_directories(output_, ec);
    if (!fs::is_directory(output_)) throw Error(fmt::format("{}: cannot create the output folder", output_));
    return;
  }
  out_ = std::make_unique<data::AtomicOutputFile>(output_);
  if (!scp_path_.empty()) scp_ = std::make_unique<data::AtomicOutputFile>(scp_path_);
}

FeatureOutput::~FeatureOutput() = default;

void FeatureOutput::write(const std::string& utt, int dim,
                          const std::function<void(const FrameSink&)>& produce) {
  if (!valid_utterance_id(utt))
    throw Error(fmt::format("'{}' is not a Kaldi utterance id (empty or with whitespace); name it in a list (utt<TAB>path)", utt));
  Spool spool;
  produce([&](const float* rows, int64_t n) { spool.add(rows, n, dim); });
  emit(utt, dim, spool);
}

void FeatureOutput::emit(const std::string& utt, int dim, Spool& spool) {
  std::string bytes;
  auto flush = [&](bool force) {
    if (bytes.size() >= (size_t{1} << 20) || (force && !bytes.empty())) {
      out_->write(bytes);
      offset_ += bytes.size();
      bytes.clear();
    }
  };
  switch (format_) {
    case FeatureFormat::KaldiText:
      kaldi_text_begin(bytes, utt);
      spool.replay(dim, [&](const float* r, int64_t n) {
        kaldi_text_rows(bytes, r, n, dim);
        flush(false);
      });
      kaldi_text_end(bytes, spool.rows());
      flush(true);
      break;
    case FeatureFormat::KaldiBinary: {
      size_t object = 0;
      kaldi_binary_header(bytes, utt, spool.rows(), dim, &object);
      if (scp_) scp_->write(fmt::format("{} {}:{}\n", utt, output_, offset_ + object));
      spool.replay(dim, [&](const float* r, int64_t n) {
        float_rows(bytes, r, n, dim);
        flush(false);
      });
      flush(true);
      break;
    }
    case FeatureFormat::Jsonl: {
      jsonl_begin(bytes, utt);
      bool first = true;
      spool.replay(dim, [&](const float* r, int64_t n) {
        jsonl_rows(bytes, r, n, dim, first);
        first = false;
        flush(false);
      });
      jsonl_end(bytes);
      flush(true);
      break;
    }
    case FeatureFormat::Npy: {
      std::string name = utt;
      for (char& c : name)
        if (c == '/' || c == '\\') c = '_';
      if (!npy_names_.insert(name).second)
        throw Error(fmt::format("two utterances would both be written to {}.npy", name));
      data::AtomicOutputFile file((fs::path(output_) / (name + ".npy")).string());
      file.write(npy_header(spool.rows(), dim));
      spool.replay(dim, [&](const float* r, int64_t n) {
        std::string chunk;
        float_rows(chunk, r, n, dim);
        file.write(chunk);
      });
      file.commit();
      break;
    }
  }
  if (out_ && output_ == "-") out_->flush();  // a pipe sees each utterance at once
}

void FeatureOutput::commit() {
  if (out_) out_->commit();
  if (scp_) scp_->commit();
}

}  // namespace attn::audio
