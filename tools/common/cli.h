#pragma once
// Command-line flags that every tool spells the same way, registered on CLI11 subcommands.
//
//   CLI::App app{"Text classification with attention", "attn-text"};
//   attn::tools::configure_app(app);
//   attn::tools::CommonOptions common;
//   PredictArgs args;
//   CLI::App* predict = app.add_subcommand("predict", "Label each input line");
//   attn::tools::add_common_flags(*predict, common);
//   attn::tools::add_keep_going_flag(*predict, common);
//   attn::tools::add_model_option(*predict, args.model, /*required=*/false);
//   attn::tools::add_top_k_option(*predict, args.top_k);
//   attn::tools::add_predict_format_option(*predict, args.format);
//   attn::tools::add_inputs_argument(*predict, args.inputs, "Text files, '-' for stdin");
//   return attn::tools::run_guarded(app, argc, argv, [&] { if (*predict) return run_predict(args, common); ... });
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "attn/given_setting.h"
#include "common/output.h"

namespace attn::tools {

struct CommonOptions {
  int threads = 0;        // --threads N; 0: not given (all cores, or OMP_NUM_THREADS)
  uint64_t seed = 0;      // --seed S
  bool quiet = false;     // --quiet: no progress, no info messages (warnings and errors remain)
  bool verbose = false;   // -v/--verbose: details on stderr (BLAS kernel, timings)
  bool keep_going = false;  // --keep-going: a bad item is a warning, see BatchErrors
};

// The app itself: exactly one subcommand required, --version, defaults shown in --help.
void configure_app(CLI::App& app);

// --threads N, --quiet, -v/--verbose on subcommand `cmd`. Once `cmd` is parsed they are applied
// (apply_common_flags) through cmd's parse_complete_callback, which is therefore taken: a tool
// must not set its own on that subcommand.
void add_common_flags(CLI::App& cmd, CommonOptions& options);
// --seed S (commands that draw random numbers: train).
void add_seed_flag(CLI::App& cmd, CommonOptions& options);
// --keep-going (batch commands: predict, mfcc, encode, attention ...).
void add_keep_going_flag(CLI::App& cmd, CommonOptions& options);

// Sets attn's thread count and the stderr verbosity; with -v logs the thread count and the BLAS
// kernel (attn::blas_description()). Throws UsageError for --quiet with --verbose. Called
// automatically, see add_common_flags.
void apply_common_flags(const CommonOptions& options);

// A subcommand that reads a model: the common flags, --keep-going, then --model (optional: the
// built-in model by default, which `model_help` names).
CLI::App* add_model_subcommand(CLI::App& app, const std::string& name, const std::string& help,
                               CommonOptions& common, std::string& model, const std::string& model_help);
// The same with --model that may be given more than once (each time one file, so that it never
// takes a positional argument that follows it).
CLI::App* add_model_subcommand(CLI::App& app, const std::string& name, const std::string& help,
                               CommonOptions& common, std::vector<std::string>& models, const std::string& model_help);
// `train`: the common flags, --seed and --keep-going.
CLI::App* add_train_subcommand(CLI::App& app, const std::string& help, CommonOptions& common);

// --model MODEL (a safetensors file).
CLI::Option* add_model_option(CLI::App& cmd, std::string& path, bool required,
                              const std::string& description = "Model file (safetensors)");
// --model MODEL that may be repeated (optional), each time one file.
CLI::Option* add_model_option(CLI::App& cmd, std::vector<std::string>& paths, const std::string& description);
// --data PATH, or another data flag such as --valid: the file, folder or list to read.
CLI::Option* add_data_option(CLI::App& cmd, std::string& path, bool required,
                             const std::string& description, const std::string& flag = "--data");
// -o/--output PATH ('-' for stdout where the command allows it).
CLI::Option* add_output_option(CLI::App& cmd, std::string& path, bool required,
                               const std::string& description);
// --format tsv|jsonl (predict), default tsv.
CLI::Option* add_predict_format_option(CLI::App& cmd, PredictFormat& format);
// --format text|json (eval, info), default text.
CLI::Option* add_report_format_option(CLI::App& cmd, ReportFormat& format);
// Any flag with a fixed set of values (case-sensitive); `value` holds the default.
CLI::Option* add_choice_option(CLI::App& cmd, const std::string& flag, std::string& value,
                               const std::vector<std::string>& choices, const std::string& description);
// The same for an enum: `choices` maps each name to its value; `value` holds the default. The
// option's results stay the names as given (for the recorded command line). Error:
// "--format: xml not in {tsv,jsonl}".
template <class E>
CLI::Option* add_enum_option(CLI::App& cmd, const std::string& flag, E& value,
                             const std::vector<std::pair<std::string, E>>& choices,
                             const std::string& description) {
  std::vector<std::string> names;
  std::string shown, default_name;
  for (const auto& [name, v] : choices) {
    names.push_back(name);
    shown += (shown.empty() ? "" : "|") + name;
    if (v == value) default_name = name;
  }
  return cmd
      .add_option_function<std::string>(
          flag,
          [&value, choices](const std::string& given) {
            for (const auto& [name, v] : choices)
              if (name == given) value = v;
          },
          description)
      ->check(CLI::IsMember(names).description(""))
      ->type_name(shown)
      ->default_str(default_name);
}
// -k/--top-k K: how many labels per item (>= 1); `k` holds the default (usually 1).
CLI::Option* add_top_k_option(CLI::App& cmd, int& k);
// Whether `flag` (an option of `cmd`) was given on the command line, not just defaulted.
inline bool given(const CLI::App& cmd, const std::string& flag) { return cmd.get_option(flag)->count() > 0; }
// The same as the library's train setups ask it (attn::GivenSetting): by name, without "--".
inline GivenSetting given_settings(const CLI::App& cmd) {
  return [&cmd](const std::string& name) { return given(cmd, "--" + name); };
}
// INPUT... positional arguments; none given means "-" (stdin).
CLI::Option* add_inputs_argument(CLI::App& cmd, std::vector<std::string>& inputs,
                                 const std::string& description);
// A flag's comma-separated list, every part kept as written: "a,,b," is {"a", "", "b", ""}.
std::vector<std::string> split_commas(const std::string& list);
// --layer K of the attention commands (0: all layers): UsageError when the model has fewer.
void check_layer_flag(int layer, int model_layers);

}  // namespace attn::tools
