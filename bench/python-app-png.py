#!/usr/bin/python3
# gst-imencode benchmark: the PNG of every frame into a Python program
# Copyright (C) 2026 gst-imencode contributors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Python-app workflow: a Python program wants the PNG bytes of each
frame. Against a cv2.imencode('.png') loop, the way OpenCV programs do it.

    python-app-png.py FRAMES-FILE WIDTH HEIGHT [COUNT [ROUNDS [LEVEL [INPUT]]]]

FRAMES-FILE holds packed RGB frames of WIDTH x HEIGHT back to back
(bench-png-deflate --frames FILE writes the generated photo-like scene of
bench-common.c); "noise" instead makes 8 frames of smooth gradients with
Gaussian noise of sigma 5 per sample (a camera's grain; seeded). In one
process, ROUNDS rounds (default 7), each encoding COUNT frames (default
24, round-robin over the file's frames) in every way, one after another,
so that load from other processes falls on all alike:

  cv2        cv2.imencode('.png', bgr) with OpenCV's defaults (level 1,
             SUB filter, Z_RLE), the frames held as BGR arrays
  imencode   appsrc ! imencode format=png compression-level=LEVEL
             threads=N ! appsink, N = 1 and 0; a feeder thread pushes the
             frames (GstBuffers made once, as a source hands them over),
             the program pulls every sample and takes its bytes

INPUT is RGB (default) or I420: the frames as a camera or a decoder gives
them, limited-range BT.709 I420 made once from the RGB frames by
videoconvert; then the cv2 way converts each with
cv2.cvtColor(COLOR_YUV2BGR_I420) before cv2.imencode, as an OpenCV
program handed YUV frames does, and imencode gets the I420 buffers.

Each way is warmed up untimed first (its pipeline is kept for all rounds).
Prints the median frames per second over the rounds and the ratio to cv2,
the median CPU time of the process per frame (all its threads: on a
shared machine where other work limits what the process gets, the
threads=1 ratio in CPU time is the steadier one), the average PNG size;
"skip REASON" when OpenCV or GStreamer is missing.
"""
import os
import statistics
import sys
import threading
import time


def cpu_seconds():
    """CPU time of the process, all threads"""
    t = os.times()
    return t.user + t.system


def cv2_way(cv2, frames, count, i420=False):
    total = 0
    t0 = time.perf_counter()
    for i in range(count):
        frame = frames[i % len(frames)]
        if i420:
            frame = cv2.cvtColor(frame, cv2.COLOR_YUV2BGR_I420)
        ok, png = cv2.imencode(".png", frame)
        if not ok:
            raise SystemExit("cv2.imencode failed")
        total += png.size
    return count / (time.perf_counter() - t0), total / count


class ImencodeWay:
    def __init__(self, Gst, buffers, caps, threads, level):
        self.Gst = Gst
        self.buffers = buffers
        self.pipeline = Gst.parse_launch(
            "appsrc name=src block=true max-buffers=4 format=time "
            f"caps={caps} ! "
            f"imencode format=png compression-level={level} "
            f"threads={threads} ! "
            "appsink name=sink sync=false max-buffers=8")
        self.src = self.pipeline.get_by_name("src")
        self.sink = self.pipeline.get_by_name("sink")
        self.pts = 0
        self.pipeline.set_state(Gst.State.PLAYING)

    def feed(self, count):
        Gst = self.Gst
        for i in range(count):
            buf = self.buffers[i % len(self.buffers)].copy()
            buf.pts = self.pts
            buf.duration = Gst.SECOND // 30
            self.pts += buf.duration
            # GstApp's methods (not the action signals) so that PyGObject
            # lets go of the GIL while the call blocks
            if self.src.push_buffer(buf) != Gst.FlowReturn.OK:
                raise SystemExit("push-buffer failed")

    def run(self, count):
        feeder = threading.Thread(target=self.feed, args=(count,))
        total = 0
        t0 = time.perf_counter()
        feeder.start()
        for _ in range(count):
            sample = self.sink.pull_sample()
            if sample is None:
                raise SystemExit("imencode gave no PNG")
            buf = sample.get_buffer()
            png = buf.extract_dup(0, buf.get_size())
            total += len(png)
        elapsed = time.perf_counter() - t0
        feeder.join()
        return count / elapsed, total / count

    def close(self):
        self.src.end_of_stream()
        self.pipeline.set_state(self.Gst.State.NULL)


def noise_frames(np, width, height, n=8):
    """Smooth gradients plus Gaussian noise (sigma 5), packed RGB"""
    rng = np.random.default_rng(5)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    frames = []
    for i in range(n):
        r = 96 + 80 * np.sin((x + 40 * i) / 300.0) + 40 * np.cos(y / 170.0)
        g = 128 + 60 * np.sin((x * 0.7 + y * 0.5 + 30 * i) / 250.0)
        b = 110 + 70 * np.cos((y - x * 0.3 + 20 * i) / 210.0)
        img = np.stack([r, g, b], -1) + rng.normal(0, 5.0, (height, width, 3))
        frames.append(np.clip(img + 0.5, 0, 255).astype(np.uint8).reshape(-1))
    return np.concatenate(frames)


def to_i420(Gst, rgb, width, height):
    """The RGB frames as limited-range BT.709 I420 (videoconvert's), as
    bytes each"""
    pipeline = Gst.parse_launch(
        "appsrc name=src format=time caps=video/x-raw,format=RGB,"
        f"width={width},height={height},framerate=30/1 ! videoconvert ! "
        "video/x-raw,format=I420,colorimetry=bt709 ! appsink name=sink")
    src = pipeline.get_by_name("src")
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    out = []
    for f in rgb:
        src.push_buffer(Gst.Buffer.new_wrapped(f.tobytes()))
        buf = sink.pull_sample().get_buffer()
        out.append(buf.extract_dup(0, buf.get_size()))
    pipeline.set_state(Gst.State.NULL)
    return out


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    path, width, height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 24
    rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 7
    level = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    i420 = len(sys.argv) > 7 and sys.argv[7] == "I420"
    try:
        import cv2
        import numpy as np
        import gi
        gi.require_version("Gst", "1.0")
        gi.require_version("GstApp", "1.0")
        from gi.repository import Gst, GstApp  # noqa: F401 (AppSrc methods)
    except (ImportError, ValueError) as e:
        print(f"skip {sys.executable}: {e}")
        return 0
    Gst.init(None)
    if Gst.ElementFactory.find("imencode") is None:
        print("skip imencode not found (GST_PLUGIN_PATH?)")
        return 0
    data = noise_frames(np, width, height) if path == "noise" else \
        np.fromfile(path, dtype=np.uint8)
    size = width * height * 3
    n = data.size // size
    if n == 0:
        print(f"skip no {width}x{height} frame in {path}")
        return 0
    rgb = [data[i * size:(i + 1) * size] for i in range(n)]
    caps = f"video/x-raw,width={width},height={height},framerate=30/1,"
    if i420:
        yuv = to_i420(Gst, rgb, width, height)
        frames = [np.frombuffer(y, np.uint8).reshape(height * 3 // 2, width)
                  for y in yuv]
        buffers = [Gst.Buffer.new_wrapped(y) for y in yuv]
        caps += "format=I420,colorimetry=bt709"
    else:
        frames = [np.ascontiguousarray(
            f.reshape(height, width, 3)[:, :, ::-1]) for f in rgb]
        buffers = [Gst.Buffer.new_wrapped(f.tobytes()) for f in rgb]
        caps += "format=RGB"

    ways = [("cv2.imencode('.png')", None),
            ("imencode threads=1", ImencodeWay(Gst, buffers, caps, 1, level)),
            ("imencode threads=0", ImencodeWay(Gst, buffers, caps, 0, level))]
    # warm-up, untimed
    cv2_way(cv2, frames, 2, i420)
    for _, way in ways[1:]:
        way.run(6)
    fps = {name: [] for name, _ in ways}
    size_of = {}
    cpu = {name: [] for name, _ in ways}
    for _ in range(rounds):
        for name, way in ways:
            c0 = cpu_seconds()
            f, b = cv2_way(cv2, frames, count, i420) if way is None else \
                way.run(count)
            cpu[name].append(1000 * (cpu_seconds() - c0) / count)
            fps[name].append(f)
            size_of[name] = b
    for _, way in ways[1:]:
        way.close()

    with open("/proc/loadavg") as f:
        load = f.read().strip()
    print(f"PNG of every {width}x{height} frame of {path} into Python, "
          f"{count} frames "
          f"a round, {'I420 BT.709' if i420 else 'RGB'} input, median of "
          f"{rounds} rounds, imencode "
          f"compression-level={level}; OpenCV {cv2.__version__}, "
          f"GStreamer {Gst.version_string()}; load after: {load}")
    base = statistics.median(fps[ways[0][0]])
    base_cpu = statistics.median(cpu[ways[0][0]])
    for name, _ in ways:
        m = statistics.median(fps[name])
        c = statistics.median(cpu[name])
        print(f"  {name:24s} {m:6.1f} fps {m / base:5.2f}x cv2   "
              f"CPU {c:6.1f} ms/frame ({base_cpu / c:4.2f}x less than "
              f"cv2)   {size_of[name]:8.0f} B/frame "
              f"{100 * (size_of[name] / size_of[ways[0][0]] - 1):+6.1f}% "
              f"vs cv2\n  {'':24s} fps of the rounds: "
              f"{' '.join(f'{x:.1f}' for x in fps[name])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
