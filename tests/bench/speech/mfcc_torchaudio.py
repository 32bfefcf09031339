"""torchaudio.compliance.kaldi.mfcc real-time factor on a WAV file, one thread (the baseline of
run_speech_bench.sh). Samples on the int16 scale, Kaldi's default options, dither 0.

    /usr/bin/python3 tests/bench/speech/mfcc_torchaudio.py WAV [--seconds S]
Prints "mfcc_rtf <rtf> <audio seconds>".
"""
import argparse
import time
import wave

import numpy as np
import torch
from torchaudio.compliance import kaldi


def main():
    p = argparse.ArgumentParser()
    p.add_argument("wav")
    p.add_argument("--seconds", type=float, default=5.0)
    a = p.parse_args()
    torch.set_num_threads(1)
    with wave.open(a.wav, "rb") as w:
        rate = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32)
    wav = torch.from_numpy(x).unsqueeze(0)
    run = lambda: kaldi.mfcc(wav, sample_frequency=rate, dither=0.0)
    run()
    best = float("inf")
    for _ in range(5):
        calls, start = 0, time.perf_counter()
        while True:
            run()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= a.seconds / 5:
                break
        best = min(best, elapsed / calls)
    seconds = len(x) / rate
    print("mfcc_rtf %.6f %.1f" % (best / seconds, seconds))


if __name__ == "__main__":
    main()
