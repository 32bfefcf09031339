#!/usr/bin/env bash
# Does the GAT forward and the CSR build stay linear when the graph doubles? Runs
# attn-bench-graph large at N nodes / 10N edges and at 2N / 20N (uniform-random edges, 64 dense
# features, the default 2-layer 8-head model), alternately ATTN_BENCH_REPEAT times (default 3),
# each run in its own process; keeps the best forward and build time of each size and prints
# them with the peak RSS and the 2N/N ratios.
#
#   tests/bench/graph/run_large_graph.sh [BUILD_DIR] [--nodes N] [--threads T]
# BUILD_DIR: configured with -DATTN_BUILD_BENCH=ON (default build-bench, built here).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
build="${1:-$root/build-bench}"
[[ $# -gt 0 ]] && shift
nodes=1000000 threads=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --nodes) nodes=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    *) echo "usage: $0 [BUILD_DIR] [--nodes N] [--threads T]" >&2; exit 2 ;;
  esac
done
bench="$build/tests/bench/attn-bench-graph"
if [[ ! -x "$bench" ]]; then
  cmake -S "$root" -B "$build" -DATTN_BUILD_BENCH=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j2 --target attn-bench-graph >/dev/null
fi
echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
out="$(mktemp)"; trap 'rm -f "$out"' EXIT
for ((round = 1; round <= ${ATTN_BENCH_REPEAT:-3}; ++round)); do
  for n in "$nodes" $((2 * nodes)); do
    "$bench" large --nodes "$n" --edges $((10 * n)) --features 64 --threads "$threads" | tee -a "$out"
  done
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
# Fields: attn large nodes N edges E features F forward_s T build_s T peak_rss_mb M threads T
#         generate_s T blas KERNEL forward_cpu_s T build_cpu_s T
awk -v small="$nodes" -v large=$((2 * nodes)) '
  function keep_min(a, n, v) { if (!(n in a) || v < a[n]) a[n] = v }
  $1 == "attn" && $2 == "large" {
    n = $4
    keep_min(bf, n, $10); keep_min(bb, n, $12); keep_min(cf, n, $22); keep_min(cb, n, $24)
    if ($14 > rss[n]) rss[n] = $14
    kernel = $20; th = $16
  }
  END {
    if (!(small in bf) || !(large in bf)) { print "no results" > "/dev/stderr"; exit 3 }
    printf "best of the rounds (threads %s, OpenBLAS kernel %s); wall time, CPU time of all threads:\n", th, kernel
    for (i = 0; i < 2; ++i) {
      n = i ? large : small
      printf "  %8d nodes: forward %.3f s (cpu %.3f), CSR build %.3f s (cpu %.3f), peak RSS %.0f MB\n",
             n, bf[n], cf[n], bb[n], cb[n], rss[n]
    }
    printf "ratio 2N/N: forward %.2fx (cpu %.2fx), CSR build %.2fx (cpu %.2fx), peak RSS %.2fx\n",
           bf[large] / bf[small], cf[large] / cf[small], bb[large] / bb[small],
           cb[large] / cb[small], rss[large] / rss[small]
  }' "$out"
