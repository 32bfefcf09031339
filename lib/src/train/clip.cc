#include "attn/train/clip.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace attn {
namespace {

// A contiguous run of gradient values; the chunking depends only on the parameters,
// never on the thread count.
struct Span {
  float* data;
  int64_t size;
};

std::vector<Span> gradient_spans(const ParameterList& params) {
  constexpr int64_t kChunk = 4096;
  std::vector<Span> spans;
  for (Parameter* p : params) {
    if (p->row_sparse) {
      const int64_t width = p->row_size();
      for (int32_t r : p->touched_rows) spans.push_back({p->grad.data() + r * width, width});
    } else {
      const int64_t n = p->grad.size();
      for (int64_t off = 0; off < n; off += kChunk)
        spans.push_back({p->grad.data() + off, std::min(kChunk, n - off)});
    }
  }
  return spans;
}

}  // namespace

double grad_norm(const ParameterList& params) {
  const std::vector<Span> spans = gradient_spans(params);
  const int64_t count = static_cast<int64_t>(spans.size());
  std::vector<double> partial(spans.size(), 0.0);
#pragma omp parallel for schedule(static) if (count > 16)
  for (int64_t i = 0; i < count; ++i) {
    double sum = 0.0;
    const float* g = spans[i].data;
    for (int64_t j = 0; j < spans[i].size; ++j) sum += static_cast<double>(g[j]) * g[j];
    partial[i] = sum;
  }
  double total = 0.0;
  for (double s : partial) total += s;  // fixed order
  return std::sqrt(total);
}

double clip_grad_norm(const ParameterList& params, double max_norm) {
  if (!(max_norm > 0.0)) throw std::invalid_argument("clip_grad_norm: max_norm must be > 0");
  const double norm = grad_norm(params);
  if (!std::isfinite(norm) || norm <= max_norm) return norm;
  const float scale = static_cast<float>(max_norm / (norm + 1e-6));
  const std::vector<Span> spans = gradient_spans(params);
  const int64_t count = static_cast<int64_t>(spans.size());
#pragma omp parallel for schedule(static) if (count > 16)
  for (int64_t i = 0; i < count; ++i)
    for (int64_t j = 0; j < spans[i].size; ++j) spans[i].data[j] *= scale;
  return norm;
}

}  // namespace attn
