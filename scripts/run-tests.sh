#!/usr/bin/env bash
# Configures, builds and runs the whole default test suite with CTest.
# Usage: scripts/run-tests.sh [--sanitize] [BUILD_DIR]
#   default          Release build in BUILD_DIR (default: build)
#   --sanitize       the unit and CLI tests again under AddressSanitizer and UBSan
#                    (-DATTN_SANITIZE=ON, BUILD_DIR default: build-sanitize); any finding fails
set -euo pipefail
cd "$(dirname "$0")/.."
sanitize=0
if [[ "${1:-}" == "--sanitize" ]]; then sanitize=1; shift; fi
jobs=$(nproc 2>/dev/null || echo 2)
if ((sanitize)); then
  build_dir=${1:-build-sanitize}
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DATTN_BUILD_TESTS=ON -DATTN_SANITIZE=ON >/dev/null
  cmake --build "$build_dir" -j "$jobs"
  ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir "$build_dir" --output-on-failure -j "$jobs"
else
  build_dir=${1:-build}
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DATTN_BUILD_TESTS=ON >/dev/null
  cmake --build "$build_dir" -j "$jobs"
  ctest --test-dir "$build_dir" --output-on-failure -j "$jobs"
fi
