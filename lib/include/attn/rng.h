#pragma once
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace attn {

// Small, fast, seedable generator (splitmix64 seeding, xoshiro256** stream).
// Identical sequences on every platform, unlike std::uniform_*_distribution.
class Rng {
 public:
  explicit Rng(uint64_t seed = 0);
  uint64_t next_u64();
  uint32_t next_u32() { return static_cast<uint32_t>(next_u64() >> 32); }
  float uniform();                       // [0, 1)
  float uniform(float lo, float hi);     // [lo, hi)
  float normal();                        // mean 0, std 1
  uint64_t below(uint64_t n);            // [0, n)
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }
  // A generator for a sub-stream (e.g. one per thread or per layer), independent of this one.
  Rng split(uint64_t stream);

 private:
  uint64_t s_[4];
};

}  // namespace attn
