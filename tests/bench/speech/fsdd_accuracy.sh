#!/usr/bin/env bash
# Spoken-digit accuracy of attn-speech on the Free Spoken Digit Dataset speakers in
# ../shared/data/fsdd (8 kHz recordings, 4 speakers x 10 digits x 50 takes):
#   1. unseen speakers: train on three speakers, test on the fourth, each held out in turn;
#      best epoch on takes 45-49 of the three training speakers;
#   2. the conventional split: takes 0-4 of every speaker are the test set, 5-49 train, of
#      which takes 5-9 pick the best epoch.
# How the settings are chosen: each fold's setting (one of SETTINGS in fsdd_lib.sh) is chosen by
# fsdd_inner_validation.sh, which this script runs first (in the same WORK_DIR, so a rerun
# resumes): leave-one-speaker-out inside the fold's three training speakers, never the fold's
# test speaker. The conventional split uses the setting most folds chose (ties: the one chosen
# by the earliest fold, in the order jackson nicolas yweweler lucas). Each test set is used once, by `attn-speech eval`, after the choice.
# Prints the inner-validation tables, both accuracy tables and every command line.
#
#   bash tests/bench/speech/fsdd_accuracy.sh [BUILD_DIR] [WORK_DIR]
# JOBS runs at once (default 2), THREADS each (default 1). A fresh run with the default settings is
# 48 inner and 5 final trainings (one takes 10-40 s of a core); README's run 4, ten settings
# with ensembles, trained 294 models in about 70 minutes on 2 cores (an ensemble setting trains each
# member; a member trained before in WORK_DIR with the same flags is reused: run 5 ran in run 4's
# WORK_DIR and trained only its new members). FOLDS="jackson ..." runs only those held-out folds;
# CANDIDATES="base max ..." chooses among these settings instead of the inner script's default.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../../build}
source "$here/fsdd_lib.sh"
fsdd_setup "$build" "${2:-$(mktemp -d /tmp/attn-fsdd.XXXXXX)}"

THREADS=$THREADS JOBS=$JOBS FOLDS=${FOLDS:-} bash "$here/fsdd_inner_validation.sh" "$build" "$work" ${CANDIDATES:-} | tee "$work/inner.md"
chosen=$(sed -n 's/^chosen: //p' "$work/inner.md")
[ -n "$chosen" ] || { echo "the inner validation chose nothing" >&2; exit 1; }
declare -A setting_of
for c in $chosen; do setting_of[${c%%=*}]=${c#*=}; done
majority=$(tr ' ' '\n' <<<"$chosen" | cut -d= -f2 | awk '{ n[$1]++; if (!($1 in first)) first[$1] = NR }
  END { for (s in n) print n[s], -first[s], s }' | sort -k1,1nr -k2,2nr | head -1 | cut -d' ' -f3)

prepare_settings "${setting_of[@]}"
speakers=()  # the folds with a choice (FOLDS: only those)
for s in "${FSDD_SPEAKERS[@]}"; do [ -z "${setting_of[$s]:-}" ] || speakers+=("$s"); done
for s in "${speakers[@]}"; do
  fsdd_list "out_${s}_train" "\$2 != \"$s\" && \$3 < 45"
  fsdd_list "out_${s}_valid" "\$2 != \"$s\" && \$3 >= 45"
  fsdd_list "out_${s}_test" "\$2 == \"$s\""
done
fsdd_list conv_train '$3 >= 10'
fsdd_list conv_valid '$3 >= 5 && $3 < 10'
fsdd_list conv_test '$3 < 5'

# final NAME SETTING: the accuracy in $work/NAME.acc, the commands in $work/NAME.log.
final() { fsdd_run "$1" "$2" 2>"$work/$1.log" >"$work/$1.acc"; }
for s in "${speakers[@]}"; do
  while (($(jobs -rp | wc -l) >= JOBS)); do wait -n; done
  final "out_$s" "${setting_of[$s]}" &
done
while (($(jobs -rp | wc -l) >= JOBS)); do wait -n; done
final conv "$majority" &
wait

echo
echo "## Unseen speakers (train on three, test on the fourth)"
echo "| held-out speaker | setting (inner validation) | test recordings | accuracy |"
echo "|---|---|---|---|"
sum=0
for s in "${speakers[@]}"; do
  acc=$(cat "$work/out_$s.acc")
  echo "| $s | ${setting_of[$s]} | $(wc -l <"$work/out_${s}_test.tsv") | $acc |"
  sum=$(python3 -c "print($sum + $acc)")
done
if ((${#speakers[@]} == 4)); then echo "| **mean** | | | **$(python3 -c "print('%.4f' % ($sum / 4))")** |"; fi
echo
echo "## Conventional split (takes 0-4 test, 5-49 train)"
echo "| setting | test recordings | accuracy |"
echo "|---|---|---|"
echo "| $majority | $(wc -l <"$work/conv_test.tsv") | $(cat "$work/conv.acc") |"
echo
echo "## Commands"
for s in "${speakers[@]}"; do cat "$work/out_$s.log"; done
cat "$work/conv.log"
