#!/usr/bin/env python3
"""PyTorch reference for attn's GAT layer (tests/unit/test_graph_gat.cc), one file per case.

    /usr/bin/python3 tests/reference/make_graph_fixtures.py --seed 0 --out tests/fixtures/graph

Each safetensors file holds the inputs "x" (N, F), the CSR "row_ptr" (N+1,) and "col" (E,)
(row i = destination, col = its sources, I32), the layer's parameters under attn's names
("m.weight" (F, H*D), "m.att_src"/"m.att_dst" (H, D), "m.weight_dst", "m.att", "m.bias",
"m.residual.weight" (F, out)), a random upstream gradient "dy", the output "y", the attention
probabilities "probs" (E, H) and "grad.<name>" for x and every parameter. __metadata__
"config" gives every setting. The reference is a dense (N, N) masked softmax in float64, a
formulation independent of attn's CSR loops; a row with no neighbour outputs 0.
"""
import argparse
import json
import math
import os
import sys
import zlib

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import write_safetensors  # noqa: E402

torch.set_default_dtype(torch.float64)
SLOPE = 0.2


def random_graph(gen, N):
    """Neighbour lists: self-loops on most rows, one row empty, a few random sources."""
    row_ptr, col = [0], []
    for i in range(N):
        if i == N - 1:
            nbrs = []
        else:
            count = int(torch.randint(1, 4, (1,), generator=gen))
            nbrs = set(torch.randperm(N, generator=gen)[:count].tolist())
            if i % 2 == 0:
                nbrs.add(i)
            nbrs = sorted(nbrs)
        col += nbrs
        row_ptr.append(len(col))
    return row_ptr, col


def leaf(gen, shape, scale=1.0):
    t = (torch.randn(*shape, generator=gen, dtype=torch.float32) * scale).double()
    return t.requires_grad_(True)


def gat_reference(x, P, cfg, allowed):
    """allowed: (N, N) bool, allowed[i, j] = j is a neighbour (source) of i."""
    N, H, D = x.shape[0], cfg["heads"], cfg["head_dim"]
    wh = (x @ P["m.weight"]).view(N, H, D)
    if cfg["score"] == "additive":
        a_dst = (wh * P["m.att_dst"]).sum(-1)  # (N, H)
        a_src = (wh * P["m.att_src"]).sum(-1)
        s = F.leaky_relu(a_dst[:, None, :] + a_src[None, :, :], SLOPE)  # (N_i, N_j, H)
    elif cfg["score"] == "gatv2":
        wd = (x @ P["m.weight_dst"]).view(N, H, D)
        z = F.leaky_relu(wd[:, None] + wh[None, :], SLOPE)  # (N_i, N_j, H, D)
        s = (z * P["m.att"]).sum(-1)
    else:
        s = torch.einsum("ihd,jhd->ijh", wh, wh) / math.sqrt(D)
    m = allowed[:, :, None]
    smax = s.masked_fill(~m, -1e30).amax(dim=1, keepdim=True)
    e = torch.exp(s.masked_fill(~m, -1e30) - smax) * m
    p = e / e.sum(dim=1, keepdim=True).clamp_min(1e-300)  # (N_i, N_j, H)
    o = torch.einsum("ijh,jhd->ihd", p, wh)
    y = o.reshape(N, H * D) if cfg["concat"] else o.mean(dim=1)
    y = y + P["m.bias"]
    if cfg["residual"]:
        y = y + (x if "m.residual.weight" not in P else x @ P["m.residual.weight"])
    if cfg["elu"]:
        y = F.elu(y)
    return y, p


def make_case(name, gen, score, concat, residual, elu, N, F_in, H, D):
    row_ptr, col = random_graph(gen, N)
    allowed = torch.zeros(N, N, dtype=torch.bool)
    for i in range(N):
        for e in range(row_ptr[i], row_ptr[i + 1]):
            allowed[i, col[e]] = True
    out = H * D if concat else D
    cfg = dict(nodes=N, in_features=F_in, heads=H, head_dim=D, score=score, concat=concat,
               residual=residual, elu=elu, negative_slope=SLOPE, edges=len(col))
    x = leaf(gen, (N, F_in))
    P = {"m.weight": leaf(gen, (F_in, H * D), 0.5)}
    if score == "additive":
        P["m.att_src"] = leaf(gen, (H, D), 0.5)
        P["m.att_dst"] = leaf(gen, (H, D), 0.5)
    elif score == "gatv2":
        P["m.weight_dst"] = leaf(gen, (F_in, H * D), 0.5)
        P["m.att"] = leaf(gen, (H, D), 0.5)
    P["m.bias"] = leaf(gen, (out,), 0.1)
    if residual and F_in != out:
        P["m.residual.weight"] = leaf(gen, (F_in, out), 0.5)
    y, p = gat_reference(x, P, cfg, allowed)
    dy = torch.randn(*y.shape, generator=gen, dtype=torch.float32).double()
    names = ["x"] + list(P)
    grads = torch.autograd.grad((y * dy).sum(), [x] + list(P.values()))
    probs = torch.stack([p[i, col[e]] for i in range(N) for e in range(row_ptr[i], row_ptr[i + 1])])
    tensors = {"x": x, **P, "dy": dy, "y": y, "probs": probs}
    tensors.update({"grad." + n: g for n, g in zip(names, grads)})
    arrays = {k: v.detach().numpy().astype(np.float32) for k, v in tensors.items()}
    arrays["row_ptr"] = np.array(row_ptr, np.int32)
    arrays["col"] = np.array(col, np.int32)
    meta = {"case": name, "config": json.dumps(cfg, sort_keys=True),
            "generator": "tests/reference/make_graph_fixtures.py (torch %s)" % torch.__version__}
    return arrays, meta


CASES = {  # name: score, concat, residual, elu, N, F, H, D
    "gat_additive": ("additive", True, False, True, 7, 5, 2, 3),
    "gat_additive_mean": ("additive", False, True, False, 6, 4, 3, 2),
    "gat_gatv2": ("gatv2", True, True, True, 7, 5, 2, 3),
    "gat_dot": ("dot", False, True, False, 6, 3, 2, 3),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name, spec in CASES.items():
        gen = torch.Generator().manual_seed(args.seed * 1000003 + zlib.crc32(name.encode()))
        arrays, meta = make_case(name, gen, *spec)
        write_safetensors(os.path.join(args.out, name + ".safetensors"), arrays, meta)
    print("wrote %d fixtures to %s" % (len(CASES), args.out), file=sys.stderr)


if __name__ == "__main__":
    main()
