#!/usr/bin/env python3
"""Speaker-level normalisation, probed outside attn-speech: writes copies of recordings in which
each speaker's long-term average spectrum is divided out.

Per-utterance CMVN (--cmvn utt) removes a speaker's channel and vocal-tract colouring, but on a
half-second digit it also removes much of the word. Kaldi's answer is CMVN per speaker. This
probe does the equivalent in the waveform, so that the effect can be measured before attn-speech
grows it: for each speaker (FSDD: the second field of the file name; espeak-ng digits: the voice
index), the average power spectrum of its speech frames is smoothed in the cepstrum (the first
14 coefficients, as cepstral mean subtraction sees it) and divided out with a zero-phase filter;
each file is then scaled to one RMS. Only a speaker's own recordings are used, never labels.

  python3 speaker_equalize.py FSDD_RECORDINGS OUT_RECORDINGS [ESPEAK_DIR OUT_ESPEAK_DIR]

ESPEAK_DIR is a make_espeak_digits.sh folder; OUT_ESPEAK_DIR gets the copies and a list.tsv.
Then, e.g. (the espeak copies in WORK/espeak120):
  FSDD_DIR=OUT_RECORDINGS ESPEAK_PER_DIGIT=120 bash fsdd_inner_validation.sh BUILD WORK \
      espeak-vtlp-max-tta-nocmvn
"""
import os
import sys
import wave
from collections import defaultdict

import numpy as np

RATE = 8000


def read(path):
    with wave.open(path) as w:
        channels = w.getnchannels()
        if w.getsampwidth() != 2 or w.getframerate() != RATE:
            sys.exit(f"{path}: expected 16-bit PCM at {RATE} Hz")
        x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float64) / 32768.0
    return x.reshape(-1, channels).mean(1)


def write(path, y):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.clip(y, -1, 1) * 32767).astype(np.int16).tobytes())


def speech_spectrum(signals, n=256, hop=80):
    """Average power spectrum of the frames within 20 dB of each file's loudest."""
    total, count = np.zeros(n // 2 + 1), 0
    window = np.hanning(n)
    for x in signals:
        x = np.pad(x, (0, max(0, n - len(x))))
        power = np.abs(np.fft.rfft(np.lib.stride_tricks.sliding_window_view(x, n)[::hop] * window, axis=1)) ** 2
        energy = power.sum(1)
        loud = energy > 0.01 * energy.max()
        total += power[loud].sum(0)
        count += loud.sum()
    return total / max(count, 1)


def smoothed_log(spectrum, keep=14):
    """The log spectrum with only its first `keep` cepstral coefficients (orthonormal DCT-II)."""
    n = len(spectrum)
    k, i = np.arange(n)[:, None], np.arange(n)[None, :]
    basis = np.cos(np.pi * (i + 0.5) * k / n) * np.sqrt(2.0 / n)
    basis[0] /= np.sqrt(2)
    ceps = basis @ np.log(spectrum + 1e-10)
    ceps[keep:] = 0
    out = basis.T @ ceps
    return out - out.mean()


def equalize(groups, destination):
    for paths in groups.values():
        signals = [read(p) for p in paths]
        log_spectrum = smoothed_log(speech_spectrum(signals))
        for path, x in zip(paths, signals):
            size = 1 << int(np.ceil(np.log2(len(x) + 256)))
            grid = np.linspace(0, 1, size // 2 + 1)
            gain = np.exp(-0.5 * np.interp(grid, np.linspace(0, 1, len(log_spectrum)), log_spectrum))
            y = np.fft.irfft(np.fft.rfft(x, size) * gain, size)[: len(x)]
            write(destination(path), y * 0.1 / (np.sqrt(np.mean(y**2)) + 1e-9))


def main(argv):
    if len(argv) not in (3, 5):
        sys.exit(__doc__)
    source, out = argv[1], argv[2]
    os.makedirs(out, exist_ok=True)
    speakers = defaultdict(list)
    for name in sorted(os.listdir(source)):
        if name.endswith(".wav"):
            speakers[name.split("_")[1]].append(os.path.join(source, name))
    equalize(speakers, lambda p: os.path.join(out, os.path.basename(p)))
    if len(argv) == 5:
        espeak, espeak_out = argv[3], argv[4]
        os.makedirs(espeak_out, exist_ok=True)
        entries = [line.rstrip("\n").split("\t") for line in open(os.path.join(espeak, "list.tsv"))]
        voices = defaultdict(list)
        for path, _ in entries:  # {digit}_espeak_{voice}.wav
            voices[path.rsplit("_", 1)[1]].append(path)
        equalize(voices, lambda p: os.path.join(espeak_out, os.path.basename(p)))
        with open(os.path.join(espeak_out, "list.tsv"), "w") as listing:
            for path, digit in entries:
                listing.write(f"{os.path.join(espeak_out, os.path.basename(path))}\t{digit}\n")


if __name__ == "__main__":
    main(sys.argv)
