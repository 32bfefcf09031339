#!/usr/bin/env python3
"""Draws the sample images in assets/samples/image/: clothing silhouettes made for the project
(polygons, light garment on black, as Fashion-MNIST's photographs look), never dataset copies.

    python3 tests/reference/make_image_samples.py assets/samples/image

Standard library only (image_files.py); one sample, sneaker.jpg, is a JPEG so that the JPEG
reader has a sample too.
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from image_files import jpeg, png  # noqa: E402

S = 112

# Each garment: a list of (grey level, polygon points) drawn in order on black.
GARMENTS = {
    "tshirt": [(200, [(36, 14), (48, 10), (64, 10), (76, 14), (100, 32), (90, 46), (80, 40),
                      (80, 100), (32, 100), (32, 40), (22, 46), (12, 32)]),
               (150, [(48, 10), (56, 20), (64, 10)])],
    "trouser": [(175, [(34, 8), (78, 8), (82, 104), (62, 104), (57, 40), (55, 40), (50, 104),
                       (30, 104)])],
    "sneaker": [(215, [(10, 78), (14, 56), (30, 54), (44, 44), (58, 46), (70, 58), (100, 66),
                       (104, 80), (100, 88), (12, 88)]),
                (120, [(10, 84), (104, 84), (104, 90), (10, 90)])],
    "bag": [(175, [(18, 40), (94, 40), (94, 100), (18, 100)]),
            (175, [(36, 40), (40, 18), (72, 18), (76, 40), (68, 40), (66, 26), (46, 26), (44, 40)]),
            (110, [(50, 52), (62, 52), (62, 62), (50, 62)])],
    "dress": [(195, [(44, 6), (68, 6), (70, 30), (64, 44), (90, 104), (22, 104), (48, 44),
                     (42, 30)])],
    "ankle-boot": [(135, [(16, 10), (62, 10), (64, 54), (96, 66), (104, 80), (104, 96), (16, 96)]),
                   (85, [(16, 92), (104, 92), (104, 100), (16, 100)])],
}


def rasterize(shapes):
    px = [[0] * S for _ in range(S)]
    for grey, pts in shapes:
        for y in range(S):
            yc = y + 0.5
            xs = []
            for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1]):
                if (y0 <= yc < y1) or (y1 <= yc < y0):
                    xs.append(x0 + (yc - y0) * (x1 - x0) / (y1 - y0))
            xs.sort()
            for a, b in zip(xs[::2], xs[1::2]):
                for x in range(max(0, math.ceil(a - 0.5)), min(S, math.floor(b - 0.5) + 1)):
                    px[y][x] = grey
    return px


# Fashion-MNIST's shoes point left: the sneaker and the ankle boot are drawn toe-right above
# and mirrored here.
MIRRORED = {"sneaker", "ankle-boot"}


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for name, shapes in GARMENTS.items():
        if name in MIRRORED:
            shapes = [(grey, [(S - x, y) for x, y in pts]) for grey, pts in shapes]
        px = rasterize(shapes)
        data, ext = (jpeg(px), "jpg") if name == "sneaker" else (png(px), "png")
        with open(os.path.join(out_dir, "%s.%s" % (name, ext)), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
