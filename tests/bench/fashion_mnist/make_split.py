#!/usr/bin/env python3
"""Carves a validation slice out of Fashion-MNIST's 60,000 training images, for choosing settings.

    python3 tests/bench/fashion_mnist/make_split.py --out /tmp/fmnist [--valid 10000] [--seed 0]

writes train-images/labels (the rest) and valid-images/labels as gzipped IDX into --out. The
10,000 test images are not touched: they are for the final figure only.
"""
import argparse
import gzip
import os
import random
import struct

SRC = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    rank = magic & 0xFF
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return dims, data[4 + 4 * rank:]


def write_idx(path, dims, items, item_bytes):
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(struct.pack(">I", 0x0800 | len(dims)))
        f.write(struct.pack(">" + "I" * len(dims), len(items), *dims[1:]))
        for blob in items:
            f.write(blob)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--valid", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    dims, pixels = read_idx(os.path.join(SRC, "train-images-idx3-ubyte.gz"))
    _, labels = read_idx(os.path.join(SRC, "train-labels-idx1-ubyte.gz"))
    n, size = dims[0], dims[1] * dims[2]
    order = list(range(n))
    random.Random(a.seed).shuffle(order)
    parts = {"valid": sorted(order[:a.valid]), "train": sorted(order[a.valid:])}
    os.makedirs(a.out, exist_ok=True)
    for name, idx in parts.items():
        write_idx(os.path.join(a.out, name + "-images-idx3-ubyte.gz"), dims,
                  [pixels[i * size:(i + 1) * size] for i in idx], size)
        write_idx(os.path.join(a.out, name + "-labels-idx1-ubyte.gz"), (n,),
                  [labels[i:i + 1] for i in idx], 1)
        print("%s: %d images" % (name, len(idx)))


if __name__ == "__main__":
    main()
