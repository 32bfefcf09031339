#pragma once
// Timing and inputs shared by the benchmarks in this folder.
#include <algorithm>
#include <chrono>
#include <vector>

#include "attn/rng.h"

namespace attn::bench {

// Best per-call wall time over 10 rounds of at least seconds/10 each, after one warm-up call
// (scratch buffers, page faults, BLAS load). The minimum is the least disturbed by other
// processes on a shared machine.
template <class F>
double best_seconds(F&& f, double seconds) {
  using Clock = std::chrono::steady_clock;
  constexpr int kRounds = 10;
  f();
  double best = 1e30;
  for (int round = 0; round < kRounds; ++round) {
    int calls = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    do {
      f();
      ++calls;
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < seconds / kRounds);
    best = std::min(best, elapsed / calls);
  }
  return best;
}

inline std::vector<float> random_vector(Rng& rng, size_t n) {
  std::vector<float> x(n);
  for (float& e : x) e = rng.uniform(-1.0f, 1.0f);
  return x;
}

}  // namespace attn::bench
