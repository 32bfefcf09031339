// attn-graph info: task, settings, labels and parameter count of a model file.
#include <nlohmann/json.hpp>

#include "attn/graph/model_file.h"
#include "commands.h"
#include "common/output.h"
#include "graph_input.h"

namespace attn::tools::graph {
namespace {

struct InfoArgs {
  std::string model;
  ReportFormat format = ReportFormat::Text;
};

int run_info(const InfoArgs& a, Builtin builtin) {
  attn::graph::LoadedGatModel m = open_graph_model(a.model, builtin);
  const nlohmann::json config = nlohmann::json::parse(m.config_json);
  const int64_t params = m.model->parameter_count();
  if (a.format == ReportFormat::Json) {
    write_json_line(nlohmann::json{{"task", attn::graph::kGraphTask},
                                   {"format_version", attn::graph::kGraphFormatVersion},
                                   {"config", config},
                                   {"labels", m.labels},
                                   {"parameters", params}});
    return 0;
  }
  std::string text = std::string("task: ") + attn::graph::kGraphTask + "\nformat version: " +
                     std::to_string(attn::graph::kGraphFormatVersion) + "\nmodel: " +
                     config.at("model").dump() + "\ngraph: " + config.at("graph").dump() +
                     "\ntrained by: " + m.train_command + "\nlabels (" +
                     std::to_string(m.labels.size()) + "):";
  for (const std::string& l : m.labels) text += " " + l;
  text += "\nparameters: " + std::to_string(params) + "\n";
  write_bytes(stdout, text);
  return 0;
}

}  // namespace

Command add_info_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  auto args = std::make_shared<InfoArgs>();
  CLI::App* cmd = app.add_subcommand("info", "Task, settings, labels and parameter count of a model");
  add_common_flags(*cmd, common);
  add_model_option(*cmd, args->model, false, "Model file (default: the built-in Cora model)");
  add_report_format_option(*cmd, args->format);
  return [args, builtin] { return run_info(*args, builtin); };
}

}  // namespace attn::tools::graph
