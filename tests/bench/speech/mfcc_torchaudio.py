"""torchaudio.compliance.kaldi.mfcc real-time factor on a WAV file, one thread (the baseline of
run_speech_bench.sh). Samples on the int16 scale, Kaldi's default options, dither 0.

    /usr/bin/python3 tests/bench/speech/mfcc_torchaudio.py WAV [--seconds S] [--utterances LIST]
Prints "mfcc_rtf <rtf> <audio seconds>"; with --utterances (one WAV path a line, same rate) also
"mfcc_utt_rtf <rtf> <audio seconds> <utterances>", one kaldi.mfcc call per recording as a user
would make it, the waveforms loaded as tensors beforehand.
"""
import argparse
import time
import wave

import numpy as np
import torch
from torchaudio.compliance import kaldi


def read(path):
    with wave.open(path, "rb") as w:
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32)
        return torch.from_numpy(x).unsqueeze(0), w.getframerate()


def best_seconds(run, seconds):
    run()
    best = float("inf")
    for _ in range(5):
        calls, start = 0, time.perf_counter()
        while True:
            run()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds / 5:
                break
        best = min(best, elapsed / calls)
    return best


def main():
    p = argparse.ArgumentParser()
    p.add_argument("wav")
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--utterances")
    a = p.parse_args()
    torch.set_num_threads(1)
    wav, rate = read(a.wav)
    with torch.inference_mode():
        best = best_seconds(lambda: kaldi.mfcc(wav, sample_frequency=rate, dither=0.0), a.seconds)
        seconds = wav.shape[1] / rate
        print("mfcc_rtf %.6f %.1f" % (best / seconds, seconds))
        if a.utterances:
            waves = [read(line.strip())[0] for line in open(a.utterances) if line.strip()]
            total = sum(w.shape[1] for w in waves) / rate

            def all_utterances():
                for w in waves:
                    kaldi.mfcc(w, sample_frequency=rate, dither=0.0)

            best = best_seconds(all_utterances, a.seconds)
            print("mfcc_utt_rtf %.6f %.1f %d" % (best / total, total, len(waves)))


if __name__ == "__main__":
    main()
