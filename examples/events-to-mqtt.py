#!/usr/bin/python3
"""gst-imencode example: object events into an MQTT broker, as Frigate
lays out its topics.

    appsrc (a synthetic camera + its detections as region metadata)
      ! imencode roi-type=* roi-select=best encoding=json [max-bytes=N]
      ! appsink -> paho-mqtt -> broker

Each event imencode makes (one JSON object: the track's best view, its
box, type, confidence, track id, time, and the JPEG as base64) is
published, as imencode wrote it, to

    <prefix>/events                           QoS 1

and the JPEG itself, decoded from the event, to

    <prefix>/<camera>/<label>/snapshot        QoS 1, retained

so a client that subscribes later still gets the last snapshot of each
label at once (Frigate's frigate/events and
frigate/<camera>/<object>/snapshot).

The broker may go away and come back: paho reconnects in its network
thread (after 1 s, then waiting twice as long each time, up to
--reconnect-max seconds, default 10) while the pipeline runs on.
Events that come while there is no connection wait in a queue of at most
--queue events (default 100); when it is full the oldest is dropped and
counted, so a long outage costs the oldest events and never memory.
Snapshots are not queued: only the newest of each topic is kept, and sent
on reconnection. On reconnection the queue is sent in order, then what
comes next. What happened is printed on stderr (connections, each event,
queued and dropped counts); at the end a summary line.

--max-bytes sets imencode's max-bytes property, so no event (its base64
text included) is larger than the broker takes: AWS IoT Core takes
128 KB payloads (--max-bytes 131072), Azure IoT Hub 256 KB. An imencode
without that property (older builds) runs without it, with a warning.

The camera is a stand-in for a camera, detector and tracker: 320x240 RGB
at --fps frames per second (default 10) in which an object ("person" and
"car" in turn) crosses the scene every second and leaves again; each
frame carries, for every object in view, a GstVideoRegionOfInterestMeta
with its box, a "detection" parameter (confidence) and an "object_id"
parameter (its track id), which is what DL Streamer's gvadetect +
gvatrack attach, and a GstReferenceTimestampMeta with the wall-clock time
(the events' "utc"). A real application puts its source and detector
there instead. The metadata is added by the application to the buffers it
pushes, not in a pad probe: on older PyGObject (Debian 12) a probe's
buffer is not writable.

Run (Ctrl-C ends it: imencode sends the events of the tracks still in
view, they are published, and the program exits):

    GST_PLUGIN_PATH=build/gst /usr/bin/python3 examples/events-to-mqtt.py \\
        --host localhost --prefix imencode --camera front [--frames N]

    mosquitto_sub -v -t 'imencode/events'

Needs python3-paho-mqtt (1.6 on Debian 12 and 2.x on Debian 13 both
work) and an imencode with roi-select and encoding=json.

SPDX-License-Identifier: LGPL-2.1-or-later
"""

import argparse
import base64
import collections
import json
import signal
import sys
import threading
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstApp", "1.0")
gi.require_version("GstVideo", "1.0")
# GstApp: loading it gives appsink its methods (try_pull_sample)
from gi.repository import Gst, GstApp, GstVideo  # noqa: E402,F401

import paho.mqtt.client as mqtt  # noqa: E402

WIDTH, HEIGHT = 320, 240
LABELS = ["person", "car"]
COLORS = {"person": (230, 40, 40), "car": (40, 200, 70)}


def log(text):
    print("events-to-mqtt: " + text, file=sys.stderr, flush=True)


# ---- the synthetic camera ----------------------------------------------

def objects_in_view(t):
    """The objects in view at @t seconds: object k enters at k seconds,
    crosses the scene in 0.8 s and leaves, so imencode (roi-select=best)
    takes its track as ended 1 s of stream time later and sends its
    event. A list of (track id, label, (x, y, w, h), confidence)."""
    k = int(t)
    u = t - k
    if u >= 0.8:
        return []
    label = LABELS[k % 2]
    w, h = (40, 90) if label == "person" else (90, 45)
    x = int(10 + (WIDTH - w - 20) * u / 0.8)
    y = 40 + (k % 3) * 50
    # best view half-way across
    confidence = round(0.95 - 0.5 * abs(u - 0.4), 3)
    return [(100 + k, label, (x, y, w, h), confidence)]


def make_buffer(i, fps, utc_ns):
    t = i / fps
    frame = bytearray(WIDTH * HEIGHT * 3)
    objs = objects_in_view(t)
    for _, label, (x, y, w, h), _ in objs:
        # a box of the label's colour with a darker band, so the JPEG is
        # not flat
        for yy in range(y, y + h):
            color = COLORS[label] if (yy - y) % 16 < 12 else (20, 20, 20)
            row = bytes(color) * w
            start = (yy * WIDTH + x) * 3
            frame[start:start + 3 * w] = row
    buf = Gst.Buffer.new_wrapped(bytes(frame))
    buf.pts = Gst.util_uint64_scale(i, Gst.SECOND, fps)
    buf.duration = Gst.util_uint64_scale(i + 1, Gst.SECOND, fps) - buf.pts
    buf.add_reference_timestamp_meta(
        Gst.Caps.from_string("timestamp/x-unix"), utc_ns,
        Gst.CLOCK_TIME_NONE)
    for n, (track, label, (x, y, w, h), conf) in enumerate(objs):
        meta = GstVideo.buffer_add_video_region_of_interest_meta(
            buf, label, x, y, w, h)
        meta.id = n + 1
        meta.add_param(Gst.Structure.new_from_string(
            "detection, confidence=(double)%r" % conf))
        meta.add_param(Gst.Structure.new_from_string(
            "object_id, id=(int)%d" % track))
    return buf


def feed(src, fps, frames, stop, failed):
    """Pushes frames at @fps in real time (a live camera) until @frames
    were pushed (0: until @stop is set), then EOS."""
    start = time.monotonic()
    i = 0
    while not stop.is_set() and (frames == 0 or i < frames):
        if src.emit("push-buffer", make_buffer(i, fps, time.time_ns())) != \
                Gst.FlowReturn.OK:
            failed.set()
            return
        i += 1
        delay = start + i / fps - time.monotonic()
        if delay > 0:
            stop.wait(delay)
    src.emit("end-of-stream")


# ---- MQTT --------------------------------------------------------------

class Publisher:
    """One paho client, connected in the background and reconnected by
    paho's network thread; events queued (bounded) while disconnected,
    snapshots kept newest-only."""

    def __init__(self, args):
        self.prefix = args.prefix.rstrip("/")
        self.camera = args.camera
        self.lock = threading.Lock()
        self.connected = False
        self.backlog = collections.deque()
        self.queue_max = args.queue
        self.pending_snapshots = {}
        self.dropped = 0
        self.published = 0
        self.snapshots = 0
        self.infos = []
        if hasattr(mqtt, "CallbackAPIVersion"):
            # paho-mqtt 2.x: callbacks with reason codes and properties
            self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        else:
            self.client = mqtt.Client()        # paho-mqtt 1.x
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_connect_fail = self._on_connect_fail
        self.client.reconnect_delay_set(min_delay=1,
                                        max_delay=args.reconnect_max)
        # paho's own queue of QoS 1 messages (those in flight when the
        # connection drops are sent again): bounded too
        self.client.max_queued_messages_set(self.queue_max + 100)
        self.where = "%s:%d" % (args.host, args.port)
        self.client.connect_async(args.host, args.port, keepalive=10)
        self.client.loop_start()

    # 1.x: (client, userdata, flags, rc); 2.x: (..., reason_code, props)
    def _on_connect(self, client, userdata, flags, rc, *props):
        if getattr(rc, "is_failure", rc != 0):
            log("connection refused: %s" % rc)
            return
        with self.lock:
            self.connected = True
            sent = len(self.backlog)
            while self.backlog:
                topic, payload, retain = self.backlog.popleft()
                self._publish(topic, payload, retain)
            for topic, payload in self.pending_snapshots.items():
                self._publish(topic, payload, True)
            self.pending_snapshots.clear()
            dropped = self.dropped
        log("connected to %s; sent %d queued events (%d dropped so far)" %
            (self.where, sent, dropped))

    # 1.x: (client, userdata, rc); 2.x: (client, userdata, flags, rc, props)
    def _on_disconnect(self, client, userdata, *args):
        with self.lock:
            was = self.connected
            self.connected = False
        if was:
            log("disconnected: reconnecting in the background")

    # 1.6 and 2.x: (client, userdata)
    def _on_connect_fail(self, client, userdata):
        log("could not reach %s: trying again" % self.where)

    def _publish(self, topic, payload, retain):
        info = self.client.publish(topic, payload, qos=1, retain=retain)
        self.infos.append(info)
        del self.infos[:-200]

    def event(self, text, label, jpeg):
        """Publishes one event and its snapshot, or queues them."""
        events_topic = self.prefix + "/events"
        snap_topic = "%s/%s/%s/snapshot" % (self.prefix, self.camera, label)
        with self.lock:
            self.published += 1
            self.snapshots += 1
            if self.connected:
                self._publish(events_topic, text, False)
                self._publish(snap_topic, jpeg, True)
                return "published"
            if len(self.backlog) >= self.queue_max:
                self.backlog.popleft()
                self.dropped += 1
            self.backlog.append((events_topic, text, False))
            self.pending_snapshots[snap_topic] = jpeg
            return "queued (%d waiting, %d dropped)" % (len(self.backlog),
                                                        self.dropped)

    @staticmethod
    def _sent(info):
        """True once the broker acknowledged @info's message, False while
        it may still be, None if paho gave it up (paho 2.x raises then)."""
        try:
            return info.is_published()
        except (ValueError, RuntimeError):
            return None

    def close(self, timeout):
        """Waits up to @timeout s for what is queued and in flight, then
        disconnects. True if everything went out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                done = self.connected and not self.backlog and \
                    all(self._sent(i) is not False for i in self.infos)
            if done:
                break
            time.sleep(0.05)
        with self.lock:
            left = len(self.backlog) + sum(not self._sent(i)
                                           for i in self.infos)
        self.client.disconnect()
        self.client.loop_stop()
        return left == 0


# ---- the pipeline ------------------------------------------------------

def build_pipeline(args):
    """The pipeline and its imencode; None and why if this imencode lacks
    what the example needs."""
    enc = Gst.ElementFactory.make("imencode", "enc")
    if enc is None:
        return None, ("no imencode element: set GST_PLUGIN_PATH to the "
                      "directory holding libgstimencode.so")
    if enc.find_property("roi-select") is None:
        return None, "this imencode has no roi-select property (too old)"
    pipeline = Gst.parse_launch(
        "appsrc name=src format=time is-live=true block=true "
        "max-bytes=%d caps=video/x-raw,format=RGB,width=%d,height=%d,"
        "framerate=%d/1 ! imencode name=enc roi-type=* roi-select=best "
        "encoding=json quality=%d ! appsink name=sink sync=false"
        % (4 * WIDTH * HEIGHT * 3, WIDTH, HEIGHT, args.fps, args.quality))
    enc = pipeline.get_by_name("enc")
    if enc.get_property("encoding").value_nick != "json":
        return None, "this imencode has no encoding=json (too old)"
    if args.max_bytes:
        if enc.find_property("max-bytes") is not None:
            enc.set_property("max-bytes", args.max_bytes)
        else:
            log("warning: this imencode has no max-bytes property: events "
                "are not limited to %d bytes" % args.max_bytes)
    if enc.find_property("tags") is not None:
        enc.set_property("tags", json.dumps({"camera": args.camera}))
    return pipeline, None


def bus_error(pipeline):
    bus = pipeline.get_bus()
    while True:
        msg = bus.pop_filtered(Gst.MessageType.ERROR |
                               Gst.MessageType.WARNING)
        if msg is None:
            return None
        if msg.type == Gst.MessageType.ERROR:
            err, dbg = msg.parse_error()
            return "%s: %s (%s)" % (msg.src.get_name(), err.message, dbg)
        err, _ = msg.parse_warning()
        log("warning: %s: %s" % (msg.src.get_name(), err.message))


def main():
    parser = argparse.ArgumentParser(
        description="Publish imencode's object events to an MQTT broker.")
    parser.add_argument("--host", default="localhost",
                        help="broker host (default localhost)")
    parser.add_argument("--port", type=int, default=1883,
                        help="broker port (default 1883)")
    parser.add_argument("--prefix", default="imencode",
                        help="topic prefix (default imencode)")
    parser.add_argument("--camera", default="camera",
                        help="camera name in the snapshot topics "
                        "(default camera)")
    parser.add_argument("--max-bytes", type=int, default=0,
                        help="imencode max-bytes: the largest event the "
                        "broker takes, base64 text included (0: no limit)")
    parser.add_argument("--queue", type=int, default=100,
                        help="events kept while the broker is away; "
                        "older ones are dropped (default 100)")
    parser.add_argument("--reconnect-max", type=int, default=10,
                        help="longest wait between two connection "
                        "attempts, in seconds (default 10)")
    parser.add_argument("--frames", type=int, default=0,
                        help="frames to send, then stop (default 0: until "
                        "Ctrl-C)")
    parser.add_argument("--fps", type=int, default=10,
                        help="frames per second (default 10)")
    parser.add_argument("--quality", type=int, default=85,
                        help="JPEG quality (default 85)")
    args = parser.parse_args()
    if args.frames < 0 or args.fps < 1 or args.queue < 1 or \
            args.max_bytes < 0 or args.reconnect_max < 1:
        parser.error("--frames, --max-bytes >= 0; --fps, --queue, "
                     "--reconnect-max >= 1")
    if any(c in args.camera + args.prefix for c in "+#") or \
            "/" in args.camera:
        parser.error("--camera and --prefix cannot hold MQTT wildcards; "
                     "--camera no '/'")

    Gst.init(None)
    pipeline, why = build_pipeline(args)
    if pipeline is None:
        log(why)
        return 2

    stop = threading.Event()
    failed = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())

    pub = Publisher(args)
    src = pipeline.get_by_name("src")
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    feeder = threading.Thread(target=feed, args=(src, args.fps, args.frames,
                                                 stop, failed), daemon=True)
    feeder.start()

    error = None
    count = 0
    while True:
        sample = sink.try_pull_sample(200 * Gst.MSECOND)
        if sample is None:
            if sink.is_eos():
                break
            error = bus_error(pipeline)
            if error or failed.is_set():
                break
            continue
        buf = sample.get_buffer()
        text = buf.extract_dup(0, buf.get_size()).rstrip(b"\n")
        event = json.loads(text)
        label = event.get("roi", {}).get("type", "frame")
        jpeg = base64.b64decode(event["image"]["data"])
        count += 1
        what = pub.event(text, label, jpeg)
        log("event %d: %s track %s, %d bytes (JPEG %d): %s" %
            (count, label, event.get("roi", {}).get("track_id"), len(text),
             len(jpeg), what))

    if error is None:
        error = bus_error(pipeline)
    pipeline.set_state(Gst.State.NULL)
    stop.set()
    feeder.join(timeout=5)
    delivered = pub.close(timeout=10)
    log("done: %d events, %d dropped while the broker was away%s" %
        (count, pub.dropped, "" if delivered else
         ", some not delivered (no broker)"))
    if error:
        log("error: %s" % error)
        return 1
    if failed.is_set():
        log("the pipeline stopped early")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
