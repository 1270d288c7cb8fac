#!/usr/bin/env python3
# gst-imencode: writes the seed corpora of the element fuzz targets
# Copyright (C) 2026 gst-imencode contributors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes tests/fuzz/corpus-imdecode/ and tests/fuzz/corpus-base64dec/:
streams for fuzz/fuzz-imdecode.c and fuzz/fuzz-base64dec.c, each starting
with the control bytes those files describe (caps, properties, how the
stream is cut). Images come from the decoder corpora (corpus-jpeg/,
corpus-png/, made by make-decode-corpora.py).

imdecode: images as bytes under each caps and without caps, concatenated,
with junk and a text header, cut short, as base64 records and as base64
text files (one image per line, MIME-wrapped, data URIs). base64dec: lines
of base64 images with blank, invalid, empty and non-image records, under
each caps and records mode, alone and followed by imdecode.

Run with /usr/bin/python3 tests/fuzz/make-element-corpora.py; the files
are deterministic. corpus-imdecode/found-* are inputs the fuzzer found
(kept as regression inputs; this script leaves them alone).
"""

import base64
import os

HERE = os.path.dirname(os.path.abspath(__file__))
LIMIT = 16384


def read(corpus, name):
    with open(os.path.join(HERE, corpus, name), "rb") as f:
        return f.read()


def save(corpus, name, control, data):
    out = os.path.join(HERE, corpus)
    os.makedirs(out, exist_ok=True)
    data = bytes(control) + data
    assert len(data) < LIMIT, (name, len(data))
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
    print("%s/%s: %d bytes" % (corpus, name, len(data)))


def main():
    j1 = read("corpus-jpeg", "rgb-420-40x30.jpg")
    j2 = read("corpus-jpeg", "cmyk-16x16.jpg")
    j3 = read("corpus-jpeg", "progressive-420-32x32.jpg")
    p1 = read("corpus-png", "rgba8-17x9.png")
    p2 = read("corpus-png", "rgb16-interlaced-11x10.png")
    b = base64.b64encode

    # imdecode: byte 0 caps and flags, byte 1 scale and format, bytes 2-3
    # how the stream is cut
    im = "corpus-imdecode"
    save(im, "jpeg-caps-rgb", [1, 0 << 2, 0, 255], j1)
    save(im, "png-caps-i420-rate", [6, 5 << 2, 1, 255], p1)
    save(im, "no-caps-mixed", [0, 1 << 2, 7, 3], j1 + p2 + j3 + p1)
    save(im, "no-caps-header-junk", [0, 4 << 2, 9, 40],
         b"Content-Type: image/jpeg\r\n\r\n" + j2 + b"\0junk\n" + p1)
    save(im, "cut-images-strict", [0x12, 2 << 2, 3, 1],
         j1[:len(j1) // 2] + p2[:60] + j3)
    save(im, "cmyk-scaled-gray", [1, 2 | 4 << 2, 5, 255], j2 + j1)
    save(im, "png-scaled-bgr", [2, 1 | 1 << 2, 4, 20], p2 + p1)
    save(im, "base64-records", [3, 0, 11, 255],
         b(j1) + b"data:image/png;base64," + b(p1))
    save(im, "octet-stream-hello", [4, 3 << 2, 2, 255], j1 + b"hello" + p1)
    save(im, "text-plain-flush", [5 | 0x20, 0, 6, 30], p1 + j3 + p2)
    save(im, "no-caps-base64-lines", [0, 0, 8, 4],
         b(j1) + b"\n" + b(p1) + b"\r\n\ndata:image/jpeg;base64," + b(j3) +
         b"\n")
    save(im, "no-caps-base64-mime", [0, 6 << 2, 12, 2],
         base64.encodebytes(j3))
    save(im, "caps-change-format-change", [0x08 | 1, 0x20, 10, 255],
         j1 + p1 + j3)
    save(im, "small-max-pixels-no-eos", [0x40 | 0x80, 0, 13, 255], j3 + j1)

    # base64dec: byte 0 caps, records and flags, byte 1 a records change
    # and the cut seed, byte 2 bounds the pieces
    bd = "corpus-base64dec"
    lines = (b(j1) + b"\n\n" + b"aGVsbG8=\n" + b(p1) + b"\r\nnot: base64\n" +
             b"data:image/png;base64," + b(p2) + b"\n\ndata:a;base64,\n" +
             b(j2))
    save(bd, "lines-no-caps", [0, 3, 9], lines)
    save(bd, "lines-to-imdecode", [0x40, 3, 5], lines)
    save(bd, "text-raw-strict-imdecode", [2 | 0x10 | 0x40, 3, 2], lines)
    save(bd, "records-to-imdecode", [1 | 0x40, 3 | 4, 255], b(j3))
    save(bd, "data-uri-caps", [3, 2 | 8, 40], b"data:image/png;base64," +
         b(p1))
    save(bd, "small-max-record", [2 | 0x20 | 8, 1, 7], lines)
    save(bd, "flush-and-records-change", [0x80 | 4, 2 | 16, 3], lines)
    save(bd, "buffer-mime", [1 | 4, 3, 255], base64.encodebytes(j1))


main()
