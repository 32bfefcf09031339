#!/usr/bin/env python3
"""A toy image set for attn-image's CLI tests, made with the standard library only.

    python3 make_toy_images.py OUT [--per-class N] [--seed S]

writes OUT/train/<label>/*.png|pgm|bmp and OUT/test/<label>/*.png (16x16 grey), a list file
OUT/test.tsv (path<TAB>label), and OUT/train-images.idx / train-labels.idx, OUT/test-*.idx with
the same images. Labels: "hbar" (a horizontal bar), "vbar" (a vertical bar), "block" (a square),
each at a random place on a noisy background; chance is 1/3.
"""
import argparse
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from image_files import bmp, pgm, png  # noqa: E402

S = 16
LABELS = ["hbar", "vbar", "block"]


def draw(label, rng):
    px = [[rng.randrange(0, 50) for _ in range(S)] for _ in range(S)]
    if label == "hbar":
        h, w = 3, rng.randrange(9, 15)
    elif label == "vbar":
        h, w = rng.randrange(9, 15), 3
    else:
        h = w = rng.randrange(5, 8)
    y0, x0 = rng.randrange(0, S - h + 1), rng.randrange(0, S - w + 1)
    for y in range(y0, y0 + h):
        for x in range(x0, x0 + w):
            px[y][x] = rng.randrange(180, 256)
    return px


def idx(path_images, path_labels, items):
    with open(path_images, "wb") as f:
        f.write(struct.pack(">IIII", 0x803, len(items), S, S))
        for px, _ in items:
            f.write(b"".join(bytes(row) for row in px))
    with open(path_labels, "wb") as f:
        f.write(struct.pack(">II", 0x801, len(items)))
        f.write(bytes(LABELS.index(label) for _, label in items))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--per-class", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    for split, n in (("train", a.per_class), ("test", max(10, a.per_class // 2))):
        items = []
        for label in LABELS:
            os.makedirs(os.path.join(a.out, split, label), exist_ok=True)
            for i in range(n):
                px = draw(label, rng)
                items.append((px, label))
                # Training images in three formats; test images as PNG.
                kind = "png" if split == "test" else ("png", "pgm", "bmp")[i % 3]
                data = {"png": png, "pgm": pgm, "bmp": bmp}[kind](px)
                with open(os.path.join(a.out, split, label, "%03d.%s" % (i, kind)), "wb") as f:
                    f.write(data)
        rng.shuffle(items)
        idx(os.path.join(a.out, split + "-images.idx"), os.path.join(a.out, split + "-labels.idx"), items)
    with open(os.path.join(a.out, "test.tsv"), "w") as f:
        for label in LABELS:
            for name in sorted(os.listdir(os.path.join(a.out, "test", label))):
                f.write("test/%s/%s\t%s\n" % (label, name, label))


if __name__ == "__main__":
    main()
