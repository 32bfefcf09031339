#pragma once
// `info`, the same for every tool: what a model file holds, as "key<TAB>value" lines or one JSON
// object (--format text|json):
//   model, task, format_version, config, labels, <the tool's own entries>, parameters,
//   train_command (if recorded), storage (f32, f16, bf16), init_from (if fine-tuned).
// The tool loads the model (which checks the file) and says what only it knows.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "attn/checkpoint.h"
#include "common/tool_main.h"

namespace attn::tools {

struct ModelSummary {
  ModelSummary(std::vector<std::string> labels_, int64_t parameters_)
      : labels(std::move(labels_)), parameters(parameters_) {}
  std::vector<std::string> labels;
  int64_t parameters = 0;
  // Entries shown after the labels, in this order (attn-text: "vocabulary").
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();
  // For a tool that records the train command inside its config instead of attn.train_command.
  std::string train_command;
};

// Loads the model in `file` (the tool's checked loader) and summarises it.
using SummarizeModel = std::function<ModelSummary(const SafeTensorsFile& file)>;

// SummarizeModel for a tool whose `load` returns its labels and its network (held by pointer at
// member `net`); `more` adds what only the tool says (attn-text: the vocabulary).
template <class Model, class Net, class Load, class More>
SummarizeModel summarize(Load load, Net Model::*net, More more) {
  return [load, net, more](const SafeTensorsFile& file) {
    const Model model = load(file);
    ModelSummary s{model.labels, (model.*net)->parameter_count()};
    more(model, s);
    return s;
  };
}
template <class Model, class Net, class Load>
SummarizeModel summarize(Load load, Net Model::*net) {
  return summarize(load, net, [](const Model&, ModelSummary&) {});
}

// Everything `info` prints, in order.
nlohmann::ordered_json model_info(const SafeTensorsFile& file, const ModelSummary& summary);
// The text form: one "key<TAB>value" line per entry; strings as they are, the rest as JSON.
std::string model_info_text(const nlohmann::ordered_json& info);

// Registers `info` (--model, --format) on `app`. `model_help` describes --model, naming the
// built-in model.
Command add_info_command(CLI::App& app, CommonOptions& common, Builtin builtin, const std::string& model_help,
                         SummarizeModel summarize);

}  // namespace attn::tools
