#pragma once

namespace attn {

// attn's thread count (OpenMP). Default: all cores. Same seed and thread count give
// bit-identical results: every parallel loop uses a static schedule and every
// reduction is done in a fixed order.
void set_threads(int n);
int threads();
// The cores this process may run on (its CPU affinity mask, as taskset and cgroups set it).
int available_cores();
bool in_parallel();

}  // namespace attn
