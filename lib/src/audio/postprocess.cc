#include "attn/audio/postprocess.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace attn::audio {

std::vector<std::vector<float>> delta_scales(const DeltaOptions& o) {
  std::vector<std::vector<float>> scales(o.order + 1);
  scales[0] = {1.0f};
  for (int i = 1; i <= o.order; ++i) {  // each order is the regression filter over the previous
    const std::vector<float>& prev = scales[i - 1];
    const int prev_offset = int(prev.size() - 1) / 2, cur_offset = prev_offset + o.window;
    std::vector<float> cur(prev.size() + 2 * o.window, 0.0f);
    float normalizer = 0.0f;
    for (int j = -o.window; j <= o.window; ++j) {
      normalizer += float(j * j);
      for (int k = -prev_offset; k <= prev_offset; ++k)
        cur[j + k + cur_offset] += float(j) * prev[k + prev_offset];
    }
    for (float& c : cur) c /= normalizer;
    scales[i] = std::move(cur);
  }
  return scales;
}

DeltaStream::DeltaStream(int dim, const DeltaOptions& o)
    : dim_(dim), order_(o.order), context_(o.order * o.window), scales_(delta_scales(o)) {
  if (o.order < 0 || o.order > 4 || o.window < 1 || o.window > 1000)
    throw std::invalid_argument("DeltaStream: order must be 0..4 and window 1..1000");
}

// Output frame t, whose neighbours are clamped to [0, last] (last: the final frame, or beyond
// the buffer while the stream is still open, when no clamping at the end is needed).
void DeltaStream::emit(int64_t t, int64_t last, float* out) const {
  for (int i = 0; i <= order_; ++i) {
    const std::vector<float>& s = scales_[i];
    const int max_offset = int(s.size() - 1) / 2;
    float* o = out + i * dim_;
    std::fill(o, o + dim_, 0.0f);
    for (int j = -max_offset; j <= max_offset; ++j) {
      const float scale = s[j + max_offset];
      if (scale == 0.0f) continue;
      const int64_t src = std::clamp<int64_t>(t + j, 0, last) - begin_;
      const float* row = buffer_.data() + src * dim_;
      for (int d = 0; d < dim_; ++d) o[d] += scale * row[d];
    }
  }
}

void DeltaStream::push(const float* frames, int64_t n, std::vector<float>& out) {
  buffer_.insert(buffer_.end(), frames, frames + n * dim_);
  received_ += n;
  const int od = out_dim();
  while (emitted_ + context_ < received_) {  // frame emitted_ has all its right context
    out.resize(out.size() + od);
    emit(emitted_, received_ - 1, out.data() + out.size() - od);
    ++emitted_;
  }
  const int64_t keep_from = std::max<int64_t>(0, emitted_ - context_);  // left context still needed
  if (keep_from - begin_ > 4096) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + (keep_from - begin_) * dim_);
    begin_ = keep_from;
  }
}

void DeltaStream::finish(std::vector<float>& out) {
  const int od = out_dim();
  for (; emitted_ < received_; ++emitted_) {
    out.resize(out.size() + od);
    emit(emitted_, received_ - 1, out.data() + out.size() - od);
  }
}

Tensor add_deltas(const Tensor& feats, const DeltaOptions& o) {
  const int64_t t = feats.dim(0);
  DeltaStream stream(int(feats.dim(1)), o);
  std::vector<float> out;
  out.reserve(size_t(t) * stream.out_dim());
  stream.push(feats.data(), t, out);
  stream.finish(out);
  Tensor result({t, int64_t(stream.out_dim())});
  std::copy(out.begin(), out.end(), result.data());
  return result;
}

CmvnStats::CmvnStats(int dim) : dim_(dim), sum_(dim, 0.0), sum_sq_(dim, 0.0) {}

void CmvnStats::accumulate(const float* frames, int64_t n) {
  for (int64_t t = 0; t < n; ++t)
    for (int d = 0; d < dim_; ++d) {
      const double v = frames[t * dim_ + d];
      sum_[d] += v;
      sum_sq_[d] += v * v;
    }
  count_ += n;
}

void CmvnStats::apply(float* frames, int64_t n, bool norm_vars) const {
  if (count_ == 0) return;
  std::vector<float> scale(dim_, 1.0f), offset(dim_);
  for (int d = 0; d < dim_; ++d) {
    const double mean = sum_[d] / count_;
    double s = 1.0;
    if (norm_vars) s = 1.0 / std::sqrt(std::max(sum_sq_[d] / count_ - mean * mean, 1e-20));
    scale[d] = float(s);
    offset[d] = float(-mean * s);
  }
  for (int64_t t = 0; t < n; ++t)
    for (int d = 0; d < dim_; ++d) frames[t * dim_ + d] = frames[t * dim_ + d] * scale[d] + offset[d];
}

void apply_cmvn(Tensor& feats, bool norm_vars) {
  CmvnStats stats(int(feats.dim(1)));
  stats.accumulate(feats.data(), feats.dim(0));
  stats.apply(feats.data(), feats.dim(0), norm_vars);
}

}  // namespace attn::audio
