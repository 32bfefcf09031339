// attn-speech info: task, labels, feature options, model config, parameter count.
#include <memory>

#include <nlohmann/json.hpp>

#include "common/output.h"
#include "speech/commands.h"
#include "speech/model_args.h"

namespace attn::tools::speech {

namespace {

int run_info(const std::string& path, ReportFormat format) {
  audio::SpeechModel model = load_model(path, builtin_model());
  const nlohmann::ordered_json features = nlohmann::ordered_json::parse(audio::pipeline_to_json(model.features));
  const nlohmann::ordered_json config = nlohmann::ordered_json::parse(audio::speech_config_to_json(model.classifier->config()));
  const int64_t params = model.classifier->parameter_count();
  if (format == ReportFormat::Json) {
    write_json_line(nlohmann::ordered_json{{"task", audio::kSpeechTask}, {"labels", model.labels},
                                           {"model", config}, {"features", features["features"]},
                                           {"postprocess", features["postprocess"]}, {"parameters", params}});
    return 0;
  }
  std::string text = std::string("task: ") + audio::kSpeechTask + "\nlabels:";
  for (const auto& l : model.labels) text += " " + l;
  text += "\nmodel: " + config.dump() + "\nfeatures: " + features["features"].dump() +
          "\npostprocess: " + features["postprocess"].dump() + "\nparameters: " + std::to_string(params) + "\n";
  write_bytes(stdout, text);
  return 0;
}

}  // namespace

Command add_info_command(CLI::App& app, CommonOptions& common) {
  auto path = std::make_shared<std::string>();
  auto format = std::make_shared<ReportFormat>(ReportFormat::Text);
  CLI::App* cmd = app.add_subcommand("info", "Show a model's task, labels, feature options and size");
  add_common_flags(*cmd, common);
  add_model_option(*cmd, *path, false, "Model file (default: the built-in spoken-digit model)");
  add_report_format_option(*cmd, *format);
  return [path, format] { return run_info(*path, *format); };
}

}  // namespace attn::tools::speech
