"""Kaldi feature fixtures from torchaudio.compliance.kaldi (Debian python3-torchaudio 0.13).

Cuts a short excerpt from one Free Spoken Digit Dataset recording (8 kHz PCM16), writes it and a
16 kHz copy (torchaudio's resampler, rounded to int16) as WAV files, and computes MFCC and fbank
features of both for a table of option combinations. Samples are on Kaldi's int16 scale (the
WAV's integers, not torchaudio.load's [-1, 1) floats). Output, read by tests/unit/test_audio_kaldi.cc:

    speech/excerpt_8k.wav, speech/excerpt_16k.wav
    speech/kaldi_8k.safetensors, speech/kaldi_16k.safetensors: one F32 tensor (T, F) per case, computed in float64;
        __metadata__["cases"] = JSON {case: {every feature option, attn names}}

Run from the repository root:

    /usr/bin/python3 tests/reference/make_speech_fixtures.py \
        --recording ../shared/data/fsdd/recordings/3_nicolas_7.wav --out tests/fixtures/speech
"""

import argparse
import json
import os
import sys
import wave

import numpy as np
import torch
import torchaudio
from torchaudio.compliance import kaldi

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import write_safetensors  # noqa: E402

DEFAULTS = {
    "sample_frequency": 16000.0, "frame_shift": 10.0, "frame_length": 25.0, "dither": 0.0,
    "preemphasis_coefficient": 0.97, "remove_dc_offset": True, "window_type": "povey",
    "round_to_power_of_two": True, "blackman_coeff": 0.42, "snip_edges": True,
    "num_mel_bins": 23, "low_freq": 20.0, "high_freq": 0.0, "num_ceps": 13,
    "cepstral_lifter": 22.0, "use_energy": True, "raw_energy": True, "energy_floor": 0.0,
    "htk_compat": False, "use_log_fbank": True, "use_power": True,
}
MFCC_ONLY = ("num_ceps", "cepstral_lifter")
FBANK_ONLY = ("use_log_fbank", "use_power")

# (name, kind, options that differ from Kaldi's defaults for that kind)
CASES = [
    ("mfcc_default", "mfcc", {}),
    ("mfcc_no_snip", "mfcc", {"snip_edges": False}),
    ("mfcc_hamming", "mfcc", {"window_type": "hamming"}),
    ("mfcc_hanning", "mfcc", {"window_type": "hanning"}),
    ("mfcc_rectangular", "mfcc", {"window_type": "rectangular"}),
    ("mfcc_blackman", "mfcc", {"window_type": "blackman"}),
    ("mfcc_no_energy", "mfcc", {"use_energy": False}),
    ("mfcc_windowed_energy", "mfcc", {"raw_energy": False}),
    ("mfcc_energy_floor", "mfcc", {"energy_floor": 1e6}),
    ("mfcc_lifter0", "mfcc", {"cepstral_lifter": 0.0}),
    ("mfcc_40bins", "mfcc", {"num_mel_bins": 40, "num_ceps": 20}),
    ("mfcc_high_freq_neg", "mfcc", {"high_freq": -400.0, "low_freq": 60.0}),
    ("mfcc_htk", "mfcc", {"htk_compat": True}),
    ("mfcc_htk_no_energy", "mfcc", {"htk_compat": True, "use_energy": False}),
    ("mfcc_no_pow2_no_snip", "mfcc", {"round_to_power_of_two": False, "snip_edges": False}),
    ("mfcc_no_dc_no_preemph", "mfcc", {"remove_dc_offset": False, "preemphasis_coefficient": 0.0}),
    ("mfcc_frames_20_5", "mfcc", {"frame_length": 20.0, "frame_shift": 5.0}),
    ("fbank_default", "fbank", {}),
    ("fbank_no_snip", "fbank", {"snip_edges": False}),
    ("fbank_40bins", "fbank", {"num_mel_bins": 40}),
    ("fbank_80bins", "fbank", {"num_mel_bins": 80, "low_freq": 0.0}),
    ("fbank_energy", "fbank", {"use_energy": True}),
    ("fbank_energy_htk", "fbank", {"use_energy": True, "htk_compat": True, "raw_energy": False}),
    ("fbank_magnitude", "fbank", {"use_power": False}),
    ("fbank_linear", "fbank", {"use_log_fbank": False, "num_mel_bins": 40}),
    ("fbank_high_freq_neg", "fbank", {"high_freq": -1000.0}),
    ("fbank_blackman_no_snip", "fbank", {"window_type": "blackman", "snip_edges": False}),
    ("fbank_hamming_80", "fbank", {"window_type": "hamming", "num_mel_bins": 80}),
]


def read_int16_wav(path):
    with wave.open(path, "rb") as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1, path
        rate = w.getframerate()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return data.astype(np.float32), rate


def write_int16_wav(path, samples, rate):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.asarray(samples, dtype="<i2").tobytes())


def options_for(kind, changes, rate):
    opts = dict(DEFAULTS)
    opts["use_energy"] = kind == "mfcc"
    opts.update(changes)
    opts["sample_frequency"] = float(rate)
    return opts


def compute(kind, opts, samples):
    args = {k: v for k, v in opts.items()
            if not (kind == "mfcc" and k in FBANK_ONLY) and not (kind == "fbank" and k in MFCC_ONLY)}
    wav = torch.from_numpy(samples.astype(np.float64)).unsqueeze(0)  # (1, n), int16 scale, float64
    fn = kaldi.mfcc if kind == "mfcc" else kaldi.fbank
    return fn(wav, **args).numpy().astype(np.float32)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--recording", required=True, help="an FSDD recording (8 kHz PCM16 WAV)")
    p.add_argument("--start", type=float, default=0.10, help="excerpt start (s)")
    p.add_argument("--seconds", type=float, default=0.25, help="excerpt length (s)")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)

    samples, rate = read_int16_wav(a.recording)
    assert rate == 8000, "FSDD recordings are 8 kHz"
    begin = int(a.start * rate)
    excerpt8 = samples[begin:begin + int(a.seconds * rate)]
    up = torchaudio.functional.resample(torch.from_numpy(samples).unsqueeze(0), 8000, 16000)[0].numpy()
    b16 = 2 * begin
    excerpt16 = np.clip(np.round(up[b16:b16 + int(a.seconds * 16000)]), -32768, 32767)
    write_int16_wav(os.path.join(a.out, "excerpt_8k.wav"), excerpt8, 8000)
    write_int16_wav(os.path.join(a.out, "excerpt_16k.wav"), excerpt16, 16000)

    for tag, rate in (("8k", 8000), ("16k", 16000)):
        wav, r = read_int16_wav(os.path.join(a.out, f"excerpt_{tag}.wav"))
        assert r == rate
        tensors, cases = {}, {}
        for name, kind, changes in CASES:
            opts = options_for(kind, changes, rate)
            tensors[name] = compute(kind, opts, wav)
            cases[name] = dict(opts, kind=kind)
        write_safetensors(os.path.join(a.out, f"kaldi_{tag}.safetensors"), tensors,
                          {"cases": json.dumps(cases, sort_keys=True),
                           "wav": f"excerpt_{tag}.wav",
                           "source": os.path.basename(a.recording)})
        print(f"{tag}: {len(CASES)} cases, {len(wav)} samples", file=sys.stderr)


if __name__ == "__main__":
    main()
