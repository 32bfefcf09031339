#!/usr/bin/env python3
"""Toy recordings for attn-speech's CLI tests (NumPy): three kinds of tones with random pitch,
length, level and noise, 8 kHz mono 16-bit.

    python3 make_toy_tones.py OUT

writes OUT/train/<kind>/0..19.wav and OUT/test/<kind>/0..9.wav, kinds low, high and sweep.
"""
import os, sys, wave
import numpy as np
root = sys.argv[1]
rng = np.random.default_rng(7)
rate = 8000
def tone(kind):
    n = int(rate * rng.uniform(0.25, 0.45))
    t = np.arange(n) / rate
    f = rng.uniform(0.8, 1.25)
    if kind == "low":
        x = np.sin(2 * np.pi * 300 * f * t)
    elif kind == "high":
        x = np.sin(2 * np.pi * 1800 * f * t)
    else:  # a rising sweep
        x = np.sin(2 * np.pi * (300 * f * t + 2000 * t * t))
    x = x * rng.uniform(0.05, 0.5) + rng.normal(0, 0.01, n)
    return (np.clip(x, -1, 1) * 32767).astype("<i2")
for split, count in (("train", 20), ("test", 10)):
    for kind in ("low", "high", "sweep"):
        os.makedirs(f"{root}/{split}/{kind}", exist_ok=True)
        for i in range(count):
            with wave.open(f"{root}/{split}/{kind}/{i}.wav", "wb") as w:
                w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
                w.writeframes(tone(kind).tobytes())
