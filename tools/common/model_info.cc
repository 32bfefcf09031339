#include "common/model_info.h"

#include <cctype>
#include <memory>
#include <set>

#include "common/embedded_model.h"
#include "common/output.h"

namespace attn::tools {
namespace {

// "f16", or "f16+f32" for a file that mixes storage types.
std::string storage_of(const SafeTensorsFile& file) {
  std::set<std::string> names;
  for (const std::string& t : file.names()) {
    std::string n = dtype_name(file.dtype(t));
    for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    names.insert(n);
  }
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : "+") + n;
  return out;
}

// A metadata value that holds JSON (an object or array) is shown as JSON, anything else as text.
nlohmann::ordered_json metadata_entry(const std::string& value) {
  if (!value.empty() && (value.front() == '{' || value.front() == '[')) {
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(value, nullptr, /*allow_exceptions=*/false);
    if (!j.is_discarded()) return j;
  }
  return value;
}

}  // namespace

nlohmann::ordered_json model_info(const SafeTensorsFile& file, const ModelSummary& summary) {
  nlohmann::ordered_json j;
  j["model"] = file.name();
  j["task"] = file.metadata_value("attn.task");
  j["format_version"] = file.metadata_value("attn.format_version");
  // Keys sorted, as the file stores them.
  j["config"] = nlohmann::json::parse(file.metadata_value("attn.config"));
  j["labels"] = summary.labels;
  for (const auto& [key, value] : summary.extra.items()) j[key] = value;
  j["parameters"] = summary.parameters;
  if (file.has_metadata("attn.train_command"))
    j["train_command"] = file.metadata_value("attn.train_command");
  else if (!summary.train_command.empty())
    j["train_command"] = summary.train_command;
  j["storage"] = storage_of(file);
  if (file.has_metadata("attn.init_from")) j["init_from"] = metadata_entry(file.metadata_value("attn.init_from"));
  return j;
}

std::string model_info_text(const nlohmann::ordered_json& info) {
  std::string text;
  for (const auto& [key, value] : info.items())
    text += key + "\t" + (value.is_string() ? value.get<std::string>() : value.dump()) + "\n";
  return text;
}

Command add_info_command(CLI::App& app, CommonOptions& common, Builtin builtin, const std::string& model_help,
                         SummarizeModel summarize) {
  struct Args {
    std::string model;
    ReportFormat format = ReportFormat::Text;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("info", "Show a model's task, configuration, labels and size");
  add_common_flags(*cmd, common);
  add_model_option(*cmd, args->model, false, model_help);
  add_report_format_option(*cmd, args->format);
  return [args, builtin, summarize = std::move(summarize)] {
    const SafeTensorsFile file = open_model_or_builtin(args->model, builtin);
    const nlohmann::ordered_json info = model_info(file, summarize(file));
    if (args->format == ReportFormat::Json)
      write_json_line(info);
    else
      write_bytes(stdout, model_info_text(info));
    return 0;
  };
}

}  // namespace attn::tools
