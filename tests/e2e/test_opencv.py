# OpenCV's GStreamer backend (cv2.VideoCapture / cv2.VideoWriter with
# cv2.CAP_GSTREAMER) driving pipelines with imencode and imdecode, as
# applications that already use OpenCV do; what comes out is checked with
# Pillow and numpy, not with our own decoder.
# SPDX-License-Identifier: LGPL-2.1-or-later

import glob
import io
import os
import sys

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
import imtest  # noqa: E402,F401  (Gst.init, the plugin path from the env)

cv2 = pytest.importorskip("cv2")

if "GStreamer:                   YES" not in cv2.getBuildInformation():
    pytest.skip("this OpenCV is built without GStreamer", allow_module_level=True)


def psnr(a, b):
    return 10 * np.log10(255.0 * 255.0 / ((a - b) ** 2).mean())


def read_all(cap):
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    return frames


def test_capture_png_round_trip_through_imdecode_is_exact():
    # solid ARGB 0xff3366cc: R 0x33, G 0x66, B 0xcc; PNG is lossless and
    # RGB needs no colour conversion, so OpenCV's BGR frames are exact
    cap = cv2.VideoCapture(
        "videotestsrc num-buffers=4 pattern=solid-color "
        "foreground-color=0xff3366cc ! video/x-raw,format=RGB,width=96,"
        "height=64 ! imencode format=png ! imdecode ! videoconvert ! "
        "video/x-raw,format=BGR ! appsink", cv2.CAP_GSTREAMER)
    assert cap.isOpened()
    frames = read_all(cap)
    assert len(frames) == 4
    for f in frames:
        assert f.shape == (64, 96, 3)
        assert (f == np.array([0xcc, 0x66, 0x33], np.uint8)).all()


def test_capture_gets_jpeg_bytes_from_appsink():
    # OpenCV hands image/jpeg buffers over as one row of bytes
    cap = cv2.VideoCapture(
        "videotestsrc num-buffers=3 pattern=solid-color "
        "foreground-color=0xff20c040 ! video/x-raw,format=I420,width=160,"
        "height=120 ! imencode quality=95 width=80 ! appsink",
        cv2.CAP_GSTREAMER)
    assert cap.isOpened()
    frames = read_all(cap)
    assert len(frames) == 3
    for f in frames:
        data = f.reshape(-1).tobytes()
        assert data[:3] == b"\xff\xd8\xff"
        img = Image.open(io.BytesIO(data))
        assert img.format == "JPEG" and img.size == (80, 60)
        mean = np.asarray(img.convert("RGB"), np.float64).mean(axis=(0, 1))
        assert np.abs(mean - [0x20, 0xc0, 0x40]).max() < 4


@pytest.mark.parametrize("chain,ext", [
    ("videoconvert ! imencode quality=92", "jpg"),
    ("imencode format=png", "png"),
])
def test_writer_frames_become_image_files(tmp_path, chain, ext):
    # OpenCV's writer pushes BGR frames into appsrc
    pattern = str(tmp_path / ("out-%02d." + ext))
    writer = cv2.VideoWriter(
        "appsrc ! " + chain + " ! multifilesink location=" + pattern,
        cv2.CAP_GSTREAMER, 0, 10.0, (128, 96), True)
    assert writer.isOpened()
    rng = np.random.default_rng(7)
    sent = []
    for i in range(4):
        # smooth content, a different colour per frame
        y, x = np.mgrid[0:96, 0:128]
        bgr = np.stack([(x * 2 + i * 30) % 256, (y * 2) % 256,
                        np.full_like(x, 40 * i)], axis=-1).astype(np.uint8)
        bgr = np.clip(bgr + rng.integers(-2, 3, bgr.shape), 0, 255)
        bgr = bgr.astype(np.uint8)
        sent.append(bgr)
        writer.write(bgr)
    writer.release()
    files = sorted(glob.glob(str(tmp_path / ("out-*." + ext))))
    assert len(files) == 4
    for path, bgr in zip(files, sent):
        got = np.asarray(Image.open(path).convert("RGB"), np.int32)
        want = bgr[:, :, ::-1].astype(np.int32)
        assert got.shape == want.shape
        if ext == "png":
            assert (got == want).all()
        else:
            # as faithful as OpenCV's own JPEG at the same quality
            ok, ref = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 92])
            assert ok
            ref = np.asarray(Image.open(io.BytesIO(ref.tobytes()))
                             .convert("RGB"), np.int32)
            assert psnr(got, want) > psnr(ref, want) - 0.5
