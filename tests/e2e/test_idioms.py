# gst-imencode end-to-end tests: what GStreamer users expect of any encoder
# or decoder in ordinary pipelines (caps negotiation through videorate,
# latency on camera frame rates, serialized events in order without
# stalling the encoders, output buffers given back after a burst).
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import subprocess
import time

import imtest  # noqa: F401  (Gst.init)
from imtest import Gst

LAUNCH = "gst-launch-1.0"


def _launch(desc, timeout_s=60):
    env = dict(os.environ)
    return subprocess.run([LAUNCH, "-q"] + desc.split(), env=env,
                          capture_output=True, text=True, timeout=timeout_s)


# ---- negotiation: downstream's framerate reaches upstream ----

def test_videorate_before_imencode_takes_downstream_framerate():
    # as with jpegenc: videorate converts to what the capsfilter after
    # imencode allows
    res = _launch("videotestsrc num-buffers=30 ! video/x-raw,framerate=30/1 "
                  "! videorate ! imencode ! image/jpeg,framerate=5/1 ! "
                  "fakesink")
    assert res.returncode == 0, res.stderr + res.stdout
    assert "ERROR" not in res.stderr


def test_sink_caps_query_carries_downstream_framerate():
    pipeline = Gst.parse_launch(
        "imencode name=enc ! image/jpeg,framerate=5/1 ! fakesink")
    enc = pipeline.get_by_name("enc")
    caps = enc.get_static_pad("sink").query_caps(None)
    assert not caps.is_empty()
    for i in range(caps.get_size()):
        ok, num, den = imtest.plain(caps.get_structure(i)).get_fraction(
            "framerate")
        assert ok and (num, den) == (5, 1), caps.to_string()
    # a filter is honoured, and a refused rate leaves nothing
    filt = Gst.Caps.from_string("video/x-raw,framerate=30/1")
    assert enc.get_static_pad("sink").query_caps(filt).is_empty()
    # the formats of the template stay
    s0 = imtest.plain(caps.get_structure(0))
    assert s0.get_name() == "video/x-raw"
    assert s0.has_field("format")


def test_sink_caps_query_unrestricted_without_downstream_rate():
    pipeline = Gst.parse_launch("imencode name=enc ! image/png ! fakesink")
    enc = pipeline.get_by_name("enc")
    caps = enc.get_static_pad("sink").query_caps(None)
    filt = Gst.Caps.from_string("video/x-raw,format=I420,framerate=7/3")
    assert not caps.intersect(filt).is_empty()


# ---- latency on a camera's frame rate ----

def test_latency_on_ntsc_like_rate_has_no_overflow():
    # 10000000/333333 fps (many UVC webcams): the latency maths must not
    # overflow (it printed a GStreamer-CRITICAL and stalled)
    desc = ("videotestsrc is-live=true num-buffers=45 ! "
            "video/x-raw,width=320,height=240,framerate=10000000/333333 ! "
            "imencode threads=2 ! fakesink sync=true")
    start = time.monotonic()
    res = _launch(desc, timeout_s=60)
    took = time.monotonic() - start
    assert res.returncode == 0, res.stderr + res.stdout
    assert "CRITICAL" not in res.stderr, res.stderr
    # 45 frames at 30 fps: 1.5 s plus start-up, not seconds of stall
    assert took < 15, took


def test_latency_reported_is_one_frame_at_huge_denominator():
    pipeline = Gst.parse_launch(
        "videotestsrc is-live=true ! video/x-raw,width=160,height=120,"
        "framerate=10000000/333333 ! imencode name=enc threads=2 ! "
        "fakesink name=sink sync=false")
    pipeline.set_state(Gst.State.PLAYING)
    try:
        assert pipeline.get_state(10 * Gst.SECOND)[0] != \
            Gst.StateChangeReturn.FAILURE
        time.sleep(1.0)
        q = Gst.Query.new_latency()
        assert pipeline.get_by_name("enc").get_static_pad("src").query(q)
        live, minimum, _maximum = q.parse_latency()
        assert live
        # upstream's own (videotestsrc: one frame) plus ours: one frame,
        # more only if a frame took longer than 33 ms to encode
        frame = 333333 * Gst.SECOND // 10000000
        assert minimum <= 4 * frame, minimum
    finally:
        pipeline.set_state(Gst.State.NULL)


# ---- serialized events travel with the frames ----

CUSTOM = "imtest-marker"


def _event_order_pipeline(threads):
    pipeline = Gst.parse_launch(
        "appsrc name=src format=time ! imencode threads=%d ! "
        "appsink name=sink sync=false max-buffers=1 drop=false" % threads)
    src = pipeline.get_by_name("src")
    src.set_property("caps", Gst.Caps.from_string(
        "video/x-raw,format=I420,width=64,height=48,framerate=30/1"))
    seen = []

    def probe(pad, info):
        if info.type & Gst.PadProbeType.BUFFER:
            seen.append(("frame", info.get_buffer().pts))
        elif info.type & Gst.PadProbeType.EVENT_DOWNSTREAM:
            ev = info.get_event()
            st = ev.get_structure()
            st = imtest.plain(st) if st is not None else None
            if st is not None and st.get_name() == CUSTOM:
                seen.append(("event", st.get_value("n")))
        return Gst.PadProbeReturn.OK

    pipeline.get_by_name("sink").get_static_pad("sink").add_probe(
        Gst.PadProbeType.BUFFER | Gst.PadProbeType.EVENT_DOWNSTREAM, probe)
    return pipeline, src, seen


def _frame(n):
    buf = Gst.Buffer.new_wrapped(bytes([n % 256]) * (64 * 48 * 3 // 2))
    buf.pts = n * Gst.SECOND // 30
    buf.duration = Gst.SECOND // 30
    return buf


def _marker(n):
    return Gst.Event.new_custom(Gst.EventType.CUSTOM_DOWNSTREAM,
                                Gst.Structure.new_from_string(
                                    "%s, n=(int)%d" % (CUSTOM, n)))


def test_events_do_not_wait_for_the_frames_in_flight():
    # downstream holds one buffer and blocks the next push: with 2 threads
    # (4 frames in flight) an event after 3 frames must not wait for them
    # to go out, so the frame after it is taken from appsrc at once
    pipeline, src, seen = _event_order_pipeline(2)
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    try:
        for n in range(3):
            assert src.emit("push-buffer", _frame(n)) == Gst.FlowReturn.OK
        assert src.send_event(_marker(3))
        assert src.emit("push-buffer", _frame(3)) == Gst.FlowReturn.OK
        deadline = time.monotonic() + 10
        while (src.get_property("current-level-buffers") > 0 and
               time.monotonic() < deadline):
            time.sleep(0.05)
        assert src.get_property("current-level-buffers") == 0, \
            "the event stalled the stream until downstream took the frames"
        src.emit("end-of-stream")
        got = 0
        while True:
            sample = sink.emit("try-pull-sample", 10 * Gst.SECOND)
            if sample is None:
                break
            got += 1
        assert got == 4
        # the event arrived after the three frames before it and before
        # the frame after it
        assert seen == [("frame", n * Gst.SECOND // 30) for n in range(3)] + \
            [("event", 3), ("frame", 3 * Gst.SECOND // 30)], seen
    finally:
        pipeline.set_state(Gst.State.NULL)


def test_events_in_order_with_frames_many_threads():
    for threads in (1, 4):
        pipeline, src, seen = _event_order_pipeline(threads)
        sink = pipeline.get_by_name("sink")
        sink.set_property("max-buffers", 0)
        pipeline.set_state(Gst.State.PLAYING)
        try:
            expect = []
            for n in range(60):
                if n % 10 == 5:
                    assert src.send_event(_marker(n))
                    expect.append(("event", n))
                assert src.emit("push-buffer", _frame(n)) == Gst.FlowReturn.OK
                expect.append(("frame", n * Gst.SECOND // 30))
            src.emit("end-of-stream")
            got = 0
            while sink.emit("try-pull-sample", 30 * Gst.SECOND) is not None:
                got += 1
            assert got == 60
            assert seen == expect, (threads, seen)
        finally:
            pipeline.set_state(Gst.State.NULL)
