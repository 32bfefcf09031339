#!/usr/bin/env python3
"""Small graphs with planted communities, written for attn-graph's tests and samples.

    python3 tests/reference/make_graph_sample.py planted tests/fixtures/graph/planted
    python3 tests/reference/make_graph_sample.py sample assets/samples/graph

Writes nodes.tsv (id, label or empty, sparse "index[:value]" features), edges.tsv (src, dst)
and split.tsv (id, train/val/test). Nodes of a community link mostly to each other, and their
word features are only loosely tied to the community, so a model must use the edges to do
well. Deterministic (Python's own seeded generator, no other dependency).
"""
import os
import random
import sys

FORMS = {
    # name: (communities, nodes per community, words, words per node, p(edge inside),
    #        edges per node, train per class, val per class, unlabelled per class, id prefix)
    "planted": (["a", "b", "c"], 100, 60, 6, 0.9, 3, 10, 20, 0, "n"),
    "sample": (["databases", "graphics", "learning"], 16, 30, 4, 0.85, 2, 3, 3, 2, "paper"),
}


def main():
    form, out = sys.argv[1], sys.argv[2]
    labels, per, words, per_node, p_in, degree, n_train, n_val, n_unlabelled, prefix = FORMS[form]
    rng = random.Random(20260101)
    K = len(labels)
    nodes = [(c, i) for c in range(K) for i in range(per)]
    rng.shuffle(nodes)
    ids = ["%s%d" % (prefix, n) for n in range(len(nodes))]
    community = [c for c, _ in nodes]
    os.makedirs(out, exist_ok=True)
    seen_per_class = [0] * K
    split = []
    with open(os.path.join(out, "nodes.tsv"), "w") as f:
        for n, c in enumerate(community):
            # a third of a node's words come from its community's block of the vocabulary
            block = words // K
            feats = set()
            while len(feats) < per_node:
                if rng.random() < 0.35:
                    feats.add(c * block + rng.randrange(block))
                else:
                    feats.add(rng.randrange(words))
            k = seen_per_class[c]
            seen_per_class[c] += 1
            label = labels[c]
            if k < n_train:
                split.append((ids[n], "train"))
            elif k < n_train + n_val:
                split.append((ids[n], "val"))
            elif k < n_train + n_val + n_unlabelled:
                label = ""  # no label: what `predict` labels by default
            else:
                split.append((ids[n], "test"))
            f.write("%s\t%s\t%s\n" % (ids[n], label, " ".join(str(w) for w in sorted(feats))))
    edges = set()
    for n, c in enumerate(community):
        for _ in range(degree):
            if rng.random() < p_in:
                m = rng.choice([j for j in range(len(nodes)) if community[j] == c and j != n])
            else:
                m = rng.choice([j for j in range(len(nodes)) if community[j] != c])
            edges.add((min(n, m), max(n, m)))
    with open(os.path.join(out, "edges.tsv"), "w") as f:
        for a, b in sorted(edges):
            f.write("%s\t%s\n" % (ids[a], ids[b]))
    with open(os.path.join(out, "split.tsv"), "w") as f:
        for i, s in split:
            f.write("%s\t%s\n" % (i, s))


if __name__ == "__main__":
    main()
