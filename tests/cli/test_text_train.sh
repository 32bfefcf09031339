#!/usr/bin/env bash
# attn-text end to end on tests/fixtures/text: a tiny model learns which words matter, eval on
# held-out lines, info, predict (order, top-k, jsonl, --explain, streaming), one-vs-all,
# determinism, and --docs over a folder per label and a path<TAB>label list.
source "$ATTN_CLI_LIB"
export OMP_WAIT_POLICY=passive
F="$ATTN_SOURCE_DIR/tests/fixtures/text"
TINY=(--dim 16 --layers 1 --heads 2 --ff-dim 32 --buckets 2000 --max-words 2000 --threads 2 --quiet)

# The accuracy in eval's JSON ($OUT) is at least $1.
expect_accuracy_at_least() {
  local acc
  acc=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["accuracy"])' "$OUT" 2>/dev/null)
  if python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)' "${acc:-0}" "$1"; then
    _pass; else _fail "held-out accuracy ${acc:-?} < $1"; fi
}

step "train a tiny model on 600 fastText lines: exit 0, quiet, one model file"
mkdir "$T/models"
run attn-text train --data "$F/train.txt" --output "$T/models/m.safetensors" "${TINY[@]}" --epochs 4 --seed 1
expect_exit 0; expect_stderr_empty
if [ "$(ls -A "$T/models")" = "m.safetensors" ]; then _pass; else _fail "model dir holds: $(ls -A "$T/models")"; fi
M="$T/models/m.safetensors"

step "eval --format json on 200 held-out lines: one JSON object, accuracy well above chance (1/3)"
run attn-text eval --model "$M" --data "$F/test.txt" --format json --threads 2
expect_exit 0; expect_stderr_empty
if [ "$(wc -l <"$OUT")" = 1 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["n"] == 200' "$OUT"; then
  _pass; else _fail "not one JSON object with n=200"; fi
expect_accuracy_at_least 0.85
run attn-text eval --model "$M" --data "$F/test.txt"
expect_exit 0; expect_stdout_has "macro-F1"; expect_stdout_has "confusion matrix"

step "info: task, labels, parameter count, the train command"
run attn-text info --model "$M"
expect_exit 0; expect_stderr_empty
expect_stdout_has "$(printf 'task\ttext-classification')"
expect_stdout_has "$(printf 'labels\t["food","sports","tech"]')"
expect_stdout_has "parameters"; expect_stdout_has "attn-text train"
run attn-text info --model "$M" --format json
expect_exit 0
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["labels"] == ["food","sports","tech"] and d["parameters"] > 0' "$OUT"; then
  _pass; else _fail "info JSON lacks labels/parameters"; fi

step "predict: one line per input line, ids 1..N in order, labels agree with the truth"
sed 's/^__label__[a-z]* //' "$F/test.txt" >"$T/test.text"
sed 's/^__label__\([a-z]*\) .*/\1/' "$F/test.txt" >"$T/test.truth"
run attn-text predict --model "$M" --threads 2 "$T/test.text"
expect_exit 0; expect_stderr_empty
if [ "$(cut -f1 "$OUT" | tr '\n' ' ')" = "$(seq 1 200 | tr '\n' ' ')" ]; then _pass; else _fail "ids are not 1..200 in order"; fi
if awk -F'\t' 'NF != 3 || $3 < 0 || $3 > 1 { bad = 1 } END { exit bad }' "$OUT"; then _pass; else _fail "a line is not id<TAB>label<TAB>prob"; fi
hits=$(cut -f2 "$OUT" | paste -d' ' - "$T/test.truth" | awk '$1 == $2' | wc -l)
if [ "$hits" -ge 170 ]; then _pass; else _fail "only $hits of 200 predictions right"; fi
cut -f2 "$OUT" >"$T/top1"

step "predict reads stdin by default and with '-'; several files give file:line ids"
attn-text predict --model "$M" <"$T/test.text" >"$T/stdin.out" 2>"$ERR"; RC=$?
expect_exit 0
if cmp -s "$T/stdin.out" "$OUT"; then _pass; else _fail "stdin results differ from the file's"; fi
head -n 2 "$T/test.text" >"$T/a.text"; head -n 3 "$T/test.text" >"$T/b.text"
run attn-text predict --model "$M" "$T/a.text" "$T/b.text"
expect_exit 0
if [ "$(cut -f1 "$OUT" | tr '\n' ' ')" = "$T/a.text:1 $T/a.text:2 $T/b.text:1 $T/b.text:2 $T/b.text:3 " ]; then
  _pass; else _fail "ids are not file:line in input order"; fi

step "predict --top-k 2: two labels per line, best first, the first is the top-1 label"
run attn-text predict --model "$M" --top-k 2 "$T/test.text"
expect_exit 0
if awk -F'\t' 'NF != 5 || $2 == $4 || $3 < $5 { bad = 1 } END { exit bad }' "$OUT"; then _pass; else _fail "not two distinct labels in order"; fi
if cut -f2 "$OUT" | cmp -s - "$T/top1"; then _pass; else _fail "top-2's first label differs from top-1"; fi

step "predict --format jsonl: every line is a JSON object with id and labels"
run attn-text predict --model "$M" --format jsonl --top-k 3 "$T/test.text"
expect_exit 0
if python3 - "$OUT" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["id"] for r in rows] == [str(i) for i in range(1, 201)], "ids"
for r in rows:
    assert len(r["labels"]) == 3 and abs(sum(x["prob"] for x in r["labels"]) - 1) < 1e-4, r
EOF
then _pass; else _fail "jsonl does not parse or is wrong"; fi

step "predict --explain: jsonl has an explain list; TSV has 5 extra token columns"
run attn-text predict --model "$M" --format jsonl --explain "$T/a.text"
expect_exit 0
if python3 - "$OUT" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 2
for r in rows:
    ex = r["explain"]
    assert isinstance(ex, list) and len(ex) >= 5, ex
    assert all(isinstance(e["token"], str) and e["weight"] >= 0 for e in ex), ex
    w = [e["weight"] for e in ex]
    assert w == sorted(w, reverse=True), w
EOF
then _pass; else _fail "no well-formed explain list"; fi
run attn-text predict --model "$M" --explain "$T/a.text"
expect_exit 0
if awk -F'\t' '{ n = 0; for (i = 4; i <= NF; i += 2) if ($i ~ /^explain:/) n++; if (NF != 13 || n != 5) bad = 1 } END { exit bad }' "$OUT"; then
  _pass; else _fail "TSV --explain lines do not carry 5 explain:token/weight pairs"; fi

step "training on TSV lines (label<TAB>text), eval on TSV"
run attn-text train --data "$F/train.tsv" --output "$T/tsv.safetensors" "${TINY[@]}" --epochs 5 --seed 2
expect_exit 0; expect_stderr_empty
run attn-text eval --model "$T/tsv.safetensors" --data "$F/test.tsv" --format json
expect_exit 0
expect_accuracy_at_least 0.8

step "--loss ova on multi-label data: trains, --threshold prints the labels above it"
run attn-text train --data "$F/multi_train.txt" --output "$T/ova.safetensors" --loss ova "${TINY[@]}" --epochs 8 --seed 3
expect_exit 0; expect_stderr_empty
sed 's/^\(__label__[a-z]* \)*//' "$F/multi_test.txt" >"$T/multi.text"
sed 's/ [^_].*//; s/__label__//g' "$F/multi_test.txt" >"$T/multi.truth"
run attn-text predict --model "$T/ova.safetensors" --top-k 3 --threshold 0.5 --format jsonl "$T/multi.text"
expect_exit 0
if python3 - "$OUT" "$T/multi.truth" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
truth = [set(l.split()) for l in open(sys.argv[2])]
assert len(rows) == len(truth) == 100
for r in rows:
    assert all(x["prob"] >= 0.5 for x in r["labels"]), r
exact = sum(set(x["label"] for x in r["labels"]) == t for r, t in zip(rows, truth))
two = sum(len(r["labels"]) == 2 for r in rows)
assert exact >= 75 and two >= 40, (exact, two)  # 55 items have two labels
EOF
then _pass; else _fail "one-vs-all label sets are wrong"; fi
run attn-text eval --model "$T/ova.safetensors" --data "$F/multi_test.txt" --format json
expect_exit 0

step "same --seed and --threads give a byte-identical model; another seed does not"
# Same output name in two folders: the model records its train command, --output included.
mkdir "$T/same1" "$T/same2"
for d in same1 same2; do
  (cd "$T/$d" && attn-text train --data "$F/train.txt" --output m.safetensors "${TINY[@]}" --epochs 2 --seed 5) >"$OUT" 2>"$ERR"
  RC=$?; expect_exit 0
done
if cmp -s "$T/same1/m.safetensors" "$T/same2/m.safetensors"; then _pass; else _fail "same seed, different model files"; fi
(cd "$T/same2" && attn-text train --data "$F/train.txt" --output m.safetensors "${TINY[@]}" --epochs 2 --seed 6) >"$OUT" 2>"$ERR"
RC=$?; expect_exit 0
if ! cmp -s "$T/same1/m.safetensors" "$T/same2/m.safetensors"; then _pass; else _fail "another seed, same model"; fi

step "predict - streams: line 1's result appears while stdin is still open"
mkfifo "$T/fifo"
attn-text predict --model "$M" - <"$T/fifo" >"$T/stream.out" 2>"$T/stream.err" &
pid=$!
exec 3>"$T/fifo"
echo "the striker scored a goal in the match" >&3
seen=no
for _ in $(seq 200); do
  if grep -q "^1	sports" "$T/stream.out"; then seen=yes; break; fi
  sleep 0.05
done
if [ "$seen" = yes ]; then _pass; else _fail "no result for line 1 while stdin was open: $(cat "$T/stream.out")"; fi
echo "garlic pasta with cheese sauce" >&3
exec 3>&-
wait "$pid"; RC=$?
expect_exit 0
if [ "$(cut -f1,2 "$T/stream.out" | tr '\n' ' ')" = "$(printf '1\tsports 2\tfood ')" ]; then _pass; else _fail "stream output: $(cat "$T/stream.out")"; fi

step "--docs: train on a folder per label and on a path<TAB>label list; predict documents"
i=0
while IFS= read -r line; do
  i=$((i + 1)); label=${line%% *}; label=${label#__label__}
  mkdir -p "$T/docs/$label"
  # a document: a few review lines of one label
  printf '%s\n' "${line#* }" >>"$T/docs/$label/doc$((i % 8)).txt"
done < <(head -n 120 "$F/train.txt")
run attn-text train --docs --data "$T/docs" --output "$T/docs.safetensors" "${TINY[@]}" --epochs 5 --seed 4
expect_exit 0; expect_stderr_empty
run attn-text info --model "$T/docs.safetensors" --format json
if python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["labels"] == ["food","sports","tech"]' "$OUT"; then
  _pass; else _fail "folder labels not learnt"; fi
for label in food sports tech; do
  for f in "$T/docs/$label"/*.txt; do printf '%s\t%s\n' "$f" "$label"; done
done >"$T/docs.list"
run attn-text train --docs --data "$T/docs.list" --output "$T/docs2.safetensors" "${TINY[@]}" --epochs 5 --seed 4
expect_exit 0; expect_stderr_empty
run attn-text eval --docs --model "$T/docs2.safetensors" --data "$T/docs.list" --format json
expect_exit 0
ndocs=$(wc -l <"$T/docs.list")
if python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["n"] == int(sys.argv[2])' "$OUT" "$ndocs"; then
  _pass; else _fail "eval --docs n is not the $ndocs listed documents"; fi
printf 'the keeper saved a penalty before the referee ended the match\n' >"$T/a.doc"
printf 'my laptop needs a firmware update for the router driver\n' >"$T/b.doc"
run attn-text predict --docs --model "$M" "$T/a.doc" "$T/b.doc"
expect_exit 0; expect_stderr_empty
if awk -F'\t' 'NF != 3 || $3 < 0 || $3 > 1 { bad = 1 } END { exit bad || NR != 2 }' "$OUT" &&
   [ "$(cut -f1,2 "$OUT" | tr '\n' ' ')" = "$(printf '%s\tsports %s\ttech ' "$T/a.doc" "$T/b.doc")" ]; then
  _pass; else _fail "predict --docs output is not path<TAB>label<TAB>prob"; fi
printf '%s\n%s\n' "$T/b.doc" "$T/a.doc" | run attn-text predict --docs --model "$M" -
expect_exit 0
if [ "$(cut -f1 "$OUT" | tr '\n' ' ')" = "$T/b.doc $T/a.doc " ]; then _pass; else _fail "paths from stdin not in order"; fi

finish
