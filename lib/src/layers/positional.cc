#include "attn/layers/positional.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "segment_checks.h"

namespace attn {
namespace {

void check_lengths(const Segments& segs, int max_len, const char* what) {
  detail::check_segments(segs);
  for (int b = 0; b < segs.count(); ++b)
    if (segs.length(b) > max_len)
      throw std::out_of_range(std::string(what) + ": segment " + std::to_string(b) + " has " +
                              std::to_string(segs.length(b)) + " rows, more than max_len " +
                              std::to_string(max_len));
}

// x[t] += table[position of t] for every row of the batch.   table: (max_len, C)
void add_table(const Segments& segs, const float* table, int C, float* x) {
  const int T = segs.total();
  const int B = segs.count();
#pragma omp parallel for schedule(static) if (static_cast<int64_t>(T) * C >= 16384)
  for (int b = 0; b < B; ++b)
    for (int t = segs.offsets[b]; t < segs.offsets[b + 1]; ++t) {
      const float* pe = table + static_cast<int64_t>(t - segs.offsets[b]) * C;
      float* xt = x + static_cast<int64_t>(t) * C;
      for (int c = 0; c < C; ++c) xt[c] += pe[c];
    }
}

}  // namespace

SinusoidalPositions::SinusoidalPositions(int dim, int max_len) : dim_(dim), max_len_(max_len) {
  if (dim <= 0 || max_len < 0) throw std::invalid_argument("SinusoidalPositions: bad size");
  table_.resize(static_cast<size_t>(max_len) * dim);
  for (int p = 0; p < max_len; ++p)
    for (int c = 0; c < dim; ++c) {
      const int i2 = c - c % 2;  // 2i: the even column of this sin/cos pair
      const double angle = p * std::exp(-std::log(10000.0) * i2 / dim);
      table_[static_cast<size_t>(p) * dim + c] =
          static_cast<float>(c % 2 == 0 ? std::sin(angle) : std::cos(angle));
    }
}

void SinusoidalPositions::add(const Segments& segs, float* x) const {
  check_lengths(segs, max_len_, "SinusoidalPositions");
  add_table(segs, table_.data(), dim_, x);
}

LearnedPositions::LearnedPositions(const std::string& name, int max_len, int dim)
    : max_len_(max_len), dim_(dim) {
  if (dim <= 0 || max_len <= 0) throw std::invalid_argument("LearnedPositions " + name + ": bad size");
  weight = Parameter(name + ".weight", {max_len, dim}, /*decay_=*/false);
}

void LearnedPositions::init(Rng& rng, float std) {
  for (float& w : weight.value.storage()) w = std * rng.normal();
}

void LearnedPositions::add(const Segments& segs, float* x) const {
  check_lengths(segs, max_len_, "LearnedPositions");
  add_table(segs, weight.value.data(), dim_, x);
}

void LearnedPositions::backward(const Segments& segs, const float* dx) {
  check_lengths(segs, max_len_, "LearnedPositions");
  // add: x[t] += W[t - offsets[b]]  =>  dW[p] += dx[offsets[b] + p] for every segment b.
  // Threads split positions; segments are summed in order, so any thread count agrees.
  const int B = segs.count();
  const int64_t C = dim_;
  int longest = 0;
  for (int b = 0; b < B; ++b) longest = std::max(longest, segs.length(b));
  float* dW = weight.ensure_grad().data();
#pragma omp parallel for schedule(static) if (static_cast<int64_t>(segs.total()) * C >= 16384)
  for (int p = 0; p < longest; ++p) {
    float* dWp = dW + p * C;
    for (int b = 0; b < B; ++b) {
      if (p >= segs.length(b)) continue;
      const float* dxt = dx + (static_cast<int64_t>(segs.offsets[b]) + p) * C;
      for (int64_t c = 0; c < C; ++c) dWp[c] += dxt[c];
    }
  }
}

}  // namespace attn
