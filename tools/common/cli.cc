#include "common/cli.h"

#include <algorithm>
#include <utility>

#include "attn/blas.h"
#include "attn/parallel.h"
#include "common/log.h"
#include "common/run_guarded.h"

#ifndef ATTN_VERSION
#define ATTN_VERSION "unknown"
#endif

namespace attn::tools {

void configure_app(CLI::App& app) {
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(app.get_name()) + " " + ATTN_VERSION);
  app.option_defaults()->always_capture_default();
}

void apply_common_flags(const CommonOptions& options) {
  if (options.quiet && options.verbose) throw UsageError("--quiet and --verbose exclude each other");
  set_verbosity(options.quiet     ? Verbosity::Quiet
                : options.verbose ? Verbosity::Verbose
                                  : Verbosity::Normal);
  if (options.threads > 0) {
    // More threads than cores only adds switching and waiting (4096 threads on 2 cores made a
    // 0.06 s run take 38 s).
    const int cores = available_cores();
    if (options.threads > cores)
      log_info("--threads {} is more than the {} core{} available: using {}", options.threads, cores,
               cores == 1 ? "" : "s", cores);
    set_threads(std::min(options.threads, cores));
  }
  if (options.verbose) {
    log_verbose("{} thread{}", threads(), threads() == 1 ? "" : "s");
    log_verbose("{}", blas_description());
  }
}

void add_common_flags(CLI::App& cmd, CommonOptions& options) {
  cmd.add_option("--threads", options.threads, "Threads to use (default: all cores)")
      ->check(CLI::Range(1, 4096).description(""))
      ->type_name("N")
      ->default_str("all cores");
  cmd.add_flag("--quiet", options.quiet, "No progress or info on stderr");
  cmd.add_flag("-v,--verbose", options.verbose, "More details on stderr");
  cmd.parse_complete_callback([&options] { apply_common_flags(options); });
}

void add_seed_flag(CLI::App& cmd, CommonOptions& options) {
  cmd.add_option("--seed", options.seed,
                 "Random seed (same seed and --threads give a bit-identical result)");
}

void add_keep_going_flag(CLI::App& cmd, CommonOptions& options) {
  cmd.add_flag("--keep-going", options.keep_going,
               "Report a bad input as a warning and go on with the rest (exit code 1 at the end)");
}

CLI::App* add_model_subcommand(CLI::App& app, const std::string& name, const std::string& help,
                               CommonOptions& common, std::string& model, const std::string& model_help) {
  CLI::App* cmd = app.add_subcommand(name, help);
  add_common_flags(*cmd, common);
  add_keep_going_flag(*cmd, common);
  add_model_option(*cmd, model, false, model_help);
  return cmd;
}

CLI::App* add_model_subcommand(CLI::App& app, const std::string& name, const std::string& help,
                               CommonOptions& common, std::vector<std::string>& models, const std::string& model_help) {
  CLI::App* cmd = app.add_subcommand(name, help);
  add_common_flags(*cmd, common);
  add_keep_going_flag(*cmd, common);
  add_model_option(*cmd, models, model_help);
  return cmd;
}

CLI::App* add_train_subcommand(CLI::App& app, const std::string& help, CommonOptions& common) {
  CLI::App* cmd = app.add_subcommand("train", help);
  add_common_flags(*cmd, common);
  add_seed_flag(*cmd, common);
  add_keep_going_flag(*cmd, common);
  return cmd;
}

CLI::Option* add_model_option(CLI::App& cmd, std::string& path, bool required,
                              const std::string& description) {
  return cmd.add_option("-m,--model", path, description)->required(required)->type_name("MODEL");
}

CLI::Option* add_model_option(CLI::App& cmd, std::vector<std::string>& paths, const std::string& description) {
  return cmd.add_option("-m,--model", paths, description)->allow_extra_args(false)->type_name("MODEL")->default_str("");
}

CLI::Option* add_data_option(CLI::App& cmd, std::string& path, bool required,
                             const std::string& description, const std::string& flag) {
  return cmd.add_option(flag, path, description)->required(required)->type_name("PATH");
}

CLI::Option* add_output_option(CLI::App& cmd, std::string& path, bool required,
                               const std::string& description) {
  return cmd.add_option("-o,--output", path, description)->required(required)->type_name("PATH");
}

CLI::Option* add_predict_format_option(CLI::App& cmd, PredictFormat& format) {
  return add_enum_option(cmd, "--format", format,
                         {{"tsv", PredictFormat::Tsv}, {"jsonl", PredictFormat::Jsonl}},
                         "Output format: tsv or jsonl");
}

CLI::Option* add_report_format_option(CLI::App& cmd, ReportFormat& format) {
  return add_enum_option(cmd, "--format", format,
                         {{"text", ReportFormat::Text}, {"json", ReportFormat::Json}},
                         "Output format: text or json");
}

CLI::Option* add_choice_option(CLI::App& cmd, const std::string& flag, std::string& value,
                               const std::vector<std::string>& choices, const std::string& description) {
  std::string names;
  for (const std::string& c : choices) names += (names.empty() ? "" : "|") + c;
  return cmd.add_option(flag, value, description)->check(CLI::IsMember(choices).description(""))->type_name(names);
}

CLI::Option* add_top_k_option(CLI::App& cmd, int& k) {
  return cmd.add_option("-k,--top-k", k, "Labels per item, most probable first")
      ->check(CLI::Range(1, 1 << 30).description(""))
      ->type_name("K");
}

CLI::Option* add_inputs_argument(CLI::App& cmd, std::vector<std::string>& inputs,
                                 const std::string& description) {
  return cmd.add_option("inputs", inputs, description)
      ->type_name("INPUT")
      ->default_val(std::vector<std::string>{"-"})
      ->default_str("-");
}

std::vector<std::string> split_commas(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= list.size(); ++i)
    if (i == list.size() || list[i] == ',') {
      out.push_back(list.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

void check_layer_flag(int layer, int model_layers) {
  if (layer > model_layers)
    throw UsageError("--layer " + std::to_string(layer) + ": the model has " + std::to_string(model_layers) + " layers");
}

}  // namespace attn::tools
