#pragma once
// Writing results: prediction lines (TSV or JSON lines) and metrics reports, through the data
// layer's checked writes (attn/data/output_file.h): a failed write to the results stream (disk
// full, closed pipe) throws OutputError, which run_guarded turns into exit code 1.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "attn/data/output_file.h"

namespace attn {
class ConfusionMatrix;
}

namespace attn::tools {

// Checked stream writes and the atomic-or-stdout output file live in the data layer.
using data::AtomicOutputFile;
using data::flush_output;
using data::OutputError;
using data::tsv_escape;
using data::write_bytes;
using data::write_file_atomically;

// ---- prediction lines -------------------------------------------------------------------

struct LabelProb {
  std::string label;
  double prob = 0.0;
};

struct Prediction {
  std::string id;                 // path, line number or node id
  std::vector<LabelProb> labels;  // best first
  // Extra fields for JSON lines only, written after "labels" in this order (e.g. "attention").
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();
};

// The k most probable labels, best first (ties: lower index first). k is clamped to
// [1, probs.size()]; labels.size() must equal probs.size() (std::invalid_argument otherwise).
std::vector<LabelProb> top_k(std::span<const float> probs, const std::vector<std::string>& labels,
                             int k);

enum class PredictFormat { Tsv, Jsonl };

// "id<TAB>label<TAB>prob[<TAB>label<TAB>prob...]\n", probabilities with 6 decimals. A tab,
// newline, carriage return or backslash inside the id or a label is written as \t, \n, \r, \\.
std::string tsv_line(const Prediction& p);
// {"id":"...","labels":[{"label":"...","prob":0.97}],...extra}\n, probabilities rounded to 6
// decimals; bytes that are not valid UTF-8 (e.g. in a file name) become U+FFFD.
std::string jsonl_line(const Prediction& p);

// Streams predictions, one line each, flushed after every line so a pipe sees each result as
// soon as it exists.
class PredictionWriter {
 public:
  explicit PredictionWriter(PredictFormat format, std::FILE* out = stdout, std::string name = "stdout");
  void write(const Prediction& p);
  int64_t lines_written() const { return lines_; }

 private:
  PredictFormat format_;
  std::FILE* out_;
  std::string name_;
  int64_t lines_ = 0;
};

// ---- one output file per input -----------------------------------------------------------

// The files a command writes into its --output folder, one per input, named after it:
// DIR/<stem><extension>, with -2, -3 ... when two inputs share a stem.
class OutputFolder {
 public:
  // attn::Error "DIR: not a directory (--output takes the folder for <what>)" unless DIR is one.
  OutputFolder(std::string dir, std::string extension, const std::string& what);
  std::string path_for(const std::string& input);
  // `bytes` written atomically to path_for(input), which is returned.
  std::string write(const std::string& input, std::string_view bytes);

 private:
  std::string dir_, extension_;
  std::set<std::string> used_;
};

// ---- reports (eval, info) -----------------------------------------------------------------

enum class ReportFormat { Text, Json };

// `value` as one compact JSON line (invalid UTF-8 replaced), flushed.
void write_json_line(const nlohmann::json& value, std::FILE* out = stdout, std::string_view name = "stdout");
void write_json_line(const nlohmann::ordered_json& value, std::FILE* out = stdout, std::string_view name = "stdout");

// eval's report: attn::metrics_text (a table) or attn::metrics_json (one JSON line).
void write_metrics(ReportFormat format, const ConfusionMatrix& confusion,
                   const std::vector<std::string>& label_names, std::FILE* out = stdout);

}  // namespace attn::tools
