// attn-common-demo: exercises tools/common end to end for tests/cli/test_common.sh. Not installed.
#include <cstdint>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "attn/error.h"
#include "attn/parallel.h"
#include "attn/train/metrics.h"
#include "attn_embedded/demo_blob.h"
#include "common/batch_errors.h"
#include "common/cli.h"
#include "attn/data/input.h"
#include "common/log.h"
#include "common/output.h"
#include "common/progress.h"
#include "common/run_guarded.h"

namespace {

using namespace attn::tools;
using namespace attn::data;

struct Args {
  std::string fail_kind;
  std::vector<std::string> inputs;
  size_t max_bytes = kDefaultMaxLineBytes;
  int top_k = 1;
  PredictFormat predict_format = PredictFormat::Tsv;
  ReportFormat report_format = ReportFormat::Text;
  int epochs = 3;
  int64_t items = 1000;
  bool live = false;
  std::string output;
  bool fail_midway = false;
};

int run_fail(const std::string& kind) {
  if (kind == "data") throw attn::Error("demo.txt:3: line has a label but no text");
  if (kind == "usage") throw UsageError("--top-k must not exceed the number of labels");
  if (kind == "memory") throw std::bad_alloc();
  if (kind == "unknown") throw 42;
  throw std::logic_error("demo invariant broken");
}

// Each line is an item "name:line" with two labels whose probabilities depend on its length.
int run_lines(const Args& args, const CommonOptions& common) {
  PredictionWriter writer(args.predict_format);
  BatchErrors batch(common.keep_going);
  const std::vector<std::string> labels{"short", "long"};
  for (const std::string& input : args.inputs) {
    std::optional<LineReader> reader;
    if (!batch.run(input, [&] { reader.emplace(input, args.max_bytes); })) continue;
    std::string line;
    bool more = true;
    while (more) {
      // A bad line (too long, binary) is the item that fails; the reader then goes on.
      if (!batch.run(reader->name(), [&] { more = reader->next(line); }) || !more) continue;
      const float p_short = 10.0f / (10.0f + static_cast<float>(line.size()));
      const std::vector<float> probs{p_short, 1.0f - p_short};
      Prediction p{reader->where(), top_k(probs, labels, args.top_k)};
      p.extra["bytes"] = line.size();
      writer.write(p);
    }
  }
  return batch.finish();
}

int run_files(const Args& args, const CommonOptions& common) {
  BatchErrors batch(common.keep_going);
  InputPaths paths(args.inputs);
  std::string path;
  while (paths.next(path)) {
    batch.run(path, [&] {
      const std::string text = read_text_file(path, args.max_bytes);
      write_bytes(stdout, fmt::format("{}\t{}\n", tsv_escape(path), text.size()));
      flush_output(stdout);
    });
  }
  return batch.finish();
}

int run_train(const Args& args) {
  TrainingProgress progress(args.epochs, args.items,
                            args.live ? TrainingProgress::Mode::Live
                            : verbosity() == Verbosity::Quiet ? TrainingProgress::Mode::Off
                                                              : TrainingProgress::Mode::Lines);
  for (int epoch = 1; epoch <= args.epochs; ++epoch) {
    progress.start_epoch(epoch);
    for (int64_t done = 100; done <= args.items; done += 100)
      progress.update(done, 1.0 / epoch, 1.0 - 0.5 / epoch);
    progress.end_epoch({1.0 / epoch, 1.0 - 0.5 / epoch, 1.2 / epoch, 0.9 - 0.5 / epoch, std::nullopt});
  }
  log_info("trained {} epochs", args.epochs);
  return 0;
}

int run_eval(const Args& args) {
  attn::ConfusionMatrix confusion(2);
  confusion.add(0, 0, 8);
  confusion.add(0, 1, 2);
  confusion.add(1, 1, 5);
  write_metrics(args.report_format, confusion, {"ham", "spam"});
  return 0;
}

int run_write(const Args& args) {
  AtomicOutputFile out(args.output);
  out.write("first line\n");
  if (args.fail_midway) throw attn::Error("simulated failure after the first line");
  out.write("second line\n");
  out.commit();
  return 0;
}

int run_embedded() {
  const std::span<const unsigned char> blob = attn::embedded::demo_blob();
  const auto address = reinterpret_cast<std::uintptr_t>(blob.data());
  write_bytes(stdout, fmt::format("{} bytes, {}aligned\n", blob.size(), address % 64 == 0 ? "" : "not "));
  write_bytes(stdout, std::string_view(reinterpret_cast<const char*>(blob.data()), blob.size()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Exercises tools/common (test helper)", "attn-common-demo"};
  configure_app(app);
  CommonOptions common;
  Args args;

  CLI::App* ok = app.add_subcommand("ok", "Print ok");
  add_common_flags(*ok, common);

  CLI::App* fail = app.add_subcommand("fail", "Throw an error of one kind");
  add_common_flags(*fail, common);
  add_choice_option(*fail, "kind", args.fail_kind, {"data", "usage", "internal", "memory", "unknown"},
                    "What to throw")
      ->required();

  CLI::App* threads = app.add_subcommand("threads", "Print attn's thread count");
  add_common_flags(*threads, common);

  CLI::App* lines = app.add_subcommand("lines", "Label each input line");
  add_common_flags(*lines, common);
  add_keep_going_flag(*lines, common);
  lines->add_option("--max-line", args.max_bytes, "Longest line in bytes");
  add_top_k_option(*lines, args.top_k);
  add_predict_format_option(*lines, args.predict_format);
  add_inputs_argument(*lines, args.inputs, "Text files, '-' for stdin");

  CLI::App* files = app.add_subcommand("files", "Print the size of each text file");
  add_common_flags(*files, common);
  add_keep_going_flag(*files, common);
  files->add_option("--max-bytes", args.max_bytes, "Largest file in bytes");
  add_inputs_argument(*files, args.inputs, "Files, '-' for a list of paths on stdin");

  CLI::App* train = app.add_subcommand("train", "Pretend to train");
  add_common_flags(*train, common);
  add_seed_flag(*train, common);
  train->add_option("--epochs", args.epochs)->check(CLI::Range(1, 1000));
  train->add_option("--items", args.items)->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  train->add_flag("--live", args.live, "Draw the live bar even when stderr is not a terminal");

  CLI::App* eval = app.add_subcommand("eval", "Print a fixed metrics report");
  add_common_flags(*eval, common);
  add_report_format_option(*eval, args.report_format);

  CLI::App* write = app.add_subcommand("write", "Write a file atomically");
  add_common_flags(*write, common);
  add_output_option(*write, args.output, true, "File to write");
  write->add_flag("--fail-midway", args.fail_midway, "Fail after the first line");

  CLI::App* embedded = app.add_subcommand("embedded", "Print the embedded file");
  add_common_flags(*embedded, common);

  return run_guarded(app, argc, argv, [&]() -> int {
    if (*ok) return write_bytes(stdout, "ok\n"), 0;
    if (*fail) return run_fail(args.fail_kind);
    if (*threads) return write_bytes(stdout, fmt::format("{}\n", attn::threads())), 0;
    if (*lines) return run_lines(args, common);
    if (*files) return run_files(args, common);
    if (*train) return run_train(args);
    if (*eval) return run_eval(args);
    if (*write) return run_write(args);
    if (*embedded) return run_embedded();
    return kExitInternal;
  });
}
