#!/usr/bin/env bash
# tools/common end to end, through attn-common-demo: exit codes, one-line errors, --keep-going,
# input limits, streaming, output errors, atomic files, progress, the embedded file.
source "$ATTN_CLI_LIB"
demo=attn-common-demo

step "success: exit 0, result on stdout, nothing on stderr"
run $demo ok
expect_exit 0; expect_stdout "ok"; expect_stderr_empty

step "bad data: exit 1, one line naming the file and line"
run $demo fail data
expect_exit 1; expect_stderr "attn-common-demo: error: demo.txt:3: line has a label but no text"

step "the tool's own usage error: exit 2"
run $demo fail usage
expect_exit 2; expect_stderr "attn-common-demo: error: --top-k must not exceed the number of labels"

step "CLI11 parse errors: exit 2, one line"
run $demo ok --no-such-flag
expect_exit 2; expect_stderr_lines 1; expect_stderr_has "error: The following argument was not expected: --no-such-flag"
run $demo
expect_exit 2; expect_stderr_lines 1; expect_stderr_has "A subcommand is required"
run $demo threads --threads 0
expect_exit 2; expect_stderr_lines 1
run $demo lines --format xml
expect_exit 2; expect_stderr "attn-common-demo: error: --format: xml not in {tsv,jsonl} (see 'attn-common-demo lines --help')"
run $demo ok --quiet --verbose
expect_exit 2; expect_stderr_lines 1

step "internal errors: exit 3"
run $demo fail internal
expect_exit 3; expect_stderr "attn-common-demo: error: internal error: demo invariant broken"
run $demo fail unknown
expect_exit 3; expect_stderr "attn-common-demo: error: internal error: unknown exception"

step "--help and --version: exit 0, on stdout"
run $demo --help
expect_exit 0; expect_stdout_has "Usage:"; expect_stderr_empty
run $demo lines --help
expect_exit 0; expect_stdout_has "--keep-going"; expect_stdout_has "--format tsv|jsonl"
run $demo --version
expect_exit 0; expect_stdout_has "attn-common-demo 0."

step "--threads and -v"
cores=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)  # the affinity mask, as attn counts cores
run $demo threads --threads 2
expect_exit 0; expect_stdout "$((cores < 2 ? cores : 2))"

step "--threads above the core count: reduced to the cores, with a notice"
run $demo threads --threads 4096
expect_exit 0; expect_stdout "$cores"
expect_stderr "attn-common-demo: --threads 4096 is more than the $cores core$([ "$cores" = 1 ] || echo s) available: using $cores"
run $demo threads --threads 4096 --quiet
expect_exit 0; expect_stdout "$cores"; expect_stderr_empty
run $demo ok -v
expect_exit 0; expect_stdout "ok"; expect_stderr_has "OpenBLAS"; expect_stderr_has "thread"

step "lines: TSV and JSON lines, top-k"
printf 'hello\nworld, a longer line\n' >"$T/two.txt"
run $demo lines "$T/two.txt"
expect_exit 0
expect_stdout "$(printf '%s\tshort\t0.666667\n%s\tlong\t0.666667' "$T/two.txt:1" "$T/two.txt:2")"
run $demo lines --format jsonl -k 2 - <"$T/two.txt"
expect_exit 0
expect_stdout_has '{"id":"stdin:1","labels":[{"label":"short","prob":0.666667},{"label":"long","prob":0.333333}],"bytes":5}'

step "line-length limit on a 10 MB line without newline"
head -c 10000000 /dev/zero | tr '\0' x >"$T/long.txt"
run $demo lines "$T/long.txt"
expect_exit 1; expect_stderr "attn-common-demo: error: $T/long.txt:1: line longer than 1048576 bytes"
run $demo lines --max-line 1000 - <"$T/long.txt"
expect_exit 1; expect_stderr "attn-common-demo: error: stdin:1: line longer than 1000 bytes"

step "--keep-going over lines: the long line is a warning, the rest is processed"
{ echo first; head -c 1500 /dev/zero | tr '\0' y; echo; echo third; } >"$T/mixed.txt"
run $demo lines --max-line 1000 --keep-going "$T/mixed.txt"
expect_exit 1
expect_stdout_has "$T/mixed.txt:1"; expect_stdout_has "$T/mixed.txt:3"
expect_stderr_has "attn-common-demo: warning: $T/mixed.txt:2: line longer than 1000 bytes"
expect_stderr_has "attn-common-demo: warning: 1 item failed"

step "--keep-going on a stream without line ends (/dev/zero) ends after the line limit"
run timeout 60 $demo lines --max-line 1000 --keep-going /dev/zero
expect_exit 1
expect_stderr_has "attn-common-demo: warning: /dev/zero:1: binary data (NUL byte); expected text"
expect_stderr_has "attn-common-demo: warning: /dev/zero:1: no line end within 1000 bytes after the bad line; the rest of /dev/zero is not read"

step "binary data is refused with a clear error"
printf 'text\nbin\0ary\n' >"$T/nul.txt"
run $demo lines "$T/nul.txt"
expect_exit 1; expect_stderr "attn-common-demo: error: $T/nul.txt:2: binary data (NUL byte); expected text"
run $demo files "$T/nul.txt"
expect_exit 1; expect_stderr "attn-common-demo: error: $T/nul.txt: binary data (NUL byte at offset 8); expected text"

step "files: without --keep-going the first bad file stops the batch"
echo alpha >"$T/a.txt"; echo beta >"$T/b.txt"
run $demo files "$T/a.txt" "$T/missing.txt" "$T/nul.txt" "$T/b.txt"
expect_exit 1
expect_stdout "$(printf '%s\t6' "$T/a.txt")"
expect_stderr "attn-common-demo: error: $T/missing.txt: No such file or directory"

step "files: with --keep-going bad files are warnings and the rest is processed"
run $demo files --keep-going "$T/a.txt" "$T/missing.txt" "$T/nul.txt" "$T" "$T/b.txt"
expect_exit 1
expect_stdout "$(printf '%s\t6\n%s\t5' "$T/a.txt" "$T/b.txt")"
expect_stderr_lines 4
expect_stderr_has "attn-common-demo: warning: $T/missing.txt: No such file or directory"
expect_stderr_has "attn-common-demo: warning: $T: is a directory"
expect_stderr_has "attn-common-demo: warning: 3 items failed"
run $demo files --keep-going "$T/a.txt" "$T/b.txt"
expect_exit 0; expect_stderr_empty

step "files: a list of paths on stdin"
printf '%s\n\n%s\n' "$T/a.txt" "$T/b.txt" | run $demo files -
expect_exit 0; expect_stdout "$(printf '%s\t6\n%s\t5' "$T/a.txt" "$T/b.txt")"

step "whole-file size limit"
run $demo files --max-bytes 4 "$T/a.txt"
expect_exit 1; expect_stderr "attn-common-demo: error: $T/a.txt: file is larger than the limit of 4 bytes (6 bytes)"

step "stdin is processed line by line: line 1's result appears before stdin closes"
mkfifo "$T/fifo"
$demo lines - <"$T/fifo" >"$T/stream.out" 2>"$T/stream.err" &
demo_pid=$!
exec 3>"$T/fifo"
echo "first line" >&3
seen=no
for _ in $(seq 100); do
  if grep -q "^stdin:1" "$T/stream.out"; then seen=yes; break; fi
  sleep 0.05
done
if [ "$seen" = yes ]; then _pass; else _fail "no output for line 1 while stdin was still open"; fi
echo "second line" >&3
exec 3>&-
wait "$demo_pid"; RC=$?
expect_exit 0
if [ "$(wc -l <"$T/stream.out")" = 2 ]; then _pass; else _fail "expected 2 output lines"; fi

step "a closed pipe stops the command quietly with exit 1"
seq 200000 >"$T/many.txt"
$demo lines "$T/many.txt" 2>"$T/pipe.err" | head -n 1 >/dev/null
RC=${PIPESTATUS[0]}
expect_exit 1
if [ ! -s "$T/pipe.err" ]; then _pass; else _fail "stderr not empty after EPIPE: $(cat "$T/pipe.err")"; fi

step "a full disk is an I/O error: exit 1"
run $demo lines "$T/two.txt" -o /dev/full 2>/dev/null  # (no -o flag: exercise the parse error first)
expect_exit 2
$demo lines "$T/two.txt" >/dev/full 2>"$ERR"; RC=$?
expect_exit 1; expect_stderr "attn-common-demo: error: writing to stdout: No space left on device"
$demo eval >/dev/full 2>"$ERR"; RC=$?
expect_exit 1; expect_stderr "attn-common-demo: error: writing to stdout: No space left on device"

step "atomic output files: all or nothing"
run $demo write -o "$T/out/new.txt"
expect_exit 1; expect_stderr_has "cannot create a temporary file in"
mkdir "$T/out"
run $demo write -o "$T/out/new.txt"
expect_exit 0
if [ "$(cat "$T/out/new.txt")" = "$(printf 'first line\nsecond line')" ]; then _pass; else _fail "wrong file contents"; fi
run $demo write --fail-midway -o "$T/out/new.txt"
expect_exit 1; expect_stderr "attn-common-demo: error: simulated failure after the first line"
if [ "$(cat "$T/out/new.txt")" = "$(printf 'first line\nsecond line')" ]; then _pass; else _fail "the old file was modified"; fi
if [ "$(ls -A "$T/out")" = "new.txt" ]; then _pass; else _fail "temporary files left: $(ls -A "$T/out")"; fi
run $demo write --fail-midway -o "$T/out/other.txt"
if [ ! -e "$T/out/other.txt" ]; then _pass; else _fail "a partial file was left"; fi

step "progress: one line per epoch when stderr is not a terminal, nothing with --quiet"
run $demo train --epochs 3
expect_exit 0; expect_stderr_lines 4
expect_stderr_has "epoch 1/3  loss 1.0000  acc 0.5000  valid loss 1.2000  valid acc 0.4000"
expect_stderr_has "attn-common-demo: trained 3 epochs"
run $demo train --epochs 3 --quiet
expect_exit 0; expect_stderr_empty
run $demo train --epochs 1 --live
expect_exit 0
if grep -q $'\r' "$ERR" && grep -q "epoch 1/1  \[" "$ERR"; then _pass; else _fail "no live bar"; fi

step "metrics: text and one JSON object"
run $demo eval
expect_exit 0; expect_stdout_has "macro-F1"; expect_stdout_has "confusion matrix"
run $demo eval --format json
expect_exit 0
if [ "$(wc -l <"$OUT")" = 1 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["n"] == 15' "$OUT"; then
  _pass; else _fail "not one JSON object with n=15"; fi

step "the embedded file is compiled in, 64-byte aligned"
run $demo embedded
expect_exit 0
expect_stdout "$(printf '68 bytes, aligned\n'; cat "$ATTN_SOURCE_DIR/tools/common/demo_embedded.txt")"

finish
