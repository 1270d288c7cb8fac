# End-to-end tests of one large JPEG shared with idle threads: a frame
# pushed alone (its JPEG pulled before the next push, as an on-demand
# snapshot meets idle threads) is encoded in slices on threads=2 and
# joined. Checked with decoders nobody here wrote: Pillow and OpenCV decode
# it to exactly the pixels of threads=1's file; its markers, read as ITU-T
# T.81 lays them out, show the slices (DRI, RSTn in order); its size is
# within 0.5 % of threads=1's. Annotations drawn in the encoder's rows land
# where threads=1 draws them; Exif survives; whole-image options and small
# images are not split.
# SPDX-License-Identifier: LGPL-2.1-or-later

import io
import os
import sys

import cv2
import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
from imtest import Gst, make_image, rgb_frame_bytes  # noqa: E402
from test_regions import add_roi  # noqa: E402

W, H = 1280, 720


def photo(seed, w=W, h=H):
    """The test image with grain: detail in every slice."""
    rng = np.random.default_rng(seed)
    base = make_image(w, h).astype(np.float64)
    return (base + rng.normal(0, 10, base.shape)).clip(0, 255) \
        .astype(np.uint8)


def snapshots(frames, threads, props="", in_caps="format=I420",
              rois=None):
    """Pushes RGB frames one at a time through appsrc ! videoconvert !
    video/x-raw,<in_caps> ! imencode threads=<threads> <props> ! appsink,
    pulling each output before the next push; returns the files."""
    h, w, _ = frames[0].shape
    pipeline = Gst.parse_launch(
        "appsrc name=src format=time caps=video/x-raw,format=RGB,width=%d,"
        "height=%d,framerate=0/1 ! videoconvert ! video/x-raw,%s ! "
        "imencode threads=%d %s ! appsink name=sink sync=false"
        % (w, h, in_caps, threads, props))
    src = pipeline.get_by_name("src")
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    out = []
    try:
        for i, f in enumerate(frames):
            buf = Gst.Buffer.new_wrapped(rgb_frame_bytes(f))
            buf.pts = i * Gst.SECOND
            for r in (rois or []):
                add_roi(buf, r)
            assert src.emit("push-buffer", buf) == Gst.FlowReturn.OK
            sample = sink.try_pull_sample(20 * Gst.SECOND)
            assert sample is not None, "no JPEG for frame %d" % i
            b = sample.get_buffer()
            ok, m = b.map(Gst.MapFlags.READ)
            out.append(bytes(m.data))
            b.unmap(m)
    finally:
        pipeline.set_state(Gst.State.NULL)
    return out


def restarts(data):
    """(DRI interval or None, RSTn markers) of a JPEG, walking its markers;
    asserts the RSTn numbers run 0..7 in order within each scan."""
    assert data[:2] == b"\xff\xd8"
    i, dri, rst = 2, None, 0
    while i + 4 <= len(data):
        assert data[i] == 0xFF, i
        marker = data[i + 1]
        if marker == 0xD9:
            break
        seg = data[i + 2] << 8 | data[i + 3]
        if marker == 0xDD:
            dri = data[i + 4] << 8 | data[i + 5]
        i += 2 + seg
        if marker != 0xDA:
            continue
        n = 0
        while i + 1 < len(data):
            if data[i] == 0xFF and data[i + 1] != 0:
                if not 0xD0 <= data[i + 1] <= 0xD7:
                    break
                assert data[i + 1] == 0xD0 + n % 8
                n += 1
                i += 1
            i += 1
        rst += n
    return dri, rst


def pillow(data):
    im = Image.open(io.BytesIO(data))
    im.load()
    return np.asarray(im)


def opencv(data):
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert img is not None
    return img


def assert_same_image(one, sliced):
    assert np.array_equal(pillow(one), pillow(sliced))
    assert np.array_equal(opencv(one), opencv(sliced))


def assert_sliced(data, max_markers):
    dri, rst = restarts(data)
    assert dri is not None and dri > 0
    assert 1 <= rst <= max_markers


FORMATS = [
    "format=I420,colorimetry=bt709",
    "format=I420,colorimetry=bt601",
    "format=NV12,colorimetry=bt709",
    "format=YUY2,colorimetry=bt709",
    "format=Y444,colorimetry=bt709",
    "format=RGB",
    "format=BGRx",
    "format=GRAY8",
]


@pytest.mark.parametrize("in_caps", FORMATS)
def test_alone_in_slices_same_pixels(in_caps):
    frames = [photo(s) for s in range(3)]
    one = snapshots(frames, 1, in_caps=in_caps)
    two = snapshots(frames, 2, in_caps=in_caps)
    for a, b in zip(one, two):
        assert restarts(a) == (None, 0)
        # 45 MCU rows (4:2:0) or 90 (gray), 8 slices at most for 2 threads
        assert_sliced(b, 7)
        assert_same_image(a, b)
        assert len(b) <= len(a) * 1.005


def test_alone_in_slices_subsamplings():
    frames = [photo(5)]
    for sub in ("444", "422", "gray"):
        props = "subsampling=%s quality=97" % sub
        a, = snapshots(frames, 1, props)
        b, = snapshots(frames, 2, props)
        assert_sliced(b, 15)
        assert_same_image(a, b)


def test_four_threads():
    frames = [photo(s) for s in range(2)]
    one = snapshots(frames, 1)
    four = snapshots(frames, 4)
    for a, b in zip(one, four):
        # up to 16 slices: 4 a thread
        assert_sliced(b, 15)
        assert_same_image(a, b)


def test_annotated_in_slices():
    """Outlines drawn in the encoder's rows (I420: planar strip; NV12:
    interleaved strip; RGB: a copy of the frame) land in every slice where
    threads=1 draws them: boxes crossing slice boundaries included."""
    frames = [photo(9)]
    rois = [{"type": "a", "box": (100, 50, 400, 600)},
            {"type": "b", "box": (700, 300, 500, 100)},
            {"type": "c", "box": (20, 170, 1200, 20)}]
    for caps in ("format=I420,colorimetry=bt709",
                 "format=NV12,colorimetry=bt709", "format=RGB"):
        props = "annotate=boxes annotate-thickness=3"
        a, = snapshots(frames, 1, props, caps, rois)
        b, = snapshots(frames, 2, props, caps, rois)
        plain, = snapshots(frames, 1, "", caps, rois)
        assert_sliced(b, 7)
        assert_same_image(a, b)
        # the boxes are drawn at all
        assert not np.array_equal(pillow(a), pillow(plain))


def test_region_image_in_slices():
    """One large region of a frame: its image is sliced like a frame."""
    frames = [photo(11)]
    rois = [{"type": "person", "box": (100, 40, 1100, 660), "id": 1}]
    props = "roi-type=person"
    a, = snapshots(frames, 1, props, rois=rois)
    b, = snapshots(frames, 2, props, rois=rois)
    assert_sliced(b, 7)
    assert_same_image(a, b)
    assert pillow(b).shape[:2] == (660, 1100)


def test_exif_in_slices():
    a, = snapshots([photo(2)], 1, "exif=true")
    b, = snapshots([photo(2)], 2, "exif=true")
    assert_sliced(b, 7)
    assert_same_image(a, b)
    assert b.count(b"Exif\x00\x00") == 1
    exif = Image.open(io.BytesIO(b)).getexif().get_ifd(0x8769)
    assert exif.get(36867)      # DateTimeOriginal


@pytest.mark.parametrize("props", ["optimize=true", "progressive=true",
                                   "max-bytes=500000"])
def test_whole_image_options_not_sliced(props):
    """Options computed over the whole image (Huffman tables, scans, a byte
    budget) keep it whole: no restart markers."""
    a, = snapshots([photo(3)], 1, props)
    b, = snapshots([photo(3)], 2, props)
    assert restarts(b) == (None, 0)
    assert_same_image(a, b)


def test_small_image_not_sliced():
    """Below half a megapixel slicing costs more than it saves."""
    frames = [photo(4, 640, 480)]
    b, = snapshots(frames, 2)
    assert restarts(b) == (None, 0)


def test_restart_interval_kept():
    """A restart interval asked for is the file's, sliced or not: the
    same bytes as threads=1."""
    a, = snapshots([photo(6)], 1, "restart-interval=16")
    b, = snapshots([photo(6)], 2, "restart-interval=16")
    assert restarts(b) == (16, 80 * 45 // 16 - 1)
    assert a == b


def test_burst_in_order_same_pixels():
    """A burst of frames (some meet idle threads, some do not): every
    image comes out, in order, with threads=1's pixels."""
    frames = [photo(20 + s) for s in range(12)]
    pipeline = Gst.parse_launch(
        "appsrc name=src format=time caps=video/x-raw,format=RGB,width=%d,"
        "height=%d,framerate=30/1 ! videoconvert ! video/x-raw,format=I420 ! "
        "imencode threads=2 ! appsink name=sink sync=false" % (W, H))
    src = pipeline.get_by_name("src")
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    for i, f in enumerate(frames):
        buf = Gst.Buffer.new_wrapped(rgb_frame_bytes(f))
        buf.pts = i * Gst.SECOND // 30
        assert src.emit("push-buffer", buf) == Gst.FlowReturn.OK
    src.emit("end-of-stream")
    got = []
    while True:
        sample = sink.try_pull_sample(20 * Gst.SECOND)
        if sample is None:
            break
        b = sample.get_buffer()
        ok, m = b.map(Gst.MapFlags.READ)
        got.append((b.pts, bytes(m.data)))
        b.unmap(m)
    pipeline.set_state(Gst.State.NULL)
    assert [p for p, _ in got] == [i * Gst.SECOND // 30
                                   for i in range(len(frames))]
    one = snapshots(frames, 1, in_caps="format=I420")
    for a, (_, b) in zip(one, got):
        assert_same_image(a, b)
