#pragma once
#include <cstdint>

namespace attn {

// How a forward pass runs. Dropout masks are a pure function of (seed, layer id, element
// index), never of thread scheduling, so the same seed gives the same masks on any thread count.
struct RunContext {
  bool training = false;  // false: dropout is the identity
  uint64_t seed = 0;      // changed by the trainer every step
};

// Counter-based uniform in [0, 1): hash of (seed, stream, index).
inline float hashed_uniform(uint64_t seed, uint64_t stream, uint64_t index) {
  uint64_t z = seed ^ (stream * 0x9E3779B97F4A7C15ull) ^ (index * 0xD1B54A32D192ED03ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  // through int32 (z >> 40 has 24 bits, so the value is the same): loops over indices vectorise
  return static_cast<float>(static_cast<int32_t>(z >> 40)) * (1.0f / 16777216.0f);
}

}  // namespace attn
