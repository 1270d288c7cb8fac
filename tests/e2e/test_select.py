# gst-imencode end-to-end tests: which images a stream gives when a gate
# (max-rate, on-demand) and roi-select meet, what ImencodeMeta says of each
# image, and what happens to pending best views at EOS.
# SPDX-License-Identifier: LGPL-2.1-or-later

import numpy as np
import pytest

import imtest  # noqa: F401  (Gst.init)
from imtest import Gst, GstVideo, decode, make_image, rgb_frame_bytes

W, H = 320, 240


@pytest.fixture(scope="module")
def img():
    return make_image(W, H)


def _buffer(img, i, fps, rois):
    buf = Gst.Buffer.new_wrapped(rgb_frame_bytes(img))
    buf.pts = Gst.util_uint64_scale(i, Gst.SECOND, fps)
    buf.duration = Gst.util_uint64_scale(1, Gst.SECOND, fps)
    for (kind, x, y, w, h, track) in rois:
        m = GstVideo.buffer_add_video_region_of_interest_meta(buf, kind, x, y,
                                                              w, h)
        if track is not None:
            m.add_param(Gst.Structure.new_from_string(
                "object_id, id=(int)%d" % track))
    return buf


class Run:
    """imencode fed straight from this thread (threads=1 unless props say
    otherwise); outputs and bus messages collected."""

    def __init__(self, props, width=W, height=H, fps=10, fmt="RGB"):
        if "threads=" not in props:
            props += " threads=1"
        self.pipeline = Gst.parse_launch(
            "imencode name=enc %s ! appsink name=sink sync=false "
            "emit-signals=true" % props)
        self.enc = self.pipeline.get_by_name("enc")
        self.sink = self.pipeline.get_by_name("sink")
        self.pad = self.enc.get_static_pad("sink")
        self.fps = fps
        self.outputs = []
        # taken as they arrive (EOS waits for appsink's queue to empty)
        self.sink.connect("new-sample", lambda s: self._take(s.pull_sample()))
        self.pipeline.set_state(Gst.State.PLAYING)
        self.pad.send_event(Gst.Event.new_stream_start("select"))
        self.pad.send_event(Gst.Event.new_caps(Gst.Caps.from_string(
            "video/x-raw,format=%s,width=%d,height=%d,framerate=%d/1" %
            (fmt, width, height, fps))))
        seg = Gst.Segment()
        seg.init(Gst.Format.TIME)
        self.pad.send_event(Gst.Event.new_segment(seg))

    def push(self, buf):
        assert self.pad.chain(buf) == Gst.FlowReturn.OK

    def _take(self, sample):
        buf = sample.get_buffer()
        ok, info = buf.map(Gst.MapFlags.READ)
        data = bytes(info.data)
        buf.unmap(info)
        meta = buf.get_custom_meta("ImencodeMeta")
        fields = None
        if meta:
            st = imtest.plain(meta.get_structure())
            fields = {st.nth_field_name(i): st.get_value(st.nth_field_name(i))
                      for i in range(st.n_fields())}
        self.outputs.append((buf.pts, data, fields))
        return Gst.FlowReturn.OK

    def finish(self):
        self.pad.send_event(Gst.Event.new_eos())
        msgs = []
        bus = self.pipeline.get_bus()
        while True:
            m = bus.pop_filtered(Gst.MessageType.WARNING |
                                 Gst.MessageType.ERROR)
            if m is None:
                break
            msgs.append(m)
        self.pipeline.set_state(Gst.State.NULL)
        return msgs


# ---- the gate decides what is encoded, not what is seen ----

@pytest.mark.parametrize("select", ["best", "first"])
def test_one_object_ten_seconds_max_rate_one_image(img, select):
    # one object in view for 10 s at 10 fps, max-rate one frame a second:
    # one track, so one image (best: at EOS; first: at once)
    run = Run("roi-type=* roi-select=%s max-rate=1/1" % select)
    for i in range(100):
        run.push(_buffer(img, i, 10, [("person", 40 + i, 50, 60, 80, 7)]))
    msgs = run.finish()
    assert not [m for m in msgs if m.type == Gst.MessageType.ERROR]
    assert len(run.outputs) == 1, [o[0] for o in run.outputs]


def test_first_with_snapshots_apart_one_image(img):
    run = Run("roi-type=* roi-select=first on-demand=true")
    for i in range(60):
        if i % 15 == 0:
            run.enc.emit("snapshot")
        run.push(_buffer(img, i, 10, [("person", 40, 50, 60, 80, 3)]))
    run.finish()
    assert len(run.outputs) == 1


def test_track_seen_only_on_skipped_frames_still_gets_its_first(img):
    # a track that appears on a frame max-rate skips gets its first image
    # on the next frame that is encoded
    run = Run("roi-type=* roi-select=first max-rate=1/1")
    run.push(_buffer(img, 0, 10, []))
    for i in range(1, 20):
        run.push(_buffer(img, i, 10, [("car", 10, 10, 40, 30, 9)]))
    run.finish()
    assert [o[0] for o in run.outputs] == [Gst.SECOND]


# ---- a snapshot request waits for an image ----

def test_snapshot_request_waits_for_a_frame_with_regions(img):
    run = Run("roi-type=person on-demand=true")
    run.enc.emit("snapshot")
    for i in range(5):
        run.push(_buffer(img, i, 10, []))
    assert run.outputs == []
    run.push(_buffer(img, 5, 10, [("person", 20, 30, 40, 50, None)]))
    run.push(_buffer(img, 6, 10, [("person", 20, 30, 40, 50, None)]))
    run.finish()
    assert [o[0] for o in run.outputs] == [Gst.util_uint64_scale(
        5, Gst.SECOND, 10)]


def test_snapshot_request_waits_past_an_empty_crop(img):
    run = Run("on-demand=true crop-x=1000")
    run.enc.emit("snapshot")
    run.push(_buffer(img, 0, 10, []))
    assert run.outputs == []
    run.enc.set_property("crop-x", 0)
    run.push(_buffer(img, 1, 10, []))
    run.push(_buffer(img, 2, 10, []))
    run.finish()
    assert [o[0] for o in run.outputs] == [Gst.SECOND // 10]


# ---- ImencodeMeta: where the image came from and what it is ----

def test_meta_letterbox_content_rect_and_quality(img):
    run = Run("width=200 height=200 aspect-mode=letterbox pad-color=0xff0000ff"
              " format=png")
    run.push(_buffer(img, 0, 10, []))
    run.finish()
    (_pts, data, meta), = run.outputs
    assert (meta["image-width"], meta["image-height"]) == (200, 200)
    # 320x240 into 200x200: 200x150, centred
    assert (meta["content-x"], meta["content-y"], meta["content-width"],
            meta["content-height"]) == (0, 25, 200, 150)
    assert "quality" not in meta
    mode, im = decode(data)
    px = np.asarray(im.convert("RGB"))
    assert px.shape == (200, 200, 3)
    # outside the content: the pad colour; inside: the picture
    assert (px[:25] == [0, 0, 255]).all() and (px[175:] == [0, 0, 255]).all()
    assert not (px[25:175] == [0, 0, 255]).all(axis=2).any(axis=1).all()
    # a model box in the image maps back to the frame with the meta alone
    box_x, box_y = 100, 100
    fx = meta["x"] + (box_x - meta["content-x"]) * meta["width"] / \
        meta["content-width"]
    fy = meta["y"] + (box_y - meta["content-y"]) * meta["height"] / \
        meta["content-height"]
    assert (fx, fy) == (160.0, 120.0)


def test_meta_jpeg_quality_and_region_image_size(img):
    run = Run("roi-type=* quality=77 width=64")
    run.push(_buffer(img, 0, 10, [("a", 10, 20, 100, 50, None)]))
    run.finish()
    (_pts, data, meta), = run.outputs
    assert meta["quality"] == 77
    _mode, im = decode(data)
    assert (meta["image-width"], meta["image-height"]) == im.size == (64, 32)
    assert (meta["content-x"], meta["content-y"], meta["content-width"],
            meta["content-height"]) == (0, 0, 64, 32)


# ---- warnings once, not per image ----

def test_region_too_large_warns_once():
    # a region wider than JPEG allows, on every frame, beside a good one
    w, h = 65536, 2
    frame = np.zeros((h, w, 3), dtype=np.uint8)
    run = Run("roi-type=*", width=w, height=h)
    for i in range(5):
        run.push(_buffer(frame, i, 10, [("wide", 0, 0, w, h, None),
                                        ("small", 0, 0, 16, 2, None)]))
    msgs = run.finish()
    warnings = [m for m in msgs if m.type == Gst.MessageType.WARNING]
    assert len(run.outputs) == 5
    assert len(warnings) == 1, [m.parse_warning()[1] for m in warnings]


# ---- EOS with best views pending and downstream gone ----

def test_eos_push_failure_of_best_views_is_an_error(img):
    run = Run("roi-type=* roi-select=best")
    for i in range(5):
        run.push(_buffer(img, i, 10, [("person", 40, 50, 60, 80, 1)]))
    assert run.outputs == []
    # downstream goes away: the best view cannot be delivered at EOS
    src = run.enc.get_static_pad("src")
    src.unlink(src.get_peer())
    msgs = run.finish()
    errors = [m for m in msgs if m.type == Gst.MessageType.ERROR]
    assert errors, "a best view lost at EOS must not end the stream cleanly"
