#!/usr/bin/env bash
# ViT images/s, attn vs PyTorch, same shapes and thread counts in one run: inference and training
# (forward, backward, AdamW step); then where attn's time goes in one forward and one backward.
#
# Usage: tests/bench/run_vit_bench.sh [BUILD_DIR] [--threads 1,2] [--seconds S]
#   Shapes: batch 256, 50 tokens (28x28 images, patch 4), dim 64, 4 layers, 4 heads, with the
#   linear patch embedding and with the conv stem (--stem conv: the shipped Fashion-MNIST model's
#   shape, see assets/models/README.md); ATTN_VIT_SHAPES adds others as
#   "--dim 128 --layers 6 ..." strings separated by ';'.
#   ATTN_BENCH_REPEAT=N (default 2): alternate attn and PyTorch rounds, keep each side's best.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/build-bench}"
[[ $# -gt 0 ]] && shift
bench="$build/tests/bench/attn-bench-vit"
if [[ ! -x "$bench" ]]; then
  cmake -S "$root" -B "$build" -DATTN_BUILD_BENCH=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j2 --target attn-bench-vit >/dev/null
fi
# The same OpenBLAS kernel and CPU capability for attn and PyTorch (see bench_env.sh).
source "$here/bench_env.sh"
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
out_attn="$(mktemp)"
out_torch="$(mktemp)"
trap 'rm -f "$out_attn" "$out_torch"' EXIT
IFS=';' read -r -a shapes <<<"--dim 64 --layers 4 --heads 4;--dim 64 --layers 4 --heads 4 --stem conv${ATTN_VIT_SHAPES:+;$ATTN_VIT_SHAPES}"
for ((round = 1; round <= ${ATTN_BENCH_REPEAT:-2}; ++round)); do
  for shape in "${shapes[@]}"; do
    # shellcheck disable=SC2086
    "$bench" $shape "$@" | tee -a "$out_attn"
    # shellcheck disable=SC2086
    "$python" "$here/bench_vit_torch.py" $shape "$@" | tee -a "$out_torch"
  done
done
"$python" - "$out_attn" "$out_torch" <<'PY'
import sys
best = {}
for path, side in ((sys.argv[1], "attn"), (sys.argv[2], "torch")):
    for line in open(path):
        f = line.split()
        if len(f) == 10 and f[0] in ("vit", "torch"):
            key = (f[1], f[2]) + tuple(map(int, f[3:9]))  # pass, stem, B, T, C, L, H, threads
            best[(side, key)] = max(best.get((side, key), 0.0), float(f[9]))
print("\n# best of the rounds, images/s; speedup = attn / PyTorch")
print(f"{'pass':>6} {'stem':>6} {'B':>4} {'T':>3} {'C':>4} {'L':>2} {'H':>2} {'thr':>3} {'attn':>9} {'torch':>9} {'speedup':>8}")
for (side, key) in sorted(k for k in best if k[0] == "attn"):
    a, t = best[(side, key)], best.get(("torch", key))
    print(f"{key[0]:>6} {key[1]:>6} {key[2]:>4} {key[3]:>3} {key[4]:>4} {key[5]:>2} {key[6]:>2} {key[7]:>3} {a:9.1f} "
          + (f"{t:9.1f} {a / t:8.2f}" if t else f"{'-':>9} {'-':>8}"))
# Per stem: one thread's share of a data-parallel training step at the highest thread count T,
# part by part: the forward and backward of B/T images on 1 thread (each part timed alone at the
# model's shapes, best of the rounds), the AdamW step, the data work of B/T images; and what of a
# measured training step no part names.
parts = {}
for line in open(sys.argv[1]):
    f = line.split()
    if f and f[0] == "part":
        group = parts.setdefault(f[1], {}).setdefault(f[2], {})
        for name, ms in zip(f[3::2], f[4::2]):
            group[name] = min(group.get(name, 1e30), float(ms))
for stem, groups in sorted(parts.items()):
    for pass_ in ("forward", "backward"):
        p = groups.get(pass_, {})
        total = sum(p.values())
        if total:
            print(f"# {stem} {pass_}: " + ", ".join(f"{k} {v:.2f} ms ({100 * v / total:.0f}%)" for k, v in p.items())
                  + f"; sum {total:.2f} ms")
    steps = [k for k in best if k[0] == "attn" and k[1][0] == "train" and k[1][1] == stem]
    if not steps:
        continue
    key = max(steps, key=lambda k: k[1][7])
    step_ms = 1e3 * key[1][2] / best[key]
    named = sum(sum(groups.get(g, {}).values()) for g in ("forward", "backward", "step"))
    adamw = groups.get("step", {}).get("adamw", 0.0)
    print(f"# {stem} training step {step_ms:.1f} ms ({key[1][7]} threads): forward + backward parts + AdamW "
          f"{adamw:.2f} ms = {named:.1f} ms (one thread's share), the rest (residual adds, bias, dropout and "
          f"drop-path passes, copies, loss, replicas' weights and gradients, waiting) {step_ms - named:.1f} ms")
    if "data" in groups:
        data_ms = sum(groups["data"].values())
        print(f"# {stem} data: normalise+augment {data_ms:.2f} ms for B/T images = {100 * data_ms / step_ms:.1f}% of the training step (a thread's share)")
PY
