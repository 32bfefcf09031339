#pragma once
// attn-graph attention --format dot: a GraphViz picture of one node's k-hop neighbourhood, an
// arrow j -> i for each edge i attends along, its width and label the head-averaged attention of
// the chosen layer, each node labelled with its prediction (and label), the centre drawn bold.
#include <string>
#include <vector>

#include "attn/graph/gat_model.h"
#include "attn/graph/load.h"

namespace attn::graph {

// cache: the forward's, with the attention kept; probs: (N, K) class probabilities; layer:
// 1-based, 0 for the last. attn::Error when node_id is not in the graph.
std::string attention_dot(const LoadedGraph& lg, const GatModel& model, const std::vector<std::string>& labels,
                          const GatModelCache& cache, const std::vector<float>& probs, const std::string& node_id,
                          int layer, int hops);

}  // namespace attn::graph
