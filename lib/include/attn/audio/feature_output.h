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
#include <utility>
#include <vector>

#include "attn/audio/pipeline.h"
#include "attn/data/output_file.h"
#include "attn/declared_option.h"

namespace attn::audio {

enum class FeatureFormat { KaldiText, KaldiBinary, Jsonl, Npy };
// "text", "ark", "jsonl", "npy"; std::invalid_argument for another name.
FeatureFormat parse_feature_format(const std::string& s);
std::vector<std::pair<std::string, FeatureFormat>> feature_format_names();

struct FeatureOutputOptions {
  FeatureFormat format = FeatureFormat::KaldiText;
  std::string output = "-";  // a file, "-" for stdout, or the folder for Npy
  std::string scp;           // KaldiBinary into a file: also this .scp index (utt ark:offset)
};

// The flags of the commands that write features (mfcc, fbank, encode), in --help's order.
template <class Visit>
void for_each_feature_output_option(FeatureOutputOptions& o, Visit&& visit) {
  visit(declare("format", o.format,
                "text: Kaldi text archive (copy-feats ark,t:); ark: Kaldi binary archive; "
                "jsonl: {\"id\",\"frames\"} per line; npy: one <utt>.npy per utterance in the -o folder")
            .named(feature_format_names()));
  visit(declare("output", o.output, "Output file ('-': stdout), or the folder for --format npy").alias("o").shown_as("PATH"));
  visit(declare("scp", o.scp, "With --format ark: also write a Kaldi .scp index (utt ark:offset)").shown_as("PATH"));
}

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
