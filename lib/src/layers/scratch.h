#pragma once
// Per-thread reusable buffers for temporaries (inference activations, backward gradients).
// Each call site declares its own `static thread_local` vector, so nested layers never share
// one, concurrent inference on several threads never races, and steady-state calls allocate
// nothing.
#include <cstddef>
#include <vector>

namespace attn::detail {

inline float* grow(std::vector<float>& buffer, size_t n) {
  if (buffer.size() < n) buffer.resize(n);
  return buffer.data();
}

}  // namespace attn::detail
