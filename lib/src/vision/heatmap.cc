#include "attn/vision/heatmap.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif
#include <stb_easy_font.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace attn::vision {

std::vector<double> attention_rollout(int T, const std::vector<std::vector<float>>& layers) {
  const size_t TT = size_t(T) * T;
  std::vector<double> R(TT, 0.0), next(TT), A(TT);
  for (int i = 0; i < T; ++i) R[size_t(i) * T + i] = 1.0;
  for (const auto& layer : layers) {
    if (layer.size() != TT) throw std::invalid_argument("attention_rollout: layer is not (T, T)");
    for (size_t i = 0; i < TT; ++i) A[i] = 0.5 * layer[i];
    for (int i = 0; i < T; ++i) A[size_t(i) * T + i] += 0.5;
    // next = A' R: the later layer's mixing applied to the flow so far
    for (int i = 0; i < T; ++i)
      for (int j = 0; j < T; ++j) {
        double s = 0.0;
        for (int k = 0; k < T; ++k) s += A[size_t(i) * T + k] * R[size_t(k) * T + j];
        next[size_t(i) * T + j] = s;
      }
    R.swap(next);
  }
  return R;
}

std::vector<float> token_weights(int T, const std::vector<double>& matrix, int query) {
  std::vector<float> w;
  double sum = 0.0;
  for (int j = 0; j < T; ++j)
    if (j != query) sum += matrix[size_t(query) * T + j];
  for (int j = 0; j < T; ++j)
    if (j != query) w.push_back(sum > 0 ? static_cast<float>(matrix[size_t(query) * T + j] / sum) : 0.0f);
  return w;
}

std::vector<float> token_weights(int T, const std::vector<double>& matrix, const std::vector<float>& readout) {
  if (static_cast<int>(readout.size()) != T) throw std::invalid_argument("token_weights: readout is not (T)");
  // The readout's mix of the rows, as row 0 of an otherwise empty matrix for the row overload.
  std::vector<double> mixed(size_t(T) * T, 0.0);
  for (int q = 0; q < T; ++q)
    for (int j = 0; j < T; ++j) mixed[j] += readout[q] * matrix[size_t(q) * T + j];
  return token_weights(T, mixed, 0);
}

std::vector<float> class_attention(int T, const std::vector<std::vector<float>>& maps, int layer,
                                   const std::vector<float>& readout) {
  if (layer < 0 || layer > static_cast<int>(maps.size()))
    throw std::out_of_range("class_attention: layer " + std::to_string(layer) + " of " +
                            std::to_string(maps.size()));
  const std::vector<double> m = layer == 0 ? attention_rollout(T, maps)
                                           : std::vector<double>(maps[layer - 1].begin(), maps[layer - 1].end());
  return readout.empty() ? token_weights(T, m) : token_weights(T, m, readout);
}

namespace {

// Blue (0) through cyan, green and yellow to red (1): the jet map without its dark ends.
void colour_of(float t, float rgb[3]) {
  t = 0.125f + 0.75f * std::clamp(t, 0.0f, 1.0f);
  rgb[0] = std::clamp(1.5f - std::abs(4.0f * t - 3.0f), 0.0f, 1.0f) * 255.0f;
  rgb[1] = std::clamp(1.5f - std::abs(4.0f * t - 2.0f), 0.0f, 1.0f) * 255.0f;
  rgb[2] = std::clamp(1.5f - std::abs(4.0f * t - 1.0f), 0.0f, 1.0f) * 255.0f;
}

// stb_easy_font's quads are axis-aligned rectangles; each is filled at `scale`.
void draw_text(Image& img, int x, int y, int scale, const std::string& text) {
  std::vector<char> s(text.begin(), text.end());
  s.push_back('\0');
  std::vector<float> buf(16 * 1024);
  const int quads = stb_easy_font_print(0, 0, s.data(), nullptr, buf.data(),
                                        static_cast<int>(buf.size() * sizeof(float)));
  for (int q = 0; q < quads; ++q) {
    const float* v = buf.data() + q * 16;  // 4 vertices of (x, y, z, colour) = 4 floats
    const int qx0 = x + static_cast<int>(v[0] * scale), qy0 = y + static_cast<int>(v[1] * scale);
    const int qx1 = x + static_cast<int>(v[8] * scale), qy1 = y + static_cast<int>(v[9] * scale);
    for (int py = std::max(0, qy0); py < std::min(img.height, qy1); ++py)
      for (int px = std::max(0, qx0); px < std::min(img.width, qx1); ++px)
        std::fill_n(img.row(py) + px * 3, 3, uint8_t(255));
  }
}

}  // namespace

Image render_heatmap(const Image& image, const std::vector<float>& weights, int grid,
                     const std::string& caption, const HeatmapConfig& config) {
  if (grid <= 0 || weights.size() != size_t(grid) * grid)
    throw std::invalid_argument("render_heatmap: weights must be grid x grid");
  const int side = std::max(image.width, image.height);
  const int zoom = std::max(1, (config.min_output_side + side - 1) / side);
  const int W = image.width * zoom, H = image.height * zoom;
  const int text_scale = std::max(1, W / 160), bar = 14 * text_scale;
  Image out(W, H + bar, 3);
  // Weights spread over [0, 1] from the lowest to the highest: rollout keeps a floor of
  // residual flow on every patch, which would otherwise tint the whole picture.
  const auto [lo, hi] = std::minmax_element(weights.begin(), weights.end());
  const float floor = *lo, range = std::max(1e-12f, *hi - *lo);
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      const int sy = y / zoom, sx = x / zoom;
      const uint8_t* p = image.row(sy) + size_t(sx) * image.channels;
      const int gy = sy * grid / image.height, gx = sx * grid / image.width;
      const float w = (weights[size_t(gy) * grid + gx] - floor) / range;
      float rgb[3];
      colour_of(w, rgb);
      const float a = config.max_alpha * w;
      uint8_t* o = out.row(y + bar) + size_t(x) * 3;
      for (int c = 0; c < 3; ++c) {
        const float base = p[image.channels == 3 ? c : 0];
        o[c] = static_cast<uint8_t>(std::lround((1.0f - a) * base + a * rgb[c]));
      }
    }
  draw_text(out, 2 * text_scale, 3 * text_scale, text_scale, caption);
  return out;
}

std::vector<uint8_t> attention_png(const Image& image, const std::vector<float>& weights, int grid,
                                   const std::string& label, double prob) {
  return encode_png(render_heatmap(image, weights, grid, fmt::format("{} {:.2f}", label, prob)));
}

}  // namespace attn::vision
