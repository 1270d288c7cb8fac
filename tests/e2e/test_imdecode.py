# End-to-end tests of imdecode: JPEGs and PNGs made by Pillow, OpenCV or
# by hand here (interlaced and broken PNGs), decoded by real pipelines, and
# the frames compared with what Pillow and OpenCV decode from the same
# bytes.
# SPDX-License-Identifier: LGPL-2.1-or-later

import base64
import io
import os
import random
import re
import struct
import sys
import time
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
from imtest import (Gst, GstVideo, caps_field, encode_frames,  # noqa: E402
                    frame_planes, jpeg_sampling, make_image, psnr,
                    plain, push_chunks, run_to_end)

DISCONT = Gst.BufferFlags.DISCONT
OUT_FORMATS = ["RGB", "BGR", "RGBA", "BGRA", "GRAY8", "I420"]
PACKED = ["RGB", "BGR", "RGBA", "BGRA"]
JPEG_KINDS = ["420", "422", "444", "gray", "progressive", "cmyk"]
SIZES = [(1, 1), (3, 3), (17, 13), (641, 479)]
PNG_SIG = b"\x89PNG\r\n\x1a\n"

# IMDECODE_THREADS=N runs every pipeline here with imdecode threads=N
# (meson runs this file with the default, one thread per core, and with
# threads=1, decoding in the streaming thread).
THREADS = os.environ.get("IMDECODE_THREADS")
_IMDECODE = re.compile(r"(?<![\w-])imdecode(?![\w-])")


@pytest.fixture(autouse=True)
def imdecode_threads(monkeypatch):
    if THREADS is None:
        yield
        return
    launch = Gst.parse_launch

    def with_threads(desc):
        return launch(_IMDECODE.sub("imdecode threads=%s" % THREADS, desc))

    monkeypatch.setattr(Gst, "parse_launch", with_threads)
    yield


# ---- making images ----

def _save(im, **kw):
    out = io.BytesIO()
    im.save(out, **kw)
    return out.getvalue()


def _jpeg(img, kind="420", quality=90):
    """A JPEG of the RGB array `img` written by Pillow."""
    im = Image.fromarray(img)
    if kind == "420":
        return _save(im, format="JPEG", quality=quality, subsampling=2)
    if kind == "422":
        return _save(im, format="JPEG", quality=quality, subsampling=1)
    if kind == "444":
        return _save(im, format="JPEG", quality=quality, subsampling=0)
    if kind == "gray":
        return _save(im.convert("L"), format="JPEG", quality=quality)
    if kind == "progressive":
        return _save(im, format="JPEG", quality=quality, progressive=True)
    if kind == "cmyk":
        # Pillow writes Adobe inverted CMYK
        return _save(im.convert("CMYK"), format="JPEG", quality=quality)
    raise ValueError(kind)


def _png(img, **kw):
    mode = None if img.ndim == 3 else "L"
    return _save(Image.fromarray(img, mode), format="PNG", **kw)


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + \
        struct.pack(">I", zlib.crc32(kind + data))


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
         (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def _png_by_hand(img, interlace=True):
    """An 8-bit gray (2-D), gray+alpha, RGB or RGBA PNG written here (Pillow
    cannot write interlaced PNGs). Passes alternate the None and Sub row
    filters, so that unfiltering per pass row length is exercised too."""
    h, w = img.shape[:2]
    ch = 1 if img.ndim == 2 else img.shape[2]
    color = {1: 0, 2: 4, 3: 2, 4: 6}[ch]
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    raw = bytearray()
    for i, (x0, y0, dx, dy) in enumerate(passes):
        sub = img[y0::dy, x0::dx]
        if sub.shape[0] == 0 or sub.shape[1] == 0:
            continue  # an empty pass has no rows at all, not even filters
        rows = sub.reshape(sub.shape[0], -1).astype(np.int16)
        for r in rows:
            if i % 2:
                d = r.copy()
                d[ch:] -= r[:-ch]
                raw += b"\x01" + (d & 0xFF).astype(np.uint8).tobytes()
            else:
                raw += b"\x00" + r.astype(np.uint8).tobytes()
    ihdr = struct.pack(">IIBBBBB", w, h, 8, color, 0, 0, 1 if interlace else 0)
    return (PNG_SIG + _chunk(b"IHDR", ihdr) +
            _chunk(b"IDAT", zlib.compress(bytes(raw), 9)) +
            _chunk(b"IEND", b""))


def _gray_image(w, h):
    """A gray gradient with lines, asymmetric like make_image."""
    return make_image(w, h)[..., 1]


# ---- looking at frames ----

def _luma601(rgb):
    """Pillow's convert('L'): (R*19595 + G*38470 + B*7471 + 0x8000) >> 16."""
    r, g, b = (rgb[..., i].astype(np.uint32) for i in range(3))
    return ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16).astype(
        np.uint8)


def _ycbcr(rgb):
    """JFIF full-range BT.601 Y, Cb, Cr as floats."""
    r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b
    cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b
    return y, cb, cr


def _box2(c):
    """Mean over 2x2 blocks (edge blocks of odd sizes: what is there)."""
    h, w = c.shape
    p = np.pad(c, ((0, h % 2), (0, w % 2)), mode="edge")
    return (p[0::2, 0::2] + p[1::2, 0::2] + p[0::2, 1::2] + p[1::2, 1::2]) / 4


def _rgb_from_i420(y, u, v):
    """JFIF full-range BT.601 to RGB, chroma repeated over its 2x2 block."""
    h, w = y.shape
    u = np.repeat(np.repeat(np.asarray(u, np.float64), 2, 0), 2, 1)[:h, :w]
    v = np.repeat(np.repeat(np.asarray(v, np.float64), 2, 0), 2, 1)[:h, :w]
    y = np.asarray(y, np.float64)
    r = y + 1.402 * (v - 128)
    g = y - 0.344136 * (u - 128) - 0.714136 * (v - 128)
    b = y + 1.772 * (u - 128)
    return np.round(np.stack([r, g, b], -1)).clip(0, 255)


def _packed(planes, fmt):
    """(RGB array, alpha or None) of a packed RGB frame, in RGB order."""
    p = planes[0]
    if fmt == "RGB":
        return p, None
    if fmt == "BGR":
        return p[..., ::-1], None
    if fmt == "RGBA":
        return p[..., :3], p[..., 3]
    if fmt == "BGRA":
        return p[..., 2::-1], p[..., 3]
    raise ValueError(fmt)


def _decode(data, fmt=None, props="", caps=None):
    """Pushes one image as one buffer through imdecode [! format caps] and
    returns (Result, planes of the one frame)."""
    desc = "imdecode %s" % props
    if fmt:
        desc += " ! video/x-raw,format=%s" % fmt
    res = push_chunks(desc, [data], caps=caps)
    assert not res.errors and not res.warnings, (res.errors, res.warnings)
    assert res.eos
    assert len(res.buffers) == 1, len(res.buffers)
    return res, frame_planes(res.datas[0], res.buffers[0][1])


def _size(caps):
    return caps_field(caps, "width"), caps_field(caps, "height")


def _assert_same(got, want, what):
    got = np.asarray(got)
    want = np.asarray(want)
    assert got.shape == want.shape, (what, got.shape, want.shape)
    bad = np.argwhere(got != want)
    assert len(bad) == 0, "%s: %d values differ, first at %s: %s != %s" % (
        what, len(bad), tuple(bad[0]), got[tuple(bad[0])],
        want[tuple(bad[0])])


def _check_i420(planes, ref_rgb, what, luma=None, plain=False):
    """I420 against an RGB reference: Y exactly `luma` when given (a JPEG's
    own luma) else the BT.601 luma within 2; chroma near the 2x2 mean of
    the reference's; and the JFIF conversion back to RGB near the
    reference with the same chroma loss (with `plain`, near the reference
    itself too where the picture is big enough for 4:2:0 not to dominate:
    not for palette images, whose colour edges are sharp)."""
    y, u, v = planes
    h, w = ref_rgb.shape[:2]
    assert y.shape == (h, w), (what, y.shape)
    assert u.shape == v.shape == ((h + 1) // 2, (w + 1) // 2), (what, u.shape)
    ry, rcb, rcr = _ycbcr(ref_rgb)
    if luma is not None:
        _assert_same(y, luma, what + " Y")
    else:
        assert np.abs(y - ry).max() <= 2, (what, np.abs(y - ry).max())
    su, sv = _box2(rcb), _box2(rcr)
    # (a chroma plane one sample off scores about 36)
    assert psnr(u, su) > 38 and psnr(v, sv) > 38, (
        what, psnr(u, su), psnr(v, sv))
    back = _rgb_from_i420(y, u, v)
    p = psnr(back, _rgb_from_i420(ry, su, sv))
    assert p > 32, (what, p)
    if plain and min(w, h) >= 13:
        assert psnr(back, ref_rgb) > 30, (what, psnr(back, ref_rgb))


def _check_colorimetry(caps):
    """JFIF: full-range BT.601 YCbCr of sRGB (or unknown) colour, i.e.
    1:4:7:1 or 1:4:0:0 (never another transfer curve such as BT.2020's)."""
    info = GstVideo.VideoInfo.new_from_caps(Gst.Caps.from_string(caps))
    c = info.colorimetry
    assert c.range == getattr(GstVideo.VideoColorRange, "0_255"), caps
    assert c.matrix == GstVideo.VideoColorMatrix.BT601, caps
    tf = GstVideo.VideoTransferFunction
    prim = GstVideo.VideoColorPrimaries
    assert (c.transfer, c.primaries) in [(tf.SRGB, prim.BT709),
                                         (tf.UNKNOWN, prim.UNKNOWN)], caps
    assert caps_field(caps, "colorimetry") in ["1:4:7:1", "1:4:0:0"], caps


# ---- 1. JPEG: every output format ----

@pytest.mark.parametrize("size", SIZES, ids=lambda s: "%dx%d" % s)
@pytest.mark.parametrize("kind", JPEG_KINDS)
def test_jpeg_every_format(kind, size):
    w, h = size
    img = make_image(w, h)
    data = _jpeg(img, kind)
    # the file is what it is meant to be
    marker, comps = jpeg_sampling(data)
    assert marker == (0xC2 if kind == "progressive" else 0xC0)
    want_comps = {"420": [(2, 2), (1, 1), (1, 1)],
                  "422": [(2, 1), (1, 1), (1, 1)],
                  "444": [(1, 1)] * 3, "gray": [(1, 1)],
                  "progressive": [(2, 2), (1, 1), (1, 1)],
                  "cmyk": [(1, 1)] * 4}[kind]
    assert comps == want_comps, comps
    pil = Image.open(io.BytesIO(data))
    assert pil.mode == {"gray": "L", "cmyk": "CMYK"}.get(kind, "RGB")
    ref = np.asarray(pil.convert("RGB"))
    ref_l = np.asarray(pil.convert("L"))
    luma = None
    if kind != "cmyk":
        # the JPEG's own luma, as libjpeg outputs it for a gray decode
        d = Image.open(io.BytesIO(data))
        d.draft("L", d.size)
        assert d.mode == "L" and d.size == (w, h)
        luma = np.asarray(d)
    if w >= 3 and kind != "gray":
        # the channels differ, so a swap cannot pass
        assert psnr(ref, ref[..., ::-1]) < 30

    for fmt in OUT_FORMATS:
        what = "%s %dx%d %s" % (kind, w, h, fmt)
        res, planes = _decode(data, fmt, caps="image/jpeg")
        caps = res.buffers[0][1]
        assert caps_field(caps, "format") == fmt
        assert _size(caps) == (w, h), (what, caps)
        if fmt in PACKED:
            rgb, alpha = _packed(planes, fmt)
            assert rgb.shape == (h, w, 3)
            assert psnr(rgb, ref) > 45, (what, psnr(rgb, ref))
            if alpha is not None:
                _assert_same(alpha, np.full((h, w), 255, np.uint8),
                             what + " alpha")
        elif fmt == "GRAY8":
            assert planes[0].shape == (h, w)
            # (tiny images: Pillow's L from its RGB is further off)
            limit = 35 if min(w, h) >= 13 else 30
            assert psnr(planes[0], ref_l) > limit, (what,
                                                    psnr(planes[0], ref_l))
            if luma is not None:
                _assert_same(planes[0], luma, what)
        else:
            _check_colorimetry(caps)
            _check_i420(planes, ref, what, luma, plain=True)


# ---- 2. PNG: every colour type and depth, every output format ----

def _png_case(name, w, h, tmp_path):
    """(PNG bytes, expected RGB, expected alpha, expected GRAY8)."""
    img = make_image(w, h)
    gray = _gray_image(w, h)
    y, x = np.mgrid[0:h, 0:w]
    alpha = ((x * 37 + y * 91) % 256).astype(np.uint8)
    opaque = np.full((h, w), 255, np.uint8)
    if name == "RGB":
        return _png(img), img, opaque, _luma601(img)
    if name == "RGBA":
        rgba = np.dstack([img, alpha])
        return _png(rgba), img, alpha, _luma601(img)
    if name == "L":
        return _png(gray), np.dstack([gray] * 3), opaque, gray
    if name == "LA":
        data = _save(Image.fromarray(np.dstack([gray, alpha]), "LA"),
                     format="PNG")
        return data, np.dstack([gray] * 3), alpha, gray
    if name == "1bit":
        bits = gray > 128
        data = _save(Image.fromarray(bits), format="PNG")
        g = np.where(bits, 255, 0).astype(np.uint8)
        return data, np.dstack([g] * 3), opaque, g
    if name.startswith("P") or name in ("L-tRNS", "RGB-tRNS"):
        im = Image.fromarray(img)
        if name == "P":
            data = _save(im.quantize(colors=60), format="PNG")
        elif name == "P-tRNS":
            # alpha for the first 40 of 60 entries: the rest are opaque
            data = _save(im.quantize(colors=60), format="PNG",
                         transparency=bytes(range(0, 240, 6)))
        elif name == "P4":
            data = _save(im.quantize(colors=11), format="PNG", bits=4)
        elif name == "L-tRNS":
            data = _save(Image.fromarray(gray), format="PNG",
                         transparency=int(gray[0, 0]))
        else:
            data = _save(im, format="PNG",
                         transparency=tuple(int(c) for c in img[0, 0]))
        pil = Image.open(io.BytesIO(data))
        rgba = np.asarray(pil.convert("RGBA"))
        rgb = np.asarray(pil.convert("RGB"))
        g = np.asarray(pil.convert("L")) if name == "L-tRNS" else \
            _luma601(rgb)
        if "tRNS" in name:
            assert (rgba[..., 3] < 255).any()  # the image has transparency
        return data, rgb, rgba[..., 3], g
    if name == "I;16":
        v16 = (gray.astype(np.uint16) << 8) | img[..., 2]
        data = _save(Image.fromarray(v16), format="PNG")
        with Image.open(io.BytesIO(data)) as pil:
            assert pil.mode.startswith("I")
        hi = (v16 >> 8).astype(np.uint8)
        return data, np.dstack([hi] * 3), opaque, hi
    if name in ("RGB16", "RGBA16"):
        # OpenCV writes 16-bit PNGs of uint16 arrays, BGR(A) in memory;
        # low bytes span 0..255 so that rounding instead of taking the
        # high byte is caught
        lo = np.dstack([img[..., 1], img[..., 2], img[..., 0]])
        v16 = (img.astype(np.uint16) << 8) | lo
        hi_a = alpha
        if name == "RGBA16":
            a16 = (alpha.astype(np.uint16) << 8) | img[..., 0]
            arr = np.dstack([v16[..., ::-1], a16])
        else:
            arr = v16[..., ::-1]
            hi_a = opaque
        path = str(tmp_path / ("%s-%dx%d.png" % (name, w, h)))
        assert cv2.imwrite(path, np.ascontiguousarray(arr))
        with open(path, "rb") as f:
            data = f.read()
        assert data[24] == 16  # IHDR bit depth
        return data, img, hi_a, _luma601(img)
    if name == "interlaced-RGB":
        data = _png_by_hand(img)
        return data, img, opaque, _luma601(img)
    if name == "interlaced-RGBA":
        data = _png_by_hand(np.dstack([img, alpha]))
        return data, img, alpha, _luma601(img)
    if name == "interlaced-L":
        return _png_by_hand(gray), np.dstack([gray] * 3), opaque, gray
    raise ValueError(name)


PNG_CASES = ["RGB", "RGBA", "L", "LA", "P", "P-tRNS", "P4", "1bit",
             "L-tRNS", "RGB-tRNS", "I;16", "RGB16", "RGBA16",
             "interlaced-RGB", "interlaced-RGBA", "interlaced-L"]


@pytest.mark.filterwarnings("ignore:Palette images with Transparency")
@pytest.mark.parametrize("size", [(1, 1), (17, 13)], ids=lambda s: "%dx%d" % s)
@pytest.mark.parametrize("name", PNG_CASES)
def test_png_every_format(name, size, tmp_path):
    w, h = size
    data, rgb, alpha, gray = _png_case(name, w, h, tmp_path)
    if name.startswith("interlaced"):
        assert data[28] == 1  # IHDR interlace method: Adam7
        # our hand-written file is what Pillow reads too
        pil = Image.open(io.BytesIO(data))
        _assert_same(np.asarray(pil.convert("RGB")), rgb, "Pillow")
    for fmt in OUT_FORMATS:
        what = "%s %dx%d %s" % (name, w, h, fmt)
        res, planes = _decode(data, fmt, caps="image/png")
        caps = res.buffers[0][1]
        assert caps_field(caps, "format") == fmt
        assert _size(caps) == (w, h), (what, caps)
        if fmt in PACKED:
            got, got_a = _packed(planes, fmt)
            _assert_same(got, rgb, what)
            if got_a is not None:
                _assert_same(got_a, alpha, what + " alpha")
        elif fmt == "GRAY8":
            _assert_same(planes[0], gray, what)
        else:
            _check_colorimetry(caps)
            _check_i420(planes, rgb, what)


# ---- 3. scale ----

@pytest.mark.parametrize("denom", [2, 4, 8])
def test_scale_jpeg(denom):
    w, h = 641, 479
    sw, sh = -(-w // denom), -(-h // denom)
    for kind in ["420", "444", "gray", "cmyk"]:
        data = _jpeg(make_image(w, h), kind)
        d = Image.open(io.BytesIO(data))
        # (Pillow picks the scale from floor(w / requested width))
        d.draft(d.mode, (w // denom, h // denom))
        assert d.size == (sw, sh), d.size  # Pillow also scaled by 1/denom
        ref = np.asarray(d.convert("RGB"))
        for fmt in ["RGB", "BGRA", "GRAY8", "I420"]:
            what = "%s 1/%d %s" % (kind, denom, fmt)
            res, planes = _decode(data, fmt, "scale=1/%d" % denom,
                                  caps="image/jpeg")
            assert _size(res.buffers[0][1]) == (sw, sh), what
            if fmt in PACKED:
                got, _ = _packed(planes, fmt)
                assert psnr(got, ref) > 40, (what, psnr(got, ref))
            elif fmt == "GRAY8":
                assert planes[0].shape == (sh, sw)
                ref_l = np.asarray(d.convert("L"))
                assert psnr(planes[0], ref_l) > 35, what
            else:
                _check_i420(planes, ref, what)


@pytest.mark.parametrize("denom", [2, 4, 8])
def test_scale_png(denom):
    w, h = 641, 479
    sw, sh = -(-w // denom), -(-h // denom)
    img = make_image(w, h)
    data = _png(img)
    ref = np.asarray(Image.fromarray(img).resize((sw, sh), Image.BICUBIC))
    for fmt in ["RGB", "BGRA", "GRAY8"]:
        res, planes = _decode(data, fmt, "scale=1/%d" % denom,
                              caps="image/png")
        assert _size(res.buffers[0][1]) == (sw, sh)
        if fmt == "GRAY8":
            assert planes[0].shape == (sh, sw)
            assert psnr(planes[0], _luma601(ref)) > 25
        else:
            got, _ = _packed(planes, fmt)
            assert psnr(got, ref) > 25, (fmt, psnr(got, ref))
    # scale=1 is not resampled at all
    res, planes = _decode(data, "RGB", "scale=1", caps="image/png")
    _assert_same(planes[0], img, "scale=1")


def test_scale_changed_while_playing():
    """scale is read per image: changing it renegotiates the size."""
    data = _jpeg(make_image(64, 48))
    pipeline = Gst.parse_launch("appsrc name=src ! imdecode name=dec ! "
                                "appsink name=sink")
    src, dec = pipeline.get_by_name("src"), pipeline.get_by_name("dec")
    pipeline.set_state(Gst.State.PLAYING)
    for scale in ["1", "1/2", "1/8", "1"]:
        Gst.util_set_object_arg(dec, "scale", scale)
        src.emit("push-buffer", Gst.Buffer.new_wrapped(data))
        # wait for this frame before the next change
        sample = pipeline.get_by_name("sink").try_pull_sample(10 * Gst.SECOND)
        assert sample is not None
        want = {"1": (64, 48), "1/2": (32, 24), "1/8": (8, 6)}[scale]
        s = plain(sample.get_caps().get_structure(0))
        assert (s.get_value("width"), s.get_value("height")) == want
    pipeline.set_state(Gst.State.NULL)


# ---- 4. framing: images cut anywhere, concatenated, one per buffer ----

def _with_com(jpeg, payload):
    """A COM segment right after SOI."""
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(payload) + 2) + \
        payload + jpeg[2:]


def _with_text(png, payload):
    """A tEXt chunk right after IHDR."""
    return png[:33] + _chunk(b"tEXt", b"note\0" + payload) + png[33:]


def _run_file(path, props="", caps="", timeout_s=60):
    desc = "filesrc location=%s %s ! imdecode ! %s appsink name=sink" % (
        path, props, (caps + " !") if caps else "")
    return run_to_end(Gst.parse_launch(desc), timeout_s)


@pytest.mark.parametrize("ext", ["jpg", "png"])
def test_filesrc_blocksize(ext, tmp_path):
    img = make_image(200, 150)
    data = _jpeg(img, "progressive") if ext == "jpg" else _png(img)
    path = tmp_path / ("x." + ext)
    path.write_bytes(data)
    whole = _run_file(path, "blocksize=%d" % (len(data) + 100))
    assert len(whole.buffers) == 1 and not whole.warnings
    ref = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    got = frame_planes(whole.datas[0], whole.buffers[0][1])[0]
    assert psnr(got, ref) > 45
    for bs in [1, 7, 4096, None]:
        res = _run_file(path, "blocksize=%d" % bs if bs else "")
        assert not res.errors and not res.warnings, (bs, res.warnings)
        assert res.eos
        assert len(res.buffers) == 1, (bs, len(res.buffers))
        assert res.buffers[0][1] == whole.buffers[0][1]
        _assert_same(frame_planes(res.datas[0], res.buffers[0][1])[0], got,
                     "blocksize=%s" % bs)


def _mixed_images():
    """(bytes, expected RGB, is_jpeg) of images of different kinds and
    sizes, some of them with traps for a careless framer: a JPEG inside a
    JPEG's comment, a PNG (IEND and all) inside a PNG's text chunk, FF D9
    and FF D8 in comments."""
    tiny_jpeg = _jpeg(make_image(8, 8))
    tiny_png = _png(make_image(2, 2))
    out = []

    def add(data, is_jpeg):
        ref = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        out.append((data, ref, is_jpeg))

    add(_with_com(_jpeg(make_image(33, 17)), tiny_jpeg + b"\xff\xd9"), True)
    add(_with_text(_png(np.dstack([make_image(20, 30),
                                   np.full((30, 20), 77, np.uint8)])),
                   b"IEND" + tiny_png + b"IEND\xae\x42\x60\x82"), False)
    add(_jpeg(make_image(641, 479), "progressive"), True)
    add(_png(_gray_image(1, 1)), False)
    add(_jpeg(make_image(5, 5), "gray"), True)
    add(_save(Image.fromarray(make_image(17, 13)).quantize(colors=20),
              format="PNG"), False)
    add(_jpeg(make_image(40, 41), "cmyk"), True)
    add(_png_by_hand(make_image(9, 7)), False)
    # restart markers (RST0..7) in the entropy data, written by OpenCV
    ok, rst = cv2.imencode(".jpg", make_image(70, 50)[..., ::-1],
                           [cv2.IMWRITE_JPEG_RST_INTERVAL, 2])
    assert ok and b"\xff\xdd" in rst.tobytes() and b"\xff\xd3" in rst.tobytes()
    add(rst.tobytes(), True)
    # several IDAT chunks (Pillow writes them 64 KiB at most)
    stored = _png(make_image(200, 150), compress_level=0)
    assert stored.count(b"IDAT") >= 2
    add(stored, False)
    add(_with_com(_jpeg(make_image(33, 17), "444"), b"\xff\xd8\xff\xe0"),
        True)
    add(_png(make_image(33, 17)), False)  # same size, other type
    return out


def _check_sequence(res, images, what):
    assert not res.errors and not res.warnings, (what, res.errors,
                                                 res.warnings)
    assert res.eos, what
    assert len(res.buffers) == len(images), (what, len(res.buffers))
    for i, ((data, ref, is_jpeg), buf) in enumerate(zip(images,
                                                         res.buffers)):
        h, w = ref.shape[:2]
        assert _size(buf[1]) == (w, h), (what, i, buf[1])
        got = frame_planes(buf[0], buf[1])[0]
        if is_jpeg:
            assert psnr(got, ref) > 45, (what, i, psnr(got, ref))
        else:
            _assert_same(got, ref, "%s image %d" % (what, i))


def test_concatenated_file(tmp_path):
    images = _mixed_images()
    path = tmp_path / "all.bin"
    path.write_bytes(b"".join(d for d, _, _ in images))
    for bs in [1, 7, 4096, None]:
        res = _run_file(path, "blocksize=%d" % bs if bs else "",
                        "video/x-raw,format=RGB")
        _check_sequence(res, images, "blocksize=%s" % bs)
        # every size change renegotiated
        assert len(res.caps) == len(images) - 1


def test_one_image_per_buffer():
    images = _mixed_images()
    for caps in [None, "image/jpeg", "image/png,framerate=25/1"]:
        # (image/jpeg caps on PNGs too: the content decides, like filesrc)
        res = push_chunks("imdecode ! video/x-raw,format=RGB",
                          [d for d, _, _ in images], caps=caps)
        _check_sequence(res, images, "appsrc caps=%s" % caps)
        # each frame has the timestamps of its buffer
        n = len(images)
        assert [b[2] for b in res.buffers] == [
            Gst.SECOND + i * Gst.MSECOND for i in range(n)]
        assert res.dts == [i * Gst.MSECOND for i in range(n)]
        assert all(b[3] == Gst.MSECOND for b in res.buffers)
        # nothing was dropped: no DISCONT after the first frame
        assert not any(f & DISCONT for f in res.flags[1:]), res.flags
        # the framerate of the input caps, else 0/1
        rate = Gst.Fraction(25, 1) if caps and "25" in caps else \
            Gst.Fraction(0, 1)
        assert all(caps_field(c, "framerate") == rate for c in res.caps)


def test_timestamps_of_split_images():
    """A frame takes the timestamps of the buffer in which its image
    starts."""
    a = _jpeg(make_image(33, 17))
    b = _png(make_image(20, 30))
    c = _jpeg(make_image(40, 41), "444")
    # a cut in two; b ends the buffer a ends in; c alone
    res = push_chunks("imdecode", [a[:100], a[100:] + b, c])
    assert len(res.buffers) == 3 and not res.warnings
    assert res.buffers[0][2] == Gst.SECOND
    assert res.dts[0] == 0
    assert res.buffers[0][3] == Gst.MSECOND
    assert res.buffers[2][2] == Gst.SECOND + 2 * Gst.MSECOND
    assert res.dts[2] == 2 * Gst.MSECOND
    # b starts in buffer 1, whose timestamps no other image took
    res = push_chunks("imdecode", [a[:100], a[100:] + b[:50], b[50:], c])
    assert len(res.buffers) == 3 and not res.warnings
    assert [x[2] for x in res.buffers] == [
        Gst.SECOND, Gst.SECOND + Gst.MSECOND, Gst.SECOND + 3 * Gst.MSECOND]
    assert res.dts == [0, Gst.MSECOND, 3 * Gst.MSECOND]


# ---- 5. base64 ----

def test_base64_appsrc():
    images = _mixed_images()
    texts = []
    for i, (data, _, is_jpeg) in enumerate(images):
        t = base64.b64encode(data)
        if i % 2:
            t = b"data:image/%s;base64," % (b"jpeg" if is_jpeg else b"png") \
                + t
        if i % 3 == 2:
            t = base64.encodebytes(data)  # MIME lines with newlines
        texts.append(t)
    binary = push_chunks("imdecode ! video/x-raw,format=RGB",
                         [d for d, _, _ in images])
    _check_sequence(binary, images, "binary")
    for caps in ["application/x-base64", None]:
        res = push_chunks("imdecode ! video/x-raw,format=RGB", texts,
                          caps=caps)
        _check_sequence(res, images, "base64 caps=%s" % caps)
        for got, want in zip(res.buffers, binary.buffers):
            _assert_same(frame_planes(got[0], got[1])[0],
                         frame_planes(want[0], want[1])[0], "base64")
        assert [b[2] for b in res.buffers] == [b[2] for b in binary.buffers]


def test_imencode_base64_to_imdecode():
    raw = run_to_end(Gst.parse_launch(
        "videotestsrc num-buffers=3 pattern=ball ! "
        "video/x-raw,format=RGB,width=65,height=47,framerate=30/1 ! "
        "appsink name=sink"))
    assert len(raw.buffers) == 3
    for enc in ["base64", "data-uri"]:
        res = run_to_end(Gst.parse_launch(
            "videotestsrc num-buffers=3 pattern=ball ! "
            "video/x-raw,format=RGB,width=65,height=47,framerate=30/1 ! "
            "imencode format=png encoding=%s ! "
            "application/x-base64 ! imdecode ! appsink name=sink" % enc))
        assert not res.errors and not res.warnings, (res.errors,
                                                     res.warnings)
        assert len(res.buffers) == 3
        caps = res.buffers[0][1]
        assert caps_field(caps, "format") == "RGB"
        assert _size(caps) == (65, 47)
        assert caps_field(caps, "framerate") == Gst.Fraction(30, 1)
        for got, want in zip(res.buffers, raw.buffers):
            _assert_same(frame_planes(got[0], got[1])[0],
                         frame_planes(want[0], want[1])[0], enc)
            assert got[2] == want[2]  # timestamps copied through both


def test_base64_lines_file(tmp_path):
    images = _mixed_images()
    lines = []
    for i, (data, _, is_jpeg) in enumerate(images):
        t = base64.b64encode(data)
        if i % 2:
            t = b"data:image/%s;base64,%s" % (
                b"jpeg" if is_jpeg else b"png", t)
        lines.append(t + (b"\r\n" if i % 3 == 1 else b"\n"))
    path = tmp_path / "images.b64"
    path.write_bytes(b"".join(lines))
    for bs in ["", "blocksize=100"]:
        res = run_to_end(Gst.parse_launch(
            "filesrc location=%s %s ! base64dec records=line ! imdecode ! "
            "video/x-raw,format=RGB ! appsink name=sink" % (path, bs)))
        _check_sequence(res, images, "base64 lines %s" % bs)


# ---- 6. round trips through imencode ----

def test_round_trip_png_exact():
    img = make_image(641, 479)
    res = encode_frames([img, img[::-1].copy()], "RGB", props="format=png",
                        caps_after="imdecode ! video/x-raw,format=RGB")
    assert not res.errors and not res.warnings
    assert len(res.buffers) == 2
    _assert_same(frame_planes(res.datas[0], res.buffers[0][1])[0], img,
                 "png round trip")
    _assert_same(frame_planes(res.datas[1], res.buffers[1][1])[0],
                 img[::-1], "png round trip 2")
    assert [b[2] for b in res.buffers] == [0, Gst.SECOND // 10]


def test_round_trip_jpeg():
    img = make_image(641, 479)
    res = encode_frames([img], "RGB", props="format=jpeg quality=90",
                        caps_after="imdecode ! video/x-raw,format=RGB")
    assert not res.errors and not res.warnings
    got = frame_planes(res.datas[0], res.buffers[0][1])[0]
    assert psnr(got, img) > 30, psnr(got, img)


# ---- 7. bad input ----

GOOD_JPEG = _jpeg(make_image(64, 48))
GOOD_PNG = _png(make_image(30, 20))
NEXT_JPEG = _jpeg(make_image(48, 64), "444")
NEXT_JPEG2 = _jpeg(make_image(40, 41), "420")
NEXT_PNG = _png(np.dstack([make_image(21, 19),
                           np.full((19, 21), 128, np.uint8)]))
CORRUPT = r"corrupt|truncat|premature|ends early"
TOO_LARGE = r"too large"


def _sos_end(jpeg):
    i = jpeg.index(b"\xff\xda")
    return i + 2 + ((jpeg[i + 2] << 8) | jpeg[i + 3])


def _corrupt_entropy(jpeg):
    """32 stuffed FF bytes (256 one bits) in the middle of the entropy
    data: no Huffman code is all ones, so a decoder cannot miss it."""
    start = _sos_end(jpeg)
    mid = (start + len(jpeg) - 2) // 2
    return jpeg[:mid] + b"\xff\x00" * 32 + jpeg[mid + 64:]


def _png_flip(png, what):
    """A stored (uncompressed) PNG with one bit flipped in the IDAT pixel
    data, or only in the IDAT CRC."""
    i = png.index(b"IDAT")
    n = struct.unpack(">I", png[i - 4:i])[0]
    bad = bytearray(png)
    if what == "data":
        bad[i + 4 + n // 2] ^= 0x10
    else:
        bad[i + 4 + n] ^= 0x01
    return bytes(bad)


def _huge_png(w, h):
    return (PNG_SIG + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0,
                                                  0, 0)) +
            _chunk(b"IDAT", zlib.compress(b"\0" * 1000)) +
            _chunk(b"IEND", b""))


def _huge_jpeg(w, h):
    data = bytearray(GOOD_JPEG)
    i = data.index(b"\xff\xc0")
    data[i + 5:i + 9] = struct.pack(">HH", h, w)
    return bytes(data)


def _bad_cases():
    j, p = GOOD_JPEG, GOOD_PNG
    sos = j.index(b"\xff\xda")
    cases = []
    # (just FF D8 is not recognisably a JPEG any more)
    cases.append(("jpeg-cut-2", [j[:2]], CORRUPT + r"|not a jpeg"))
    for cut in [3, 20, sos - 5, sos + 4, _sos_end(j) + 10,
                (sos + len(j)) // 2, len(j) - 10, len(j) - 2]:
        cases.append(("jpeg-cut-%d" % cut, [j[:cut]], CORRUPT))
    for cut in [8, 20, 33 + 4, len(p) // 2, len(p) - 12]:
        cases.append(("png-cut-%d" % cut, [p[:cut]], CORRUPT))
    stored = _png(make_image(30, 20), compress_level=0)
    cases += [
        ("jpeg-cut-split", [j[:30], j[30:len(j) // 2]], CORRUPT),
        ("jpeg-entropy", [_corrupt_entropy(j)], CORRUPT),
        ("png-idat-data", [_png_flip(stored, "data")], CORRUPT),
        ("png-idat-crc", [_png_flip(stored, "crc")], CORRUPT + "|crc"),
        ("random", [b"\0" + random.Random(7).randbytes(3000)],
         r"not a jpeg or png"),
        ("png-60000", [_huge_png(60000, 60000)], TOO_LARGE),
        ("jpeg-60000", [_huge_jpeg(60000, 60000)], TOO_LARGE),
    ]
    return cases


BAD_CASES = _bad_cases()


def _frame_rgb(res, i):
    return frame_planes(res.datas[i], res.buffers[i][1])[0][..., :3]


def _expect_good(res, i, data):
    ref = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    h, w = ref.shape[:2]
    assert _size(res.buffers[i][1]) == (w, h)
    got = _frame_rgb(res, i)
    if data[:2] == b"\xff\xd8":
        assert psnr(got, ref) > 45
    else:
        _assert_same(got, ref, "good image %d" % i)


def _informative(messages, pattern):
    return any(re.search(pattern, m, re.IGNORECASE) for m in messages)


@pytest.mark.parametrize("case", BAD_CASES, ids=lambda c: c[0])
@pytest.mark.parametrize("after", ["jpeg", "jpeg2", "png"])
def test_bad_image_dropped(case, after):
    """A bad image in its own buffer(s) between two good ones. (Where a
    truncated image's bytes stop matters, and so do the next image's:
    framing that trusts a segment length running into the next image can
    only get lucky, so there are two next JPEGs.)"""
    name, bad, pattern = case
    nxt = {"jpeg": NEXT_JPEG, "jpeg2": NEXT_JPEG2, "png": NEXT_PNG}[after]
    chunks = [GOOD_JPEG] + bad + [nxt]
    res = push_chunks("imdecode ! video/x-raw,format=RGB", chunks,
                      caps=None)
    assert not res.errors, res.errors
    assert res.eos
    assert res.warnings, "no warning for %s" % name
    assert _informative(res.warnings, pattern), res.warnings
    if "60000" in name:
        assert _informative(res.warnings, r"max-pixels"), res.warnings
        assert _informative(res.warnings, r"60000x60000"), res.warnings
    # no frame for the bad image, the next one decoded, and flagged
    assert len(res.buffers) == 2, (name, len(res.buffers))
    _expect_good(res, 0, GOOD_JPEG)
    _expect_good(res, 1, nxt)
    assert res.flags[1] & DISCONT, res.flags
    assert res.buffers[1][2] == Gst.SECOND + (len(chunks) - 1) * Gst.MSECOND


@pytest.mark.parametrize("case", [c for c in BAD_CASES
                                  if "cut" in c[0] or "60000" in c[0]],
                         ids=lambda c: c[0])
def test_bad_image_at_eos(case):
    name, bad, pattern = case
    res = push_chunks("imdecode", [GOOD_PNG] + bad, caps=None)
    assert not res.errors, res.errors
    assert res.eos
    assert _informative(res.warnings, pattern), res.warnings
    assert len(res.buffers) == 1
    _expect_good(res, 0, GOOD_PNG)


def test_good_stream_has_no_warning_or_discont():
    """The control for the bad-input tests: the same stream without the bad
    image."""
    res = push_chunks("imdecode", [GOOD_JPEG, NEXT_PNG, NEXT_JPEG])
    assert not res.warnings and not res.errors
    assert len(res.buffers) == 3
    assert not any(f & DISCONT for f in res.flags[1:]), res.flags


def test_zero_length_buffer():
    # binary input: an empty buffer is no data, not an image
    res = push_chunks("imdecode", [GOOD_JPEG, b"", NEXT_PNG], caps=None)
    assert not res.errors and res.eos
    assert len(res.buffers) == 2
    _expect_good(res, 1, NEXT_PNG)
    assert res.buffers[1][2] == Gst.SECOND + 2 * Gst.MSECOND
    # also inside an image cut in two
    res = push_chunks("imdecode", [GOOD_JPEG[:50], b"", GOOD_JPEG[50:],
                                   NEXT_PNG], caps="image/jpeg")
    assert not res.errors and not res.warnings
    assert len(res.buffers) == 2
    _expect_good(res, 0, GOOD_JPEG)
    # base64 input: an empty record is an empty image
    res = push_chunks("imdecode", [base64.b64encode(GOOD_JPEG), b"",
                                   base64.b64encode(NEXT_PNG)],
                      caps="application/x-base64")
    assert not res.errors and res.eos
    assert _informative(res.warnings, r"empty"), res.warnings
    assert len(res.buffers) == 2
    _expect_good(res, 1, NEXT_PNG)
    assert res.flags[1] & DISCONT


def test_bad_base64():
    """Records that are not base64, decode to no image, or to a truncated
    one. (A record's bytes join the byte stream, as records may carry
    pieces of an image: a truncated image is refused when the next one
    starts.)"""
    texts = [base64.b64encode(GOOD_JPEG), b"not base64 at all!",
             base64.b64encode(b"\0" * 50),
             base64.b64encode(GOOD_JPEG[:len(GOOD_JPEG) // 2]),
             base64.b64encode(NEXT_PNG)]
    res = push_chunks("imdecode", texts, caps="application/x-base64")
    assert not res.errors and res.eos
    assert len(res.buffers) == 2
    assert len(res.warnings) == 3, res.warnings
    assert _informative(res.warnings[:1], r"invalid base64")
    assert _informative(res.warnings[1:2], r"50 bytes.*not a jpeg or png")
    assert _informative(res.warnings[2:], CORRUPT)
    _expect_good(res, 1, NEXT_PNG)
    assert res.flags[1] & DISCONT


@pytest.mark.parametrize("kind", ["jpeg", "png"])
def test_max_pixels(kind):
    def image(w, h):
        return _jpeg(make_image(w, h)) if kind == "jpeg" else \
            _png(make_image(w, h))

    big, small = image(40, 40), image(30, 30)
    for scale in ["1", "1/8"]:
        # the limit is on the image's full size, whatever scale says
        res = push_chunks("imdecode max-pixels=1000 scale=%s" % scale,
                          [small, big, small])
        assert not res.errors and res.eos
        assert len(res.buffers) == 2, scale
        assert _informative(res.warnings, TOO_LARGE), res.warnings
        assert _informative(res.warnings, r"max-pixels"), res.warnings
        assert _informative(res.warnings, r"\b1600\b"), res.warnings
        assert res.flags[1] & DISCONT
        assert [b[2] for b in res.buffers] == [Gst.SECOND,
                                               Gst.SECOND + 2 * Gst.MSECOND]
    # exactly at the limit is allowed
    res = push_chunks("imdecode max-pixels=900", [small])
    assert len(res.buffers) == 1 and not res.warnings


def _cut_cases():
    j, p = GOOD_JPEG, GOOD_PNG
    sos = j.index(b"\xff\xda")
    dht = j.index(b"\xff\xc4")
    return [("jpeg-in-dht", j[:dht + 30]), ("jpeg-in-sos", j[:sos + 4]),
            ("jpeg-in-entropy", j[:(sos + len(j)) // 2]),
            ("png-in-ihdr", p[:20]), ("png-in-idat", p[:len(p) // 2])]


@pytest.mark.parametrize("bs", [7, 4096, None])
@pytest.mark.parametrize("cut", _cut_cases(), ids=lambda c: c[0])
def test_truncated_image_in_file(cut, bs, tmp_path):
    """A file of images, one of them cut short wherever: the cut one ends
    at the next image's signature (not where its own segment or chunk
    length says), so the images after it are all decoded."""
    name, bad = cut
    images = [GOOD_PNG, bad, NEXT_JPEG2, NEXT_PNG, NEXT_JPEG]
    path = tmp_path / "cut.bin"
    path.write_bytes(b"".join(images))
    res = _run_file(path, "blocksize=%d" % bs if bs else "")
    assert not res.errors and res.eos
    assert _informative(res.warnings, CORRUPT), res.warnings
    sizes = [_size(b[1]) for b in res.buffers]
    assert sizes == [(30, 20), (40, 41), (21, 19), (48, 64)], (name, sizes)
    for i, data in zip(range(4), [GOOD_PNG] + images[2:]):
        _expect_good(res, i, data)
    assert res.flags[1] & DISCONT


@pytest.mark.parametrize("bs", [7, 64, 4096])
@pytest.mark.parametrize("junk", [b"\0" * 100, b"x" * 100,
                                  b"Trailer: some text after EOI\n" * 4],
                         ids=["zeros", "xs", "text"])
def test_junk_between_images_in_file(junk, bs, tmp_path):
    """Bytes after an image's end (padding, a text trailer) are skipped
    with a warning; they are not taken for base64 records, and the next
    image is decoded wherever the blocks fall."""
    images = [GOOD_JPEG, NEXT_JPEG2, NEXT_PNG]
    path = tmp_path / "junk.bin"
    path.write_bytes(images[0] + junk + images[1] + junk + images[2])
    res = _run_file(path, "blocksize=%d" % bs)
    assert not res.errors and res.eos
    assert _informative(res.warnings, r"not a jpeg or png"), res.warnings
    assert not _informative(res.warnings, r"base64 image text"), res.warnings
    assert [_size(b[1]) for b in res.buffers] == [(64, 48), (40, 41),
                                                   (21, 19)]
    for i, data in enumerate(images):
        _expect_good(res, i, data)


@pytest.mark.parametrize("case", [c for c in BAD_CASES if c[0] in (
    "jpeg-cut-20", "jpeg-entropy", "png-idat-crc", "png-cut-37",
    "random", "png-60000", "jpeg-60000")], ids=lambda c: c[0])
def test_strict_bad_image_is_an_error(case):
    name, bad, pattern = case
    res = push_chunks("imdecode strict=true", [GOOD_JPEG] + bad +
                      [NEXT_PNG])
    assert res.errors, "no error for %s" % name
    assert _informative(res.errors, pattern), res.errors
    assert len(res.buffers) == 1  # the good image before it, nothing after
    _expect_good(res, 0, GOOD_JPEG)


def test_strict_max_pixels_is_an_error():
    res = push_chunks("imdecode strict=true max-pixels=1000",
                      [_png(make_image(40, 40))])
    assert _informative(res.errors, TOO_LARGE), res.errors
    assert len(res.buffers) == 0


# ---- 8. caps negotiation ----

@pytest.mark.parametrize("caps,want", [
    ("video/x-raw,format=GRAY8", "GRAY8"),
    ("video/x-raw,format=BGR", "BGR"),
    ("video/x-raw,format=I420", "I420"),
    ("video/x-raw,format={BGRA,GRAY8}", "BGRA"),
    ("video/x-raw,format={NV12,GRAY8,I420}", "GRAY8"),
    ("video/x-raw,format={NV12,I420}", "I420"),
    ("video/x-raw", "RGB"),
    ("", "RGB"),
])
def test_negotiation(caps, want):
    data = _jpeg(make_image(31, 9))
    res = push_chunks("imdecode %s" % (("! " + caps) if caps else ""),
                      [data, _png(make_image(5, 3))])
    assert not res.errors and not res.warnings
    assert [caps_field(b[1], "format") for b in res.buffers] == [want] * 2
    assert [_size(b[1]) for b in res.buffers] == [(31, 9), (5, 3)]


def test_default_format_fakesink():
    pipeline = Gst.parse_launch("appsrc name=src ! imdecode name=dec ! "
                                "fakesink name=fs")
    src = pipeline.get_by_name("src")
    pipeline.set_state(Gst.State.PLAYING)
    src.emit("push-buffer", Gst.Buffer.new_wrapped(GOOD_JPEG))
    src.emit("end-of-stream")
    msg = pipeline.get_bus().timed_pop_filtered(
        10 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    assert msg is not None and msg.type == Gst.MessageType.EOS
    caps = pipeline.get_by_name("dec").get_static_pad("src").get_current_caps()
    assert plain(caps.get_structure(0)).get_value("format") == "RGB"
    assert plain(caps.get_structure(0)).get_value("width") == 64
    pipeline.set_state(Gst.State.NULL)


def _push_with_caps_after(chunks, caps):
    """appsrc ! imdecode ! capsfilter caps=<caps> ! appsink, with the caps
    set after linking (parse_launch would refuse to link them)."""
    pipeline = Gst.parse_launch("appsrc name=src format=time ! imdecode ! "
                                "capsfilter name=cf ! appsink name=sink")
    pipeline.get_by_name("cf").set_property("caps",
                                            Gst.Caps.from_string(caps))
    src = pipeline.get_by_name("src")
    pipeline.set_state(Gst.State.PLAYING)
    for c in chunks:
        src.emit("push-buffer", Gst.Buffer.new_wrapped(c))
    src.emit("end-of-stream")
    return run_to_end(pipeline)


def test_not_negotiated():
    res = _push_with_caps_after([GOOD_JPEG, GOOD_PNG],
                                "video/x-raw,format=NV12")
    assert res.errors, "no error"
    assert _informative(res.errors, r"negotiat"), res.errors
    assert not res.buffers
    # a size downstream refuses is not negotiated either
    res = _push_with_caps_after([GOOD_JPEG], "video/x-raw,width=10")
    assert _informative(res.errors, r"negotiat"), res.errors
    assert not res.buffers
    # nor an image of a new size that downstream refuses
    res = _push_with_caps_after([GOOD_JPEG, GOOD_PNG],
                                "video/x-raw,width=64,height=48")
    assert _informative(res.errors, r"negotiat"), res.errors
    assert len(res.buffers) == 1 and _size(res.buffers[0][1]) == (64, 48)


# ---- 9. OpenCV ----

def test_opencv_bgr_jpeg():
    data = _jpeg(make_image(641, 479), "420")
    _, planes = _decode(data, "BGR")
    want = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert psnr(planes[0], want) > 40, psnr(planes[0], want)
    # and not in RGB order
    assert psnr(planes[0], want[..., ::-1]) < 30


@pytest.mark.parametrize("name", ["RGB", "RGBA", "P", "RGB16"])
def test_opencv_png(name, tmp_path):
    data, _, _, _ = _png_case(name, 101, 67, tmp_path)
    buf = np.frombuffer(data, np.uint8)
    _, planes = _decode(data, "BGR")
    # (OpenCV also keeps the high byte of 16-bit samples)
    want = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    assert want.dtype == np.uint8
    _assert_same(planes[0], want, "BGR vs OpenCV")
    _, planes = _decode(data, "GRAY8")
    want = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    diff = np.abs(planes[0].astype(int) - want)
    assert diff.max() <= 1, diff.max()


# ---- 10. conversions when the input caps carry a framerate ----

def _with_rate(caps):
    return caps + ",framerate=30/1"


@pytest.mark.parametrize("case", ["png-I420", "png-half-RGB",
                                  "png-half-GRAY8", "cmyk-GRAY8",
                                  "cmyk-I420", "cmyk-half-I420"])
def test_conversion_with_framerate(case):
    """Paths through the intermediate frame and GstVideoConverter (PNG to
    I420, PNG at scale != 1, CMYK JPEG to GRAY8/I420) with a framerate in
    the input caps: the frames are the image Pillow decodes, and the output
    caps keep the framerate. (The intermediate frame once had framerate
    0/1, the converter could not be made and garbage frames came out.)"""
    kind, fmt = case.split("-")[0], case.split("-")[-1]
    denom = 2 if "half" in case else 1
    w, h = 65, 47
    img = make_image(w, h)
    data = _png(img) if kind == "png" else _jpeg(img, "cmyk")
    caps = "image/png" if kind == "png" else "image/jpeg"
    res, planes = _decode(data, fmt, "scale=1/2" if denom == 2 else "",
                          caps=_with_rate(caps))
    out_caps = res.buffers[0][1]
    assert caps_field(out_caps, "framerate") == Gst.Fraction(30, 1)
    pil = Image.open(io.BytesIO(data))
    sw, sh = -(-w // denom), -(-h // denom)
    assert _size(out_caps) == (sw, sh)
    if kind == "png":
        ref = img if denom == 1 else np.asarray(
            Image.fromarray(img).resize((sw, sh), Image.BICUBIC))
    else:
        if denom != 1:
            pil.draft(pil.mode, (w // denom, h // denom))
            assert pil.size == (sw, sh)
        ref = np.asarray(pil.convert("RGB"))
    if fmt == "I420":
        _check_colorimetry(out_caps)
        _check_i420(planes, ref, case)
    elif fmt == "GRAY8":
        assert psnr(planes[0], _luma601(ref)) > 30, psnr(planes[0],
                                                          _luma601(ref))
    else:
        assert psnr(planes[0], ref) > 30, psnr(planes[0], ref)


def test_png_to_i420_from_videotestsrc():
    """The reported pipeline: a red 64x64 test frame (30/1 from
    videotestsrc) through imencode format=png and imdecode to I420 is red,
    as Pillow sees the PNG."""
    png = run_to_end(Gst.parse_launch(
        "videotestsrc num-buffers=1 pattern=red ! "
        "video/x-raw,width=64,height=64 ! imencode format=png ! "
        "appsink name=sink"))
    assert len(png.buffers) == 1
    ref = np.asarray(Image.open(io.BytesIO(png.datas[0])).convert("RGB"))
    assert (ref == (255, 0, 0)).all()
    res = run_to_end(Gst.parse_launch(
        "videotestsrc num-buffers=1 pattern=red ! "
        "video/x-raw,width=64,height=64 ! imencode format=png ! imdecode ! "
        "video/x-raw,format=I420 ! appsink name=sink"))
    assert not res.errors and not res.warnings
    assert len(res.buffers) == 1
    y, u, v = frame_planes(res.datas[0], res.buffers[0][1])
    back = _rgb_from_i420(y, u, v)
    assert np.abs(back - ref).max() <= 3, np.abs(back - ref).max()


# ---- 11. bytes that are no image: from base64dec, other caps, no caps ----

# a 1x1 GIF (typefound as image/gif, which imdecode does not take)
GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9"
       b"\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02"
       b"\x02D\x01\x00;")
XML = b'<?xml version="1.0" encoding="UTF-8"?>\n<root><a>1</a></root>\n'
MIB = 1 << 20


def _warned_once(res, pattern):
    assert len(res.warnings) == 1, res.warnings
    assert _informative(res.warnings, pattern), res.warnings


@pytest.mark.parametrize("records", ["records=line", ""])
def test_base64dec_records_that_are_no_image(records, tmp_path):
    """base64dec gives records that are no image other caps (text/plain,
    application/octet-stream, image/gif...): imdecode takes them, skips
    their bytes with one warning, and decodes the images after them."""
    others = [b"hello", GIF, XML, bytes(range(256))]
    lines = [GOOD_JPEG] + others + [NEXT_PNG, NEXT_JPEG]
    path = tmp_path / "t.b64"
    path.write_bytes(b"".join(base64.b64encode(x) + b"\n" for x in lines))
    res = run_to_end(Gst.parse_launch(
        "filesrc location=%s ! base64dec %s ! imdecode ! "
        "video/x-raw,format=RGB ! appsink name=sink" % (path, records)))
    assert not res.errors, res.errors
    assert res.eos
    assert len(res.buffers) == 3
    for i, data in enumerate([GOOD_JPEG, NEXT_PNG, NEXT_JPEG]):
        _expect_good(res, i, data)
    n = sum(len(x) for x in others)
    _warned_once(res, r"skipped %d trailing bytes after a jpeg image" % n)
    assert res.flags[1] & DISCONT and not res.flags[2] & DISCONT


def test_issue_reproducer_hello_record(tmp_path):
    a = _jpeg(make_image(64, 48))
    path = tmp_path / "t.b64"
    path.write_bytes(base64.b64encode(a) + b"\n" + b"aGVsbG8=\n" +
                     base64.b64encode(a) + b"\n")
    res = run_to_end(Gst.parse_launch(
        "filesrc location=%s ! base64dec records=line ! imdecode ! "
        "appsink name=sink" % path))
    assert not res.errors and res.eos
    assert len(res.buffers) == 2
    _warned_once(res, r"\b5 trailing bytes")


@pytest.mark.parametrize("caps", ["application/octet-stream", "text/plain",
                                  "text/plain,charset=utf-8"])
def test_octet_stream_and_text_caps(caps):
    res = push_chunks("imdecode ! video/x-raw,format=RGB",
                      [GOOD_JPEG, b"hello", NEXT_PNG, b"", NEXT_JPEG],
                      caps=caps)
    assert not res.errors and res.eos
    assert len(res.buffers) == 3
    for i, data in enumerate([GOOD_JPEG, NEXT_PNG, NEXT_JPEG]):
        _expect_good(res, i, data)
    _warned_once(res, r"\b5 trailing bytes after a jpeg image")


@pytest.mark.parametrize("bs", ["blocksize=1000000", "", "blocksize=7"])
def test_no_caps_header_before_images(bs, tmp_path):
    """A text header before binary images (as an HTTP part has) is no
    base64: it is skipped, and both images decode."""
    header = b"Content-Type: image/jpeg\r\n\r\n"
    path = tmp_path / "h.bin"
    path.write_bytes(header + GOOD_JPEG + GOOD_JPEG)
    res = _run_file(path, bs)
    assert not res.errors and res.eos
    assert len(res.buffers) == 2
    _expect_good(res, 0, GOOD_JPEG)
    _expect_good(res, 1, GOOD_JPEG)
    _warned_once(res, r"skipped %d bytes that are not a jpeg or png" %
                 len(header))


def _random_without_signature(n, seed):
    """n random bytes (fixed seed) in which no JPEG or PNG starts."""
    data = bytearray(random.Random(seed).randbytes(n))
    for sig in (b"\xff\xd8", PNG_SIG[:2]):
        i = data.find(sig)
        while i >= 0:
            data[i] = 0
            i = data.find(sig, i)
    data[0] = 0  # (no base64 letter either)
    return bytes(data)


@pytest.mark.parametrize("bs", ["", "blocksize=65536"])
def test_no_caps_garbage_warned_once_with_its_size(bs, tmp_path):
    garbage = _random_without_signature(2 * MIB, 11)
    path = tmp_path / "r.bin"
    path.write_bytes(garbage + GOOD_JPEG + b"\0" * 100 + NEXT_PNG + b"\n")
    res = _run_file(path, bs)
    assert not res.errors and res.eos
    assert len(res.buffers) == 2
    _expect_good(res, 0, GOOD_JPEG)
    _expect_good(res, 1, NEXT_PNG)
    # once until an image decodes: the garbage, then the 100 zeros after
    # the JPEG and the newline after the PNG are both trailing bytes
    assert len(res.warnings) == 3, res.warnings
    assert _informative(res.warnings[:1],
                        r"skipped %d bytes that are not" % (2 * MIB))
    assert _informative(res.warnings[1:2],
                        r"skipped 100 trailing bytes after a jpeg image")
    assert _informative(res.warnings[2:],
                        r"skipped 1 trailing bytes after a png image")
    titles = [w.split(" (../")[0] for w in res.warnings]
    assert not _informative(titles, r"image dropped|base64"), titles


def _b64_spellings(data):
    b = base64.b64encode(data)
    return {
        "w0-no-newline": b,
        "w0-newline": b + b"\n",
        "mime-76": base64.encodebytes(data),
        "openssl-64-crlf": b"\r\n".join(b[i:i + 64] for i in
                                        range(0, len(b), 64)) + b"\r\n",
        "data-uri": b"data:image/jpeg;base64," + b + b"\n",
        "url-safe-unpadded": base64.urlsafe_b64encode(data).rstrip(b"=") +
        b"\n",
        "leading-blank-lines": b"\n\r\n  \n" + b + b"\n\n",
    }


@pytest.mark.parametrize("bs", ["", "blocksize=7", "blocksize=4097"])
@pytest.mark.parametrize("spelling", list(_b64_spellings(b"x")))
def test_no_caps_base64_file(spelling, bs, tmp_path):
    """A file of one image's base64 text larger than filesrc's 4 KiB
    blocks, however it is written, decodes to the image."""
    data = _jpeg(make_image(320, 240), quality=95)
    assert len(data) > 10000 and data.count(b"\xff\xd9") == 1
    path = tmp_path / "x.b64"
    path.write_bytes(_b64_spellings(data)[spelling])
    res = _run_file(path, bs, "video/x-raw,format=RGB")
    assert not res.errors and not res.warnings, (res.errors, res.warnings)
    assert res.eos and len(res.buffers) == 1
    _expect_good(res, 0, data)


def test_no_caps_base64_lines_with_bad_lines(tmp_path):
    """One image per line; a line that is not base64 is skipped with one
    warning naming it, and the images after it decode."""
    images = [GOOD_JPEG, NEXT_PNG, NEXT_JPEG, NEXT_JPEG2]
    text = (base64.b64encode(images[0]) + b"\n" +
            b"Not: base64\n" +
            base64.b64encode(images[1]) + b"\r\n" +
            b"data:image/jpeg;base64," + base64.b64encode(images[2]) +
            b"\n" + base64.b64encode(images[3]))
    path = tmp_path / "images.b64"
    path.write_bytes(text)
    for bs in ["", "blocksize=5"]:
        res = _run_file(path, bs)
        assert not res.errors and res.eos
        assert len(res.buffers) == 4, bs
        for i, data in enumerate(images):
            _expect_good(res, i, data)
        _warned_once(res, r"line 2\b.*':' at byte 3")
        assert res.flags[1] & DISCONT


def test_trailing_bytes_after_last_image(tmp_path):
    path = tmp_path / "a.jpg"
    path.write_bytes(GOOD_JPEG + b"\r\n")
    res = _run_file(path)
    assert not res.errors and res.eos
    assert len(res.buffers) == 1
    _expect_good(res, 0, GOOD_JPEG)
    _warned_once(res, r"skipped 2 trailing bytes after a jpeg image")
    assert not _informative([w.split(" (../")[0] for w in res.warnings],
                            r"image dropped")


def test_png_header_problem_is_named():
    """A refused PNG header says what is wrong with it (the PNG rules for
    IHDR), in the warning's debug text."""
    bad = PNG_SIG + _chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 4, 2, 0,
                                                0, 0)) + \
        _chunk(b"IEND", b"")
    res = push_chunks("imdecode", [bad, GOOD_PNG], caps="image/png")
    assert not res.errors and len(res.buffers) == 1
    assert len(res.warnings) == 1, res.warnings
    assert _informative(res.warnings, r"(?s)corrupt png header.*"
                        r"bit depth 4 is not allowed for colour type 2")


# ---- segments and timestamps: filesrc sends BYTES ----

MS = Gst.MSECOND
NONE = Gst.CLOCK_TIME_NONE


def _segments_seen(pipeline, name="sink"):
    """A list that fills with (format, start) of every segment reaching the
    sink pad of the element named `name`."""
    seen = []

    def probe(pad, info):
        ev = info.get_event()
        if ev.type == Gst.EventType.SEGMENT:
            seg = ev.parse_segment()
            seen.append((seg.format, seg.start))
        return Gst.PadProbeReturn.OK

    pad = pipeline.get_by_name(name).get_static_pad("sink")
    pad.add_probe(Gst.PadProbeType.EVENT_DOWNSTREAM, probe)
    return seen


def _three_pngs():
    """Three PNGs of one size that differ everywhere."""
    return [_png(np.roll(make_image(40, 30), 7 * i, axis=1) ^ (40 * i))
            for i in range(3)]


@pytest.mark.parametrize("ext", ["jpg", "png"])
def test_filesrc_then_videorate(ext, tmp_path):
    """filesrc sends a BYTES segment and byte offsets: the frame still
    follows a TIME segment, stamped 0, so videorate makes a 200 ms frame of
    the image (it made none: videorate takes no BYTES segment)."""
    img = make_image(200, 150)
    data = _jpeg(img) if ext == "jpg" else _png(img)
    path = tmp_path / ("a." + ext)
    path.write_bytes(data)
    pipeline = Gst.parse_launch(
        "filesrc location=%s blocksize=1000 ! imdecode ! videorate ! "
        "video/x-raw,framerate=5/1 ! appsink name=sink" % path)
    segments = _segments_seen(pipeline)
    res = run_to_end(pipeline)
    assert not res.errors and res.eos, res.errors
    assert len(res.buffers) == 1, len(res.buffers)
    assert res.buffers[0][2:4] == (0, 200 * MS), res.buffers[0][2:4]
    _expect_good(res, 0, data)
    assert segments and all(f == Gst.Format.TIME for f, _ in segments)


def test_filesrc_imencode_multifilesink(tmp_path):
    """filesrc ! imdecode ! imencode ! multifilesink writes one file per
    image, after a TIME segment (the frames went out in filesrc's BYTES
    segment, in which multifilesink was seen to write none). The files hold
    the images (PNG from imencode, read by Pillow)."""
    images = [GOOD_JPEG, NEXT_PNG, _jpeg(make_image(300, 200))]
    src = tmp_path / "all.bin"
    src.write_bytes(b"".join(images))
    out = tmp_path / "out"
    out.mkdir()
    pipeline = Gst.parse_launch(
        "filesrc location=%s blocksize=4096 ! imdecode ! "
        "video/x-raw,format=RGB ! imencode format=png ! "
        "multifilesink name=files location=%s" % (src, out / "img-%d.png"))
    segments = _segments_seen(pipeline, "files")
    pipeline.set_state(Gst.State.PLAYING)
    msg = pipeline.get_bus().timed_pop_filtered(
        30 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    assert msg is not None and msg.type == Gst.MessageType.EOS, msg
    files = sorted(os.listdir(out))
    assert files == ["img-%d.png" % i for i in range(3)], files
    for i, data in enumerate(images):
        got = np.asarray(Image.open(out / files[i]).convert("RGB"))
        ref = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        assert got.shape == ref.shape, (i, got.shape, ref.shape)
        if data[:2] == b"\xff\xd8":
            assert psnr(got, ref) > 45, i
        else:
            _assert_same(got, ref, "image %d" % i)
    assert segments and all(f == Gst.Format.TIME for f, _ in segments)


@pytest.mark.parametrize("rate", ["5/1", None])
def test_multifilesrc_stamped_from_caps_framerate(rate, tmp_path):
    """multifilesrc (BYTES, no timestamps): images are stamped from 0 at the
    caps' framerate, one per frame duration, or without a framerate the
    first gets 0 and the others none; offsets are not passed on as
    frame counts."""
    images = _three_pngs()
    for i, data in enumerate(images):
        (tmp_path / ("m%d.png" % i)).write_bytes(data)
    caps = "image/png" + (",framerate=%s" % rate if rate else "")
    pipeline = Gst.parse_launch(
        "multifilesrc location=%s stop-index=2 caps=%s ! imdecode ! "
        "video/x-raw,format=RGB ! appsink name=sink" %
        (tmp_path / "m%d.png", caps))
    segments = _segments_seen(pipeline)
    res = run_to_end(pipeline)
    assert not res.errors and res.eos, res.errors
    assert len(res.buffers) == 3
    for i, data in enumerate(images):
        _expect_good(res, i, data)
    times = [b[2:4] for b in res.buffers]
    if rate:
        assert times == [(0, 200 * MS), (200 * MS, 200 * MS),
                         (400 * MS, 200 * MS)], times
    else:
        assert times == [(0, NONE), (NONE, NONE), (NONE, NONE)], times
    assert segments and all(f == Gst.Format.TIME for f, _ in segments)


def test_multifilesrc_then_videorate(tmp_path):
    """multifilesrc ! imdecode ! videorate: 5 images/s made 10 frames/s,
    each image twice (it failed: videorate takes no BYTES segment)."""
    images = _three_pngs()
    for i, data in enumerate(images):
        (tmp_path / ("m%d.png" % i)).write_bytes(data)
    res = run_to_end(Gst.parse_launch(
        "multifilesrc location=%s stop-index=2 caps=image/png,framerate=5/1 "
        "! imdecode ! video/x-raw,format=RGB ! videorate ! "
        "video/x-raw,framerate=10/1 ! appsink name=sink" %
        (tmp_path / "m%d.png")))
    assert not res.errors and res.eos, res.errors
    assert [b[2] for b in res.buffers] == [i * 100 * MS for i in range(5)]
    for i, which in enumerate([0, 0, 1, 1, 2]):
        _expect_good(res, i, images[which])


def test_imagefreeze_as_with_jpegdec(tmp_path):
    """filesrc ! imdecode ! imagefreeze ! videorate gives the frames that
    jpegdec in its place gives: the same count and timestamps; imagefreeze
    gets a TIME segment, as from jpegdec (imagefreeze drops the segment,
    so on GStreamer 1.22 the frames were right even when it was BYTES)."""
    path = tmp_path / "a.jpg"
    path.write_bytes(_jpeg(make_image(160, 120)))
    got = {}
    for dec in ["jpegdec", "imdecode"]:
        pipeline = Gst.parse_launch(
            "filesrc location=%s ! %s ! imagefreeze name=freeze num-buffers=5 "
            "! videorate ! video/x-raw,framerate=5/1 ! appsink name=sink" %
            (path, dec))
        segments = _segments_seen(pipeline, "freeze")
        res = run_to_end(pipeline)
        assert not res.errors and res.eos, (dec, res.errors)
        assert segments and all(f == Gst.Format.TIME for f, _ in segments), \
            (dec, segments)
        got[dec] = [b[2:4] for b in res.buffers]
        if dec == "imdecode":
            for i in range(len(res.buffers)):
                _expect_good(res, i, path.read_bytes())
    assert got["imdecode"] == got["jpegdec"], got
    assert got["imdecode"] == [(i * 200 * MS, 200 * MS) for i in range(5)]


@pytest.mark.parametrize("rate,seek,want", [
    # [0, 200) clipped away, [200, 400) cut to [250, 400), [400, 600) kept
    ("5/1", 250 * MS, [(250 * MS, 150 * MS, 1), (400 * MS, 200 * MS, 2)]),
    # no framerate: the first image at 0, the others untimed
    (None, 0, [(0, NONE, 0), (NONE, NONE, 1), (NONE, NONE, 2)]),
], ids=["5fps-to-250ms", "no-rate-to-0"])
def test_flushing_seek_in_time_on_filesrc(rate, seek, want, tmp_path):
    """A flushing TIME seek, which filesrc refuses (it seeks in bytes),
    restarts upstream from byte 0 (where the stamps count from) under the
    seek's TIME segment: images before its start are dropped, the one
    across it is cut."""
    images = _three_pngs()
    path = tmp_path / "three.png"
    path.write_bytes(b"".join(images))
    caps = "image/png" + (",framerate=%s" % rate if rate else "")
    pipeline = Gst.parse_launch(
        "filesrc location=%s blocksize=1000 ! %s ! imdecode ! "
        "video/x-raw,format=RGB ! appsink name=sink" % (path, caps))
    segments = _segments_seen(pipeline)
    pipeline.set_state(Gst.State.PAUSED)
    assert pipeline.get_state(10 * Gst.SECOND)[0] == \
        Gst.StateChangeReturn.SUCCESS
    q = Gst.Query.new_seeking(Gst.Format.TIME)
    assert pipeline.query(q) and q.parse_seeking()[1], "not seekable"
    assert pipeline.seek_simple(Gst.Format.TIME, Gst.SeekFlags.FLUSH, seek)
    res = run_to_end(pipeline)
    assert not res.errors and res.eos, res.errors
    assert [b[2:4] for b in res.buffers] == [w[:2] for w in want]
    for i, w in enumerate(want):
        _expect_good(res, i, images[w[2]])
    assert segments[-1] == (Gst.Format.TIME, seek), segments


# ---- framing: when a truncated image is reported ----

def _warning_within(bus, seconds):
    msg = bus.timed_pop_filtered(int(seconds * Gst.SECOND),
                                 Gst.MessageType.WARNING |
                                 Gst.MessageType.ERROR)
    if msg is None:
        return None
    err = (msg.parse_warning() if msg.type == Gst.MessageType.WARNING
           else msg.parse_error())[0]
    return err.message


@pytest.mark.parametrize("framing,caps,at_once", [
    ("", "image/jpeg,parsed=true", True),
    ("framing=buffer", "image/jpeg", True),
    ("", "image/jpeg", False),
    ("framing=stream", "image/jpeg,parsed=true", False),
])
def test_request_response_truncated_image(framing, caps, at_once):
    """An app pushes one image per buffer and waits for its frame: a
    truncated one is reported as soon as it is pushed when buffers are
    whole images (framing=buffer, or auto with parsed=true caps), and only
    once the next image begins with framing=stream."""
    good = _jpeg(make_image(120, 90))
    pipeline = Gst.parse_launch(
        "appsrc name=src format=time caps=%s ! imdecode %s ! "
        "video/x-raw,format=RGB ! appsink name=sink" % (caps, framing))
    src, sink = pipeline.get_by_name("src"), pipeline.get_by_name("sink")
    bus = pipeline.get_bus()
    pipeline.set_state(Gst.State.PLAYING)
    try:
        src.emit("push-buffer", Gst.Buffer.new_wrapped(good))
        assert sink.try_pull_sample(10 * Gst.SECOND) is not None
        src.emit("push-buffer", Gst.Buffer.new_wrapped(good[:len(good) // 2]))
        warned = _warning_within(bus, 2 if at_once else 0.5)
        if at_once:
            assert warned and re.search(CORRUPT, warned, re.I), warned
        else:
            assert warned is None, warned
        src.emit("push-buffer", Gst.Buffer.new_wrapped(good))
        sample = sink.try_pull_sample(10 * Gst.SECOND)
        assert sample is not None
        if not at_once:
            warned = _warning_within(bus, 2)
            assert warned and re.search(CORRUPT, warned, re.I), warned
        assert sample.get_buffer().has_flags(DISCONT)
        assert _warning_within(bus, 0) is None
    finally:
        pipeline.set_state(Gst.State.NULL)


def test_parsed_caps_cut_image_among_good_ones():
    """parsed=true caps (what jpegparse and pngparse send): each buffer is
    one image, so a cut one among good ones is refused by itself, once,
    and the others decode with their own timestamps."""
    a, b = _jpeg(make_image(64, 48)), _png(make_image(48, 64))
    res = push_chunks("imdecode ! video/x-raw,format=RGB",
                      [a, b[:len(b) // 2], a, b],
                      caps="image/jpeg,parsed=true")
    assert not res.errors and res.eos, res.errors
    assert len(res.warnings) == 1, res.warnings
    assert _informative(res.warnings, CORRUPT)
    assert len(res.buffers) == 3
    for i, data in enumerate([a, a, b]):
        _expect_good(res, i, data)
    assert [x[2] for x in res.buffers] == [
        Gst.SECOND + i * Gst.MSECOND for i in [0, 2, 3]]
    assert res.flags[1] & DISCONT and not res.flags[2] & DISCONT


# ---- strict=true: the stream ends with the error ----

@pytest.mark.parametrize("where", ["at-eos", "mid-stream"])
def test_strict_error_ends_without_eos(where, tmp_path):
    """strict=true: after the error about a truncated PNG nothing reaches
    the sink, EOS neither (a fakesink prerolled by that EOS waited for a
    PLAYING that never came after the error), and the pipeline stops
    cleanly, each of 20 times."""
    png = _png(make_image(640, 480))
    cut = png[:len(png) * 2 // 3]
    path = tmp_path / "cut.png"
    # at EOS: the file ends inside the PNG; mid-stream: a good PNG follows
    path.write_bytes(cut if where == "at-eos" else cut + png)
    for _ in range(20):
        pipeline = Gst.parse_launch(
            "filesrc location=%s ! imdecode scale=1/8 strict=true ! "
            "fakesink name=sink" % path)
        got = []

        def probe(pad, info):
            if info.get_event().type == Gst.EventType.EOS:
                got.append("eos")
            return Gst.PadProbeReturn.OK

        def data(pad, info):
            got.append("buffer")
            return Gst.PadProbeReturn.OK

        pad = pipeline.get_by_name("sink").get_static_pad("sink")
        pad.add_probe(Gst.PadProbeType.EVENT_DOWNSTREAM, probe)
        pad.add_probe(Gst.PadProbeType.BUFFER, data)
        pipeline.set_state(Gst.State.PLAYING)
        msg = pipeline.get_bus().timed_pop_filtered(
            10 * Gst.SECOND, Gst.MessageType.ERROR | Gst.MessageType.EOS)
        assert msg is not None and msg.type == Gst.MessageType.ERROR, msg
        assert re.search(CORRUPT, msg.parse_error()[0].message, re.I)
        # (EOS would come right after the error from the same thread)
        time.sleep(0.05)
        assert pipeline.set_state(Gst.State.NULL) == \
            Gst.StateChangeReturn.SUCCESS
        assert got == [], got
