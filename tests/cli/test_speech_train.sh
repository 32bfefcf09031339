#!/usr/bin/env bash
# attn-speech train/eval/predict/encode/info end to end on generated recordings (three kinds of
# tones with random pitch, length, level and noise, 8 kHz), in seconds: the model must learn
# (held-out accuracy >= 0.9), keep its feature options, read Kaldi archives from a pipe, refuse
# features of another dimension, and report bad inputs as the documented errors.
source "$ATTN_CLI_LIB"
export OMP_WAIT_POLICY=passive
numpy_python
[ -n "$PY" ] || { echo "skipped: needs a python3 with NumPy"; exit 77; }

expect_error() {
  expect_exit "$1"
  if [ "$(wc -l <"$ERR")" = 1 ] && grep -q "^attn-speech: error: " "$ERR"; then _pass; else _fail "stderr is not one error line"; fi
  if [ -n "${2:-}" ]; then expect_stderr_has "$2"; fi
}

"$PY" "$ATTN_SOURCE_DIR/tests/reference/make_toy_tones.py" "$T" || exit 1

TINY=(--sample-frequency 8000 --dim 16 --heads 2 --layers 1 --ff-dim 32 --window 4 --epochs 12
  --lr 5e-3 --batch-size 8 --threads 2 --seed 3)

step "train with augmentation learns the tones (held-out accuracy >= 0.9)"
run attn-speech train --data "$T/train" -o "$T/m.safetensors" "${TINY[@]}" --speed-perturb --noise-prob 0.5 --gain-db 6 --time-masks 1 --time-mask-width 3 --vtlp 0.1
expect_exit 0
expect_stderr_has "epoch 12/12"
run attn-speech eval --model "$T/m.safetensors" --data "$T/test" --format json
expect_exit 0
acc=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['accuracy'])" "$OUT")
"$PY" -c "assert $acc >= 0.9" && _pass || _fail "accuracy $acc below 0.9"

step "--valid --patience through the train kit: rotated validation labels stop training early"
for kind in low high sweep; do
  case $kind in low) to=high ;; high) to=sweep ;; sweep) to=low ;; esac
  for f in "$T/test/$kind"/*.wav; do printf '%s\t%s\n' "$f" "$to"; done
done >"$T/rotated.tsv"
LONG=("${TINY[@]}"); LONG[13]=30  # --epochs 30
run attn-speech train --data "$T/train" --valid "$T/rotated.tsv" --patience 2 -o "$T/es.safetensors" "${LONG[@]}"
expect_exit 0; expect_stderr_has "valid F1"
epochs=$(grep -c '^epoch ' "$ERR")
if [ "$epochs" -lt 30 ]; then _pass; else _fail "ran all 30 epochs"; fi
expect_stderr_has "stopped early after $epochs of 30 epochs; kept epoch"

step "same seed and threads: bit-identical model"
run attn-speech train --data "$T/train" -o "$T/m2.safetensors" "${TINY[@]}" --speed-perturb --noise-prob 0.5 --gain-db 6 --time-masks 1 --time-mask-width 3 --vtlp 0.1 --quiet
"$PY" - "$ATTN_SOURCE_DIR/tests/reference" "$T/m.safetensors" "$T/m2.safetensors" <<'PY' && _pass || _fail "models differ"
import sys
sys.path.insert(0, sys.argv[1])
from safetensors_io import read_safetensors
a, _ = read_safetensors(sys.argv[2])
b, _ = read_safetensors(sys.argv[3])
assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)
PY

step "--vtlp changes what training sees (a model unlike the one without it)"
run attn-speech train --data "$T/train" -o "$T/m3.safetensors" "${TINY[@]}" --speed-perturb --noise-prob 0.5 --gain-db 6 --time-masks 1 --time-mask-width 3 --quiet
cmp -s "$T/m.safetensors" "$T/m3.safetensors" && _fail "--vtlp made no difference" || _pass

step "--tilt changes what training sees, and the model still learns"
run attn-speech train --data "$T/train" -o "$T/tilt.safetensors" "${TINY[@]}" --speed-perturb --noise-prob 0.5 --gain-db 6 --time-masks 1 --time-mask-width 3 --vtlp 0.1 --tilt 0.5 --quiet
expect_exit 0
cmp -s "$T/m.safetensors" "$T/tilt.safetensors" && _fail "--tilt made no difference" || _pass
run attn-speech eval --model "$T/tilt.safetensors" --data "$T/test" --format json
acc=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['accuracy'])" "$OUT")
"$PY" -c "assert $acc >= 0.9" && _pass || _fail "accuracy $acc below 0.9 with --tilt 0.5"
run attn-speech train --data "$T/train" -o "$T/bad.safetensors" "${TINY[@]}" --tilt 1.5
expect_exit 2

step "--conv-pos: the positional convolution learns, is stored, streams in encode; an even width is refused"
run attn-speech train --data "$T/train" -o "$T/cp.safetensors" "${TINY[@]}" --conv-pos 5 --speed-perturb --quiet
expect_exit 0
run attn-speech eval --model "$T/cp.safetensors" --data "$T/test" --format json
expect_exit 0
acc=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['accuracy'])" "$OUT")
"$PY" -c "assert $acc >= 0.9" && _pass || _fail "accuracy $acc below 0.9 with --conv-pos 5"
attn-speech info --model "$T/cp.safetensors" --format json >"$T/cp.json"
"$PY" -c "import json,sys; assert json.load(open(sys.argv[1]))['config']['model']['conv_pos'] == 5" "$T/cp.json" && _pass || _fail "conv_pos not stored"
run attn-speech encode --model "$T/cp.safetensors" --format jsonl "$T/test/sweep/3.wav"
expect_exit 0
run attn-speech train --data "$T/train" -o "$T/bad.safetensors" "${TINY[@]}" --conv-pos 4
expect_exit 2
expect_stderr_has "--conv-pos (4) must be odd"

step "info shows the stored feature options"
run attn-speech info --model "$T/m.safetensors" --format json
expect_exit 0
"$PY" -c "
import json,sys; j=json.load(open(sys.argv[1]))
assert j['task']=='speech-classification' and j['labels']==['high','low','sweep']
c=j['config']; assert c['features']['sample_frequency']==8000 and c['postprocess']['cmvn']=='none'" "$OUT" && _pass || _fail "info"

step "predict from recordings and from a Kaldi archive on a pipe agree"
printf 'x\t%s\n' "$T/test/sweep/3.wav" >"$T/one.scp"
run attn-speech predict --model "$T/m.safetensors" --wav-scp "$T/one.scp"
expect_exit 0
direct=$(cat "$OUT")
attn-speech mfcc --sample-frequency 8000 --wav-scp "$T/one.scp" | attn-speech predict --model "$T/m.safetensors" ark:- >"$T/piped.txt"
[ "$(cat "$T/piped.txt")" = "$direct" ] && _pass || _fail "piped: $(cat "$T/piped.txt") direct: $direct"
case "$direct" in x$'\t'sweep$'\t'*) _pass ;; *) _fail "expected sweep: $direct" ;; esac

step "test-time warp averaging: --test-warps in eval and predict, stored by train, refused out of range"
run attn-speech predict --model "$T/m.safetensors" --wav-scp "$T/one.scp" --test-warps 1
[ "$(cat "$OUT")" = "$direct" ] && _pass || _fail "warp 1 alone: $(cat "$OUT") direct: $direct"
run attn-speech predict --model "$T/m.safetensors" --wav-scp "$T/one.scp" --test-warps 0.8,1.2
expect_exit 0
[ "$(cat "$OUT")" != "$direct" ] && _pass || _fail "warps 0.8,1.2 changed nothing"
run attn-speech eval --model "$T/m.safetensors" --data "$T/test" --format json --test-warps 0.9,1,1.1
expect_exit 0
acc=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['accuracy'])" "$OUT")
"$PY" -c "assert $acc >= 0.9" && _pass || _fail "accuracy $acc below 0.9 with warps"
SHORT=("${TINY[@]}"); SHORT[13]=2  # --epochs 2
run attn-speech train --data "$T/train" -o "$T/w.safetensors" "${SHORT[@]}" --test-warps 0.9,1,1.1 --quiet
expect_exit 0
attn-speech info --model "$T/w.safetensors" --format json >"$T/w.json"
"$PY" -c "
import json,sys; w=json.load(open(sys.argv[1]))['config']['inference']['mel_warps']
assert [round(x, 3) for x in w]==[0.9,1,1.1], w" "$T/w.json" && _pass || _fail "mel_warps not stored"
run attn-speech eval --model "$T/m.safetensors" --data "$T/test" --test-warps 2
expect_exit 2
run attn-speech predict --model "$T/m.safetensors" --test-warps 0.9,1.1 "$T/test/sweep/3.wav" "$T/test/low/1.wav"
expect_exit 0  # the recordings after the warps are inputs, not more warps
[ "$(cut -f1 "$OUT" | tr '\n' ' ')" = "$T/test/sweep/3.wav $T/test/low/1.wav " ] && _pass || _fail "inputs after --test-warps: $(cat "$OUT")"
run attn-speech predict --model "$T/m.safetensors" --wav-scp "$T/one.scp" "$T/test/low/1.wav"
expect_exit 0  # the same for a recording after --wav-scp LIST (paths come before lists)
[ "$(cut -f1 "$OUT" | tr '\n' ' ')" = "$T/test/low/1.wav x " ] && _pass || _fail "inputs after --wav-scp: $(cat "$OUT")"
run attn-speech predict --model "$T/m.safetensors" --test-warps "$(yes 1 | head -33 | paste -sd,)" "$T/test/sweep/3.wav"
expect_error 2 "--test-warps: 33 test warps: at most 32"

step "a bare '-' reads a Kaldi archive (text or binary) on stdin as a pipe does; a list still works"
attn-speech mfcc --sample-frequency 8000 --wav-scp "$T/one.scp" | attn-speech predict --model "$T/m.safetensors" - >"$T/bare.txt"
[ "$(cat "$T/bare.txt")" = "$direct" ] && _pass || _fail "bare -: $(cat "$T/bare.txt")"
attn-speech mfcc --sample-frequency 8000 --wav-scp "$T/one.scp" --format ark | attn-speech encode --model "$T/m.safetensors" - --format jsonl >"$T/bare_enc.jsonl"
attn-speech encode --model "$T/m.safetensors" --wav-scp "$T/one.scp" --format jsonl >"$T/direct_enc.jsonl"
cmp -s "$T/bare_enc.jsonl" "$T/direct_enc.jsonl" && _pass || _fail "encode from a binary archive on stdin differs"
printf 'x\t%s\n' "$T/test/sweep/3.wav" | attn-speech predict --model "$T/m.safetensors" - >"$T/list.txt"
[ "$(cat "$T/list.txt")" = "$direct" ] && _pass || _fail "a list on stdin: $(cat "$T/list.txt")"

step "encode: one embedding per (subsampled) frame, through binary archive + scp"
run attn-speech encode --model "$T/m.safetensors" --wav-scp "$T/one.scp" --format jsonl
expect_exit 0
frames=$(attn-speech mfcc --sample-frequency 8000 --wav-scp "$T/one.scp" | grep -c '^  ')
"$PY" -c "
import json,sys; j=json.load(open(sys.argv[1])); n=int(sys.argv[2])
assert len(j['frames'])==(n+2)//3 and len(j['frames'][0])==16, (len(j['frames']), n)" "$OUT" "$frames" && _pass || _fail "encode shape"
run attn-speech encode --model "$T/m.safetensors" "$T/test/low/0.wav" --format ark -o "$T/e.ark" --scp "$T/e.scp"
expect_exit 0

step "a model refuses features of another dimension; --no-resample refuses another rate"
attn-speech mfcc --sample-frequency 8000 --deltas --wav-scp "$T/one.scp" >"$T/d.ark"
run attn-speech predict --model "$T/m.safetensors" "ark:$T/d.ark"
expect_error 1 "features have 39 columns; the model reads 13"
run attn-speech predict --model "$T/m.safetensors" --no-resample "$ATTN_SOURCE_DIR/tests/fixtures/speech/excerpt_16k.wav"
expect_error 1 "sample rate 16000 Hz differs from the expected 8000 Hz"

step "predict --keep-going: missing and bad files are counted, the rest is labelled"
printf '%s\n%s/none.wav\n%s\n' "$T/test/low/1.wav" "$T" "$T/one.scp" | run attn-speech predict --model "$T/m.safetensors" --keep-going -
expect_exit 1
[ "$(wc -l <"$OUT")" = 1 ] && _pass || _fail "one prediction expected"
expect_stderr_has "warning: 2 items failed"

step "--cmvn spk: learns with per-speaker statistics, stored in the model, and needs --utt2spk"
# Three made-up speakers: every file's number modulo 3; the paths are the utterance ids.
for f in "$T"/train/*/*.wav "$T"/test/*/*.wav "$T/test/sweep/3.wav"; do n=${f##*/}; echo "$f s$((${n%.wav} % 3))"; done | sort -u >"$T/utt2spk"
run attn-speech train --data "$T/train" -o "$T/spk.safetensors" "${TINY[@]}" --cmvn spk --norm-vars --utt2spk "$T/utt2spk" --quiet
expect_exit 0
run attn-speech eval --model "$T/spk.safetensors" --data "$T/test" --format json --utt2spk "$T/utt2spk"
expect_exit 0
acc=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['accuracy'])" "$OUT")
"$PY" -c "assert $acc >= 0.9" && _pass || _fail "accuracy $acc below 0.9 with --cmvn spk"
attn-speech info --model "$T/spk.safetensors" --format json | "$PY" -c "
import json,sys; assert json.load(sys.stdin)['config']['postprocess']['cmvn']=='spk'" && _pass || _fail "cmvn spk not stored"
run attn-speech predict --model "$T/spk.safetensors" "$T"/test/*/*.wav --utt2spk "$T/utt2spk"
expect_exit 0
right=$(awk -F'\t' '{ n = split($1, p, "/"); if (p[n - 1] == $2) r++ } END { print r + 0 }' "$OUT")
[ "$right" -ge 27 ] && _pass || _fail "predict got $right of 30 right with --cmvn spk"
run attn-speech predict --model "$T/spk.safetensors" "$T/test/sweep/3.wav"
expect_error 1 "per-speaker CMVN (--cmvn spk) needs --utt2spk FILE"
run attn-speech train --data "$T/train" -o "$T/out.safetensors" "${TINY[@]}" --cmvn spk
expect_error 2 "--cmvn spk needs --utt2spk FILE"
run attn-speech eval --model "$T/spk.safetensors" --data "$T/test"
expect_error 2 "--cmvn spk needs --utt2spk FILE"
run attn-speech train --data "$T/train" -o "$T/out.safetensors" "${TINY[@]}" --utt2spk "$T/utt2spk"
expect_error 2 "--utt2spk is only used with --cmvn spk"
grep -v '/train/low/1.wav' "$T/utt2spk" >"$T/utt2spk.train"
ONESPK=("${TINY[@]}"); ONESPK[13]=1  # --epochs 1
run attn-speech train --data "$T/train" -o "$T/kgspk.safetensors" "${ONESPK[@]}" --cmvn spk --utt2spk "$T/utt2spk.train" --keep-going --quiet
expect_exit 1; expect_stderr_has "train/low/1.wav' is not in --utt2spk"; expect_stderr_has "warning: 1 item failed"
[ -s "$T/kgspk.safetensors" ] && _pass || _fail "no model with --keep-going"
grep -v '/low/1.wav' "$T/utt2spk" >"$T/utt2spk.part"
run attn-speech predict --model "$T/spk.safetensors" "$T/test/low/1.wav" "$T/test/low/2.wav" --utt2spk "$T/utt2spk.part" --keep-going
expect_exit 1; expect_stderr_has "low/1.wav' is not in --utt2spk"; expect_stderr_has "warning: 1 item failed"
[ "$(wc -l <"$OUT")" = 1 ] && _pass || _fail "one prediction expected"

step "an ensemble: --model given twice averages the two models' probabilities"
# m and m3 differ in training only (--vtlp), so they share labels and features.
for m in m m3; do
  attn-speech predict --model "$T/$m.safetensors" "$T"/test/*/*.wav --top-k 3 --format jsonl >"$T/$m.jsonl"
done
run attn-speech predict --model "$T/m.safetensors" "$T"/test/*/*.wav --model "$T/m3.safetensors" --top-k 3 --format jsonl
expect_exit 0
"$PY" - "$T/m.jsonl" "$T/m3.jsonl" "$OUT" <<'PY' && _pass || _fail "ensemble probabilities are not the members' mean"
import json, sys
a, b, e = ([json.loads(l) for l in open(f)] for f in sys.argv[1:])
assert len(a) == len(b) == len(e) == 30
for x, y, z in zip(a, b, e):
    px, py = ({l["label"]: l["prob"] for l in r["labels"]} for r in (x, y))
    assert x["id"] == z["id"]
    for l in z["labels"]:
        assert abs(l["prob"] - (px[l["label"]] + py[l["label"]]) / 2) < 2e-6, (z, x, y)
PY
cp "$OUT" "$T/ensemble.jsonl"
run attn-speech eval --model "$T/m.safetensors" --model "$T/m3.safetensors" --data "$T/test" --format json
expect_exit 0
"$PY" - "$T/ensemble.jsonl" "$OUT" <<'PY' && _pass || _fail "eval's ensemble accuracy is not predict's"
import json, sys
preds = [json.loads(l) for l in open(sys.argv[1])]
right = sum(p["labels"][0]["label"] == p["id"].split("/")[-2] for p in preds)
acc = json.load(open(sys.argv[2]))["accuracy"]
assert abs(acc - right / len(preds)) < 1e-9 and acc >= 0.9, (acc, right)
PY
run attn-speech eval --model "$T/m.safetensors" --model "$T/spk.safetensors" --data "$T/test" --utt2spk "$T/utt2spk"
expect_error 1 "spk.safetensors: cannot join an ensemble with $T/m.safetensors: its feature option /postprocess/cmvn is \"spk\", the first model's \"none\""
run attn-speech encode --model "$T/m.safetensors" --model "$T/m3.safetensors" "$T/test/sweep/3.wav"
expect_exit 2  # encode reads one model

step "train: bad data and no output left behind"
mkdir -p "$T/one/only"; cp "$T/test/low/0.wav" "$T/one/only/"
run attn-speech train --data "$T/one" -o "$T/out.safetensors" "${TINY[@]}"
expect_error 1 "only one label"
[ ! -e "$T/out.safetensors" ] && _pass || _fail "model left behind"
run attn-speech train --data "$T/train" -o "$T/nodir/m.safetensors" "${TINY[@]}"
expect_error 1 "no such directory"
run attn-speech train --data "$T/train" -o "$T/train" "${TINY[@]}"
expect_error 1 "is a directory"

step "--keep-going in train and eval: an undecodable recording is skipped with a warning, counted"
mkdir -p "$T/withbad"; cp -r "$T/train/low" "$T/train/high" "$T/withbad/"
printf 'not audio at all' >"$T/withbad/low/broken.wav"
ONE=("${TINY[@]}"); ONE[13]=1  # --epochs 1
run attn-speech train --data "$T/withbad" -o "$T/kg.safetensors" "${ONE[@]}"
expect_error 1 "withbad/low/broken.wav"
if grep -q '^epoch ' "$ERR"; then _fail "trained before the error"; else _pass; fi
run attn-speech train --data "$T/withbad" -o "$T/kg.safetensors" "${ONE[@]}" --quiet --keep-going
expect_exit 1; expect_stderr_has "warning: $T/withbad/low/broken.wav"; expect_stderr_has "warning: 1 item failed"
[ -s "$T/kg.safetensors" ] && _pass || _fail "no model with --keep-going"
run attn-speech eval --model "$T/kg.safetensors" --data "$T/withbad" --format json --keep-going
expect_exit 1; expect_stderr_has "broken.wav"
"$PY" -c "import json,sys; assert json.load(open(sys.argv[1]))['n'] == 40" "$OUT" && _pass || _fail "eval did not score the 40 good recordings"
finish
