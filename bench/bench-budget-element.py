#!/usr/bin/python3
"""gst-imencode benchmark: max-bytes through the element.

bench-budget measures the quality search in the core; this measures it
through imencode itself, as an application sees it: 1920x1080 I420 frames
(photo-like: shaded gradients, hard-edged shapes, fine grain, a different
pan and sensor noise each) pushed from appsrc into

    appsrc ! imencode threads=1 <variant> ! fakesink

  plain   quality=85, no budget
  budget  quality=85 max-bytes=<a third of the first frame's q85 size>
  at-q    quality=<the quality the budget run settled on>, no budget: one
          encode at that quality, against which the search is measured
  empty   appsrc ! fakesink: what pushing costs without imencode

The variants run in turns, ROUNDS rounds of FRAMES frames each, each
after WARM frames that are not timed (a stream's start: negotiation and
the first search, which has no hint); reported is the process CPU time per
frame (all threads: appsrc's, which encodes
with threads=1, and Python's), the lowest round of each variant (the one
least disturbed by other processes), and the ratios.

    GST_PLUGIN_PATH=build/gst /usr/bin/python3 bench/bench-budget-element.py \
        [frames [rounds]]

SPDX-License-Identifier: LGPL-2.1-or-later
"""

import sys
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

import numpy as np  # noqa: E402

W, H = 1920, 1080


def scene(width, height, seed):
    """A photo-like RGB canvas: smooth shading, shapes, fine grain."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    img = np.empty((height, width, 3), np.float32)
    img[..., 0] = 90 + 70 * np.sin(x / 310.0) + 30 * np.cos(y / 170.0)
    img[..., 1] = 110 + 60 * np.cos((x + y) / 420.0)
    img[..., 2] = 120 + 50 * np.sin(y / 230.0 + x / 900.0)
    for _ in range(40):
        cx, cy = rng.integers(0, width), rng.integers(0, height)
        r = rng.integers(20, 160)
        mask = (x - cx) ** 2 + (y - cy) ** 2 < r * r
        img[mask] = rng.integers(20, 235, 3)
    img += rng.normal(0, 6, img.shape).astype(np.float32)
    return img


def i420(rgb):
    """Full-range BT.601 I420 bytes of an RGB float image."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    yy = 0.299 * r + 0.587 * g + 0.114 * b
    u = -0.168736 * r - 0.331264 * g + 0.5 * b + 128
    v = 0.5 * r - 0.418688 * g - 0.081312 * b + 128
    u = u.reshape(H // 2, 2, W // 2, 2).mean(axis=(1, 3))
    v = v.reshape(H // 2, 2, W // 2, 2).mean(axis=(1, 3))
    planes = [np.clip(np.round(p), 0, 255).astype(np.uint8)
              for p in (yy, u, v)]
    return b"".join(p.tobytes() for p in planes)


def make_frames(n):
    canvas = scene(W + 8 * n, H + 4 * n, 1)
    rng = np.random.default_rng(2)
    frames = []
    for i in range(n):
        f = canvas[4 * i:4 * i + H, 8 * i:8 * i + W] + \
            rng.normal(0, 1.5, (H, W, 3)).astype(np.float32)
        frames.append(i420(f))
    return frames


CAPS = ("video/x-raw,format=I420,width=%d,height=%d,framerate=30/1,"
        "colorimetry=1:4:0:0" % (W, H))


WARM = 8


def run(frames, element, warm=WARM):
    """CPU seconds to push @frames through appsrc ! @element ! fakesink
    after @warm of them went through untimed (negotiation, allocation, and
    the first image's search without a hint: a stream's start, not its
    steady state), the sizes of what came out and their qualities."""
    pipe = Gst.parse_launch(
        "appsrc name=src format=time caps=%s ! %s ! fakesink name=sink "
        "sync=false signal-handoffs=true" % (CAPS, element))
    src, sink = pipe.get_by_name("src"), pipe.get_by_name("sink")
    sizes, qualities = [], []

    def handoff(_sink, buf, _pad):
        sizes.append(buf.get_size())
        meta = buf.get_custom_meta("ImencodeMeta")
        if meta is not None:
            s = meta.get_structure()
            s = s if hasattr(s, "get_value") else s.__enter__()
            qualities.append(s.get_value("quality"))

    sink.connect("handoff", handoff)
    bufs = [Gst.Buffer.new_wrapped(f) for f in frames]
    pipe.set_state(Gst.State.PLAYING)
    for i in range(min(warm, len(bufs))):
        b = bufs[i].copy()
        b.pts = i * Gst.SECOND // 30
        src.emit("push-buffer", b)
    deadline = time.monotonic() + 60
    while len(sizes) < min(warm, len(bufs)) and time.monotonic() < deadline:
        time.sleep(0.005)
    del sizes[:], qualities[:]
    t0 = time.process_time()
    for i, b in enumerate(bufs):
        b.pts = (warm + i) * Gst.SECOND // 30
        src.emit("push-buffer", b)
    src.emit("end-of-stream")
    msg = pipe.get_bus().timed_pop_filtered(
        600 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    cpu = time.process_time() - t0
    pipe.set_state(Gst.State.NULL)
    assert msg and msg.type == Gst.MessageType.EOS, msg
    return cpu, sizes, qualities


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    Gst.init(None)
    frames = make_frames(n)
    _, sizes, _ = run(frames[:1], "imencode threads=1 quality=85", 0)
    budget = sizes[0] // 3
    _, sizes, qs = run(frames, "imencode threads=1 max-bytes=%d" % budget)
    assert max(sizes) <= budget
    q = round(sum(qs) / len(qs))
    variants = [
        ("plain q85", "imencode threads=1 quality=85"),
        ("budget", "imencode threads=1 quality=85 max-bytes=%d" % budget),
        ("at-q", "imencode threads=1 quality=%d" % q),
        ("empty", "identity"),
    ]
    best = {name: None for name, _ in variants}
    quals = []
    for _ in range(rounds):
        for name, element in variants:
            cpu, sizes, qs = run(frames, element)
            ms = 1e3 * cpu / n
            best[name] = ms if best[name] is None else min(best[name], ms)
            if name == "budget":
                assert max(sizes) <= budget
                quals += qs
    print("1920x1080 I420, %d frames x %d rounds, budget %d bytes "
          "(a third of q85), load %s" % (n, rounds, budget,
                                        open("/proc/loadavg").read().strip()))
    for name, _ in variants:
        print("  %-10s %7.2f ms/frame" % (name, best[name]))
    print("  budget = %.3fx at-q (q%d..%d, mean %.1f), %.3fx plain q85" % (
        best["budget"] / best["at-q"], min(quals), max(quals),
        sum(quals) / len(quals), best["budget"] / best["plain q85"]))
    print("  without the push cost (empty): budget = %.3fx at-q" % (
        (best["budget"] - best["empty"]) / (best["at-q"] - best["empty"])))


if __name__ == "__main__":
    main()
