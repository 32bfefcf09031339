#!/usr/bin/env bash
# Fashion-MNIST with attn-image: the shipped model's training run, then its one evaluation on the
# 10,000 test images; prints training accuracy against training minutes, epoch by epoch, and the
# test accuracy at the end.
#
# Usage: tests/bench/fashion_mnist/run.sh [BUILD_DIR] [--validate] [--epochs N] [--threads N]
#   BUILD_DIR   a build with attn-image (default: build)
#   --validate  the settings run instead: train on 50,000 of the training images and score the
#               other 10,000 (a validation slice made by make_split.py) after every epoch; the
#               test images are not read.
# Needs Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist). Work folder:
# $ATTN_FMNIST_WORK (default /tmp/attn-fashion-mnist); the model is written there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
build="$root/build"
if [[ $# -gt 0 && $1 != --* ]]; then build="$(cd "$1" && pwd)"; shift; fi
validate=0 epochs=160 threads=2
while [[ $# -gt 0 ]]; do
  case $1 in
    --validate) validate=1 ;;
    --epochs) epochs=$2; shift ;;
    --threads) threads=$2; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
data=/usr/share/datasets/fashion-mnist
[[ -f $data/train-images-idx3-ubyte.gz ]] || { echo "no $data: apt-get install dataset-fashion-mnist" >&2; exit 77; }
tool="$build/tools/image/attn-image"
work=${ATTN_FMNIST_WORK:-/tmp/attn-fashion-mnist}
mkdir -p "$work"
cd "$work"
# Passive by default; OMP_WAIT_POLICY=active is faster when other jobs share the cores (threads
# that sleep at each barrier lose their core to them).
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
names="T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot"
# The settings of assets/models/image-fashion-mnist.safetensors (see assets/models/README.md).
settings=(--stem conv --dim 64 --layers 4 --heads 4 --mlp-ratio 2 --patch 4 --lr 3e-3
          --batch-size 128 --label-smoothing 0.1 --crop-padding 2 --erase 0.5 --drop-path 0.05
          --epochs "$epochs" --seed 1 --threads "$threads")
if ((validate)); then
  python3 "$here/make_split.py" --out split >/dev/null
  train=(--idx split/train-images-idx3-ubyte.gz split/train-labels-idx1-ubyte.gz
         --valid-idx split/valid-images-idx3-ubyte.gz split/valid-labels-idx1-ubyte.gz)
  out=valid-run.safetensors
else
  train=(--idx "$data/train-images-idx3-ubyte.gz" "$data/train-labels-idx1-ubyte.gz")
  out=image-fashion-mnist.safetensors
fi
# An OPENBLAS_CORETYPE in the environment overrides attn's choice of kernel; say which one runs.
echo "# $("$tool" info -v 2>&1 | grep -m1 -o 'OpenBLAS.*'), OMP_WAIT_POLICY=$OMP_WAIT_POLICY"
start=$(date +%s)
"$tool" train "${train[@]}" --label-names "$names" "${settings[@]}" --save-epochs --output "$out" 2>&1 | tee train.log
end=$(date +%s)
python3 - train.log "$validate" <<'PY'
import re, sys
minutes = 0.0
print("\n# epoch  minutes  " + ("valid acc" if sys.argv[2] == "1" else "train acc"))
for line in open(sys.argv[1]):
    m = re.match(r"epoch (\d+)/\d+ .*?acc ([0-9.]+)(?:.*valid acc ([0-9.]+))?.* (\S+)$", line)
    if not m:
        continue
    t = m.group(4)
    secs = float(t[:-1]) if t.endswith("s") else sum(int(x) * 60 ** i for i, x in enumerate(reversed(t.split(":"))))
    minutes += secs / 60
    acc = m.group(3) if sys.argv[2] == "1" else m.group(2)
    print(f"{int(m.group(1)):7d}  {minutes:7.1f}  {acc}")
PY
echo "# training wall time: $(( (end - start) / 60 )) min $(( (end - start) % 60 )) s on $threads threads, load $(cut -d' ' -f1-3 /proc/loadavg)"
if ((!validate)); then
  "$tool" eval --model "$out" --idx "$data/t10k-images-idx3-ubyte.gz" "$data/t10k-labels-idx1-ubyte.gz" --threads "$threads"
  echo "# the same model without test-time shifts (--test-shift 0):"
  "$tool" eval --model "$out" --test-shift 0 --idx "$data/t10k-images-idx3-ubyte.gz" "$data/t10k-labels-idx1-ubyte.gz" --threads "$threads"
fi
