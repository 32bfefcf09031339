#!/usr/bin/env bash
# Synthetic spoken digits for training-set speaker diversity: espeak-ng speaks the ten digit
# words ("zero" .. "nine") with many accents, voice variants, speeds and pitches, each trimmed of
# silence, padded by 50 ms and written as PCM16 mono 8 kHz (the FSDD rate), plus a
# path<TAB>digit list. The voices, speeds and pitches are fixed by the index alone, so the same
# espeak-ng and sox give the same files. The audio is generated, never committed.
#
#   bash tests/bench/speech/make_espeak_digits.sh OUT_DIR [VOICES_PER_DIGIT]   (default 50)
# writes OUT_DIR/{digit}_espeak_{n}.wav and OUT_DIR/list.tsv.
set -euo pipefail
out=${1:?usage: make_espeak_digits.sh OUT_DIR [VOICES_PER_DIGIT]}
per_digit=${2:-50}
command -v espeak-ng >/dev/null || { echo "espeak-ng not found (scripts/install-deps.sh --with-extras)" >&2; exit 1; }
command -v sox >/dev/null || { echo "sox not found (scripts/install-deps.sh --with-extras)" >&2; exit 1; }
mkdir -p "$out"
words=(zero one two three four five six seven eight nine)
accents=(en-us en en-gb-scotland en-gb-x-gbclan en-gb-x-rp en-gb-x-gbcwmd en-029 en-us-nyc)
variants=(m1 m2 m3 m4 m5 m6 m7 m8 f1 f2 f3 f4 f5 klatt klatt2 klatt3 adam anika caleb david ed
  edward john linda max norbert paul robert steph steph2 quincy travis victor zac Andy Annie Denis Lee Michael Mike)
: >"$out/list.tsv"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for ((n = 0; n < per_digit; n++)); do
  # Strides coprime to the list lengths walk every accent x variant pair before repeating one.
  accent=${accents[n % ${#accents[@]}]}
  variant=${variants[(n * 7) % ${#variants[@]}]}
  speed=$((120 + (n * 37) % 70))   # words per minute, 120-189
  pitch=$((20 + (n * 53) % 61))    # 20-80 (espeak-ng's default is 50)
  for d in "${!words[@]}"; do
    f="$out/${d}_espeak_${n}.wav"
    espeak-ng -v "$accent+$variant" -s "$speed" -p "$pitch" -w "$tmp/raw.wav" "${words[d]}"
    # -R -D: repeatable, no dither; the level is normalised (per-utterance CMVN ignores it anyway).
    sox -R -D "$tmp/raw.wav" -r 8000 -b 16 -c 1 "$f" silence 1 0.01 0.5% reverse silence 1 0.01 0.5% reverse \
      pad 0.05 0.05 gain -n -3
    printf '%s\t%s\n' "$f" "$d" >>"$out/list.tsv"
  done
done
echo "wrote $((per_digit * 10)) recordings and $out/list.tsv" >&2
