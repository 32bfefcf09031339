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

#include <CLI/CLI.hpp>

#include "attn/audio/pipeline.h"
#include "common/output.h"

namespace attn::tools::speech {

enum class FeatureFormat { KaldiText, KaldiBinary, Jsonl, Npy };
FeatureFormat parse_feature_format(const std::string& s);  // "text", "ark", "jsonl", "npy"

// --format, -o/--output and --scp on `cmd`.
struct FeatureOutputFlags {
  std::string format = "text";
  std::string output = "-";
  std::string scp;
};
void add_feature_output_flags(CLI::App& cmd, FeatureOutputFlags& flags);

class FeatureOutput {
 public:
  explicit FeatureOutput(const FeatureOutputFlags& flags);  // UsageError for bad combinations
  ~FeatureOutput();
  // Runs produce(sink), collecting the rows it gives (dim columns each), then writes them as
  // utterance `utt`. If produce throws, nothing is written and the exception propagates.
  void write(const std::string& utt, int dim, const std::function<void(const audio::FrameSink&)>& produce);
  void commit();

 private:
  class Spool;
  void emit(const std::string& utt, int dim, Spool& spool);
  FeatureFormat format_;
  std::string output_, scp_path_;
  std::unique_ptr<AtomicOutputFile> out_, scp_;
  uint64_t offset_ = 0;  // bytes written to the archive (for .scp offsets)
  std::set<std::string> npy_names_;
};

}  // namespace attn::tools::speech
