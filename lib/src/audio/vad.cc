#include "attn/audio/vad.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "attn/error.h"

namespace attn::audio {

void VadOptions::validate() const {
  if (!std::isfinite(energy_threshold)) throw Error(fmt::format("--vad-energy-threshold {}", energy_threshold));
  if (!(energy_mean_scale >= 0.0f && energy_mean_scale <= 10.0f))
    throw Error(fmt::format("--vad-energy-mean-scale {} (expected 0 to 10)", energy_mean_scale));
  if (frames_context < 0 || frames_context > 1000)
    throw Error(fmt::format("--vad-frames-context {} (expected 0 to 1000)", frames_context));
  if (!(proportion_threshold > 0.0f && proportion_threshold < 1.0f))
    throw Error(fmt::format("--vad-proportion-threshold {} (expected between 0 and 1)", proportion_threshold));
}

float vad_threshold(const VadOptions& o, double sum_log_energy, int64_t frames) {
  double t = o.energy_threshold;
  if (o.energy_mean_scale != 0.0f && frames > 0) t += o.energy_mean_scale * sum_log_energy / double(frames);
  return float(t);
}

VadStream::VadStream(int dim, const VadOptions& o, float threshold) : dim_(dim), o_(o), threshold_(threshold) {}

// Frame t's decision from the frames within +-context, clipped to [0, last].
void VadStream::decide(int64_t t, int64_t last, std::vector<float>& out) {
  const int64_t c = o_.frames_context, lo = std::max<int64_t>(0, t - c), hi = std::min(last, t + c);
  int64_t above = 0;
  for (int64_t s = lo; s <= hi; ++s) above += rows_[(s - begin_) * dim_] > threshold_;
  if (double(above) < double(hi - lo + 1) * o_.proportion_threshold) return;
  const float* row = rows_.data() + (t - begin_) * dim_;
  out.insert(out.end(), row, row + dim_);
  ++voiced_;
}

void VadStream::push(const float* frames, int64_t n, std::vector<float>& out) {
  rows_.insert(rows_.end(), frames, frames + n * dim_);
  received_ += n;
  // Frame decided_ can be decided once its right context has arrived (the end is not yet known,
  // so "last" lies beyond it).
  for (; decided_ + o_.frames_context < received_; ++decided_) decide(decided_, received_, out);
  const int64_t keep_from = std::max<int64_t>(0, decided_ - o_.frames_context);  // left context
  if (keep_from - begin_ > 1024) {
    rows_.erase(rows_.begin(), rows_.begin() + (keep_from - begin_) * dim_);
    begin_ = keep_from;
  }
}

void VadStream::finish(std::vector<float>& out) {
  for (; decided_ < received_; ++decided_) decide(decided_, received_ - 1, out);
}

namespace {

double column0_sum(const Tensor& feats) {
  double sum = 0.0;
  for (int64_t t = 0; t < feats.dim(0); ++t) sum += feats.data()[t * feats.dim(1)];
  return sum;
}

}  // namespace

std::vector<bool> vad_decisions(const Tensor& feats, const VadOptions& o) {
  const int64_t T = feats.dim(0);
  Tensor energy({T, 2});  // the log energy and the frame's index, to see which frames are kept
  for (int64_t t = 0; t < T; ++t) {
    energy[t * 2] = feats.data()[t * feats.dim(1)];
    energy[t * 2 + 1] = float(t);
  }
  VadStream stream(2, o, vad_threshold(o, column0_sum(feats), T));
  std::vector<float> kept;
  stream.push(energy.data(), T, kept);
  stream.finish(kept);
  std::vector<bool> voiced(size_t(T), false);
  for (size_t i = 1; i < kept.size(); i += 2) voiced[size_t(kept[i])] = true;
  return voiced;
}

Tensor select_voiced_frames(const Tensor& feats, const VadOptions& o) {
  const int64_t T = feats.dim(0), D = feats.dim(1);
  VadStream stream(int(D), o, vad_threshold(o, column0_sum(feats), T));
  std::vector<float> kept;
  stream.push(feats.data(), T, kept);
  stream.finish(kept);
  if (stream.voiced() == 0) return feats;
  Tensor out({stream.voiced(), D});
  std::copy(kept.begin(), kept.end(), out.data());
  return out;
}

}  // namespace attn::audio
