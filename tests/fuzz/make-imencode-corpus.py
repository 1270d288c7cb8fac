#!/usr/bin/env python3
# gst-imencode: writes the seed corpus of fuzz/fuzz-imencode.c
# Copyright (C) 2026 gst-imencode contributors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes tests/fuzz/corpus-imencode/: inputs for fuzz/fuzz-imencode.c, in
the layout that file describes (a 6-byte header, then operations).

One stream per input format with an odd size; then each encoding and
downstream caps, region mode with confidences, track ids and roi-select,
honest and lying GstVideoMetas, crop / resize / letterbox / fill, sizes at
and beyond the formats' limits, max-rate, on-demand snapshots, segments,
flushes, EOS, caps and downstream changes, threads changed while frames
are in flight, interlaced input and a state cycle.

Run with /usr/bin/python3 tests/fuzz/make-imencode-corpus.py; the files
are deterministic. corpus-imencode/found-* are inputs the fuzzer found
(kept as regression inputs; this script leaves them alone).
"""

import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus-imencode")

# imencode's sink formats, in the order of GST_IM_VIDEO_SINK_FORMATS
FORMATS = ["I420", "YV12", "NV12", "NV21", "Y42B", "Y444", "YUY2", "UYVY",
           "GRAY8", "RGB", "BGR", "RGBA", "BGRA", "ARGB", "ABGR", "RGBx",
           "BGRx", "xRGB", "xBGR"]

# fuzz-imencode.c's tables, by what they hold
SINK = {"any": 0, "jpeg": 1, "png": 2, "base64": 3, "data-uri": 4,
        "json": 5, "jpeg-16x12": 6, "png-ranges": 7, "base64-png-7x5": 8,
        "raw": 9, "jpeg-or-json": 10, "png-0fps": 11, "png-1000000x1": 12,
        "jpeg-65500x2": 13, "json-jpeg": 14, "jpeg-narrow": 15}
PROP = {"format": 0, "encoding": 1, "quality": 2, "subsampling": 3,
        "compression-level": 4, "crop-x": 5, "crop-y": 6, "crop-width": 7,
        "crop-height": 8, "width": 9, "height": 10, "method": 11,
        "aspect-mode": 12, "pad-color": 13, "threads": 14, "roi-type": 15,
        "roi-margin": 16, "min-confidence": 17, "roi-select": 18,
        "roi-best-timeout": 19, "max-rate": 20, "on-demand": 21,
        # selectors 224 and up (set_delivery_property ())
        "progressive": 224, "optimize": 225, "restart-interval": 226,
        "exif": 227, "max-bytes": 228, "annotate": 229,
        "annotate-color": 230, "annotate-thickness": 231,
        "roi-min-size": 232, "tags": 233, "threads-up-to-4": 234}
ROI_TYPE_PROP = {None: 0, "*": 1, "person": 2, "person,car": 3,
                 "spaced": 4, ",": 5, "": 6, "dog": 7, "escapes": 8,
                 "*,person": 9}
LARGE = {65500: 224, 65501: 225, 1000000: 226, 1000001: 227,
         50000000: 228, 1 << 28: 229, 2**31 - 1: 230, 2**31: 231,
         2**32 - 1: 232}
INTERLACE = {"progressive": 0, "interleaved": 2, "mixed": 3}


def size_code(n):
    """An input width or height code: 1..64, or a large one."""
    large = {65500: 248, 65501: 249, 65536: 250, 100000: 251}
    if n in large:
        return large[n]
    assert 1 <= n <= 64
    return n - 1


def header(fmt, w, h, fps=1, par=0, interlace="progressive", sink="any",
           threads=1, colorimetry=0, no_eos=False):
    return [FORMATS.index(fmt), size_code(w), size_code(h),
            fps | par << 3 | INTERLACE[interlace] << 6, SINK[sink],
            (threads - 1) | colorimetry << 2 | (0x80 if no_eos else 0)]


def prop(name, value):
    """A property operation; value is the byte fuzz-imencode.c maps."""
    return [6, PROP[name], value]


def crop_prop(name, n):
    """crop-*: 0..69 as they are, or one of fuzz-imencode.c's crop_values
    (1000, 2^31 - 1, 2^32 - 2, 2^32 - 1)."""
    if n < 70:
        return prop(name, n)
    specials = [0, 1, 2, 3, 7, 8, 31, 63, 64, 65, 1000, 2**31 - 1,
                2**32 - 2, 2**32 - 1]
    return prop(name, next(v for v in range(128, 256)
                           if specials[v % len(specials)] == n))


def size_prop(name, n):
    return prop(name, LARGE[n] if n in LARGE else n)


# the PTS byte of a frame (push_frame()): the next one (+1/25 s), none,
# near the end of time, the next without a duration, or a jump
NEXT, NONE, HUGE, NO_DURATION = 0, 5, 6, 7


def jump(tenths):
    return 3 | tenths << 3


def back(tenths):
    return 4 | tenths << 3


def frame(kind="exact", discont=False, split=False, regions=(), pts=NEXT,
          seed=0, interlaced=False, tff=False, meta=None, ref=None):
    """A frame operation. kind: exact, short, meta (honest) or lie;
    regions: region() byte lists; pts: NEXT, NONE, HUGE, NO_DURATION,
    jump() or back();
    meta: the extra bytes of a short buffer or a meta."""
    kinds = {"exact": 0, "short": 1, "meta": 2, "lie": 3}
    a = (kinds[kind] | (4 if discont else 0) | (8 if split else 0) |
         len(regions) << 4 | (0x80 if ref is not None else 0))
    out = [0, a, pts, (seed & 0x3f) | (0x40 if interlaced else 0) |
           (0x80 if tff else 0)]
    out += meta or []
    for r in regions:
        out += r
    if ref is not None:
        out += ref
    return out


def region(type_index, x, y, w, h, id_mode=1, confidence=None, track=None):
    """A GstVideoRegionOfInterestMeta: confidence is a byte (/255), or one
    of "nan", "inf", "int", "string"; track a small id, or one of "uint",
    "int64", "uint64", "string"."""
    conf_kinds = {None: 0, "nan": 3, "inf": 4, "int": 5, "string": 6}
    track_kinds = {None: 0, "uint": 3, "int64": 4, "uint64": 5,
                   "string": 6}
    extra = []
    if isinstance(confidence, int):
        ck = 1
        extra.append(confidence)
    else:
        ck = conf_kinds[confidence]
    if isinstance(track, int):
        tk = 1
        track_byte = [track]
    else:
        tk = track_kinds[track]
        track_byte = []
    kinds = id_mode | ck << 2 | tk << 5
    return [type_index, kinds, x, y, w, h] + extra + track_byte


def flush(reset=True, segment=None):
    return [9 | (0x10 if reset else 0) | (0x20 if segment else 0)] + \
        (segment or [])


def segment(a, b):
    return [10, a, b]


def caps(fmt, w, h, fps=1, par=0, interlace="progressive", colorimetry=0):
    return [11, FORMATS.index(fmt), size_code(w), size_code(h),
            fps | par << 3 | INTERLACE[interlace] << 6, colorimetry << 2]


def downstream(sink):
    return [12, SINK[sink]]


def snapshot(n=1):
    return [13 | (n - 1) << 4]


EOS = [14]


def event(which):
    """0: gap, 1: tag, 2: custom downstream, 3: stream-start."""
    return [15 | which << 4]


def state_cycle(fmt, w, h):
    return [0xff, FORMATS.index(fmt), size_code(w), size_code(h), 1, 0]


def save(name, *parts):
    data = bytes(b for part in parts for b in part)
    assert len(data) < 4096, (name, len(data))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    print("corpus-imencode/%s: %d bytes" % (name, len(data)))


def main():
    # every format, odd size, exact then short then with an honest meta
    for i, fmt in enumerate(FORMATS):
        save("format-%s" % fmt.lower(), header(fmt, 33, 17, sink="any"),
             frame(seed=i), frame("short", meta=[5]),
             frame("meta", meta=[0x25], split=True))
    save("one-pixel", header("I420", 1, 1), frame(), prop("format", 2),
         frame(), prop("encoding", 4), frame())

    # encodings and downstream caps
    save("png-from-yuv", header("NV21", 31, 9, sink="png"),
         prop("compression-level", 9), frame(), frame())
    save("base64-and-data-uri", header("BGRA", 20, 12, sink="base64"),
         frame(), downstream("data-uri"), frame(),
         prop("encoding", 3), frame())
    save("json-events", header("RGB", 40, 30, sink="json", threads=2),
         frame(ref=[10, 0, 0, 0, 100]), prop("format", 2),
         frame(ref=[11, 0xe0, 0, 0, 0]), frame(ref=[250]),
         EOS)
    save("downstream-size", header("YUY2", 64, 48, sink="jpeg-16x12"),
         frame(), downstream("png-ranges"), frame(),
         downstream("jpeg-narrow"), frame(), downstream("raw"),
         frame(), downstream("any"), frame())
    save("downstream-refuses", header("GRAY8", 16, 16, sink="raw"),
         frame(), prop("format", 1), downstream("png"), frame())
    save("downstream-limits", header("GRAY8", 8, 8,
                                     sink="png-1000000x1"),
         frame(), downstream("jpeg-65500x2"), frame())

    # regions
    regions = [region(0, 2, 3, 20, 10, confidence=200, track=1),
               region(1, 30, 0, 40, 40, confidence=20, track=2),
               region(3, 0, 0, 255, 255, id_mode=3, confidence="nan"),
               region(4, 250, 10, 5, 5, track="uint64"),
               region(2, 5, 5, 0, 7, confidence="string", track="string")]
    save("regions-every-json", header("I420", 64, 48, threads=3),
         prop("roi-type", ROI_TYPE_PROP["*"]), prop("roi-margin", 50),
         prop("min-confidence", 20), prop("encoding", 4),
         frame(regions=regions), frame(regions=regions[:2]),
         prop("width", 16), frame(regions=regions[1:4]))
    track = [region(0, 1, 1, 10, 10, confidence=100, track=3)]
    track2 = [region(0, 1, 1, 20, 20, confidence=250, track=3),
              region(1, 40, 20, 8, 8, track=4)]
    save("regions-best", header("RGBA", 64, 48, threads=2),
         prop("roi-type", ROI_TYPE_PROP["person,car"]),
         prop("roi-select", 2), prop("roi-best-timeout", 2),
         frame(regions=track), frame(regions=track2),
         frame(pts=jump(10), regions=track), frame(), EOS)
    save("regions-first-flush", header("NV12", 48, 32, threads=3),
         prop("roi-type", ROI_TYPE_PROP["*,person"]),
         prop("roi-select", 1), frame(regions=track2),
         frame(regions=track2), flush(),
         frame(regions=track2))
    save("regions-odd-boxes", header("Y42B", 17, 9),
         prop("roi-type", ROI_TYPE_PROP["escapes"]),
         prop("crop-x", 2), prop("crop-width", 3), prop("aspect-mode", 1),
         prop("width", 7), prop("height", 5),
         frame(regions=[region(3, 248, 249, 250, 251),
                        region(4, 0, 0, 1, 1, track="int64"),
                        region(3, 16, 8, 255, 252, confidence="inf")]))

    # GstVideoMetas: honest with padding, lying in each way
    save("meta-lies", header("I420", 32, 24),
         frame("meta", meta=[0xff]),
         frame("lie", meta=[0x10, 0, 5, 0]),
         frame("lie", meta=[0x10, 1, 4, 0x80]),
         frame("lie", meta=[0x10, 2, 3, 1]),
         frame("lie", meta=[0x90, 3, 4, 6, 1, 9]),
         frame("lie", pts=NONE, split=True, meta=[0x04, 4, 0, 0x10]),
         frame(pts=HUGE))
    save("meta-planes-split", header("Y444", 20, 20),
         frame("meta", split=True, meta=[0x40]),
         frame("meta", split=True, meta=[0x03]))

    # crop, resize, letterbox, fill, methods
    save("crop-resize", header("UYVY", 63, 47, par=2, threads=2),
         prop("crop-x", 3), prop("crop-y", 1), prop("crop-width", 40),
         prop("crop-height", 20), frame(), prop("width", 17), frame(),
         prop("height", 96), prop("aspect-mode", 1), prop("pad-color", 0x80),
         frame(), prop("aspect-mode", 2), prop("method", 3),
         frame(), crop_prop("crop-x", 1000), frame(),
         prop("crop-x", 0), frame(pts=NONE))
    save("crop-outside", header("xBGR", 16, 16),
         crop_prop("crop-x", 2**32 - 1), frame(), frame(),
         prop("crop-x", 12), crop_prop("crop-width", 2**31 - 1), frame())
    save("subsampling-quality", header("ABGR", 25, 15),
         prop("subsampling", 1), prop("quality", 99), frame(),
         prop("subsampling", 2), prop("quality", 0), frame(),
         prop("subsampling", 4), frame())

    # sizes at and beyond the limits: refused before allocating
    save("huge-sizes", header("GRAY8", 16, 16),
         size_prop("width", 50000000), frame(), size_prop("width", 2**32 - 1),
         frame(), size_prop("height", 1000001), frame(),
         size_prop("width", 65501), frame(), prop("format", 2),
         frame(), size_prop("width", 0), size_prop("height", 0),
         frame(pts=NONE))
    save("input-beyond-jpeg", header("GRAY8", 65536, 2), frame(),
         prop("format", 2), frame(), prop("width", 64), frame())
    save("input-too-large", header("RGBA", 100000, 100000), frame(),
         frame("short", meta=[1]))

    # which frames: max-rate, on-demand, segments
    save("rate-and-snapshots", header("BGRx", 16, 8, fps=1),
         prop("max-rate", 1), frame(), frame(), frame(pts=jump(9)),
         prop("on-demand", 1), frame(), snapshot(2), frame(),
         frame(), frame(), prop("max-rate", 0))
    save("segments", header("RGBx", 8, 8),
         segment(0x04, 0x01), frame(), frame(pts=jump(12)),
         segment(0x02, 0x85), frame(), segment(0x80, 0), frame(pts=NONE),
         flush(False, [0x08, 0x03]), frame(pts=NONE), frame(pts=HUGE))
    save("pts-none-and-huge", header("BGR", 9, 7, fps=0),
         prop("max-rate", 2), frame(pts=NONE), frame(pts=HUGE),
         frame(pts=NO_DURATION),
         frame())

    # events and state
    save("eos-then-flush", header("YV12", 15, 11, threads=2),
         frame(), EOS, frame(), event(1), flush(), frame())
    save("held-events", header("I420", 16, 16, sink="raw"), event(1),
         event(0), event(2), downstream("any"), frame(), event(3),
         frame())
    save("caps-changes", header("RGB", 16, 16, threads=3), frame(),
         caps("NV12", 33, 17), frame(), caps("GRAY8", 1, 64),
         frame(), caps("RGBA", 65536, 1), frame())
    save("threads-while-playing", header("I420", 32, 32, threads=3),
         frame(), frame(), prop("threads", 0), frame(),
         prop("threads", 2), frame(), frame(),
         prop("threads", 1), frame(pts=NONE), flush(), frame(pts=HUGE))
    save("state-cycle", header("Y444", 12, 12, threads=2), frame(),
         frame(), state_cycle("BGRA", 7, 5), frame())
    save("no-eos-in-flight", header("NV21", 40, 40, threads=3,
                                    no_eos=True),
         frame(), frame(), frame())

    # interlaced
    save("interlaced", header("I420", 53, 5, interlace="mixed",
                              sink="jpeg-16x12"),
         frame(interlaced=True, tff=True), caps("RGB", 33, 1,
                                                interlace="interleaved"),
         frame(interlaced=True), prop("width", 40),
         prop("height", 3), frame())
    # delivery options, annotate, tags (the sizes this target makes stay
    # below what imencode splits into slices: tests/e2e/test_slices.py)
    save("delivery-options", header("I420", 33, 17),
         prop("progressive", 1), frame(), prop("optimize", 1), frame(),
         prop("progressive", 0), prop("restart-interval", 2),
         prop("exif", 1), frame(), prop("max-bytes", 2), frame(),
         prop("max-bytes", 4), prop("encoding", 2), frame())
    boxes = [region(0, 2, 3, 20, 10, confidence=200, track=1),
             region(1, 30, 0, 4, 4, track=2)]
    save("annotate-tags", header("NV12", 64, 48, threads=2),
         prop("roi-type", ROI_TYPE_PROP["*"]), prop("annotate", 1),
         prop("annotate-color", 77), prop("annotate-thickness", 3),
         prop("roi-min-size", 5), prop("tags", 3), prop("encoding", 4),
         frame(regions=boxes), prop("tags", 2), prop("roi-type", 0),
         frame(regions=boxes), prop("method", 5), prop("width", 40),
         frame(regions=boxes))
    save("colorimetry", header("I420", 16, 16, colorimetry=2), frame(),
         caps("I420", 16, 16, colorimetry=6), frame(),
         caps("RGB", 16, 16, colorimetry=3), frame())


main()
