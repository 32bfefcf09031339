#!/usr/bin/env bash
# Quick start: install packages, build (Release), and classify the sample emails with the
# spam filter that ships inside attn-text.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" --target attn-text
./build/tools/text/attn-text predict --docs assets/samples/text/*.eml
