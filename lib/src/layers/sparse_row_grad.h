#pragma once
// Internal: deterministic scatter-add of gradient rows into a row-sparse table.
#include <cstdint>
#include <vector>

#include "attn/parameter.h"

namespace attn::detail {

// One contribution: table.grad[row] += scale * src[src_row].
struct RowContribution {
  int32_t row;
  int32_t src_row;
  float scale;
};

// Applies every contribution to table.grad (src: (?, width), width = table.row_size()) and
// touches each destination row. Contributions to one row are summed in the order given,
// whatever the thread count, so the result is bit-identical to the serial loop; threads
// split the distinct rows. Rows must already be validated. Reorders `contributions`.
void scatter_add_rows(Parameter& table, std::vector<RowContribution>& contributions,
                      const float* src);

}  // namespace attn::detail
