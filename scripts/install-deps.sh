#!/usr/bin/env bash
# Installs every Debian 12 package attn needs to build, test and benchmark.
# Idempotent: packages already present are left alone. Run as root (or with sudo).
set -euo pipefail

build_packages=(
  g++ cmake make pkg-config
  libcli11-dev libeigen3-dev libopenblas-dev libfmt-dev libsndfile1-dev libstb-dev
  doctest-dev nlohmann-json3-dev libsamplerate0-dev zlib1g-dev
  libfftw3-dev  # Eigen's FFT backend (cmake -DATTN_FFTW=OFF builds without it)
  python3 python3-numpy
  parallel  # tests/cli/test_text_predict_kit.sh runs --shard through GNU parallel
  time  # tests/cli/test_speech_memory.sh measures peak RSS with /usr/bin/time
)
# --with-extras: fixture generation (PyTorch), benchmarks, the fastText comparison, fuzzing (clang),
# synthetic spoken digits for the FSDD bench (espeak-ng, sox).
extra_packages=(python3-torch python3-numpy libbenchmark-dev fasttext clang libomp-dev espeak-ng sox)

want=("${build_packages[@]}")
if [[ "${1:-}" == "--with-extras" ]]; then want+=("${extra_packages[@]}"); fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#want[@]} packages already installed"
  exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${missing[*]}"
