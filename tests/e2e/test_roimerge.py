# End-to-end tests of roimerge: full-size frames and a detector's small
# frames with region metadata, pushed from two appsrcs (or a live camera
# stand-in and a detector in Python), through roimerge and imencode's
# region mode; every crop decoded with Pillow and compared with the numpy
# crop of the full-size frame at the box scaled by the test itself (each
# edge times frame size / regions size, rounded half up, clipped).
# SPDX-License-Identifier: LGPL-2.1-or-later

import base64
import json
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from imtest import (Gst, GstVideo, decode, make_image,  # noqa: E402
                    rgb_frame_bytes, run_to_end)

from gi.repository import GLib  # noqa: E402
from test_regions import add_roi  # noqa: E402

try:
    import gi
    gi.require_version("GstAnalytics", "1.0")
    from gi.repository import GstAnalytics  # noqa: E402
    ANALYTICS_MISSING = ""
except (ImportError, ValueError) as e:
    GstAnalytics = None
    ANALYTICS_MISSING = ("GStreamer's analytics library (GstAnalytics-1.0, "
                         "GStreamer >= 1.24) is not installed: %s" % e)

needs_analytics = pytest.mark.skipif(GstAnalytics is None,
                                     reason=ANALYTICS_MISSING)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "examples", "roimerge-detect.py")
FPS = 30
ROI_API = GstVideo.video_region_of_interest_meta_api_get_type()


def scale_edge(v, src, dst):
    """An edge at @v on a picture @src wide, on one @dst wide: clipped to
    the picture, rounded to the nearest pixel, halves up."""
    v = min(max(v, 0), src)
    return (2 * v * dst + src) // (2 * src)


def scale_box(box, small, big):
    """(x, y, w, h) on the small picture -> on the big one, or None."""
    x, y, w, h = box
    x0, x1 = scale_edge(x, small[0], big[0]), scale_edge(x + w, small[0],
                                                          big[0])
    y0, y1 = scale_edge(y, small[1], big[1]), scale_edge(y + h, small[1],
                                                          big[1])
    if x1 <= x0 or y1 <= y0:
        return None
    return x0, y0, x1 - x0, y1 - y0


def add_detection(buf, d):
    rmeta = GstAnalytics.buffer_get_analytics_relation_meta(buf)
    if rmeta is None:
        rmeta = GstAnalytics.buffer_add_analytics_relation_meta(buf)
    x, y, w, h = d["box"]
    ok, od = rmeta.add_od_mtd(GLib.quark_from_string(d["type"]), x, y, w, h,
                              d.get("confidence", 1.0))
    assert ok
    if "track" in d:
        ok, trk = rmeta.add_tracking_mtd(d["track"], 0)
        assert ok
        rmeta.set_relation(GstAnalytics.RelTypes.RELATE_TO, od.id, trk.id)
    if "class" in d:
        ok, cls = rmeta.add_one_cls_mtd(d["class"][1],
                                        GLib.quark_from_string(d["class"][0]))
        assert ok
        rmeta.set_relation(GstAnalytics.RelTypes.RELATE_TO, od.id, cls.id)


def merge(big_frames, small_size, regions, tail, props="", timeout_s=60):
    """appsrc (big RGB frames) ! m.sink, appsrc (small frames carrying
    @regions: {frame index: (rois, detections)}) ! m.regions,
    roimerge name=m <props> ! <tail> ! appsink. Returns run_to_end()'s
    Result."""
    h, w, _ = big_frames[0].shape
    sw, sh = small_size
    pipeline = Gst.parse_launch(
        "appsrc name=big format=time caps=video/x-raw,format=RGB,width=%d,"
        "height=%d,framerate=%d/1 ! m.sink "
        "appsrc name=small format=time caps=video/x-raw,format=GRAY8,"
        "width=%d,height=%d,framerate=%d/1 ! m.regions "
        "roimerge name=m %s ! %s ! appsink name=sink"
        % (w, h, FPS, sw, sh, FPS, props, tail))
    big = pipeline.get_by_name("big")
    small = pipeline.get_by_name("small")
    for src in (big, small):
        src.set_property("max-bytes", 0)
    pipeline.set_state(Gst.State.PLAYING)
    for i, img in enumerate(big_frames):
        buf = Gst.Buffer.new_wrapped(rgb_frame_bytes(img))
        buf.pts = Gst.util_uint64_scale(i, Gst.SECOND, FPS)
        buf.duration = Gst.util_uint64_scale(1, Gst.SECOND, FPS)
        assert big.emit("push-buffer", buf) == Gst.FlowReturn.OK
    big.emit("end-of-stream")
    stride = (sw + 3) & ~3
    for i in sorted(regions):
        rois, dets = regions[i]
        buf = Gst.Buffer.new_wrapped(bytes(stride * sh))
        buf.pts = Gst.util_uint64_scale(i, Gst.SECOND, FPS)
        for r in rois:
            add_roi(buf, r)
        for d in dets:
            add_detection(buf, d)
        assert small.emit("push-buffer", buf) == Gst.FlowReturn.OK
    small.emit("end-of-stream")
    return run_to_end(pipeline, timeout_s)


def frames(n, w, h):
    """n different full-size frames (the pattern rolled by frame)."""
    base = make_image(w, h)
    return [np.roll(base, 7 * i, axis=1) for i in range(n)]


def rgb(data):
    fmt, im = decode(data)
    assert fmt == "PNG"
    return np.asarray(im.convert("RGB"))


@pytest.mark.parametrize("big,small", [
    ((640, 360), (160, 90)),      # x4
    ((640, 480), (300, 200)),     # x2.1333.., x2.4
    ((333, 250), (200, 150)),     # x1.665, x1.6667: halves and odd sizes
])
def test_crops_are_the_full_frames_pixels(big, small):
    imgs = frames(3, *big)
    sw, sh = small
    rois = {
        0: ([{"type": "person", "box": (10, 11, 31, 40), "id": 3,
              "confidence": 0.87, "track": 42},
             {"type": "car", "box": (sw - 20, sh - 15, 40, 40), "id": 5}],
            []),
        # frame 1: nothing from the detector
        2: ([{"type": "person", "box": (1, 1, 3, 3), "id": 9},
             {"type": "gone", "box": (sw, 5, 4, 4), "id": 10}], []),
    }
    r = merge(imgs, small, rois, "imencode roi-type=* format=png")
    assert not r.errors and r.eos, r.errors
    expected = []
    for i, (rs, _) in sorted(rois.items()):
        for roi in rs:
            box = scale_box(roi["box"], small, big)
            if box:
                expected.append((i, roi, box))
    assert len(r.buffers) == len(expected)
    for (data, caps, pts, dur, meta), (i, roi, box) in zip(r.buffers,
                                                           expected):
        x, y, w, h = box
        assert pts == Gst.util_uint64_scale(i, Gst.SECOND, FPS)
        assert meta["roi-type"] == roi["type"]
        assert meta["roi-id"] == roi["id"]
        assert (meta["x"], meta["y"], meta["width"], meta["height"]) == box
        assert (meta["frame-width"], meta["frame-height"]) == big
        if "track" in roi:
            assert meta["track-id"] == roi["track"]
            assert meta["confidence"] == pytest.approx(roi["confidence"])
        assert np.array_equal(rgb(data), imgs[i][y:y + h, x:x + w])


def test_frames_pass_unchanged_in_order():
    imgs = frames(6, 64, 48)
    rois = {i: ([{"type": "a", "box": (1, 1, 4, 4)}], []) for i in (0, 3)}
    r = merge(imgs, (32, 24), rois, "identity")
    assert not r.errors and r.eos
    assert len(r.buffers) == 6
    for i, (data, caps, pts, dur, meta) in enumerate(r.buffers):
        assert data == rgb_frame_bytes(imgs[i])
        assert pts == Gst.util_uint64_scale(i, Gst.SECOND, FPS)
        assert dur == Gst.util_uint64_scale(1, Gst.SECOND, FPS)
        assert "width=(int)64" in caps and "format=(string)RGB" in caps


def test_regions_ending_early():
    imgs = frames(8, 96, 64)
    rois = {i: ([{"type": "a", "box": (2, 2, 10, 10), "id": i}], [])
            for i in range(3)}
    r = merge(imgs, (48, 32), rois, "imencode roi-type=* format=png")
    assert not r.errors and r.eos
    assert [m["roi-id"] for (_, _, _, _, m) in r.buffers] == [0, 1, 2]
    for (data, _, pts, _, m) in r.buffers:
        i = m["roi-id"]
        assert np.array_equal(rgb(data), imgs[i][4:24, 4:24])


@needs_analytics
def test_analytics_detections_with_tracking_and_classes():
    big, small = (640, 360), (320, 180)
    imgs = frames(2, *big)
    dets = {0: ([], [{"type": "person", "box": (20, 30, 41, 50),
                      "confidence": 0.9, "track": 17,
                      "class": ("adult", 0.75)},
                     {"type": "car", "box": (300, 150, 40, 40),
                      "confidence": 0.4}]),
            1: ([], [{"type": "bike", "box": (-10, -10, 30, 30),
                      "confidence": 0.6, "track": 18}])}
    r = merge(imgs, small, dets, "imencode roi-type=* format=png")
    assert not r.errors and r.eos, r.errors
    assert len(r.buffers) == 3, "plugin built without the analytics library?"
    want = [(0, dets[0][1][0]), (0, dets[0][1][1]), (1, dets[1][1][0])]
    for (data, _, pts, _, meta), (i, d) in zip(r.buffers, want):
        box = scale_box(d["box"], small, big)
        x, y, w, h = box
        assert meta["roi-type"] == d["type"]
        assert meta["confidence"] == pytest.approx(d["confidence"])
        if "track" in d:
            assert meta["track-id"] == d["track"]
        else:
            assert "track-id" not in meta
        assert (meta["x"], meta["y"], meta["width"], meta["height"]) == box
        assert np.array_equal(rgb(data), imgs[i][y:y + h, x:x + w])


@needs_analytics
def test_analytics_relations_reach_the_frame():
    """The frame's relation meta itself: detection (box scaled), tracking
    and classification, and the relations between them."""
    imgs = frames(1, 400, 200)
    dets = {0: ([], [{"type": "person", "box": (10, 20, 30, 40),
                      "confidence": 0.5, "track": 7,
                      "class": ("adult", 0.75)}])}
    got = {}

    def check(buf):
        rmeta = GstAnalytics.buffer_get_analytics_relation_meta(buf)
        assert rmeta is not None
        ods = [m for m in iterate(rmeta, GstAnalytics.ODMtd)]
        trks = [m for m in iterate(rmeta, GstAnalytics.TrackingMtd)]
        clss = [m for m in iterate(rmeta, GstAnalytics.ClsMtd)]
        assert len(ods) == len(trks) == len(clss) == 1
        od, trk, cls = ods[0], trks[0], clss[0]
        ok, x, y, w, h, conf = od.get_location()
        got["box"] = (x, y, w, h)
        got["conf"] = conf
        got["label"] = GLib.quark_to_string(od.get_obj_type())
        got["track"] = trk.get_info()[1]
        got["class"] = (GLib.quark_to_string(cls.get_quark(0)),
                        cls.get_level(0))
        got["od-trk"] = rmeta.get_relation(od.id, trk.id)
        got["od-cls"] = rmeta.get_relation(od.id, cls.id)

    pipeline, sink = sample_pipeline(imgs, (200, 100), dets)
    sample = sink.try_pull_sample(10 * Gst.SECOND)
    assert sample is not None
    check(sample.get_buffer())
    pipeline.set_state(Gst.State.NULL)
    assert got["box"] == (20, 40, 60, 80)
    assert got["conf"] == pytest.approx(0.5)
    assert got["label"] == "person"
    assert got["track"] == 7
    assert got["class"][0] == "adult"
    assert got["class"][1] == pytest.approx(0.75)
    assert got["od-trk"] == GstAnalytics.RelTypes.RELATE_TO
    assert got["od-cls"] == GstAnalytics.RelTypes.RELATE_TO


def iterate(rmeta, kind):
    """The metadata of one kind in a relation meta, by id (ids are 0 to
    its length - 1)."""
    getter = {GstAnalytics.ODMtd: rmeta.get_od_mtd,
              GstAnalytics.TrackingMtd: rmeta.get_tracking_mtd,
              GstAnalytics.ClsMtd: rmeta.get_cls_mtd}[kind]
    for i in range(GstAnalytics.relation_get_length(rmeta)):
        ok, mtd = getter(i)
        if ok:
            yield mtd


def sample_pipeline(imgs, small, regions):
    """As merge() with appsink only, left running for the caller to pull
    samples (and their metas) from."""
    h, w, _ = imgs[0].shape
    sw, sh = small
    pipeline = Gst.parse_launch(
        "appsrc name=big format=time caps=video/x-raw,format=RGB,width=%d,"
        "height=%d,framerate=%d/1 ! m.sink "
        "appsrc name=small format=time caps=video/x-raw,format=GRAY8,"
        "width=%d,height=%d,framerate=%d/1 ! m.regions "
        "roimerge name=m ! appsink name=sink sync=false"
        % (w, h, FPS, sw, sh, FPS))
    big, smallsrc = pipeline.get_by_name("big"), pipeline.get_by_name("small")
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    for i, img in enumerate(imgs):
        buf = Gst.Buffer.new_wrapped(rgb_frame_bytes(img))
        buf.pts = Gst.util_uint64_scale(i, Gst.SECOND, FPS)
        big.emit("push-buffer", buf)
    big.emit("end-of-stream")
    for i in sorted(regions):
        buf = Gst.Buffer.new_wrapped(bytes(((sw + 3) & ~3) * sh))
        buf.pts = Gst.util_uint64_scale(i, Gst.SECOND, FPS)
        for r in regions[i][0]:
            add_roi(buf, r)
        for d in regions[i][1]:
            add_detection(buf, d)
        smallsrc.emit("push-buffer", buf)
    smallsrc.emit("end-of-stream")
    return pipeline, sink


def test_live_detector_behind_leaky_queue():
    """A live camera stand-in, a slow detector (Python, 70 ms a frame)
    behind a leaky queue: frames keep coming out, all of them, in order,
    those the detector saw with its region, and none later than the
    latency the pipeline reports (plus scheduling slack)."""
    n = 60
    pipeline = Gst.parse_launch(
        "videotestsrc is-live=true pattern=ball num-buffers=%d "
        "! video/x-raw,format=I420,width=640,height=360,framerate=30/1 "
        "! tee name=t t. ! queue ! m.sink "
        "t. ! queue leaky=downstream max-size-buffers=1 ! videoscale "
        "! video/x-raw,width=160,height=90 "
        "! appsink name=detect sync=false async=false max-buffers=1 "
        "drop=true "
        "appsrc name=regions is-live=true format=time "
        "caps=video/x-raw,format=I420,width=160,height=90,framerate=30/1 "
        "! queue ! m.regions "
        "roimerge name=m latency=300000000 "
        "! appsink name=sink sync=false async=false" % n)
    detect = pipeline.get_by_name("detect")
    regions = pipeline.get_by_name("regions")
    sink = pipeline.get_by_name("sink")
    merge_el = pipeline.get_by_name("m")
    seen = []

    def detector():
        while True:
            sample = detect.try_pull_sample(Gst.SECOND)
            if sample is None:
                if detect.is_eos():
                    regions.emit("end-of-stream")
                    return
                continue
            buf = sample.get_buffer()
            rt = sample.get_segment().to_running_time(Gst.Format.TIME,
                                                      buf.pts)
            time.sleep(0.07)
            out = Gst.Buffer.new_wrapped(bytes(160 * 90 * 3 // 2))
            out.pts = rt
            m = GstVideo.buffer_add_video_region_of_interest_meta(
                out, "ball", 10, 20, 30, 40)
            m.id = len(seen)
            seen.append(rt)
            if regions.emit("push-buffer", out) != Gst.FlowReturn.OK:
                return

    assert pipeline.set_state(Gst.State.PLAYING) != \
        Gst.StateChangeReturn.FAILURE
    thread = threading.Thread(target=detector, daemon=True)
    thread.start()
    clock = pipeline.get_clock()
    base = pipeline.get_base_time()
    out = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        sample = sink.try_pull_sample(100 * Gst.MSECOND)
        if sample is None:
            if sink.is_eos():
                break
            continue
        now = clock.get_time() - base
        buf = sample.get_buffer()
        rt = sample.get_segment().to_running_time(Gst.Format.TIME, buf.pts)
        out.append((rt, now - rt, buf.get_n_meta(ROI_API)))
    q = Gst.Query.new_latency()
    assert merge_el.get_static_pad("src").query(q)
    live, min_latency, _ = q.parse_latency()
    pipeline.set_state(Gst.State.NULL)
    thread.join(5)
    assert live
    # the latency property and one frame of videotestsrc
    assert min_latency == 300 * Gst.MSECOND + Gst.SECOND // 30
    assert len(out) == n, "frames lost or stuck"
    times = [o[0] for o in out]
    assert times == sorted(times)
    # the detector skipped frames, and those it saw have their region
    assert 0 < len(seen) < n
    with_regions = [o[0] for o in out if o[2] == 1]
    assert all(o[2] <= 1 for o in out)
    assert with_regions == seen
    # bounded lateness
    late = max(o[1] for o in out)
    assert late <= min_latency + 200 * Gst.MSECOND, late


def run_example(*args):
    env = dict(os.environ)
    out = subprocess.run([sys.executable, EXAMPLE] + list(args),
                         capture_output=True, text=True, timeout=120,
                         env=env)
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()], out.stderr


def check_ball_events(events, n):
    assert len(events) == n
    for ev in events:
        roi, box, image = ev["roi"], ev["box"], ev["image"]
        assert ev["frame"] == {"width": 1280, "height": 720}
        assert roi["type"] == "ball" and roi["track_id"] == 1
        # a box found on 320x180, scaled by 4: every edge a multiple of 4
        for k in ("x", "y", "width", "height"):
            assert roi[k] % 4 == 0, roi
        assert box == {k: roi[k] for k in ("x", "y", "width", "height")}
        fmt, im = decode(base64.b64decode(image["data"]))
        assert fmt == "JPEG" and im.size == (roi["width"], roi["height"])
        # the ball (white) fills the middle of its box, not the corners
        px = np.asarray(im.convert("L"), np.float64)
        h, w = px.shape
        assert px[h // 2, w // 2] > 200
        assert px[0, 0] < 80


def test_example_best_view():
    events, err = run_example("--frames", "60")
    check_ball_events(events, 1)
    assert events[0]["reason"] == "best"


def test_example_slow_detector_every_region():
    # a generous wait for regions: each region that comes late would be an
    # event missing (on a loaded machine)
    events, err = run_example("--frames", "60", "--select", "every",
                              "--detector-delay", "50", "--latency", "500")
    # frames the detector skipped have no region, the others one each
    seen = int(err.split("seen by the detector ")[1].split(",")[0])
    assert 0 < seen < 60
    check_ball_events(events, seen)


@needs_analytics
def test_example_analytics():
    events, err = run_example("--frames", "60", "--analytics")
    check_ball_events(events, 1)


def test_live_detector_that_never_answers():
    """On a live pipeline frames whose regions never come leave at their
    deadline: running time + upstream latency + `latency`, all of them."""
    n = 20
    pipeline = Gst.parse_launch(
        "videotestsrc is-live=true num-buffers=%d "
        "! video/x-raw,width=320,height=240,framerate=30/1 ! queue ! m.sink "
        "appsrc is-live=true format=time "
        "caps=video/x-raw,width=160,height=120,framerate=30/1 "
        "! queue ! m.regions "
        "roimerge name=m latency=100000000 "
        "! appsink name=sink sync=false async=false" % n)
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    late = []
    deadline = time.monotonic() + 20
    while len(late) < n and time.monotonic() < deadline:
        sample = sink.try_pull_sample(100 * Gst.MSECOND)
        if sample is None:
            continue
        now = pipeline.get_clock().get_time() - pipeline.get_base_time()
        late.append(now - sample.get_buffer().pts)
    pipeline.set_state(Gst.State.NULL)
    assert len(late) == n
    # 33.3 ms of videotestsrc + 100 ms, and not much more
    assert min(late) >= 133 * Gst.MSECOND
    assert max(late) <= 133 * Gst.MSECOND + 150 * Gst.MSECOND
