#!/usr/bin/env bash
# Crafted model files whose config declares far more than their tensors hold: refused with exit
# code 1 and a message naming the tensor, before anything is allocated from the config (the
# address-space limit makes an attempt to allocate fail loudly instead of swapping).
source "$ATTN_CLI_LIB"
fixtures="$ATTN_SOURCE_DIR/tests/fixtures/text"

for cmd in info predict; do
  step "$cmd: dim 4096, ff-dim 65536, 64 layers declared, one 1x1 tensor held"
  run bash -c "ulimit -v 2000000; echo hello | attn-text $cmd --model '$fixtures/crafted-huge-config.safetensors'"
  expect_exit 1
  expect_stderr_has "tensor 'embed.words.weight': the config needs (86, 4096), the file holds (1, 1)"

  step "$cmd: 2^30 hash buckets declared"
  run bash -c "ulimit -v 2000000; echo hello | attn-text $cmd --model '$fixtures/crafted-2e30-buckets.safetensors'"
  expect_exit 1
  expect_stderr_has "tensor 'embed.ngrams.weight': the config needs (1073741824, 16), the file holds (20000, 16)"
done
finish
