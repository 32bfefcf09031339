#pragma once
// Where a ViT looked: attention rollout (Abnar & Zuidema 2020) and heat-map overlays.
#include <string>
#include <vector>

#include "attn/vision/image.h"

namespace attn::vision {

// Rollout over L layers of head-averaged attention, each (T, T) with rows summing to 1:
//   R = A'_L ... A'_1,  A'_l = (A_l + I) / 2   (the residual path as half the flow).
// Returns R: (T, T). An empty list gives the identity.
std::vector<double> attention_rollout(int T, const std::vector<std::vector<float>>& layers);

// Row `query` of a (T, T) matrix without column `query`, normalised to sum 1: what the
// class token (query 0) gives each patch.
std::vector<float> token_weights(int T, const std::vector<double>& matrix, int query = 0);
// The rows of a (T, T) matrix weighted by readout (T), without column 0 (the class token),
// normalised to sum 1: what a head reading the final tokens by those weights gets from each
// patch. A one-hot readout on row 0 gives token_weights(T, matrix).
std::vector<float> token_weights(int T, const std::vector<double>& matrix, const std::vector<float>& readout);

// What the head's input (the class token, row 0, unless readout says how it weighs the T final
// tokens: ViT::readout_weights) gets from each patch: with layer == 0 the rollout over all
// layers, with layer k in 1..L layer k's own attention. maps: L matrices (T, T). Returns T - 1
// weights summing to 1. Throws std::out_of_range for a layer outside 0..L, and
// std::invalid_argument for a readout that is neither empty nor T long.
std::vector<float> class_attention(int T, const std::vector<std::vector<float>>& maps, int layer,
                                   const std::vector<float>& readout = {});

struct HeatmapConfig {
  int min_output_side = 224;  // the image is enlarged by a whole factor to at least this
  float max_alpha = 0.7f;     // overlay opacity at the highest weight
};

// The image (any size, 1 or 3 channels) as RGB, enlarged, with weights (grid x grid, row-major)
// as a blue-to-red overlay whose colour and opacity follow the weight (the lowest weight: no
// overlay, the highest: red at max_alpha), and `caption` drawn in a bar on top.
Image render_heatmap(const Image& image, const std::vector<float>& weights, int grid,
                     const std::string& caption, const HeatmapConfig& config = {});

// attn-image attention's picture as PNG bytes: render_heatmap captioned with the predicted
// label and its probability ("Coat 0.93").
std::vector<uint8_t> attention_png(const Image& image, const std::vector<float>& weights, int grid,
                                   const std::string& label, double prob);

}  // namespace attn::vision
