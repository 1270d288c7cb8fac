# gst-imencode end-to-end tests: roi-select=improving, roi-min-size, the
# JSON events' tags, roi.image_box and roi.classes, and methods
# opencv-linear / opencv-area against OpenCV's own cv2.resize. Events are
# parsed with Python's json module, images decoded with Pillow.
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import sys

import cv2
import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from imtest import Gst, decode, encode_frames, make_image  # noqa: E402
from test_events import events, image_of, moving_tracks  # noqa: E402
import test_regions  # noqa: E402
from imtest import run_to_end  # noqa: E402
from test_regions import GLib, GstAnalytics, encode, frame_buffer  # noqa: E402,E501

ANALYTICS_MISSING = getattr(test_regions, "ANALYTICS_MISSING", "")

W, H = 320, 240


@pytest.fixture(scope="module")
def img():
    return make_image(W, H)


# ---- roi-select=improving ----

def _grow_shrink(i):
    side = 20 + min(i, 30 - i) * 2
    return (100, 60, side, side)


def test_improving_increasing_scores_and_best_final_image():
    frames = moving_tracks(31, [(1, 0, 30, _grow_shrink)])
    r = encode(frames, "roi-type=obj roi-select=improving encoding=json "
               "format=png")
    evs = events(r)
    assert evs and all(e["reason"] == "improving" for e in evs)
    # one event per growing frame (0..15), none while it shrinks
    assert [e["pts"] for e in evs] == [
        Gst.util_uint64_scale(i, Gst.SECOND, 30) for i in range(16)]
    scores = [e["roi"]["width"] * e["roi"]["height"] for e in evs]
    assert scores == sorted(set(scores))
    best = events(encode(frames, "roi-type=obj roi-select=best "
                         "encoding=json format=png"))
    assert len(best) == 1
    assert best[0]["pts"] == evs[-1]["pts"]
    assert best[0]["image"]["data"] == evs[-1]["image"]["data"]


def test_improving_follows_skipped_frames():
    # max-rate 10/1 at 30 fps encodes frames 0, 3, 6...: tracks still see
    # the others, and only encoded frames can improve
    frames = moving_tracks(31, [(1, 0, 30, _grow_shrink)])
    evs = events(encode(frames, "roi-type=obj roi-select=improving "
                        "encoding=json max-rate=10/1"))
    assert [e["pts"] for e in evs] == [
        Gst.util_uint64_scale(i, Gst.SECOND, 30) for i in (0, 3, 6, 9, 12,
                                                           15)]


# ---- roi-min-size ----

def test_roi_min_size_skips_small_boxes_before_margin(img):
    rois = [{"type": "obj", "box": (10, 10, 32, 32), "id": 1},
            {"type": "obj", "box": (100, 10, 31, 60), "id": 2},
            {"type": "obj", "box": (200, 10, 60, 31), "id": 3}]
    evs = events(encode([(img, rois, [])], "roi-type=obj roi-min-size=32 "
                        "roi-margin=0.5 encoding=json"))
    assert [e["roi"]["id"] for e in evs] == [1]
    evs = events(encode([(img, rois, [])], "roi-type=obj encoding=json"))
    assert [e["roi"]["id"] for e in evs] == [1, 2, 3]


# ---- tags ----

def encode_set(frames, props, **setprops):
    """As test_regions.encode(), with properties set on imencode after
    parsing (set_property, in the order given: JSON text does not survive
    gst-launch syntax)."""
    h, w, _ = frames[0][0].shape
    pipeline = Gst.parse_launch(
        "appsrc name=src format=time caps=video/x-raw,format=RGB,width=%d,"
        "height=%d,framerate=30/1 ! imencode name=enc %s ! appsink "
        "name=sink" % (w, h, props))
    enc = pipeline.get_by_name("enc")
    for name, values in setprops.items():
        for v in values:
            enc.set_property(name, v)
    src = pipeline.get_by_name("src")
    pipeline.set_state(Gst.State.PLAYING)
    for i, (im, rois, dets) in enumerate(frames):
        assert src.emit("push-buffer", frame_buffer(im, i, 30, rois, dets)) \
            == Gst.FlowReturn.OK
    src.emit("end-of-stream")
    return run_to_end(pipeline, 60)


def test_tags_in_every_event_and_invalid_tags_refused(img):
    enc = Gst.ElementFactory.make("imencode", None)
    enc.set_property("tags", '{ "camera": "door",\n "site": {"n": [1, 2]} }')
    assert enc.get_property("tags") == '{"camera":"door","site":{"n":[1,2]}}'
    for bad in ("not json", "[1, 2]", '{"a": 1', '{"a": 1} {}', "",
                '{"a": NaN}'):
        enc.set_property("tags", bad)
        assert enc.get_property("tags") == \
            '{"camera":"door","site":{"n":[1,2]}}', bad
    enc.set_property("tags", None)
    assert enc.get_property("tags") is None

    want = {"camera": "door", "site": {"n": [1, 2], "s": "a b\nc"}}
    tags = '{"camera": "door",\n "site": {"n": [1, 2], "s": "a b\\nc"}}'
    rois = [{"type": "obj", "box": (10, 10, 32, 32), "id": 1},
            {"type": "obj", "box": (100, 10, 40, 60), "id": 2}]
    evs = events(encode_set([(img, rois, [])] * 2, "roi-type=obj "
                            "encoding=json", tags=[tags]))
    assert len(evs) == 4 and all(e["tags"] == want for e in evs)
    # refused: the events keep the previous tags
    evs = events(encode_set([(img, [], [])] * 2, "encoding=json",
                            tags=[tags, "{oops", "[]"]))
    assert len(evs) == 2 and all(e["tags"] == want for e in evs)
    evs = events(encode([(img, [], [])], "encoding=json"))
    assert "tags" not in evs[0]


# ---- roi.image_box ----

def _expected_image_box(box, margin, content):
    """The detector's box through margin (rounded outwards, clipped to the
    frame), then scaled into the picture's place in the image (@content,
    ImencodeMeta's content-x/y/width/height), each edge rounded; computed
    here from those definitions."""
    import math
    x, y, w, h = box
    mx, my = math.ceil(w * margin), math.ceil(h * margin)
    sx0, sy0 = max(0, x - mx), max(0, y - my)
    sx1, sy1 = min(W, x + w + mx), min(H, y + h + my)
    sw, sh = sx1 - sx0, sy1 - sy0
    dx, dy, dw, dh = content

    def edge(p, s0, slen, d0, dlen):
        return d0 + int(math.floor((p - s0) * dlen / slen + 0.5))
    x0 = edge(max(x, sx0), sx0, sw, dx, dw)
    x1 = edge(min(x + w, sx1), sx0, sw, dx, dw)
    y0 = edge(max(y, sy0), sy0, sh, dy, dh)
    y1 = edge(min(y + h, sy1), sy0, sh, dy, dh)
    return {"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0}


@pytest.mark.parametrize("props,letterbox", [
    ("", False),
    ("width=64 height=96", False),
    ("width=100 height=100 aspect-mode=letterbox", True),
    ("width=99 height=57 aspect-mode=letterbox", True),
])
def test_image_box_through_margin_resize_letterbox(img, props, letterbox):
    boxes = [(100, 60, 40, 80), (3, 7, 33, 21), (290, 200, 50, 50)]
    rois = [{"type": "obj", "box": b, "id": i} for i, b in enumerate(boxes)]
    r = encode([(img, rois, [])], "roi-type=obj roi-margin=0.25 "
               "encoding=json " + props)
    evs = events(r)
    assert len(evs) == 3
    for ev, b, buf in zip(evs, boxes, r.buffers):
        m = buf[4]
        content = (m["content-x"], m["content-y"], m["content-width"],
                   m["content-height"])
        if letterbox:
            assert content[2] < ev["image"]["width"] or \
                content[3] < ev["image"]["height"]
        else:
            assert content == (0, 0, ev["image"]["width"],
                               ev["image"]["height"])
        assert ev["roi"]["image_box"] == _expected_image_box(
            b, 0.25, content), (b, props)
        ib = ev["roi"]["image_box"]
        assert 0 <= ib["x"] and ib["x"] + ib["width"] <= ev["image"]["width"]
        assert 0 <= ib["y"] and ib["y"] + ib["height"] <= \
            ev["image"]["height"]


def test_whole_frame_events_have_no_roi(img):
    evs = events(encode([(img, [], [])], "encoding=json"))
    assert "roi" not in evs[0]


# ---- roi.classes (GStreamer >= 1.24) ----

@pytest.mark.skipif(GstAnalytics is None, reason=ANALYTICS_MISSING)
def test_classes_from_related_classification(img):
    dets = [{"type": "person", "box": (50, 40, 60, 120), "confidence": 0.9},
            {"type": "person", "box": (200, 40, 60, 120),
             "confidence": 0.8}]
    buf = frame_buffer(img, 0, 30, (), dets)
    rmeta = GstAnalytics.buffer_get_analytics_relation_meta(buf)
    ok, od = rmeta.get_od_mtd(0)
    assert ok
    ok, cls = rmeta.add_one_cls_mtd(0.75, GLib.quark_from_string("hat"))
    assert ok
    assert rmeta.set_relation(GstAnalytics.RelTypes.RELATE_TO, od.id,
                              cls.id)
    pipeline = Gst.parse_launch(
        "appsrc name=src format=time caps=video/x-raw,format=RGB,width=%d,"
        "height=%d,framerate=30/1 ! imencode roi-type=person encoding=json "
        "! appsink name=sink" % (W, H))
    src = pipeline.get_by_name("src")
    pipeline.set_state(Gst.State.PLAYING)
    assert src.emit("push-buffer", buf) == Gst.FlowReturn.OK
    src.emit("end-of-stream")
    evs = events(run_to_end(pipeline, 60))
    assert len(evs) == 2
    assert evs[0]["roi"]["classes"] == [{"label": "hat", "confidence": 0.75}]
    assert "classes" not in evs[1]["roi"]


# ---- method opencv-linear / opencv-area ----

def _photo_like(w, h, seed):
    """Smooth gradients, a blurred shape and fine texture: what a camera
    frame has, unlike pure noise."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.stack([xx / max(w - 1, 1) * 255, yy / max(h - 1, 1) * 255,
                     (xx + yy) / max(w + h - 2, 1) * 255], axis=2)
    cv2.circle(base, (w // 3, h // 2), max(2, min(w, h) // 4),
               (30, 200, 90), -1)
    base = cv2.GaussianBlur(base, (0, 0), 1.5)
    base += rng.normal(0, 6, base.shape)
    return np.clip(base, 0, 255).astype(np.uint8)


CV_METHODS = [("opencv-linear", cv2.INTER_LINEAR),
              ("opencv-area", cv2.INTER_AREA)]
SIZES = [((101, 67), (640, 640)), ((101, 67), (37, 23)),
         ((640, 480), (213, 161)), ((640, 480), (320, 240)),
         ((33, 17), (70, 9)), ((320, 240), (319, 481)), ((7, 5), (1, 1))]


@pytest.mark.parametrize("method,interp", CV_METHODS)
@pytest.mark.parametrize("src,out", SIZES)
@pytest.mark.parametrize("kind", ["random", "photo"])
def test_opencv_methods_match_cv2_resize(method, interp, src, out, kind):
    sw, sh = src
    if kind == "random":
        frame = np.random.default_rng(sw * sh).integers(
            0, 256, (sh, sw, 3), np.uint8)
    else:
        frame = _photo_like(sw, sh, sw + sh)
    r = encode_frames([frame], "RGB", "format=png method=%s width=%d "
                      "height=%d" % (method, out[0], out[1]))
    assert not r.errors and len(r.buffers) == 1
    got = np.asarray(decode(r.buffers[0][0])[1].convert("RGB"))
    want = cv2.resize(frame, out, interpolation=interp)
    assert got.shape == want.shape
    assert np.abs(got.astype(int) - want).max() <= 1


@pytest.mark.parametrize("method,interp", CV_METHODS)
@pytest.mark.parametrize("fmt", ["BGR", "BGRA", "xRGB", "GRAY8"])
def test_opencv_methods_other_rgb_layouts(method, interp, fmt):
    frame = _photo_like(97, 61, 5)
    if fmt == "GRAY8":
        frame = np.repeat(frame[:, :, :1], 3, axis=2)
    r = encode_frames([frame], fmt, "format=png method=%s width=40 "
                      "height=30" % method)
    assert not r.errors and len(r.buffers) == 1
    got = np.asarray(decode(r.buffers[0][0])[1].convert("RGB"))
    want = cv2.resize(frame, (40, 30), interpolation=interp)
    assert np.abs(got.astype(int) - want).max() <= 1


def test_bilinear_differs_from_cv2_when_shrinking():
    frame = np.random.default_rng(7).integers(0, 256, (240, 320, 3),
                                              np.uint8)
    r = encode_frames([frame], "RGB", "format=png method=bilinear width=107 "
                      "height=80")
    got = np.asarray(decode(r.buffers[0][0])[1].convert("RGB"))
    want = cv2.resize(frame, (107, 80), interpolation=cv2.INTER_LINEAR)
    assert np.abs(got.astype(int) - want).max() > 8


def test_opencv_linear_letterbox_like_ultralytics():
    # Ultralytics' letterbox: resize with INTER_LINEAR to fit, pad the rest
    frame = _photo_like(320, 240, 11)
    r = encode_frames([frame], "RGB", "format=png method=opencv-linear "
                      "width=640 height=640 aspect-mode=letterbox "
                      "pad-color=0xff727272")
    meta = r.buffers[0][4]
    got = np.asarray(decode(r.buffers[0][0])[1].convert("RGB"))
    cx, cy = meta["content-x"], meta["content-y"]
    cw, ch = meta["content-width"], meta["content-height"]
    assert (cx, cy, cw, ch) == (0, 80, 640, 480)
    want = cv2.resize(frame, (cw, ch), interpolation=cv2.INTER_LINEAR)
    assert np.abs(got[cy:cy + ch, cx:cx + cw].astype(int) - want).max() <= 1
    assert (got[:cy] == 0x72).all() and (got[cy + ch:] == 0x72).all()


@pytest.mark.parametrize("fmt", ["I420", "NV12", "Y444"])
def test_opencv_methods_on_yuv_input_jpeg(fmt):
    frame = _photo_like(160, 120, 3)
    r = encode_frames([frame], fmt, "method=opencv-area width=64 height=48 "
                      "quality=95")
    assert not r.errors and len(r.buffers) == 1
    got = np.asarray(decode(r.buffers[0][0])[1].convert("RGB"))
    want = cv2.resize(frame, (64, 48), interpolation=cv2.INTER_AREA)
    assert np.abs(got.astype(int) - want).mean() < 4


@pytest.mark.parametrize("fmt", ["I420", "Y444", "NV12", "BGRx"])
@pytest.mark.parametrize("out_format", ["png", "jpeg"])
def test_opencv_letterbox_border_in_pad_color(fmt, out_format):
    # the border is painted in the pad colour in whatever layout the
    # resize happens (RGB, or YUV in the frame's matrix and range)
    frame = _photo_like(160, 120, 9)
    r = encode_frames([frame], fmt, "method=opencv-linear width=96 height=96 "
                      "aspect-mode=letterbox pad-color=0xff2080c0 "
                      "format=%s quality=100 subsampling=444" % out_format)
    assert not r.errors and len(r.buffers) == 1
    got = np.asarray(decode(r.buffers[0][0])[1].convert("RGB")).astype(int)
    m = r.buffers[0][4]
    assert (m["content-x"], m["content-y"], m["content-width"],
            m["content-height"]) == (0, 12, 96, 72)
    tol = 0 if (out_format, fmt) == ("png", "BGRx") else 4
    for part in (got[:10], got[86:]):
        assert np.abs(part - [0x20, 0x80, 0xc0]).max() <= tol
    want = cv2.resize(frame, (96, 72), interpolation=cv2.INTER_LINEAR)
    assert np.abs(got[12:84] - want).mean() < 4
