#!/usr/bin/env bash
# attn-graph end to end on a generated graph with planted communities
# (tests/fixtures/graph/planted, made by tests/reference/make_graph_sample.py): train learns from
# the edges (well above the same model on features alone), eval/predict/info work on the model,
# the attention export covers every edge with weights summing to 1 per node and head, and the
# DOT picture is a GraphViz digraph of the node's neighbourhood.
source "$ATTN_CLI_LIB"
export OMP_WAIT_POLICY=passive
P="$ATTN_SOURCE_DIR/tests/fixtures/graph/planted"
FILES=(--nodes "$P/nodes.tsv" --edges "$P/edges.tsv" --split "$P/split.tsv")
FAST=(--threads 2 --epochs 200 --patience 50)

step "train on planted communities"
run attn-graph train "${FILES[@]}" --undirected "${FAST[@]}" -o "$T/m.safetensors"
expect_exit 0
expect_stderr_has "read 300 nodes (300 labelled; split train 30 val 60 test 210)"
expect_stderr_has "kept epoch"

step "eval on the test split: it learned"
run attn-graph eval --model "$T/m.safetensors" "${FILES[@]}" --format json --quiet
expect_exit 0
acc=$(sed -n 's/.*"accuracy":\([0-9.]*\).*/\1/p' "$OUT")
if awk -v a="$acc" 'BEGIN { exit !(a >= 0.80) }'; then _pass; else _fail "test accuracy $acc < 0.80"; fi

step "the edges matter: the same model on self-loops alone does worse"
awk -F'\t' '{ print $1 "\t" $1 }' "$P/nodes.tsv" >"$T/self.tsv"
run attn-graph train --nodes "$P/nodes.tsv" --edges "$T/self.tsv" --split "$P/split.tsv" "${FAST[@]}" --quiet -o "$T/m0.safetensors"
expect_exit 0
run attn-graph eval --model "$T/m0.safetensors" --nodes "$P/nodes.tsv" --edges "$T/self.tsv" --split "$P/split.tsv" --format json --quiet
acc0=$(sed -n 's/.*"accuracy":\([0-9.]*\).*/\1/p' "$OUT")
if awk -v a="$acc" -v b="$acc0" 'BEGIN { exit !(a >= b + 0.15) }'; then _pass; else _fail "with edges $acc, without $acc0"; fi

step "same seed and threads: the same model file"
mkdir "$T/a" "$T/b"
(cd "$T/a" && attn-graph train "${FILES[@]}" --undirected "${FAST[@]}" --quiet -o m.safetensors)
(cd "$T/b" && attn-graph train "${FILES[@]}" --undirected "${FAST[@]}" --quiet -o m.safetensors)
if cmp -s "$T/a/m.safetensors" "$T/b/m.safetensors"; then _pass; else _fail "models differ"; fi

step "predict the test nodes, top 2, in node-file order"
run attn-graph predict --model "$T/m.safetensors" "${FILES[@]}" --select test -k 2 --quiet
expect_exit 0
if [ "$(wc -l <"$OUT")" = 210 ]; then _pass; else _fail "$(wc -l <"$OUT") lines, expected 210"; fi
if awk -F'\t' 'NF != 5 { bad = 1 } END { exit bad }' "$OUT"; then _pass; else _fail "not id, 2 x (label, prob)"; fi
first_test=$(awk -F'\t' '$2 == "test" { print $1; exit }' "$P/split.tsv")
order_first=$(awk -F'\t' 'NR == FNR { if ($2 == "test") t[$1] = 1; next } ($1 in t) { print $1; exit }' "$P/split.tsv" "$P/nodes.tsv")
if [ "$(head -n 1 "$OUT" | cut -f1)" = "$order_first" ]; then _pass; else _fail "first line is not the first test node ($first_test)"; fi

step "info"
run attn-graph info --model "$T/m.safetensors"
expect_exit 0
expect_stdout_has "$(printf 'task\tgraph')"
expect_stdout_has "$(printf 'train_command\tattn-graph train --threads 2 --nodes')"
expect_stdout_has '"features":"sparse"'
expect_stdout_has "$(printf 'labels\t["a","b","c"]')"

step "attention export: every edge, both directions, self-loops marked, sums of 1"
run attn-graph attention --model "$T/m.safetensors" "${FILES[@]}" --quiet
expect_exit 0
edges=$(wc -l <"$P/edges.tsv")
# (2 directions x lines + 300 self-loops) x (8 heads of layer 1 + 1 head of layer 2)
if [ "$(wc -l <"$OUT")" = $(((2 * edges + 300) * 9)) ]; then _pass; else _fail "$(wc -l <"$OUT") lines"; fi
if [ "$(head -n 1 "$OUT" | cut -f1,2,6)" = "$(head -n 1 "$P/edges.tsv")	input" ]; then _pass; else _fail "first line is not the first edge"; fi
if [ "$(awk -F'\t' '$6 == "self-loop" && $1 == $2' "$OUT" | wc -l)" = $((300 * 9)) ]; then _pass; else _fail "self-loops not marked"; fi
if awk -F'\t' '{ s[$2 "/" $3 "/" $4] += $5 } END { for (k in s) if (s[k] < 0.999 || s[k] > 1.001) { print k, s[k]; bad = 1 } exit bad }' "$OUT"; then _pass; else _fail "weights do not sum to 1 per node, layer and head"; fi

step "attention --format dot: the 1-hop neighbourhood of a node"
node=$(head -n 1 "$P/nodes.tsv" | cut -f1)
run attn-graph attention --model "$T/m.safetensors" "${FILES[@]}" --format dot --node "$node" --hops 1 --quiet
expect_exit 0
expect_stdout_has "digraph attention {"
expect_stdout_has "\"$node\" [label=\"$node"
indeg=$(awk -F'\t' -v n="$node" '$1 == n || $2 == n' "$P/edges.tsv" | wc -l)
if [ "$(grep -c -- "-> \"$node\" \[penwidth=" "$OUT")" = $((indeg + 1)) ]; then _pass; else _fail "arrows into $node"; fi
if command -v dot >/dev/null; then
  dot -Tsvg "$OUT" -o "$T/n.svg" && _pass || _fail "GraphViz could not render it"
fi

step "gatv2 and dot scoring, residual, and --features none train too"
for variant in "--score gatv2" "--score dot" "--residual" "--features none"; do
  # shellcheck disable=SC2086
  run attn-graph train "${FILES[@]}" --undirected --threads 2 --epochs 30 --quiet $variant -o "$T/v.safetensors"
  expect_exit 0
done


step "--class-weight: balanced is accepted, an unknown label in FILE names the line before training"
run attn-graph train "${FILES[@]}" --undirected --threads 2 --epochs 5 --class-weight balanced --quiet -o "$T/cw.safetensors"
expect_exit 0
printf 'a\t2\nzebra\t3\n' >"$T/weights.tsv"
run attn-graph train "${FILES[@]}" --undirected --threads 2 --epochs 5 --class-weight "$T/weights.tsv" -o "$T/cw.safetensors"
expect_exit 1; expect_stderr_has "weights.tsv:2: unknown label \"zebra\""
if grep -q '^epoch ' "$ERR"; then _fail "trained before the error"; else _pass; fi

step "the kit's flags that mean nothing for one full-graph batch are not offered"
for flag in "--valid x.tsv" "--batch-size 8" "--warmup 0.1"; do
  # shellcheck disable=SC2086
  run attn-graph train "${FILES[@]}" $flag --epochs 1 -o "$T/x.safetensors"
  expect_exit 2
done

step "--init: fine-tuning starts from a lower first-epoch loss than training from scratch"
first_loss() { sed -n 's/^attn-graph: epoch 1  loss \([0-9.]*\).*/\1/p' "$ERR"; }
run attn-graph train "${FILES[@]}" --init "$T/m.safetensors" --threads 2 --epochs 1 --seed 2 -o "$T/ft.safetensors"
expect_exit 0; tuned=$(first_loss)
run attn-graph train "${FILES[@]}" --undirected --threads 2 --epochs 1 --seed 2 -o "$T/scratch.safetensors"
expect_exit 0; scratch=$(first_loss)
if awk -v a="${tuned:-9}" -v b="${scratch:-0}" 'BEGIN { exit !(a < 0.8 * b) }'; then
  _pass; else _fail "first-epoch loss ${tuned:-?} fine-tuned vs ${scratch:-?} from scratch"; fi
run attn-graph info --model "$T/ft.safetensors"
expect_exit 0; expect_stdout_has "$(printf 'init_from\t%s' "$T/m.safetensors")"

step "--init keeps the architecture and graph settings: a conflicting flag is exit 2 naming it"
run attn-graph train "${FILES[@]}" --init "$T/m.safetensors" --heads 4 --epochs 1 -o "$T/x.safetensors"
expect_exit 2; expect_stderr "attn-graph: error: --heads 4 conflicts with --init $T/m.safetensors (heads 8); leave it out to keep the model's"
run attn-graph train "${FILES[@]}" --init "$T/m.safetensors" --self-loops keep --epochs 1 -o "$T/x.safetensors"
expect_exit 2; expect_stderr_has "--self-loops keep conflicts with --init"
run attn-graph train "${FILES[@]}" --init "$T/m.safetensors" --heads 8 --undirected --dropout 0.5 --epochs 1 --quiet -o "$T/x.safetensors"
expect_exit 0

step "--init on a graph with other labels: the output layer starts afresh, with a notice"
awk -F'\t' 'BEGIN { OFS = "\t" } { if ($2 == "c") $2 = "b"; print }' "$P/nodes.tsv" >"$T/relabelled.tsv"
run attn-graph train --nodes "$T/relabelled.tsv" --edges "$P/edges.tsv" --split "$P/split.tsv" --init "$T/m.safetensors" --threads 2 --epochs 2 -o "$T/re.safetensors"
expect_exit 0; expect_stderr_has "the classifier head starts afresh for the 2 labels"
run attn-graph info --model "$T/re.safetensors"
expect_stdout_has "$(printf 'labels\t["a","b"]')"

finish
