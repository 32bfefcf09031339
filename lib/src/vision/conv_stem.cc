#include "attn/vision/conv_stem.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "attn/layers/activation.h"

namespace attn::vision {
namespace {

constexpr int kTaps = 9;  // 3 x 3

int log2_of(int p) {
  int k = 0;
  while ((1 << k) < p) ++k;
  return k;
}

// x: (B, H, H, c) -> cols: (B*Ho*Ho, 9*c), Ho = H/2, for a 3x3 kernel, stride 2, padding 1;
// row (b, oy, ox) holds input pixels (2oy-1+ky, 2ox-1+kx) in (ky, kx, c) order, 0 outside.
// H is even (the stem halves a side that the patch, a power of two, divides), so the padding is
// only the top row (oy = 0) and the left column (ox = 0); the 3 taps of a kernel row are one
// contiguous run of 3c input values, copied without a per-tap branch.
void im2col(int B, int H, int c, const float* x, float* cols) {
  const int Ho = H / 2;
  const size_t row = size_t(kTaps) * c, run = size_t(3) * c;
#pragma omp parallel for schedule(static) if (int64_t(B) * Ho * Ho * row > (1 << 15))
  for (int64_t r = 0; r < int64_t(B) * Ho; ++r) {  // r = (b, oy)
    const int64_t b = r / Ho;
    const int oy = int(r % Ho);
    float* out = cols + r * Ho * row;
    for (int ox = 0; ox < Ho; ++ox)
      for (int ky = 0; ky < 3; ++ky, out += run) {
        const int y = 2 * oy - 1 + ky;
        if (y < 0) {
          std::fill(out, out + run, 0.0f);
          continue;
        }
        const float* in = x + ((b * H + y) * H + 2 * ox) * c;  // the centre tap
        if (ox == 0) {
          std::fill(out, out + c, 0.0f);
          std::copy(in, in + 2 * c, out + c);
        } else {
          std::copy(in - c, in + 2 * c, out);
        }
      }
  }
}

// The adjoint of im2col: dx (B, H, H, c) = sum of every dcols entry gathered from it.
// Parallel over images, so no two threads add into the same pixel; each image is zeroed just
// before its sums, while it is in cache.
void col2im(int B, int H, int c, const float* dcols, float* dx) {
  const int Ho = H / 2;
  const size_t row = size_t(kTaps) * c, run = size_t(3) * c, image = size_t(H) * H * c;
#pragma omp parallel for schedule(static) if (int64_t(B) * Ho * Ho * row > (1 << 15))
  for (int b = 0; b < B; ++b) {
    float* dxb = dx + b * image;
    std::fill(dxb, dxb + image, 0.0f);
    const float* in = dcols + b * size_t(Ho) * Ho * row;
    for (int oy = 0; oy < Ho; ++oy)
      for (int ox = 0; ox < Ho; ++ox)
        for (int ky = 0; ky < 3; ++ky, in += run) {
          const int y = 2 * oy - 1 + ky;
          if (y < 0) continue;
          float* px = dxb + (size_t(y) * H + 2 * ox) * c;  // the centre tap
          if (ox == 0) {
            for (size_t i = 0; i < 2 * size_t(c); ++i) px[i] += in[c + i];
          } else {
            px -= c;
            for (size_t i = 0; i < run; ++i) px[i] += in[i];
          }
        }
  }
}

}  // namespace

ConvStem::ConvStem(const std::string& name, int image_size, int channels, int patch, int dim)
    : size_(image_size),
      channels_(channels),
      grid_(valid_patch(patch) ? image_size / patch : 0),
      proj_(name + ".proj", std::max(8, dim), dim) {
  if (!valid_patch(patch) || image_size % patch != 0)
    throw std::invalid_argument("ConvStem " + name +
                                ": patch must be a power of two >= 2 dividing image_size");
  const int k = log2_of(patch);
  convs_.reserve(k);  // Linear holds Parameters that collect() points at: no reallocation
  int c_in = channels, side = image_size;
  for (int i = 1; i <= k; ++i) {
    const int c_out = std::max(8, dim >> (k - i));
    convs_.emplace_back(name + ".conv" + std::to_string(i), kTaps * c_in, c_out);
    in_channels_.push_back(c_in);
    in_sizes_.push_back(side);
    c_in = c_out;
    side /= 2;
  }
}

void ConvStem::init(Rng& rng) {
  for (Linear& conv : convs_) conv.init(rng);
  proj_.init(rng);
}

void ConvStem::collect(ParameterList& params) {
  for (Linear& conv : convs_) conv.collect(params);
  proj_.collect(params);
}

void ConvStem::forward(int B, const float* images, float* y, Cache& cache, bool keep_for_backward) const {
  const size_t k = convs_.size();
  cache.B = B;
  cache.cols.resize(k);
  cache.slope.resize(k);
  cache.act.resize(k);
  const float* x = images;  // (B, H, H, c_in) of conv i
  for (size_t i = 0; i < k; ++i) {
    const int H = in_sizes_[i], c = in_channels_[i], Ho = H / 2;
    const int rows = B * Ho * Ho, c_out = convs_[i].out_features();
    cache.cols[i].resize(size_t(rows) * kTaps * c);
    im2col(B, H, c, x, cache.cols[i].data());  // cols = im2col(x)
    std::vector<float>& pre = cache.slope[i];  // pre = cols W^T + b, then gelu'(pre) in place
    pre.resize(size_t(rows) * c_out);
    convs_[i].forward(rows, cache.cols[i].data(), pre.data());
    cache.act[i].resize(pre.size());
    if (keep_for_backward)  // act = gelu(pre)
      Gelu::forward_keep_slope(int64_t(pre.size()), pre.data(), cache.act[i].data());
    else  // inference: no slope, which saves its derivative's work
      Gelu::forward(int64_t(pre.size()), pre.data(), cache.act[i].data());
    x = cache.act[i].data();
  }
  proj_.forward(B * grid_ * grid_, x, y);  // y = act_k P^T + b   (B*N, dim)
}

void ConvStem::backward(int B, const float* dy, Cache& cache) {
  const size_t k = convs_.size();
  std::vector<float>& dact = cache.dact;  // kept in the cache: no fresh pages every step
  std::vector<float>& dcols = cache.dcols;
  dact.resize(cache.act[k - 1].size());
  proj_.backward(B * grid_ * grid_, cache.act[k - 1].data(), dy, dact.data());  // from y = act_k P^T + b
  for (size_t i = k; i-- > 0;) {
    const int H = in_sizes_[i], c = in_channels_[i], Ho = H / 2, rows = B * Ho * Ho;
    // from act = gelu(pre): dpre = gelu'(pre) * dact, in place
    Gelu::backward_from_slope(int64_t(dact.size()), cache.slope[i].data(), dact.data(), dact.data());
    if (i == 0) {  // pixels need no gradient
      convs_[i].backward(rows, cache.cols[i].data(), dact.data(), nullptr);  // from pre = cols W^T + b
      break;
    }
    dcols.resize(cache.cols[i].size());
    convs_[i].backward(rows, cache.cols[i].data(), dact.data(), dcols.data());
    dact.resize(cache.act[i - 1].size());
    col2im(B, H, c, dcols.data(), dact.data());  // from cols = im2col(act_{i-1})
  }
}

}  // namespace attn::vision
