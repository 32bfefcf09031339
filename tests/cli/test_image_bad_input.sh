#!/usr/bin/env bash
# attn-image on bad inputs: one line "attn-image: error: ..." and exit 1 (data, model, I/O) or 2
# (usage); under --keep-going a bad image is a warning, the rest is processed, exit code 1.
source "$ATTN_CLI_LIB"
export OMP_WAIT_POLICY=passive
python3 "$ATTN_SOURCE_DIR/tests/reference/make_toy_images.py" "$T/toy" --per-class 12 || exit 1
cd "$T"
TINY=(--patch 4 --dim 16 --layers 1 --heads 2 --epochs 1 --threads 2 --quiet)
GOOD=toy/test/hbar/000.png

# Exit code $1, one stderr line starting with "attn-image: error:" that contains $2.
expect_error() {
  expect_exit "$1"
  if [ "$(wc -l <"$ERR")" = 1 ] && grep -q "^attn-image: error: " "$ERR"; then _pass; else _fail "stderr is not one error line"; fi
  if [ -n "${2:-}" ]; then expect_stderr_has "$2"; fi
}

step "a model to work with"
run attn-image train --data toy/train --output m.safetensors "${TINY[@]}"
expect_exit 0

step "bad image files: zero bytes, truncated PNG and JPEG, text named .png, 100000x100000"
: >empty.png
head -c 60 "$GOOD" >cut.png
JPEG="$ATTN_SOURCE_DIR/assets/samples/image/sneaker.jpg"
head -c $(( $(stat -c %s "$JPEG") / 2 )) "$JPEG" >cut.jpg
echo "this is not a picture" >text.png
python3 - <<'PY'
import struct, zlib
ihdr = b"IHDR" + struct.pack(">IIBBBBB", 100000, 100000, 8, 0, 0, 0, 0)
open("huge.png", "wb").write(b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + ihdr + struct.pack(">I", zlib.crc32(ihdr)))
PY
for f in empty.png:"empty file" cut.png:"corrupt or truncated" cut.jpg:"truncated JPEG" text.png:"not an image" huge.png:"image declares 100000x100000"; do
  run attn-image predict --model m.safetensors "${f%%:*}"
  expect_error 1 "${f%%:*}: ${f#*:}"
  expect_stdout ""
done
run attn-image predict --model m.safetensors "$JPEG"
expect_exit 0

step "--keep-going: bad images are skipped and counted, the good ones predicted in order"
run attn-image predict --model m.safetensors --keep-going "$GOOD" empty.png cut.png text.png huge.png "$GOOD"
expect_exit 1
if [ "$(wc -l <"$OUT")" = 2 ]; then _pass; else _fail "expected 2 prediction lines"; fi
expect_stderr_has "attn-image: warning: empty.png: "
expect_stderr_has "4 items failed"
run attn-image train --data toy/train --output kg.safetensors "${TINY[@]}" --keep-going
cp text.png toy/train/hbar/zz.png
run attn-image train --data toy/train --output bad.safetensors "${TINY[@]}"
expect_error 1 "toy/train/hbar/zz.png: not an image"
if [ ! -e bad.safetensors ]; then _pass; else _fail "a model was written"; fi
run attn-image train --data toy/train --output kg.safetensors "${TINY[@]}" --keep-going
expect_exit 1
expect_stderr_has "1 item failed"
rm toy/train/hbar/zz.png

step "IDX: wrong magic, counts that disagree with the data, images and labels of different counts"
run attn-image eval --model m.safetensors --idx toy/test-labels.idx toy/test-labels.idx
expect_error 1 "magic number 0x00000801, expected 0x00000803"
head -c 1000 toy/test-images.idx >short.idx
run attn-image eval --model m.safetensors --idx short.idx toy/test-labels.idx
expect_error 1 "short.idx: header declares"
run attn-image eval --model m.safetensors --idx toy/train-images.idx toy/test-labels.idx
expect_error 1 "images but"
gzip -c toy/test-images.idx >t.idx.gz
run attn-image eval --model m.safetensors --idx t.idx.gz toy/test-labels.idx
expect_exit 0

step "a folder with one class, an empty folder"
mkdir -p one/hbar empty
cp toy/train/hbar/*.png one/hbar/
run attn-image train --data one --output o.safetensors "${TINY[@]}"
expect_error 1 "only one label"
run attn-image train --data empty --output o.safetensors "${TINY[@]}"
expect_error 1 "empty"
if [ ! -e o.safetensors ]; then _pass; else _fail "a model was written"; fi

step "a model of another task, a file that is no model"
run attn-image predict --model "$ATTN_SOURCE_DIR/assets/models/text-spam.safetensors" "$GOOD"
expect_error 1 "a model of another task"
run attn-image info --model "$GOOD"
expect_error 1 "$GOOD"

step "usage errors: exit 2"
run attn-image
expect_exit 2
run attn-image train --data toy/train --output x.safetensors --patch 5 --quiet
expect_error 2 "patch (5) must divide the image size (16)"
run attn-image train --data toy/train --idx a b --output x.safetensors
expect_error 2 "--data"
run attn-image train --data toy/train --output x.safetensors --dim 30 --heads 4
expect_error 2 "must be a multiple of --heads"
finish
