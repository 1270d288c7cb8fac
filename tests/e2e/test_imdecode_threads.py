# End-to-end tests of imdecode's decoder threads (the `threads` property):
# 200 JPEGs and PNGs of changing sizes with a corrupt one among them, in
# real pipelines, every frame compared with what Pillow decodes from the
# same bytes; order, timestamps, DISCONT, warnings and strict errors with
# images in flight must be those of threads=1.
# SPDX-License-Identifier: LGPL-2.1-or-later

import faulthandler
import io
import os
import sys

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
from imtest import Gst, frame_planes, make_image, push_chunks  # noqa: E402

DISCONT = Gst.BufferFlags.DISCONT
N_IMAGES = 200
CORRUPT = 77
KINDS = ["jpeg-420", "png-rgb", "jpeg-444", "png-gray", "jpeg-progressive"]


@pytest.fixture(autouse=True)
def watchdog():
    """A deadlocked pool kills the run with the Python stacks instead of
    blocking until meson's timeout."""
    faulthandler.dump_traceback_later(240, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def _encode(img, kind):
    im = Image.fromarray(img)
    out = io.BytesIO()
    if kind == "jpeg-420":
        im.save(out, format="JPEG", quality=90, subsampling=2)
    elif kind == "jpeg-444":
        im.save(out, format="JPEG", quality=90, subsampling=0)
    elif kind == "jpeg-progressive":
        im.save(out, format="JPEG", quality=85, progressive=True)
    elif kind == "png-rgb":
        im.save(out, format="PNG")
    elif kind == "png-gray":
        im.convert("L").save(out, format="PNG")
    return out.getvalue()


def _images(n=N_IMAGES, corrupt=CORRUPT):
    """n images, each different (the pattern shifted by its index), the
    size changing every 4 images and the format with every image; image
    `corrupt` (a JPEG) cut after 60% of its bytes, its header intact, so
    that it fails in a decoder thread, not in the streaming thread."""
    images = []
    for i in range(n):
        block = i // 4
        w = 24 + (block * 37) % 180
        h = 16 + (block * 53) % 120
        img = np.roll(make_image(w, h), i, axis=1)
        kind = "jpeg-420" if i == corrupt else KINDS[i % len(KINDS)]
        data = _encode(img, kind)
        if i == corrupt:
            data = data[:len(data) * 6 // 10]
        images.append(data)
    return images


def _pillow_rgb(data):
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def _decode_all(images, threads, props=""):
    return push_chunks("imdecode threads=%d %s ! video/x-raw,format=RGB" %
                       (threads, props), images, caps="image/jpeg",
                       timeout_s=120)


@pytest.fixture(scope="module")
def images():
    return _images()


@pytest.fixture(scope="module")
def one_thread(images):
    return _decode_all(images, 1)


@pytest.mark.parametrize("threads", [1, 0, 2, 4])
def test_order_timestamps_and_pixels(images, one_thread, threads):
    res = one_thread if threads == 1 else _decode_all(images, threads)
    assert not res.errors, res.errors
    assert res.eos
    # one warning, for the corrupt image
    assert len(res.warnings) == 1, res.warnings
    assert "Corrupt" in res.warnings[0], res.warnings
    kept = [i for i in range(N_IMAGES) if i != CORRUPT]
    assert len(res.buffers) == len(kept)
    for n, i in enumerate(kept):
        data, caps, pts, duration, _ = res.buffers[n]
        assert pts == Gst.SECOND + i * Gst.MSECOND, (n, i, pts)
        assert res.dts[n] == i * Gst.MSECOND
        assert duration == Gst.MSECOND
        # DISCONT: the first frame (appsrc's first buffer) and the one after
        # the corrupt image, no other
        if i == CORRUPT + 1:
            assert res.flags[n] & DISCONT, i
        elif n > 0:
            assert not res.flags[n] & DISCONT, i
        (got,) = frame_planes(data, caps)
        want = _pillow_rgb(images[i])
        assert got.shape == want.shape, (i, got.shape, want.shape)
        diff = np.abs(got.astype(int) - want.astype(int))
        if images[i][:4] == b"\x89PNG":
            assert diff.max() == 0, (i, diff.max())
        else:
            # libjpeg-turbo in both, but not necessarily the same build
            assert diff.max() <= 2, (i, diff.max())
    if threads != 1:
        # the very same pixels, caps and flags as decoding in one thread
        # (not bytes: rows are padded to 4 bytes with whatever was there)
        for n, (a, b) in enumerate(zip(res.buffers, one_thread.buffers)):
            assert a[1] == b[1], (n, a[1], b[1])
            assert np.array_equal(frame_planes(a[0], a[1])[0],
                                  frame_planes(b[0], b[1])[0]), n
        assert res.flags == one_thread.flags


@pytest.mark.parametrize("threads", [1, 2, 4])
def test_strict_error_with_images_in_flight(threads):
    """strict=true: the corrupt image is an error; the frames of the images
    before it all come out, in order, and none after it."""
    corrupt = 30
    images = _images(60, corrupt)
    res = _decode_all(images, threads, "strict=true")
    assert res.errors, "no error"
    assert "Corrupt" in res.errors[0], res.errors
    assert [b[2] for b in res.buffers] == \
        [Gst.SECOND + i * Gst.MSECOND for i in range(corrupt)]
