#!/usr/bin/env bash
# attn-image train --init: fine-tuning a tiny model on the toy set starts from a lower loss than
# training from scratch; the saved architecture cannot be overridden (exit 2 naming the flag);
# other labels re-initialise the head; the source is recorded; a model of another task is refused.
source "$ATTN_CLI_LIB"
export OMP_WAIT_POLICY=passive
python3 "$ATTN_SOURCE_DIR/tests/reference/make_toy_images.py" "$T/toy" --per-class 30 || exit 1
cd "$T/toy"
TINY=(--patch 4 --dim 32 --layers 2 --heads 2 --threads 2)
first_loss() { sed -n 's/^epoch 1\/1  loss \([0-9.]*\).*/\1/p' "$ERR"; }

step "--init: fine-tuning starts from a lower first-epoch loss than training from scratch"
run attn-image train --data train --output base.safetensors "${TINY[@]}" --epochs 10 --seed 1 --quiet
expect_exit 0
run attn-image train --data test --init base.safetensors --output ft.safetensors --threads 2 --epochs 1 --seed 2
expect_exit 0; tuned=$(first_loss)
expect_stderr_has "image-size 16 channels 1 fit crop stem conv patch 4 (16 patches) | dim 32 layers 2 heads 2"
run attn-image train --data test --output scratch.safetensors "${TINY[@]}" --epochs 1 --seed 2
expect_exit 0; scratch=$(first_loss)
if python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' "${tuned:-9}" "${scratch:-0}"; then
  _pass; else _fail "first-epoch loss ${tuned:-?} fine-tuned vs ${scratch:-?} from scratch"; fi

step "info shows attn.init_from"
run attn-image info --model ft.safetensors --format json
expect_exit 0
if python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["init_from"] == "base.safetensors"' "$OUT"; then
  _pass; else _fail "no init_from base.safetensors"; fi

step "--init keeps the architecture: a conflicting flag is exit 2 naming it, agreeing ones and training flags are fine"
run attn-image train --data test --init base.safetensors --patch 8 --output x.safetensors --epochs 1
expect_exit 2; expect_stderr "attn-image: error: --patch 8 conflicts with --init base.safetensors (patch 4); leave it out to keep the model's"
run attn-image train --data test --init base.safetensors --pool mean --output x.safetensors --epochs 1
expect_exit 2; expect_stderr_has "--pool mean conflicts with --init"
run attn-image train --data test --init base.safetensors --image-size 16 --mlp-ratio 2.0 --dim 32 --lr 1e-3 --flip \
  --erase 0 --output x.safetensors --epochs 1 --quiet
expect_exit 0

step "--init on images with other labels: the head starts afresh, with a notice"
mkdir -p re && cp -r train/vbar re/upright && cp -r train/hbar re/flat
run attn-image train --data re --init base.safetensors --output re.safetensors --threads 2 --epochs 1
expect_exit 0; expect_stderr_has "notice: the data's labels differ from those of base.safetensors: the classifier head starts afresh for the 2 labels"
expect_stderr_has "epoch 1/1"

step "--init with a model of another task: exit 1 naming the file"
run attn-image train --data test --init "$ATTN_SOURCE_DIR/assets/models/text-spam.safetensors" --output x.safetensors --epochs 1
expect_exit 1; expect_stderr_lines 1; expect_stderr_has "text-spam.safetensors"

finish
