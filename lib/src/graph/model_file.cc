#include "attn/graph/model_file.h"

#include <nlohmann/json.hpp>

#include "attn/error.h"

namespace attn::graph {

namespace {

using nlohmann::json;

json graph_json(const GraphOptions& g) {
  return {{"features", feature_format_name(g.features)},
          {"feature_dim", g.feature_dim},
          {"undirected", g.undirected},
          {"self_loops", self_loops_name(g.self_loops)},
          {"normalize_rows", g.normalize_rows}};
}

const json& field(const json& j, const char* object, const char* name) {
  if (!j.is_object() || !j.contains(name))
    throw Error(std::string("model config: field '") + object + "." + name + "' is missing");
  return j.at(name);
}

bool boolean(const json& j, const char* object, const char* name) {
  const json& v = field(j, object, name);
  if (!v.is_boolean())
    throw Error(std::string("model config: field '") + object + "." + name + "' is not a boolean");
  return v.get<bool>();
}

std::string string_field(const json& j, const char* object, const char* name) {
  const json& v = field(j, object, name);
  if (!v.is_string())
    throw Error(std::string("model config: field '") + object + "." + name + "' is not a string");
  return v.get<std::string>();
}

GraphOptions graph_from_json(const json& j) {
  GraphOptions g;
  g.features = parse_feature_format(string_field(j, "graph", "features"));
  if (g.features == FeatureFormat::Auto)
    throw Error("model config: field 'graph.features' must be dense, sparse or none");
  const json& dim = field(j, "graph", "feature_dim");
  if (!dim.is_number_integer() || dim.get<int64_t>() < 0 || dim.get<int64_t>() > (1 << 30))
    throw Error("model config: field 'graph.feature_dim' must be an integer in [0, 2^30]");
  g.feature_dim = dim.get<int>();
  g.undirected = boolean(j, "graph", "undirected");
  g.self_loops = parse_self_loops(string_field(j, "graph", "self_loops"));
  g.normalize_rows = boolean(j, "graph", "normalize_rows");
  return g;
}

}  // namespace

void normalize_feature_rows(NodeFeatures& f) {
  const bool sparse = f.kind == NodeFeatures::Kind::Sparse;
  for (int i = 0; i < f.rows; ++i) {
    float* v = sparse ? f.value.data() + f.row_ptr[i] : f.dense.data() + int64_t{i} * f.dim;
    const int64_t n = sparse ? f.row_ptr[i + 1] - f.row_ptr[i] : f.dim;
    double sum = 0;
    for (int64_t t = 0; t < n; ++t) sum += v[t];
    if (sum > 0)
      for (int64_t t = 0; t < n; ++t) v[t] = static_cast<float>(v[t] / sum);
  }
}

void save_gat_model(const std::string& path, GatModel& model, const GraphOptions& graph,
                    const std::vector<std::string>& labels, const std::string& train_command,
                    DType storage, const std::map<std::string, std::string>& extra_metadata) {
  const json config = {{"model", json::parse(gat_config_json(model.config()))},
                       {"graph", graph_json(graph)},
                       {"train_command", train_command}};
  std::map<std::string, std::string> metadata = extra_metadata;
  metadata.insert({
      {"attn.task", kGraphTask},
      {"attn.format_version", std::to_string(kGraphFormatVersion)},
      {"attn.config", config.dump()},
      {"attn.labels", json(labels).dump()}});
  save_safetensors(path, model.parameters(), metadata, storage);
}

LoadedGatModel load_gat_model(const SafeTensorsFile& file) {
  const std::string& task = file.metadata_value("attn.task");
  if (task != kGraphTask)
    throw Error(file.name() + ": a model for task '" + task + "', not a graph model");
  if (file.metadata_value("attn.format_version") != std::to_string(kGraphFormatVersion))
    throw Error(file.name() + ": attn.format_version '" + file.metadata_value("attn.format_version") +
                "' is not supported (expected " + std::to_string(kGraphFormatVersion) + ")");
  LoadedGatModel out;
  out.config_json = file.metadata_value("attn.config");
  const json config = json::parse(out.config_json, nullptr, false);
  if (!config.is_object()) throw Error(file.name() + ": attn.config is not a JSON object");
  try {
    const GatModelConfig mc = gat_config_from_json(field(config, "config", "model").dump());
    out.graph = graph_from_json(field(config, "config", "graph"));
    out.train_command = string_field(config, "config", "train_command");
    const json labels = json::parse(file.metadata_value("attn.labels"), nullptr, false);
    if (!labels.is_array() || static_cast<int>(labels.size()) != mc.classes)
      throw Error("attn.labels must be an array of " + std::to_string(mc.classes) + " labels");
    for (const json& l : labels) {
      if (!l.is_string()) throw Error("attn.labels holds a value that is not a string");
      out.labels.push_back(l.get<std::string>());
    }
    // Each layer's projection must be in the file with the configured shape before the model
    // allocates anything from the config: the file's own bytes bound what is allocated.
    const std::vector<GatLayerConfig> layers = mc.layer_configs();
    for (size_t l = 0; l < layers.size(); ++l) {
      const std::string name = "layers." + std::to_string(l) + ".weight";
      const std::vector<int64_t> want{layers[l].in, int64_t{layers[l].heads} * layers[l].head_dim};
      if (!file.has(name)) throw Error("tensor '" + name + "' is missing");
      if (file.shape(name) != want)
        throw Error("tensor '" + name + "' does not have the shape the config implies (" +
                    std::to_string(want[0]) + ", " + std::to_string(want[1]) + ")");
    }
    out.model = std::make_unique<GatModel>(mc);
  } catch (const Error& e) {
    throw Error(file.name() + ": " + e.what());
  }
  load_parameters(file, out.model->parameters());
  return out;
}

GraphOptions parse_graph_options(const GraphOptionNames& names) {
  GraphOptions o;
  o.features = parse_feature_format(names.features);
  o.feature_dim = names.feature_dim;
  o.undirected = names.undirected;
  o.self_loops = parse_self_loops(names.self_loops);
  o.normalize_rows = !names.no_normalize;
  return o;
}

}  // namespace attn::graph
