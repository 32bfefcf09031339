#!/usr/bin/env bash
# attn-image end to end on a generated toy set (bars and blocks, 16x16 grey, 3 labels): train on
# a folder per label, learn it well above chance, then eval, predict, attention and info; the
# same seed gives the same model; the IDX form trains too.
source "$ATTN_CLI_LIB"
export OMP_WAIT_POLICY=passive
python3 "$ATTN_SOURCE_DIR/tests/reference/make_toy_images.py" "$T/toy" --per-class 60 || exit 1
cd "$T/toy"
TINY=(--patch 4 --dim 32 --layers 2 --heads 2 --threads 2)

# trains_and_learns MODEL SETTINGS_TEXT FLAGS...: train MODEL on the toy set with FLAGS, expect
# SETTINGS_TEXT in the printed settings and eval accuracy of at least 0.8 on the held-out images.
trains_and_learns() {
  local model=$1 shown=$2
  shift 2
  run attn-image train --data train --output "$model" "${TINY[@]}" --epochs 15 "$@"
  expect_exit 0; expect_stderr_has "$shown"
  run attn-image eval --model "$model" --data test.tsv --format json
  expect_exit 0
  expect_accuracy_at_least 0.8
}
# expect_accuracy_at_least A: eval's JSON output ($OUT) has accuracy >= A.
expect_accuracy_at_least() {
  local acc
  acc=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["accuracy"])' "$OUT")
  if python3 -c "import sys; sys.exit(0 if $acc >= $1 else 1)"; then _pass; else _fail "accuracy $acc < $1"; fi
}

step "train on a folder per label: settings derived from the images and printed"
run attn-image train --data train --valid test.tsv --output m.safetensors "${TINY[@]}" --epochs 15
expect_exit 0
expect_stderr_has "image-size 16 channels 1 fit crop stem conv patch 4 (16 patches)"  # conv: the patch allows it
expect_stderr_has "test-shift 1"  # derived: the crop padding is 2 on 16x16 images
expect_stderr_has "epoch 15/15"
expect_stderr_has "wrote m.safetensors"

step "--valid --patience through the train kit: rotated validation labels stop training early at epoch 1's model"
awk -F'\t' 'BEGIN { OFS = "\t"; r["vbar"] = "hbar"; r["hbar"] = "block"; r["block"] = "vbar" } { print $1, r[$2] }' test.tsv >rotated.tsv
run attn-image train --data train --valid rotated.tsv --patience 2 --output es.safetensors "${TINY[@]}" --epochs 30
expect_exit 0; expect_stderr_has "valid F1"
epochs=$(grep -c '^epoch ' "$ERR")
if [ "$epochs" -lt 30 ]; then _pass; else _fail "ran all 30 epochs"; fi
expect_stderr_has "stopped early after $epochs of 30 epochs; kept epoch"

step "--class-weight through the train kit: balanced trains, an unknown label in FILE names the line"
run attn-image train --data train --class-weight balanced --output cw.safetensors "${TINY[@]}" --epochs 1 --quiet
expect_exit 0
printf 'hbar\t2\nstripes\t3\n' >weights.tsv
run attn-image train --data train --class-weight weights.tsv --output cw.safetensors "${TINY[@]}" --epochs 1
expect_exit 1; expect_stderr_has 'weights.tsv:2: unknown label "stripes"'
if grep -q '^epoch ' "$ERR"; then _fail "trained before the error"; else _pass; fi

step "eval: accuracy well above chance (1/3) on held-out images"
run attn-image eval --model m.safetensors --data test.tsv --format json
expect_exit 0
expect_accuracy_at_least 0.8
run attn-image eval --model m.safetensors --data test
expect_exit 0; expect_stdout_has "accuracy"
run attn-image predict --model m.safetensors --model m.safetensors test/hbar/000.png
expect_exit 2; expect_stderr_has "--model: At Most 1 required but received 2"

step "--locality: locality self-attention learns the toy set too; the model keeps it, heat maps work"
trains_and_learns lsa.safetensors "pool cls locality true" --locality
run attn-image info --model lsa.safetensors
expect_exit 0; expect_stdout_has '"attention":"locality"'
mkdir lsa-maps
run attn-image attention --model lsa.safetensors --output lsa-maps test/hbar/000.png
expect_exit 0
if [ -s lsa-maps/000.png ]; then _pass; else _fail "no heat map for the locality model"; fi

step "--pool attention: sequence pooling learns the toy set; stored, explained by its own weights"
trains_and_learns seq.safetensors "pool attention" --pool attention
run attn-image info --model seq.safetensors
expect_exit 0; expect_stdout_has '"pool":"attention"'
run attn-image predict --model seq.safetensors --explain --format jsonl test/hbar/000.png
expect_exit 0
if python3 -c 'import json,sys; e = json.loads(open(sys.argv[1]).readline())["explain"]; sys.exit(0 if len(e) == 5 and all(0 < p["weight"] <= 1 for p in e) else 1)' "$OUT"; then _pass; else _fail "no explanation for the attention-pooled model"; fi

step "--test-shift: derived from the crop padding, stored, overridable; out of range is a usage error"
run attn-image predict --model m.safetensors --top-k 3 test/hbar/000.png
expect_exit 0; cp "$OUT" stored.tsv
run attn-image predict --model m.safetensors --top-k 3 --test-shift 1 test/hbar/000.png
expect_exit 0
if cmp -s "$OUT" stored.tsv; then _pass; else _fail "--test-shift 1 differs from the stored shift 1"; fi
run attn-image predict --model m.safetensors --top-k 3 --test-shift 0 test/hbar/000.png
expect_exit 0
if cmp -s "$OUT" stored.tsv; then _fail "--test-shift 0 gave the shifted probabilities"; else _pass; fi
run attn-image eval --model m.safetensors --data test.tsv --test-shift 0
expect_exit 0; expect_stdout_has "accuracy"
run attn-image eval --model m.safetensors --data test.tsv --test-shift 5
expect_exit 2; expect_stderr_has "--test-shift: test shift 5: expected 0 to 4 pixels"
run attn-image train --data train --output ts.safetensors "${TINY[@]}" --epochs 1 --test-shift 5
expect_exit 2; expect_stderr_has "test shift 5: expected 0 to 4 pixels"

step "--test-views: stored in the model (grid+flip), overridable; a bad name is a usage error"
run attn-image train --data train --output tv.safetensors "${TINY[@]}" --epochs 2 --flip --test-views grid+flip
expect_exit 0; expect_stderr_has "test-shift 1 test-views grid+flip"
run attn-image predict --model tv.safetensors --top-k 3 test/hbar/000.png
expect_exit 0; cp "$OUT" grid.tsv
run attn-image predict --model tv.safetensors --top-k 3 --test-views grid+flip test/hbar/000.png
expect_exit 0
if cmp -s "$OUT" grid.tsv; then _pass; else _fail "--test-views grid+flip differs from the stored views"; fi
run attn-image predict --model tv.safetensors --top-k 3 --test-views cross test/hbar/000.png
expect_exit 0
if cmp -s "$OUT" grid.tsv; then _fail "--test-views cross gave the grid's probabilities"; else _pass; fi
run attn-image eval --model tv.safetensors --data test.tsv --test-views diagonal
expect_exit 2; expect_stderr_has "--test-views: test views \"diagonal\": expected cross, grid, cross+flip or grid+flip"
run attn-image train --data train --output tv2.safetensors "${TINY[@]}" --epochs 1 --test-views grid+
expect_exit 2; expect_stderr_has "expected cross, grid, cross+flip or grid+flip"

step "predict: path, label, probability per image, in input order; '-' reads paths"
run attn-image predict --model m.safetensors test/vbar/000.png test/hbar/001.png
expect_exit 0
if [ "$(cut -f1 "$OUT" | tr '\n' ' ')" = "test/vbar/000.png test/hbar/001.png " ]; then _pass; else _fail "ids not in input order"; fi
if awk -F'\t' 'NF != 3 || $3 < 0 || $3 > 1 { bad = 1 } END { exit bad }' "$OUT"; then _pass; else _fail "not path<TAB>label<TAB>prob"; fi
ls test/block/*.png | head -n 4 >paths.txt
run attn-image predict --model m.safetensors --top-k 2 - <paths.txt
expect_exit 0
if [ "$(wc -l <"$OUT")" = 4 ] && awk -F'\t' 'NF != 5 { bad = 1 } END { exit bad }' "$OUT"; then _pass; else _fail "top-2 lines"; fi

step "predict - streams: the first image's line appears while stdin is still open"
{ echo test/hbar/000.png; sleep 4; echo test/vbar/000.png; } | attn-image predict --model m.safetensors - >stream.txt &
sleep 2.5
if [ "$(wc -l <stream.txt)" = 1 ]; then _pass; else _fail "no line before stdin closed"; fi
wait
if [ "$(wc -l <stream.txt)" = 2 ]; then _pass; else _fail "expected 2 lines at the end"; fi

step "predict --explain: the top patches as row, col, weight"
run attn-image predict --model m.safetensors --explain --format jsonl test/hbar/000.png
expect_exit 0
python3 - "$OUT" <<'PY' && _pass || _fail "no explain list of 5 patches with row, col, weight"
import json, sys
line = json.loads(open(sys.argv[1]).readline())
ex = line["explain"]
assert len(ex) == 5 and all(0 <= p["row"] < 4 and 0 <= p["col"] < 4 for p in ex)
assert ex[0]["weight"] >= ex[-1]["weight"] > 0
PY

step "attention: one PNG per image with the heat map; --layer K"
mkdir heat
run attn-image attention --model m.safetensors --output heat test/hbar/000.png test/vbar/000.png
expect_exit 0
if [ "$(head -c 8 heat/000.png | od -An -tx1 | tr -d ' ')" = "89504e470d0a1a0a" ] && [ -s heat/000-2.png ]; then _pass; else _fail "PNGs missing"; fi
expect_stdout_has "heat/000.png"
run attn-image attention --model m.safetensors --output heat --layer 2 test/block/000.png
expect_exit 0
run attn-image attention --model m.safetensors --output heat --layer 3 test/block/000.png
expect_exit 2

step "info: task, labels, parameters, the train command"
run attn-image info --model m.safetensors
expect_exit 0
expect_stdout_has "image-classification"
expect_stdout_has '["block","hbar","vbar"]'
expect_stdout_has "attn-image train"
expect_stdout_has "attn-image train"; expect_stdout_has "--data train"; expect_stdout_has "--valid test.tsv"

step "same --seed and --threads give a byte-identical model"
mkdir a b c
# (the recorded command line names the output, so each run writes m.safetensors in its own folder)
for d in a b; do (cd $d && attn-image train --data ../train --output m.safetensors "${TINY[@]}" --epochs 2 --seed 4 --quiet); done
(cd c && attn-image train --data ../train --output m.safetensors "${TINY[@]}" --epochs 2 --seed 5 --quiet)
if cmp -s a/m.safetensors b/m.safetensors; then _pass; else _fail "models differ"; fi
if ! cmp -s a/m.safetensors c/m.safetensors; then _pass; else _fail "another seed gave the same model"; fi

step "IDX images and labels train and evaluate"
run attn-image train --idx train-images.idx train-labels.idx --label-names hbar,vbar,block --output idx.safetensors "${TINY[@]}" --epochs 15 --quiet
expect_exit 0
run attn-image eval --model idx.safetensors --idx test-images.idx test-labels.idx --format json
expect_exit 0
expect_stdout_has '"labels":["hbar","vbar","block"]'
step "the linear patch embedding learns too; a patch the conv stem cannot make is linear by default, a usage error with --stem conv"
run attn-image train --idx train-images.idx train-labels.idx --label-names hbar,vbar,block --output linear.safetensors "${TINY[@]}" --stem linear --epochs 15
expect_exit 0
expect_stderr_has "stem linear patch 4 (16 patches)"
run attn-image eval --model linear.safetensors --idx test-images.idx test-labels.idx --format json
expect_exit 0
expect_accuracy_at_least 0.8
run attn-image train --idx train-images.idx train-labels.idx --output p3.safetensors --patch 3 --image-size 24 --epochs 1 --quiet
expect_exit 0
attn-image info --model p3.safetensors --format json | grep -q '"stem":"linear"' && _pass || _fail "patch 3 did not default to the linear embedding"
run attn-image train --idx train-images.idx train-labels.idx --output bad.safetensors --stem conv --patch 3 --image-size 24 --epochs 1
expect_exit 2
expect_stderr_has "power of two"

step "the built-in Fashion-MNIST model: predict and info without --model, from any folder"
if [ -f "$ATTN_SOURCE_DIR/assets/models/image-fashion-mnist.safetensors" ]; then
  run attn-image predict "$ATTN_SOURCE_DIR/assets/samples/image/sneaker.jpg" "$ATTN_SOURCE_DIR/assets/samples/image/trouser.png"
  expect_exit 0
  expect_stdout_has "sneaker.jpg	Sneaker	"
  expect_stdout_has "trouser.png	Trouser	"
  run attn-image info
  expect_exit 0
  expect_stdout_has "default model (built in)"
fi
finish
