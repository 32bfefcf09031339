// attention_row: the probabilities of one query row, read back out of a cache.
#include <stdexcept>
#include <string>

#include "attn/attention.h"
#include "plan.h"

namespace attn {

using namespace attention_detail;

void attention_row(const AttentionSpec& spec, const Segments& segs, const AttentionCache& cache,
                   int head, int query, std::vector<std::pair<int, float>>& out) {
  const Plan p = make_plan(spec, segs);
  if (!cache.filled || cache.mask != p.mask || cache.rows != p.T || cache.heads != p.H)
    throw std::logic_error("attention_row: the cache was not filled by a forward with this spec");
  if (head < 0 || head >= p.H || query < 0 || query >= p.T)
    throw std::out_of_range("attention_row: head " + std::to_string(head) + ", query " +
                            std::to_string(query) + " out of range");
  out.clear();
  if (p.mask == MaskKind::Sparse) {
    const CsrGraph& g = *p.graph;
    for (int64_t e = g.row_ptr[query]; e < g.row_ptr[query + 1]; ++e)
      out.emplace_back(g.col[e], cache.probs[e * p.H + head]);
    return;
  }
  // The sequence holding the query (offsets are sorted).
  int b = 0;
  while (segs.offsets[b + 1] <= query) ++b;
  const int s0 = segs.offsets[b], s1 = segs.offsets[b + 1], L = s1 - s0;
  const int lo = p.key_lo(query, s0), hi = p.key_hi(query, s1);
  for (int j = lo; j < hi; ++j) {
    if (p.exclude_self && j == query) continue;
    const float prob =
        p.mask == MaskKind::Window
            ? cache.probs[(int64_t{head} * p.T + query) * (2 * p.window + 1) + (j - query + p.window)]
            : cache.probs[cache.segment_offset[b] + (int64_t{head} * L + (query - s0)) * L + (j - s0)];
    out.emplace_back(j, prob);
  }
}

}  // namespace attn
