#pragma once
// GAT model files: safetensors with attn.task "graph", attn.format_version, attn.config
// ({"model": GatModelConfig, "graph": GraphOptions, "train_command": ...}) and attn.labels.
// Reading checks the task, the version, every config field, and that the file holds each
// layer's projection with the shape the config implies before anything is allocated from it.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "attn/checkpoint.h"
#include "attn/graph/csr.h"
#include "attn/graph/gat_model.h"
#include "attn/graph/readers.h"

namespace attn::graph {

inline constexpr const char* kGraphTask = "graph";
inline constexpr int kGraphFormatVersion = 1;

// How the graph files were read and prepared, so eval and predict read them as train did.
struct GraphOptions {
  FeatureFormat features = FeatureFormat::Auto;  // as decided when training (never Auto)
  int feature_dim = 0;
  bool undirected = false;
  SelfLoops self_loops = SelfLoops::Add;
  bool normalize_rows = true;  // features scaled to sum 1 per node (the GAT paper's input)
};

// GraphOptions as written on a command line: the formats by name ("sparse", "keep").
struct GraphOptionNames {
  std::string features = "auto";
  int feature_dim = 0;
  bool undirected = false;
  std::string self_loops = "add";
  bool no_normalize = false;
};
// attn::Error for a name that is not one of parse_feature_format's or parse_self_loops'.
GraphOptions parse_graph_options(const GraphOptionNames& names);

struct LoadedGatModel {
  std::unique_ptr<GatModel> model;
  GraphOptions graph;
  std::vector<std::string> labels;
  std::string train_command;  // as recorded, "" if none
  std::string config_json;    // attn.config as stored
};

void save_gat_model(const std::string& path, GatModel& model, const GraphOptions& graph,
                    const std::vector<std::string>& labels, const std::string& train_command,
                    DType storage = DType::F32,
                    const std::map<std::string, std::string>& extra_metadata = {});  // e.g. attn.init_from
LoadedGatModel load_gat_model(const SafeTensorsFile& file);

// Row normalisation of non-negative features: each row divided by its sum (rows summing to
// 0 stay 0), as the GAT paper's preprocessing.
void normalize_feature_rows(NodeFeatures& f);

}  // namespace attn::graph
