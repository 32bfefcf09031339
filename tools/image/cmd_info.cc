// attn-image info: task, configuration, labels and parameter count of a model.
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "common/embedded_model.h"
#include "common/output.h"
#include "model_loading.h"

namespace attn::tools::image {
namespace {

struct InfoArgs {
  std::string model;
  ReportFormat format = ReportFormat::Text;
};

int run_info(const InfoArgs& a, Builtin builtin) {
  const SafeTensorsFile file = open_model_or_builtin(a.model, builtin);
  auto model = vision::load_image_model(file);
  nlohmann::ordered_json j;
  j["model"] = file.name();
  j["task"] = file.metadata_value("attn.task");
  j["format_version"] = file.metadata_value("attn.format_version");
  j["config"] = nlohmann::json::parse(file.metadata_value("attn.config"));
  j["labels"] = model.labels;
  j["parameters"] = model.vit->parameter_count();
  if (file.has_metadata("attn.train_command")) j["train_command"] = file.metadata_value("attn.train_command");
  if (a.format == ReportFormat::Json) {
    write_json_line(j);
    return 0;
  }
  std::string text;
  for (const auto& [key, value] : j.items())
    text += key + "\t" + (value.is_string() ? value.get<std::string>() : value.dump()) + "\n";
  write_bytes(stdout, text);
  return 0;
}

}  // namespace

Command add_info_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  auto args = std::make_shared<InfoArgs>();
  CLI::App* cmd = app.add_subcommand("info", "Show a model's task, configuration, labels and size");
  add_common_flags(*cmd, common);
  add_model_option(*cmd, args->model, false, "Model file (default: the built-in Fashion-MNIST model)");
  add_report_format_option(*cmd, args->format);
  return [args, builtin] { return run_info(*args, builtin); };
}

}  // namespace attn::tools::image
