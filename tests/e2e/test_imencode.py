# End-to-end tests of imencode: real pipelines, outputs decoded by Pillow,
# OpenCV and Python's base64, compared with expectations computed here with
# numpy slicing and cv2.resize.
# SPDX-License-Identifier: LGPL-2.1-or-later

import base64
import io
import os
import sys

import cv2
import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
from imtest import (ALL_FORMATS, RGB_FORMATS, Gst,  # noqa: E402
                    decode, drive_frames, encode_frames, jpeg_sampling, psnr, run_pipeline,
                    make_image, plain, push_chunks)

SIZES = [(1, 1), (3, 3), (641, 479), (1920, 1080)]
SUBSAMPLED_INPUT = ["I420", "YV12", "NV12", "NV21", "Y42B", "YUY2", "UYVY"]

# (name, imencode properties, function giving the expected RGB image)
def _mode_none(img):
    return img


def _crop_rect(w, h):
    # an odd offset and odd size, inside the frame
    cx, cy = w // 7 | 1 if w > 2 else 0, h // 5 | 1 if h > 2 else 0
    cw, ch = max(w // 2 | 1, 1), max(h // 3 | 1, 1)
    cw = min(cw, w - cx)
    ch = min(ch, h - cy)
    return cx, cy, cw, ch


MODES = ["none", "crop", "crop+resize"]


def _mode_props(mode, w, h):
    if mode == "none":
        return "", (0, 0, w, h), (w, h)
    cx, cy, cw, ch = _crop_rect(w, h)
    if mode == "crop":
        props = "crop-x=%d crop-y=%d crop-width=%d crop-height=%d" % (
            cx, cy, cw, ch)
        return props, (cx, cy, cw, ch), (cw, ch)
    # Scaling from an odd offset of chroma-subsampled input is rounded to
    # the chroma grid by GstVideoConverter (a documented limitation), so
    # the resize case starts on even coordinates.
    cx, cy = cx & ~1, cy & ~1
    props = "crop-x=%d crop-y=%d crop-width=%d crop-height=%d" % (cx, cy, cw,
                                                                   ch)
    ow, oh = max(cw * 2 // 3, 1), max(ch * 3 // 4, 1)
    return props + " width=%d height=%d" % (ow, oh), (cx, cy, cw, ch), (ow, oh)


def _expected(img, rect, out):
    cx, cy, cw, ch = rect
    part = img[cy:cy + ch, cx:cx + cw]
    if (cw, ch) != out:
        part = cv2.resize(part, out, interpolation=cv2.INTER_LINEAR)
    return part




@pytest.mark.parametrize("size", SIZES, ids=lambda s: "%dx%d" % s)
@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_every_format_and_mode_jpeg_and_png(fmt, size):
    w, h = size
    img = make_image(w, h)
    gray = fmt == "GRAY8"
    for mode in MODES:
        props, rect, out = _mode_props(mode, w, h)
        expected = _expected(img, rect, out)
        if gray:
            expected = cv2.cvtColor(expected.reshape(out[1], out[0], 3),
                                    cv2.COLOR_RGB2GRAY)
        for codec in ("jpeg", "png"):
            # 4:2:0 cannot keep a 1-pixel coloured block of a 3x3 image
            sub = "444" if w * h < 100 else "auto"
            res = encode_frames([img], fmt, "format=%s quality=95 "
                                "subsampling=%s %s" % (codec, sub, props))
            assert not res.errors, res.errors
            assert len(res.buffers) == 1, (fmt, size, mode, codec)
            data, caps, pts, dur, meta = res.buffers[0]
            kind, im = decode(data)
            assert kind == codec.upper()
            assert im.size == out, (fmt, size, mode, codec, im.size, out)
            assert "image/%s" % codec in caps
            assert "width=(int)%d" % out[0] in caps
            if gray:
                got = np.asarray(im.convert("L"))
            else:
                got = np.asarray(im.convert("RGB"))
            # videoconvert made the YUV and gray input; only RGB is exact
            exact = codec == "png" and mode != "crop+resize" and \
                fmt in RGB_FORMATS
            if exact:
                assert np.array_equal(got, expected), (fmt, size, mode)
            else:
                limit = 30.0 if w * h >= 100 else 25.0
                if w * h < 100 and fmt in SUBSAMPLED_INPUT:
                    # a 3x3 frame in 4:2:0 / 4:2:2 has lost most of its
                    # colour before it reaches us
                    limit = 15.0
                p = psnr(got, expected)
                assert p >= limit, (fmt, size, mode, codec, p)
                if w >= 64 and not gray:
                    # the comparison can tell a channel swap and a shift
                    assert psnr(got, expected[..., ::-1]) < p - 8
                    shifted = np.roll(expected, 1, axis=1)
                    assert psnr(got, shifted) < p - 3
            assert meta["x"] == rect[0] and meta["y"] == rect[1]
            assert meta["width"] == rect[2] and meta["height"] == rect[3]
            assert meta["frame-width"] == w and meta["frame-height"] == h


def test_alpha_survives_png():
    img = make_image(40, 30)
    res = encode_frames([img], "RGBA", "format=png")
    kind, im = decode(res.datas[0])
    assert im.mode == "RGBA"
    assert np.all(np.asarray(im)[..., 3] == 255)
    assert np.array_equal(np.asarray(im)[..., :3], img)


def test_opencv_decodes_output():
    img = make_image(320, 240)
    res = encode_frames([img], "I420", "quality=90")
    dec = cv2.imdecode(np.frombuffer(res.datas[0], np.uint8), cv2.IMREAD_COLOR)
    assert dec.shape == (240, 320, 3)
    assert psnr(dec[..., ::-1], img) > 30


# ---- caps negotiation ----

def _launch(tail, fmt="I420", n=1):
    return run_pipeline(
        "videotestsrc num-buffers=%d ! video/x-raw,format=%s,width=64,"
        "height=48,framerate=10/1 ! imencode name=enc %s ! appsink name=sink"
        % (n, fmt, tail))


def test_caps_png_from_downstream():
    res = _launch("! image/png")
    assert res.caps[0].startswith("image/png")
    assert decode(res.datas[0])[0] == "PNG"


def test_caps_default_is_jpeg():
    res = _launch("")
    assert res.caps[0].startswith("image/jpeg")
    assert res.datas[0][:2] == b"\xff\xd8" and res.datas[0][-2:] == b"\xff\xd9"


def test_caps_base64_from_downstream():
    res = _launch("! application/x-base64")
    caps = res.caps[0]
    assert caps.startswith("application/x-base64")
    assert "content-type=(string)image/jpeg" in caps
    assert "data-uri=(boolean)false" in caps
    text = res.datas[0]
    assert text.isascii() and not text.endswith(b"\n")
    raw = base64.b64decode(text, validate=True)
    assert decode(raw)[0] == "JPEG"


def test_caps_base64_png_from_downstream():
    res = _launch("! application/x-base64,content-type=image/png")
    assert "content-type=(string)image/png" in res.caps[0]
    assert decode(base64.b64decode(res.datas[0], validate=True))[0] == "PNG"


def test_caps_data_uri_from_downstream():
    res = _launch("! application/x-base64,data-uri=true")
    assert "data-uri=(boolean)true" in res.caps[0]
    text = res.datas[0].decode("ascii")
    prefix = "data:image/jpeg;base64,"
    assert text.startswith(prefix)
    assert decode(base64.b64decode(text[len(prefix):], validate=True))[0] == \
        "JPEG"


@pytest.mark.parametrize("fmt,enc,media,prefix", [
    ("png", "binary", "image/png", b"\x89PNG"),
    ("jpeg", "base64", "application/x-base64", None),
    ("png", "data-uri", "application/x-base64", b"data:image/png;base64,"),
])
def test_explicit_properties(fmt, enc, media, prefix):
    res = _launch("format=%s encoding=%s" % (fmt, enc))
    assert res.caps[0].startswith(media)
    data = res.datas[0]
    if enc == "binary":
        assert data.startswith(prefix)
        return
    if prefix:
        assert data.startswith(prefix)
        data = data[len(prefix):]
    raw = base64.b64decode(data, validate=True)
    assert decode(raw)[0] == fmt.upper()
    assert "content-type=(string)image/%s" % fmt in res.caps[0]


def test_explicit_format_against_refusing_downstream_fails():
    res = _launch("format=png ! image/jpeg")
    assert res.errors and not res.buffers


def test_capsfilter_size_scales():
    res = _launch("! image/jpeg,width=100,height=50")
    assert decode(res.datas[0])[1].size == (100, 50)


def test_quality_changes_size_monotonically():
    img = make_image(320, 240)
    sizes = []
    for q in (10, 40, 70, 95):
        res = encode_frames([img], "I420", "quality=%d" % q)
        sizes.append(len(res.datas[0]))
    assert sizes == sorted(sizes) and len(set(sizes)) == 4, sizes


@pytest.mark.parametrize("fmt", ["I420", "RGB", "Y444", "NV12"])
@pytest.mark.parametrize("sub,comps", [
    ("444", [(1, 1), (1, 1), (1, 1)]),
    ("422", [(2, 1), (1, 1), (1, 1)]),
    ("420", [(2, 2), (1, 1), (1, 1)]),
    ("gray", [(1, 1)]),
])
def test_subsampling_visible_in_sof(fmt, sub, comps):
    img = make_image(64, 48)
    res = encode_frames([img], fmt, "subsampling=%s" % sub)
    marker, got = jpeg_sampling(res.datas[0])
    assert marker == 0xC0   # baseline
    assert got == comps


def test_gray8_defaults_to_gray_jpeg():
    res = encode_frames([make_image(64, 48)], "GRAY8", "")
    assert jpeg_sampling(res.datas[0])[1] == [(1, 1)]


def test_png_compression_level():
    img = make_image(320, 240)
    a = encode_frames([img], "RGB", "format=png compression-level=0").datas[0]
    b = encode_frames([img], "RGB", "format=png compression-level=9").datas[0]
    assert len(b) < len(a)
    for d in (a, b):
        assert np.array_equal(np.asarray(decode(d)[1].convert("RGB")), img)


@pytest.mark.parametrize("fmt", ["RGB", "BGRx", "GRAY8"])
def test_png_every_level_is_exact(fmt):
    # an odd size, taller than the encoder's filter-choice sample period
    img = make_image(321, 263)
    sizes = []
    for level in range(10):
        res = encode_frames([img], fmt, "format=png compression-level=%d"
                            % level)
        assert not res.errors, res.errors
        kind, im = decode(res.datas[0])
        assert kind == "PNG" and im.size == (321, 263)
        if fmt == "GRAY8":
            # the gray input videoconvert made, read back from the frame
            assert im.mode == "L"
            if level == 0:
                gray = np.asarray(im)
            assert np.array_equal(np.asarray(im), gray), level
        else:
            assert np.array_equal(np.asarray(im.convert("RGB")), img), level
        sizes.append(len(res.datas[0]))
    # stored is the largest, level 9 at most level 1's size
    assert sizes[0] == max(sizes)
    assert sizes[9] <= sizes[1]


def test_png_level1_against_cv2_and_level2():
    """Level 1 (runs only, as OpenCV's Z_RLE) is no larger than
    cv2.imencode's PNG of a grainy frame with flat areas, and OpenCV reads
    it back exactly; level 2 (libdeflate's matches at any distance)
    finds the repeats of a tiled frame that level 1 does not look for."""
    rng = np.random.default_rng(19)
    y, x = np.mgrid[0:480, 0:640]
    base = np.stack([x * 0.3, y * 0.4, (x + y) * 0.2], axis=-1) + 20
    grain = rng.normal(0, 5, base.shape)
    img = np.clip(base + grain, 0, 255).astype(np.uint8)
    img[100:200] = (30, 60, 90)                     # flat: runs
    img[300:340] = 255                              # saturated
    ours = encode_frames([img], "RGB",
                         "format=png compression-level=1").datas[0]
    ok, theirs = cv2.imencode(".png", cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    assert ok
    assert len(ours) <= theirs.size, (len(ours), theirs.size)
    back = cv2.imdecode(np.frombuffer(ours, np.uint8), cv2.IMREAD_COLOR)
    assert np.array_equal(cv2.cvtColor(back, cv2.COLOR_BGR2RGB), img)

    tile = rng.integers(0, 256, (480, 64, 3), dtype=np.uint8)
    tiled = np.ascontiguousarray(np.tile(tile, (1, 10, 1)))
    one = encode_frames([tiled], "RGB",
                        "format=png compression-level=1").datas[0]
    two = encode_frames([tiled], "RGB",
                        "format=png compression-level=2").datas[0]
    assert len(two) * 4 < len(one), (len(two), len(one))
    for d in (one, two):
        assert np.array_equal(np.asarray(decode(d)[1].convert("RGB")), tiled)


# ---- geometry ----

def test_crop_partly_outside_is_clipped():
    img = make_image(100, 80)
    res = encode_frames([img], "RGB", "format=png crop-x=60 crop-y=50 "
                        "crop-width=100 crop-height=100")
    im = decode(res.datas[0])[1]
    assert im.size == (40, 30)
    assert np.array_equal(np.asarray(im), img[50:80, 60:100])
    meta = res.buffers[0][4]
    assert (meta["x"], meta["y"], meta["width"], meta["height"]) == \
        (60, 50, 40, 30)
    assert not res.warnings


def test_crop_fully_outside_warns_once_and_keeps_running():
    frames = [make_image(100, 80)] * 8

    def between(i, enc):
        if i == 0:
            enc.set_property("crop-x", 500)
        if i == 5:
            enc.set_property("crop-x", 10)

    res, counts = drive_frames(frames, "format=png", between=between)
    assert not res.errors
    assert len(res.warnings) == 1, res.warnings
    assert "outside" in res.warnings[0]
    # frames 5, 6, 7 come out after the crop is moved back
    assert counts == [0, 0, 0, 0, 0, 1, 1, 1]
    assert [b[2] for b in res.buffers] == [i * Gst.SECOND // 10
                                           for i in (5, 6, 7)]
    assert decode(res.datas[0])[1].size == (90, 80)


def test_property_change_while_playing_applies_to_later_frames():
    frames = [make_image(160, 120)] * 6

    def between(i, enc):
        if i == 3:
            enc.set_property("width", 40)

    res, counts = drive_frames(frames, "", between=between)
    sizes = [decode(d)[1].size for d in res.datas]
    assert counts == [1] * 6
    assert sizes[:3] == [(160, 120)] * 3
    # SPEC: effective within the next two frames, never mid-frame
    assert sizes[3:] == [(40, 30)] * 3
    assert any("width=(int)40" in c for c in res.caps)


def test_one_dimension_keeps_aspect():
    res = encode_frames([make_image(640, 480)], "I420", "height=120")
    assert decode(res.datas[0])[1].size == (160, 120)


def test_letterbox_pads_with_pad_color():
    img = make_image(200, 100)
    res = encode_frames([img], "RGB", "format=png width=100 height=100 "
                        "aspect-mode=letterbox pad-color=0xff10c020")
    got = np.asarray(decode(res.datas[0])[1].convert("RGB"))
    assert got.shape == (100, 100, 3)
    # 200x100 fits as 100x50 at y=25
    assert np.all(got[:25] == (0x10, 0xc0, 0x20))
    assert np.all(got[75:] == (0x10, 0xc0, 0x20))
    inner = cv2.resize(img, (100, 50), interpolation=cv2.INTER_LINEAR)
    assert psnr(got[25:75], inner) > 30


def test_fill_crops_the_centre():
    img = make_image(200, 100)
    res = encode_frames([img], "RGB", "format=png width=50 height=50 "
                        "aspect-mode=fill")
    got = np.asarray(decode(res.datas[0])[1].convert("RGB"))
    expected = cv2.resize(img[:, 50:150], (50, 50),
                          interpolation=cv2.INTER_AREA)
    assert psnr(got, expected) > 28
    meta = res.buffers[0][4]
    assert (meta["x"], meta["width"]) == (50, 100)


@pytest.mark.parametrize("method", ["nearest", "bilinear", "bicubic",
                                    "lanczos"])
def test_methods_resize(method):
    img = make_image(320, 240)
    res = encode_frames([img], "RGB", "format=png width=160 height=120 "
                        "method=%s" % method)
    got = np.asarray(decode(res.datas[0])[1].convert("RGB"))
    assert psnr(got, cv2.resize(img, (160, 120),
                                interpolation=cv2.INTER_AREA)) > 28


# ---- stream behaviour ----

def test_timestamps_pass_through():
    frames = [make_image(32, 24)] * 5
    res = encode_frames(frames, "I420", "", fps="10/1")
    assert [b[2] for b in res.buffers] == [i * Gst.SECOND // 10
                                           for i in range(5)]
    assert all(b[3] == Gst.SECOND // 10 for b in res.buffers)
    assert "framerate=(fraction)10/1" in res.caps[0]


def test_resolution_change_mid_stream():
    res = run_pipeline(
        "videotestsrc num-buffers=3 ! video/x-raw,width=64,height=48 ! "
        "imencode ! appsink name=sink")
    assert len(res.buffers) == 3
    desc = ("appsrc name=src format=time ! videoconvert ! imencode ! "
            "appsink name=sink")
    pipeline = Gst.parse_launch(desc)
    src, sink = pipeline.get_by_name("src"), pipeline.get_by_name("sink")
    sink.set_property("sync", False)
    pipeline.set_state(Gst.State.PLAYING)
    sizes = []
    for i, (w, h) in enumerate([(64, 48), (64, 48), (33, 17), (120, 90)]):
        src.set_property("caps", Gst.Caps.from_string(
            "video/x-raw,format=RGB,width=%d,height=%d,framerate=0/1" %
            (w, h)))
        from imtest import rgb_frame_bytes
        buf = Gst.Buffer.new_wrapped(rgb_frame_bytes(make_image(w, h)))
        buf.pts = i * Gst.SECOND
        src.emit("push-buffer", buf)
        sample = sink.try_pull_sample(10 * Gst.SECOND)
        assert sample is not None
        b = sample.get_buffer()
        ok, info = b.map(Gst.MapFlags.READ)
        sizes.append(Image.open(io.BytesIO(bytes(info.data))).size)
        b.unmap(info)
        s = plain(sample.get_caps().get_structure(0))
        assert (s.get_value("width"), s.get_value("height")) == (w, h)
    src.emit("end-of-stream")
    pipeline.set_state(Gst.State.NULL)
    assert sizes == [(64, 48), (64, 48), (33, 17), (120, 90)]


def test_state_cycles_and_flushing_seek():
    pipeline = Gst.parse_launch(
        "videotestsrc is-live=false ! video/x-raw,width=64,height=48,"
        "framerate=30/1 ! imencode ! appsink name=sink max-buffers=2")
    sink = pipeline.get_by_name("sink")
    sink.set_property("sync", False)
    for _ in range(5):
        assert pipeline.set_state(Gst.State.PLAYING) != \
            Gst.StateChangeReturn.FAILURE
        assert sink.try_pull_sample(5 * Gst.SECOND) is not None
        pipeline.set_state(Gst.State.NULL)
    pipeline.set_state(Gst.State.PLAYING)
    assert sink.try_pull_sample(5 * Gst.SECOND) is not None
    assert pipeline.get_state(5 * Gst.SECOND)[0] == \
        Gst.StateChangeReturn.SUCCESS
    # a flushing seek drops everything from before it, in imencode's
    # encoders and in the appsink's queue: the first frame out is the one
    # at the seek position (videotestsrc starts exactly there), and the
    # frames go on from it; backwards, and again forwards
    for target in (2 * Gst.SECOND, Gst.SECOND, 3 * Gst.SECOND):
        assert pipeline.seek_simple(Gst.Format.TIME, Gst.SeekFlags.FLUSH,
                                    target)
        pts = []
        for _ in range(5):
            sample = sink.try_pull_sample(5 * Gst.SECOND)
            assert sample is not None
            pts.append(sample.get_buffer().pts)
        # frames n = 30 t .. 30 t + 4 at 30 fps, stamped n s / 30 rounded
        # down as videotestsrc stamps them
        first = target * 30 // Gst.SECOND
        assert pts == [Gst.util_uint64_scale(n, Gst.SECOND, 30)
                       for n in range(first, first + 5)], (target, pts)
    pipeline.set_state(Gst.State.NULL)


def test_padded_strides_from_video_meta():
    """A frame whose rows and planes are padded and described only by
    GstVideoMeta (as hardware decoders produce) encodes like a tight one."""
    from imtest import GstVideo
    w, h = 37, 21
    img = make_image(w, h)
    cw, ch = (w + 1) // 2, (h + 1) // 2
    ys, cs = 64, 32      # padded strides
    # planes by hand, BT.601 limited range (what colorimetry=bt601 says)
    f = img.astype(np.float64)
    Y = 16 + 0.257 * f[..., 0] + 0.504 * f[..., 1] + 0.098 * f[..., 2]
    U = 128 - 0.148 * f[..., 0] - 0.291 * f[..., 1] + 0.439 * f[..., 2]
    V = 128 + 0.439 * f[..., 0] - 0.368 * f[..., 1] - 0.071 * f[..., 2]
    pad = lambda a: np.pad(a, ((0, ch * 2 - h), (0, cw * 2 - w)), mode="edge")
    U = pad(U).reshape(ch, 2, cw, 2).mean(axis=(1, 3))
    V = pad(V).reshape(ch, 2, cw, 2).mean(axis=(1, 3))
    planes = [np.round(p).clip(0, 255).astype(np.uint8) for p in (Y, U, V)]
    offsets = [16, 16 + ys * h + 100, 16 + ys * h + 100 + cs * ch + 7]
    size = offsets[2] + cs * ch + 50
    mem = np.full(size, 0xAB, np.uint8)
    for p, off, st in zip(planes, offsets, [ys, cs, cs]):
        for r in range(p.shape[0]):
            mem[off + r * st: off + r * st + p.shape[1]] = p[r]

    pipeline = Gst.parse_launch(
        "appsrc name=src format=time caps=video/x-raw,format=I420,width=%d,"
        "height=%d,framerate=0/1,colorimetry=bt601 ! imencode format=png ! "
        "appsink name=sink" % (w, h))
    src, sink = pipeline.get_by_name("src"), pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    buf = Gst.Buffer.new_wrapped(mem.tobytes())
    GstVideo.buffer_add_video_meta_full(
        buf, GstVideo.VideoFrameFlags.NONE, GstVideo.VideoFormat.I420, w, h,
        3, offsets + [0], [ys, cs, cs, 0])
    buf.pts = 0
    src.emit("push-buffer", buf)
    src.emit("end-of-stream")
    sample = sink.try_pull_sample(10 * Gst.SECOND)
    pipeline.set_state(Gst.State.NULL)
    assert sample is not None
    b = sample.get_buffer()
    ok, info = b.map(Gst.MapFlags.READ)
    got = np.asarray(Image.open(io.BytesIO(bytes(info.data))).convert("RGB"))
    b.unmap(info)
    assert got.shape == (h, w, 3)
    # chroma subsampling of the coloured block limits a 37x21 image; a
    # wrong stride or offset gives noise far below this
    assert psnr(got, img) > 25


def _imencode_errors(desc):
    pipeline = Gst.parse_launch(desc)
    pipeline.set_state(Gst.State.PLAYING)
    bus = pipeline.get_bus()
    errors = []
    deadline = 10 * Gst.SECOND
    while True:
        msg = bus.timed_pop_filtered(deadline, Gst.MessageType.ERROR |
                                     Gst.MessageType.EOS)
        if msg is None or msg.type == Gst.MessageType.EOS:
            break
        if msg.src.get_name() == "enc":
            err, dbg = msg.parse_error()
            errors.append("%s (%s)" % (err.message, dbg))
        deadline = Gst.SECOND // 2
    pipeline.set_state(Gst.State.NULL)
    return errors


def test_negotiation_error_names_values_once():
    errors = _imencode_errors(
        "videotestsrc num-buffers=5 ! imencode name=enc format=png ! "
        "image/jpeg ! fakesink")
    assert len(errors) == 1, errors
    assert "format=png encoding=auto" in errors[0], errors[0]
    assert "image/jpeg" in errors[0]


def test_negotiation_error_for_a_size_conflict_names_the_sizes():
    errors = _imencode_errors(
        "videotestsrc num-buffers=5 ! video/x-raw,width=320,height=240 ! "
        "imencode name=enc width=100 ! image/jpeg,width=200 ! fakesink")
    assert len(errors) == 1, errors
    assert "another image size" in errors[0] and "100x75" in errors[0], \
        errors[0]
    assert "width=(int)200" in errors[0]


# ---- YUV to RGB for PNG: the colorimetry's exact inverse ----

# (caps colorimetry, Kr, Kb, limited range)
YUV_COLORIMETRIES = [
    ("bt601", 0.299, 0.114, True),
    ("bt709", 0.2126, 0.0722, True),
    ("1:4:0:0", 0.299, 0.114, False),    # BT.601 matrix, full range
    ("1:3:5:1", 0.2126, 0.0722, False),  # BT.709 matrix, full range
]
YUV_FORMATS = ["I420", "YV12", "NV12", "NV21", "Y42B", "Y444", "YUY2",
               "UYVY"]
BLOCK = 8


def _yuv_to_rgb_exact(y, u, v, kr, kb, limited):
    """R'G'B' of 8-bit Y'CbCr by the definition (ITU-R BT.601/709: the
    inverse of Y = Kr R + Kg G + Kb B, Pb = (B - Y) / (2 (1 - Kb)),
    Pr = (R - Y) / (2 (1 - Kr))), rounded and clipped to 8 bits."""
    y, u, v = (np.asarray(a, np.float64) for a in (y, u, v))
    if limited:
        yn, pb, pr = (y - 16) / 219, (u - 128) / 224, (v - 128) / 224
    else:
        yn, pb, pr = y / 255, (u - 128) / 255, (v - 128) / 255
    kg = 1 - kr - kb
    r = yn + 2 * (1 - kr) * pr
    b = yn + 2 * (1 - kb) * pb
    g = (yn - kr * r - kb * b) / kg
    rgb = np.stack([r, g, b], axis=-1)
    return np.clip(np.floor(rgb * 255 + 0.5), 0, 255).astype(np.uint8)


def _rgb_to_yuv(rgb, kr, kb, limited):
    """8-bit Y'CbCr of R'G'B' by the same definition (for the bars)."""
    r, g, b = (np.asarray(rgb, np.float64)[..., i] / 255 for i in range(3))
    yn = kr * r + (1 - kr - kb) * g + kb * b
    pb, pr = (b - yn) / (2 * (1 - kb)), (r - yn) / (2 * (1 - kr))
    if limited:
        yuv = [16 + 219 * yn, 128 + 224 * pb, 128 + 224 * pr]
    else:
        yuv = [255 * yn, 128 + 255 * pb, 128 + 255 * pr]
    return [np.clip(np.floor(c + 0.5), 0, 255).astype(np.uint8) for c in yuv]


def _yuv_blocks(kr, kb, limited, w=64, h=48):
    """Full-resolution Y, U, V planes of flat BLOCK x BLOCK blocks: the
    first block row 100% colour bars (white, yellow, cyan, green, magenta,
    red, blue, black), the others random samples anywhere in 0..255 (out
    of gamut and outside the limited range too)."""
    bw, bh = w // BLOCK, h // BLOCK
    bars = np.array([[255, 255, 255], [255, 255, 0], [0, 255, 255],
                     [0, 255, 0], [255, 0, 255], [255, 0, 0], [0, 0, 255],
                     [0, 0, 0]], np.uint8)
    by, bu, bv = _rgb_to_yuv(bars[:bw], kr, kb, limited)
    rng = np.random.RandomState(13)
    blocks = rng.randint(0, 256, size=(3, bh, bw)).astype(np.uint8)
    blocks[:, 0] = (by, bu, bv)
    return [np.kron(b, np.ones((BLOCK, BLOCK), np.uint8)) for b in blocks]


def _pack_yuv(fmt, y, u, v):
    """One frame of @fmt in GStreamer's default layout (the sizes used
    here need no row padding) from full-resolution planes whose chroma is
    flat over 2 x 2 pixels."""
    u420, v420 = u[::2, ::2], v[::2, ::2]
    if fmt == "I420":
        parts = [y, u420, v420]
    elif fmt == "YV12":
        parts = [y, v420, u420]
    elif fmt in ("NV12", "NV21"):
        pair = (u420, v420) if fmt == "NV12" else (v420, u420)
        parts = [y, np.stack(pair, axis=-1)]
    elif fmt == "Y42B":
        parts = [y, u[:, ::2], v[:, ::2]]
    elif fmt == "Y444":
        parts = [y, u, v]
    elif fmt == "YUY2":
        parts = [np.stack([y[:, 0::2], u[:, ::2], y[:, 1::2], v[:, ::2]],
                          axis=-1)]
    else:  # UYVY
        parts = [np.stack([u[:, ::2], y[:, 0::2], v[:, ::2], y[:, 1::2]],
                          axis=-1)]
    return b"".join(p.tobytes() for p in parts)


def _png_of_yuv(fmt, colorimetry, data, w, h, props=""):
    caps = ("video/x-raw,format=%s,width=%d,height=%d,framerate=0/1,"
            "colorimetry=%s" % (fmt, w, h, colorimetry))
    res = push_chunks("imencode format=png %s" % props, [data], caps=caps)
    assert not res.errors and len(res.datas) == 1, res.errors
    kind, im = decode(res.datas[0])
    assert kind == "PNG" and im.mode == "RGB"
    return np.asarray(im)


@pytest.mark.parametrize("colorimetry,kr,kb,limited", YUV_COLORIMETRIES,
                         ids=[c[0] for c in YUV_COLORIMETRIES])
@pytest.mark.parametrize("fmt", YUV_FORMATS)
def test_png_of_yuv_is_the_colorimetry_inverse(fmt, colorimetry, kr, kb,
                                               limited):
    """A PNG of YUV is the exact inverse of the caps' matrix and range
    (GstVideoConverter's 8-bit matrix made limited-range white 253): pure
    white and black exactly, colour bars and random samples within 1, on
    the inside of each flat block (its edges depend on how chroma is
    upsampled)."""
    w, h = 64, 48
    y, u, v = _yuv_blocks(kr, kb, limited, w, h)
    got = _png_of_yuv(fmt, colorimetry, _pack_yuv(fmt, y, u, v), w, h)
    expected = _yuv_to_rgb_exact(y, u, v, kr, kb, limited)
    inside = np.zeros((h, w), bool)
    for off in range(2, BLOCK - 2):
        inside[off::BLOCK, :] = True
    inside &= np.tile(np.arange(w) % BLOCK, (h, 1)) >= 2
    inside &= np.tile(np.arange(w) % BLOCK, (h, 1)) < BLOCK - 2
    diff = np.abs(got.astype(int) - expected.astype(int))
    worst = np.unravel_index(np.argmax(np.where(inside[..., None], diff, 0)),
                             diff.shape)
    assert diff[inside].max() <= 1, (
        "pixel %s: got %s, expected %s from YUV %s" % (
            worst[:2], got[worst[:2]], expected[worst[:2]],
            (y[worst[:2]], u[worst[:2]], v[worst[:2]])))
    # the bars' white and black exactly
    assert np.all(got[2:BLOCK - 2, 2:BLOCK - 2] == 255)
    assert np.all(got[2:BLOCK - 2, 7 * BLOCK + 2:8 * BLOCK - 2] == 0)


@pytest.mark.parametrize("fmt", ["I420", "NV12", "YUY2", "Y444"])
@pytest.mark.parametrize("pattern,value", [("white", 255), ("black", 0)])
def test_png_of_videotestsrc_white_and_black(fmt, pattern, value):
    """The report's pipeline: videotestsrc's white and black, every pixel
    exactly 255 or 0."""
    res = run_pipeline(
        "videotestsrc num-buffers=1 pattern=%s ! video/x-raw,format=%s,"
        "width=64,height=64 ! imencode format=png ! appsink name=sink" %
        (pattern, fmt))
    assert not res.errors and len(res.datas) == 1
    got = np.asarray(decode(res.datas[0])[1])
    assert got.shape == (64, 64, 3)
    assert np.all(got == value), np.unique(got.reshape(-1, 3), axis=0)


@pytest.mark.parametrize("fmt", ["I420", "NV12", "YUY2", "Y444"])
def test_png_of_yuv_letterboxed_and_scaled(fmt):
    """Scaled YUV (converted to 4:4:4 by GstVideoConverter, then to RGB by
    the core) in a letterbox: the border exactly the pad colour, the
    picture the colorimetry's inverse of its flat blocks."""
    w, h = 64, 48
    kr, kb = 0.2126, 0.0722
    y, u, v = _yuv_blocks(kr, kb, True, w, h)
    # 64x48 into 96x96: scaled 1.5 times to 96x72 at y = 12
    got = _png_of_yuv(fmt, "bt709", _pack_yuv(fmt, y, u, v), w, h,
                      "width=96 height=96 aspect-mode=letterbox "
                      "pad-color=0xff10c020")
    assert got.shape == (96, 96, 3)
    assert np.all(got[:12] == (0x10, 0xc0, 0x20))
    assert np.all(got[84:] == (0x10, 0xc0, 0x20))
    expected = _yuv_to_rgb_exact(y, u, v, kr, kb, True)
    # the centre of each scaled block: 12 x 12 pixels, 4 in from its edges
    for by in range(h // BLOCK):
        for bx in range(w // BLOCK):
            cy, cx = 12 + by * 12 + 4, bx * 12 + 4
            part = got[cy:cy + 4, cx:cx + 4].astype(int)
            want = expected[by * BLOCK, bx * BLOCK].astype(int)
            assert np.abs(part - want).max() <= 2, (by, bx, part[0, 0], want)
