#!/usr/bin/env python3
"""PyTorch side of run_vit_bench.sh: the same ViT as attn-bench-vit (Conv2d patch embedding, or with
--stem conv attn's conv stem: log2(p) 3x3 stride-2 Conv2d with GELU and a 1x1 Conv2d; class
token, learned positions, pre-LN nn.TransformerEncoder with GELU, final LayerNorm, CLS head),
timed the same way. Inference runs in eval() under inference_mode, where nn.TransformerEncoder
takes its fused fast path; training is forward, cross-entropy, backward and an AdamW step.
Prints "torch infer|train STEM B T C L H threads images/s"."""
import argparse

import torch
import torch.nn as nn

from bench_torch_common import best_seconds, set_blas_threads


def conv_stem(channels, patch, dim):
    """attn's ConvStem: conv i of k = log2(patch) has max(8, dim >> (k - i)) channels."""
    k = patch.bit_length() - 1
    layers, c_in = [], channels
    for i in range(1, k + 1):
        c_out = max(8, dim >> (k - i))
        layers += [nn.Conv2d(c_in, c_out, 3, stride=2, padding=1), nn.GELU()]
        c_in = c_out
    return nn.Sequential(*layers, nn.Conv2d(c_in, dim, 1))


class ViT(nn.Module):
    def __init__(self, image, channels, patch, dim, layers, heads, ff, labels, stem):
        super().__init__()
        self.patch = (conv_stem(channels, patch, dim) if stem == "conv"
                      else nn.Conv2d(channels, dim, patch, stride=patch))
        tokens = 1 + (image // patch) ** 2
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos = nn.Parameter(torch.randn(1, tokens, dim) * 0.02)
        layer = nn.TransformerEncoderLayer(dim, heads, ff, dropout=0.0, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, norm=nn.LayerNorm(dim),
                                             enable_nested_tensor=False)
        self.head = nn.Linear(dim, labels)

    def forward(self, x):  # x: (B, C, S, S)
        e = self.patch(x).flatten(2).transpose(1, 2)
        e = torch.cat([self.cls.expand(x.shape[0], -1, -1), e], dim=1) + self.pos
        return self.head(self.encoder(e)[:, 0])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", default="1,2")
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--image", type=int, default=28)
    p.add_argument("--patch", type=int, default=4)
    p.add_argument("--dim", type=int, default=64)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--mlp-ratio", type=float, default=2.0)
    p.add_argument("--stem", choices=("linear", "conv"), default="linear")
    a = p.parse_args()
    print(f"# torch {torch.__version__}")
    torch.manual_seed(0)
    ff = max(1, round(a.dim * a.mlp_ratio))
    model = ViT(a.image, 1, a.patch, a.dim, a.layers, a.heads, ff, 10, a.stem)
    x = torch.randn(a.batch, 1, a.image, a.image)
    y = torch.arange(a.batch) % 10
    tokens = 1 + (a.image // a.patch) ** 2
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    for threads in [int(t) for t in a.threads.split(",")]:
        torch.set_num_threads(threads)
        set_blas_threads(threads)
        model.eval()
        with torch.inference_mode():
            infer = best_seconds(lambda: model(x), a.seconds)
        model.train()

        def step():
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x), y).backward()
            opt.step()
        train = best_seconds(step, a.seconds)
        shape = f"{a.stem} {a.batch} {tokens} {a.dim} {a.layers} {a.heads} {threads}"
        print(f"torch infer {shape} {a.batch / infer:.1f}", flush=True)
        print(f"torch train {shape} {a.batch / train:.1f}", flush=True)


if __name__ == "__main__":
    main()
