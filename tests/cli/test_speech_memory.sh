#!/usr/bin/env bash
# attn-speech reads long recordings in blocks: the peak memory (RSS) of mfcc and encode on a
# 60-minute recording stays within a small margin of a 6-minute one's (issue 8: bounded memory
# for a 10-hour file), and the streamed output has every frame, equal to the archive path's.
source "$ATTN_CLI_LIB"
if [ ! -x /usr/bin/time ]; then echo "skipped: needs GNU time at /usr/bin/time (Debian package time)"; exit 77; fi

short=360 long=3600 margin_kb=4096
if [[ "${ATTN_SANITIZE:-0}" == 1 ]]; then
  # AddressSanitizer's shadow memory and quarantine change RSS, and 60 minutes run slowly there.
  echo "sanitizer build: shorter recordings (30 s and 3 min) and no RSS comparison"
  short=30 long=180
fi

# White noise at 8 kHz (the built-in model's rate), 16-bit mono.
python3 - "$T" "$short" "$long" <<'PY'
import os, sys, wave
for name, seconds in (("short", int(sys.argv[2])), ("long", int(sys.argv[3]))):
    with wave.open(os.path.join(sys.argv[1], name + ".wav"), "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
        block = os.urandom(2 * 8000)
        for _ in range(seconds):
            w.writeframes(block)
PY

# Rows of the only matrix in a Kaldi binary archive.
ark_rows() {
  python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(200); i=d.index(b"\0BFM ")+5; print(struct.unpack("<i", d[i+1:i+5])[0])' "$1"
}
peak_kb() { sed -n 's/^peak_kb=//p' "$ERR"; }

for cmd in mfcc encode; do
  declare -A peak
  for len in short long; do
    step "$cmd on the $len recording"
    seconds=$([ $len = short ] && echo $short || echo $long)
    if [ $cmd = mfcc ]; then args=(mfcc --sample-frequency 8000); else args=(encode); fi
    # One thread: on a loaded machine idle worker threads spin and cost more than the work.
    run /usr/bin/time -f "peak_kb=%M" attn-speech "${args[@]}" --threads 1 --format ark -o "$T/$cmd-$len.ark" "$T/$len.wav"
    expect_exit 0
    peak[$len]=$(peak_kb)
    # Kaldi's frames of 25 ms every 10 ms (snip-edges); encode's model subsamples by 2.
    frames=$((1 + (seconds * 8000 - 200) / 80))
    [ $cmd = encode ] && frames=$(((frames + 1) / 2))
    rows=$(ark_rows "$T/$cmd-$len.ark")
    [ "$rows" = "$frames" ] && _pass || _fail "$rows rows, expected $frames"
  done
  echo "$cmd peak RSS: ${short} s ${peak[short]} KB, ${long} s ${peak[long]} KB"
  if [[ "${ATTN_SANITIZE:-0}" != 1 ]]; then
    step "$cmd: memory bounded"
    ((peak[long] <= peak[short] + margin_kb)) && _pass || _fail "$cmd peak RSS ${peak[long]} KB for ${long} s, ${peak[short]} KB for ${short} s"
  fi
  unset peak
done

step "encode streamed from the recording equals encode of its features through a pipe"
attn-speech mfcc --sample-frequency 8000 --deltas --cmvn utt --norm-vars --format ark "$T/short.wav" \
  | attn-speech encode --threads 1 - --format ark -o "$T/piped.ark"
cmp -s "$T/piped.ark" "$T/encode-short.ark" && _pass || _fail "the two archives differ"
finish
