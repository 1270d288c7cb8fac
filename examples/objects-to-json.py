#!/usr/bin/python3
"""gst-imencode example: detected objects to JSON events, one per line.

    appsrc (a synthetic scene + its detections as region metadata)
      ! imencode roi-type=* roi-select=best encoding=json ! appsink -> stdout

A stand-in for a detector and tracker: three coloured boxes (two "person",
one "car") move across a black 640x480 scene at 30 frames per second. Each
frame carries, for every box, a GstVideoRegionOfInterestMeta with the box
exactly, a "detection" parameter (confidence) and an "object_id" parameter
(the track id), which is what DL Streamer's gvadetect + gvatrack attach. A
real application would run its detector in a pad probe or put a detector
element there instead.

imencode turns the regions into events: with roi-select=best, one per
track, holding the JPEG of its best view (inside the frame, then largest
area x confidence), sent when the track ends or at end of stream; with
first, the first view of each track; with every, every region of every
frame. Each event is one JSON object on one line:

    {"pts":..., "duration":..., "frame":{"width":640,"height":480},
     "box":{...}, "roi":{"id":1,"type":"person","confidence":0.95,
     "track_id":42,"x":..,"y":..,"width":..,"height":..}, "reason":"best",
     "utc":"2026-...Z", "image":{"mime_type":"image/jpeg","width":60,
     "height":140,"data":"<base64 JPEG>"}}

which is what a bridge to a message broker (MQTT, Kafka, Redis, NATS)
would publish as it is; here the lines go to stdout. The frames also carry
a GstReferenceTimestampMeta (timestamp/x-unix, the wall clock when the
frame was "captured"), which imencode writes as "utc".

Run:
    GST_PLUGIN_PATH=build/gst /usr/bin/python3 examples/objects-to-json.py \\
        [--select every|first|best] [--frames N] > events.ndjson

Needs imencode's roi-select property and encoding=json.

SPDX-License-Identifier: LGPL-2.1-or-later
"""

import argparse
import json
import sys
import threading
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstApp", "1.0")
gi.require_version("GstVideo", "1.0")
# GstApp: loading it gives appsink its methods (try_pull_sample)
from gi.repository import Gst, GstApp, GstVideo  # noqa: E402,F401

WIDTH, HEIGHT, FPS = 640, 480, 30

# The objects: track id, type, colour (RGB), size, where it is along its
# path (0..1), the part of the scene it is seen in (fractions of the frame
# count) and where its detector confidence peaks (a fraction of the frame
# count too). Each moves in a band of rows of its own, so boxes never
# overlap, and stays inside the frame: every box is exactly its object's
# pixels. Track 13 leaves half-way: with roi-select=best its event comes
# 1 s of stream time later, when imencode takes the track as ended; the
# others' come at the end of the stream.
OBJECTS = [
    {"track": 42, "type": "person", "color": (230, 40, 40), "size": (60, 140),
     "path": lambda u: (20 + 540 * u, 20 + 20 * u),        # rows 20..180
     "seen": (0.0, 1.0), "peak": 0.55},
    {"track": 13, "type": "person", "color": (60, 90, 240),
     "size": (50, 100), "path": lambda u: (500 - 400 * u, 230 - 30 * u),
     "seen": (0.15, 0.5), "peak": 0.35},                   # rows 200..330
    {"track": 7, "type": "car", "color": (40, 200, 70), "size": (140, 70),
     "path": lambda u: (480 - 460 * u, 380),               # rows 380..450
     "seen": (0.0, 1.0), "peak": 0.2},
]


def detections(i, n):
    """What the stand-in detector and tracker report for frame @i of @n:
    a list of dicts with track, type, color, box (x, y, w, h) and
    confidence. Positions and confidences depend on i and n only."""
    out = []
    t = i / max(n - 1, 1)
    for obj in OBJECTS:
        first, last = obj["seen"]
        if not first <= t <= last:
            continue
        u = (t - first) / max(last - first, 1e-9)   # 0..1 along its path
        x, y = obj["path"](u)
        w, h = obj["size"]
        # highest at the peak frame, lower the further away: one best view
        peak_frame = round(obj["peak"] * (n - 1))
        conf = 0.95 - 0.4 * abs(i - peak_frame) / max(n, 1)
        out.append({"track": obj["track"], "type": obj["type"],
                    "color": obj["color"],
                    "box": (int(round(x)), int(round(y)), w, h),
                    "confidence": round(conf, 4)})
    return out


def draw_frame(dets):
    """A black RGB frame with each detection's box filled with its colour.
    RGB rows of 640 pixels need no padding (GStreamer pads rows to 4
    bytes)."""
    stride = WIDTH * 3
    frame = bytearray(stride * HEIGHT)
    for d in dets:
        x, y, w, h = d["box"]
        row = bytes(d["color"]) * w
        for yy in range(y, y + h):
            start = yy * stride + x * 3
            frame[start:start + 3 * w] = row
    return frame


def make_buffer(i, n, utc_start_ns):
    dets = detections(i, n)
    buf = Gst.Buffer.new_wrapped(bytes(draw_frame(dets)))
    buf.pts = Gst.util_uint64_scale(i, Gst.SECOND, FPS)
    buf.duration = Gst.util_uint64_scale(i + 1, Gst.SECOND, FPS) - buf.pts
    # capture time on the wall clock -> the events' "utc"
    buf.add_reference_timestamp_meta(
        Gst.Caps.from_string("timestamp/x-unix"), utc_start_ns + buf.pts,
        Gst.CLOCK_TIME_NONE)
    for k, d in enumerate(dets):
        x, y, w, h = d["box"]
        meta = GstVideo.buffer_add_video_region_of_interest_meta(
            buf, d["type"], x, y, w, h)
        meta.id = k + 1                     # the detection's id in its frame
        meta.add_param(Gst.Structure.new_from_string(
            "detection, confidence=(double)%r" % d["confidence"]))
        meta.add_param(Gst.Structure.new_from_string(
            "object_id, id=(int)%d" % d["track"]))
    return buf


def check_imencode():
    """None if this imencode has roi-select and encoding=json, else why
    not."""
    enc = Gst.ElementFactory.make("imencode", None)
    if enc is None:
        return ("no imencode element: set GST_PLUGIN_PATH to the directory "
                "holding libgstimencode.so")
    if enc.find_property("roi-select") is None:
        return "this imencode has no roi-select property (too old)"
    try:
        Gst.util_set_object_arg(enc, "encoding", "json")
    except Exception:           # noqa: BLE001 (older PyGObject raise types)
        pass
    if enc.get_property("encoding").value_nick != "json":
        return "this imencode has no encoding=json (too old)"
    return None


def feed(src, n, failed):
    """Pushes the @n frames, then EOS. appsrc blocks when its small queue
    is full, so the scene is made as fast as imencode takes it."""
    utc_start = time.time_ns()
    for i in range(n):
        if src.emit("push-buffer", make_buffer(i, n, utc_start)) != \
                Gst.FlowReturn.OK:
            failed.set()        # the pipeline stopped: the bus says why
            return
    src.emit("end-of-stream")


def bus_error(pipeline):
    """The text of the first ERROR on the bus, or None; warnings are
    printed on stderr."""
    bus = pipeline.get_bus()
    while True:
        msg = bus.pop_filtered(Gst.MessageType.ERROR |
                               Gst.MessageType.WARNING)
        if msg is None:
            return None
        if msg.type == Gst.MessageType.ERROR:
            err, dbg = msg.parse_error()
            return "%s: %s (%s)" % (msg.src.get_name(), err.message, dbg)
        err, dbg = msg.parse_warning()
        print("warning: %s: %s" % (msg.src.get_name(), err.message),
              file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(
        description="Print JSON events of moving objects, one per line.")
    parser.add_argument("--select", choices=["every", "first", "best"],
                        default="best", help="imencode roi-select: every "
                        "region, each track's first view, or its best "
                        "(default best)")
    parser.add_argument("--frames", type=int, default=90,
                        help="frames in the scene (default 90: 3 s)")
    parser.add_argument("--quality", type=int, default=85,
                        help="JPEG quality (default 85)")
    parser.add_argument("--annotate", action="store_true",
                        help="draw each object's box, its label (type, "
                        "confidence, track) and the time into its image, "
                        "as an NVR's snapshots show them")
    args = parser.parse_args()
    if args.frames < 1:
        parser.error("--frames must be at least 1")

    Gst.init(None)
    why = check_imencode()
    if why:
        print("objects-to-json: %s" % why, file=sys.stderr)
        return 2

    pipeline = Gst.parse_launch(
        "appsrc name=src format=time block=true max-bytes=%d "
        "caps=video/x-raw,format=RGB,width=%d,height=%d,framerate=%d/1 ! "
        "imencode roi-type=* roi-select=%s encoding=json quality=%d %s ! "
        "appsink name=sink sync=false"
        % (4 * WIDTH * HEIGHT * 3, WIDTH, HEIGHT, FPS, args.select,
           args.quality,
           "annotate=boxes+labels+time" if args.annotate else ""))
    src = pipeline.get_by_name("src")
    sink = pipeline.get_by_name("sink")
    failed = threading.Event()
    pipeline.set_state(Gst.State.PLAYING)
    feeder = threading.Thread(target=feed, args=(src, args.frames, failed),
                              daemon=True)
    feeder.start()

    out = sys.stdout.buffer
    error = None
    events = 0
    while True:
        sample = sink.try_pull_sample(200 * Gst.MSECOND)
        if sample is None:
            if sink.is_eos():
                break
            error = bus_error(pipeline)
            if error or failed.is_set():
                break
            continue
        buf = sample.get_buffer()
        line = buf.extract_dup(0, buf.get_size())
        # One buffer = one complete event ending in "\n". A bridge would
        # publish it here as it is, e.g. to a topic per roi type; checking
        # that it parses keeps a broken line from reaching subscribers.
        event = json.loads(line)
        out.write(line if line.endswith(b"\n") else line + b"\n")
        out.flush()
        events += 1
        print("event %d: %s track %s, reason %s, pts %s, %dx%d image" %
              (events, event.get("roi", {}).get("type"),
               event.get("roi", {}).get("track_id"), event["reason"],
               event["pts"], event["image"]["width"],
               event["image"]["height"]), file=sys.stderr)

    if error is None:
        error = bus_error(pipeline)
    pipeline.set_state(Gst.State.NULL)
    feeder.join(timeout=5)
    if error:
        print("objects-to-json: error: %s" % error, file=sys.stderr)
        return 1
    if failed.is_set():
        print("objects-to-json: the pipeline stopped early", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
