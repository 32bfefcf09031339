#!/usr/bin/env bash
# Multi-head self-attention inference: attn vs torch.nn.MultiheadAttention, same shapes, same
# thread counts, same OpenBLAS kernel. Prints both sides' lines and an attn/PyTorch table.
#
# Usage: tests/bench/run_attention_bench.sh [BUILD_DIR] [--threads 1,2] [--seconds S]
#   BUILD_DIR: a build configured with -DATTN_BUILD_BENCH=ON (default: build-bench, built here).
#   ATTN_BENCH_REPEAT=N (default 2): run attn and PyTorch alternately N times and keep each
#   side's best time per shape, so that a busy spell of a shared machine hits both alike.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/build-bench}"
[[ $# -gt 0 ]] && shift
bench="$build/tests/bench/attn-bench-attention"
if [[ ! -x "$bench" ]]; then
  cmake -S "$root" -B "$build" -DATTN_BUILD_BENCH=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j2 --target attn-bench-attention >/dev/null
fi

# The same OpenBLAS kernel and CPU capability for attn and PyTorch (see bench_env.sh).
source "$here/bench_env.sh"
echo "# OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-} ATEN_CPU_CAPABILITY=${ATEN_CPU_CAPABILITY:-}"
echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"

out_attn="$(mktemp)"
out_torch="$(mktemp)"
trap 'rm -f "$out_attn" "$out_torch"' EXIT
for ((round = 1; round <= ${ATTN_BENCH_REPEAT:-2}; ++round)); do
  "$bench" "$@" | tee -a "$out_attn"
  "$python" "$here/bench_attention_torch.py" "$@" | tee -a "$out_torch"
done

"$python" - "$out_attn" "$out_torch" <<'PY'
import sys
attn, torch = {}, {}
# Best of the rounds; "of sgemm" goes with the best attn time's round.
for line in open(sys.argv[1]):
    f = line.split()
    if f and f[0] == "mha":
        key = tuple(map(int, f[1:6]))
        if key not in attn or float(f[6]) < attn[key][0]:
            attn[key] = (float(f[6]), float(f[8]))
for line in open(sys.argv[2]):
    f = line.split()
    if f and f[0] == "torch":
        key = tuple(map(int, f[1:6]))
        torch[key] = min(torch.get(key, float("inf")), float(f[6]))
# PyTorch's best over all thread counts too: on this kind of machine its 2-thread runs can be
# slower than its 1-thread runs, and the fair comparison is with its best.
torch_any = {}
for (b, t, c, h, thr), ms in torch.items():
    torch_any[(b, t, c, h)] = min(torch_any.get((b, t, c, h), float("inf")), ms)
print()
print("# best of the rounds, wall-clock ms per forward; speedup = torch ms / attn ms;")
print("# vs best = torch's best time at any thread count / attn ms")
print(f"{'B':>4} {'T':>5} {'C':>4} {'H':>2} {'thr':>3} {'attn ms':>10} {'torch ms':>10} {'speedup':>8} {'vs best':>8} {'of sgemm':>9}")
for key in sorted(attn, key=lambda k: (k[4], list(attn).index(k))):
    ms, of_sgemm = attn[key]
    t = torch.get(key)
    best = torch_any.get(key[:4])
    speed = f"{t / ms:8.2f}" if t else f"{'-':>8}"
    vs_best = f"{best / ms:8.2f}" if best else f"{'-':>8}"
    tms = f"{t:10.3f}" if t else f"{'-':>10}"
    print(f"{key[0]:>4} {key[1]:>5} {key[2]:>4} {key[3]:>2} {key[4]:>3} {ms:10.3f} {tms} {speed} {vs_best} {of_sgemm:9.2f}")
PY
