#!/usr/bin/env bash
# attn-text on bad inputs: every failure is exit 1 (data, model, I/O) or 2 (usage) with ONE line
# "attn-text: error: ..." on stderr, and a failed train leaves no model file behind. Invalid UTF-8
# is not an error. --keep-going turns a bad document into a warning.
source "$ATTN_CLI_LIB"
export OMP_WAIT_POLICY=passive
F="$ATTN_SOURCE_DIR/tests/fixtures/text"
TINY=(--dim 16 --layers 1 --heads 2 --ff-dim 32 --buckets 500 --max-words 500 --threads 2 --quiet)
mkdir "$T/out"

# Exit code $1, one stderr line starting with "attn-text: error:" that contains $2.
expect_error() {
  expect_exit "$1"
  if [ "$(wc -l <"$ERR")" = 1 ] && grep -q "^attn-text: error: " "$ERR"; then _pass; else _fail "stderr is not one error line"; fi
  if [ -n "${2:-}" ]; then expect_stderr_has "$2"; fi
}

# No file at all in $T/out: no model, no temporary file.
expect_no_model() {
  if [ -z "$(ls -A "$T/out")" ]; then _pass; else _fail "files left behind: $(ls -A "$T/out")"; fi
}

# train on $1 into $T/out/m.safetensors.
train_on() { run attn-text train --data "$1" --output "$T/out/m.safetensors" "${TINY[@]}" --epochs 1 "${@:2}"; }

step "a model to work with"
head -n 90 "$F/train.txt" >"$T/small.txt"
run attn-text train --data "$T/small.txt" --output "$T/good.safetensors" "${TINY[@]}" --epochs 1
expect_exit 0
G="$T/good.safetensors"

step "empty training file"
: >"$T/empty.txt"
train_on "$T/empty.txt"
expect_error 1 "$T/empty.txt"; expect_no_model

step "only one label"
grep '^__label__food ' "$F/train.txt" | head -n 20 >"$T/one.txt"
train_on "$T/one.txt"
expect_error 1 "only one label"; expect_no_model

step "a line with a label but no text"
{ head -n 3 "$T/small.txt"; echo "__label__food"; head -n 3 "$T/small.txt"; } >"$T/notext.txt"
train_on "$T/notext.txt"
expect_error 1 "$T/notext.txt:4: line has a label but no text"; expect_no_model
printf 'sports\t\n' >"$T/notext.tsv"
run attn-text eval --model "$G" --data "$T/notext.tsv" --input-format tsv
expect_error 1 "$T/notext.tsv:1"

step "an unknown label in eval data"
{ head -n 5 "$F/test.txt"; echo "__label__music guitar drums and a song"; } >"$T/unknown.txt"
run attn-text eval --model "$G" --data "$T/unknown.txt"
expect_error 1 "$T/unknown.txt:6: unknown label \"music\""

step "invalid UTF-8 is replaced, not an error (train and predict)"
{ head -n 30 "$T/small.txt"; printf '__label__tech bad \xff\xfe bytes \xc3 in a laptop \xe2\x82 review\n'; } >"$T/utf8.txt"
train_on "$T/utf8.txt"
expect_exit 0; expect_stderr_empty
rm -f "$T/out/m.safetensors"
printf 'caf\xe9 with pasta \xff sauce\n\xc0\xaf overlong\n' >"$T/utf8.text"
run attn-text predict --model "$G" --format jsonl --explain "$T/utf8.text"
expect_exit 0; expect_stderr_empty
if python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]; assert len(r) == 2' "$OUT"; then
  _pass; else _fail "jsonl with replaced bytes is not valid UTF-8 JSON"; fi
run attn-text predict --model "$G" "$T/utf8.text"
expect_exit 0
if [ "$(wc -l <"$OUT")" = 2 ]; then _pass; else _fail "expected 2 result lines"; fi

step "a 10 MB line without newline: clear error, bounded memory"
{ printf '__label__food '; head -c 10000000 /dev/zero | tr '\0' x; } >"$T/long.txt"
/usr/bin/time -f '%M' -o "$T/rss" attn-text train --data "$T/long.txt" --output "$T/out/m.safetensors" "${TINY[@]}" >"$OUT" 2>"$ERR"
RC=$?
expect_error 1 "$T/long.txt:1: line longer than"; expect_no_model
if [ "$(tail -n 1 "$T/rss")" -lt 200000 ]; then _pass; else _fail "peak RSS $(tail -n 1 "$T/rss") KiB"; fi
run attn-text predict --model "$G" - <"$T/long.txt"
expect_error 1 "stdin:1: line longer than"

step "binary data (NUL bytes) as training data and as a --docs input"
{ head -n 3 "$T/small.txt"; printf '__label__food pasta\0sauce\n'; } >"$T/nul.txt"
train_on "$T/nul.txt"
expect_error 1 "$T/nul.txt:4: binary data"; expect_no_model
head -c 3000 "$G" >"$T/binary.doc"
printf 'a fine text document about pasta\n' >"$T/good1.doc"
run attn-text predict --docs --model "$G" "$T/binary.doc"
expect_error 1 "$T/binary.doc: binary data"
mkdir -p "$T/bindocs/food" "$T/bindocs/tech"
cp "$T/good1.doc" "$T/bindocs/food/"; cp "$T/binary.doc" "$T/bindocs/tech/"
run attn-text train --docs --data "$T/bindocs" --output "$T/out/m.safetensors" "${TINY[@]}"
expect_error 1 "binary.doc: binary data"; expect_no_model

step "missing training data, missing model file"
train_on "$T/nope.txt"
expect_error 1 "$T/nope.txt: No such file or directory"; expect_no_model
run attn-text predict --model "$T/nope.safetensors" "$T/good1.doc"
expect_error 1 "$T/nope.safetensors"
run attn-text info --model "$T/nope.safetensors"
expect_error 1 "$T/nope.safetensors"

step "an output folder that does not exist: an error before any training"
run attn-text train --data "$F/train.txt" --output "$T/no/such/dir/m.safetensors" "${TINY[@]}" --epochs 1000
expect_error 1 "$T/no/such/dir/m.safetensors: no such directory"

step "corrupt models: truncated, random bytes, a huge header length"
size=$(stat -c %s "$G")
head -c $((size / 2)) "$G" >"$T/half.safetensors"
head -c 100 "$G" >"$T/head.safetensors"
python3 -c 'import random,sys; open(sys.argv[1],"wb").write(random.Random(7).randbytes(4096))' "$T/random.safetensors"
python3 -c 'import struct,sys; open(sys.argv[1],"wb").write(struct.pack("<Q", 1 << 60) + b"{}")' "$T/huge.safetensors"
for bad in half head random huge; do
  run attn-text predict --model "$T/$bad.safetensors" "$T/good1.doc"
  expect_error 1 "$T/$bad.safetensors"
  run attn-text eval --model "$T/$bad.safetensors" --data "$F/test.txt"
  expect_error 1 "$T/$bad.safetensors"
done

step "a model of another task"
python3 - "$G" "$T/graph.safetensors" <<'EOF'
import json, struct, sys
data = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", data[:8])[0]
header = json.loads(data[8:8 + n])
header["__metadata__"]["attn.task"] = "graph-node-classification"
raw = json.dumps(header, separators=(",", ":")).encode()
raw += b" " * (-len(raw) % 8)
open(sys.argv[2], "wb").write(struct.pack("<Q", len(raw)) + raw + data[8 + n:])
EOF
run attn-text predict --model "$T/graph.safetensors" "$T/good1.doc"
expect_error 1 "graph-node-classification"
run attn-text info --model "$T/graph.safetensors"
expect_error 1 "graph-node-classification"

step "predict --docs --keep-going: bad documents are warnings, the rest is labelled"
printf 'my laptop screen and keyboard\n' >"$T/good2.doc"
run attn-text predict --docs --keep-going --model "$G" "$T/good1.doc" "$T/missing.doc" "$T/good2.doc"
expect_exit 1
if [ "$(cut -f1 "$OUT" | tr '\n' ' ')" = "$T/good1.doc $T/good2.doc " ]; then _pass; else _fail "expected the two good documents"; fi
expect_stderr_lines 2
expect_stderr_has "attn-text: warning: $T/missing.doc: No such file or directory"
expect_stderr_has "attn-text: warning: 1 item failed"
run attn-text predict --docs --model "$G" "$T/good1.doc" "$T/missing.doc" "$T/good2.doc"
expect_error 1 "$T/missing.doc: No such file or directory"

step "usage errors: exit 2"
run attn-text train --data "$T/small.txt" --output "$T/out/m.safetensors" --no-such-flag
expect_error 2 "--no-such-flag"; expect_no_model
run attn-text train --data "$T/small.txt" --output "$T/out/m.safetensors" --dim 30 --heads 4 --quiet
expect_error 2 "--dim (30) must be a multiple of --heads (4)"; expect_no_model
run attn-text train --output "$T/out/m.safetensors"
expect_error 2 "--data"; expect_no_model
run attn-text predict --model "$G" --top-k 0 "$T/good1.doc"
expect_error 2
run attn-text predict --model "$G" --format xml "$T/good1.doc"
expect_error 2
run attn-text
expect_error 2

step "predict without --model: the built-in model, or a clear usage error without one"
attn-text info >/dev/null 2>&1; builtin=$?
run attn-text predict "$T/good2.doc"
if [ "$builtin" = 0 ]; then
  expect_exit 0; expect_stderr_empty
  if [ "$(wc -l <"$OUT")" = 1 ]; then _pass; else _fail "expected one result line"; fi
else
  expect_error 2 "no --model given, and this build has no default model"
fi

finish
