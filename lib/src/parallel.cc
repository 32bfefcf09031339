#include "attn/parallel.h"

#include <omp.h>

#include <algorithm>

namespace attn {

void set_threads(int n) { omp_set_num_threads(std::max(1, n)); }
int threads() { return omp_get_max_threads(); }
int available_cores() { return std::max(1, omp_get_num_procs()); }
bool in_parallel() { return omp_in_parallel() != 0; }

}  // namespace attn
