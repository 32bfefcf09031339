#include "attn/model_file.h"

#include <fmt/format.h>

#include <set>
#include <unordered_map>

#include "attn/error.h"
#include "attn/text/utf8.h"

namespace attn {
using nlohmann::json;

nlohmann::json parse_json(const std::string& text, const std::string& where) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw Error(where + ": invalid JSON (" + e.what() + ")");
  }
}

// ---- ConfigReader ------------------------------------------------------------------------

ConfigReader::ConfigReader(const json& object, std::string where) : j_(object), where_(std::move(where)) {
  if (!j_.is_object()) throw Error(where_ + ": not a JSON object");
}

std::string ConfigReader::path(const char* field) const {
  // "attn.config" + "dim" -> "attn.config: dim"; "attn.config: model" + "dim" -> "...: model.dim"
  return where_.find(": ") == std::string::npos ? where_ + ": " + field : where_ + "." + field;
}

bool ConfigReader::has(const char* field) const { return j_.contains(field); }

const json& ConfigReader::at(const char* field) const {
  if (!j_.contains(field)) throw Error(path(field) + ": missing");
  return j_[field];
}

int64_t ConfigReader::integer(const char* field, int64_t lo, int64_t hi) const {
  const json& v = at(field);
  if (!v.is_number_integer()) throw Error(path(field) + ": not an integer");
  // An unsigned value above INT64_MAX reads as negative: is_number_unsigned catches it.
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(hi))
    throw Error(fmt::format("{}: {} is outside [{}, {}]", path(field), v.get<uint64_t>(), lo, hi));
  const int64_t x = v.get<int64_t>();
  if (x < lo || x > hi) throw Error(fmt::format("{}: {} is outside [{}, {}]", path(field), x, lo, hi));
  return x;
}

double ConfigReader::number(const char* field, double lo, double hi) const {
  const json& v = at(field);
  if (!v.is_number()) throw Error(path(field) + ": not a number");
  const double x = v.get<double>();
  if (!(x >= lo && x <= hi)) throw Error(fmt::format("{}: {} is outside [{}, {}]", path(field), x, lo, hi));
  return x;
}

bool ConfigReader::boolean(const char* field) const {
  const json& v = at(field);
  if (!v.is_boolean()) throw Error(path(field) + ": not true/false");
  return v.get<bool>();
}

std::string ConfigReader::string(const char* field) const {
  const json& v = at(field);
  if (!v.is_string()) throw Error(path(field) + ": not a string");
  return v.get<std::string>();
}

ConfigReader ConfigReader::object(const char* field) const { return ConfigReader(at(field), path(field)); }

void ConfigReader::unknown_value(const char* field, const std::string& value) const {
  throw Error(path(field) + ": unknown value \"" + text::sanitize_utf8(value) + "\"");
}

// ---- header ------------------------------------------------------------------------------

void rethrow_with_file_name(const SafeTensorsFile& file) {
  try {
    throw;
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.rfind(file.name() + ":", 0) == 0) throw;
    throw Error(file.name() + ": " + what);
  }
}

ModelHeader read_model_header(const SafeTensorsFile& file, std::string_view task,
                              std::string_view format_version) {
  return with_file_name(file, [&] {
    ModelHeader h;
    h.task = file.metadata_value("attn.task");
    if (h.task != task)
      throw Error(fmt::format("a model for task \"{}\", not {}", text::sanitize_utf8(h.task), task));
    h.format_version = file.metadata_value("attn.format_version");
    if (h.format_version != format_version)
      throw Error(fmt::format("model format version {} is not supported (expected {})",
                              text::sanitize_utf8(h.format_version), format_version));
    h.config = parse_json(file.metadata_value("attn.config"), "attn.config");
    if (!h.config.is_object()) throw Error("attn.config: not a JSON object");
    const json labels = parse_json(file.metadata_value("attn.labels"), "attn.labels");
    if (!labels.is_array()) throw Error("attn.labels: not a JSON array");
    std::set<std::string> seen;
    for (const json& l : labels) {
      if (!l.is_string() || l.get<std::string>().empty())
        throw Error("attn.labels: every label must be a non-empty string");
      const std::string& name = l.get_ref<const std::string&>();
      if (!text::is_valid_utf8(name)) throw Error("attn.labels: a label is not valid UTF-8");
      if (!seen.insert(name).second) throw Error("attn.labels: duplicate label \"" + name + "\"");
      h.labels.push_back(name);
    }
    for (const auto& [key, value] : file.metadata())
      if (key != "attn.task" && key != "attn.format_version" && key != "attn.config" && key != "attn.labels")
        h.extra[key] = value;
    return h;
  });
}

namespace {

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace

void check_parameter_shapes(const SafeTensorsFile& file, const ParameterShapes& expected) {
  with_file_name(file, [&] {
    std::set<std::string> wanted;
    for (const ParameterShape& p : expected) {
      wanted.insert(p.name);
      if (!file.has(p.name))
        throw Error(fmt::format("tensor '{}' of shape {} is missing (attn.config disagrees with the tensors)",
                                p.name, shape_text(p.shape)));
      if (file.shape(p.name) != p.shape)
        throw Error(fmt::format("tensor '{}': the config needs {}, the file holds {} (attn.config disagrees "
                                "with the tensors)", p.name, shape_text(p.shape), shape_text(file.shape(p.name))));
    }
    for (const std::string& name : file.names())
      if (!wanted.count(name))
        throw Error(fmt::format("tensor '{}' is not part of the model attn.config describes",
                                text::sanitize_utf8(name)));
  });
}

void save_model(const std::string& path, const ModelHeader& header, const ParameterList& params,
                DType storage) {
  std::map<std::string, std::string> metadata = header.extra;
  metadata["attn.task"] = header.task;
  metadata["attn.format_version"] = header.format_version;
  metadata["attn.config"] = header.config.dump();
  metadata["attn.labels"] = json(header.labels).dump();
  save_safetensors(path, params, metadata, storage);
}

DType storage_from_name(const std::string& name) {
  if (name == "f32") return DType::F32;
  if (name == "f16") return DType::F16;
  if (name == "bf16") return DType::BF16;
  throw Error("unknown storage \"" + text::sanitize_utf8(name) + "\" (expected f32, f16 or bf16)");
}

int copy_parameters(const ParameterList& to, const ParameterList& from, const std::vector<std::string>& fresh) {
  std::unordered_map<std::string, const Parameter*> by_name;
  for (const Parameter* p : from) by_name[p->name] = p;
  int copied = 0;
  for (Parameter* p : to) {
    bool is_fresh = false;
    for (const std::string& prefix : fresh) is_fresh = is_fresh || p->name.starts_with(prefix);
    if (is_fresh) continue;
    const auto it = by_name.find(p->name);
    if (it == by_name.end()) throw Error("parameter " + p->name + " is missing from the model to start from");
    if (it->second->value.shape() != p->value.shape())
      throw Error("parameter " + p->name + " has another shape in the model to start from");
    p->value = it->second->value;
    ++copied;
  }
  return copied;
}

}  // namespace attn
