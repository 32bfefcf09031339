#!/usr/bin/env python3
"""Reference fixtures for attn's numerics test (tests/unit/test_numerics.cc), computed with PyTorch.

    /usr/bin/python3 tests/reference/make_fixtures.py --seed 0 --out tests/fixtures

writes one safetensors file per case into --out. Every file holds:

    inputs            "x", "ids", "q", "k", "v", "logits", "labels", "offsets", ...
    parameters        under the C++ layer's own names, the layer being called "m":
                      "m.weight", "m.q.bias", "m.layers.0.ln1.weight", ...
    "dy"              a fixed random upstream gradient; the loss is sum(y * dy)
    "y"               the forward output
    "grad.<name>"     d loss / d <name> for every float input and every parameter
    "table"           positional_sinusoidal only: the first max(lengths) rows of the table

and __metadata__ with "case", "seed", "small" and "config" (JSON: every shape and setting the C++
test needs, so it hard-codes none). Loss cases have a scalar loss "loss" and no "dy".

Integer tensors (ids, labels, CSR offsets, segment offsets) are stored as I32 and are also
listed in config["int_tensors"]. A packed batch is the rows of all sequences concatenated,
(T_total, C), with "offsets" (B+1,) the first row of each sequence and T_total at the end.

The reference runs in float64 from float32 inputs, so the expected values are the exact
answer for the stored inputs, rounded once to float32. Training-mode dropout is not compared
(attn's masks are counter-based hashes, not torch's generator): only the eval identity is, and
modules with dropout configured run in eval mode; the keep rate and 1/(1-p) scaling are tested
statistically in tests/unit/test_layers_dropout.cc.

--small writes the same cases with tiny shapes; the C++ test reads every shape from the files,
so any seed and either size must pass.
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

FORMAT_VERSION = 1


class Case:
    """Collects the tensors of one fixture: inputs, parameters, outputs and gradients."""

    def __init__(self, name, gen, config):
        self.name = name
        self.gen = gen
        self.config = dict(config)
        self.tensors = {}
        self.int_tensors = []
        self.leaves = {}  # name -> float64 leaf tensor that gets a gradient

    def rand(self, name, shape, scale=1.0, shift=0.0, grad=True):
        """A random normal leaf, rounded to float32 first so the stored values are exact."""
        t = (torch.randn(*shape, generator=self.gen, dtype=torch.float32) * scale + shift).double()
        t.requires_grad_(grad)
        self.tensors[name] = t.detach()
        if grad:
            self.leaves[name] = t
        return t

    def uniform(self, name, shape, lo, hi, grad=True):
        t = (torch.rand(*shape, generator=self.gen, dtype=torch.float32) * (hi - lo) + lo).double()
        t.requires_grad_(grad)
        self.tensors[name] = t.detach()
        if grad:
            self.leaves[name] = t
        return t

    def ints(self, name, values):
        t = torch.as_tensor(values, dtype=torch.int64)
        self.tensors[name] = t
        self.int_tensors.append(name)
        return t

    def output(self, y, name="y"):
        """Stores y and backpropagates loss = sum(y * dy) with a random dy."""
        dy = torch.randn(*y.shape, generator=self.gen, dtype=torch.float32).double()
        self.tensors["dy"] = dy
        self.tensors[name] = y.detach()
        self._backward((y * dy).sum())

    def loss(self, value):
        self.tensors["loss"] = value.detach().reshape(1)
        self._backward(value)

    def _backward(self, scalar):
        leaves = list(self.leaves.items())
        grads = torch.autograd.grad(scalar, [t for _, t in leaves], allow_unused=True)
        for (name, t), g in zip(leaves, grads):
            self.tensors["grad." + name] = torch.zeros_like(t) if g is None else g.detach()

    def save(self, out_dir, seed, small):
        tensors = {}
        for name, t in self.tensors.items():
            if name in self.int_tensors:
                tensors[name] = t.numpy().astype(np.int32)
            else:
                tensors[name] = t.numpy().astype(np.float32)
        config = dict(self.config)
        config["int_tensors"] = sorted(self.int_tensors)
        metadata = {
            "case": self.name,
            "seed": str(seed),
            "small": "1" if small else "0",
            "format_version": str(FORMAT_VERSION),
            "generator": "tests/reference/make_fixtures.py (torch %s)" % torch.__version__,
            "config": json.dumps(config, sort_keys=True),
        }
        write_safetensors(os.path.join(out_dir, self.name + ".safetensors"), tensors, metadata)


# ---------------------------------------------------------------------------------------------
# Shapes


def shapes(small):
    if small:
        return dict(lengths=[2, 1, 3], T=4, C=4, C_out=3, H=2, D=2, F=6, V=7, buckets=9,
                    K=3, B=3, max_len=5, window=1, nodes=5, bucket_max=3)
    return dict(lengths=[5, 1, 7], T=6, C=8, C_out=5, H=2, D=3, F=16, V=11, buckets=13,
                K=5, B=6, max_len=9, window=2, nodes=9, bucket_max=4)


def offsets_of(lengths):
    return [0] + list(np.cumsum(lengths).tolist())


def segment_ids(lengths):
    return [b for b, n in enumerate(lengths) for _ in range(n)]


def positions_in_segment(lengths):
    return [p for n in lengths for p in range(n)]


# ---------------------------------------------------------------------------------------------
# Reference implementations (explicit, no torch.nn.MultiheadAttention, so the semantics show)


def linear(x, w, b):
    return x @ w.t() + b


def layer_norm(x, w, b, eps=1e-5):
    return F.layer_norm(x, (x.shape[-1],), w, b, eps)


def gelu(x):
    return F.gelu(x)  # exact erf form (approximate='none')


def masked_softmax(scores, allowed):
    """Softmax over the last dim restricted to `allowed`; rows with no allowed key give 0."""
    s = scores.masked_fill(~allowed, float("-inf"))
    has_key = allowed.any(dim=-1, keepdim=True)
    s = torch.where(has_key, s, torch.zeros_like(s))  # avoid NaN in empty rows
    return torch.softmax(s, dim=-1) * has_key


def attention_mask(kind, lengths, T, window=0, csr=None):
    """allowed[i, j]: may query row i see key row j (global packed rows)."""
    if kind == "sparse":
        row_ptr, col = csr
        allowed = torch.zeros(T, T, dtype=torch.bool)
        for i in range(T):
            for e in range(row_ptr[i], row_ptr[i + 1]):
                allowed[i, col[e]] = True
        return allowed
    seg = torch.tensor(segment_ids(lengths))
    allowed = seg[:, None] == seg[None, :]  # key padding: never across sequences
    i = torch.arange(T)[:, None]
    j = torch.arange(T)[None, :]
    if kind == "causal":
        allowed &= j <= i
    elif kind == "window":
        allowed &= (i - j).abs() <= window
    elif kind != "none":
        raise ValueError(kind)
    return allowed


def attention_core(q, k, v, H, D, scoring, allowed, scale=None, slope=0.2):
    """q, k: (T, H*D) for dot-product, (T, H) for additive; v: (T, H*D) -> (T, H*D)."""
    T = v.shape[0]
    vh = v.view(T, H, D).transpose(0, 1)  # (H, T, D)
    if scoring == "dot":
        qh = q.view(T, H, D).transpose(0, 1)
        kh = k.view(T, H, D).transpose(0, 1)
        scores = (qh @ kh.transpose(1, 2)) * (scale if scale else 1.0 / math.sqrt(D))
    else:
        scores = F.leaky_relu(q.t()[:, :, None] + k.t()[:, None, :], slope)  # (H, Tq, Tk)
    p = masked_softmax(scores, allowed[None])
    return (p @ vh).transpose(0, 1).reshape(T, H * D)


def mha(x, P, m, H, allowed):
    T, C = x.shape
    q = linear(x, P[m + ".q.weight"], P[m + ".q.bias"])
    k = linear(x, P[m + ".k.weight"], P[m + ".k.bias"])
    v = linear(x, P[m + ".v.weight"], P[m + ".v.bias"])
    o = attention_core(q, k, v, H, C // H, "dot", allowed)
    return linear(o, P[m + ".out.weight"], P[m + ".out.bias"])


def ffn(x, P, m):
    h = gelu(linear(x, P[m + ".fc1.weight"], P[m + ".fc1.bias"]))
    return linear(h, P[m + ".fc2.weight"], P[m + ".fc2.bias"])


def encoder_block(x, P, m, H, allowed):
    """Pre-LN: x + attn(ln1(x)), then + ffn(ln2(.)); dropout off."""
    x = x + mha(layer_norm(x, P[m + ".ln1.weight"], P[m + ".ln1.bias"]), P, m + ".attn", H, allowed)
    return x + ffn(layer_norm(x, P[m + ".ln2.weight"], P[m + ".ln2.bias"]), P, m + ".ffn")


# ---------------------------------------------------------------------------------------------
# Parameter makers (PyTorch names)


def make_linear(c, m, n_in, n_out):
    bound = 1.0 / math.sqrt(n_in)
    c.uniform(m + ".weight", (n_out, n_in), -bound, bound)
    c.uniform(m + ".bias", (n_out,), -bound, bound)


def make_layer_norm(c, m, C):
    # Not the 1/0 init: random, so the gamma/beta paths are exercised.
    c.uniform(m + ".weight", (C,), 0.5, 1.5)
    c.rand(m + ".bias", (C,), 0.1)


def make_mha(c, m, C):
    for p in ("q", "k", "v", "out"):
        make_linear(c, m + "." + p, C, C)


def make_ffn(c, m, C, Fw):
    make_linear(c, m + ".fc1", C, Fw)
    make_linear(c, m + ".fc2", Fw, C)


def make_block(c, m, C, Fw):
    make_layer_norm(c, m + ".ln1", C)
    make_mha(c, m + ".attn", C)
    make_layer_norm(c, m + ".ln2", C)
    make_ffn(c, m + ".ffn", C, Fw)


def params(c):
    return c.leaves


# ---------------------------------------------------------------------------------------------
# Cases


def case_linear(c, s):
    x = c.rand("x", (s["T"], s["C"]))
    make_linear(c, "m", s["C"], s["C_out"])
    P = params(c)
    c.config.update(T=s["T"], in_features=s["C"], out_features=s["C_out"], bias=True)
    c.output(linear(x, P["m.weight"], P["m.bias"]))


def case_embedding(c, s):
    V, C, T = s["V"], s["C"], s["T"] + 3
    ids = torch.randint(0, V, (T,), generator=c.gen)
    ids[-1] = ids[0]  # a repeated id: its gradient rows must accumulate
    c.ints("ids", ids)
    w = c.rand("m.weight", (V, C))
    c.config.update(T=T, vocab=V, dim=C)
    c.output(w[ids])


def case_hashed_embedding(c, s):
    """y_t = mean of table rows ids[offsets[t] : offsets[t+1]], 0 for a token with no bucket
    (nn.EmbeddingBag(mode="mean") with include_last_offset=True)."""
    nb, C, T = s["buckets"], s["C"], s["T"]
    counts = torch.randint(1, s["bucket_max"] + 1, (T,), generator=c.gen)
    counts[T // 2] = 0  # an item with no buckets
    offs = offsets_of(counts.tolist())
    ids = torch.randint(0, nb, (offs[-1],), generator=c.gen)
    ids[1] = ids[0]  # a bucket listed twice (it counts twice)
    c.ints("offsets", offs)
    c.ints("ids", ids)
    w = c.rand("m.weight", (nb, C))
    c.config.update(T=T, buckets=nb, dim=C, nnz=offs[-1], reduction="mean")
    c.output(F.embedding_bag(ids, w, torch.tensor(offs), mode="mean", include_last_offset=True))


def case_layer_norm(c, s):
    x = c.rand("x", (s["T"], s["C"]), 2.0, shift=3.0)  # a nonzero mean
    make_layer_norm(c, "m", s["C"])
    P = params(c)
    c.config.update(T=s["T"], dim=s["C"], eps=1e-5)
    c.output(layer_norm(x, P["m.weight"], P["m.bias"]))


def case_gelu(c, s):
    x = c.rand("x", (s["T"], s["C"]), 2.0)
    c.config.update(T=s["T"], dim=s["C"], approximate="none")
    c.output(gelu(x))


def case_dropout_eval(c, s):
    x = c.rand("x", (s["T"], s["C"]))
    p = 0.25
    c.config.update(T=s["T"], dim=s["C"], p=p, training=False)
    c.output(F.dropout(x, p=p, training=False))


def sinusoidal_table(max_len, C):
    """PE[pos, 2i] = sin(pos / 10000^(2i/C)), PE[pos, 2i+1] = cos(same) (Vaswani et al.)."""
    pos = torch.arange(max_len, dtype=torch.float64)[:, None]
    i2 = torch.arange(0, C, 2, dtype=torch.float64)[None, :]
    angle = pos / torch.pow(10000.0, i2 / C)
    pe = torch.zeros(max_len, C)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)[:, : C // 2]
    return pe


def case_positional_sinusoidal(c, s):
    """y = x + PE[position within its sequence] over a packed ragged batch."""
    lengths, C = s["lengths"], s["C"]
    T = sum(lengths)
    c.ints("offsets", offsets_of(lengths))
    x = c.rand("x", (T, C))
    pe = sinusoidal_table(max(lengths), C)
    c.tensors["table"] = pe  # for reference: the first max(lengths) rows of the table
    c.config.update(T=T, dim=C, lengths=lengths, base=10000.0, layout="interleaved sin/cos")
    c.output(x + pe[positions_in_segment(lengths)])


def case_positional_learned(c, s):
    lengths, C = s["lengths"], s["C"]
    T = sum(lengths)
    c.ints("offsets", offsets_of(lengths))
    x = c.rand("x", (T, C))
    table = c.rand("m.weight", (s["max_len"], C), 0.5)
    c.config.update(T=T, dim=C, lengths=lengths, max_len=s["max_len"])
    c.output(x + table[positions_in_segment(lengths)])


def make_mha_case(mask):
    def case(c, s):
        lengths, H, C = s["lengths"], s["H"], s["C"]
        T = sum(lengths)
        window = s["window"] if mask == "window" else 0
        c.ints("offsets", offsets_of(lengths))
        x = c.rand("x", (T, C))
        make_mha(c, "m", C)
        c.config.update(T=T, dim=C, heads=H, lengths=lengths, mask=mask, window=window)
        c.output(mha(x, params(c), "m", H, attention_mask(mask, lengths, T, window)))
    return case


def case_feed_forward(c, s):
    x = c.rand("x", (s["T"], s["C"]))
    make_ffn(c, "m", s["C"], s["F"])
    c.config.update(T=s["T"], dim=s["C"], hidden=s["F"], activation="gelu")
    c.output(ffn(x, params(c), "m"))


def case_encoder_block(c, s):
    lengths, H, C = s["lengths"], s["H"], s["C"]
    T = sum(lengths)
    c.ints("offsets", offsets_of(lengths))
    x = c.rand("x", (T, C))
    make_block(c, "m", C, s["F"])
    # Causal, so the mask setting is seen to reach the block's attention.
    c.config.update(T=T, dim=C, heads=H, hidden=s["F"], lengths=lengths, mask="causal",
                    window=0, norm="pre", eps=1e-5)
    c.output(encoder_block(x, params(c), "m", H, attention_mask("causal", lengths, T)))


def case_encoder(c, s):
    lengths, H, C = s["lengths"], s["H"], s["C"]
    T = sum(lengths)
    layers = 2
    c.ints("offsets", offsets_of(lengths))
    x = c.rand("x", (T, C))
    for layer in range(layers):
        make_block(c, "m.layers.%d" % layer, C, s["F"])
    make_layer_norm(c, "m.norm", C)
    P = params(c)
    allowed = attention_mask("none", lengths, T)
    h = x
    for layer in range(layers):
        h = encoder_block(h, P, "m.layers.%d" % layer, H, allowed)
    # Dropout is configured but the pass is in eval mode, where it must be the identity.
    c.config.update(T=T, dim=C, heads=H, hidden=s["F"], layers=layers, lengths=lengths,
                    mask="none", window=0, norm="pre", final_norm=True, eps=1e-5, dropout=0.1,
                    attention_dropout=0.1, training=False)
    c.output(layer_norm(h, P["m.norm.weight"], P["m.norm.bias"]))


def case_pool_cls(c, s):
    lengths, C = s["lengths"], s["C"]
    T = sum(lengths)
    offs = offsets_of(lengths)
    c.ints("offsets", offs)
    x = c.rand("x", (T, C))
    c.config.update(T=T, dim=C, lengths=lengths, pooling="cls")
    c.output(x[offs[:-1]])


def case_pool_mean(c, s):
    lengths, C = s["lengths"], s["C"]
    T = sum(lengths)
    offs = offsets_of(lengths)
    c.ints("offsets", offs)
    x = c.rand("x", (T, C))
    c.config.update(T=T, dim=C, lengths=lengths, pooling="mean")
    c.output(torch.stack([x[offs[b]:offs[b + 1]].mean(dim=0) for b in range(len(lengths))]))


def case_cross_entropy(c, s):
    B, K = s["B"], s["K"]
    logits = c.rand("logits", (B, K), 2.0)
    labels = torch.randint(0, K, (B,), generator=c.gen)
    c.ints("labels", labels)
    smoothing = 0.1
    c.config.update(B=B, classes=K, label_smoothing=smoothing, reduction="mean")
    c.loss(F.cross_entropy(logits, labels, label_smoothing=smoothing, reduction="mean"))


def case_one_vs_all(c, s):
    """Multi-label BCEWithLogits, SUMMED over the K labels and averaged over the B examples
    (as attn::ova_sigmoid_loss): BCEWithLogitsLoss(reduction="sum") / B."""
    B, K = s["B"], s["K"]
    logits = c.rand("logits", (B, K), 2.0)
    targets = (torch.rand(B, K, generator=c.gen) < 0.3).long()
    targets[0] = 0  # an example with no label
    targets[1, 0] = targets[1, -1] = 1  # and one with several
    c.ints("targets", targets)
    c.config.update(B=B, classes=K, reduction="sum over classes, mean over batch")
    c.loss(F.binary_cross_entropy_with_logits(logits, targets.double(), reduction="sum") / B)


def random_csr(gen, N):
    """Random neighbour lists over N rows; row N//2 has none, row 0 includes itself."""
    row_ptr, col = [0], []
    for i in range(N):
        if i == N // 2:
            nbrs = []
        else:
            count = int(torch.randint(1, min(N, 4) + 1, (1,), generator=gen))
            nbrs = sorted(torch.randperm(N, generator=gen)[:count].tolist())
            if i == 0 and 0 not in nbrs:
                nbrs = sorted(nbrs + [0])
        col += nbrs
        row_ptr.append(len(col))
    return row_ptr, col


def make_attention_case(scoring, mask):
    def case(c, s):
        H, D = s["H"], s["D"]
        csr = None
        if mask == "sparse":
            T = s["nodes"]
            lengths = [T]  # segments are ignored by the sparse mask
            csr = random_csr(c.gen, T)
            c.ints("row_ptr", csr[0])
            c.ints("col", csr[1])
        else:
            lengths = s["lengths"]
            T = sum(lengths)
            c.ints("offsets", offsets_of(lengths))
        qk_width = H * D if scoring == "dot" else H
        q = c.rand("q", (T, qk_width))
        k = c.rand("k", (T, qk_width))
        v = c.rand("v", (T, H * D))
        window = s["window"] if mask == "window" else 0
        allowed = attention_mask(mask, lengths, T, window, csr)
        c.config.update(T=T, heads=H, head_dim=D, scoring=scoring, mask=mask, window=window,
                        lengths=lengths, scale=(1.0 / math.sqrt(D)) if scoring == "dot" else 0.0,
                        negative_slope=0.2)
        c.output(attention_core(q, k, v, H, D, scoring, allowed))
    return case


def case_patch_embedding(c, s):
    """ViT patch embedding: images (B, S, S, C) channels-last; the weight (dim, p*p*C) in
    (py, px, c) order is torch's Conv2d weight (dim, C, p, p) permuted."""
    B, S, Cin, p, D = (2, 4, 3, 2, s["C"]) if s["C"] == 4 else (2, 8, 3, 4, s["C"])
    x = c.rand("x", (B, S, S, Cin))
    P = p * p * Cin
    make_linear(c, "m.proj", P, D)
    W = params(c)
    conv_w = W["m.proj.weight"].reshape(D, p, p, Cin).permute(0, 3, 1, 2)
    y = F.conv2d(x.permute(0, 3, 1, 2), conv_w, W["m.proj.bias"], stride=p)  # (B, D, G, G)
    c.config.update(B=B, image_size=S, channels=Cin, patch=p, dim=D)
    c.output(y.flatten(2).transpose(1, 2).reshape(-1, D))  # (B*N, D), patches in grid order


def case_conv_stem(c, s):
    """ViT convolutional stem: log2(p) Conv2d(3x3, stride 2, padding 1) + GELU, then a 1x1
    projection. Each conv weight (c_out, 9*c_in) is in (ky, kx, c) order, torch's (c_out, c_in,
    3, 3) permuted; images (B, S, S, C) channels-last; output (B*N, dim) in grid order."""
    B, S, Cin, p, D = (2, 8, 3, 4, 16) if s["C"] == 4 else (2, 16, 3, 4, 24)
    x = c.rand("x", (B, S, S, Cin), grad=False)  # the stem gives pixels no gradient
    k = int(math.log2(p))
    widths = [Cin] + [max(8, D >> (k - i)) for i in range(1, k + 1)]
    for i in range(1, k + 1):
        make_linear(c, "m.conv%d" % i, 9 * widths[i - 1], widths[i])
    make_linear(c, "m.proj", widths[k], D)
    W = params(c)
    h = x.permute(0, 3, 1, 2)  # (B, C, S, S)
    for i in range(1, k + 1):
        w = W["m.conv%d.weight" % i].reshape(widths[i], 3, 3, widths[i - 1]).permute(0, 3, 1, 2)
        h = gelu(F.conv2d(h, w, W["m.conv%d.bias" % i], stride=2, padding=1))
    tokens = h.flatten(2).transpose(1, 2).reshape(-1, widths[k])  # (B*N, c_k)
    c.config.update(B=B, image_size=S, channels=Cin, patch=p, dim=D)
    c.output(linear(tokens, W["m.proj.weight"], W["m.proj.bias"]))


CASES = {
    "patch_embedding": case_patch_embedding,
    "conv_stem": case_conv_stem,
    "linear": case_linear,
    "embedding": case_embedding,
    "hashed_embedding": case_hashed_embedding,
    "layer_norm": case_layer_norm,
    "gelu": case_gelu,
    "dropout_eval": case_dropout_eval,
    "positional_sinusoidal": case_positional_sinusoidal,
    "positional_learned": case_positional_learned,
    "multi_head_attention": make_mha_case("none"),
    "multi_head_attention_causal": make_mha_case("causal"),
    "multi_head_attention_window": make_mha_case("window"),
    "feed_forward": case_feed_forward,
    "encoder_block": case_encoder_block,
    "encoder": case_encoder,
    "pool_cls": case_pool_cls,
    "pool_mean": case_pool_mean,
    "cross_entropy": case_cross_entropy,
    "one_vs_all": case_one_vs_all,
}
for _scoring in ("dot", "additive"):
    for _mask in ("none", "causal", "window", "sparse"):
        CASES["attention_%s_%s" % (_scoring, _mask)] = make_attention_case(_scoring, _mask)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True, help="directory for the .safetensors files")
    ap.add_argument("--small", action="store_true", help="tiny shapes (quick debugging)")
    ap.add_argument("--only", nargs="*", help="case names to write (default: all)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    s = shapes(args.small)
    names = args.only or list(CASES)
    unknown = set(names) - set(CASES)
    if unknown:
        ap.error("unknown case(s): " + ", ".join(sorted(unknown)))
    for name in CASES:
        if name not in names:
            continue
        # Each case has its own generator, so adding a case never changes the others.
        gen = torch.Generator().manual_seed(args.seed * 1000003 + zlib.crc32(name.encode()))
        c = Case(name, gen, {})
        CASES[name](c, s)
        c.save(args.out, args.seed, args.small)
    print("wrote %d fixtures to %s" % (len(names), args.out), file=sys.stderr)


if __name__ == "__main__":
    main()
