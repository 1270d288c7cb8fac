# End-to-end tests of imencode's JSON events (the json encoding) and per-track
# selection (roi-select first and best): every line parsed with Python's
# json module, every image decoded from its base64 with Python's base64 and
# Pillow and compared with the numpy crop of the frame it came from.
# SPDX-License-Identifier: LGPL-2.1-or-later

import base64
import datetime
import io
import json
import os
import sys

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
from imtest import Gst, make_image, psnr, run_to_end  # noqa: E402
from test_regions import Driver, add_roi, encode, frame_buffer  # noqa: E402

W, H = 320, 240
FRAME = Gst.util_uint64_scale(1, Gst.SECOND, 30)


def events(result):
    """Each buffer as (parsed event, raw bytes); asserts one line each."""
    out = []
    for data, caps, pts, dur, meta in result.buffers:
        assert data.endswith(b"\n") and data.count(b"\n") == 1, data[:80]
        out.append(json.loads(data.decode("utf-8")))
    return out


def image_of(ev):
    im = Image.open(io.BytesIO(base64.b64decode(ev["image"]["data"],
                                                validate=True)))
    im.load()
    assert im.size == (ev["image"]["width"], ev["image"]["height"])
    assert ev["image"]["mime_type"] == "image/" + im.format.lower()
    return np.asarray(im.convert("RGB"))


@pytest.fixture(scope="module")
def img():
    return make_image(W, H)


def test_whole_frame_events(img):
    r = encode([(img, [], [])] * 3, "encoding=json quality=95")
    assert not r.errors and r.eos
    caps = Gst.Caps.from_string(r.caps[0])
    assert caps.is_equal(Gst.Caps.from_string(
        "application/x-json, content-type=(string)image/jpeg")), r.caps[0]
    evs = events(r)
    assert len(evs) == 3
    for i, ev in enumerate(evs):
        assert set(ev) == {"pts", "duration", "frame", "box", "reason",
                           "image"}
        assert ev["pts"] == Gst.util_uint64_scale(i, Gst.SECOND, 30)
        assert ev["duration"] == FRAME
        assert ev["frame"] == {"width": W, "height": H}
        assert ev["box"] == {"x": 0, "y": 0, "width": W, "height": H}
        assert ev["reason"] == "frame"
        assert psnr(image_of(ev), img) > 30


def test_downstream_json_caps_choose_json(img):
    r = encode([(img, [], [])], "format=png ! application/x-json")
    ev = events(r)[0]
    assert ev["image"]["mime_type"] == "image/png"
    assert np.array_equal(image_of(ev), img)


def test_region_events_with_pixels_and_fields(img):
    rois = [{"type": "person", "box": (40, 30, 50, 60), "id": 3,
             "confidence": 0.87, "track": 42},
            {"type": "car", "box": (200, 100, 80, 40), "id": 4}]
    r = encode([(img, rois, [])],
               "roi-type=* roi-margin=0.1 encoding=json format=png")
    evs = events(r)
    assert len(evs) == 2
    a, b = evs
    assert a["roi"] == {"id": 3, "type": "person", "confidence": 0.87,
                        "track_id": 42, "x": 40, "y": 30, "width": 50,
                        "height": 60, "image_box": {"x": 5, "y": 6,
                                                    "width": 50,
                                                    "height": 60}}
    # 10 % of 50 / 60 on each side
    assert a["box"] == {"x": 35, "y": 24, "width": 60, "height": 72}
    # (the box in the unscaled image: 10 % of 80 / 40 of margin before it)
    assert b["roi"] == {"id": 4, "type": "car", "x": 200, "y": 100,
                        "width": 80, "height": 40, "image_box": {
                            "x": 8, "y": 4, "width": 80, "height": 40}}
    assert a["reason"] == b["reason"] == "region"
    for ev in evs:
        x, y, w, h = (ev["box"][k] for k in ("x", "y", "width", "height"))
        assert np.array_equal(image_of(ev), img[y:y + h, x:x + w])


def test_labels_with_quotes_and_control_characters_round_trip(img):
    label = 'a "quoted"\\ label\nwith\ttabs\x01\x1f and \u00e9\u4e2d'
    r = encode([(img, [{"type": label, "box": (0, 0, 16, 16)}], [])],
               "roi-type=* encoding=json")
    raw = r.buffers[0][0]
    # one line: the newline inside the label is escaped
    assert raw.count(b"\n") == 1
    assert events(r)[0]["roi"]["type"] == label


def test_untimed_frames_have_null_pts_and_duration(img):
    pipeline = Gst.parse_launch(
        "appsrc name=src caps=video/x-raw,format=RGB,width=%d,height=%d,"
        "framerate=0/1 ! imencode encoding=json ! appsink name=sink" % (W, H))
    src = pipeline.get_by_name("src")
    pipeline.set_state(Gst.State.PLAYING)
    from imtest import rgb_frame_bytes
    src.emit("push-buffer", Gst.Buffer.new_wrapped(rgb_frame_bytes(img)))
    src.emit("end-of-stream")
    ev = events(run_to_end(pipeline))[0]
    assert ev["pts"] is None and ev["duration"] is None


def test_utc_from_reference_timestamp(img):
    when = datetime.datetime(2026, 12, 1, 14, 52, 8, 123000,
                             tzinfo=datetime.timezone.utc)
    ns = int(when.timestamp()) * Gst.SECOND + 123 * Gst.MSECOND
    pipeline = Gst.parse_launch(
        "appsrc name=src format=time caps=video/x-raw,format=RGB,width=%d,"
        "height=%d,framerate=30/1 ! imencode encoding=json ! "
        "appsink name=sink" % (W, H))
    src = pipeline.get_by_name("src")
    pipeline.set_state(Gst.State.PLAYING)
    buf = frame_buffer(img, 0)
    buf.add_reference_timestamp_meta(
        Gst.Caps.from_string("timestamp/x-unix"), ns, Gst.CLOCK_TIME_NONE)
    src.emit("push-buffer", buf)
    src.emit("push-buffer", frame_buffer(img, 1))
    src.emit("end-of-stream")
    evs = events(run_to_end(pipeline))
    assert evs[0]["utc"] == "2026-12-01T14:52:08.123Z"
    assert datetime.datetime.fromisoformat(
        evs[0]["utc"].replace("Z", "+00:00")) == when
    assert "utc" not in evs[1]


def test_snapshot_reason(img):
    d = Driver("on-demand=true encoding=json")
    d.enc.emit("snapshot")
    got = d.push(frame_buffer(img, 0))
    d.stop()
    assert events(got)[0]["reason"] == "snapshot"


# ---- roi-select ----


def moving_tracks(n_frames, tracks):
    """Frames of a scene with objects: tracks is a list of (track id,
    first frame, last frame, function frame -> box). Returns the frames as
    encode() takes them."""
    frames = []
    for i in range(n_frames):
        rois = []
        for tid, first, last, box in tracks:
            if first <= i <= last:
                rois.append({"type": "obj", "box": box(i), "id": tid,
                             "track": tid, "confidence": 0.9})
        frames.append((make_image(W, H) if i == 0 else None, rois, []))
    base = frames[0][0]
    return [(base, rois, dets) for _, rois, dets in frames]


def test_first_one_event_per_track():
    tracks = [(1, 0, 59, lambda i: (10 + i, 10, 30, 30)),
              (2, 5, 40, lambda i: (100, 20 + i, 40, 20)),
              (3, 30, 59, lambda i: (200, 150, 20 + i % 5, 20))]
    r = encode(moving_tracks(60, tracks),
               "roi-type=obj roi-select=first encoding=json")
    evs = events(r)
    assert [(e["roi"]["track_id"], e["pts"], e["reason"]) for e in evs] == [
        (1, 0, "first"),
        (2, Gst.util_uint64_scale(5, Gst.SECOND, 30), "first"),
        (3, Gst.util_uint64_scale(30, Gst.SECOND, 30), "first")]


def _largest_inside(first, last, box):
    """The frame index where box(i) is largest and off the frame's edges."""
    best, best_area = None, -1
    for i in range(first, last + 1):
        x, y, w, h = box(i)
        inside = x > 0 and y > 0 and x + w < W and y + h < H
        if inside and w * h > best_area:
            best, best_area = i, w * h
    return best


def test_best_one_event_per_track_at_track_end_or_eos(img):
    # track 1 grows then shrinks and ends at frame 40 (unseen 1 s later:
    # sent while frame 70 goes through); track 2 grows while sliding out of
    # the frame on the right (its largest views are cut by the edge);
    # track 3 is alive at EOS
    t1 = lambda i: (50, 50, 20 + min(i, 40 - i), 20 + min(i, 40 - i))  # noqa
    t2 = lambda i: (150 + 3 * i, 100, 30 + i, 30 + i)  # noqa
    t3 = lambda i: (10, 150, 10 + (i % 7), 10 + (i % 7))  # noqa
    tracks = [(1, 0, 40, t1), (2, 0, 45, t2), (3, 50, 89, t3)]
    frames = moving_tracks(90, tracks)
    r = encode(frames, "roi-type=obj roi-select=best encoding=json "
               "format=png threads=0")
    assert not r.errors and r.eos
    evs = events(r)
    by_track = {}
    for ev in evs:
        assert ev["reason"] == "best"
        assert ev["roi"]["track_id"] not in by_track
        by_track[ev["roi"]["track_id"]] = ev
    assert sorted(by_track) == [1, 2, 3]
    for tid, first, last, box in tracks:
        ev = by_track[tid]
        want = _largest_inside(first, last, box)
        assert ev["pts"] == Gst.util_uint64_scale(want, Gst.SECOND, 30), \
            (tid, ev["pts"], want)
        x, y, w, h = box(want)
        assert ev["roi"]["x"] == x and ev["roi"]["width"] == w
        px = image_of(ev)
        assert np.array_equal(px, img[y:y + h, x:x + w])
    # track 1 ended first and went out first (before EOS flushed the rest);
    # track 3 only at EOS, last
    assert [e["roi"]["track_id"] for e in evs][0] == 1
    assert [e["roi"]["track_id"] for e in evs][-1] == 3


def _no_constants(name):
    raise AssertionError("not JSON: %s" % name)


def test_non_finite_confidence_is_unknown_in_events_and_best(img):
    # track 1: 20x20 at 0.9 (score 360), then 12x12 and 16x16 views whose
    # confidence is NaN or infinite: unknown, so 1 in best's score (144,
    # 256); the first view stays the best. The events carry no confidence
    # for them, and nothing Python's json module would refuse.
    boxes = [((60, 60, 20, 20), 0.9), ((60, 60, 12, 12), float("nan")),
             ((60, 60, 16, 16), float("inf")), ((60, 60, 14, 14),
                                                float("-inf"))]
    frames = [(img, [{"type": "obj", "box": b, "id": 1, "track": 1,
                      "confidence": c}], []) for b, c in boxes]
    r = encode(frames, "roi-type=obj roi-select=best encoding=json "
               "format=png")
    assert not r.errors
    evs = [json.loads(d.decode("utf-8"), parse_constant=_no_constants)
           for d, *_ in r.buffers]
    assert [e["pts"] for e in evs] == [0]
    assert evs[0]["roi"]["confidence"] == pytest.approx(0.9)

    r = encode(frames, "roi-type=obj encoding=json format=png")
    assert not r.errors
    evs = [json.loads(d.decode("utf-8"), parse_constant=_no_constants)
           for d, *_ in r.buffers]
    assert len(evs) == 4
    assert evs[0]["roi"]["confidence"] == pytest.approx(0.9)
    for e in evs[1:]:
        assert "confidence" not in e["roi"], e["roi"]


def test_best_timeout_sends_and_starts_again(img):
    # one object in view for 5 s at 30 fps; timeout 2 s
    tracks = [(7, 0, 149, lambda i: (20 + i % 50, 20, 40, 40))]
    r = encode(moving_tracks(150, tracks),
               "roi-type=obj roi-select=best roi-best-timeout=2000000000 "
               "encoding=json")
    pts = [e["pts"] for e in events(r)]
    # periods [0, 2 s), [2 s, 4 s), [4 s, EOS): one event each, each the
    # first (largest = all equal) view of its period
    assert pts == [0, 2 * Gst.SECOND, 4 * Gst.SECOND], pts


def test_regions_without_track_are_their_own_track(img):
    frames = [(img, [{"type": "obj", "box": (10, 10, 20, 20)}], [])] * 3
    r = encode(frames, "roi-type=obj roi-select=best encoding=json")
    assert len(events(r)) == 3


def test_flush_drops_tracks_and_their_candidates(img):
    d = Driver("roi-type=obj roi-select=best encoding=json")
    for i in range(10):
        got = d.push(frame_buffer(img, i, 30, [
            {"type": "obj", "box": (10, 10, 20 + i, 20), "track": 1}]))
        assert got.buffers == []
    d.pad.send_event(Gst.Event.new_flush_start())
    d.pad.send_event(Gst.Event.new_flush_stop(True))
    seg = Gst.Segment()
    seg.init(Gst.Format.TIME)
    d.pad.send_event(Gst.Event.new_segment(seg))
    for i in range(5):
        d.push(frame_buffer(img, i, 30, [
            {"type": "obj", "box": (50, 50, 20, 20 + i), "track": 2}]))
    # (appsink would hold EOS until this thread pulls)
    d.sink.set_property("wait-on-eos", False)
    d.pad.send_event(Gst.Event.new_eos())
    rest = []
    while True:
        s = d.sink.try_pull_sample(Gst.SECOND)
        if s is None:
            break
        ok, info = s.get_buffer().map(Gst.MapFlags.READ)
        rest.append(json.loads(bytes(info.data)))
        s.get_buffer().unmap(info)
    d.stop()
    assert [(e["roi"]["track_id"], e["box"]["height"]) for e in rest] == \
        [(2, 24)]


def _rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


N_EVENTS = int(os.environ.get("IMTEST_N_EVENTS", "20000"))


def test_twenty_thousand_events_rss_flat():
    small = make_image(32, 24)
    pipeline = Gst.parse_launch(
        "appsrc name=src format=time caps=video/x-raw,format=RGB,width=32,"
        "height=24,framerate=30/1 ! imencode roi-type=* roi-select=first "
        "encoding=json ! appsink name=sink sync=false")
    src = pipeline.get_by_name("src")
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    from imtest import rgb_frame_bytes
    data = rgb_frame_bytes(small)
    rss = {}
    n = 0
    for i in range(N_EVENTS):
        buf = Gst.Buffer.new_wrapped(data)
        buf.pts = Gst.util_uint64_scale(i, Gst.SECOND, 30)
        # a new track every frame: the table fills up and evicts
        add_roi(buf, {"type": "o", "box": (1, 1, 8, 8), "track": i})
        assert src.emit("push-buffer", buf) == Gst.FlowReturn.OK
        # keep at most 64 events in flight, so memory stays bounded here
        while n < i + 1 - 64:
            assert sink.try_pull_sample(5 * Gst.SECOND) is not None
            n += 1
        if i in (N_EVENTS // 4, N_EVENTS - 1):
            rss[i] = _rss_kib()
    src.emit("end-of-stream")
    while sink.try_pull_sample(2 * Gst.SECOND) is not None:
        n += 1
    pipeline.set_state(Gst.State.NULL)
    assert n == N_EVENTS
    assert rss[N_EVENTS - 1] - rss[N_EVENTS // 4] < 8 * 1024, rss


def test_jq_reads_the_events(img):
    """A jq-style consumer: jq parses the NDJSON stream as fdsink would
    write it and picks fields out of each event."""
    import shutil
    import subprocess
    jq = shutil.which("jq")
    if jq is None:
        pytest.skip("jq is not installed (Debian: jq)")
    rois = [{"type": 'say "cheese"', "box": (10, 10, 30, 20), "id": 1,
             "track": 9}]
    r = encode([(img, rois, [])] * 2, "roi-type=* encoding=json")
    stream = b"".join(b[0] for b in r.buffers)
    out = subprocess.run(
        [jq, "-r", "[.pts, .roi.type, .roi.track_id, .image.width] | @tsv"],
        input=stream, capture_output=True, timeout=30, check=True)
    assert out.stdout.decode().splitlines() == [
        '0\tsay "cheese"\t9\t30',
        '%d\tsay "cheese"\t9\t30' % Gst.util_uint64_scale(1, Gst.SECOND, 30)]
