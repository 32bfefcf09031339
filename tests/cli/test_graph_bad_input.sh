#!/usr/bin/env bash
# attn-graph on bad inputs: each is exit 1 (data, model, I/O) or 2 (usage) with ONE line
# "attn-graph: error: ..." naming the file and line, and a failed train leaves no model.
source "$ATTN_CLI_LIB"
export OMP_WAIT_POLICY=passive
S="$ATTN_SOURCE_DIR/assets/samples/graph"
FAST=(--threads 2 --epochs 5 --quiet)
mkdir "$T/out"

expect_error() {
  expect_exit "$1"
  if [ "$(wc -l <"$ERR")" = 1 ] && grep -q "^attn-graph: error: " "$ERR"; then _pass; else _fail "stderr is not one error line"; fi
  if [ -n "${2:-}" ]; then expect_stderr_has "$2"; fi
}
expect_no_model() {
  if [ -z "$(ls -A "$T/out")" ]; then _pass; else _fail "files left behind: $(ls -A "$T/out")"; fi
}
train_on() {  # nodes edges [split] [flags...]
  local split=()
  if [ -n "${3:-}" ]; then split=(--split "$3"); fi
  run attn-graph train --nodes "$1" --edges "$2" "${split[@]}" "${FAST[@]}" -o "$T/out/m.safetensors" "${@:4}"
}

printf 'a\tx\t0 1\nb\ty\t2\nc\tx\t1 3\n' >"$T/nodes.tsv"
printf 'a\tb\nb\tc\n' >"$T/edges.tsv"

step "a good model to work with"
run attn-graph train --nodes "$S/nodes.tsv" --edges "$S/edges.tsv" --split "$S/split.tsv" --undirected "${FAST[@]}" -o "$T/good.safetensors"
expect_exit 0

step "an edge naming a missing node: an error, or dropped and counted with --keep-going"
printf 'a\tb\nb\tghost\nc\ta\n' >"$T/e_ghost.tsv"
train_on "$T/nodes.tsv" "$T/e_ghost.tsv"
expect_error 1 "$T/e_ghost.tsv:2: node 'ghost' is not in $T/nodes.tsv"; expect_no_model
run attn-graph train --nodes "$T/nodes.tsv" --edges "$T/e_ghost.tsv" --threads 2 --epochs 5 -o "$T/out/k.safetensors" --keep-going
expect_exit 0
expect_stderr_has "warning: skipped 1 edges naming unknown nodes"
rm -f "$T/out/k.safetensors"
run attn-graph predict --model "$T/good.safetensors" --nodes "$S/nodes.tsv" --edges <(cat "$S/edges.tsv"; printf 'paper1\tnobody\n') --keep-going --quiet
expect_exit 1
expect_stderr_has "skipped 1 edges naming unknown nodes"
if [ "$(wc -l <"$OUT")" -gt 0 ]; then _pass; else _fail "no predictions"; fi

step "feature rows of unequal length"
printf 'a\tx\t0.5 1\nb\ty\t0.5 1 2\n' >"$T/n_len.tsv"
train_on "$T/n_len.tsv" "$T/edges.tsv" "" --features dense
expect_error 1 "$T/n_len.tsv:2: 3 feature values, expected 2 (as on line 1)"; expect_no_model

step "non-numeric and NaN features"
printf 'a\tx\t0.5 1\nb\ty\t0.5 abc\n' >"$T/n_text.tsv"
train_on "$T/n_text.tsv" "$T/edges.tsv"
expect_error 1 "$T/n_text.tsv:2: feature 'abc' is not a number"
printf 'a\tx\t0.5 1\nb\ty\tNaN 1\n' >"$T/n_nan.tsv"
train_on "$T/n_nan.tsv" "$T/edges.tsv"
expect_error 1 "$T/n_nan.tsv:2: feature 'NaN' is not finite"; expect_no_model

step "a feature index past the declared dimension"
printf 'a\tx\t1 3\nb\ty\t2:0.5 9\n' >"$T/n_dim.tsv"
train_on "$T/n_dim.tsv" "$T/edges.tsv" "" --features sparse --feature-dim 8
expect_error 1 "$T/n_dim.tsv:2: feature index 9 is past the declared dimension 8"; expect_no_model

step "labels only in test"
printf 'a\ttest\nb\ttest\nc\tval\n' >"$T/split_test.tsv"
train_on "$T/nodes.tsv" "$T/edges.tsv" "$T/split_test.tsv"
expect_error 1 "no labelled node is in the train split"; expect_no_model

step "an empty graph"
: >"$T/empty.tsv"
train_on "$T/empty.tsv" "$T/edges.tsv"
expect_error 1 "$T/empty.tsv: no nodes (an empty graph)"
run attn-graph train --edges "$T/empty.tsv" --features none "${FAST[@]}" -o "$T/out/m.safetensors"
expect_error 1 "no edges and no nodes (an empty graph)"; expect_no_model

step "a node with no edges under --self-loops error"
printf 'a\tx\t0 1\nb\ty\t2\nc\tx\t1 3\nd\ty\t4 5\n' >"$T/n_iso.tsv"
train_on "$T/n_iso.tsv" "$T/edges.tsv" "" --undirected --self-loops error
expect_error 1 "$T/n_iso.tsv:4: node 'd' has no edges (--self-loops error)"; expect_no_model

step "one label only"
printf 'a\tx\t0 1\nb\tx\t2\n' >"$T/n_one.tsv"
printf 'a\tb\n' >"$T/e_ab.tsv"
train_on "$T/n_one.tsv" "$T/e_ab.tsv"
expect_error 1 "a classifier needs at least two"

step "binary data instead of text"
printf 'a\tx\t0\000 1\n' >"$T/n_bin.tsv"
train_on "$T/n_bin.tsv" "$T/edges.tsv"
expect_error 1 "binary data"

step "usage errors: exit 2"
run attn-graph train --edges "$T/edges.tsv" --content x --cites y -o "$T/out/m.safetensors" --quiet
expect_error 2 "not both"
run attn-graph train --nodes "$T/nodes.tsv" -o "$T/out/m.safetensors" --quiet
expect_error 2 "no graph"
run attn-graph train --nodes "$T/nodes.tsv" --edges "$T/edges.tsv" --self-loops maybe -o "$T/out/m.safetensors"
expect_exit 2
run attn-graph attention --model "$T/good.safetensors" --nodes "$S/nodes.tsv" --edges "$S/edges.tsv" --format dot
expect_error 2 "--format dot needs --node"
expect_no_model

step "bad model files"
printf 'not a model' >"$T/bad.safetensors"
run attn-graph predict --model "$T/bad.safetensors" --nodes "$S/nodes.tsv" --edges "$S/edges.tsv"
expect_error 1 "$T/bad.safetensors"
run attn-graph info --model "$T/missing.safetensors"
expect_error 1 "$T/missing.safetensors"
head -c 300 "$T/good.safetensors" >"$T/cut.safetensors"
run attn-graph info --model "$T/cut.safetensors"
expect_error 1 "$T/cut.safetensors"

step "a graph that does not fit the model: an index past its 30 features"
printf 'a\tx\t0:1 1:2\nb\ty\t31:1\n' >"$T/n_small.tsv"
run attn-graph predict --model "$T/good.safetensors" --nodes "$T/n_small.tsv" --edges "$T/e_ab.tsv" --quiet
expect_error 1 "$T/n_small.tsv:2: feature index 31 is past the declared dimension 30"

step "an output in a folder that does not exist: found before training"
run attn-graph train --nodes "$S/nodes.tsv" --edges "$S/edges.tsv" --quiet -o "$T/nowhere/m.safetensors"
expect_error 1 "no such directory"

finish
