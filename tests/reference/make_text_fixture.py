#!/usr/bin/env python3
"""Writes tests/fixtures/text/: small synthetic "reviews" for attn-text's CLI tests.

Every line mixes shared filler words (which say nothing about the label) with two or three
topic words of its label, in random order, so a model must learn which words matter.
Deterministic (fixed seed, no dependencies): re-running it reproduces the committed files.

  train.txt / test.txt     fastText format, 3 labels (sports, tech, food), 600 / 200 lines
  train.tsv / test.tsv     label<TAB>text, the same task, 300 / 100 lines
  multi_train.txt / multi_test.txt
                           fastText, one or two labels per line (for --loss ova), 300 / 100 lines

Usage: python3 tests/reference/make_text_fixture.py [OUTPUT_DIR]
"""
import os
import random
import sys

TOPICS = {
    "sports": "goal match team coach league striker referee season stadium score "
              "tennis racket keeper tournament penalty".split(),
    "tech": "laptop software battery screen processor update keyboard router app "
            "driver server cable firmware pixel browser".split(),
    "food": "pasta sauce recipe bakery cheese soup flavour spicy oven dessert "
            "noodle garlic butter salad kitchen".split(),
}
FILLER = ("the a it was is really very quite and but so this that with for on my our "
          "great bad good poor nice okay would again never always every time thing "
          "people day week review star stars honestly").split()


def sentence(rng, labels):
    """Filler words plus 2-3 topic words for each label, shuffled."""
    words = [rng.choice(FILLER) for _ in range(rng.randint(4, 7))]
    for label in labels:
        words += rng.sample(TOPICS[label], rng.randint(2, 3))
    rng.shuffle(words)
    return " ".join(words)


def single_label(rng, n):
    names = sorted(TOPICS)
    rows = []
    for i in range(n):
        label = names[i % len(names)]  # balanced
        rows.append(([label], sentence(rng, [label])))
    rng.shuffle(rows)
    return rows


def multi_label(rng, n):
    names = sorted(TOPICS)
    rows = []
    for _ in range(n):
        k = 1 if rng.random() < 0.5 else 2
        labels = sorted(rng.sample(names, k))
        rows.append((labels, sentence(rng, labels)))
    return rows


def write_fasttext(path, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for labels, text in rows:
            f.write(" ".join("__label__" + l for l in labels) + " " + text + "\n")


def write_tsv(path, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for labels, text in rows:
            f.write(labels[0] + "\t" + text + "\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "text")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(20240611)
    write_fasttext(os.path.join(out, "train.txt"), single_label(rng, 600))
    write_fasttext(os.path.join(out, "test.txt"), single_label(rng, 200))
    write_tsv(os.path.join(out, "train.tsv"), single_label(rng, 300))
    write_tsv(os.path.join(out, "test.tsv"), single_label(rng, 100))
    write_fasttext(os.path.join(out, "multi_train.txt"), multi_label(rng, 300))
    write_fasttext(os.path.join(out, "multi_test.txt"), multi_label(rng, 100))


if __name__ == "__main__":
    main()
