#!/usr/bin/env bash
# Chooses the training setting of each held-out-speaker fold of fsdd_accuracy.sh without looking
# at that fold's test speaker: inside the fold's three training speakers, each is held out in
# turn as the validation speaker (train on the other two, takes 0-44; best epoch on their takes
# 45-49; accuracy on every recording of the validation speaker). A setting's score for the fold
# is the mean of its three inner accuracies; the best score wins (ties: the earlier setting as
# listed). Prints the table of every run, each fold's scores and the winners, and every command
# line.
#
#   bash tests/bench/speech/fsdd_inner_validation.sh [BUILD_DIR] [WORK_DIR] [SETTING...]
# (settings: the names in fsdd_lib.sh; default base vtlp espeak-vtlp espeak-vtlp-tta). JOBS runs
# at once (default 2), THREADS each (default 1). Results are kept in WORK_DIR/inner.tsv and
# models in WORK_DIR, so a rerun resumes and an ensemble reuses its members' models. A fold
# without all its runs has no score (nan) and no choice.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../../build}
source "$here/fsdd_lib.sh"
fsdd_setup "$build" "${2:-$(mktemp -d /tmp/attn-fsdd-inner.XXXXXX)}"
shift $(($# < 2 ? $# : 2))
speakers=("${FSDD_SPEAKERS[@]}")
if (($# > 0)); then settings=("$@"); else settings=(base vtlp espeak-vtlp espeak-vtlp-tta); fi
results="$work/inner.tsv"
touch "$results"
for s in "${settings[@]}"; do check_setting "$s"; done
prepare_settings "${settings[@]}"

# inner OUTER VALID SETTING: one inner run, its line appended to the results.
inner() {
  local outer=$1 valid=$2 setting=$3 name="in_$1_$2" acc
  fsdd_list "${name}_train" "\$2 != \"$outer\" && \$2 != \"$valid\" && \$3 < 45"
  fsdd_list "${name}_valid" "\$2 != \"$outer\" && \$2 != \"$valid\" && \$3 >= 45"
  fsdd_list "${name}_test" "\$2 == \"$valid\""
  acc=$(fsdd_run "$name" "$setting" 2>"$work/$name.$setting.log")
  printf '%s\t%s\t%s\t%s\n' "$setting" "$outer" "$valid" "$acc" >>"$results"
}

# Fold by fold (FOLDS, default all four), so that each fold's choice is complete as soon as can be.
folds=(${FOLDS:-${speakers[*]}})
for outer in "${folds[@]}"; do
  for setting in "${settings[@]}"; do
    for valid in "${speakers[@]}"; do
      [ "$valid" != "$outer" ] || continue
      grep -q "^$setting	$outer	$valid	" "$results" && continue
      while (($(jobs -rp | wc -l) >= JOBS)); do wait -n || true; done
      inner "$outer" "$valid" "$setting" &
    done
  done
done
wait

echo "## Inner validation (per fold: train on two of its training speakers, validate on the third)"
echo "| setting | flags | held-out (test) speaker | validation speaker | accuracy |"
echo "|---|---|---|---|---|"
for setting in "${settings[@]}"; do
  grep "^$setting	" "$results" | sort -k2,2 -k3,3 | while IFS=$'\t' read -r st o v a; do
    echo "| $st | $(tr -s ' \n' ' ' <<<"${SETTINGS[$st]:-(none)}") | $o | $v | $a |"
  done
done
echo
echo "## Each fold's score (mean of its three inner runs) and the setting chosen"
FOLDS="${folds[*]}" python3 - "$results" "${settings[@]}" <<'PY'
import os
import sys
from collections import defaultdict
path, order = sys.argv[1], sys.argv[2:]
acc = defaultdict(list)
for line in open(path):
    s, o, v, a = line.rstrip("\n").split("\t")
    if s in order:
        acc[(s, o)].append(float(a))
folds = [o for o in os.environ["FOLDS"].split() if all(len(acc[(s, o)]) == 3 for s in order)]
print("| setting | " + " | ".join(folds) + " | mean |")
print("|---|" + "---|" * (len(folds) + 1))
for s in order:
    means = [sum(acc[(s, o)]) / 3 for o in folds]
    print(f"| {s} | " + " | ".join(f"{m:.4f}" for m in means) + (f" | {sum(means) / len(means):.4f} |" if means else " | |"))
chosen = []
for o in folds:
    best = max(order, key=lambda s: (sum(acc[(s, o)]) / 3, -order.index(s)))
    chosen.append(f"{o}={best}")
print()
print("chosen: " + " ".join(chosen))
PY
echo
echo "## Commands"
for setting in "${settings[@]}"; do
  for f in "$work"/in_*."$setting".log; do [ -f "$f" ] && cat "$f"; done
done
