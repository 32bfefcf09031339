#include "attn/text/model_file.h"

#include <nlohmann/json.hpp>
#include <set>

#include "attn/error.h"

namespace attn::text {
namespace {

using nlohmann::json;

template <class Enum>
Enum parse_enum(const json& j, const char* field, std::initializer_list<std::pair<const char*, Enum>> values) {
  if (!j.contains(field) || !j[field].is_string())
    throw Error(std::string("attn.config: model.") + field + ": missing or not a string");
  const std::string s = j[field];
  for (const auto& [name, value] : values)
    if (s == name) return value;
  throw Error(std::string("attn.config: model.") + field + ": unknown value \"" + s + "\"");
}

int int_field(const json& j, const char* field, int lo, int hi) {
  if (!j.contains(field) || !j[field].is_number_integer())
    throw Error(std::string("attn.config: model.") + field + ": missing or not an integer");
  const int64_t v = j[field];
  if (v < lo || v > hi)
    throw Error(std::string("attn.config: model.") + field + ": " + std::to_string(v) +
                " is outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return static_cast<int>(v);
}

float float_field(const json& j, const char* field, float lo, float hi) {
  if (!j.contains(field) || !j[field].is_number())
    throw Error(std::string("attn.config: model.") + field + ": missing or not a number");
  const double v = j[field];
  if (!(v >= lo && v <= hi))
    throw Error(std::string("attn.config: model.") + field + ": out of range");
  return static_cast<float>(v);
}

json parse_json(const std::string& text, const char* key) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw Error(std::string(key) + ": invalid JSON (" + e.what() + ")");
  }
}

}  // namespace

std::string to_string(LossKind k) { return k == LossKind::Softmax ? "softmax" : "ova"; }
std::string to_string(PosKind k) { return k == PosKind::Learned ? "learned" : "sinusoidal"; }
std::string to_string(PoolKind k) { return k == PoolKind::Cls ? "cls" : "mean"; }

std::string model_config_to_json(const TextModelConfig& c) {
  json j = {{"dim", c.dim},           {"layers", c.layers},
            {"heads", c.heads},       {"ff_dim", c.ff_dim},
            {"dropout", c.dropout},   {"pos", to_string(c.pos)},
            {"pool", to_string(c.pool)}, {"loss", to_string(c.loss)},
            {"label_smoothing", c.label_smoothing}, {"num_labels", c.num_labels}};
  return j.dump();
}

TextModelConfig model_config_from_json(const std::string& text) {
  const json j = parse_json(text, "attn.config: model");
  if (!j.is_object()) throw Error("attn.config: model: not a JSON object");
  TextModelConfig c;
  c.dim = int_field(j, "dim", 1, 4096);
  c.layers = int_field(j, "layers", 0, 64);
  c.heads = int_field(j, "heads", 1, 256);
  c.ff_dim = int_field(j, "ff_dim", 1, 65536);
  c.num_labels = int_field(j, "num_labels", 1, 1000000);
  c.dropout = float_field(j, "dropout", 0.0f, 0.99f);
  c.label_smoothing = float_field(j, "label_smoothing", 0.0f, 1.0f);
  c.pos = parse_enum<PosKind>(j, "pos", {{"learned", PosKind::Learned}, {"sinusoidal", PosKind::Sinusoidal}});
  c.pool = parse_enum<PoolKind>(j, "pool", {{"cls", PoolKind::Cls}, {"mean", PoolKind::Mean}});
  c.loss = parse_enum<LossKind>(j, "loss", {{"softmax", LossKind::Softmax}, {"ova", LossKind::Ova}});
  if (c.dim % c.heads != 0) throw Error("attn.config: model.dim must be a multiple of model.heads");
  return c;
}

void save_text_model(const std::string& path, TextModel& model,
                     const std::map<std::string, std::string>& extra_metadata, DType storage) {
  const TextClassifier& m = *model.classifier;
  json config = {{"model", json::parse(model_config_to_json(m.config()))},
                 {"tokenizer", json::parse(tokenizer_config_to_json(m.tokenizer().config()))},
                 {"documents", {{"email_from", model.documents.email_from},
                                {"email_content_type", model.documents.email_content_type}}}};
  std::map<std::string, std::string> metadata = extra_metadata;
  metadata["attn.task"] = kTextTask;
  metadata["attn.format_version"] = kTextFormatVersion;
  metadata["attn.config"] = config.dump();
  metadata["attn.labels"] = json(model.labels).dump();
  metadata["attn.tokenizer"] = m.tokenizer().to_json();
  save_safetensors(path, model.classifier->parameters(), metadata, storage);
}

TextModel load_text_model(const SafeTensorsFile& file) {
  const std::string& task = file.metadata_value("attn.task");
  if (task != kTextTask)
    throw Error(file.name() + ": a model for task \"" + task + "\", not " + kTextTask);
  const std::string& version = file.metadata_value("attn.format_version");
  if (version != kTextFormatVersion)
    throw Error(file.name() + ": model format version " + version + " is not supported (expected " +
                kTextFormatVersion + ")");
  try {
    const json config = parse_json(file.metadata_value("attn.config"), "attn.config");
    if (!config.is_object() || !config.contains("model"))
      throw Error("attn.config: missing \"model\"");
    const TextModelConfig model_config = model_config_from_json(config["model"].dump());
    Tokenizer tokenizer = Tokenizer::from_json(file.metadata_value("attn.tokenizer"));

    const json labels = parse_json(file.metadata_value("attn.labels"), "attn.labels");
    TextModel model;
    std::set<std::string> seen;
    if (!labels.is_array()) throw Error("attn.labels: not a JSON array");
    for (const json& l : labels) {
      if (!l.is_string() || l.get<std::string>().empty())
        throw Error("attn.labels: every label must be a non-empty string");
      if (!seen.insert(l.get<std::string>()).second)
        throw Error("attn.labels: duplicate label \"" + l.get<std::string>() + "\"");
      model.labels.push_back(l);
    }
    if (static_cast<int>(model.labels.size()) != model_config.num_labels)
      throw Error("attn.labels: " + std::to_string(model.labels.size()) +
                  " labels but model.num_labels is " + std::to_string(model_config.num_labels));
    if (config.contains("documents")) {  // absent: the defaults
      const json& d = config["documents"];
      for (const char* field : {"email_from", "email_content_type"})
        if (!d.is_object() || !d.contains(field) || !d[field].is_boolean())
          throw Error(std::string("attn.config: documents.") + field + ": missing or not true/false");
      model.documents.email_from = d["email_from"];
      model.documents.email_content_type = d["email_content_type"];
    }
    model.classifier = std::make_unique<TextClassifier>(model_config, std::move(tokenizer));
    load_parameters(file, model.classifier->parameters());
    return model;
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.rfind(file.name(), 0) == 0) throw;
    throw Error(file.name() + ": " + what);
  }
}

}  // namespace attn::text
