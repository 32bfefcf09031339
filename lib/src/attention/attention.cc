// Public entry points: check the arguments, then dispatch to the path for the mask.
#include "attn/attention.h"

#include <algorithm>
#include <stdexcept>

#include "paths.h"
#include "plan.h"

namespace attn {

using namespace attention_detail;

void attention_forward(const AttentionSpec& spec, const Segments& segs, const float* q,
                       const float* k, const float* v, float* out, AttentionCache* cache) {
  const Plan p = make_plan(spec, segs);
  if (p.T == 0) {
    if (cache) *cache = AttentionCache{};
    return;
  }
  if (!q || !k || !v || !out) throw std::invalid_argument("attention_forward: null buffer");
  if (cache) {
    cache->filled = false;
    if (p.mask == MaskKind::Sparse)
      forward_sparse(p, q, k, v, out, cache);
    else
      forward_cached(p, segs, q, k, v, out, *cache);
    cache->mask = p.mask;
    cache->scoring = p.scoring;
    cache->rows = p.T;
    cache->heads = p.H;
    cache->window = p.window;
    cache->filled = true;
  } else if (p.mask == MaskKind::Sparse) {
    forward_sparse(p, q, k, v, out, nullptr);
  } else {
    forward_tiled(p, segs, q, k, v, out);
  }
}

namespace {

void check_cache(const Plan& p, const AttentionCache& cache, const char* who) {
  if (p.T == 0) return;
  if (!cache.filled || cache.mask != p.mask || cache.scoring != p.scoring || cache.rows != p.T ||
      cache.heads != p.H || (p.mask == MaskKind::Window && cache.window != p.window))
    throw std::logic_error(std::string(who) +
                           ": the cache was not filled by a forward with this spec and batch");
}

}  // namespace

void attention_backward(const AttentionSpec& spec, const Segments& segs, const float* q,
                        const float* k, const float* v, const AttentionCache& cache,
                        const float* dout, float* dq, float* dk, float* dv,
                        float* dscore_weight) {
  const Plan p = make_plan(spec, segs);
  check_cache(p, cache, "attention_backward");
  if (p.scoring == Scoring::GatV2 && !dscore_weight)
    throw std::invalid_argument("attention_backward: GatV2 needs dscore_weight");
  if (p.T == 0) {
    if (p.scoring == Scoring::GatV2) std::fill(dscore_weight, dscore_weight + p.hd, 0.0f);
    return;
  }
  if (p.mask == MaskKind::Sparse)
    backward_sparse(p, q, k, v, cache, dout, dq, dk, dv, dscore_weight);
  else
    backward_cached(p, segs, q, k, v, cache, dout, dq, dk, dv);
}

double attention_forward_macs(const AttentionSpec& spec, const Segments& segs) {
  const Plan p = make_plan(spec, segs);
  // Visible (query, key) pairs per head; each costs D (scores, DotProduct, GatV2) + D (weighted sum).
  double pairs = 0;
  if (p.mask == MaskKind::Sparse) {
    pairs = static_cast<double>(p.graph->nnz());
  } else {
    for (int b = 0; b < segs.count(); ++b) {
      const int s0 = segs.offsets[b], s1 = segs.offsets[b + 1];
      for (int i = s0; i < s1; ++i) pairs += p.key_hi(i, s1) - p.key_lo(i, s0) - (p.exclude_self ? 1 : 0);
    }
  }
  const double per_pair = p.scoring == Scoring::Additive ? p.D : 2.0 * p.D;
  return pairs * p.H * per_pair;
}

}  // namespace attn
