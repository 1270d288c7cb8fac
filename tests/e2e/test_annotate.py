# End-to-end tests of imencode's annotate (boxes, labels, time): frames
# with region metadata pushed through real pipelines, the images decoded
# with Pillow and compared pixel by pixel with the same pipeline without
# annotate and with outlines computed here from the boxes, independently of
# the plugin (nearest-pixel mapping through crop, resize and letterbox).
# SPDX-License-Identifier: LGPL-2.1-or-later

import calendar
import os
import sys
import time

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from imtest import Gst, decode, make_image, rgb_frame_bytes  # noqa: E402
from test_regions import add_roi, encode, frame_buffer  # noqa: E402

W, H = 320, 240
GREEN = (0, 255, 0)


@pytest.fixture(scope="module")
def img():
    return make_image(W, H)


def rgb_of(data):
    fmt, im = decode(data)
    return np.asarray(im.convert("RGB")).copy()


def png_pair(frames, props, annotate):
    """The images of @frames with and without @annotate, as RGB arrays."""
    plain = encode(frames, props)
    drawn = encode(frames, props + " " + annotate)
    assert not plain.errors and not drawn.errors, drawn.errors
    assert len(plain.buffers) == len(drawn.buffers) > 0
    return ([rgb_of(b[0]) for b in plain.buffers],
            [rgb_of(b[0]) for b in drawn.buffers], drawn)


def rnd(v):
    """Nearest integer, halves up (as the edges of a mapped box)."""
    return int(np.floor(v + 0.5))


def outline_mask(shape, x0, y0, x1, y1, t):
    """Pixels of the outline of columns x0..x1-1, rows y0..y1-1 (may stick
    out), t wide, inside the box, clipped to an image of @shape."""
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w]
    inside = (xx >= x0) & (xx < x1) & (yy >= y0) & (yy < y1)
    inner = (xx >= x0 + t) & (xx < x1 - t) & (yy >= y0 + t) & (yy < y1 - t)
    return inside & ~inner


def map_box(box, src, dest):
    """A frame box (x, y, w, h) in output pixels: src = (x, y, w, h) read,
    dest = (x, y, w, h) where it lands in the image."""
    x, y, w, h = box
    sx, sy, sw, sh = src
    dx, dy, dw, dh = dest
    return (dx + rnd((x - sx) * dw / sw), dy + rnd((y - sy) * dh / sh),
            dx + rnd((x + w - sx) * dw / sw), dy + rnd((y + h - sy) * dh / sh))


def assert_only_outlines(plain, drawn, mask, colour):
    """@drawn is @plain with exactly the pixels of @mask in @colour."""
    expected = plain.copy()
    expected[mask] = colour
    bad = np.argwhere(np.any(expected != drawn, axis=2))
    assert len(bad) == 0, "%d pixels differ, first at (y, x) %s: %s vs %s" % (
        len(bad), bad[0], drawn[tuple(bad[0])], expected[tuple(bad[0])])


def test_whole_frame_outlines_exact_pixels(img):
    rois = [{"type": "person", "box": (40, 60, 100, 120), "id": 1},
            # sticks out right: its right side is cut off
            {"type": "car", "box": (250, 2, 100, 60), "id": 2},
            # thinner than twice the outline: filled
            {"type": "cat", "box": (200, 150, 5, 30), "id": 3}]
    plain, drawn, _ = png_pair([(img, rois, [])], "format=png",
                               "annotate=boxes annotate-thickness=3")
    mask = np.zeros((H, W), bool)
    for r in rois:
        x, y, w, h = r["box"]
        mask |= outline_mask((H, W), x, y, x + w, y + h, 3)
    assert mask[60, 40] and not mask[100, 100] and mask[2, 319]
    assert_only_outlines(plain[0], drawn[0], mask, GREEN)


def test_auto_thickness_and_colour(img):
    # output 640x480: auto = max(2, 480 / 240) = 2; 1920x1440: 6
    rois = [{"type": "a", "box": (40, 60, 100, 120)}]
    for width, t in ((640, 2), (1920, 6)):
        plain, drawn, _ = png_pair(
            [(img, rois, [])], "format=png width=%d method=nearest" % width,
            "annotate=boxes annotate-color=0xff2040e0")
        s = width / W
        mask = outline_mask(plain[0].shape[:2], rnd(40 * s), rnd(60 * s),
                            rnd(140 * s), rnd(180 * s), t)
        assert_only_outlines(plain[0], drawn[0], mask, (0x20, 0x40, 0xe0))


def test_letterbox_and_crop_mapping(img):
    rois = [{"type": "a", "box": (40, 60, 100, 120)},
            {"type": "b", "box": (150, 10, 30, 40)}]
    props = ("format=png crop-x=20 crop-y=30 crop-width=280 crop-height=180 "
             "width=200 height=200 aspect-mode=letterbox")
    plain, drawn, r = png_pair([(img, rois, [])], props,
                               "annotate=boxes annotate-thickness=2")
    meta = r.buffers[0][4]
    # 280x180 into 200x200: 200 x 129 (128.57 rounded), 35 rows above
    dest = (0, 35, 200, 129)
    assert (meta["content-x"], meta["content-y"], meta["content-width"],
            meta["content-height"]) == dest
    mask = np.zeros((200, 200), bool)
    for roi in rois:
        mask |= outline_mask((200, 200), *map_box(roi["box"],
                                                  (20, 30, 280, 180), dest),
                             2)
    assert_only_outlines(plain[0], drawn[0], mask, GREEN)


def test_region_image_outlines_its_own_box_only(img):
    rois = [{"type": "person", "box": (60, 50, 80, 100), "id": 1},
            # overlaps the first one's crop: not drawn on it
            {"type": "dog", "box": (100, 80, 60, 60), "id": 2}]
    props = "roi-type=person roi-margin=0.25 width=150 format=png"
    plain, drawn, r = png_pair([(img, rois, [])], props,
                               "annotate=boxes annotate-thickness=3")
    assert len(drawn) == 1
    m = r.buffers[0][4]
    # the margin: 20 px left and right, 25 above and below
    src = (m["x"], m["y"], m["width"], m["height"])
    assert src == (40, 25, 120, 150)
    dest = (m["content-x"], m["content-y"], m["content-width"],
            m["content-height"])
    mask = outline_mask(plain[0].shape[:2],
                        *map_box(rois[0]["box"], src, dest), 3)
    assert_only_outlines(plain[0], drawn[0], mask, GREEN)


def test_min_confidence_leaves_boxes_out(img):
    rois = [{"type": "a", "box": (10, 10, 50, 50), "confidence": 0.3},
            {"type": "a", "box": (100, 100, 50, 50), "confidence": 0.8}]
    plain, drawn, _ = png_pair([(img, rois, [])], "format=png min-confidence=0.5",
                               "annotate=boxes annotate-thickness=2")
    mask = outline_mask((H, W), 100, 100, 150, 150, 2)
    assert_only_outlines(plain[0], drawn[0], mask, GREEN)


def test_alpha_blends(img):
    rois = [{"type": "a", "box": (30, 40, 200, 150)}]
    plain, drawn, _ = png_pair([(img, rois, [])], "format=png",
                               "annotate=boxes annotate-thickness=5 "
                               "annotate-color=0x80ff0000")
    mask = outline_mask((H, W), 30, 40, 230, 190, 5)
    a = 0x80 / 255.0
    expected = plain[0].astype(np.float64)
    expected[mask] = expected[mask] * (1 - a) + np.array([255, 0, 0]) * a
    diff = np.abs(drawn[0].astype(np.float64) - expected)
    assert diff[mask].max() <= 1.0, diff[mask].max()
    assert np.array_equal(drawn[0][~mask], plain[0][~mask])
    # and it is a blend: neither the colour nor the image
    assert not np.array_equal(drawn[0][mask], plain[0][mask])
    assert np.abs(drawn[0][mask].astype(int) - [255, 0, 0]).max() > 60


def test_transparent_colour_draws_nothing(img):
    rois = [{"type": "a", "box": (30, 40, 200, 150)}]
    plain, drawn, _ = png_pair([(img, rois, [])], "format=png",
                               "annotate=boxes annotate-color=0x00ff0000")
    assert np.array_equal(plain[0], drawn[0])


def run_tee(in_format, props, frames):
    """appsrc (RGB) ! videoconvert ! in_format ! tee, one branch to
    imencode <props>, one to an appsink: returns (images, raw frames the
    other branch saw)."""
    h, w, _ = frames[0][0].shape
    pipeline = Gst.parse_launch(
        "appsrc name=src format=time caps=video/x-raw,format=RGB,width=%d,"
        "height=%d,framerate=30/1 ! videoconvert ! video/x-raw,format=%s ! "
        "tee name=t t. ! queue ! imencode %s ! appsink name=sink sync=false "
        "t. ! queue ! appsink name=raw sync=false" % (w, h, in_format, props))
    src = pipeline.get_by_name("src")
    sinks = [pipeline.get_by_name("sink"), pipeline.get_by_name("raw")]
    got = [[], []]
    pipeline.set_state(Gst.State.PLAYING)
    for i, (f, rois) in enumerate(frames):
        assert src.emit("push-buffer", frame_buffer(f, i, 30, rois)) == \
            Gst.FlowReturn.OK
    src.emit("end-of-stream")
    deadline = time.monotonic() + 60
    while not all(s.is_eos() for s in sinks) and time.monotonic() < deadline:
        for k, s in enumerate(sinks):
            sample = s.try_pull_sample(20 * Gst.MSECOND)
            if sample is not None:
                buf = sample.get_buffer()
                got[k].append(buf.extract_dup(0, buf.get_size()))
    pipeline.set_state(Gst.State.NULL)
    assert len(got[0]) == len(got[1]) == len(frames)
    return got


@pytest.mark.parametrize("in_format,props", [
    ("RGB", "format=png"),                  # zero-copy PNG
    ("I420", "format=jpeg"),                # zero-copy planar JPEG
    ("NV12", "format=jpeg"),                # interleaved JPEG
    ("I420", "format=jpeg crop-x=8 crop-y=8 crop-width=200 crop-height=160"),
    ("RGBx", "format=jpeg width=160"),      # converter
])
def test_tee_branch_sees_the_input_untouched(img, in_format, props):
    rois = [{"type": "a", "box": (20, 20, 150, 120), "confidence": 0.9}]
    frames = [(img, rois), (img, rois)]
    clean = run_tee(in_format, props, frames)
    drawn = run_tee(in_format, props + " annotate=boxes+labels+time "
                    "annotate-thickness=6", frames)
    assert drawn[1] == clean[1]
    assert drawn[0] != clean[0]


YUV_FORMATS = ["I420", "YV12", "NV12", "NV21", "Y42B", "Y444", "YUY2",
               "UYVY"]


@pytest.mark.parametrize("in_format", YUV_FORMATS)
@pytest.mark.parametrize("colorimetry", [None, "bt709"])
def test_jpeg_of_yuv_shows_the_colour(in_format, colorimetry):
    from imtest import encode_frames
    base = np.full((H, W, 3), (40, 40, 160), np.uint8)
    colour = 0xffe0c020
    rgb = np.array([0xe0, 0xc0, 0x20])
    res = []
    for annotate in ("", "annotate=boxes annotate-thickness=16 "
                     "annotate-color=0x%08x" % colour):
        r = encode_frames_with_rois(base, in_format, colorimetry,
                                    "quality=95 " + annotate,
                                    [{"type": "a", "box": (64, 48, 160, 128)}])
        res.append(rgb_of(r.buffers[0][0]).astype(int))
    plain, drawn = res
    # the middle of the outline's band, away from its edges
    band = drawn[56:60, 70:210]
    assert np.abs(band - rgb).max() <= 24, np.abs(band - rgb).max()
    inside = drawn[100:120, 120:160]
    assert np.abs(inside - plain[100:120, 120:160]).max() <= 6
    # the plain one shows none of the colour there
    assert np.abs(plain[56:60, 70:210] - rgb).max() > 100
    del encode_frames


def encode_frames_with_rois(image, in_format, colorimetry, props, rois):
    h, w, _ = image.shape
    raw = "video/x-raw,format=%s" % in_format
    if colorimetry:
        raw += ",colorimetry=%s" % colorimetry
    pipeline = Gst.parse_launch(
        "appsrc name=src format=time caps=video/x-raw,format=RGB,width=%d,"
        "height=%d,framerate=30/1 ! videoconvert ! %s ! imencode %s ! "
        "appsink name=sink" % (w, h, raw, props))
    from imtest import run_to_end
    src = pipeline.get_by_name("src")
    pipeline.set_state(Gst.State.PLAYING)
    assert src.emit("push-buffer", frame_buffer(image, 0, 30, rois)) == \
        Gst.FlowReturn.OK
    src.emit("end-of-stream")
    r = run_to_end(pipeline)
    assert not r.errors and len(r.buffers) == 1
    return r


def changed_bbox(plain, drawn, rows=None):
    """(x0, y0, x1, y1) of the pixels that differ (within @rows)."""
    diff = np.any(plain != drawn, axis=2)
    if rows is not None:
        keep = np.zeros_like(diff)
        keep[rows] = True
        diff &= keep
    ys, xs = np.nonzero(diff)
    if len(xs) == 0:
        return None
    return xs.min(), ys.min(), xs.max() + 1, ys.max() + 1


def test_label_above_the_box(img):
    box = (100, 120, 80, 60)
    rois = [{"type": "person", "box": box, "confidence": 0.87, "track": 42}]
    plain, drawn, _ = png_pair([(img, rois, [])], "format=png",
                               "annotate=boxes+labels annotate-thickness=2")
    p, d = plain[0], drawn[0]
    outline = outline_mask((H, W), 100, 120, 180, 180, 2)
    # below the box's top edge only the outline changed
    below = np.zeros((H, W), bool)
    below[120:] = True
    changed = np.any(p != d, axis=2)
    assert not np.any(changed & below & ~outline)
    # above it: a label starting at the box's left edge, ending right
    # above it, 10 to 40 rows high, wider than high ("person 87% #42")
    x0, y0, x1, y1 = changed_bbox(p, d, slice(0, 120))
    assert (x0, y1) == (100, 120)
    assert 10 <= y1 - y0 <= 40 and x1 - x0 > 3 * (y1 - y0)
    label = d[y0:y1, x0:x1]
    is_bg = np.all(label == GREEN, axis=2)
    # background in the annotate colour, text in other pixels
    assert is_bg[0, 0] and is_bg[-1, 0] and is_bg.mean() > 0.5
    assert (~is_bg).sum() > 40
    # nothing else changed
    assert not np.any(changed[:y0]) and not np.any(changed[:120, :x0])


def test_label_fields_change_the_text(img):
    def label(roi):
        plain, drawn, _ = png_pair([(img, [roi], [])], "format=png",
                                   "annotate=labels")
        box = changed_bbox(plain[0], drawn[0])
        x0, y0, x1, y1 = box
        return drawn[0][y0:y1, x0:x1], box

    base = {"type": "person", "box": (100, 120, 80, 60)}
    short, sbox = label(base)
    longer, lbox = label(dict(base, confidence=0.87, track=42))
    other, obox = label(dict(base, confidence=0.12, track=42))
    # labels only: no outline, the label's bottom on the box's top edge
    assert sbox[3] == lbox[3] == 120 and sbox[0] == 100
    assert lbox[2] - lbox[0] > sbox[2] - sbox[0]
    assert obox == lbox and not np.array_equal(other, longer)


def test_label_below_top_edge_without_room(img):
    rois = [{"type": "person", "box": (100, 3, 120, 100)}]
    plain, drawn, _ = png_pair([(img, rois, [])], "format=png",
                               "annotate=boxes+labels annotate-thickness=2")
    outline = outline_mask((H, W), 100, 3, 220, 103, 2)
    changed = np.any(plain[0] != drawn[0], axis=2)
    # the label is inside the box, from its top edge down
    x0, y0, x1, y1 = changed_bbox(plain[0], drawn[0])
    assert (x0, y0) == (100, 3)
    inside = changed & ~outline
    ys, xs = np.nonzero(inside)
    assert len(ys) > 40 and ys.min() >= 3 and ys.max() < 40
    assert xs.min() >= 100


def time_frames(img, unix_s):
    buf = frame_buffer(img, 0)
    buf.add_reference_timestamp_meta(Gst.Caps.from_string("timestamp/x-unix"),
                                     unix_s * Gst.SECOND, Gst.CLOCK_TIME_NONE)
    return buf


def encode_with_time(img, unix_s, props):
    pipeline = Gst.parse_launch(
        "appsrc name=src format=time caps=video/x-raw,format=RGB,width=%d,"
        "height=%d,framerate=30/1 ! imencode format=png %s ! appsink "
        "name=sink" % (W, H, props))
    from imtest import run_to_end
    src = pipeline.get_by_name("src")
    pipeline.set_state(Gst.State.PLAYING)
    if unix_s is None:
        buf = frame_buffer(img, 0)
    else:
        buf = time_frames(img, unix_s)
    assert src.emit("push-buffer", buf) == Gst.FlowReturn.OK
    src.emit("end-of-stream")
    r = run_to_end(pipeline)
    assert not r.errors and len(r.buffers) == 1
    return rgb_of(r.buffers[0][0])


def test_time_in_the_top_left_corner(img):
    t = calendar.timegm((2026, 12, 7, 12, 34, 56))
    plain = encode_with_time(img, t, "")
    a = encode_with_time(img, t, "annotate=time")
    same = encode_with_time(img, t, "annotate=time")
    later = encode_with_time(img, t + 60, "annotate=time")
    x0, y0, x1, y1 = changed_bbox(plain, a)
    # "YYYY-MM-DD HH:MM:SS" on the colour, from the corner
    assert (x0, y0) == (0, 0) and 10 <= y1 <= 40 and x1 > 5 * y1
    assert np.all(a[0, 0] == GREEN) and np.all(a[y1 - 1, 0] == GREEN)
    region = a[:y1, :x1]
    assert (~np.all(region == GREEN, axis=2)).sum() > 60
    # the same time draws the same; a minute later differs, there only
    assert np.array_equal(a, same)
    assert not np.array_equal(a, later)
    assert changed_bbox(a, later)[2] <= x1 and changed_bbox(a, later)[3] <= y1


def test_time_without_reference_meta_uses_the_clock(img):
    plain = encode_with_time(img, None, "")
    a = encode_with_time(img, None, "annotate=time")
    x0, y0, x1, y1 = changed_bbox(plain, a)
    assert (x0, y0) == (0, 0) and x1 > 5 * y1
    # same width as a time of this year's (the same number of digits)
    t = encode_with_time(img, calendar.timegm(time.gmtime()), "annotate=time")
    assert changed_bbox(plain, t)[2] == x1


def test_annotate_property_values():
    enc = Gst.ElementFactory.make("imencode")
    assert int(enc.get_property("annotate")) == 0
    assert enc.get_property("annotate-color") == 0xff00ff00
    assert enc.get_property("annotate-thickness") == 0
    enc.set_property("annotate-thickness", 64)
    assert enc.get_property("annotate-thickness") == 64
    spec = enc.find_property("annotate-thickness")
    assert spec.maximum == 64
    for nick, value in (("boxes", 1), ("labels", 2), ("time", 4),
                        ("boxes+labels+time", 7)):
        Gst.util_set_object_arg(enc, "annotate", nick)
        assert int(enc.get_property("annotate")) == value


@pytest.mark.parametrize("in_format", ["I420", "NV12", "YUY2"])
def test_jpeg_of_yuv_shows_labels_and_time(in_format):
    # drawn row by row in the JPEG encoder's strip: the label above the
    # box and the time in the corner are there, the rest is not touched
    base = np.full((H, W, 3), (40, 40, 160), np.uint8)
    rois = [{"type": "person", "box": (100, 120, 80, 60), "confidence": 0.5}]
    res = []
    for annotate in ("", "annotate=labels+time"):
        r = encode_frames_with_rois(base, in_format, None,
                                    "quality=95 " + annotate, rois)
        res.append(rgb_of(r.buffers[0][0]).astype(int))
    plain, drawn = res
    diff = np.abs(drawn - plain).max(axis=2)
    def green_share(img, ys, xs):
        return (np.abs(img[ys, xs] - GREEN).max(axis=2) <= 60).mean()

    # the label's background (green) right above the box's left corner,
    # the time's in the top-left corner
    assert green_share(drawn, slice(100, 120), slice(100, 160)) > 0.3
    assert green_share(drawn, slice(0, 20), slice(0, 150)) > 0.3
    assert green_share(plain, slice(0, 120), slice(0, 200)) == 0
    # text in both: dark pixels inside the green areas
    assert (drawn[100:118, 100:180].sum(axis=2) < 150).sum() > 20
    assert (drawn[0:20, 0:150].sum(axis=2) < 150).sum() > 20
    # below the label's 16-row MCU (and the decoder's chroma upsampling
    # across its edge) nothing changed (labels only: no outline)
    assert diff[136:, :].max() == 0


@pytest.mark.parametrize("method", ["opencv-linear", "opencv-area"])
def test_outlines_on_opencv_resized_images(img, method):
    # the OpenCV-exact resize path draws on its own resized image too
    rois = [{"type": "person", "box": (40, 60, 100, 120), "id": 1}]
    props = "format=png method=%s width=160 height=120" % method
    plain, drawn, _ = png_pair([(img, rois, [])], props,
                               "annotate=boxes annotate-thickness=2")
    x0, y0, x1, y1 = map_box((40, 60, 100, 120), (0, 0, W, H),
                             (0, 0, 160, 120))
    mask = outline_mask((120, 160), x0, y0, x1, y1, 2)
    assert_only_outlines(plain[0], drawn[0], mask, GREEN)
