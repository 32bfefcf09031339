#!/usr/bin/env bash
# attn-text train through the train kit (tools/common): --valid with early stopping and the best
# epoch kept, --class-weight, --init (fine-tuning), --keep-going in train and eval, and every error train must name
# before it reads data or trains.
source "$ATTN_CLI_LIB"
export OMP_WAIT_POLICY=passive
F="$ATTN_SOURCE_DIR/tests/fixtures/text"
TINY=(--dim 16 --layers 1 --heads 2 --ff-dim 32 --buckets 2000 --max-words 2000 --threads 2)

# The value of key $1 in eval's JSON ($OUT); $1 may be a Python expression over d.
json_of() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$OUT" "$1"; }

# stderr holds no epoch line: the error came before training.
expect_no_training() {
  if grep -q '^epoch ' "$ERR"; then _fail "an epoch line was printed before the error"; else _pass; fi
}

step "--valid: loss, accuracy and macro-F1 per epoch; --patience stops early, the best epoch is kept"
# Validation labels rotated (food->tech, sports->food, tech->sports): the better the model
# learns the training data, the worse it scores here, so the first epoch is the best.
sed -e 's/__label__food/__label__X/; s/__label__sports/__label__food/; s/__label__tech/__label__sports/; s/__label__X/__label__tech/' \
  "$F/test.txt" | head -n 60 >"$T/rotated.txt"
run attn-text train --data "$F/train.txt" --valid "$T/rotated.txt" --patience 2 --epochs 20 --seed 1 \
  --output "$T/es.safetensors" "${TINY[@]}"
expect_exit 0
expect_stderr_has "valid loss"; expect_stderr_has "valid acc"; expect_stderr_has "valid F1"
epochs=$(grep -c '^epoch ' "$ERR")
if [ "$epochs" -ge 3 ] && [ "$epochs" -lt 20 ]; then _pass; else _fail "$epochs epoch lines; expected an early stop before 20"; fi
expect_stderr_has "stopped early after $epochs of 20 epochs; kept epoch 1:"
kept_acc=$(sed -n 's/^epoch 1\/20 .*valid acc \([0-9.]*\).*/\1/p' "$ERR")
run attn-text eval --model "$T/es.safetensors" --data "$T/rotated.txt" --format json
acc=$(json_of 'round(d["accuracy"], 4)')
if python3 -c 'import sys; sys.exit(0 if abs(float(sys.argv[1]) - float(sys.argv[2])) < 1e-3 else 1)' "$acc" "${kept_acc:-9}"; then
  _pass; else _fail "saved model scores $acc on the validation data, epoch 1 scored ${kept_acc:-?}"; fi

step "--valid with a label the training data lacks: exit 1 naming the line"
printf '__label__other something new\n' >"$T/other.txt"
run attn-text train --data "$F/train.txt" --valid "$T/other.txt" --output "$T/x.safetensors" "${TINY[@]}" --epochs 1
expect_exit 1; expect_stderr_has "other.txt:1: unknown label"; expect_no_training

step "--class-weight balanced raises the recall of a rare label"
grep '__label__food' "$F/train.txt" >"$T/imbalanced.txt"
grep '__label__sports' "$F/train.txt" | head -n 6 >>"$T/imbalanced.txt"
grep -E '__label__(food|sports)' "$F/test.txt" >"$T/imbalanced_test.txt"
recall_of_sports() {
  run attn-text train --data "$T/imbalanced.txt" --output "$T/w.safetensors" "${TINY[@]}" --quiet --epochs 5 --seed 2 "$@"
  expect_exit 0
  run attn-text eval --model "$T/w.safetensors" --data "$T/imbalanced_test.txt" --format json
  json_of '[p["recall"] for p in d["per_label"] if p["label"] == "sports"][0]'
}
plain=$(recall_of_sports)
balanced=$(recall_of_sports --class-weight balanced)
if python3 -c 'import sys; sys.exit(0 if float(sys.argv[2]) >= float(sys.argv[1]) + 0.2 else 1)' "$plain" "$balanced"; then
  _pass; else _fail "sports recall $plain unweighted, $balanced balanced: expected a rise of at least 0.2"; fi
printf 'sports\t30\n' >"$T/weights.tsv"
weighted=$(recall_of_sports --class-weight "$T/weights.tsv")
if python3 -c 'import sys; sys.exit(0 if float(sys.argv[2]) >= float(sys.argv[1]) + 0.2 else 1)' "$plain" "$weighted"; then
  _pass; else _fail "sports recall $plain unweighted, $weighted with a weight file"; fi

step "--class-weight FILE errors name the line, before training"
for bad in 'nosuchlabel\t2' 'sports\t-1' 'sports\tnan' 'sports\tlots' 'sports 2'; do
  printf '%s\n' "food	1" >"$T/bad.tsv"; printf "$bad\n" >>"$T/bad.tsv"
  run attn-text train --data "$F/train.txt" --class-weight "$T/bad.tsv" --output "$T/x.safetensors" "${TINY[@]}" --epochs 1
  expect_exit 1; expect_stderr_lines 3; expect_stderr_has "bad.tsv:2: "; expect_no_training
done

step "--keep-going in train: a line with a NUL byte is skipped with a warning, counted at the end"
{ head -n 4 "$F/train.txt"; printf '__label__tech bad\0line\n'; tail -n +5 "$F/train.txt"; } >"$T/nul.txt"
run attn-text train --data "$T/nul.txt" --output "$T/k.safetensors" "${TINY[@]}" --quiet --epochs 1
expect_exit 1; expect_stderr "attn-text: error: $T/nul.txt:5: binary data (NUL byte); expected text"
if [ -e "$T/k.safetensors" ]; then _fail "a model was written"; else _pass; fi
run attn-text train --data "$T/nul.txt" --output "$T/k.safetensors" "${TINY[@]}" --quiet --epochs 1 --keep-going
expect_exit 1; expect_stderr_has "warning: $T/nul.txt:5: binary data (NUL byte)"; expect_stderr_has "warning: 1 item failed"
if [ -s "$T/k.safetensors" ]; then _pass; else _fail "no model written with --keep-going"; fi

step "--keep-going in eval: the same line skipped, the other 600 scored"
run attn-text eval --model "$T/k.safetensors" --data "$T/nul.txt" --format json --keep-going
expect_exit 1; expect_stderr_has "nul.txt:5: binary data"
if [ "$(json_of 'd["n"]')" = 600 ]; then _pass; else _fail "eval scored $(json_of 'd["n"]') items, expected 600"; fi
run attn-text eval --model "$T/k.safetensors" --data "$T/nul.txt"
expect_exit 1; expect_stderr "attn-text: error: $T/nul.txt:5: binary data (NUL byte); expected text"

step "--init: fine-tuning starts from a lower first-epoch loss than training from scratch"
run attn-text train --data "$F/train.txt" --output "$T/base.safetensors" "${TINY[@]}" --quiet --epochs 3 --seed 1
expect_exit 0
first_loss() { sed -n 's/^epoch 1\/1  loss \([0-9.]*\).*/\1/p' "$ERR"; }
run attn-text train --data "$F/test.txt" --init "$T/base.safetensors" --output "$T/ft.safetensors" --threads 2 --epochs 1 --seed 2
expect_exit 0; tuned=$(first_loss)
run attn-text train --data "$F/test.txt" --output "$T/scratch.safetensors" "${TINY[@]}" --epochs 1 --seed 2
expect_exit 0; scratch=$(first_loss)
if python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < 0.5 * float(sys.argv[2]) else 1)' "${tuned:-9}" "${scratch:-0}"; then
  _pass; else _fail "first-epoch loss ${tuned:-?} fine-tuned vs ${scratch:-?} from scratch"; fi
run attn-text info --model "$T/ft.safetensors"
expect_exit 0; expect_stdout_has "--init $T/base.safetensors"

step "--init keeps the architecture: a conflicting flag is exit 2 naming it, an agreeing one is fine"
run attn-text train --data "$F/test.txt" --init "$T/base.safetensors" --dim 32 --output "$T/x.safetensors" --epochs 1
expect_exit 2; expect_stderr "attn-text: error: --dim 32 conflicts with --init $T/base.safetensors (dim 16); leave it out to keep the model's"
run attn-text train --data "$F/test.txt" --init "$T/base.safetensors" --pool cls --output "$T/x.safetensors" --epochs 1
expect_exit 2; expect_stderr_has "--pool cls conflicts with --init"
run attn-text train --data "$F/test.txt" --init "$T/base.safetensors" --dim 16 --dropout 0.2 --output "$T/x.safetensors" --epochs 1 --quiet
expect_exit 0
run attn-text train --data "$F/test.txt" --init "$T/nonexistent.safetensors" --output "$T/x.safetensors" --epochs 1
expect_exit 1; expect_stderr_lines 1; expect_stderr_has "nonexistent.safetensors"

step "--init on data with other labels: the head starts afresh, with a notice"
grep -v '__label__sports' "$F/test.txt" | sed 's/__label__tech/__label__gadgets/' >"$T/relabelled.txt"
run attn-text train --data "$T/relabelled.txt" --init "$T/base.safetensors" --output "$T/re.safetensors" --threads 2 --epochs 1
expect_exit 0; expect_stderr_has "notice: the data's labels differ from those of $T/base.safetensors: the classifier head starts afresh for the 2 labels"
run attn-text info --model "$T/re.safetensors" --format json
if python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["labels"] == ["food","gadgets"]' "$OUT"; then _pass; else _fail "labels not food, gadgets"; fi

step "--output that cannot be written: exit 1 before the data is read"
run attn-text train --data /nonexistent/data.txt --output "$T" "${TINY[@]}" --epochs 1
expect_exit 1; expect_stderr "attn-text: error: $T: is a directory"
run attn-text train --data "$F/train.txt" --output "$T/missing/m.safetensors" "${TINY[@]}" --epochs 1
expect_exit 1; expect_stderr "attn-text: error: $T/missing/m.safetensors: no such directory '$T/missing'"
if [ "$(id -u)" != 0 ]; then  # root may write anywhere
  mkdir "$T/ro"; chmod 555 "$T/ro"
  run attn-text train --data "$F/train.txt" --output "$T/ro/m.safetensors" "${TINY[@]}" --epochs 1
  expect_exit 1; expect_stderr_has "cannot write in '$T/ro'"; expect_no_training
fi

step "labels and document names that are not UTF-8: exit 1 before training"
{ printf '__label__\xff\xfe some text\n'; cat "$F/train.txt"; } >"$T/badlabel.txt"
run attn-text train --data "$T/badlabel.txt" --output "$T/x.safetensors" "${TINY[@]}" --epochs 1
expect_exit 1; expect_stderr_lines 1; expect_stderr_has "badlabel.txt:1:"; expect_stderr_has "UTF-8"
mkdir -p "$T/docs/spam" "$T/docs/ham"
echo "buy now" >"$T/docs/spam/a.txt"; echo "hello friend" >"$T/docs/ham/b.txt"
echo "meeting at noon" >"$T/docs/ham/$(printf 'c\xff.txt')"
run attn-text train --docs --data "$T/docs" --output "$T/x.safetensors" "${TINY[@]}" --epochs 1
expect_exit 1; expect_stderr_lines 1; expect_stderr_has "file name is not valid UTF-8"
run attn-text train --data "$F/train.txt" --label-prefix "" --output "$T/x.safetensors" "${TINY[@]}" --epochs 1
expect_exit 1; expect_stderr_lines 1; expect_no_training

finish
