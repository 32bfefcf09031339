#include "attn/train/optimizer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace attn {
namespace {

// The per-element constants of one step.
struct AdamStep {
  float beta1, beta2, eps;
  float decay_factor;  // 1 - lr * weight_decay, or 1 for parameters without decay
  float step_size;     // lr / (1 - beta1^t)
  float bias2_sqrt;    // sqrt(1 - beta2^t)
};

// p, g, m, v: (n,) — updates p, m, v in place.
inline void adam_update(const AdamStep& s, float* p, const float* g, float* m, float* v,
                        int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    p[i] *= s.decay_factor;
    m[i] = s.beta1 * m[i] + (1.0f - s.beta1) * g[i];
    v[i] = s.beta2 * v[i] + (1.0f - s.beta2) * g[i] * g[i];
    const float denom = std::sqrt(v[i]) / s.bias2_sqrt + s.eps;
    p[i] -= s.step_size * m[i] / denom;
  }
}

void ensure_moments(Parameter& p) {
  p.ensure_grad();  // a parameter no backward reached has a zero gradient
  if (p.adam_m.shape() != p.value.shape()) p.adam_m.resize(p.value.shape());
  if (p.adam_v.shape() != p.value.shape()) p.adam_v.resize(p.value.shape());
}

// A row-sparse parameter (an embedding table): only the rows the batch touched.
void step_sparse(const AdamStep& s, Parameter& p) {
  const int64_t width = p.row_size();
  const int64_t touched = static_cast<int64_t>(p.touched_rows.size());
#pragma omp parallel for schedule(static) if (touched * width > 16384)
  for (int64_t k = 0; k < touched; ++k) {
    const int64_t off = static_cast<int64_t>(p.touched_rows[k]) * width;
    adam_update(s, p.value.data() + off, p.grad.data() + off, p.adam_m.data() + off,
                p.adam_v.data() + off, width);
  }
}

}  // namespace

AdamW::AdamW(AdamWConfig config) : config_(config) {
  if (!(config_.beta1 >= 0.0f && config_.beta1 < 1.0f) ||
      !(config_.beta2 >= 0.0f && config_.beta2 < 1.0f))
    throw std::invalid_argument("AdamW: betas must be in [0, 1)");
  if (!(config_.eps > 0.0f)) throw std::invalid_argument("AdamW: eps must be positive");
  if (!(config_.weight_decay >= 0.0f))
    throw std::invalid_argument("AdamW: weight_decay must be >= 0");
}

void AdamW::step(const ParameterList& params) { step(params, config_.lr); }

void AdamW::step(const ParameterList& params, float lr) {
  ++step_count_;
  const double t = static_cast<double>(step_count_);
  // Bias corrections in double, as PyTorch computes them from a Python float.
  const double bias1 = 1.0 - std::pow(static_cast<double>(config_.beta1), t);
  const double bias2 = 1.0 - std::pow(static_cast<double>(config_.beta2), t);
  AdamStep s{};
  s.beta1 = config_.beta1;
  s.beta2 = config_.beta2;
  s.eps = config_.eps;
  s.step_size = static_cast<float>(lr / bias1);
  s.bias2_sqrt = static_cast<float>(std::sqrt(bias2));

  // Dense parameters are cut into chunks of elements, and all chunks of all of them share one
  // parallel loop: a model of many small tensors (a ViT's) then uses every core, where a loop
  // per tensor would leave them waiting. Every element is updated alone, so the result does not
  // depend on the threads.
  constexpr int64_t kChunk = 4096;
  struct Piece {
    Parameter* p;
    int64_t off, len;
  };
  std::vector<Piece> pieces;
  const float decayed = 1.0f - lr * config_.weight_decay;
  for (Parameter* param : params) {
    Parameter& p = *param;
    ensure_moments(p);
    if (p.row_sparse) {
      s.decay_factor = p.decay ? decayed : 1.0f;
      step_sparse(s, p);
      continue;
    }
    for (int64_t off = 0; off < p.value.size(); off += kChunk)
      pieces.push_back({&p, off, std::min(kChunk, p.value.size() - off)});
  }
  const int64_t n = static_cast<int64_t>(pieces.size());
#pragma omp parallel for schedule(static) if (n > 4)
  for (int64_t i = 0; i < n; ++i) {
    const auto [p, off, len] = pieces[i];
    AdamStep mine = s;
    mine.decay_factor = p->decay ? decayed : 1.0f;
    adam_update(mine, p->value.data() + off, p->grad.data() + off, p->adam_m.data() + off,
                p->adam_v.data() + off, len);
  }
  for (Parameter* param : params) param->zero_grad();
}

}  // namespace attn
