#pragma once
// The model file every tool writes: safetensors whose __metadata__ holds
//   attn.task            e.g. "text-classification"
//   attn.format_version  e.g. "1"
//   attn.config          JSON object: every hyperparameter and preprocessing option
//   attn.labels          JSON array of distinct, non-empty, UTF-8 label names (id order)
// plus whatever the task adds (attn.tokenizer, attn.train_command, attn.init_from ...).
//
// Loading follows one rule: nothing is allocated from a config before the config has been
// checked against the tensors in the file. A tool reads the header (read_model_header), reads
// its config with ConfigReader, lists the parameters that config implies (ParameterShapes) and
// calls check_parameter_shapes; only then does it build the model and load_parameters. A
// crafted file that declares a huge model but holds no such tensors is an attn::Error naming
// the tensor, within bounded memory. Loaded models have no gradient buffers (Parameter::grad
// is allocated by the first backward).
#include <cstdint>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "attn/checkpoint.h"
#include "attn/error.h"
#include "attn/parameter.h"

namespace attn {

// ---- checked JSON reads ------------------------------------------------------------------

// `text` as JSON; attn::Error("<where>: invalid JSON (...)") otherwise.
nlohmann::json parse_json(const std::string& text, const std::string& where);

// Reads fields of one JSON object; every error names the field by its path, e.g.
//   "attn.config: model.dim: 70000 is outside [1, 4096]".
class ConfigReader {
 public:
  // `where` is the path of `object` ("attn.config: model"); throws if it is not an object.
  ConfigReader(const nlohmann::json& object, std::string where);

  bool has(const char* field) const;
  int64_t integer(const char* field, int64_t lo, int64_t hi) const;
  double number(const char* field, double lo, double hi) const;
  bool boolean(const char* field) const;
  std::string string(const char* field) const;
  // A string that must be one of `names` (pairs of a name and its value); returns the value.
  template <class Enum, class Names = std::initializer_list<std::pair<const char*, Enum>>>
  Enum choice(const char* field, const Names& names) const {
    const std::string s = string(field);
    for (const auto& [name, value] : names)
      if (s == name) return value;
    unknown_value(field, s);
  }
  ConfigReader object(const char* field) const;  // a nested object
  const nlohmann::json& value() const { return j_; }
  std::string path(const char* field) const;     // "attn.config: model.dim"

 private:
  [[noreturn]] void unknown_value(const char* field, const std::string& value) const;
  const nlohmann::json& at(const char* field) const;  // throws "missing"
  const nlohmann::json& j_;
  std::string where_;
};

// ---- the header --------------------------------------------------------------------------

struct ModelHeader {
  std::string task;
  std::string format_version;
  nlohmann::json config = nlohmann::json::object();
  std::vector<std::string> labels;
  std::map<std::string, std::string> extra;  // every other metadata key, as stored
};

// Checks and reads the header: the task and version must be the expected ones, attn.config a
// JSON object, attn.labels a JSON array of distinct non-empty UTF-8 strings. Errors start with
// the file's name and name the field: "m.safetensors: attn.labels: duplicate label \"spam\"".
ModelHeader read_model_header(const SafeTensorsFile& file, std::string_view task,
                              std::string_view format_version);

// The file's tensors must be exactly `expected`: same names, same shapes, none missing, none
// extra. Errors name the tensor and, through `config_hint`, where its size came from:
//   "m.safetensors: tensor 'embed.words.weight': the config needs (20003, 4096), the file holds
//    (20003, 32) (attn.config disagrees with the tensors)".
void check_parameter_shapes(const SafeTensorsFile& file, const ParameterShapes& expected);

// Runs fn(); an attn::Error it throws is prefixed with the file's name unless it has it.
template <class Fn>
auto with_file_name(const SafeTensorsFile& file, Fn&& fn) -> decltype(fn());

// Writes header + parameters atomically (temporary file, then rename) in `storage` (F32, F16 or
// BF16). header.extra is written as is.
void save_model(const std::string& path, const ModelHeader& header, const ParameterList& params,
                DType storage = DType::F32);

// "f32" | "f16" | "bf16" <-> DType; anything else: attn::Error.
DType storage_from_name(const std::string& name);

// ---- fine-tuning from a saved model (train --init) ---------------------------------------

// The new model is built and initialised as usual, then takes the saved model's values: each
// parameter of `to` gets from[i].value of the same name, except those whose name starts with
// one of `fresh` (e.g. "head." when the labels differ: that part keeps its fresh
// initialisation). Throws attn::Error naming the parameter when `from` lacks one of `to` that
// is not fresh, or holds it in another shape. Returns how many parameters were copied.
int copy_parameters(const ParameterList& to, const ParameterList& from, const std::vector<std::string>& fresh);

// ---- implementation ----------------------------------------------------------------------

[[noreturn]] void rethrow_with_file_name(const SafeTensorsFile& file);

template <class Fn>
auto with_file_name(const SafeTensorsFile& file, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Error&) {
    rethrow_with_file_name(file);
  }
}

}  // namespace attn
