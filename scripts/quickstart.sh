#!/usr/bin/env bash
# Quick start: install packages, build (Release), classify the sample emails with the spam
# filter that ships inside attn-text and the sample clothing pictures with attn-image's
# built-in Fashion-MNIST model, the sample spoken digits with attn-speech's built-in digit
# model, and label the sample graph's nodes with attn-graph.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" --target attn-text attn-image attn-speech attn-graph
./build/tools/text/attn-text predict --docs assets/samples/text/*.eml
./build/tools/image/attn-image predict assets/samples/image/*
./build/tools/speech/attn-speech predict assets/samples/speech/*.wav
S=assets/samples/graph
./build/tools/graph/attn-graph train --nodes $S/nodes.tsv --edges $S/edges.tsv --split $S/split.tsv \
  --undirected --quiet --output build/sample-graph.safetensors
./build/tools/graph/attn-graph predict --model build/sample-graph.safetensors \
  --nodes $S/nodes.tsv --edges $S/edges.tsv --split $S/split.tsv
