#!/usr/bin/env bash
# MFCC speed against torchaudio.compliance.kaldi.mfcc (same audio, one thread each, best of 5
# rounds, side by side in one run) and the encoder's frames per second at T = 1000 and 100000.
# The audio: 60 s of FSDD recordings joined and resampled to 16 kHz by sox (or any WAV given).
#
#   bash tests/bench/speech/run_speech_bench.sh [BUILD_DIR] [WAV]
# BUILD_DIR must be configured with -DATTN_BUILD_BENCH=ON.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=${1:-$root/build}
wav=${2:-}
export OMP_WAIT_POLICY=passive OPENBLAS_NUM_THREADS=1
if [ -z "$wav" ]; then
  data=$root/../shared/data/fsdd/recordings
  [ -d "$data" ] || { echo "skipped: no $data and no WAV given" >&2; exit 77; }
  wav=$(mktemp /tmp/attn-speech-bench.XXXXXX.wav)
  trap 'rm -f "$wav"' EXIT
  # About 60 s: the first 140 recordings in name order, joined, at 16 kHz.
  sox $(ls "$data"/*.wav | head -n 140) -r 16000 "$wav"
fi
echo "audio: $wav ($(soxi -D "$wav") s, $(soxi -r "$wav") Hz)"
results=$("$build/tests/bench/attn-bench-speech" "$wav")
read -r _ ours _ < <(grep mfcc_rtf <<<"$results")
read -r _ theirs _ < <(/usr/bin/python3 "$here/mfcc_torchaudio.py" "$wav")
echo "| mfcc (Kaldi defaults, 1 thread) | real-time factor | x faster than real time |"
echo "|---|---|---|"
echo "| attn (FeatureComputer::compute) | $ours | $(python3 -c "print('%.0f' % (1 / $ours))") |"
echo "| torchaudio.compliance.kaldi.mfcc | $theirs | $(python3 -c "print('%.0f' % (1 / $theirs))") |"
echo "ratio (torchaudio RTF / attn RTF): $(python3 -c "print('%.2f' % ($theirs / $ours))")"
echo
echo "| encoder (39 -> stack 3 / subsample 3 -> 64 wide, 2 layers, window 8), 1 thread | frames/s |"
echo "|---|---|"
awk '$1 == "encoder_fps" { printf "| T = %d | %s |\n", $2, $3 }' <<<"$results"
