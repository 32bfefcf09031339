#!/usr/bin/env bash
# Crafted model files whose config declares far more than their tensors hold: refused with exit
# code 1 and a message naming the tensor, before anything is allocated from the config (the
# address-space limit makes an attempt to allocate fail loudly instead of swapping).
source "$ATTN_CLI_LIB"
fixtures="$ATTN_SOURCE_DIR/tests/fixtures/text"
# AddressSanitizer reserves terabytes of shadow address space, so it cannot run under a ulimit;
# there the test still checks the exit code and message, and ASan aborts any huge allocation.
limit="ulimit -v 2000000;"
if [[ "${ATTN_SANITIZE:-0}" == 1 ]]; then limit=""; fi

for cmd in info predict; do
  step "$cmd: dim 4096, ff-dim 65536, 64 layers declared, one 1x1 tensor held"
  run bash -c "$limit echo hello | attn-text $cmd --model '$fixtures/crafted-huge-config.safetensors'"
  expect_exit 1
  expect_stderr_has "tensor 'embed.words.weight': the config needs (86, 4096), the file holds (1, 1)"

  step "$cmd: 2^30 hash buckets declared"
  run bash -c "$limit echo hello | attn-text $cmd --model '$fixtures/crafted-2e30-buckets.safetensors'"
  expect_exit 1
  expect_stderr_has "tensor 'embed.ngrams.weight': the config needs (1073741824, 16), the file holds (20000, 16)"
done
finish
