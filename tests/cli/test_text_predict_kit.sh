#!/usr/bin/env bash
# The predict kit through attn-text: --shard I/N (merged shards equal one run, byte for byte, also
# when GNU parallel runs them), and results that stream out of a pipe that is still open.
source "$ATTN_CLI_LIB"
export OMP_WAIT_POLICY=passive
S="$ATTN_SOURCE_DIR/assets/samples/text"
attn-text info >/dev/null 2>&1 || { echo "no built-in model in this build"; exit 77; }

# 40 non-empty lines of the sample emails, one item each.
cat "$S"/*.eml | grep -v '^[[:space:]]*$' | head -n 40 >in.txt
attn-text predict --threads 1 --top-k 2 in.txt >all.tsv

step "--shard I/N: items I, I+N, ... with the ids of the whole input"
run attn-text predict --threads 1 --top-k 2 --shard 1/3 in.txt
expect_exit 0
if [ "$(cut -f1 "$OUT" | tr '\n' ' ')" = "$(seq 2 3 40 | tr '\n' ' ')" ]; then _pass; else _fail "ids of shard 1/3: $(cut -f1 "$OUT" | tr '\n' ' ')"; fi
if cmp -s "$OUT" <(awk 'NR % 3 == 2' all.tsv); then _pass; else _fail "shard 1/3 differs from the whole run's lines"; fi

step "--shard outside 0 <= I < N, or not I/N, is a usage error"
for bad in 3/3 -1/2 0/0 1 a/b 1/2x; do
  run attn-text predict --shard "$bad" in.txt
  expect_exit 2
  expect_stderr_has "--shard"
done

if parallel --version 2>/dev/null | grep -q "GNU parallel"; then
  step "3 shards through GNU parallel, merged by line number, equal one run byte for byte"
  parallel --will-cite -j3 attn-text predict --threads 1 --top-k 2 --shard {}/3 in.txt ::: 0 1 2 >parts.tsv
  sort -t "$(printf '\t')" -k1,1n -s parts.tsv >merged.tsv
  if cmp -s merged.tsv all.tsv; then _pass; else _fail "merged shards differ from one run"; fi

  step "parallel --pipe --keep-order over a list of documents equals one run"
  ls "$S"/*.eml >docs.list
  attn-text predict --threads 1 --docs - <docs.list >docs-all.tsv
  parallel --will-cite --pipe --keep-order -N 2 -j3 attn-text predict --threads 1 --docs - <docs.list >docs-parts.tsv
  if cmp -s docs-parts.tsv docs-all.tsv && [ -s docs-all.tsv ]; then _pass; else _fail "parallel --pipe output differs"; fi
else
  _fail "GNU parallel is not installed (scripts/install-deps.sh installs it)"
fi

step "results stream: the first line's answer arrives while the pipe is still open"
coproc PRED { exec timeout 60 attn-text predict --threads 1 -; }
# Bash unsets PRED and PRED_PID once the coprocess is reaped, so keep copies.
pred_pid=$PRED_PID pred_out=${PRED[0]} pred_in=${PRED[1]}
printf 'Buy cheap meds now, limited offer\n' >&"$pred_in"
answer=""
IFS= read -r -t 60 answer <&"$pred_out" || true
case "$answer" in 1$'\t'*) _pass ;; *) _fail "no answer before the pipe closed (got '$answer')" ;; esac
printf 'See you at dinner on Sunday\n' >&"$pred_in"
IFS= read -r -t 60 answer <&"$pred_out" || true
case "$answer" in 2$'\t'*) _pass ;; *) _fail "no answer to the second line (got '$answer')" ;; esac
exec {pred_in}>&-
wait "$pred_pid"; rc=$?
if [ "$rc" = 0 ]; then _pass; else _fail "predict exited $rc after the pipe closed"; fi

finish
