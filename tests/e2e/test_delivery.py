# End-to-end tests of imencode's delivery properties: progressive,
# optimize, restart-interval (markers read from the file's bytes as ITU-T
# T.81 lays them out, pixels decoded by Pillow and OpenCV), exif (the
# capture time read back by Pillow from JPEG APP1 and PNG eXIf) and
# max-bytes (every buffer within the budget, its text included; the
# quality in ImencodeMeta; 6 more does not fit; images nothing fits are
# dropped with one warning per run).
# SPDX-License-Identifier: LGPL-2.1-or-later

import base64
import datetime
import io
import json
import os
import sys
import time

import cv2
import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
from imtest import Gst, make_image, rgb_frame_bytes, run_to_end  # noqa: E402

W, H = 320, 240
EXIF_IFD = 0x8769
DATE_TIME_ORIGINAL = 36867
OFFSET_TIME_ORIGINAL = 36881
SUBSEC_TIME_ORIGINAL = 37521
NTP_TO_UNIX = 2208988800


def photo_frames(n, sigma=12, seed=7):
    """Photo-like frames: the test image with fresh Gaussian noise each
    (JPEG sizes then behave as a camera's do: steady, not constant)."""
    rng = np.random.default_rng(seed)
    base = make_image(W, H).astype(np.float64)
    return [(base + rng.normal(0, sigma, base.shape)).clip(0, 255)
            .astype(np.uint8) for _ in range(n)]


def flat_frame(value=128):
    return np.full((H, W, 3), value, np.uint8)


def run(frames, props, in_format="RGB", metas=None):
    """Pushes RGB frames through appsrc ! videoconvert ! <in_format> !
    imencode <props> ! appsink; metas[i] (caps string, ns) adds a
    reference timestamp meta to frame i. Returns run_to_end()'s Result."""
    pipeline = Gst.parse_launch(
        "appsrc name=src format=time caps=video/x-raw,format=RGB,width=%d,"
        "height=%d,framerate=10/1 ! videoconvert ! video/x-raw,format=%s ! "
        "imencode name=enc %s ! appsink name=sink" % (W, H, in_format, props))
    src = pipeline.get_by_name("src")
    src.set_property("max-bytes", 0)
    pipeline.set_state(Gst.State.PLAYING)
    for i, f in enumerate(frames):
        buf = Gst.Buffer.new_wrapped(rgb_frame_bytes(f))
        buf.pts = i * Gst.SECOND // 10
        buf.duration = Gst.SECOND // 10
        if metas and metas[i]:
            caps, ns = metas[i]
            buf.add_reference_timestamp_meta(Gst.Caps.from_string(caps), ns,
                                             Gst.CLOCK_TIME_NONE)
        assert src.emit("push-buffer", buf) == Gst.FlowReturn.OK
    src.emit("end-of-stream")
    res = run_to_end(pipeline)
    assert res.eos and not res.errors, res.errors
    return res


def segments(data):
    """The JPEG's markers before the scan as (marker, payload), and the
    entropy-coded bytes of the first scan (up to the next marker that is
    not RSTn or a stuffed 0xFF00)."""
    assert data[:2] == b"\xff\xd8"
    out, i = [], 2
    while True:
        assert data[i] == 0xFF, i
        marker = data[i + 1]
        length = (data[i + 2] << 8) | data[i + 3]
        out.append((marker, data[i + 4:i + 2 + length]))
        i += 2 + length
        if marker == 0xDA:
            break
    j = i
    while True:
        if data[j] == 0xFF and data[j + 1] != 0 and \
                not 0xD0 <= data[j + 1] <= 0xD7:
            break
        j += 1
    return out, data[i:j]


def rgb_of(data):
    """The pixels as Pillow and as OpenCV decode them (RGB), asserting that
    both decode."""
    im = Image.open(io.BytesIO(data))
    im.load()
    pil = np.asarray(im.convert("RGB"))
    cv = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert cv is not None
    return pil, cv[..., ::-1]


# ---- progressive, optimize, restart-interval ----

@pytest.fixture(scope="module")
def frame():
    return photo_frames(1)[0]


@pytest.mark.parametrize("in_format", ["RGB", "I420", "NV12"])
@pytest.mark.parametrize("option", ["progressive=true", "optimize=true",
                                    "restart-interval=7",
                                    "progressive=true optimize=true "
                                    "restart-interval=3"])
def test_option_same_pixels(frame, in_format, option):
    """Each option decodes (Pillow, OpenCV) to the baseline file's pixels
    exactly, on the packed RGB, planar and interleaved YUV paths."""
    base = run([frame], "", in_format).datas[0]
    got = run([frame], option, in_format).datas[0]
    assert got != base
    b_pil, b_cv = rgb_of(base)
    g_pil, g_cv = rgb_of(got)
    assert np.array_equal(g_pil, b_pil)
    assert np.array_equal(g_cv, b_cv)


def test_progressive_sof2(frame):
    base = run([frame], "").datas[0]
    got = run([frame], "progressive=true").datas[0]
    markers = [m for m, _ in segments(base)[0]]
    assert 0xC0 in markers and 0xC2 not in markers
    markers = [m for m, _ in segments(got)[0]]
    assert 0xC2 in markers and 0xC0 not in markers
    # several scans: more than one SOS in the file
    assert got.count(b"\xff\xda") > 1


@pytest.mark.parametrize("interval,subsampling,mcus", [
    (7, "420", (W // 16) * (H // 16)),
    (1, "444", (W // 8) * (H // 8)),
    (13, "422", (W // 16) * (H // 8)),
])
def test_restart_interval_markers(frame, interval, subsampling, mcus):
    """DRI carries the interval; the scan holds a restart marker after
    every `interval` MCUs but the last group, RST0..RST7 in turn."""
    data = run([frame], "restart-interval=%d subsampling=%s" %
               (interval, subsampling)).datas[0]
    segs, scan = segments(data)
    dri = [p for m, p in segs if m == 0xDD]
    assert len(dri) == 1 and int.from_bytes(dri[0], "big") == interval
    rst = [scan[k + 1] for k in range(len(scan) - 1)
           if scan[k] == 0xFF and 0xD0 <= scan[k + 1] <= 0xD7]
    assert len(rst) == -(-mcus // interval) - 1
    assert rst == [0xD0 + k % 8 for k in range(len(rst))]
    base = run([frame], "subsampling=%s" % subsampling).datas[0]
    assert not [m for m, _ in segments(base)[0] if m == 0xDD]


def test_optimize_smaller_same_pixels(frame):
    base = run([frame], "").datas[0]
    got = run([frame], "optimize=true").datas[0]
    assert len(got) < len(base)
    assert np.array_equal(rgb_of(got)[0], rgb_of(base)[0])


# ---- exif ----

def exif_time(data):
    """(datetime in UTC, the SubSecTimeOriginal text) Pillow reads."""
    im = Image.open(io.BytesIO(data))
    ifd = im.getexif().get_ifd(EXIF_IFD)
    assert ifd[OFFSET_TIME_ORIGINAL] == "+00:00"
    sub = ifd[SUBSEC_TIME_ORIGINAL]
    assert len(sub) == 3 and sub.isdigit()
    when = datetime.datetime.strptime(ifd[DATE_TIME_ORIGINAL],
                                      "%Y:%m:%d %H:%M:%S")
    when = when.replace(tzinfo=datetime.timezone.utc,
                        microsecond=int(sub) * 1000)
    return when


WHEN = datetime.datetime(2026, 12, 1, 14, 52, 8, 123000,
                         tzinfo=datetime.timezone.utc)
# 456789 ns past the milliseconds: truncated, not rounded
WHEN_NS = int(WHEN.timestamp()) * Gst.SECOND + 123456789


@pytest.mark.parametrize("fmt", ["jpeg", "png"])
@pytest.mark.parametrize("kind", ["x-unix", "x-ntp"])
def test_exif_from_reference_timestamp(frame, fmt, kind):
    ns = WHEN_NS + (NTP_TO_UNIX * Gst.SECOND if kind == "x-ntp" else 0)
    res = run([frame], "exif=true format=%s" % fmt,
              metas=[("timestamp/" + kind, ns)])
    data = res.datas[0]
    assert Image.open(io.BytesIO(data)).format == fmt.upper()
    assert exif_time(data) == WHEN
    rgb_of(data)


@pytest.mark.parametrize("fmt", ["jpeg", "png"])
def test_exif_system_clock(frame, fmt):
    before = datetime.datetime.now(datetime.timezone.utc)
    res = run([frame, frame], "exif=true format=%s" % fmt)
    after = datetime.datetime.now(datetime.timezone.utc)
    for data in res.datas:
        when = exif_time(data)
        # milliseconds truncated
        assert before - datetime.timedelta(milliseconds=1) <= when <= after


@pytest.mark.parametrize("fmt", ["jpeg", "png"])
def test_no_exif_by_default(frame, fmt):
    data = run([frame], "format=%s" % fmt,
               metas=[("timestamp/x-unix", WHEN_NS)]).datas[0]
    assert len(Image.open(io.BytesIO(data)).getexif()) == 0
    if fmt == "jpeg":
        assert b"Exif\0\0" not in data
    else:
        assert b"eXIf" not in data


def test_exif_time_out_of_range(frame):
    """A reference time Exif cannot hold (past 2262, a 64-bit ns clock's
    end): the image goes out without Exif, one warning for the stream."""
    res = run([frame] * 3, "exif=true threads=1",
              metas=[("timestamp/x-unix", 2 ** 63 + 5)] * 3)
    assert len(res.datas) == 3
    for data in res.datas:
        assert b"Exif\0\0" not in data
        rgb_of(data)
    assert len(res.warnings) == 1 and "Exif" in res.warnings[0]


def test_exif_same_pixels(frame):
    """The Exif marker changes no pixel (and the JPEG stays a JFIF: APP0
    first, APP1 right after)."""
    base = run([frame], "").datas[0]
    got = run([frame], "exif=true").datas[0]
    assert [m for m, _ in segments(got)[0]][:2] == [0xE0, 0xE1]
    assert np.array_equal(rgb_of(got)[0], rgb_of(base)[0])


# ---- max-bytes ----

def unwrap(data, encoding):
    """The image file inside an output buffer of `encoding`."""
    if encoding == "binary":
        return data
    if encoding == "base64":
        return base64.b64decode(data, validate=True)
    if encoding == "data-uri":
        prefix = b"data:image/jpeg;base64,"
        assert data.startswith(prefix)
        return base64.b64decode(data[len(prefix):], validate=True)
    assert data.endswith(b"\n") and data.count(b"\n") == 1
    ev = json.loads(data)
    return base64.b64decode(ev["image"]["data"], validate=True)


@pytest.fixture(scope="module")
def photos():
    return photo_frames(12)


@pytest.mark.parametrize("encoding", ["binary", "base64", "data-uri",
                                      "json"])
def test_max_bytes_fits_and_is_close(photos, encoding):
    """A third of the q85 size: every buffer within it, text included; the
    quality used is in the meta and below 85; the same frame encoded at
    that quality + 6 without a budget is over it."""
    q85 = run(photos[:1], "encoding=%s" % encoding).datas[0]
    budget = len(q85) // 3
    res = run(photos, "encoding=%s max-bytes=%d" % (encoding, budget))
    assert len(res.buffers) == len(photos)
    assert not res.warnings
    qualities = []
    for data, caps, pts, dur, meta in res.buffers:
        assert len(data) <= budget
        q = meta["quality"]
        assert 1 <= q < 85
        qualities.append(q)
        pil, cv = rgb_of(unwrap(data, encoding))
        assert pil.shape == (H, W, 3)
    for i, q in enumerate(qualities):
        above = run(photos[i:i + 1], "encoding=%s quality=%d" %
                    (encoding, q + 6))
        assert above.buffers[0][4]["quality"] == q + 6
        assert len(above.datas[0]) > budget, (i, q)


@pytest.mark.parametrize("encoding", ["binary", "base64", "data-uri",
                                      "json"])
def test_max_bytes_to_the_byte(frame, encoding):
    """A budget of exactly the output's size at `quality` keeps that
    output byte for byte; one byte less takes a lower quality (so the
    text around the file is counted exactly, not with slack)."""
    plain = run([frame], "encoding=%s quality=60" % encoding)
    size = len(plain.datas[0])
    exact = run([frame], "encoding=%s quality=60 max-bytes=%d" %
                (encoding, size))
    assert exact.datas == plain.datas
    assert exact.buffers[0][4]["quality"] == 60
    less = run([frame], "encoding=%s quality=60 max-bytes=%d" %
               (encoding, size - 1))
    assert len(less.datas) == 1 and not less.warnings
    assert len(less.datas[0]) <= size - 1
    assert less.buffers[0][4]["quality"] < 60
    rgb_of(unwrap(less.datas[0], encoding))


def test_max_bytes_quality_in_meta_without_budget(frame):
    res = run([frame], "quality=67")
    assert res.buffers[0][4]["quality"] == 67
    res = run([frame], "format=png")
    assert "quality" not in res.buffers[0][4]


def test_max_bytes_large_enough_changes_nothing(frame):
    base = run([frame], "").datas[0]
    res = run([frame], "max-bytes=%d" % (len(base) + 100))
    assert res.datas[0] == base and res.buffers[0][4]["quality"] == 85


def over_budget_warnings(res):
    return [w for w in res.warnings
            if w.startswith("An image does not fit max-bytes")]


@pytest.mark.parametrize("props", ["", "encoding=json", "format=png",
                                   "progressive=true exif=true"])
def test_max_bytes_nothing_fits(photos, props):
    """Nothing fits: no buffer, exactly one warning for the run, and the
    stream goes on to EOS."""
    res = run(photos[:6], "max-bytes=1000 " + props)
    assert res.buffers == []
    assert len(over_budget_warnings(res)) == 1, res.warnings
    assert len(res.warnings) == 1


@pytest.mark.parametrize("props,budget", [
    # a JPEG of white noise is 3.9 kB at quality 1 (5.2 kB as base64), of a
    # flat frame 1.8 kB at any quality (2.4 kB as base64); a flat PNG 1.5 kB
    ("", 2500), ("format=png", 3000), ("encoding=base64", 3000)])
def test_max_bytes_one_warning_per_run(props, budget):
    """Runs of images that do not fit, with images that do in between: the
    fitting ones come out, one warning per run of the others."""
    rng = np.random.default_rng(3)
    noise = [rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
             for _ in range(5)]
    small = flat_frame()
    frames = [noise[0], noise[1], noise[2], small, small, noise[3],
              noise[4], small]
    res = run(frames, "threads=1 max-bytes=%d %s" % (budget, props))
    assert len(res.buffers) == 3
    assert [p for _, _, p, _, _ in res.buffers] == \
        [3 * Gst.SECOND // 10, 4 * Gst.SECOND // 10, 7 * Gst.SECOND // 10]
    encoding = "base64" if "base64" in props else "binary"
    for data in res.datas:
        assert len(data) <= budget
        pil = rgb_of(unwrap(data, encoding))[0]
        assert np.abs(pil.astype(int) - 128).max() <= 2
    assert len(over_budget_warnings(res)) == 2, res.warnings
    assert len(res.warnings) == 2


def test_max_bytes_threads(photos):
    """Every encoding thread keeps its own search: still every buffer
    within the budget, in order."""
    q85 = run(photos[:1], "").datas[0]
    budget = len(q85) // 3
    res = run(photos * 2, "threads=3 max-bytes=%d" % budget)
    assert len(res.buffers) == 2 * len(photos)
    assert all(len(d) <= budget for d in res.datas)
    assert [p for _, _, p, _, _ in res.buffers] == \
        [i * Gst.SECOND // 10 for i in range(2 * len(photos))]
