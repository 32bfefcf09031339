#!/usr/bin/env bash
# Cora GAT forward and one training epoch: attn vs a PyTorch edge-list GAT
# (bench_graph_torch.py), same model, same thread count, run alternately ATTN_BENCH_REPEAT
# times (default 2), best time of each side; prints both lines and the speed-up.
#
#   tests/bench/graph/run_gat_bench.sh [BUILD_DIR] [--threads T]
# BUILD_DIR: configured with -DATTN_BUILD_BENCH=ON (default build-bench, built here).
# The large generated graph, at N and 2N nodes: tests/bench/graph/run_large_graph.sh BUILD_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
build="${1:-$root/build-bench}"
[[ $# -gt 0 ]] && shift
threads=1
[[ "${1:-}" == "--threads" ]] && threads=$2
bench="$build/tests/bench/attn-bench-graph"
if [[ ! -x "$bench" ]]; then
  cmake -S "$root" -B "$build" -DATTN_BUILD_BENCH=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j2 --target attn-bench-graph >/dev/null
fi
data="$root/../shared/data/cora-planetoid"
[[ -f "$data/nodes.tsv" ]] || { echo "skipped: $data not found" >&2; exit 77; }
export OPENBLAS_NUM_THREADS=$threads  # torch.set_num_threads does not reach Debian's OpenBLAS
out="$(mktemp)"; trap 'rm -f "$out"' EXIT
for ((round = 1; round <= ${ATTN_BENCH_REPEAT:-2}; ++round)); do
  "$bench" cora "$data" --threads "$threads" --reps 50 | tee -a "$out"
  /usr/bin/python3 -W ignore "$here/bench_graph_torch.py" cora "$data" --threads "$threads" --reps 50 | tee -a "$out"
done
awk '{ f = $4; e = $6; if (!($1 in bf) || f < bf[$1]) bf[$1] = f; if (!($1 in be) || e < be[$1]) be[$1] = e }
     END { printf "speed-up attn vs PyTorch (threads '"$threads"'): forward %.1fx, training epoch %.1fx\n",
           bf["torch"] / bf["attn"], be["torch"] / be["attn"] }' "$out"
