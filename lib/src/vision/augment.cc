#include "attn/vision/augment.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace attn::vision {
namespace {

// Gamma(k, 1) for k > 0 (Marsaglia & Tsang 2000; k < 1 through the k + 1 boost).
double sample_gamma(double k, Rng& rng) {
  if (k < 1.0) return sample_gamma(k + 1.0, rng) * std::pow(std::max(1e-12f, rng.uniform()), 1.0 / k);
  const double d = k - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = rng.normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = std::max(1e-12f, rng.uniform());
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
  }
}

}  // namespace

void shift_image(int S, int C, const float* src, float* dst, int oy, int ox, const float* fill) {
  for (int y = 0; y < S; ++y)
    for (int x = 0; x < S; ++x) {
      const int sy = y + oy, sx = x + ox;
      float* out = dst + (size_t(y) * S + x) * C;
      if (sy < 0 || sy >= S || sx < 0 || sx >= S)
        std::memcpy(out, fill, sizeof(float) * C);
      else
        std::memcpy(out, src + (size_t(sy) * S + sx) * C, sizeof(float) * C);
    }
}

float sample_beta(float a, Rng& rng) {
  const double x = sample_gamma(a, rng), y = sample_gamma(a, rng);
  return static_cast<float>(x / (x + y));
}

void mirror_image(int S, int C, float* image) {
  for (int y = 0; y < S; ++y)
    for (int x = 0; x < S / 2; ++x)
      for (int c = 0; c < C; ++c)
        std::swap(image[(size_t(y) * S + x) * C + c], image[(size_t(y) * S + S - 1 - x) * C + c]);
}

void augment_image(int S, int C, float* image, const float* fill, const AugmentConfig& config,
                   Rng& rng) {
  const size_t n = size_t(S) * S * C;
  if (config.crop_padding > 0) {
    // The crop's top-left corner in the padded image is (oy, ox); pixel (y, x) of the result
    // is pixel (y + oy - pad, x + ox - pad) of the original, or fill outside it.
    const int pad = config.crop_padding;
    const int oy = static_cast<int>(rng.below(2 * pad + 1)) - pad;
    const int ox = static_cast<int>(rng.below(2 * pad + 1)) - pad;
    if (oy != 0 || ox != 0) {
      const std::vector<float> src(image, image + n);
      shift_image(S, C, src.data(), image, oy, ox, fill);
    }
  }
  if (config.flip && rng.uniform() < 0.5f) mirror_image(S, C, image);
  if (config.erase_prob > 0.0f && rng.uniform() < config.erase_prob) {
    // torchvision's RandomErasing: area and log-uniform aspect ratio in [0.3, 3.3].
    for (int attempt = 0; attempt < 10; ++attempt) {
      const float area = S * S * rng.uniform(config.erase_min_area, config.erase_max_area);
      const float ratio = std::exp(rng.uniform(std::log(0.3f), std::log(3.3f)));
      const int h = static_cast<int>(std::lround(std::sqrt(area * ratio)));
      const int w = static_cast<int>(std::lround(std::sqrt(area / ratio)));
      if (h < 1 || w < 1 || h > S || w > S) continue;
      const int y0 = static_cast<int>(rng.below(S - h + 1)), x0 = static_cast<int>(rng.below(S - w + 1));
      for (int y = y0; y < y0 + h; ++y)
        std::fill_n(image + (size_t(y) * S + x0) * C, size_t(w) * C, 0.0f);
      break;
    }
  }
}

BatchMix mix_batch(int B, int S, int C, float* images, const AugmentConfig& config, Rng& rng) {
  BatchMix mix;
  const bool mixup = config.mixup_alpha > 0.0f, cutmix = config.cutmix_alpha > 0.0f;
  if (B < 2 || (!mixup && !cutmix)) return mix;
  const bool use_cutmix = cutmix && (!mixup || rng.uniform() < 0.5f);
  float lam = sample_beta(use_cutmix ? config.cutmix_alpha : config.mixup_alpha, rng);
  // Partners from a shuffled copy of the batch, mixed against the unmodified originals.
  mix.partner.resize(B);
  for (int b = 0; b < B; ++b) mix.partner[b] = b;
  rng.shuffle(mix.partner);
  const size_t n = size_t(S) * S * C;
  const std::vector<float> original(images, images + n * B);
  int y0 = 0, y1 = S, x0 = 0, x1 = S;
  if (use_cutmix) {  // a box of area (1 - lam) at a uniform centre, clipped to the image
    const float cut = std::sqrt(1.0f - lam);
    const int h = static_cast<int>(S * cut), w = static_cast<int>(S * cut);
    const int cy = static_cast<int>(rng.below(S)), cx = static_cast<int>(rng.below(S));
    y0 = std::clamp(cy - h / 2, 0, S), y1 = std::clamp(cy + h / 2, 0, S);
    x0 = std::clamp(cx - w / 2, 0, S), x1 = std::clamp(cx + w / 2, 0, S);
    lam = 1.0f - static_cast<float>((y1 - y0) * (x1 - x0)) / (S * S);
  }
  mix.lambda.assign(B, lam);
  for (int b = 0; b < B; ++b) {
    float* dst = images + n * b;
    const float* other = original.data() + n * mix.partner[b];
    if (use_cutmix) {
      for (int y = y0; y < y1; ++y)
        std::memcpy(dst + (size_t(y) * S + x0) * C, other + (size_t(y) * S + x0) * C,
                    sizeof(float) * (x1 - x0) * C);
    } else {
      for (size_t i = 0; i < n; ++i) dst[i] = lam * dst[i] + (1.0f - lam) * other[i];
    }
  }
  return mix;
}

}  // namespace attn::vision
