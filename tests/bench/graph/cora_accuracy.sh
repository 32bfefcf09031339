#!/usr/bin/env bash
# Cora with the public Planetoid split: test accuracy of attn-graph over 10 seeds, printed as
# mean +- standard deviation. Every run is `attn-graph train` with the tool's defaults (the
# GAT paper's recipe: 8 heads x 8 hidden, dropout 0.6, lr 0.005, weight decay 5e-4,
# patience 100, the epoch kept chosen on the 500 validation nodes), then one `eval` on the
# 1000 test nodes.
#
#   tests/bench/graph/cora_accuracy.sh [-j JOBS] [--bin DIR] [--seeds N] [-- extra train flags]
#
# e.g. `-- --score gatv2` or `-- --residual` for the variants. Needs ../shared/data.
set -euo pipefail
jobs=1 seeds=10 bin="" extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    -j) jobs=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
root=$(cd "$(dirname "$0")/../../.." && pwd)
G=${bin:+$bin/}attn-graph
[ -n "$bin" ] || G=$root/build/tools/graph/attn-graph
D=$root/../shared/data/cora-planetoid
[ -f "$D/nodes.tsv" ] || { echo "skipped: $D not found" >&2; exit 77; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
files=(--nodes "$D/nodes.tsv" --edges "$D/edges.tsv" --split "$D/split.tsv")

one() {  # seed: train, then eval once on the test split
  "$G" train "${files[@]}" --undirected --threads 1 --seed "$1" "${extra[@]}" \
      -o "$work/s$1.safetensors" 2>"$work/s$1.log"
  "$G" eval --model "$work/s$1.safetensors" "${files[@]}" --format json --quiet >"$work/s$1.json"
  kept=$(grep -o 'kept epoch [0-9]*: valid loss [0-9.]*  valid acc [0-9.]*' "$work/s$1.log")
  echo "seed $1: test accuracy $(sed -n 's/.*"accuracy":\([0-9.]*\).*/\1/p' "$work/s$1.json")  ($kept)"
}
export -f one; export G work
echo "attn-graph train ${files[*]} --undirected --threads 1 --seed S ${extra[*]}"
for s in $(seq 0 $((seeds - 1))); do echo "$s"; done |
  xargs -P "$jobs" -I{} bash -c "$(declare -p files extra); one {}" | sort -t' ' -k2n | tee "$work/all.txt"
awk '{ a[NR] = $5; s += $5 } END { m = s / NR; for (i = 1; i <= NR; i++) v += (a[i] - m) ^ 2;
       printf "Cora (Planetoid split) test accuracy over %d seeds: %.2f +- %.2f %%\n", NR, 100 * m, 100 * sqrt(v / (NR - 1)) }' "$work/all.txt"
