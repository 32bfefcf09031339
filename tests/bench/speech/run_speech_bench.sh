#!/usr/bin/env bash
# MFCC speed against torchaudio.compliance.kaldi.mfcc (same audio, one thread each, best of 5
# rounds, side by side in one run) and the encoder's frames per second at T = 1000 and 100000.
# The audio: 140 FSDD recordings resampled to 16 kHz by sox, timed one call per recording (as
# a user computes features file by file) and joined into one long file (or any WAV given, then
# only as one file). Waveforms are read before timing on both sides; Kaldi's default options.
#
#   bash tests/bench/speech/run_speech_bench.sh [BUILD_DIR] [WAV]
# BUILD_DIR must be configured with -DATTN_BUILD_BENCH=ON.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=${1:-$root/build}
wav=${2:-}
utt=()
export OMP_WAIT_POLICY=passive OPENBLAS_NUM_THREADS=1
if [ -z "$wav" ]; then
  data=$root/../shared/data/fsdd/recordings
  [ -d "$data" ] || { echo "skipped: no $data and no WAV given" >&2; exit 77; }
  tmp=$(mktemp -d /tmp/attn-speech-bench.XXXXXX)
  trap 'rm -rf "$tmp"' EXIT
  wav=$tmp/joined.wav
  # About 60 s: the first 140 recordings in name order, each and joined, at 16 kHz.
  for f in $(ls "$data"/*.wav | head -n 140); do
    sox "$f" -r 16000 "$tmp/$(basename "$f")"
    echo "$tmp/$(basename "$f")"
  done >"$tmp/utterances.txt"
  sox $(cat "$tmp/utterances.txt") "$wav"
  utt=(--utterances "$tmp/utterances.txt")
fi
echo "audio: $wav ($(soxi -D "$wav") s, $(soxi -r "$wav") Hz)"
results=$("$build/tests/bench/attn-bench-speech" "$wav" "${utt[@]}")
theirs=$(/usr/bin/python3 "$here/mfcc_torchaudio.py" "$wav" "${utt[@]}")
echo "| mfcc (Kaldi defaults, 1 thread) | attn RTF | torchaudio RTF | torchaudio RTF / attn RTF |"
echo "|---|---|---|---|"
# row KEY LABEL: one table row from the "KEY rtf seconds ..." lines of both sides.
row() {
  local a b
  a=$(awk -v k="$1" '$1 == k { print $2 }' <<<"$results")
  b=$(awk -v k="$1" '$1 == k { print $2 }' <<<"$theirs")
  [ -n "$a" ] && [ -n "$b" ] && echo "| $2 | $a | $b | $(python3 -c "print('%.2f' % ($b / $a))") |"
  return 0
}
row mfcc_utt_rtf "$(awk '$1 == "mfcc_utt_rtf" { printf "%d recordings, one call each (%.1f s)", $4, $3 }' <<<"$results")"
row mfcc_rtf "$(awk '$1 == "mfcc_rtf" { printf "one %.1f s file", $3 }' <<<"$results")"
echo
echo "| encoder (39 -> stack 3 / subsample 3 -> 64 wide, 2 layers, window 8), 1 thread | frames/s |"
echo "|---|---|"
awk '$1 == "encoder_fps" { printf "| T = %d | %s |\n", $2, $3 }' <<<"$results"
