#include "attn/vision/test_shift.h"

#include <string>

#include "attn/error.h"
#include "attn/vision/augment.h"
#include "attn/vision/vit_train.h"

namespace attn::vision {

std::vector<ViewMove> view_moves(const TestViews& views) {
  const int s = views.shift;
  std::vector<ViewMove> moves{{0, 0, false}};
  if (s > 0 && views.pattern == ShiftPattern::Cross)
    for (const auto& [dy, dx] : {std::pair{0, s}, {0, -s}, {s, 0}, {-s, 0}}) moves.push_back({dy, dx, false});
  if (s > 0 && views.pattern == ShiftPattern::Grid)
    for (int dy = -s; dy <= s; ++dy)
      for (int dx = -s; dx <= s; ++dx)
        if (dy != 0 || dx != 0) moves.push_back({dy, dx, false});
  if (views.flip) {
    const size_t n = moves.size();
    for (size_t i = 0; i < n; ++i) moves.push_back({moves[i].dy, moves[i].dx, true});
  }
  return moves;
}

std::string views_name(const TestViews& views) {
  return std::string(views.pattern == ShiftPattern::Grid ? "grid" : "cross") + (views.flip ? "+flip" : "");
}

void set_views_name(const std::string& name, TestViews& views) {
  const size_t plus = name.find('+');
  const std::string pattern = name.substr(0, plus), extra = plus == std::string::npos ? "" : name.substr(plus);
  if ((pattern != "cross" && pattern != "grid") || (!extra.empty() && extra != "+flip"))
    throw Error("test views \"" + name + "\": expected cross, grid, cross+flip or grid+flip");
  views.pattern = pattern == "grid" ? ShiftPattern::Grid : ShiftPattern::Cross;
  views.flip = !extra.empty();
}

std::vector<float> normalised_black(const ChannelStats& stats) {
  std::vector<float> black;
  for (size_t c = 0; c < stats.mean.size(); ++c) black.push_back(-stats.mean[c] / stats.std[c]);
  return black;
}

void view_mean_probs(const ViT& model, int B, const float* images, const std::vector<float>& black,
                     const TestViews& views, float* probs) {
  const std::vector<ViewMove> moves = view_moves(views);
  const int V = static_cast<int>(moves.size());
  if (V == 1 || B == 0) return predict_probs(model, B, images, probs);
  const ViTConfig& c = model.config();
  const int S = c.image_size, C = c.channels, K = c.num_labels;
  const size_t n = size_t(S) * S * C;
  // All views in one batch: view v of image b at row v*B + b.
  std::vector<float> batch(n * B * V), view_probs(size_t(B) * K * V);
  for (int v = 0; v < V; ++v)
    for (int b = 0; b < B; ++b) {
      float* view = batch.data() + n * (size_t(v) * B + b);
      shift_image(S, C, images + n * b, view, moves[v].dy, moves[v].dx, black.data());
      if (moves[v].mirror) mirror_image(S, C, view);
    }
  predict_probs(model, B * V, batch.data(), view_probs.data());
  for (size_t i = 0; i < size_t(B) * K; ++i) {
    float sum = 0.0f;
    for (int v = 0; v < V; ++v) sum += view_probs[size_t(v) * B * K + i];
    probs[i] = sum / V;
  }
}

void check_test_shift(int shift, int image_size) {
  if (shift < 0 || shift > image_size / 4)
    throw Error("test shift " + std::to_string(shift) + ": expected 0 to " + std::to_string(image_size / 4) +
                " pixels (a quarter of the image size " + std::to_string(image_size) + ")");
}

TestViews choose_views(TestViews views, int image_size, int shift, const std::string& name) {
  if (shift >= 0) {
    try {
      check_test_shift(shift, image_size);
    } catch (const Error& e) {
      throw TestViewsError(TestViewsError::Part::Shift, e.what());
    }
    views.shift = shift;
  }
  if (!name.empty()) {
    try {
      set_views_name(name, views);
    } catch (const Error& e) {
      throw TestViewsError(TestViewsError::Part::Views, e.what());
    }
  }
  return views;
}

}  // namespace attn::vision
