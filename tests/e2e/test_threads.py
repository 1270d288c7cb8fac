# End-to-end tests of imencode's encoder threads (the `threads` property):
# real pipelines, every output decoded with Pillow (and Python's base64),
# each frame identified by a bar code of its index that survives JPEG and
# resizing. Checks order, completeness, EOS, flushing seeks, downstream
# errors, property changes and latency with frames in flight.
# SPDX-License-Identifier: LGPL-2.1-or-later

import base64
import contextlib
import faulthandler
import io
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from gi.repository import GObject
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
from imtest import Gst, plain, run_to_end  # noqa: E402

N_BITS = 16
FPS = 25
FRAME_NS = Gst.SECOND // FPS


@pytest.fixture(autouse=True)
def watchdog():
    """A hang anywhere (a deadlocked pool) kills the run with the Python
    stacks instead of blocking until meson's timeout."""
    faulthandler.dump_traceback_later(120, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def bounded(fn, timeout_s, what):
    """Runs fn() in a helper thread: a call that does not return within
    timeout_s fails the test (the thread is left behind)."""
    out = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as e:  # noqa: B902
            out["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout_s)
    assert not t.is_alive(), "%s did not return within %d s" % (what,
                                                                timeout_s)
    if "error" in out:
        raise out["error"]
    return out.get("value")


def set_null(pipeline, timeout_s=20):
    ret = bounded(lambda: pipeline.set_state(Gst.State.NULL), timeout_s,
                  "set_state(NULL)")
    assert ret == Gst.StateChangeReturn.SUCCESS, ret


@contextlib.contextmanager
def playing(desc):
    """A pipeline from desc, PLAYING; set to NULL (bounded) on the way
    out, whatever happened."""
    pipeline = Gst.parse_launch(desc)
    pipeline.set_state(Gst.State.PLAYING)
    try:
        yield pipeline
    finally:
        set_null(pipeline)


# ---- frames that say which one they are ----

def flat_level(i):
    """Limited-range luma of frame i's flat area."""
    return 40 + (i * 37) % 160


def full_range(y):
    return min(max(round((y - 16) * 255 / 219), 0), 255)


_NOISE = {}


def _noise(w, h, k):
    key = (w, h, k % 4)
    if key not in _NOISE:
        rng = np.random.default_rng(1000 + k % 4)
        _NOISE[key] = (rng.integers(0, 256, (h, w), np.uint8),
                       rng.integers(0, 256, (h // 2, w // 2), np.uint8),
                       rng.integers(0, 256, (h // 2, w // 2), np.uint8))
    return _NOISE[key]


def mixed_kind(i):
    """Cheap and expensive frames mixed, with runs of each, so that with
    several workers later frames finish before earlier ones."""
    if 100 <= i % 250 < 110:
        return "noise"
    if 110 <= i % 250 < 120:
        return "flat"
    return ["noise", "flat", "half", "flat", "noise", "flat", "flat"][i % 7]


def make_i420(i, w, h, kind):
    """An I420 frame (w a multiple of 16, h of 12): rows [0, h/6) hold the
    16 bits of i (MSB first, black/white blocks), rows [h/6, h/3) their
    complement; below, a flat grey that depends on i ("flat"), noise
    ("noise") or noise above the grey ("half")."""
    bh, bw = h // 6, w // N_BITS
    y = np.empty((h, w), np.uint8)
    bits = np.array([(i >> (N_BITS - 1 - b)) & 1 for b in range(N_BITS)],
                    np.uint8)
    row = np.repeat(bits * 219 + 16, bw)
    y[:bh] = row
    y[bh:2 * bh] = 251 - row
    u = np.full((h // 2, w // 2), 128, np.uint8)
    v = np.full((h // 2, w // 2), 128, np.uint8)
    y[2 * bh:] = flat_level(i)
    if kind != "flat":
        ny, nu, nv = _noise(w, h, i)
        end = h if kind == "noise" else 4 * bh
        y[2 * bh:end] = ny[2 * bh:end]
        u[bh:end // 2] = nu[bh:end // 2]
        v[bh:end // 2] = nv[bh:end // 2]
    return y.tobytes() + u.tobytes() + v.tobytes()


def read_index(gray):
    """The bar code in a decoded frame (any size), or None when a block is
    not clearly black or white or does not match its complement."""
    h, w = gray.shape
    bh = h / 6
    r0, r1 = int(bh * 0.25), int(bh * 0.75)
    c0, c1 = int(bh * 1.25), int(bh * 1.75)
    index = 0
    for b in range(N_BITS):
        x0, x1 = b * w / N_BITS, (b + 1) * w / N_BITS
        q = (x1 - x0) / 4
        xa, xb = int(x0 + q), int(x1 - q)
        m = gray[r0:r1, xa:xb].mean()
        mc = gray[c0:c1, xa:xb].mean()
        if m > 190 and mc < 65:
            index = index << 1 | 1
        elif m < 65 and mc > 190:
            index <<= 1
        else:
            return None
    return index


def check_frame(data, i, kind, size=None):
    """Decodes data (JPEG or PNG) with Pillow and asserts it is frame i:
    bar code, grey level or noise. Returns the Pillow image."""
    im = Image.open(io.BytesIO(data))
    im.load()
    if size is not None:
        assert im.size == size, (i, im.size, size)
    gray = np.asarray(im.convert("L"), np.float64)
    got = read_index(gray)
    assert got == i, "output %d carries frame %s" % (i, got)
    h, w = gray.shape
    m = max(h // 24, 2)
    flat = gray[4 * h // 6 + m:h - m, m:w - m]
    if kind in ("flat", "half"):
        assert abs(flat.mean() - full_range(flat_level(i))) < 6, \
            (i, kind, flat.mean(), full_range(flat_level(i)))
        assert flat.std() < 6, (i, kind, flat.std())
    else:
        assert flat.std() > 15, (i, kind, flat.std())
    if kind != "flat":
        assert gray[2 * h // 6 + m:4 * h // 6 - m, m:w - m].std() > 15
    return im


def i420_caps(w, h):
    return ("video/x-raw,format=I420,width=%d,height=%d,framerate=%d/1" %
            (w, h, FPS))


def push_frames(props, frames, w, h, tail="", timeout_s=40):
    """appsrc ! imencode <props> [! tail] ! appsink: pushes every frame (i,
    bytes) with PTS i * 40 ms and duration 40 ms as fast as appsrc takes
    them, then EOS. Returns run_to_end()'s Result."""
    pipeline = Gst.parse_launch(
        "appsrc name=src format=time max-bytes=0 caps=%s ! imencode name=enc "
        "%s %s ! appsink name=sink" % (i420_caps(w, h), props,
                                       ("! " + tail) if tail else ""))
    src = pipeline.get_by_name("src")
    pipeline.set_state(Gst.State.PLAYING)
    for i, data in frames:
        buf = Gst.Buffer.new_wrapped(data)
        buf.pts = i * FRAME_NS
        buf.duration = FRAME_NS
        assert src.emit("push-buffer", buf) == Gst.FlowReturn.OK
    src.emit("end-of-stream")
    return run_to_end(pipeline, timeout_s)


def assert_in_order(res, indices):
    got = [b[2] for b in res.buffers]
    want = [i * FRAME_NS for i in indices]
    assert got == want, "PTS order (frames) %s" % [
        p / FRAME_NS for p, w in zip(got, want) if p != w][:20]
    assert all(b[3] == FRAME_NS for b in res.buffers)


class PadLog:
    """Records, in order, the buffers (their PTS) and the events leaving a
    pad: ("buffer", pts), ("flush-start",), ("flush-stop",),
    ("segment", start), ("caps", width), ("eos",)."""

    def __init__(self, pad):
        self.entries = []
        self.lock = threading.Lock()
        mask = (Gst.PadProbeType.BUFFER | Gst.PadProbeType.EVENT_DOWNSTREAM |
                Gst.PadProbeType.EVENT_FLUSH)
        pad.add_probe(mask, self._probe)

    def _probe(self, pad, info):
        if info.type & Gst.PadProbeType.BUFFER:
            entry = ("buffer", info.get_buffer().pts)
        else:
            ev = info.get_event()
            t = ev.type
            if t == Gst.EventType.EOS:
                entry = ("eos",)
            elif t == Gst.EventType.FLUSH_START:
                entry = ("flush-start",)
            elif t == Gst.EventType.FLUSH_STOP:
                entry = ("flush-stop",)
            elif t == Gst.EventType.SEGMENT:
                entry = ("segment", ev.parse_segment().start)
            elif t == Gst.EventType.CAPS:
                entry = ("caps", plain(ev.parse_caps().get_structure(0))
                         .get_value("width"))
            else:
                return Gst.PadProbeReturn.OK
        with self.lock:
            self.entries.append(entry)
        return Gst.PadProbeReturn.OK

    def snapshot(self):
        with self.lock:
            return list(self.entries)


# ---- 1. order and completeness ----

W, H = 256, 144
N = 500


@pytest.fixture(scope="module")
def frames500():
    return [(i, make_i420(i, W, H, mixed_kind(i))) for i in range(N)]


@pytest.fixture(scope="module")
def reference(frames500):
    """threads=1 output: bytes to compare the pool's against."""
    res = push_frames("threads=1", frames500, W, H)
    assert not res.errors, res.errors
    return res.datas


@pytest.mark.parametrize("threads", [1, 2, 4, 8])
def test_order_and_completeness(threads, frames500, reference):
    res = push_frames("threads=%d" % threads, frames500, W, H)
    assert not res.errors, res.errors
    assert res.eos
    assert len(res.buffers) == N
    assert_in_order(res, range(N))
    for i, (data, caps, pts, dur, meta) in enumerate(res.buffers):
        assert data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9"
        check_frame(data, i, mixed_kind(i), (W, H))
        assert meta is not None and meta["frame-width"] == W
    # the encoder is deterministic: threads change where, not what
    assert res.datas == reference


def test_order_png():
    w, h = 128, 72
    frames = [(i, make_i420(i, w, h, mixed_kind(i))) for i in range(120)]
    res = push_frames("threads=4 format=png", frames, w, h)
    assert not res.errors, res.errors
    assert len(res.buffers) == 120
    assert_in_order(res, range(120))
    assert res.caps[0].startswith("image/png")
    for i, data in enumerate(res.datas):
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        check_frame(data, i, mixed_kind(i), (w, h))


def test_order_base64():
    frames = [(i, make_i420(i, W, H, mixed_kind(i))) for i in range(120)]
    res = push_frames("threads=4 encoding=base64", frames, W, H)
    assert not res.errors, res.errors
    assert len(res.buffers) == 120
    assert_in_order(res, range(120))
    assert res.caps[0].startswith("application/x-base64")
    for i, text in enumerate(res.datas):
        assert text.isascii() and not text.endswith(b"\n")
        check_frame(base64.b64decode(text, validate=True), i, mixed_kind(i),
                    (W, H))


# ---- 2. EOS with frames in flight ----

def test_eos_waits_for_frames_in_flight():
    w, h = 1280, 720
    n = 40
    pipeline = Gst.parse_launch(
        "appsrc name=src format=time max-bytes=0 caps=%s ! imencode name=enc "
        "threads=4 ! appsink name=sink" % i420_caps(w, h))
    log = PadLog(pipeline.get_by_name("enc").get_static_pad("src"))
    src = pipeline.get_by_name("src")
    pipeline.set_state(Gst.State.PLAYING)
    for i in range(n):
        buf = Gst.Buffer.new_wrapped(make_i420(i, w, h, "noise"))
        buf.pts = i * FRAME_NS
        buf.duration = FRAME_NS
        assert src.emit("push-buffer", buf) == Gst.FlowReturn.OK
    src.emit("end-of-stream")
    res = run_to_end(pipeline, 60)
    assert not res.errors, res.errors
    assert res.eos
    assert len(res.buffers) == n
    assert_in_order(res, range(n))
    for i, data in enumerate(res.datas):
        check_frame(data, i, "noise", (w, h))
    entries = [e for e in log.snapshot() if e[0] in ("buffer", "eos")]
    assert entries == [("buffer", i * FRAME_NS) for i in range(n)] + \
        [("eos",)], entries[-5:]


# ---- 3. flushing seeks with frames in flight ----

def test_flushing_seeks_drop_work_in_flight():
    desc = ("videotestsrc name=src pattern=snow ! video/x-raw,format=I420,"
            "width=1920,height=1080,framerate=%d/1 ! imencode name=enc "
            "threads=4 ! appsink name=sink sync=false max-buffers=3" % FPS)
    # seconds, some backwards; after the odd ones no pulling at all, so
    # the next seek comes while the pool is full
    targets = [4.0, 1.2, 20.0, 0.4, 7.0, 7.04, 2.0, 30.0]
    pulled = []
    with playing(desc) as pipeline:
        sink = pipeline.get_by_name("sink")
        log = PadLog(pipeline.get_by_name("enc").get_static_pad("src"))

        def pull(n, until=None):
            for _ in range(n):
                s = bounded(lambda: sink.try_pull_sample(10 * Gst.SECOND),
                            20, "pulling a sample")
                assert s is not None, "no output after a seek"
                buf = s.get_buffer()
                ok, info = buf.map(Gst.MapFlags.READ)
                pulled.append((buf.pts, bytes(info.data)))
                buf.unmap(info)
                if until is not None and buf.pts == until:
                    return

        pull(3)
        for k, t in enumerate(targets):
            pos = int(round(t * Gst.SECOND))
            ok = bounded(lambda: pipeline.seek_simple(
                Gst.Format.TIME, Gst.SeekFlags.FLUSH | Gst.SeekFlags.ACCURATE,
                pos), 20, "flushing seek to %.2f s" % t)
            assert ok
            if k % 2 == 0:
                pull(10, until=pos)
        pull(12)
        last = int(round(targets[-1] * Gst.SECOND))
        assert pulled[-1][0] >= last + 10 * FRAME_NS

    for pts, data in pulled:
        im = Image.open(io.BytesIO(data))
        im.load()
        assert im.size == (1920, 1080), pts

    # After each flush-stop, first the new segment, then frames from the
    # seek position on, consecutive: a stale frame encoded before the flush
    # would break the run.
    entries = log.snapshot()
    stops = [j for j, e in enumerate(entries) if e[0] == "flush-stop"]
    assert len(stops) == len(targets)
    for k, j in enumerate(stops):
        end = stops[k + 1] if k + 1 < len(stops) else len(entries)
        after = entries[j + 1:end]
        pos = int(round(targets[k] * Gst.SECOND))
        bufs = [e[1] for e in after if e[0] == "buffer"]
        assert bufs == [pos + n * FRAME_NS for n in range(len(bufs))], \
            (targets[k], [b / Gst.SECOND for b in bufs[:8]])
        if bufs:
            first_buf = next(n for n, e in enumerate(after)
                             if e[0] == "buffer")
            segs = [e for e in after[:first_buf] if e[0] == "segment"]
            assert segs and segs[-1][1] == pos, after[:first_buf]
    assert len([e for e in entries[stops[-1]:] if e[0] == "buffer"]) >= 12


# ---- 4. downstream errors with frames in flight ----

def _error_sources(bus, want_src, timeout_s):
    """Pops messages until an ERROR from the element named want_src, or
    the timeout. Returns [(source name, text)] of every ERROR seen."""
    errors = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        msg = bus.timed_pop_filtered(100 * Gst.MSECOND,
                                     Gst.MessageType.ERROR)
        if msg is None:
            continue
        err, dbg = msg.parse_error()
        errors.append((msg.src.get_name(), "%s (%s)" % (err.message, dbg)))
        if msg.src.get_name() == want_src:
            break
    return errors


def _noise_frames(n, w=640, h=360):
    return [(i, make_i420(i, w, h, "noise" if i % 3 else "flat"))
            for i in range(n)]


def _push_all(pipeline, frames, w=640, h=360):
    src = pipeline.get_by_name("src")
    for i, data in frames:
        buf = Gst.Buffer.new_wrapped(data)
        buf.pts = i * FRAME_NS
        buf.duration = FRAME_NS
        src.emit("push-buffer", buf)
    src.emit("end-of-stream")


@pytest.fixture(scope="module")
def identity_error_run():
    """appsrc ! imencode threads=4 ! identity error-after=10 ! appsink with
    80 frames: identity fails the 10th buffer while frames are in flight.
    Returns (ERROR messages as (source, text), PTS that reached appsink)."""
    frames = _noise_frames(80)
    with playing(
            "appsrc name=src format=time max-bytes=0 caps=%s ! imencode "
            "threads=4 ! identity error-after=10 ! appsink name=sink "
            "sync=false" % i420_caps(640, 360)) as pipeline:
        _push_all(pipeline, frames)
        errors = _error_sources(pipeline.get_bus(), "src", 20)
        time.sleep(0.3)   # anything still coming would come now
        sink = pipeline.get_by_name("sink")
        got = []
        while True:
            s = sink.try_pull_sample(0)
            if s is None:
                break
            got.append(s.get_buffer().pts)
    return errors, got


def test_downstream_error_reaches_upstream(identity_error_run):
    """The error goes back up through imencode's chain: appsrc reports the
    stream stopped with reason 'error'; NULL does not hang (playing())."""
    errors, got = identity_error_run
    assert "src" in [e[0] for e in errors], errors
    assert "reason error" in [e[1] for e in errors if e[0] == "src"][0]
    # identity lets 9 through, in order
    assert got[:9] == [i * FRAME_NS for i in range(9)], got
    assert got == sorted(set(got))


def test_nothing_pushed_after_downstream_error(identity_error_run):
    """Once downstream has returned an error, the frames still in flight
    are dropped, not pushed into the failed element (as a queue does)."""
    errors, got = identity_error_run
    assert got == [i * FRAME_NS for i in range(9)], \
        "frames %s pushed after identity failed frame 9" % [
            p // FRAME_NS for p in got[9:]]


@pytest.mark.parametrize("flow", ["error", "flushing", "eos"])
def test_downstream_flow_return_stops_upstream(flow):
    """appsink's new-sample starts returning `flow` after 10 samples: the
    source stops (with an error for ERROR, silently otherwise) instead of
    the pool encoding all 120 frames, and NULL does not hang."""
    ret = {"error": Gst.FlowReturn.ERROR, "flushing": Gst.FlowReturn.FLUSHING,
           "eos": Gst.FlowReturn.EOS}[flow]
    frames = _noise_frames(120)
    seen = []

    def on_sample(appsink):
        s = appsink.emit("pull-sample")
        seen.append(s.get_buffer().pts)
        return Gst.FlowReturn.OK if len(seen) <= 10 else ret

    with playing(
            "appsrc name=src format=time max-bytes=0 caps=%s ! imencode "
            "threads=4 ! appsink name=sink sync=false emit-signals=true" %
            i420_caps(640, 360)) as pipeline:
        pipeline.get_by_name("sink").connect("new-sample", on_sample)
        _push_all(pipeline, frames)
        if flow == "error":
            errors = _error_sources(pipeline.get_bus(), "src", 20)
            assert "src" in [e[0] for e in errors], errors
        else:
            # the stream just stops: nothing more arrives, no error
            deadline = time.monotonic() + 20
            last = -1
            while time.monotonic() < deadline:
                time.sleep(0.3)
                if len(seen) == last:
                    break
                last = len(seen)
            msg = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
            assert msg is None, msg.parse_error()
    assert seen == [i * FRAME_NS for i in range(len(seen))]
    # the 11th was refused; at most what was in flight came after it
    assert 11 <= len(seen) < 11 + 4 * 4 + 8, len(seen)


def test_unlinked_source_pad():
    """imencode's source pad linked to nothing: not-linked goes upstream,
    no crash, NULL does not hang."""
    with playing(
            "appsrc name=src format=time max-bytes=0 caps=%s ! imencode "
            "threads=4" % i420_caps(640, 360)) as pipeline:
        _push_all(pipeline, _noise_frames(30))
        errors = _error_sources(pipeline.get_bus(), "src", 20)
    assert errors and errors[-1][0] == "src", errors
    assert "not-linked" in errors[-1][1], errors


@pytest.mark.parametrize("case", ["not-linked", "error"])
def test_downstream_failure_just_before_eos_is_not_lost(case):
    """A stream shorter than the pool: the three frames and EOS are all
    taken before downstream (appsink, after a delay) refuses the first one.
    The failure cannot travel up through a chain return any more, so it
    must still end the stream with an ERROR (as queue does with
    GST_ELEMENT_FLOW_ERROR), not pass for a clean EOS."""
    ret = {"not-linked": Gst.FlowReturn.NOT_LINKED,
           "error": Gst.FlowReturn.ERROR}[case]

    def on_sample(appsink):
        appsink.emit("pull-sample")
        time.sleep(0.5)
        return ret

    with playing(
            "appsrc name=src format=time max-bytes=0 caps=%s ! imencode "
            "threads=4 ! appsink name=sink sync=false emit-signals=true" %
            i420_caps(640, 360)) as pipeline:
        pipeline.get_by_name("sink").connect("new-sample", on_sample)
        _push_all(pipeline, _noise_frames(3))
        msg = pipeline.get_bus().timed_pop_filtered(
            20 * Gst.SECOND, Gst.MessageType.ERROR | Gst.MessageType.EOS)
    assert msg is not None, "neither ERROR nor EOS"
    assert msg.type == Gst.MessageType.ERROR, \
        "downstream %s went unreported: the pipeline ended with EOS" % case


# ---- 5. property changes while playing, frames in flight ----

def drive(props, frames, w, h, between):
    """Chains frames (i, bytes) straight into imencode's sink pad from this
    thread, calling between(i, enc) right before frame i, so a property
    changes at a known frame while earlier ones are still being encoded.
    Returns (samples as (pts, caps width, caps height, data), PadLog)."""
    # (wait-on-eos=false: EOS must not wait for this thread to pull)
    # (wait-on-eos=false: EOS must not wait for this thread to pull)
    with playing("imencode name=enc %s ! appsink name=sink sync=false "
                 "wait-on-eos=false" % props) as pipeline:
        enc = pipeline.get_by_name("enc")
        sink = pipeline.get_by_name("sink")
        pad = enc.get_static_pad("sink")
        log = PadLog(enc.get_static_pad("src"))
        pad.send_event(Gst.Event.new_stream_start("threads"))
        pad.send_event(Gst.Event.new_caps(
            Gst.Caps.from_string(i420_caps(w, h))))
        seg = Gst.Segment()
        seg.init(Gst.Format.TIME)
        pad.send_event(Gst.Event.new_segment(seg))
        for i, data in frames:
            between(i, enc)
            buf = Gst.Buffer.new_wrapped(data)
            buf.pts = i * FRAME_NS
            buf.duration = FRAME_NS
            assert pad.chain(buf) == Gst.FlowReturn.OK
        bounded(lambda: pad.send_event(Gst.Event.new_eos()), 30, "EOS")
        samples = []
        while True:
            s = sink.try_pull_sample(5 * Gst.SECOND)
            if s is None:
                break
            st = plain(s.get_caps().get_structure(0))
            buf = s.get_buffer()
            ok, info = buf.map(Gst.MapFlags.READ)
            samples.append((buf.pts, st.get_value("width"),
                            st.get_value("height"), bytes(info.data)))
            buf.unmap(info)
        assert sink.is_eos()
    return samples, log


STD_LUMA = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
            14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
            18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
            92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100,
            103, 99]


def jpeg_quality(data):
    """The libjpeg quality (jpeg_set_quality, baseline) whose luminance
    table the JPEG carries, or None."""
    i = 2
    table = None
    while i + 4 <= len(data) and table is None:
        marker = data[i + 1]
        length = (data[i + 2] << 8) | data[i + 3]
        if marker == 0xDA:
            break
        if marker == 0xDB:
            j = i + 4
            while j < i + 2 + length:
                pq, tq = data[j] >> 4, data[j] & 15
                assert pq == 0
                if tq == 0:
                    table = sorted(data[j + 1:j + 65])
                j += 65
        i += 2 + length
    assert table is not None
    for q in range(1, 101):
        scale = 5000 // q if q < 50 else 200 - 2 * q
        want = sorted(min(max((v * scale + 50) // 100, 1), 255)
                      for v in STD_LUMA)
        if want == table:
            return q
    return None


def test_quality_change_while_playing():
    w, h = 640, 360
    n, change = 60, 30
    frames = [(i, make_i420(i, w, h, "noise")) for i in range(n)]

    def between(i, enc):
        if i == change:
            enc.set_property("quality", 20)

    samples, log = drive("threads=4 quality=95", frames, w, h, between)
    assert [s[0] for s in samples] == [i * FRAME_NS for i in range(n)]
    qs = []
    for i, (pts, cw, ch, data) in enumerate(samples):
        check_frame(data, i, "noise", (cw, ch))
        qs.append(jpeg_quality(data))
    # taken when the frame is submitted: frames before the change keep 95
    # even when still in flight; SPEC: new value within two frames
    assert qs[:change] == [95] * change, qs
    assert qs[change + 2:] == [20] * (n - change - 2), qs
    sizes = [len(s[3]) for s in samples]
    assert max(sizes[change + 2:]) < min(sizes[:change]) * 0.6


def test_width_change_while_playing():
    w, h = 640, 360
    n = 60
    frames = [(i, make_i420(i, w, h, mixed_kind(i))) for i in range(n)]
    widths = {0: 0, 20: 320, 40: 0}

    def between(i, enc):
        if i in widths:
            enc.set_property("width", widths[i])

    def want(i):
        v = widths[max(k for k in widths if k <= i)]
        return (v, v * h // w) if v else (w, h)

    samples, log = drive("threads=4", frames, w, h, between)
    assert [s[0] for s in samples] == [i * FRAME_NS for i in range(n)]
    for i, (pts, cw, ch, data) in enumerate(samples):
        # each buffer has the size its sample's caps say
        im = check_frame(data, i, mixed_kind(i), (cw, ch))
        # drive() sets the property from the thread that chains, right
        # before frame i, and the chain reads the properties once per frame
        # as it takes it: frame i is the first with the new width, while
        # the frames before it are still being encoded
        assert im.size == want(i), (i, im.size, want(i))
    # on the pad: each buffer leaves after the caps that describe it
    cur = None
    for e in log.snapshot():
        if e[0] == "caps":
            cur = e[1]
        elif e[0] == "buffer":
            i = e[1] // FRAME_NS
            assert cur == Image.open(io.BytesIO(samples[i][3])).size[0], i


def test_threads_changed_while_playing():
    w, h = 256, 144
    seq = [4, 1, 8, 0, 2]
    per = 24
    n = per * len(seq)
    frames = [(i, make_i420(i, w, h, mixed_kind(i))) for i in range(n)]

    def between(i, enc):
        if i % per == 0:
            enc.set_property("threads", seq[i // per])

    samples, log = drive("threads=2", frames, w, h, between)
    assert [s[0] for s in samples] == [i * FRAME_NS for i in range(n)]
    for i, s in enumerate(samples):
        check_frame(s[3], i, mixed_kind(i), (w, h))


# ---- 6. threads=0 and the property ----

def _encoder_threads():
    """Threads of this process named as imencode names its workers."""
    n = 0
    for tid in os.listdir("/proc/self/task"):
        try:
            with open("/proc/self/task/%s/comm" % tid) as f:
                n += f.read().strip() == "imencode"
        except OSError:
            pass    # ended meanwhile
    return n


@pytest.mark.parametrize("threads", [0, 3])
def test_threads_zero_is_one_per_core(threads):
    w, h = 256, 144
    cores = len(os.sched_getaffinity(0))
    expected = threads or cores
    with playing(
            "appsrc name=src format=time max-bytes=0 caps=%s ! imencode "
            "threads=%d ! appsink name=sink" % (i420_caps(w, h), threads)) \
            as pipeline:
        src = pipeline.get_by_name("src")
        sink = pipeline.get_by_name("sink")
        for i in range(8):
            buf = Gst.Buffer.new_wrapped(make_i420(i, w, h, mixed_kind(i)))
            buf.pts = i * FRAME_NS
            src.emit("push-buffer", buf)
        for i in range(8):
            s = sink.try_pull_sample(10 * Gst.SECOND)
            assert s is not None and s.get_buffer().pts == i * FRAME_NS
        # the pool lives while the element is PLAYING
        if expected > 1:
            assert _encoder_threads() == expected
        else:
            assert _encoder_threads() == 0


def test_threads_property_range_and_readback():
    enc = Gst.ElementFactory.make("imencode", None)
    spec = enc.find_property("threads")
    assert spec.value_type == GObject.TYPE_UINT
    assert spec.minimum == 0 and spec.maximum == 64
    assert spec.default_value == 0
    assert enc.get_property("threads") == 0
    out = subprocess.run(["gst-inspect-1.0", "imencode"], capture_output=True,
                         text=True, timeout=60, env=os.environ)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    k = next(n for n, line in enumerate(lines)
             if line.strip().startswith("threads"))
    block = "\n".join(lines[k:k + 6])
    assert "Range: 0 - 64" in block and "Default: 0" in block, block


# ---- 7. latency ----

def _live_latency(threads):
    with playing(
            "videotestsrc is-live=true pattern=snow ! video/x-raw,"
            "format=I420,width=320,height=240,framerate=30/1 ! imencode "
            "threads=%d ! appsink name=sink sync=true" % threads) as pipeline:
        sink = pipeline.get_by_name("sink")
        ret, state, _ = pipeline.get_state(10 * Gst.SECOND)
        assert ret == Gst.StateChangeReturn.SUCCESS and \
            state == Gst.State.PLAYING, (ret, state)
        for _ in range(3):
            s = sink.try_pull_sample(5 * Gst.SECOND)
            assert s is not None
            b = s.get_buffer()
            ok, info = b.map(Gst.MapFlags.READ)
            Image.open(io.BytesIO(bytes(info.data))).load()
            b.unmap(info)
        q = Gst.Query.new_latency()
        assert pipeline.query(q)
        return q.parse_latency()


FRAME_30FPS = Gst.SECOND // 30


def test_latency_query_live():
    live1, lo1, hi1 = _live_latency(1)
    assert live1
    assert lo1 >= FRAME_30FPS          # videotestsrc's frame
    for threads in (2, 8):
        live, lo, hi = _live_latency(threads)
        assert live
        # encoders that keep up add one frame, whatever the thread count
        assert lo - lo1 == FRAME_30FPS, (threads, lo1, lo)
        assert hi == Gst.CLOCK_TIME_NONE or hi >= lo


def test_latency_grows_when_encoding_falls_behind():
    """1080p noise to PNG at level 9 takes longer than a 30 fps frame:
    the latency imencode reports must grow past the one frame it adds while
    it keeps up (videotestsrc reports one frame of its own), with a latency
    message."""
    with playing(
            "videotestsrc is-live=true pattern=snow ! video/x-raw,"
            "format=RGB,width=1920,height=1080,framerate=30/1 ! imencode "
            "name=enc threads=2 format=png compression-level=9 ! "
            "appsink name=sink sync=true") as pipeline:
        sink = pipeline.get_by_name("sink")
        for _ in range(4):
            assert sink.try_pull_sample(60 * Gst.SECOND) is not None
        bus = pipeline.get_bus()
        sources = []
        while True:
            msg = bus.pop_filtered(Gst.MessageType.LATENCY)
            if msg is None:
                break
            sources.append(msg.src.get_name())
        assert "enc" in sources
        # imencode's own answer
        q = Gst.Query.new_latency()
        assert pipeline.get_by_name("enc").get_static_pad("src").query(q)
        live, lo, hi = q.parse_latency()
        assert live and lo > 2 * FRAME_30FPS + FRAME_30FPS // 2, (live, lo)


# ---- regressions found in review ----

def test_bound_change_while_frames_in_flight_loses_nothing():
    """Changing subsampling changes the worst-case output size (a new
    output buffer pool) without new caps: frames already queued must still
    be encoded, every one of them, in order."""
    w, h = 320, 240
    pipeline = Gst.parse_launch(
        "appsrc name=src format=time max-bytes=0 caps=%s ! imencode "
        "name=enc threads=4 ! appsink name=sink" % i420_caps(w, h))
    src = pipeline.get_by_name("src")
    enc = pipeline.get_by_name("enc")
    pipeline.set_state(Gst.State.PLAYING)
    for i in range(200):
        if i % 20 == 0:
            enc.set_property("subsampling", "444" if (i // 20) % 2 else "420")
        buf = Gst.Buffer.new_wrapped(make_i420(i, w, h, mixed_kind(i)))
        buf.pts = i * FRAME_NS
        buf.duration = FRAME_NS
        assert src.emit("push-buffer", buf) == Gst.FlowReturn.OK
    src.emit("end-of-stream")
    res = run_to_end(pipeline, 60)
    assert not res.warnings, res.warnings
    assert_in_order(res, range(200))


# ---- memory in flight ----

def _allocation_pool_min(threads, width, height, fmt):
    # the answer comes from the threads running, as upstream asks it: after
    # the caps, with the element started
    enc = Gst.ElementFactory.make("imencode", None)
    enc.set_property("threads", threads)
    sink = Gst.ElementFactory.make("fakesink", None)
    pipeline = Gst.Pipeline.new(None)
    pipeline.add(enc)
    pipeline.add(sink)
    assert enc.link(sink)
    caps = Gst.Caps.from_string(
        "video/x-raw,format=%s,width=%d,height=%d,framerate=30/1" %
        (fmt, width, height))
    pad = enc.get_static_pad("sink")
    try:
        pipeline.set_state(Gst.State.PAUSED)
        assert pad.send_event(Gst.Event.new_stream_start("s"))
        assert pad.send_event(Gst.Event.new_caps(caps))
        q = Gst.Query.new_allocation(caps, True)
        assert pad.query(q)
        assert q.get_n_allocation_pools() == 1
        _pool, size, min_buffers, _max = q.parse_nth_allocation_pool(0)
    finally:
        pipeline.set_state(Gst.State.NULL)
    return size, min_buffers


def test_allocation_answer_follows_running_threads():
    # the property changed after the threads started: the answer is what
    # runs until a frame makes the change
    enc = Gst.ElementFactory.make("imencode", None)
    enc.set_property("threads", 4)
    sink = Gst.ElementFactory.make("fakesink", None)
    pipeline = Gst.Pipeline.new(None)
    pipeline.add(enc)
    pipeline.add(sink)
    assert enc.link(sink)
    caps = Gst.Caps.from_string(
        "video/x-raw,format=I420,width=320,height=240,framerate=30/1")
    pad = enc.get_static_pad("sink")
    try:
        pipeline.set_state(Gst.State.PAUSED)
        assert pad.send_event(Gst.Event.new_stream_start("s"))
        assert pad.send_event(Gst.Event.new_caps(caps))
        enc.set_property("threads", 1)
        q = Gst.Query.new_allocation(caps, True)
        assert pad.query(q)
        assert q.get_n_allocation_pools() == 1
        assert q.parse_nth_allocation_pool(0)[2] == 8
    finally:
        pipeline.set_state(Gst.State.NULL)


def _frames_taken_while_downstream_blocks(threads, w, h, fmt, size):
    """Chains frames into imencode, from a thread of this test, while
    downstream (an appsink that holds one buffer and is never pulled)
    blocks: returns how many imencode took before its chain blocked. The
    first image leaves and sits in the appsink; the second's push blocks
    there, and every frame after it waits in flight, until the bound on
    frames in flight stops the chain."""
    with playing("imencode name=enc threads=%d ! appsink name=sink "
                 "max-buffers=1 sync=false wait-on-eos=false" % threads) \
            as pipeline:
        pad = pipeline.get_by_name("enc").get_static_pad("sink")
        pad.send_event(Gst.Event.new_stream_start("in-flight"))
        pad.send_event(Gst.Event.new_caps(Gst.Caps.from_string(
            "video/x-raw,format=%s,width=%d,height=%d,framerate=30/1" %
            (fmt, w, h))))
        seg = Gst.Segment()
        seg.init(Gst.Format.TIME)
        pad.send_event(Gst.Event.new_segment(seg))
        # every frame shares one frame's pixels (copy_region does not copy
        # them): what imencode holds is counted in frames, not in memory
        pixels = Gst.Buffer.new_wrapped(bytes(size))
        share = (Gst.BufferCopyFlags.FLAGS | Gst.BufferCopyFlags.META |
                 Gst.BufferCopyFlags.MEMORY)
        taken = []

        def feed():
            for i in range(1000):
                buf = pixels.copy_region(share, 0, size)
                buf.pts = i * FRAME_NS
                buf.duration = FRAME_NS
                if pad.chain(buf) != Gst.FlowReturn.OK:
                    return
                taken.append(i)

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        # until the count has stood still for a second
        last, still_since = -1, time.monotonic()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if len(taken) != last:
                last, still_since = len(taken), time.monotonic()
            elif time.monotonic() - still_since > 1.0:
                break
        n = len(taken)
    # set to NULL: the blocked chain returns
    feeder.join(30)
    assert not feeder.is_alive()
    return n


def test_frames_in_flight_bounded_by_bytes():
    # small frames: twice the threads
    size, n = _allocation_pool_min(64, 320, 240, "I420")
    assert n == 128
    # 4K RGBA (33 MB a frame): 256 MiB of input at most, not 128 frames
    # (4.2 GB)
    size, n = _allocation_pool_min(64, 3840, 2160, "RGBA")
    assert size == 3840 * 2160 * 4
    assert 2 <= n and n * size <= 256 * 1024 * 1024, (n, size)

    # and what imencode actually holds is that many: one image in the
    # appsink, then max in flight (the one blocked in its push included)
    size, n = _allocation_pool_min(4, 320, 240, "I420")
    assert n == 8
    assert _frames_taken_while_downstream_blocks(4, 320, 240, "I420",
                                                 size) == 1 + 8
    # 1080p RGBA (8.3 MB): 64 threads would take 128, the 256 MiB bound
    # 32
    size, n = _allocation_pool_min(64, 1920, 1080, "RGBA")
    assert n == 256 * 1024 * 1024 // (1920 * 1080 * 4) == 32
    assert _frames_taken_while_downstream_blocks(64, 1920, 1080, "RGBA",
                                                 size) == 1 + 32
