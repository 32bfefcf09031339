#!/usr/bin/env bash
# The spoken-digit samples in assets/samples/speech/: espeak-ng voices saying digits, resampled
# by sox to 8 kHz mono PCM16 (the rate of the shipped model). Run from the repository root.
set -euo pipefail
out=assets/samples/speech
mkdir -p "$out"
say() {  # say FILE VOICE WORD
  espeak-ng -v "$2" -s 140 -w "$out/tmp.wav" "$3"
  sox "$out/tmp.wav" -r 8000 -c 1 -b 16 "$out/$1"
  rm -f "$out/tmp.wav"
}
say three_en-us.wav en-us three
say seven_en-gb.wav en-gb seven
say five_en-us+f3.wav en-us+f3 five
say nine_en-us+m3.wav en-us+m3 nine
