"""Greyscale image files from rows of 0..255 values (px[y][x]), standard library only: PNG
(zlib), binary PGM, 24-bit BMP and baseline JPEG (the standard tables of ITU T.81 Annex K).
Used by the sample and test-image generators in this folder."""
import math
import struct
import zlib


def png(px):
    raw = b"".join(b"\x00" + bytes(row) for row in px)
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", len(px[0]), len(px), 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


QUANT = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57,
         69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64,
         81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99]
ZIGZAG = sorted(range(64), key=lambda i: (i // 8 + i % 8, (i % 8) if (i // 8 + i % 8) % 2 == 0 else (i // 8)))
DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
DC_VALS = list(range(12))
AC_BITS = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D]
AC_VALS = bytes.fromhex(
    "01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25"
    "262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a83"
    "8485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3"
    "d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa")


def huffman_codes(bits, vals):
    codes, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(bits[length - 1]):
            codes[vals[k]] = (code, length)
            code, k = code + 1, k + 1
        code <<= 1
    return codes


def jpeg(px, quality_scale=0.5):
    """Baseline greyscale JPEG; the sides must be multiples of 8."""
    H, W = len(px), len(px[0])
    q = [max(1, min(255, int(v * quality_scale + 0.5))) for v in QUANT]
    dc, ac = huffman_codes(DC_BITS, DC_VALS), huffman_codes(AC_BITS, AC_VALS)
    out, acc, nbits = bytearray(), 0, 0

    def put(code, length):
        nonlocal acc, nbits
        acc, nbits = (acc << length) | code, nbits + length
        while nbits >= 8:
            byte = (acc >> (nbits - 8)) & 0xFF
            out.append(byte)
            if byte == 0xFF:
                out.append(0)
            nbits -= 8

    def magnitude(v):
        size = abs(v).bit_length()
        return size, (v if v >= 0 else v + (1 << size) - 1)

    cos = [[math.cos((2 * x + 1) * u * math.pi / 16) for x in range(8)] for u in range(8)]
    prev = 0
    for by in range(0, H, 8):
        for bx in range(0, W, 8):
            block = [[px[by + y][bx + x] - 128 for x in range(8)] for y in range(8)]
            coef = [0] * 64
            for v in range(8):
                for u in range(8):
                    s = sum(block[y][x] * cos[u][x] * cos[v][y] for y in range(8) for x in range(8))
                    cu, cv = (math.sqrt(0.5) if u == 0 else 1), (math.sqrt(0.5) if v == 0 else 1)
                    coef[v * 8 + u] = int(round(0.25 * cu * cv * s / q[v * 8 + u]))
            zz = [coef[i] for i in ZIGZAG]
            size, bits = magnitude(zz[0] - prev)
            prev = zz[0]
            put(*dc[size])
            if size:
                put(bits, size)
            run = 0
            for v in zz[1:]:
                if v == 0:
                    run += 1
                    continue
                while run > 15:
                    put(*ac[0xF0])
                    run -= 16
                size, bits = magnitude(v)
                put(*ac[(run << 4) | size])
                put(bits, size)
                run = 0
            if run:
                put(*ac[0x00])
    if nbits:
        put((1 << (8 - nbits)) - 1, 8 - nbits)

    def segment(marker, data):
        return struct.pack(">BBH", 0xFF, marker, len(data) + 2) + data
    header = b"\xff\xd8" + segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0")
    header += segment(0xDB, b"\0" + bytes(q[i] for i in ZIGZAG))
    header += segment(0xC0, struct.pack(">BHHB", 8, H, W, 1) + b"\x01\x11\x00")
    header += segment(0xC4, b"\x00" + bytes(DC_BITS) + bytes(DC_VALS))
    header += segment(0xC4, b"\x10" + bytes(AC_BITS) + AC_VALS)
    header += segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    return header + bytes(out) + b"\xff\xd9"


def pgm(px):
    return b"P5\n%d %d\n255\n" % (len(px[0]), len(px)) + b"".join(bytes(row) for row in px)


def bmp(px):  # 24-bit, bottom-up rows padded to 4 bytes
    H, W = len(px), len(px[0])
    row_bytes = (W * 3 + 3) // 4 * 4
    data = b"".join(b"".join(bytes([v, v, v]) for v in row).ljust(row_bytes, b"\0") for row in reversed(px))
    header = struct.pack("<2sIHHI", b"BM", 54 + len(data), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, W, H, 1, 24, 0, len(data), 2835, 2835, 0, 0)
    return header + info + data
