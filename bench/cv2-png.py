#!/usr/bin/python3
# gst-imencode benchmark helper: cv2.imencode('.png') on raw RGB frames
# Copyright (C) 2026 gst-imencode contributors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Times cv2.imencode('.png', bgr) with OpenCV's default parameters (zlib
level 1, SUB filter, Z_RLE) on the frames bench-imencode encodes.

    cv2-png.py FRAMES-FILE WIDTH HEIGHT COUNT

FRAMES-FILE holds packed RGB frames of WIDTH x HEIGHT back to back. Each is
turned into a BGR array first (untimed), as an OpenCV program holds it; two
untimed encodes warm up, then COUNT encodes, round-robin over the frames,
are timed. Prints one line, "fps F bytes B opencv V" (B: average PNG size),
or "skip REASON" when OpenCV or numpy cannot be imported.
"""
import sys
import time


def main():
    path, width, height, count = (sys.argv[1], int(sys.argv[2]),
                                  int(sys.argv[3]), int(sys.argv[4]))
    try:
        import cv2
        import numpy as np
    except ImportError as e:
        print(f"skip {sys.executable} has no OpenCV: {e}")
        return 0
    data = np.fromfile(path, dtype=np.uint8)
    size = width * height * 3
    frames = [np.ascontiguousarray(
        data[i * size:(i + 1) * size].reshape(height, width, 3)[:, :, ::-1])
        for i in range(data.size // size)]
    if not frames:
        print(f"skip no {width}x{height} frame in {path}")
        return 0
    for i in range(2):
        cv2.imencode(".png", frames[i % len(frames)])
    total = 0
    t0 = time.perf_counter()
    for i in range(count):
        ok, png = cv2.imencode(".png", frames[i % len(frames)])
        if not ok:
            raise SystemExit("cv2.imencode failed")
        total += png.size
    elapsed = time.perf_counter() - t0
    print(f"fps {count / elapsed:.3f} bytes {total / count:.1f} "
          f"opencv {cv2.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
