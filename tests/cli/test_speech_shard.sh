#!/usr/bin/env bash
# --shard I/N on attn-speech's batch commands: every N-th utterance from I, ids unchanged.
source "$ATTN_CLI_LIB"
W="$ATTN_SOURCE_DIR/assets/samples/speech"
WAVS=("$W"/*.wav)

step "mfcc --shard 1/2: the 2nd and 4th recordings, as the whole run computes them"
attn-speech mfcc "${WAVS[@]}" >all.txt
run attn-speech mfcc --shard 1/2 "${WAVS[@]}"
expect_exit 0
ids=$(grep -o '^[^ ]*  *\[' "$OUT" | cut -d' ' -f1 | tr '\n' ' ')
if [ "$ids" = "${WAVS[1]} ${WAVS[3]} " ]; then _pass; else _fail "ids: $ids"; fi

step "predict --shard: the shards together are the whole run"
attn-speech predict "${WAVS[@]}" >p-all.tsv
for i in 0 1 2; do attn-speech predict --shard $i/3 "${WAVS[@]}"; done | sort >p-parts.tsv
if cmp -s p-parts.tsv <(sort p-all.tsv) && [ "$(wc -l <p-all.tsv)" = 4 ]; then _pass; else _fail "shards differ"; fi

step "--shard 2/2 is a usage error"
run attn-speech fbank --shard 2/2 "${WAVS[0]}"
expect_exit 2
expect_stderr_has "0 <= I < N"
finish
