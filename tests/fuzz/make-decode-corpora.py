#!/usr/bin/env python3
# gst-imencode: writes the seed corpora of the decoder fuzz targets
# Copyright (C) 2026 gst-imencode contributors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes tests/fuzz/corpus-jpeg/ and tests/fuzz/corpus-png/: a few small
valid files (each under 4 KB) that reach the decoders' different paths.

JPEG (Pillow): 4:4:4, 4:2:2 and 4:2:0 colour at odd and even sizes, gray,
progressive, optimized Huffman tables, Adobe CMYK, 1x1.
PNG (Pillow): 1-bit, 8-bit and 16-bit gray, gray+alpha, RGB, RGBA, 4-bit
and 8-bit palettes with tRNS, RGB with a tRNS colour. Pillow writes neither
Adam7 nor 16-bit colour, so those (interlaced RGBA, interlaced 16-bit RGB,
16-bit RGBA) are put together here from raw rows with zlib; every file is
read back with Pillow and compared with the pixels it was made from.

Run with /usr/bin/python3 tests/fuzz/make-decode-corpora.py; the files are
deterministic.
"""

import io
import os
import struct
import zlib

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
LIMIT = 4096


def rgb_pattern(w, h):
    """R rises along x, G along y, B mixes both; a solid block near the
    top-left corner."""
    im = Image.new("RGB", (w, h))
    px = im.load()
    for y in range(h):
        for x in range(w):
            if 1 <= x < 5 and 1 <= y < 4:
                px[x, y] = (235, 20, 25)
            else:
                px[x, y] = (16 + 200 * x // w, 16 + 200 * y // h,
                            (x * 37 + y * 91) % 256)
    return im


def rgba16_pattern(w, h):
    """16-bit R, G, B, A samples whose low bytes vary too."""
    return [[((x * 65535 // w + y * 2053) % 65536,
              (y * 65535 // h + x * 389) % 65536,
              (65535 - x * 50000 // w + y * 917) % 65536,
              (x * 9973 + y * 30011 + 0x1234) % 65536)
             for x in range(w)] for y in range(h)]


def save(path, data):
    assert len(data) < LIMIT, (path, len(data))
    with open(path, "wb") as f:
        f.write(data)
    print(f"{os.path.relpath(path, HERE)}: {len(data)} bytes")


def pillow_bytes(im, fmt, **kw):
    out = io.BytesIO()
    im.save(out, fmt, **kw)
    return out.getvalue()


def chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))


# (x0, y0, dx, dy) of the seven Adam7 passes
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
         (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def raw_png(pixels, depth, color_type, interlace):
    """A PNG of @pixels (rows of sample tuples, 8 or 16 bits), every row
    with filter 0, Adam7 if @interlace."""
    h, w = len(pixels), len(pixels[0])

    def pack(row):
        fmt = ">H" if depth == 16 else ">B"
        return b"\0" + b"".join(struct.pack(fmt, s) for p in row for s in p)

    raw = b""
    if interlace:
        for x0, y0, dx, dy in ADAM7:
            xs, ys = range(x0, w, dx), range(y0, h, dy)
            if len(xs) and len(ys):
                raw += b"".join(pack([pixels[y][x] for x in xs]) for y in ys)
    else:
        raw = b"".join(pack(row) for row in pixels)
    ihdr = struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0,
                       1 if interlace else 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def check_png(data, pixels, depth):
    """Pillow must read back the high bytes of @pixels."""
    im = Image.open(io.BytesIO(data))
    im.load()
    shift = 8 if depth == 16 else 0
    want = [tuple(s >> shift for s in p) for row in pixels for p in row]
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[len(pixels[0][0])]
    assert list(im.convert(mode).getdata()) == [
        p[0] if mode == "L" else p for p in want], "Pillow disagrees"


def jpegs(out):
    os.makedirs(out, exist_ok=True)
    save(os.path.join(out, "rgb-444-32x24.jpg"),
         pillow_bytes(rgb_pattern(32, 24), "JPEG", quality=75,
                      subsampling=0))
    save(os.path.join(out, "rgb-422-33x17.jpg"),
         pillow_bytes(rgb_pattern(33, 17), "JPEG", quality=75,
                      subsampling=1))
    save(os.path.join(out, "rgb-420-40x30.jpg"),
         pillow_bytes(rgb_pattern(40, 30), "JPEG", quality=75,
                      subsampling=2))
    save(os.path.join(out, "gray-24x20.jpg"),
         pillow_bytes(rgb_pattern(24, 20).convert("L"), "JPEG", quality=75))
    save(os.path.join(out, "progressive-420-32x32.jpg"),
         pillow_bytes(rgb_pattern(32, 32), "JPEG", quality=75,
                      subsampling=2, progressive=True))
    save(os.path.join(out, "optimized-444-17x9.jpg"),
         pillow_bytes(rgb_pattern(17, 9), "JPEG", quality=90,
                      subsampling=0, optimize=True))
    save(os.path.join(out, "cmyk-16x16.jpg"),
         pillow_bytes(rgb_pattern(16, 16).convert("CMYK"), "JPEG",
                      quality=75))
    save(os.path.join(out, "rgb-1x1.jpg"),
         pillow_bytes(rgb_pattern(1, 1), "JPEG", quality=75))
    for name in sorted(os.listdir(out)):
        im = Image.open(os.path.join(out, name))
        im.load()


def pngs(out):
    os.makedirs(out, exist_ok=True)
    rgb = rgb_pattern(17, 9)
    gray = rgb.convert("L")
    save(os.path.join(out, "gray1-17x9.png"),
         pillow_bytes(gray.convert("1"), "PNG"))
    save(os.path.join(out, "gray8-17x9.png"), pillow_bytes(gray, "PNG"))
    gray16 = Image.new("I;16", (17, 9))
    gray16.putdata([(x * 3001 + y * 5003) % 65536
                    for y in range(9) for x in range(17)])
    save(os.path.join(out, "gray16-17x9.png"), pillow_bytes(gray16, "PNG"))
    graya = gray.convert("LA")
    graya.putalpha(Image.linear_gradient("L").resize((17, 9)))
    save(os.path.join(out, "graya8-17x9.png"), pillow_bytes(graya, "PNG"))
    save(os.path.join(out, "rgb8-17x9.png"), pillow_bytes(rgb, "PNG"))
    rgba = rgb.convert("RGBA")
    rgba.putalpha(Image.linear_gradient("L").rotate(90).resize((17, 9)))
    save(os.path.join(out, "rgba8-17x9.png"), pillow_bytes(rgba, "PNG"))
    pal4 = rgb.quantize(colors=12)
    save(os.path.join(out, "palette4-trns-17x9.png"),
         pillow_bytes(pal4, "PNG", transparency=bytes(range(0, 240, 40))))
    pal8 = rgb_pattern(23, 11).quantize(colors=100)
    save(os.path.join(out, "palette8-trns-23x11.png"),
         pillow_bytes(pal8, "PNG", transparency=0))
    save(os.path.join(out, "rgb8-trns-17x9.png"),
         pillow_bytes(rgb, "PNG", transparency=rgb.getpixel((8, 4))))

    rgba8 = [[(r >> 8, g >> 8, b >> 8, a >> 8) for r, g, b, a in row]
             for row in rgba16_pattern(19, 13)]
    data = raw_png(rgba8, 8, 6, True)
    check_png(data, rgba8, 8)
    save(os.path.join(out, "rgba8-interlaced-19x13.png"), data)
    rgb16 = [[p[:3] for p in row] for row in rgba16_pattern(11, 10)]
    data = raw_png(rgb16, 16, 2, True)
    check_png(data, rgb16, 16)
    save(os.path.join(out, "rgb16-interlaced-11x10.png"), data)
    rgba16 = rgba16_pattern(9, 7)
    data = raw_png(rgba16, 16, 6, False)
    check_png(data, rgba16, 16)
    save(os.path.join(out, "rgba16-9x7.png"), data)


if __name__ == "__main__":
    jpegs(os.path.join(HERE, "corpus-jpeg"))
    pngs(os.path.join(HERE, "corpus-png"))
