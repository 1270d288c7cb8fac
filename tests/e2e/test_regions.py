# End-to-end tests of imencode's region mode (roi-type, roi-margin,
# min-confidence), rate control (max-rate), on-demand snapshots and segment
# clipping: frames with region metadata pushed through real pipelines,
# every image decoded with Pillow and compared with the numpy crop of the
# frame it came from.
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import sys
import threading
import time

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from imtest import (Gst, GstVideo, Result, _collect_bus,  # noqa: E402
                    _store_sample, decode, make_image, psnr, rgb_frame_bytes,
                    run_to_end)

from gi.repository import GLib  # noqa: E402

try:
    import gi
    gi.require_version("GstAnalytics", "1.0")
    from gi.repository import GstAnalytics  # noqa: E402
except (ImportError, ValueError) as e:
    GstAnalytics = None
    ANALYTICS_MISSING = ("GStreamer's analytics library (GstAnalytics-1.0, "
                         "GStreamer >= 1.24) is not installed: %s" % e)

W, H = 320, 240


def add_roi(buf, r):
    """Attaches a GstVideoRegionOfInterestMeta described by dict @r: type,
    box (x, y, w, h), optional id, confidence, track."""
    x, y, w, h = r["box"]
    m = GstVideo.buffer_add_video_region_of_interest_meta(
        buf, r["type"], x, y, w, h)
    m.id = r.get("id", 0)
    if "confidence" in r:
        m.add_param(Gst.Structure.new_from_string(
            "detection, confidence=(double)%r" % r["confidence"]))
    if "track" in r:
        m.add_param(Gst.Structure.new_from_string(
            "object_id, id=(int)%d" % r["track"]))


def add_detection(buf, d):
    """Attaches an object detection (and a related tracking metadata when
    d has "track") to the buffer's analytics relation meta."""
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
        if d.get("contain"):
            rmeta.set_relation(GstAnalytics.RelTypes.CONTAIN, trk.id, od.id)
        else:
            rmeta.set_relation(GstAnalytics.RelTypes.RELATE_TO, od.id, trk.id)
    return od.id


def frame_buffer(img, i, fps=30, rois=(), detections=()):
    buf = Gst.Buffer.new_wrapped(rgb_frame_bytes(img))
    buf.pts = Gst.util_uint64_scale(i, Gst.SECOND, fps)
    buf.duration = Gst.util_uint64_scale(1, Gst.SECOND, fps)
    for r in rois:
        add_roi(buf, r)
    for d in detections:
        add_detection(buf, d)
    return buf


def encode(frames, props, fps=30, timeout_s=60):
    """Pushes (image, rois, detections) tuples through
    appsrc ! imencode <props> ! appsink; returns run_to_end()'s Result."""
    h, w, _ = frames[0][0].shape
    pipeline = Gst.parse_launch(
        "appsrc name=src format=time caps=video/x-raw,format=RGB,width=%d,"
        "height=%d,framerate=%d/1 ! imencode name=enc %s ! appsink name=sink"
        % (w, h, fps, props))
    src = pipeline.get_by_name("src")
    src.set_property("max-bytes", 0)
    pipeline.set_state(Gst.State.PLAYING)
    for i, (img, rois, dets) in enumerate(frames):
        assert src.emit("push-buffer", frame_buffer(img, i, fps, rois, dets)) \
            == Gst.FlowReturn.OK
    src.emit("end-of-stream")
    return run_to_end(pipeline, timeout_s)


def rgb_of(data):
    fmt, im = decode(data)
    return fmt, np.asarray(im.convert("RGB"))


@pytest.fixture(scope="module")
def img():
    return make_image(W, H)


def test_two_regions_two_images_exact_pixels(img):
    rois = [{"type": "person", "box": (10, 20, 41, 63), "id": 3,
             "confidence": 0.87, "track": 42},
            {"type": "car", "box": (200, 100, 90, 51), "id": 5}]
    r = encode([(img, rois, [])], "roi-type=* format=png")
    assert not r.errors and r.eos
    assert len(r.buffers) == 2
    for (data, caps, pts, dur, meta), roi in zip(r.buffers, rois):
        x, y, w, h = roi["box"]
        fmt, px = rgb_of(data)
        assert fmt == "PNG"
        assert px.shape == (h, w, 3)
        assert np.array_equal(px, img[y:y + h, x:x + w])
        assert (meta["x"], meta["y"], meta["width"], meta["height"]) == \
            (x, y, w, h)
        assert (meta["frame-width"], meta["frame-height"]) == (W, H)
        assert meta["roi-id"] == roi["id"]
        assert meta["roi-type"] == roi["type"]
        assert pts == 0 and dur == Gst.SECOND // 30
    first, second = r.buffers[0][4], r.buffers[1][4]
    assert first["confidence"] == pytest.approx(0.87)
    assert first["track-id"] == 42
    assert "confidence" not in second and "track-id" not in second


def test_jpeg_regions_match_crops(img):
    rois = [{"type": "a", "box": (16, 16, 96, 64)},
            {"type": "a", "box": (150, 90, 120, 130)}]
    r = encode([(img, rois, [])], "roi-type=a quality=95")
    assert len(r.buffers) == 2
    for (data, caps, *_), roi in zip(r.buffers, rois):
        x, y, w, h = roi["box"]
        fmt, px = rgb_of(data)
        assert fmt == "JPEG"
        assert px.shape == (h, w, 3)
        assert psnr(px, img[y:y + h, x:x + w]) > 30


def test_region_caps_carry_no_size(img):
    rois = [{"type": "a", "box": (0, 0, 10, 10)}]
    r = encode([(img, rois, [])], "roi-type=a")
    caps = Gst.Caps.from_string(r.caps[0])
    assert caps.is_fixed()
    # (structure accessors differ between PyGObject overrides of 1.22 and
    # 1.26: compare whole caps instead)
    assert caps.is_equal(Gst.Caps.from_string(
        "image/jpeg, framerate=(fraction)30/1")), r.caps[0]


def test_margin_grows_and_clips_at_frame_edges(img):
    rois = [{"type": "a", "box": (100, 100, 40, 20)},
            {"type": "a", "box": (0, 5, 40, 20)},
            {"type": "a", "box": (300, 230, 20, 10)}]
    r = encode([(img, rois, [])], "roi-type=a roi-margin=0.25 format=png")
    # grown by a quarter of the width left and right and of the height
    # top and bottom (2.5 rounds out to 3), then clipped to 320x240
    expected = [(90, 95, 60, 30), (0, 0, 50, 30), (295, 227, 25, 13)]
    assert len(r.buffers) == 3
    for (data, *_, meta), (x, y, w, h) in zip(r.buffers, expected):
        _, px = rgb_of(data)
        assert (meta["x"], meta["y"], meta["width"], meta["height"]) == \
            (x, y, w, h)
        assert np.array_equal(px, img[y:y + h, x:x + w])


def test_type_lists_and_star(img):
    rois = [{"type": "person", "box": (0, 0, 8, 8), "id": 1},
            {"type": "dog", "box": (8, 0, 8, 8), "id": 2},
            {"type": "car", "box": (16, 0, 8, 8), "id": 3}]
    ids = {}
    for roi_type in ["person", "car, person", "*", "cat", "dog,cat"]:
        r = encode([(img, rois, [])], "roi-type=\"%s\"" % roi_type)
        assert not r.errors
        ids[roi_type] = [b[4]["roi-id"] for b in r.buffers]
    assert ids == {"person": [1], "car, person": [1, 3], "*": [1, 2, 3],
                   "cat": [], "dog,cat": [2]}


def test_min_confidence(img):
    rois = [{"type": "a", "box": (0, 0, 8, 8), "id": 1, "confidence": 0.3},
            {"type": "a", "box": (0, 0, 8, 8), "id": 2, "confidence": 0.6},
            {"type": "a", "box": (0, 0, 8, 8), "id": 3}]
    r = encode([(img, rois, [])], "roi-type=a min-confidence=0.5")
    # unknown confidence is kept
    assert [b[4]["roi-id"] for b in r.buffers] == [2, 3]


@pytest.mark.parametrize("bad", ["nan", "inf", "-inf"])
def test_non_finite_confidence_is_unknown(img, bad):
    # a detector that writes NaN or infinity knows no confidence: the
    # region is kept whatever min-confidence says, and its meta carries no
    # confidence field
    rois = [{"type": "a", "box": (0, 0, 8, 8), "id": 1,
             "confidence": float(bad)},
            {"type": "a", "box": (0, 0, 8, 8), "id": 2, "confidence": 0.3}]
    r = encode([(img, rois, [])], "roi-type=a min-confidence=0.5")
    assert not r.errors
    assert [b[4]["roi-id"] for b in r.buffers] == [1]
    assert "confidence" not in r.buffers[0][4], r.buffers[0][4]


def test_no_region_no_output(img):
    frames = [(img, [], []), (img, [{"type": "b", "box": (0, 0, 4, 4)}], [])]
    r = encode(frames, "roi-type=a")
    assert r.eos and not r.errors and not r.warnings
    assert r.buffers == []


def test_region_outside_frame_warns_once(img):
    outside = {"type": "a", "box": (400, 10, 20, 20)}
    inside = {"type": "a", "box": (10, 10, 20, 20)}
    frames = [(img, [outside, inside], [])] * 5
    r = encode(frames, "roi-type=a")
    assert len(r.buffers) == 5
    assert len([w for w in r.warnings if "outside" in w]) == 1, r.warnings


def test_crop_and_width_apply_per_region(img):
    rois = [{"type": "a", "box": (40, 30, 100, 80)},
            {"type": "a", "box": (200, 120, 60, 90)}]
    r = encode([(img, rois, [])],
               "roi-type=a crop-x=10 crop-y=20 crop-width=50 format=png")
    assert len(r.buffers) == 2
    for (data, *_, meta), (x, y, w, h) in zip(
            r.buffers, [(50, 50, 50, 60), (210, 140, 50, 70)]):
        _, px = rgb_of(data)
        assert np.array_equal(px, img[y:y + h, x:x + w])
    r = encode([(img, rois, [])], "roi-type=a width=50")
    sizes = [rgb_of(b[0])[1].shape[:2] for b in r.buffers]
    # height follows each region's shape: 80 * 50 / 100, 90 * 50 / 60
    assert sizes == [(40, 50), (75, 50)]


def test_fifty_regions_threads0_all_in_order():
    frame = make_image(640, 480)
    rng = np.random.default_rng(7)
    rois = []
    for i in range(50):
        w, h = int(rng.integers(8, 200)), int(rng.integers(8, 200))
        x, y = int(rng.integers(0, 640 - w)), int(rng.integers(0, 480 - h))
        rois.append({"type": "obj", "box": (x, y, w, h), "id": i})
    frames = [(frame, rois, []), (frame, rois[:10], [])]
    r = encode(frames, "roi-type=obj threads=0 format=png")
    assert not r.errors and r.eos
    assert len(r.buffers) == 60
    expected = [(0, roi) for roi in rois] + \
        [(Gst.SECOND // 30, roi) for roi in rois[:10]]
    for (data, caps, pts, dur, meta), (epts, roi) in zip(r.buffers, expected):
        x, y, w, h = roi["box"]
        assert pts == epts
        assert meta["roi-id"] == roi["id"]
        _, px = rgb_of(data)
        assert np.array_equal(px, frame[y:y + h, x:x + w])


def test_regions_with_base64(img):
    import base64
    rois = [{"type": "a", "box": (10, 10, 30, 20)}]
    r = encode([(img, rois, [])], "roi-type=a encoding=data-uri format=png")
    text = r.buffers[0][0].decode("ascii")
    assert text.startswith("data:image/png;base64,")
    _, px = rgb_of(base64.b64decode(text.split(",", 1)[1]))
    assert np.array_equal(px, img[10:30, 10:40])


# ---- max-rate, segments, snapshots ----


def test_max_rate_one_per_second(img):
    small = img[:16, :16].copy()
    frames = [(small, [], [])] * 90
    r = encode(frames, "max-rate=1/1 threads=0")
    assert not r.errors
    assert [b[2] for b in r.buffers] == [0, Gst.SECOND, 2 * Gst.SECOND]


@pytest.mark.parametrize("rate,kept", [("30/1", 300), ("10/1", 100),
                                       ("1/1", 10)])
def test_max_rate_on_a_webcam_rate(rate, kept):
    # many UVC webcams run at 10000000/333333 fps, a hair faster than 30:
    # the limit keeps the first frame at or past each slot 1/max-rate
    # apart, allowing half a frame of jitter, so 30/1 keeps all of them
    pipeline = Gst.parse_launch(
        "videotestsrc num-buffers=300 ! video/x-raw,width=16,height=16,"
        "framerate=10000000/333333 ! imencode max-rate=%s threads=2 ! "
        "appsink name=sink sync=false" % rate)
    r = run_to_end(pipeline)
    assert not r.errors
    assert len(r.buffers) == kept
    step = 300 // kept
    assert [b[2] for b in r.buffers] == \
        [Gst.util_uint64_scale(i * step, Gst.SECOND * 333333, 10000000)
         for i in range(kept)]


@pytest.mark.parametrize("threads", [1, 2])
def test_max_rate_restarts_after_flushing_seek(threads):
    # no num-buffers: basesrc counts it over the whole run, seeks included,
    # so frames skipped before the seek would end the stream after it; the
    # seek's stop position ends it instead
    pipeline = Gst.parse_launch(
        "videotestsrc ! video/x-raw,width=32,height=24,framerate=30/1 ! "
        "imencode max-rate=1/1 threads=%d ! appsink name=sink sync=false"
        % threads)
    pipeline.set_state(Gst.State.PAUSED)
    assert pipeline.get_state(10 * Gst.SECOND)[0] == \
        Gst.StateChangeReturn.SUCCESS
    assert pipeline.seek(
        1.0, Gst.Format.TIME, Gst.SeekFlags.FLUSH | Gst.SeekFlags.ACCURATE,
        Gst.SeekType.SET, Gst.SECOND // 2, Gst.SeekType.SET, 3 * Gst.SECOND)
    r = run_to_end(pipeline)
    assert not r.errors
    # the limit starts again at the seek position: 0.5 s, then every 1 s
    assert [b[2] for b in r.buffers] == [Gst.SECOND // 2, 3 * Gst.SECOND // 2,
                                         5 * Gst.SECOND // 2]


class Driver:
    """imencode fed straight from this thread (threads=1), so that each
    frame's outputs can be collected before the next one goes in."""

    def __init__(self, props, width=W, height=H, segment=None):
        self.pipeline = Gst.parse_launch(
            "imencode name=enc threads=1 %s ! appsink name=sink sync=false"
            % props)
        self.enc = self.pipeline.get_by_name("enc")
        self.sink = self.pipeline.get_by_name("sink")
        self.pad = self.enc.get_static_pad("sink")
        self.pipeline.set_state(Gst.State.PLAYING)
        self.pad.send_event(Gst.Event.new_stream_start("regions"))
        self.pad.send_event(Gst.Event.new_caps(Gst.Caps.from_string(
            "video/x-raw,format=RGB,width=%d,height=%d,framerate=30/1" %
            (width, height))))
        if segment is None:
            segment = Gst.Segment()
            segment.init(Gst.Format.TIME)
        self.pad.send_event(Gst.Event.new_segment(segment))

    def push(self, buf):
        """Chains @buf; returns the Result of what came out for it."""
        assert self.pad.chain(buf) == Gst.FlowReturn.OK
        got = Result()
        while True:
            sample = self.sink.try_pull_sample(0)
            if sample is None:
                break
            _store_sample(sample, got)
        _collect_bus(self.pipeline.get_bus(), got)
        return got

    def stop(self):
        self.pipeline.set_state(Gst.State.NULL)


def test_frames_outside_segment_not_encoded(img):
    seg = Gst.Segment()
    seg.init(Gst.Format.TIME)
    seg.start = Gst.SECOND
    seg.stop = 2 * Gst.SECOND
    d = Driver("", width=16, height=16, segment=seg)
    small = img[:16, :16].copy()
    encoded = []
    for i in range(90):
        got = d.push(frame_buffer(small, i, 30))
        encoded += [b[2] for b in got.buffers]
    d.stop()
    # frames 30..59 lie inside [1 s, 2 s); frame 29 ends at 1 s exactly
    assert encoded == [Gst.util_uint64_scale(i, Gst.SECOND, 30)
                       for i in range(30, 60)]


def test_snapshot_signals_from_another_thread_while_playing():
    pipeline = Gst.parse_launch(
        "videotestsrc is-live=true ! video/x-raw,width=64,height=48,"
        "framerate=30/1 ! imencode name=enc on-demand=true ! "
        "appsink name=sink sync=false")
    enc = pipeline.get_by_name("enc")
    sink = pipeline.get_by_name("sink")
    result = Result()
    pipeline.set_state(Gst.State.PLAYING)
    time.sleep(0.3)
    # nothing without a request
    assert sink.try_pull_sample(0) is None

    def requester():
        for _ in range(5):
            enc.emit("snapshot")
            time.sleep(0.15)

    t = threading.Thread(target=requester)
    t.start()
    t.join()
    time.sleep(0.5)
    pipeline.send_event(Gst.Event.new_eos())
    while True:
        sample = sink.try_pull_sample(2 * Gst.SECOND)
        if sample is None:
            break
        _store_sample(sample, result)
    _collect_bus(pipeline.get_bus(), result)
    pipeline.set_state(Gst.State.NULL)
    assert not result.errors
    assert len(result.buffers) == 5
    pts = [b[2] for b in result.buffers]
    assert pts == sorted(set(pts))
    for data, *_ in result.buffers:
        assert decode(data)[0] == "JPEG"


def test_snapshots_requested_before_playing_take_the_first_frames():
    pipeline = Gst.parse_launch(
        "videotestsrc num-buffers=10 ! video/x-raw,width=32,height=24,"
        "framerate=30/1 ! imencode name=enc on-demand=true ! "
        "appsink name=sink")
    enc = pipeline.get_by_name("enc")
    enc.emit("snapshot")
    enc.emit("snapshot")
    r = run_to_end(pipeline)
    assert not r.errors
    assert [b[2] for b in r.buffers] == [0, Gst.SECOND // 30]


def test_snapshot_in_region_mode_encodes_every_region_of_one_frame(img):
    rois = [{"type": "a", "box": (0, 0, 10, 10), "id": 1},
            {"type": "a", "box": (20, 20, 10, 10), "id": 2}]
    pipeline = Gst.parse_launch(
        "appsrc name=src format=time caps=video/x-raw,format=RGB,width=%d,"
        "height=%d,framerate=30/1 ! imencode name=enc roi-type=a "
        "on-demand=true ! appsink name=sink" % (W, H))
    src = pipeline.get_by_name("src")
    enc = pipeline.get_by_name("enc")
    src.set_property("max-bytes", 0)
    pipeline.set_state(Gst.State.PLAYING)
    for i in range(6):
        if i == 3:
            enc.emit("snapshot")
            # let frame 2 through imencode before the request counts
        src.emit("push-buffer", frame_buffer(img, i, 30, rois))
    src.emit("end-of-stream")
    r = run_to_end(pipeline)
    assert len(r.buffers) == 2
    assert [b[4]["roi-id"] for b in r.buffers] == [1, 2]


def test_property_changes_between_frames_in_region_mode(img):
    """Each frame follows the properties set before it."""
    rois = [{"type": "person", "box": (10, 10, 40, 30), "id": 1},
            {"type": "car", "box": (100, 50, 60, 40), "id": 2}]
    d = Driver("format=png roi-type=person")
    changes = [None, ("roi-type", "car"), ("roi-margin", 0.5),
               ("roi-type", None), ("roi-type", "*")]
    outputs = []
    for i, change in enumerate(changes):
        if change:
            d.enc.set_property(*change)
        got = d.push(frame_buffer(img, i, 30, rois))
        outputs.append([(b[4]["x"], b[4]["y"], b[4]["width"], b[4]["height"])
                        for b in got.buffers])
        for data, *_, meta in got.buffers:
            x, y, w, h = meta["x"], meta["y"], meta["width"], meta["height"]
            assert np.array_equal(rgb_of(data)[1], img[y:y + h, x:x + w])
    d.stop()
    assert outputs == [
        [(10, 10, 40, 30)],
        [(100, 50, 60, 40)],
        [(70, 30, 120, 80)],                  # car grown by 0.5
        [(0, 0, W, H)],                       # roi-type unset: whole frame
        [(0, 0, 70, 55), (70, 30, 120, 80)],  # both, person clipped at 0,0
    ]


# ---- GstAnalyticsRelationMeta (GStreamer >= 1.24 with the analytics
# library; the plugin must have been built with it) ----

needs_analytics = pytest.mark.skipif(
    GstAnalytics is None, reason=ANALYTICS_MISSING
    if GstAnalytics is None else "")


@needs_analytics
@pytest.mark.parametrize("contain", [False, True])
def test_analytics_detections_with_tracking(img, contain):
    dets = [{"type": "person", "box": (30, 40, 50, 60), "confidence": 0.9,
             "track": 17, "contain": contain},
            {"type": "car", "box": (150, 100, 70, 40), "confidence": 0.4}]
    r = encode([(img, [], dets)], "roi-type=person,car format=png")
    assert not r.errors
    assert len(r.buffers) == 2, "plugin built without the analytics library?"
    m0, m1 = r.buffers[0][4], r.buffers[1][4]
    assert m0["roi-type"] == "person" and m1["roi-type"] == "car"
    assert m0["confidence"] == pytest.approx(0.9)
    assert m0["track-id"] == 17
    assert "track-id" not in m1
    _, px = rgb_of(r.buffers[0][0])
    assert np.array_equal(px, img[40:100, 30:80])
    r = encode([(img, [], dets)], "roi-type=* min-confidence=0.5")
    assert len(r.buffers) == 1


@needs_analytics
@pytest.mark.parametrize("bad", ["nan", "inf", "-inf"])
def test_analytics_non_finite_confidence_is_unknown(img, bad):
    dets = [{"type": "a", "box": (10, 10, 20, 20), "confidence": float(bad)},
            {"type": "a", "box": (40, 10, 20, 20), "confidence": 0.3}]
    r = encode([(img, [], dets)], "roi-type=a min-confidence=0.5")
    assert not r.errors
    assert len(r.buffers) == 1, "plugin built without the analytics library?"
    meta = r.buffers[0][4]
    assert (meta["x"], meta["y"]) == (10, 10)
    assert "confidence" not in meta, meta


@needs_analytics
def test_analytics_negative_box_is_clipped(img):
    dets = [{"type": "a", "box": (-10, -20, 50, 60)}]
    r = encode([(img, [], dets)], "roi-type=a format=png")
    meta = r.buffers[0][4]
    assert (meta["x"], meta["y"], meta["width"], meta["height"]) == \
        (0, 0, 40, 40)


@needs_analytics
def test_same_object_in_roi_and_analytics_meta_is_one_region(img):
    buf_rois = [{"type": "person", "box": (30, 40, 50, 60), "id": 0}]
    dets = [{"type": "person", "box": (30, 40, 50, 60), "confidence": 0.8,
             "track": 5},
            {"type": "person", "box": (200, 40, 50, 60), "confidence": 0.7}]
    r = encode([(img, buf_rois, dets)], "roi-type=person")
    assert not r.errors
    # the first detection has id 0 and the ROI's box: one region, with the
    # detection's confidence and track; the second is its own region
    assert len(r.buffers) == 2
    m0, m1 = r.buffers[0][4], r.buffers[1][4]
    assert (m0["x"], m0["y"]) == (30, 40)
    assert m0["confidence"] == pytest.approx(0.8)
    assert m0["track-id"] == 5
    assert (m1["x"], m1["y"]) == (200, 40)
