#!/usr/bin/env python3
# gst-imencode: writes the seed corpus of the fuzz-scan target
# Copyright (C) 2026 gst-imencode contributors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes tests/fuzz/corpus-scan/: streams for fuzz/fuzz-scan.c, each
starting with its two control bytes (byte 0 even: image framing, odd:
base64 records; byte 1: piece size - 1). Images come from the decoder
corpora (corpus-jpeg/, corpus-png/, made by make-decode-corpora.py):
concatenated, with junk between them, cut short, with a text header; base64
text one image per line, MIME-wrapped, as data URIs, URL-safe unpadded,
with blank lines and invalid lines.

Run with /usr/bin/python3 tests/fuzz/make-scan-corpus.py; the files are
deterministic.
"""

import base64
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus-scan")
LIMIT = 8192


def read(corpus, name):
    with open(os.path.join(HERE, corpus, name), "rb") as f:
        return f.read()


def save(name, images, piece, data):
    data = bytes([0 if images else 1, piece - 1]) + data
    assert len(data) < LIMIT, (name, len(data))
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    print("corpus-scan/%s: %d bytes" % (name, len(data)))


def main():
    os.makedirs(OUT, exist_ok=True)
    j1 = read("corpus-jpeg", "rgb-1x1.jpg")
    j2 = read("corpus-jpeg", "gray-24x20.jpg")
    p1 = read("corpus-png", "gray8-17x9.png")
    p2 = read("corpus-png", "palette4-trns-17x9.png")

    save("jpeg-png-jpeg", True, 7, j1 + p1 + j2)
    save("junk-between", True, 13, b"\0junk" + j1 + b"\r\n" + p2 + b"xx")
    save("cut-jpeg-then-png", True, 1, j2[:len(j2) // 2] + p1)
    save("cut-png-then-jpeg", True, 64, p2[:40] + j1)
    save("header-then-jpeg", True, 255,
         b"Content-Type: image/jpeg\r\n\r\n" + j1)
    save("partial-signatures", True, 3, b"\xff\xd8\x00\x89PN\xff" + j1[:5])

    b1, b2 = base64.b64encode(j1), base64.b64encode(p1)
    save("lines", False, 5, b1 + b"\n" + b2 + b"\r\n")
    save("mime", False, 19, base64.encodebytes(j2))
    save("data-uris", False, 11, b"data:image/jpeg;base64," + b1 +
         b"\ndata:text/plain;charset=utf-8;base64," + b2 + b"\n")
    save("url-safe-unpadded", False, 2,
         base64.urlsafe_b64encode(p2).rstrip(b"=") + b"\n")
    save("blank-and-invalid-lines", False, 1,
         b"\n\r\n  \n" + b1 + b"\nnot: base64\n" + b2 + b"QQ==Qg==\n")
    save("padded-records-one-line", False, 40, b1 + b2 + b1)


main()
