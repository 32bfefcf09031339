#pragma once
// What attn-graph train settles around train_gat: its config from the kit's fit settings, the
// nodes it learns from, that a saved model reads the graph's features, and the lines it logs
// per epoch and at the end.
#include <cstdint>
#include <string>
#include <vector>

#include "attn/graph/graph.h"
#include "attn/given_setting.h"
#include "attn/graph/train.h"
#include "attn/train/fit.h"

namespace attn::graph {

// Epochs, patience, learning rate, weight decay and seed as attn::fit's settings give them;
// the epoch kept by name: "loss+accuracy" (the GAT paper's rule) or "loss".
GatTrainConfig gat_train_config(const FitConfig& fit, const std::string& keep);

// training_nodes (graph.h); attn::Error when there is no node to train on, naming the split
// file (`split_file`) when one was read, else the node file.
TrainingNodes checked_training_nodes(const GraphData& g, const std::string& split_file);

// The GAT to train on `g`: with `saved` (--init, described by `saved_name`, e.g. "the model of
// --init base.safetensors") its config, the dropouts `given` taken from `flags`, and an
// attn::Error unless it reads as many features per node as the graph has; without, `flags`
// reading the graph's features with the score named `score`. Either with the graph's labels.
GatModelConfig train_model_config(const GatModelConfig& flags, const std::string& score, const GatModelConfig* saved,
                                  const std::string& saved_name, const GivenSetting& given, const GraphData& g);

// The label ids of `nodes`.
std::vector<int32_t> labels_of(const GraphData& g, const std::vector<int32_t>& nodes);

// "epoch 10  loss 1.2345  acc 0.5000  valid loss ...  (best)" for the first epoch, every 10th
// and the last of `epochs`; empty for the others.
std::string epoch_line(const EpochReport& e, int epochs);
// "stopped early after 120 epochs; kept epoch 20: valid loss 0.9876  valid acc 0.8120".
std::string result_line(const TrainResult& r);

}  // namespace attn::graph
