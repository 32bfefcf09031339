#include "sparse_row_grad.h"

#include <algorithm>

namespace attn::detail {

void scatter_add_rows(Parameter& table, std::vector<RowContribution>& contributions,
                      const float* src) {
  // Stable sort keeps each row's contributions in their original order.
  std::stable_sort(contributions.begin(), contributions.end(),
                   [](const RowContribution& a, const RowContribution& b) { return a.row < b.row; });
  // group_start[g] .. group_start[g+1]: the contributions to one distinct row.
  std::vector<int64_t> group_start;
  const int64_t n = static_cast<int64_t>(contributions.size());
  for (int64_t i = 0; i < n; ++i)
    if (i == 0 || contributions[i].row != contributions[i - 1].row) group_start.push_back(i);
  group_start.push_back(n);
  const int64_t groups = static_cast<int64_t>(group_start.size()) - 1;

  const int64_t width = table.row_size();
  float* grad = table.ensure_grad().data();
  const RowContribution* c = contributions.data();
#pragma omp parallel for schedule(static) if (n * width >= 16384)
  for (int64_t g = 0; g < groups; ++g) {
    float* dst = grad + static_cast<int64_t>(c[group_start[g]].row) * width;
    for (int64_t i = group_start[g]; i < group_start[g + 1]; ++i) {
      const float* s = src + static_cast<int64_t>(c[i].src_row) * width;
      const float scale = c[i].scale;
      for (int64_t k = 0; k < width; ++k) dst[k] += scale * s[k];
    }
  }
  for (int64_t g = 0; g < groups; ++g) table.touch_row(c[group_start[g]].row);
}

}  // namespace attn::detail
