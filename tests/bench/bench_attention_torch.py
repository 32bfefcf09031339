#!/usr/bin/env python3
"""PyTorch side of run_attention_bench.sh: torch.nn.MultiheadAttention inference at the shapes of
attn-bench-attention (batch_first, eval(), inference_mode, need_weights=False, so PyTorch takes
its fused "fast path"). Prints lines "torch B T C H threads ms", timed like the C++ side: the best
per-call time of 10 rounds of at least seconds/10 each, after one warm-up call."""
import argparse
import ctypes
import time

import torch

ROUNDS = 10
SHAPES = [(32, 128, 256, 4), (8, 512, 256, 4), (1, 4096, 256, 4), (64, 50, 64, 4)]


def set_blas_threads(n):
    """torch.set_num_threads does not reach Debian's OpenBLAS (torch sees a "generic" BLAS),
    which otherwise runs its own thread per core, so that "1 thread" would use every core.
    Returns OpenBLAS's thread count, or None if torch's BLAS is not OpenBLAS."""
    try:
        blas = ctypes.CDLL("libblas.so.3")  # the library torch already loaded
        blas.openblas_set_num_threads(n)
        return blas.openblas_get_num_threads()
    except (OSError, AttributeError):
        return None


def best_seconds(f, seconds):
    f()
    best = float("inf")
    for _ in range(ROUNDS):
        calls, start = 0, time.perf_counter()
        while True:
            f()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds / ROUNDS:
                break
        best = min(best, elapsed / calls)
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--seconds", type=float, default=1.5)
    args = parser.parse_args()
    print(f"# torch {torch.__version__}, CPU capability {torch.backends.cpu.get_cpu_capability()}"
          if hasattr(torch.backends, "cpu") else f"# torch {torch.__version__}")
    torch.manual_seed(0)
    for threads in [int(t) for t in args.threads.split(",")]:
        torch.set_num_threads(threads)
        print(f"# torch threads {torch.get_num_threads()}, OpenBLAS threads {set_blas_threads(threads)}")
        for b, t, c, h in SHAPES:
            mha = torch.nn.MultiheadAttention(c, h, batch_first=True).eval()
            x = torch.randn(b, t, c)
            with torch.inference_mode():
                seconds = best_seconds(lambda: mha(x, x, x, need_weights=False), args.seconds)
            print(f"torch {b} {t} {c} {h} {threads} {seconds * 1e3:.3f}", flush=True)


if __name__ == "__main__":
    main()
