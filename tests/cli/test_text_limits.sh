#!/usr/bin/env bash
# attn-text at its limits: an endless input without line ends, more threads than cores.
source "$ATTN_CLI_LIB"
export OMP_WAIT_POLICY=passive
S="$ATTN_SOURCE_DIR/assets/samples/text"

step "predict --keep-going /dev/zero: skipping stops at the line limit, and the run ends"
run timeout 120 attn-text predict --keep-going /dev/zero
expect_exit 1
expect_stderr_has "attn-text: warning: /dev/zero:1: binary data (NUL byte); expected text"
expect_stderr_has "attn-text: warning: /dev/zero:1: no line end within 1 MiB after the bad line; the rest of /dev/zero is not read"
expect_stderr_has "attn-text: warning: 2 items failed"

step "--threads above the core count is reduced to the cores, with a notice"
cores=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)  # the affinity mask, as attn counts cores
run timeout 120 attn-text predict --docs --threads 4096 "$S/cheap-meds.eml"
expect_exit 0; expect_stdout_has "$S/cheap-meds.eml"
expect_stderr_has "attn-text: --threads 4096 is more than the $cores core"

finish
