#!/usr/bin/env python3
"""PyTorch side of run_attention_bench.sh: torch.nn.MultiheadAttention inference at the shapes of
attn-bench-attention (batch_first, eval(), inference_mode, need_weights=False, so PyTorch takes
its fused "fast path"). Prints lines "torch B T C H threads ms", timed like the C++ side: the best
per-call time of 10 rounds of at least seconds/10 each, after one warm-up call."""
import argparse

import torch

from bench_torch_common import best_seconds, set_blas_threads

SHAPES = [(32, 128, 256, 4), (8, 512, 256, 4), (1, 4096, 256, 4), (64, 50, 64, 4)]


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
