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

// What the class token (row 0) gives each patch: with layer == 0 the rollout over all layers,
// with layer k in 1..L layer k's own attention. maps: L matrices (T, T). Returns T - 1 weights
// summing to 1. Throws std::out_of_range for a layer outside 0..L.
std::vector<float> class_attention(int T, const std::vector<std::vector<float>>& maps, int layer);

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
