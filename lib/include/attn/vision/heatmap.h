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

struct HeatmapConfig {
  int min_output_side = 224;  // the image is enlarged by a whole factor to at least this
  float max_alpha = 0.7f;     // overlay opacity at the highest weight
};

// The image (any size, 1 or 3 channels) as RGB, enlarged, with weights (grid x grid, row-major)
// as a blue-to-red overlay whose opacity follows the weight, and `caption` drawn in a bar on top.
Image render_heatmap(const Image& image, const std::vector<float>& weights, int grid,
                     const std::string& caption, const HeatmapConfig& config = {});

}  // namespace attn::vision
