#!/usr/bin/python3
"""gst-imencode example: detect on a small copy, cut from the full frames.

    videotestsrc is-live=true pattern=ball ! 1280x720 ! tee name=t
      t. ! queue ! m.sink
      t. ! queue leaky=downstream ! videoscale ! videoconvert
         ! GRAY8 320x180 ! appsink        -> the "detector" (Python)
      appsrc (the small frames with their regions) ! m.regions
    roimerge name=m ! imencode roi-type=ball roi-select=best encoding=json
      ! appsink                           -> stdout, one JSON event a line

A stand-in for a detector: videotestsrc's ball pattern is a white ball
moving on black; the "detector" finds it on a 320x180 gray copy of each
frame (the box of its bright pixels) in a thread of its own, as a model
that takes small inputs would, and sends that small frame on with a
GstVideoRegionOfInterestMeta "ball" (a "detection" parameter with the
confidence, an "object_id" parameter with the track id), or with
--analytics an object detection, a tracking and a classification metadata
in a GstAnalyticsRelationMeta (GStreamer >= 1.24). roimerge puts the
regions onto the 1280x720 frames with the same running time, boxes scaled
by 4, and imencode cuts the ball's best view out of the full-size frame.

The detector branch has a leaky queue: a detector slower than the camera
(--detector-delay) skips frames instead of holding the pipeline back;
roimerge lets each frame it skipped leave without regions as soon as the
detector has sent a later frame. Python does not report how long the
detector takes, so roimerge's `latency` property (--latency, 200 ms) is
how long a frame may wait for its regions on this live pipeline.

(Python cannot attach metas to buffers in a pad probe or an identity's
handoff on Debian 12: those buffers are not writable there. The detector
therefore pulls the small frames from an appsink and pushes a copy of
each, carrying the metas, into an appsrc.)

Run:
    GST_PLUGIN_PATH=build/gst /usr/bin/python3 examples/roimerge-detect.py \\
        [--frames N] [--select every|first|best] [--analytics] \\
        [--detector-delay MS] > events.ndjson

On stderr at the end: frames, frames the detector saw, frames it found
the ball in.

SPDX-License-Identifier: LGPL-2.1-or-later
"""

import argparse
import sys
import threading
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstApp", "1.0")
gi.require_version("GstVideo", "1.0")
# GstApp: loading it gives appsink and appsrc their methods
from gi.repository import GLib, Gst, GstApp, GstVideo  # noqa: E402,F401

FPS = 30
TRACK_ID = 1
# gray levels at or above this are the ball
BRIGHT = 128
BRIGHT_TABLE = bytes(1 if v >= BRIGHT else 0 for v in range(256))


def find_ball(data, width, height, stride):
    """The box (x, y, w, h) of the bright pixels of a GRAY8 frame and the
    share of the box they fill, or None."""
    x0 = y0 = None
    x1 = y1 = -1
    count = 0
    for y in range(height):
        row = data[y * stride:y * stride + width].translate(BRIGHT_TABLE)
        left = row.find(1)
        if left < 0:
            continue
        right = row.rfind(1)
        count += row.count(1)
        x0 = left if x0 is None else min(x0, left)
        x1 = max(x1, right)
        if y0 is None:
            y0 = y
        y1 = y
    if x0 is None:
        return None
    w, h = x1 - x0 + 1, y1 - y0 + 1
    return (x0, y0, w, h), count / float(w * h)


def add_roi(buf, box, fill):
    x, y, w, h = box
    meta = GstVideo.buffer_add_video_region_of_interest_meta(buf, "ball",
                                                             x, y, w, h)
    meta.id = 0
    meta.add_param(Gst.Structure.new_from_string(
        "detection, confidence=(double)%.4f" % fill))
    meta.add_param(Gst.Structure.new_from_string(
        "object_id, id=(int)%d" % TRACK_ID))


def add_analytics(GstAnalytics, buf, box, fill, first_seen):
    rmeta = GstAnalytics.buffer_add_analytics_relation_meta(buf)
    x, y, w, h = box
    ok, od = rmeta.add_od_mtd(GLib.quark_from_string("ball"), x, y, w, h,
                              fill)
    ok_trk, trk = rmeta.add_tracking_mtd(TRACK_ID, first_seen)
    ok_cls, cls = rmeta.add_one_cls_mtd(
        1.0, GLib.quark_from_string("white"))
    if not (ok and ok_trk and ok_cls):
        raise RuntimeError("could not add analytics metadata")
    trk.update_last_seen(buf.pts)
    rmeta.set_relation(GstAnalytics.RelTypes.RELATE_TO, od.id, trk.id)
    rmeta.set_relation(GstAnalytics.RelTypes.RELATE_TO, od.id, cls.id)


class Detector(threading.Thread):
    """Pulls the small frames, finds the ball, pushes each frame on with
    its regions (running time as PTS, so that it matches its full-size
    frame)."""

    def __init__(self, appsink, appsrc, delay_s, analytics):
        super().__init__(daemon=True)
        self.appsink, self.appsrc = appsink, appsrc
        self.delay_s = delay_s
        self.analytics = analytics
        self.seen = self.found = 0
        self.first_seen = None

    def run(self):
        while True:
            sample = self.appsink.try_pull_sample(Gst.SECOND)
            if sample is None:
                if self.appsink.is_eos():
                    self.appsrc.end_of_stream()
                    return
                continue
            self.seen += 1
            buf = sample.get_buffer()
            info = GstVideo.VideoInfo.new_from_caps(sample.get_caps())
            ok, map_info = buf.map(Gst.MapFlags.READ)
            if not ok:
                continue
            data = bytes(map_info.data)
            buf.unmap(map_info)
            found = find_ball(data, info.width, info.height, info.stride[0])
            if self.delay_s:
                time.sleep(self.delay_s)          # a slow model
            # a buffer of our own (a copy of the frame): Python can only
            # attach metas to a buffer nobody else holds
            out = Gst.Buffer.new_wrapped(data)
            out.pts = sample.get_segment().to_running_time(Gst.Format.TIME,
                                                           buf.pts)
            out.dts = Gst.CLOCK_TIME_NONE
            if found:
                self.found += 1
                box, fill = found
                if self.analytics:
                    if self.first_seen is None:
                        self.first_seen = out.pts
                    add_analytics(self.analytics, out, box, fill,
                                  self.first_seen)
                else:
                    add_roi(out, box, fill)
            if self.appsrc.push_buffer(out) != Gst.FlowReturn.OK:
                return


def pipeline_description(args):
    w, h = args.size
    dw, dh = args.detect_size
    return (
        "videotestsrc is-live=true pattern=ball num-buffers=%d "
        "! video/x-raw,format=I420,width=%d,height=%d,framerate=%d/1 "
        "! tee name=t "
        "t. ! queue ! m.sink "
        "t. ! queue leaky=downstream max-size-buffers=2 ! videoscale "
        "! videoconvert ! video/x-raw,format=GRAY8,width=%d,height=%d "
        "! appsink name=detect sync=false max-buffers=2 drop=true "
        "appsrc name=regions is-live=true format=time "
        "caps=video/x-raw,format=GRAY8,width=%d,height=%d,framerate=%d/1 "
        "! queue ! m.regions "
        "roimerge name=m latency=%d "
        "! imencode roi-type=ball roi-select=%s encoding=json "
        "! appsink name=events sync=false async=false"
        % (args.frames, w, h, FPS, dw, dh, dw, dh, FPS,
           args.latency * Gst.MSECOND, args.select))


def size(text):
    w, _, h = text.partition("x")
    return int(w), int(h)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--frames", type=int, default=150)
    ap.add_argument("--select", default="best",
                    choices=["every", "first", "best"])
    ap.add_argument("--size", type=size, default=(1280, 720))
    ap.add_argument("--detect-size", type=size, default=(320, 180))
    ap.add_argument("--analytics", action="store_true",
                    help="GstAnalyticsRelationMeta instead of ROI metas "
                    "(GStreamer >= 1.24)")
    ap.add_argument("--detector-delay", type=float, default=0,
                    help="ms the detector takes per frame")
    ap.add_argument("--latency", type=int, default=200,
                    help="ms a frame may wait for its regions")
    args = ap.parse_args()

    Gst.init(None)
    analytics = None
    if args.analytics:
        try:
            gi.require_version("GstAnalytics", "1.0")
            from gi.repository import GstAnalytics
            analytics = GstAnalytics
        except (ImportError, ValueError) as e:
            sys.exit("--analytics needs GStreamer's analytics library "
                     "(GStreamer >= 1.24): %s" % e)
    if Gst.ElementFactory.find("roimerge") is None:
        sys.exit("roimerge not found: set GST_PLUGIN_PATH to build/gst")

    pipeline = Gst.parse_launch(pipeline_description(args))
    events = pipeline.get_by_name("events")
    detector = Detector(pipeline.get_by_name("detect"),
                        pipeline.get_by_name("regions"),
                        args.detector_delay / 1000.0, analytics)
    if pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
        sys.exit("the pipeline did not start")
    # only now: an appsink that has not started says it is at EOS
    detector.start()
    bus = pipeline.get_bus()
    frames_out = 0
    error = None
    while True:
        sample = events.try_pull_sample(100 * Gst.MSECOND)
        if sample is not None:
            buf = sample.get_buffer()
            ok, info = buf.map(Gst.MapFlags.READ)
            if ok:
                sys.stdout.write(bytes(info.data).decode("utf-8"))
                sys.stdout.flush()
                buf.unmap(info)
                frames_out += 1
        msg = bus.pop_filtered(Gst.MessageType.ERROR)
        if msg is not None:
            err, dbg = msg.parse_error()
            error = "%s (%s)" % (err.message, dbg)
            break
        if sample is None and events.is_eos():
            break
    pipeline.set_state(Gst.State.NULL)
    detector.join(5)
    print("frames %d, seen by the detector %d, ball found in %d, "
          "events %d" % (args.frames, detector.seen, detector.found,
                         frames_out), file=sys.stderr)
    if error:
        sys.exit("error: " + error)


if __name__ == "__main__":
    main()
