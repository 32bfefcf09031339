// Segments constructors: the row layout of a packed batch.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "attn/attention.h"

namespace attn {

Segments Segments::single(int T) { return uniform(1, T); }

Segments Segments::uniform(int B, int T) {
  if (B < 0 || T < 0) throw std::invalid_argument("Segments::uniform: negative size");
  if (int64_t{B} * T > INT32_MAX) throw std::invalid_argument("Segments::uniform: too many rows");
  Segments s;
  s.offsets.resize(B + 1);
  for (int b = 0; b <= B; ++b) s.offsets[b] = static_cast<int32_t>(int64_t{b} * T);
  return s;
}

Segments Segments::from_lengths(const std::vector<int>& lengths) {
  Segments s;
  s.offsets.reserve(lengths.size() + 1);
  int64_t total = 0;
  for (size_t b = 0; b < lengths.size(); ++b) {
    if (lengths[b] < 0)
      throw std::invalid_argument("Segments::from_lengths: negative length at " + std::to_string(b));
    total += lengths[b];
    if (total > INT32_MAX) throw std::invalid_argument("Segments::from_lengths: too many rows");
    s.offsets.push_back(static_cast<int32_t>(total));
  }
  return s;
}

}  // namespace attn
