# Shared by fsdd_accuracy.sh and fsdd_inner_validation.sh (sourced, not run): the setup, the FSDD
# lists, the candidate training settings and one run (train, or several for an ensemble, + eval).
#
# A setting is a name in SETTINGS: the train flags it adds to BASE_FLAGS. The pseudo-flag
# `+espeak` adds the synthetic espeak-ng digits (make_espeak_digits.sh, ESPEAK_PER_DIGIT voices
# per digit) to the training list; `-cmvn` drops the per-utterance CMVN (--cmvn utt --norm-vars)
# from BASE_FLAGS, for recordings normalised per speaker by speaker_equalize.py; `+spk` makes it
# per-speaker CMVN (--cmvn spk), with an utt2spk of the run's lists (speaker: the file name's
# second field; each espeak-ng voice is a speaker); `-normvars` drops --norm-vars; `=NAME=VALUE`
# gives BASE_FLAGS' --NAME another value. None of them is passed to attn-speech. A setting of
# `&SETTING` words is an ensemble: eval averages those settings' models (`--model` repeated).
export OMP_WAIT_POLICY=passive
fsdd_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FSDD_SPEAKERS=(jackson nicolas yweweler lucas)

# fsdd_setup BUILD_DIR WORK_DIR: sets bin (attn-speech), data (the recordings, FSDD_DIR), work,
# THREADS (default 1) and JOBS (runs at once, default 2); exits 77 without the recordings.
fsdd_setup() {
  bin="$1/tools/speech/attn-speech"
  work=$2
  data=${FSDD_DIR:-$fsdd_here/../../../../shared/data/fsdd/recordings}
  THREADS=${THREADS:-1}
  JOBS=${JOBS:-2}
  [ -d "$data" ] || { echo "skipped: $data not found (the FSDD recordings)" >&2; exit 77; }
  [ -x "$bin" ] || { echo "no $bin: build attn-speech first" >&2; exit 1; }
  mkdir -p "$work"
}

BASE_FLAGS=(--sample-frequency 8000 --deltas --cmvn utt --norm-vars --stack 5 --subsample 2 --window 16
  --epochs 30 --seed 1 --speed-perturb --noise-prob 0.5 --gain-db 6 --time-masks 2 --time-mask-width 5 --freq-masks 2 --freq-mask-width 4)
declare -A SETTINGS=(
  [base]=""
  [vtlp]="--vtlp 0.1"
  [espeak-vtlp]="+espeak --vtlp 0.1"
  [vad]="--vad"
  [vad-wide]="--vad --vad-frames-context 5 --vad-proportion-threshold 0.1"
  [vtlp-vad]="--vtlp 0.1 --vad"
  [espeak-vtlp-vad]="+espeak --vtlp 0.1 --vad"
  [espeak-vtlp-tta]="+espeak --vtlp 0.1 --test-warps 0.9,0.95,1,1.05,1.1"
  [max]="--pool max"
  [espeak-vtlp-max]="+espeak --vtlp 0.1 --pool max"
  [espeak-vtlp-max-tta]="+espeak --vtlp 0.1 --pool max --test-warps 0.9,0.95,1,1.05,1.1"
  [mean-max]="--pool mean-max"
  [max-fbank]="--pool max --features fbank --num-mel-bins 40"
  [max-dim128]="--pool max --dim 128"
  [max-drop3]="--pool max --dropout 0.3"
  [max-ceps10]="--pool max --num-ceps 10"
  [espeak-vtlp-max-tta-nocmvn]="+espeak -cmvn --vtlp 0.1 --pool max --test-warps 0.9,0.95,1,1.05,1.1"
  [espeak-vtlp-max-tta-spk]="+espeak +spk --vtlp 0.1 --pool max --test-warps 0.9,0.95,1,1.05,1.1"
  [espeak-vtlp-max-tta-spk-mean]="+espeak +spk -normvars --vtlp 0.1 --pool max --test-warps 0.9,0.95,1,1.05,1.1"
  [espeak-vtlp-max-tta-spk-vad]="+espeak +spk --vad --vtlp 0.1 --pool max --test-warps 0.9,0.95,1,1.05,1.1"
  [vtlp-max-tta-spk]="+spk --vtlp 0.1 --pool max --test-warps 0.9,0.95,1,1.05,1.1"
  [espeak-vtlp-max-tta-spk-e50]="+espeak +spk =epochs=50 --vtlp 0.1 --pool max --test-warps 0.9,0.95,1,1.05,1.1"
)
# Seed variants and the ensembles of them: NAME-seedS is NAME with --seed S; NAME-xN averages
# NAME (seed 1) and NAME-seed2 .. NAME-seedN.
for fsdd_s in 2 3 4 5 6 7 8; do
  SETTINGS[espeak-vtlp-max-tta-spk-seed$fsdd_s]="+espeak +spk =seed=$fsdd_s --vtlp 0.1 --pool max --test-warps 0.9,0.95,1,1.05,1.1"
  SETTINGS[vtlp-max-tta-spk-seed$fsdd_s]="+spk =seed=$fsdd_s --vtlp 0.1 --pool max --test-warps 0.9,0.95,1,1.05,1.1"
done
fsdd_seeds() {  # fsdd_seeds NAME N: the members of NAME-xN
  local i out="&$1"
  for ((i = 2; i <= $2; i++)); do out+=" &$1-seed$i"; done
  echo "$out"
}
SETTINGS[espeak-vtlp-max-tta-spk-x5]=$(fsdd_seeds espeak-vtlp-max-tta-spk 5)
SETTINGS[espeak-vtlp-max-tta-spk-x8]=$(fsdd_seeds espeak-vtlp-max-tta-spk 8)
SETTINGS[vtlp-max-tta-spk-x8]=$(fsdd_seeds vtlp-max-tta-spk 8)
# Both x8 ensembles at once: 8 models trained with the espeak-ng digits and 8 without.
SETTINGS[mixed-spk-x16]="${SETTINGS[espeak-vtlp-max-tta-spk-x8]} ${SETTINGS[vtlp-max-tta-spk-x8]}"
# One model each of six variants of espeak-vtlp-max-tta-spk that score alike alone (inner means
# 0.859-0.869 against 0.868): more stacked frames, a positional convolution, a spectral tilt.
fsdd_variants=(stack9 stack15 conv15 conv31 tilt5 tilt8)
declare -A fsdd_variant_flags=([stack9]="=stack=9" [stack15]="=stack=15" [conv15]="--conv-pos 15"
  [conv31]="--conv-pos 31" [tilt5]="--tilt 0.5" [tilt8]="--tilt 0.8")
SETTINGS[diverse-spk-x6]=""
for fsdd_v in "${fsdd_variants[@]}"; do
  SETTINGS[espeak-vtlp-max-tta-spk-$fsdd_v]="+espeak +spk ${fsdd_variant_flags[$fsdd_v]} --vtlp 0.1 --pool max --test-warps 0.9,0.95,1,1.05,1.1"
  SETTINGS[diverse-spk-x6]+="${SETTINGS[diverse-spk-x6]:+ }&espeak-vtlp-max-tta-spk-$fsdd_v"
done
# Models that differ in more than their seed average better: the six variants, and those with mixed-spk-x16.
SETTINGS[mixed-diverse-spk-x22]="${SETTINGS[mixed-spk-x16]} ${SETTINGS[diverse-spk-x6]}"
ESPEAK_PER_DIGIT=${ESPEAK_PER_DIGIT:-40}

# fsdd_list NAME AWK-CONDITION: path<TAB>digit lines of the recordings matching the condition on
# $2 (speaker) and $3 (take), in $work/NAME.tsv.
fsdd_list() {
  ls "$data" | grep '\.wav$' | awk -F'[_.]' -v d="$data" "$2 { print d \"/\" \$0 \"\t\" \$1 }" >"$work/$1.tsv"
}

# espeak_list: the synthetic digits' list (made once per work folder).
espeak_list() {
  local dir="$work/espeak$ESPEAK_PER_DIGIT"
  [ -s "$dir/list.tsv" ] || bash "$fsdd_here/make_espeak_digits.sh" "$dir" "$ESPEAK_PER_DIGIT" 2>/dev/null
  echo "$dir/list.tsv"
}

# prepare_settings SETTING...: makes the synthetic digits once if any setting uses them (before
# parallel runs, so that no two make them at once).
prepare_settings() {
  local s m
  for s in "$@"; do
    for m in "&$s" ${SETTINGS[$s]}; do  # the setting and an ensemble's members
      [[ $m == '&'* ]] || continue
      case " ${SETTINGS[${m#&}]} " in *" +espeak "*) espeak_list >/dev/null; return ;; esac
    done
  done
}

# fsdd_run NAME SETTING: trains on NAME_train (+ the synthetic digits if the setting says so),
# picks the best epoch on NAME_valid, evaluates once on NAME_test; prints the accuracy. An
# ensemble setting trains each member setting and evaluates them together. The command lines
# go to stderr.
fsdd_run() {
  local name=$1 setting=$2 models=() m
  [ -n "${SETTINGS[$setting]+x}" ] || { echo "unknown setting $setting" >&2; return 1; }
  if [[ ${SETTINGS[$setting]} == '&'* ]]; then
    for m in ${SETTINGS[$setting]}; do
      fsdd_train "$name" "${m#&}" || return
      models+=(--model "$fsdd_model")
    done
  else
    fsdd_train "$name" "$setting" || return
    models=(--model "$fsdd_model")
  fi
  local ev=("$bin" eval "${models[@]}" --data "$work/${name}_test.tsv" --format json "${fsdd_speakers[@]}")
  echo "\$ ${ev[*]}" >&2
  "${ev[@]}" | python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["accuracy"])'
}

# fsdd_train NAME SETTING: trains SETTING's model on NAME_train, unless $work has it already,
# trained with the same flags (same seed and threads give the same model; a work folder belongs
# to one attn-speech build).
# Sets fsdd_model (its path) and fsdd_speakers (the --utt2spk flag it needs, or nothing).
fsdd_train() {
  local name=$1 setting=$2 train="$work/$1_train.tsv" flags=() base=("${BASE_FLAGS[@]}") f i speakers=()
  [ -n "${SETTINGS[$setting]+x}" ] || { echo "unknown setting $setting" >&2; return 1; }
  for f in ${SETTINGS[$setting]}; do
    if [ "$f" = +espeak ]; then
      cat "$work/${name}_train.tsv" "$(espeak_list)" | write_file "$work/${name}_train_espeak.tsv" || return 1
      train="$work/${name}_train_espeak.tsv"
    elif [ "$f" = -cmvn ]; then
      base=()
      for ((i = 0; i < ${#BASE_FLAGS[@]}; i++)); do
        case ${BASE_FLAGS[i]} in
          --cmvn) ((++i)) ;;  # and its value
          --norm-vars) ;;
          *) base+=("${BASE_FLAGS[i]}") ;;
        esac
      done
    elif [[ $f == =*=* ]]; then  # =NAME=VALUE: BASE_FLAGS' --NAME takes VALUE
      f=${f#=}
      for ((i = 0; i < ${#base[@]}; i++)); do [ "${base[i]}" != "--${f%%=*}" ] || base[i + 1]=${f#*=}; done
    elif [ "$f" = -normvars ]; then
      for ((i = 0; i < ${#base[@]}; i++)); do [ "${base[i]}" != --norm-vars ] || unset 'base[i]'; done
      base=("${base[@]}")
    elif [ "$f" = +spk ]; then
      for ((i = 0; i < ${#base[@]}; i++)); do [ "${base[i]}" != --cmvn ] || base[i + 1]=spk; done
      speakers=(--utt2spk "$work/$name.$setting.utt2spk")
    else
      flags+=("$f")
    fi
  done
  if ((${#speakers[@]})); then  # after the lists are complete
    cut -f1 "$train" "$work/${name}_valid.tsv" "$work/${name}_test.tsv" | sort -u |
      awk '{ n = split($0, p, "/"); split(p[n], f, "[_.]"); s = f[2]; if (s == "espeak") s = s "_" f[3]; print $0 " " s }' |
      write_file "${speakers[1]}" || return 1
  fi
  fsdd_model="$work/$name.$setting.safetensors"
  fsdd_speakers=("${speakers[@]}")
  local cmd=("$bin" train --data "$train" --valid "$work/${name}_valid.tsv" -o "$fsdd_model"
    --threads "$THREADS" --quiet "${base[@]}" "${flags[@]}" "${speakers[@]}")
  echo "\$ ${cmd[*]}" >&2
  # One run at a time per model (ensembles share members); NAME.cmd: the flags it was trained with.
  (
    flock 9
    if [ -s "$fsdd_model" ] && [ "$(cat "$fsdd_model.cmd" 2>/dev/null)" = "${cmd[*]:1}" ]; then
      echo "(trained before with these flags: $fsdd_model)" >&2
    else
      "${cmd[@]}" && echo "${cmd[*]:1}" >"$fsdd_model.cmd"
    fi
  ) 9>"$fsdd_model.lock"
}

# write_file FILE: stdin to FILE, which is replaced at once (another run may be reading it).
write_file() {
  local tmp="$1.$BASHPID"  # expanded here, not in the forked cat
  cat >"$tmp" && mv "$tmp" "$1"
}

# check_setting SETTING: exits 2 unless SETTING is known and, for an ensemble, every member is a
# known setting that is not itself an ensemble.
check_setting() {
  local m
  [ -n "${SETTINGS[$1]+x}" ] || { echo "unknown setting $1" >&2; exit 2; }
  [[ ${SETTINGS[$1]} == '&'* ]] || return 0
  for m in ${SETTINGS[$1]}; do
    [[ $m == '&'* && -n "${SETTINGS[${m#&}]+x}" && ${SETTINGS[${m#&}]} != '&'* ]] ||
      { echo "setting $1: $m is not a setting that trains a model" >&2; exit 2; }
  done
}
