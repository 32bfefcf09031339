#!/usr/bin/env bash
# Builds one libFuzzer target and runs it for N executions.
# Usage: tests/fuzz/run.sh TARGET N [LIBFUZZER_FLAG...]
#   TARGET   the name in tests/fuzz/fuzz_TARGET.cc (model_file, email, lines, ...)
#   N        executions (libFuzzer -runs); the summary line reports how many ran and how fast
# Environment: ATTN_FUZZ_BUILD (build folder, default build-fuzz), ATTN_FUZZ_JOBS (default 2),
#   ATTN_FUZZ_TIMEOUT (seconds per input before it counts as a hang, default 10).
# The corpus grows in $ATTN_FUZZ_BUILD/fuzz/corpus/TARGET, seeded from tests/fuzz/seeds/TARGET;
# a crash, hang or memory blow-up is saved in $ATTN_FUZZ_BUILD/fuzz/artifacts/TARGET/ and the
# script exits non-zero. Reproduce one input: $ATTN_FUZZ_BUILD/tests/fuzz/fuzz_TARGET FILE
set -euo pipefail
if (($# < 2)) || [[ ! "$2" =~ ^[0-9]+$ ]]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
target=$1
runs=$2
shift 2
cd "$(dirname "$0")/../.."
src=tests/fuzz/fuzz_$target.cc
if [[ ! -f $src ]]; then
  echo "run.sh: no fuzz target '$target' ($src not found)" >&2
  exit 2
fi
build=${ATTN_FUZZ_BUILD:-build-fuzz}
jobs=${ATTN_FUZZ_JOBS:-2}

if [[ ! -f $build/CMakeCache.txt ]]; then
  launcher=()
  if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi
  CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DATTN_BUILD_FUZZ=ON \
    -DATTN_BUILD_TESTS=OFF "${launcher[@]}" >/dev/null
fi
cmake -S . -B "$build" >/dev/null  # picks up targets added since the last configure
nice -n 10 cmake --build "$build" --target "fuzz_$target" -j "$jobs"

out=$build/fuzz
corpus=$out/corpus/$target
artifacts=$out/artifacts/$target
log=$out/logs/$target.log
mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
flags=(-runs="$runs" -timeout="${ATTN_FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -print_final_stats=1
       -artifact_prefix="$artifacts/")
[[ -f tests/fuzz/$target.dict ]] && flags+=(-dict="tests/fuzz/$target.dict")
# tests/fuzz/TARGET.flags: the target's own libFuzzer flags, one or more per line (e.g. -max_len=).
[[ -f tests/fuzz/$target.flags ]] && read -r -a extra < <(grep -v '^#' "tests/fuzz/$target.flags" | tr '\n' ' ') \
  && flags+=("${extra[@]}")
dirs=("$corpus")
[[ -d tests/fuzz/seeds/$target ]] && dirs+=("tests/fuzz/seeds/$target")

echo "run.sh: fuzz_$target for $runs executions (log: $log)" >&2
status=0
nice -n 10 "$build/tests/fuzz/fuzz_$target" "${flags[@]}" "$@" "${dirs[@]}" >"$log" 2>&1 || status=$?
executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
seconds=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
if ((status != 0)); then
  tail -n 40 "$log" >&2
  echo "fuzz_$target: FAILED after ${executed:-?} executions (exit $status); input saved in $artifacts/" >&2
  exit 1
fi
echo "fuzz_$target: ${executed:-?} executions in ${seconds:-?} s, corpus $(ls "$corpus" | wc -l) inputs, no crash, hang or leak"
