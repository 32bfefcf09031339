#pragma once
// Where per-frame features (mfcc, fbank, encode) go: a Kaldi text archive, a Kaldi binary
// archive with an optional .scp index, JSON lines, or one .npy per utterance in a folder.
// An utterance's frames are collected as they come (in memory, spilling to a temporary file beyond
// 256 KiB, so a 10-hour file needs no more memory than a short one) and written only when the
// whole utterance succeeded: a bad item leaves no partial entry. Output files are written
// atomically at commit().
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "attn/audio/pipeline.h"
#include "attn/data/output_file.h"

namespace attn::audio {

enum class FeatureFormat { KaldiText, KaldiBinary, Jsonl, Npy };
// "text", "ark", "jsonl", "npy"; std::invalid_argument for another name.
FeatureFormat parse_feature_format(const std::string& s);

struct FeatureOutputOptions {
  FeatureFormat format = FeatureFormat::KaldiText;
  std::string output = "-";  // a file, "-" for stdout, or the folder for Npy
  std::string scp;           // KaldiBinary into a file: also this .scp index (utt ark:offset)
};

class FeatureOutput {
 public:
  // std::invalid_argument for options that do not go together (an scp without a binary archive
  // in a file, Npy to stdout); attn::Error when the Npy folder cannot be made.
  explicit FeatureOutput(const FeatureOutputOptions& options);
  ~FeatureOutput();
  // Runs produce(sink), collecting the rows it gives (dim columns each), then writes them as
  // utterance `utt`. If produce throws, nothing is written and the exception propagates.
  void write(const std::string& utt, int dim, const std::function<void(const FrameSink&)>& produce);
  void commit();

 private:
  class Spool;
  void emit(const std::string& utt, int dim, Spool& spool);
  FeatureFormat format_;
  std::string output_, scp_path_;
  std::unique_ptr<data::AtomicOutputFile> out_, scp_;
  uint64_t offset_ = 0;  // bytes written to the archive (for .scp offsets)
  std::set<std::string> npy_names_;
};

}  // namespace attn::audio
