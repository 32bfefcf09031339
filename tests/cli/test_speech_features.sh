#!/usr/bin/env bash
# attn-speech mfcc/fbank end to end: Kaldi's option names, the four output formats, wav.scp lists
# and '-', the Kaldi pipe (text archive in, binary archive + scp), and the bad inputs of the
# issue: each a one-line error with exit code 1, or a warning and a count under --keep-going.
source "$ATTN_CLI_LIB"
S="$ATTN_SOURCE_DIR/tests/fixtures/speech"
W8="$S/excerpt_8k.wav"
W16="$S/excerpt_16k.wav"

expect_error() {
  expect_exit "$1"
  if [ "$(wc -l <"$ERR")" = 1 ] && grep -q "^attn-speech: error: " "$ERR"; then _pass; else _fail "stderr is not one error line"; fi
  if [ -n "${2:-}" ]; then expect_stderr_has "$2"; fi
}

step "mfcc: a Kaldi text archive, 13 per frame, 23 frames from 0.25 s at 8 kHz"
run attn-speech mfcc --sample-frequency 8000 "$W8"
expect_exit 0; expect_stderr_empty
expect_stdout_has "$W8  ["
[ "$(grep -c '^  ' "$OUT")" = 23 ] && _pass || _fail "expected 23 frames"
[ "$(sed -n 2p "$OUT" | wc -w)" = 13 ] && _pass || _fail "expected 13 values per frame"

step "mfcc equals the torchaudio fixture (1e-3) through the tool"
run attn-speech mfcc --sample-frequency 8000 --format npy -o "$T/npy" "$W8"
expect_exit 0
numpy_python
if [ -n "$PY" ]; then
  "$PY" - "$ATTN_SOURCE_DIR/tests/reference" "$S/kaldi_8k.safetensors" "$T/npy"/*.npy <<'PY' && _pass || _fail "differs from the fixture"
import sys, numpy as np
sys.path.insert(0, sys.argv[1])
from safetensors_io import read_safetensors
t, _ = read_safetensors(sys.argv[2])
a = np.load(sys.argv[3])
assert a.shape == t["mfcc_default"].shape and np.abs(a - t["mfcc_default"]).max() <= 1e-3
PY
fi

step "Kaldi flag syntax: --snip-edges=false, --use-energy=false, deltas 13 -> 39, fbank 80 bins"
run attn-speech mfcc --sample-frequency 8000 --snip-edges=false --use-energy=false --deltas "$W8"
expect_exit 0
[ "$(grep -c '^  ' "$OUT")" = 25 ] && _pass || _fail "snip-edges=false: expected 25 frames"
[ "$(sed -n 2p "$OUT" | wc -w)" = 39 ] && _pass || _fail "expected 39 values with --deltas"
run attn-speech fbank --num-mel-bins 80 --use-energy --format jsonl "$W16"
expect_exit 0
python3 -c "import json,sys; d=json.loads(open(sys.argv[1]).read()); assert len(d['frames'])==23 and len(d['frames'][0])==81" "$OUT" && _pass || _fail "fbank jsonl shape"

step "wav.scp on stdin, binary archive and scp index"
printf 'a\t%s\nb %s\n' "$W8" "$W16" >"$T/wav.scp"
run attn-speech mfcc --format ark -o "$T/f.ark" --scp "$T/f.scp" - <"$T/wav.scp"
expect_exit 0
[ "$(cut -d' ' -f1 "$T/f.scp" | tr '\n' ' ')" = "a b " ] && _pass || _fail "scp keys"
grep -q "^a $T/f.ark:2$" "$T/f.scp" && _pass || _fail "scp offset of the first entry"
run attn-speech mfcc --wav-scp "$T/wav.scp" --cmvn utt --norm-vars
expect_exit 0; expect_stdout_has "b  ["

step "--cmvn spk: statistics pooled per speaker over a list read once from stdin; shards agree with the whole"
printf 'a\t%s\nb %s\nc %s\n' "$W8" "$W16" "$W8" >"$T/spk.scp"
printf 'a s1\nb s1\nc s2\n' >"$T/utt2spk"
run attn-speech mfcc --cmvn spk --utt2spk "$T/utt2spk" --format jsonl - <"$T/spk.scp"
expect_exit 0
cp "$OUT" "$T/spk_all.jsonl"
python3 - "$T/spk_all.jsonl" <<'PY' && _pass || _fail "per-speaker means"
import json, sys
utts = {j["id"]: j["frames"] for j in map(json.loads, open(sys.argv[1]))}
def means(rows): return [sum(c) / len(rows) for c in zip(*rows)]
assert sorted(utts) == ["a", "b", "c"]
assert max(abs(m) for m in means(utts["a"] + utts["b"])) < 1e-3   # s1 pooled
assert max(abs(m) for m in means(utts["c"])) < 1e-3               # s2 alone
assert max(abs(m) for m in means(utts["a"])) > 0.1                # not per utterance
PY
for i in 0 1; do attn-speech mfcc --cmvn spk --utt2spk "$T/utt2spk" --format jsonl --shard "$i/2" - <"$T/spk.scp" >"$T/spk_$i.jsonl"; done
[ "$(sort "$T/spk_0.jsonl" "$T/spk_1.jsonl")" = "$(sort "$T/spk_all.jsonl")" ] && _pass || _fail "shards differ from the whole run"
run attn-speech mfcc --cmvn spk "$W8"; expect_error 2 "--cmvn spk needs --utt2spk"
run attn-speech mfcc --cmvn utt --utt2spk "$T/utt2spk" "$W8"; expect_error 2 "--utt2spk is only used with --cmvn spk"

step "bad inputs: one line, exit 1"
: >"$T/zero.wav"
run attn-speech mfcc "$T/zero.wav"; expect_error 1 "$T/zero.wav: not an audio file"
head -c 30 "$W8" >"$T/trunc.wav"
run attn-speech mfcc "$T/trunc.wav"; expect_error 1 "$T/trunc.wav"
echo "just text" >"$T/text.wav"
run attn-speech mfcc "$T/text.wav"; expect_error 1 "not an audio file"
python3 - "$T" <<'PY'
import struct, sys, wave
def float_wav(path, samples, rate=8000):
    data = struct.pack("<%df" % len(samples), *samples)
    fmt = struct.pack("<HHIIHH", 3, 1, rate, rate * 4, 4, 32)
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", len(data)) + data
    open(path, "wb").write(b"RIFF" + struct.pack("<I", len(body)) + body)
float_wav(sys.argv[1] + "/nan.wav", [0.1] * 400 + [float("nan")] + [0.1] * 400)
float_wav(sys.argv[1] + "/inf.wav", [0.1] * 400 + [float("inf")])
float_wav(sys.argv[1] + "/empty.wav", [])
float_wav(sys.argv[1] + "/short.wav", [0.1] * 150)
PY
run attn-speech mfcc "$T/nan.wav"; expect_error 1 "NaN or Inf sample at 0.050 s"
run attn-speech mfcc "$T/inf.wav"; expect_error 1 "NaN or Inf"
run attn-speech mfcc "$T/empty.wav"; expect_error 1 "$T/empty.wav: no audio samples"
run attn-speech mfcc --sample-frequency 8000 "$T/short.wav"; expect_error 1 "audio shorter than one frame"
run attn-speech mfcc --no-resample "$W8"; expect_error 1 "sample rate 8000 Hz differs from the expected 16000 Hz"
printf 'x\t%s/missing.wav\n' "$T" >"$T/missing.scp"
run attn-speech mfcc --wav-scp "$T/missing.scp"; expect_error 1 "missing.scp:1: $T/missing.wav: No such file or directory"
printf 'x sox a.wav -t wav - |\n' >"$T/pipe.scp"
run attn-speech mfcc --wav-scp "$T/pipe.scp"; expect_error 1 "piped commands are not supported"

step "--keep-going: bad items are warnings, the rest is written, exit 1 with a count"
printf 'good\t%s\nnan\t%s\nmissing\t%s/missing.wav\nshort\t%s\n' "$W8" "$T/nan.wav" "$T" "$T/short.wav" >"$T/mixed.scp"
run attn-speech mfcc --keep-going --sample-frequency 8000 --format ark -o "$T/k.ark" --scp "$T/k.scp" --wav-scp "$T/mixed.scp"
expect_exit 1
expect_stderr_has "warning: 3 items failed"
[ "$(wc -l <"$T/k.scp")" = 1 ] && _pass || _fail "only the good utterance is in the scp"

step "usage errors: exit 2"
run attn-speech mfcc --window-type triangle "$W8"; expect_exit 2
run attn-speech mfcc --num-ceps 30 "$W8"; expect_error 2 "--num-ceps 30"
run attn-speech mfcc --scp x.scp "$W8"; expect_error 2 "--scp needs --format ark"
finish
