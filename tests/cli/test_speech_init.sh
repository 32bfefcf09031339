#!/usr/bin/env bash
# attn-speech train --init: fine-tuning a tiny model on the toy tones starts from a lower loss
# than training from scratch; the saved encoder and feature options cannot be overridden (exit
# 2 naming the flag); other labels re-initialise the head; the source is recorded; a model of
# another task is refused.
source "$ATTN_CLI_LIB"
export OMP_WAIT_POLICY=passive
numpy_python
[ -n "$PY" ] || { echo "skipped: needs a python3 with NumPy"; exit 77; }
"$PY" "$ATTN_SOURCE_DIR/tests/reference/make_toy_tones.py" "$T" || exit 1
cd "$T"
TINY=(--sample-frequency 8000 --dim 16 --heads 2 --layers 1 --ff-dim 32 --window 4 --threads 2)
TRAIN=(--lr 5e-3 --batch-size 8)
first_loss() { sed -n 's/^epoch 1\/1  loss \([0-9.]*\).*/\1/p' "$ERR"; }

step "--init: fine-tuning starts from a lower first-epoch loss than training from scratch"
run attn-speech train --data train -o base.safetensors "${TINY[@]}" "${TRAIN[@]}" --epochs 10 --seed 1 --quiet
expect_exit 0
run attn-speech train --data test --init base.safetensors -o ft.safetensors "${TRAIN[@]}" --threads 2 --epochs 1 --seed 2
expect_exit 0; tuned=$(first_loss)
expect_stderr_has "features mfcc x 13 | stack 3 subsample 3 dim 16 layers 1 heads 2 ff-dim 32 window 4"
run attn-speech train --data test -o scratch.safetensors "${TINY[@]}" "${TRAIN[@]}" --epochs 1 --seed 2
expect_exit 0; scratch=$(first_loss)
if "$PY" -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' "${tuned:-9}" "${scratch:-0}"; then
  _pass; else _fail "first-epoch loss ${tuned:-?} fine-tuned vs ${scratch:-?} from scratch"; fi

step "info shows attn.init_from"
run attn-speech info --model ft.safetensors --format json
expect_exit 0
if "$PY" -c 'import json,sys; assert json.load(open(sys.argv[1]))["init_from"] == "base.safetensors"' "$OUT"; then
  _pass; else _fail "no init_from base.safetensors"; fi

step "--init keeps the encoder and features: a conflicting flag is exit 2 naming it, agreeing ones and training flags are fine"
run attn-speech train --data test --init base.safetensors --window 8 -o x.safetensors --epochs 1
expect_exit 2; expect_stderr "attn-speech: error: --window 8 conflicts with --init base.safetensors (window 4); leave it out to keep the model's"
run attn-speech train --data test --init base.safetensors --sample-frequency 16000 -o x.safetensors --epochs 1
expect_exit 2; expect_stderr_has "--sample-frequency 16000 conflicts with --init"
run attn-speech train --data test --init base.safetensors --deltas -o x.safetensors --epochs 1
expect_exit 2; expect_stderr_has "--deltas"
run attn-speech train --data test --init base.safetensors --sample-frequency 8000.0 --dim 16 --features mfcc \
  --dropout 0.2 --speed-perturb --lr 1e-3 -o x.safetensors --epochs 1 --quiet
expect_exit 0

step "--init on recordings with other labels: the head starts afresh, with a notice"
mkdir -p re && cp -r train/low re/deep && cp -r train/high re/shrill
run attn-speech train --data re --init base.safetensors -o re.safetensors --threads 2 --epochs 1
expect_exit 0; expect_stderr_has "notice: the data's labels differ from those of base.safetensors: the classifier head starts afresh for the 2 labels"
expect_stderr_has "epoch 1/1"

step "--init with a model of another task: exit 1 naming the file"
run attn-speech train --data test --init "$ATTN_SOURCE_DIR/assets/models/text-spam.safetensors" -o x.safetensors --epochs 1
expect_exit 1; expect_stderr_lines 1; expect_stderr_has "text-spam.safetensors"

finish
