# gst-imencode end-to-end test helpers: run real pipelines from Python and
# look at what comes out with decoders we did not write (Pillow, OpenCV,
# Python's base64).
# SPDX-License-Identifier: LGPL-2.1-or-later

import io
import math
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstApp", "1.0")
gi.require_version("GstVideo", "1.0")
from gi.repository import Gst, GstApp, GstVideo  # noqa: E402

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

Gst.init(None)

# Every raw format SPEC lists for imencode's sink.
ALL_FORMATS = [
    "I420", "YV12", "NV12", "NV21", "Y42B", "Y444", "YUY2", "UYVY", "GRAY8",
    "RGB", "BGR", "RGBA", "BGRA", "ARGB", "ABGR", "RGBx", "BGRx", "xRGB",
    "xBGR",
]
RGB_FORMATS = ["RGB", "BGR", "RGBA", "BGRA", "ARGB", "ABGR", "RGBx", "BGRx",
               "xRGB", "xBGR"]
ALPHA_FORMATS = ["RGBA", "BGRA", "ARGB", "ABGR"]


def make_image(width, height):
    """An RGB uint8 image with no symmetry: gradients that run different
    ways per channel, a grid of thin dark lines and a coloured block near
    the top-left corner, so that flips, channel swaps and off-by-one crops
    all change it."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    fx = x / max(width - 1, 1)
    fy = y / max(height - 1, 1)
    f = np.empty((height, width, 3), np.float64)
    f[..., 0] = 40 + 190 * fx
    f[..., 1] = 30 + 200 * fy
    f[..., 2] = 200 - 150 * (fx * 0.3 + fy * 0.7)
    # thin lines every 7 pixels make a one-pixel shift visible
    f[:, ::7] -= 24
    f[::7, :] -= 24
    img = np.round(f).clip(0, 255).astype(np.uint8)
    if width >= 16 and height >= 16:
        # (a 1-pixel block would not survive 4:2:0 input; skip it there)
        bw, bh = width // 5, height // 6
        x0, y0 = width // 10, height // 12
        img[y0:y0 + bh, x0:x0 + bw] = (220, 60, 40)
    return img


def psnr(a, b):
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    mse = np.mean((a - b) ** 2)
    if mse == 0:
        return math.inf
    return 10 * math.log10(255.0 ** 2 / mse)


def rgb_frame_bytes(img):
    """Packs an RGB image as GStreamer lays out RGB: rows padded to 4."""
    h, w, _ = img.shape
    stride = (w * 3 + 3) & ~3
    out = np.zeros((h, stride), np.uint8)
    out[:, :w * 3] = img.reshape(h, w * 3)
    return out.tobytes()


class Result:
    def __init__(self):
        self.buffers = []    # (bytes, caps string, pts, duration, meta dict)
        self.caps = []
        self.warnings = []
        self.errors = []
        self.flags = []      # GstBufferFlags of each buffer, in order
        self.dts = []        # DTS of each buffer, in order

    @property
    def datas(self):
        return [b[0] for b in self.buffers]


def plain(structure):
    """The Gst.Structure itself: GStreamer 1.26's Python overrides hand out
    caps and meta structures wrapped in a context manager
    (StructureWrapper), 1.22's hand out the structure."""
    if hasattr(structure, "get_value"):
        return structure
    # a copy: the wrapped structure dies with its caps, often a temporary
    return structure.__enter__().copy()


def buffer_meta(buf):
    meta = buf.get_custom_meta("ImencodeMeta")
    if meta is None:
        return None
    s = plain(meta.get_structure())
    out = {}
    for i in range(s.n_fields()):
        name = s.nth_field_name(i)
        out[name] = s.get_value(name)
    return out


def _collect_bus(bus, result):
    while True:
        msg = bus.pop_filtered(Gst.MessageType.ERROR | Gst.MessageType.WARNING)
        if msg is None:
            return
        if msg.type == Gst.MessageType.ERROR:
            err, dbg = msg.parse_error()
            result.errors.append("%s (%s)" % (err.message, dbg))
        else:
            err, dbg = msg.parse_warning()
            result.warnings.append("%s (%s)" % (err.message, dbg))


def _pull_all(sink, result, timeout_s=30):
    while True:
        sample = sink.try_pull_sample(timeout_s * Gst.SECOND)
        if sample is None:
            return
        _store_sample(sample, result)


def run_pipeline(desc, timeout_s=60):
    """Runs a pipeline that ends in `appsink name=sink` until EOS."""
    pipeline = Gst.parse_launch(desc)
    sink = pipeline.get_by_name("sink")
    sink.set_property("sync", False)
    result = Result()
    pipeline.set_state(Gst.State.PLAYING)
    _pull_all(sink, result, timeout_s)
    _collect_bus(pipeline.get_bus(), result)
    pipeline.set_state(Gst.State.NULL)
    return result


def encode_frames(frames, in_format, props="", caps_after="", fps="0/1",
                  colorimetry=None):
    """Pushes RGB numpy frames through appsrc ! videoconvert ! <format> !
    imencode <props> [! caps_after] ! appsink and returns a Result."""
    h, w, _ = frames[0].shape
    raw = "video/x-raw,format=%s" % in_format
    if colorimetry:
        raw += ",colorimetry=%s" % colorimetry
    desc = ("appsrc name=src format=time caps=video/x-raw,format=RGB,"
            "width=%d,height=%d,framerate=%s ! videoconvert ! %s ! "
            "imencode name=enc %s %s ! appsink name=sink" %
            (w, h, fps, raw, props, ("! " + caps_after) if caps_after else ""))
    pipeline = Gst.parse_launch(desc)
    src = pipeline.get_by_name("src")
    sink = pipeline.get_by_name("sink")
    sink.set_property("sync", False)
    result = Result()
    pipeline.set_state(Gst.State.PLAYING)
    for i, f in enumerate(frames):
        buf = Gst.Buffer.new_wrapped(rgb_frame_bytes(f))
        buf.pts = i * Gst.SECOND // 10
        buf.duration = Gst.SECOND // 10
        assert src.emit("push-buffer", buf) == Gst.FlowReturn.OK
    src.emit("end-of-stream")
    _pull_all(sink, result)
    _collect_bus(pipeline.get_bus(), result)
    pipeline.set_state(Gst.State.NULL)
    return result


def drive_frames(frames, props="", between=None, fps="0/1"):
    """Feeds RGB frames straight into imencode's sink pad from this thread,
    so that `between(i, imencode)`, called before frame i, runs exactly
    between two frames. Returns (Result, list of per-frame output counts).
    Each frame's output is expected before chain() returns, so imencode
    encodes in this thread (threads=1) unless @props set threads;
    test_threads.py covers the worker pool."""
    h, w, _ = frames[0].shape
    if "threads=" not in props:
        props += " threads=1"
    pipeline = Gst.parse_launch("imencode name=enc %s ! appsink name=sink "
                                "sync=false" % props)
    enc = pipeline.get_by_name("enc")
    sink = pipeline.get_by_name("sink")
    pad = enc.get_static_pad("sink")
    result = Result()
    counts = []
    pipeline.set_state(Gst.State.PLAYING)
    pad.send_event(Gst.Event.new_stream_start("imtest"))
    pad.send_event(Gst.Event.new_caps(Gst.Caps.from_string(
        "video/x-raw,format=RGB,width=%d,height=%d,framerate=%s" %
        (w, h, fps))))
    seg = Gst.Segment()
    seg.init(Gst.Format.TIME)
    pad.send_event(Gst.Event.new_segment(seg))
    for i, f in enumerate(frames):
        if between:
            between(i, enc)
        buf = Gst.Buffer.new_wrapped(rgb_frame_bytes(f))
        buf.pts = i * Gst.SECOND // 10
        buf.duration = Gst.SECOND // 10
        ret = pad.chain(buf)
        assert ret == Gst.FlowReturn.OK, ret
        n = 0
        while True:
            sample = sink.try_pull_sample(0)
            if sample is None:
                break
            _store_sample(sample, result)
            n += 1
        counts.append(n)
    pad.send_event(Gst.Event.new_eos())
    _collect_bus(pipeline.get_bus(), result)
    pipeline.set_state(Gst.State.NULL)
    return result, counts


def _store_sample(sample, result):
    buf = sample.get_buffer()
    ok, info = buf.map(Gst.MapFlags.READ)
    assert ok
    data = bytes(info.data)
    buf.unmap(info)
    caps = sample.get_caps().to_string()
    if not result.caps or result.caps[-1] != caps:
        result.caps.append(caps)
    result.buffers.append((data, caps, buf.pts, buf.duration,
                           buffer_meta(buf)))
    result.flags.append(buf.get_flags())
    result.dts.append(buf.dts)


def decode(data):
    """Decodes a JPEG or PNG with Pillow: (mode, numpy array)."""
    im = Image.open(io.BytesIO(data))
    im.load()
    return im.format, im


def jpeg_sampling(data):
    """Component count and (h, v) sampling factors from a JPEG's SOF."""
    i = 2
    while i + 4 <= len(data):
        assert data[i] == 0xFF, "not a marker at %d" % i
        marker = data[i + 1]
        length = (data[i + 2] << 8) | data[i + 3]
        if marker in (0xC0, 0xC1, 0xC2):
            n = data[i + 9]
            comps = []
            for c in range(n):
                hv = data[i + 11 + c * 3]
                comps.append((hv >> 4, hv & 15))
            return marker, comps
        i += 2 + length
    raise AssertionError("no SOF marker")


def run_to_end(pipeline, timeout_s=60):
    """Plays a pipeline that ends in `appsink name=sink` until EOS or an
    ERROR message, pulling samples meanwhile (appsink holds EOS back until
    its queue is empty) and collecting every WARNING and ERROR. An error
    stops the stream without EOS, so pulling alone would wait for the
    timeout. Returns a Result with `result.eos` telling whether EOS came."""
    sink = pipeline.get_by_name("sink")
    sink.set_property("sync", False)
    result = Result()
    result.eos = False
    bus = pipeline.get_bus()
    if pipeline.get_state(0)[1] != Gst.State.PLAYING:
        pipeline.set_state(Gst.State.PLAYING)
    types = Gst.MessageType.EOS | Gst.MessageType.ERROR | \
        Gst.MessageType.WARNING
    deadline = time.monotonic() + timeout_s
    failed = False
    while not failed:
        sample = sink.try_pull_sample(20 * Gst.MSECOND)
        if sample is not None:
            _store_sample(sample, result)
        while True:
            msg = bus.pop_filtered(types)
            if msg is None:
                break
            if msg.type == Gst.MessageType.WARNING:
                err, dbg = msg.parse_warning()
                result.warnings.append("%s (%s)" % (err.message, dbg))
            elif msg.type == Gst.MessageType.ERROR:
                err, dbg = msg.parse_error()
                result.errors.append("%s (%s)" % (err.message, dbg))
                failed = True
            else:
                result.eos = True
        if sample is None and (result.eos or sink.is_eos()):
            break
        if time.monotonic() > deadline:
            result.errors.append("timed out after %d s" % timeout_s)
            break
    while True:
        sample = sink.try_pull_sample(0)
        if sample is None:
            break
        _store_sample(sample, result)
    if not result.eos:
        result.eos = sink.is_eos()
    _collect_bus(bus, result)
    pipeline.set_state(Gst.State.NULL)
    return result


def push_chunks(desc, chunks, caps=None, timestamps=True, timeout_s=60):
    """Runs `appsrc name=src ! <desc> ! appsink name=sink` with each item
    of `chunks` (bytes) pushed as one buffer, then EOS. With `timestamps`
    buffer i gets PTS i * 1 ms + 1 s, DTS i * 1 ms and duration 1 ms.
    `caps` is a caps string for the appsrc, or None for no caps at all.
    Returns run_to_end()'s Result."""
    pipeline = Gst.parse_launch(
        "appsrc name=src format=time ! %s ! appsink name=sink" % desc)
    src = pipeline.get_by_name("src")
    if caps is not None:
        src.set_property("caps", Gst.Caps.from_string(caps))
    # unlimited queue: everything is pushed before anything is pulled
    src.set_property("max-bytes", 0)
    pipeline.set_state(Gst.State.PLAYING)
    for i, chunk in enumerate(chunks):
        buf = Gst.Buffer.new_wrapped(bytes(chunk)) if len(chunk) else \
            Gst.Buffer.new()
        if timestamps:
            buf.pts = Gst.SECOND + i * Gst.MSECOND
            buf.dts = i * Gst.MSECOND
            buf.duration = Gst.MSECOND
        assert src.emit("push-buffer", buf) == Gst.FlowReturn.OK
    src.emit("end-of-stream")
    return run_to_end(pipeline, timeout_s)


def frame_planes(data, caps):
    """Splits one raw video frame (bytes, with its caps string) into its
    planes as numpy uint8 arrays without the row padding: (h, w) for a
    plane of one byte per pixel, (h, w, n) for n bytes per pixel (packed
    RGB: the bytes in memory order). Subsampled planes have their own,
    rounded-up size."""
    info = GstVideo.VideoInfo.new_from_caps(Gst.Caps.from_string(caps))
    assert info is not None, caps
    finfo = info.finfo
    assert len(data) >= info.size, (len(data), info.size, caps)
    buf = np.frombuffer(data, np.uint8)
    planes = []
    for p in range(finfo.n_planes):
        comp = [c for c in range(finfo.n_components)
                if finfo.plane[c] == p][0]
        w = -((-info.width) >> finfo.w_sub[comp])
        h = -((-info.height) >> finfo.h_sub[comp])
        px = finfo.pixel_stride[comp]
        stride, off = info.stride[p], info.offset[p]
        rows = np.lib.stride_tricks.as_strided(
            buf[off:], shape=(h, w * px), strides=(stride, 1)).copy()
        planes.append(rows if px == 1 else rows.reshape(h, w, px))
    return planes


def caps_field(caps, name):
    """A field of the first structure of a caps string."""
    return plain(Gst.Caps.from_string(caps).get_structure(0)).get_value(name)
