#pragma once
// Internal: validation of a packed batch's segment offsets.
#include <stdexcept>
#include <string>

#include "attn/attention.h"

namespace attn::detail {

// Offsets must start at 0 and never decrease (empty segments are allowed).
inline void check_segments(const Segments& segs) {
  if (segs.offsets.empty() || segs.offsets[0] != 0)
    throw std::invalid_argument("Segments: offsets must start with 0");
  for (int b = 0; b < segs.count(); ++b)
    if (segs.offsets[b + 1] < segs.offsets[b])
      throw std::invalid_argument("Segments: offsets decrease at segment " + std::to_string(b));
}

}  // namespace attn::detail
