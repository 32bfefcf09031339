#!/usr/bin/env python3
"""Checks that attn's safetensors files and NumPy agree, both ways.

    check_checkpoint.py --tool BUILD/tests/checkpoint_interop

1. The C++ tool writes files (F32, F16, BF16 storage); this script reads them with the plain
   reader in safetensors_io.py and checks layout, metadata and every value.
2. This script writes a file with F32, F16, BF16, F64 and I64 tensors; the C++ tool checks it.
3. Damaged files: the C++ tool must reject one with a named error, and so must the reader here.
Both sides fill tensor k with value(k, i) = (((37 i + 11 k) mod 101) - 50) / 8.
Prints each failure and a count; exits non-zero on any failure.
"""

import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import SafeTensorsError, read_safetensors, write_safetensors  # noqa: E402

CPP_TENSORS = {"layer.0.weight": (0, (3, 4)), "layer.0.bias": (1, (4,)), "scalar": (2, ()),
               "empty": (3, (0, 5))}
CPP_METADATA = {"attn.task": "interop", "attn.labels": '["café","日本語"]',
                "attn.format_version": "1"}


def values(k, shape):
    i = np.arange(int(np.prod(shape)), dtype=np.int64)
    return (((37 * i + 11 * k) % 101 - 50) / 8.0).astype(np.float32).reshape(shape)


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL: {what}")


def run_tool(tool, *args):
    return subprocess.run([tool, *args], capture_output=True, text=True)


def check_cpp_file(checks, tool, workdir, storage):
    path = os.path.join(workdir, f"from_cpp_{storage}.safetensors")
    result = run_tool(tool, "write", path, storage)
    checks.check(result.returncode == 0, f"C++ writes {storage}: {result.stderr.strip()}")
    if result.returncode != 0:
        return
    with open(path, "rb") as f:
        blob = f.read()
    (header_length,) = struct.unpack("<Q", blob[:8])
    header_text = blob[8:8 + header_length].decode("utf-8")
    checks.check(header_length % 8 == 0,
                 f"{storage}: header length {header_length} is a multiple of 8")
    header = json.loads(header_text)
    keys = list(header)
    checks.check(keys == sorted(keys), f"{storage}: header keys in sorted order: {keys}")
    offsets = [header[name]["data_offsets"] for name in sorted(CPP_TENSORS)]
    checks.check(offsets == sorted(offsets), f"{storage}: data laid out in name order: {offsets}")
    checks.check(len(blob) == 8 + header_length + offsets[-1][1], f"{storage}: no trailing bytes")

    tensors, metadata = read_safetensors(path)
    checks.check(metadata == CPP_METADATA, f"{storage}: metadata {metadata}")
    checks.check(set(tensors) == set(CPP_TENSORS), f"{storage}: tensor names {sorted(tensors)}")
    for name, (k, shape) in CPP_TENSORS.items():
        checks.check(header[name]["dtype"] == storage, f"{storage}: dtype of {name}")
        got = tensors.get(name)
        checks.check(got is not None and got.shape == shape, f"{storage}: shape of {name}")
        if got is not None:
            checks.check(np.array_equal(got.astype(np.float32), values(k, shape)),
                         f"{storage}: values of {name}")

    # The same file cut short is rejected by the Python reader too, naming the tensor.
    cut = os.path.join(workdir, f"cut_{storage}.safetensors")
    with open(cut, "wb") as f:
        f.write(blob[:-4])
    try:
        read_safetensors(cut)
        checks.check(False, f"{storage}: the Python reader rejects a cut file")
    except SafeTensorsError as error:
        checks.check("run past the end" in str(error), f"{storage}: cut file message: {error}")


def check_python_file(checks, tool, workdir):
    path = os.path.join(workdir, "from_python.safetensors")
    write_safetensors(path, {
        "py.f32": values(0, (2, 3)),
        "py.f16": values(1, (5,)).astype(np.float16),
        "py.bf16": values(2, (2, 2, 2)),
        "py.f64": values(3, (3,)).astype(np.float64),
        "py.ids": np.array([1, -2, 3000000000], dtype=np.int64),
    }, {"attn.task": "interop-python", "note": "ünïcødé ✓"}, bf16={"py.bf16"})
    result = run_tool(tool, "verify-python", path)
    checks.check(result.returncode == 0, f"C++ reads the Python file: {result.stderr.strip()}")

    # Python's own reader agrees with its writer.
    tensors, metadata = read_safetensors(path)
    checks.check(np.array_equal(tensors["py.bf16"], values(2, (2, 2, 2))), "Python BF16 round trip")
    checks.check(metadata["note"] == "ünïcødé ✓", "Python metadata round trip")

    # A damaged file: the C++ side rejects it with exit status 1 and names the tensor.
    with open(path, "rb") as f:
        blob = f.read()
    damaged = os.path.join(workdir, "damaged.safetensors")
    with open(damaged, "wb") as f:
        f.write(blob[:-1])
    result = run_tool(tool, "verify-python", damaged)
    checks.check(result.returncode == 1 and "damaged.safetensors" in result.stderr
                 and "'py.ids'" in result.stderr and "run past the end" in result.stderr,
                 f"C++ rejects a damaged file: status {result.returncode}, {result.stderr.strip()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tool", required=True, help="path to the checkpoint_interop executable")
    args = parser.parse_args()
    checks = Checks()
    with tempfile.TemporaryDirectory(prefix="attn_checkpoint_interop_") as workdir:
        for storage in ("F32", "F16", "BF16"):
            check_cpp_file(checks, args.tool, workdir, storage)
        check_python_file(checks, args.tool, workdir)
    print(f"check_checkpoint.py: {checks.passed} checks passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
