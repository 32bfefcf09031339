"""A small safetensors reader and writer in plain Python and NumPy (no `safetensors` package).

Layout: 8-byte little-endian header length N, N bytes of JSON header, then the raw
little-endian tensor bytes. The header maps each tensor name to
{"dtype": "F32", "shape": [..], "data_offsets": [begin, end]} (offsets into the data region)
and may hold "__metadata__": {string: string}.

    from safetensors_io import read_safetensors, write_safetensors
    tensors, metadata = read_safetensors("model.safetensors")
    write_safetensors("out.safetensors", {"w": np.ones((2, 3), np.float32)}, {"attn.task": "text"})

NumPy has no bfloat16: BF16 tensors are read as float32 (exactly), and written from float32
arrays named in `bf16=` (rounded to nearest, ties to even).
"""

import json
import math
import os
import struct
import tempfile

import numpy as np

MAX_HEADER_BYTES = 100 * 1024 * 1024

# safetensors dtype -> little-endian NumPy dtype (BF16 is handled by hand).
NUMPY_DTYPES = {
    "F64": np.dtype("<f8"), "F32": np.dtype("<f4"), "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"), "I32": np.dtype("<i4"), "I16": np.dtype("<i2"), "I8": np.dtype("i1"),
    "U64": np.dtype("<u8"), "U32": np.dtype("<u4"), "U16": np.dtype("<u2"), "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}
ITEM_SIZES = {name: dtype.itemsize for name, dtype in NUMPY_DTYPES.items()}
ITEM_SIZES["BF16"] = 2
# (NumPy kind, item size) -> safetensors dtype, for writing arrays of either byte order.
DTYPE_OF_ARRAY = {(dtype.kind, dtype.itemsize): name for name, dtype in NUMPY_DTYPES.items()}


class SafeTensorsError(ValueError):
    """A malformed file; the message names the file and the tensor or field."""


def bf16_bits_to_float32(bits):
    """uint16 bfloat16 bit patterns -> float32 values (exact)."""
    return (np.asarray(bits, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)


def float32_to_bf16_bits(values):
    """float32 values -> uint16 bfloat16 bit patterns, rounding to nearest, ties to even."""
    bits = np.ascontiguousarray(values, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
    nan = np.isnan(np.asarray(values, dtype=np.float32))
    rounded[nan] = ((bits[nan] >> 16) | 0x40).astype(np.uint16)  # keep NaNs NaN
    return rounded


def _natural(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def parse_safetensors(blob, name="<bytes>"):
    """Validates `blob` (the bytes of a whole file); returns (tensors, metadata)."""
    def fail(what):
        raise SafeTensorsError(f"{name}: {what}")

    if len(blob) < 8:
        fail(f"file is {len(blob)} bytes, too short for a safetensors file")
    (header_length,) = struct.unpack("<Q", blob[:8])
    if header_length > MAX_HEADER_BYTES:
        fail(f"header length {header_length} is above the limit of {MAX_HEADER_BYTES} bytes")
    if header_length > len(blob) - 8:
        fail(f"header length {header_length} runs past the end of the file ({len(blob)} bytes)")

    def no_repeats(pairs):
        keys = [key for key, _ in pairs]
        for key in keys:
            if keys.count(key) > 1:
                fail(f"header names '{key}' twice")
        return dict(pairs)

    try:
        header = json.loads(blob[8:8 + header_length].decode("utf-8"), object_pairs_hook=no_repeats)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(f"header is not valid JSON: {error}")
    if not isinstance(header, dict):
        fail("header is not a JSON object")

    data = memoryview(blob)[8 + header_length:]
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict):
        fail("__metadata__ is not a JSON object of strings")
    for key, value in metadata.items():
        if not isinstance(value, str):
            fail(f"__metadata__ entry '{key}' is not a string")

    tensors, ranges = {}, []
    for tensor, entry in header.items():
        where = f"tensor '{tensor}'"
        if not isinstance(entry, dict):
            fail(f"{where}: entry is not a JSON object")
        for field in ("dtype", "shape", "data_offsets"):
            if field not in entry:
                fail(f"{where}: missing field '{field}'")
        dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
        if dtype not in ITEM_SIZES:
            fail(f"{where}: unknown dtype '{dtype}'")
        if not isinstance(shape, list) or not all(_natural(d) for d in shape):
            fail(f"{where}: shape {shape} is not a list of non-negative integers")
        pair = isinstance(offsets, list) and len(offsets) == 2
        if not (pair and all(_natural(o) for o in offsets)):
            fail(f"{where}: data_offsets {offsets} is not a pair of non-negative integers")
        begin, end = offsets
        if begin > end:
            fail(f"{where}: data_offsets [{begin}, {end}] end before they begin")
        if end > len(data):
            fail(f"{where}: data_offsets [{begin}, {end}] run past the end of the file "
                 f"({len(data)} bytes of data)")
        needed = math.prod(shape) * ITEM_SIZES[dtype]
        if end - begin != needed:
            fail(f"{where}: data_offsets [{begin}, {end}] hold {end - begin} bytes but shape "
                 f"{tuple(shape)} of {dtype} needs {needed}")
        if end > begin:
            ranges.append((begin, end, tensor))
        raw = data[begin:end]
        if dtype == "BF16":
            array = bf16_bits_to_float32(np.frombuffer(raw, dtype="<u2"))
        else:
            array = np.frombuffer(raw, dtype=NUMPY_DTYPES[dtype]).copy()
        tensors[tensor] = array.reshape(shape)

    ranges.sort()
    for (b0, e0, t0), (b1, e1, t1) in zip(ranges, ranges[1:]):
        if b1 < e0:
            fail(f"tensors '{t0}' [{b0}, {e0}] and '{t1}' [{b1}, {e1}] overlap")
    return tensors, metadata


def read_safetensors(path):
    """Reads a whole file: returns ({name: np.ndarray}, {key: value})."""
    with open(path, "rb") as f:
        return parse_safetensors(f.read(), name=str(path))


def encode_safetensors(tensors, metadata=None, bf16=()):
    """The bytes of a safetensors file: tensors in name order, header padded to 8 bytes."""
    header = {"__metadata__": dict(metadata or {})}
    chunks, offset = [], 0
    for tensor in sorted(tensors):
        array = np.asarray(tensors[tensor])
        if tensor in bf16:
            dtype, raw = "BF16", float32_to_bf16_bits(array).astype("<u2").tobytes()
        else:
            dtype = DTYPE_OF_ARRAY.get((array.dtype.kind, array.dtype.itemsize))
            if dtype is None:
                raise TypeError(f"tensor '{tensor}': NumPy dtype {array.dtype} "
                                "has no safetensors dtype")
            raw = np.ascontiguousarray(array, dtype=NUMPY_DTYPES[dtype]).tobytes()
        header[tensor] = {"dtype": dtype, "shape": list(array.shape),
                          "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    text = text.encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def write_safetensors(path, tensors, metadata=None, bf16=()):
    """Writes atomically (temporary file beside `path`, then rename). `bf16` names tensors to
    store as BF16; every other array keeps its NumPy dtype (float32 -> F32, float16 -> F16...)."""
    blob = encode_safetensors(tensors, metadata, bf16)
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".tmp-")
    try:
        os.chmod(temp, 0o644)  # mkstemp makes it private; a model file is for everyone
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
