# End-to-end test of examples/events-to-mqtt.py against a real broker:
# mosquitto on 127.0.0.1 at a free port (a configuration of its own in a
# temporary directory, no persistence), the example publishing the events
# of its synthetic camera, subscribers written with paho-mqtt. Every
# message is checked (JSON that parses, the JPEG Pillow decodes at the
# size the event states, topics as Frigate lays them out), the broker is
# restarted while the example runs (the events of the outage are queued,
# the oldest dropped past the queue's bound, the others arrive afterwards,
# and the pipeline goes on), and a late subscriber
# gets each label's last snapshot, retained. The broker and the example
# are stopped in `finally`, whatever failed. Skipped when mosquitto or
# paho-mqtt is not installed (Debian: mosquitto python3-paho-mqtt).
# SPDX-License-Identifier: LGPL-2.1-or-later

import base64
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

import pytest
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLE = os.path.join(ROOT, "examples", "events-to-mqtt.py")
sys.path.insert(0, HERE)
from test_examples import Proc  # noqa: E402

mqtt = pytest.importorskip("paho.mqtt.client",
                           reason="paho-mqtt (python3-paho-mqtt) missing")
MOSQUITTO = shutil.which("mosquitto") or (
    "/usr/sbin/mosquitto" if os.path.exists("/usr/sbin/mosquitto") else None)
pytestmark = pytest.mark.skipif(MOSQUITTO is None,
                                reason="mosquitto (Debian: mosquitto) missing")

LABELS = {"person", "car"}
MAX_BYTES = 60000
QUEUE = 2           # events the example keeps while the broker is away


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    """mosquitto on 127.0.0.1:@port, configured from a file in @tmp."""

    def __init__(self, tmp, port):
        self.port = port
        self.conf = os.path.join(tmp, "mosquitto.conf")
        self.log = os.path.join(tmp, "mosquitto.log")
        with open(self.conf, "w") as f:
            f.write("listener %d 127.0.0.1\nallow_anonymous true\n"
                    "persistence false\n" % port)
        self.p = None

    def start(self):
        with open(self.log, "a") as log:
            self.p = subprocess.Popen([MOSQUITTO, "-c", self.conf],
                                      stdout=log, stderr=log,
                                      start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            assert self.p.poll() is None, self.log_text()
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("mosquitto did not listen: " + self.log_text())

    def stop(self):
        if self.p is None:
            return
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait(timeout=5)
        self.p = None

    def log_text(self):
        with open(self.log) as f:
            return f.read()[-2000:]


class Subscriber:
    """A paho client subscribed to @topic (QoS 1), keeping every message
    as (topic, payload, retain); connected before the constructor
    returns."""

    def __init__(self, port, topic):
        self.messages = []
        self.lock = threading.Lock()
        self.subscribed = threading.Event()
        if hasattr(mqtt, "CallbackAPIVersion"):
            self.c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        else:
            self.c = mqtt.Client()
        self.c.on_message = self._on_message
        self.c.on_subscribe = lambda *a: self.subscribed.set()
        self.c.connect("127.0.0.1", port, keepalive=10)
        self.c.subscribe(topic, qos=1)
        self.c.loop_start()
        assert self.subscribed.wait(10), "no SUBACK"

    def _on_message(self, client, userdata, msg):
        with self.lock:
            self.messages.append((msg.topic, bytes(msg.payload),
                                  bool(msg.retain)))

    def snapshot(self):
        with self.lock:
            return list(self.messages)

    def wait_for(self, n, topic, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if sum(t == topic for t, _, _ in self.snapshot()) >= n:
                return
            time.sleep(0.05)
        raise AssertionError("fewer than %d messages on %s in %s s: %d" %
                             (n, topic, timeout, len(self.snapshot())))

    def stop(self):
        self.c.disconnect()
        self.c.loop_stop()


def wait_line_after(proc, start, pattern, timeout):
    """The index of the first stderr line of @proc from index @start on
    that matches @pattern, waiting up to @timeout s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = list(proc.stderr)
        for i in range(start, len(lines)):
            if re.search(pattern, lines[i]):
                return i
        time.sleep(0.02)
    raise AssertionError("no stderr line matching %r within %s s: %r" %
                         (pattern, timeout, proc.stderr[-20:]))


def check_event(payload):
    """One message of <prefix>/events: the event and its JPEG's bytes."""
    ev = json.loads(payload)
    img = ev["image"]
    assert img["mime_type"] == "image/jpeg"
    jpeg = base64.b64decode(img["data"], validate=True)
    with Image.open(io.BytesIO(jpeg)) as im:
        assert im.format == "JPEG"
        im.load()
        assert im.size == (img["width"], img["height"])
    assert ev["reason"] == "best"
    assert ev["roi"]["type"] in LABELS
    if "tags" in ev:
        assert ev["tags"] == {"camera": "cam1"}
    return ev, jpeg


def check_snapshot(payload):
    with Image.open(io.BytesIO(payload)) as im:
        assert im.format == "JPEG"
        im.load()


def test_events_to_mqtt_survive_broker_restart(tmp_path):
    prefix = "imencode-test/%s" % uuid.uuid4().hex[:8]
    events_topic = prefix + "/events"
    broker = Broker(str(tmp_path), free_port())
    subs = []
    example = None
    try:
        broker.start()
        subs.append(Subscriber(broker.port, prefix + "/#"))
        example = Proc(["/usr/bin/python3", EXAMPLE, "--host", "127.0.0.1",
                        "--port", str(broker.port), "--prefix", prefix,
                        "--camera", "cam1", "--max-bytes", str(MAX_BYTES),
                        "--fps", "10", "--queue", str(QUEUE),
                        "--reconnect-max", "2"], env=dict(os.environ))
        example.wait_stderr(r"connected to 127\.0\.0\.1", timeout=20)
        subs[0].wait_for(2, events_topic, timeout=30)

        # the broker goes away just after an event (the next comes about
        # a second later, so none is in flight); the example queues
        broker.stop()
        subs[0].stop()
        i = wait_line_after(example, 0, r"disconnected", timeout=20)
        # more events than the queue holds: the oldest are dropped
        i = wait_line_after(example, i, r": queued \(%d waiting, 1 dropped"
                            % QUEUE, timeout=20)

        # back on the same port right after one of the example's attempts
        # failed: paho waits 2 s before the next (--reconnect-max 2), so a
        # subscriber is there before the example reconnects and sends its
        # queue
        wait_line_after(example, i, r"could not reach", timeout=20)
        broker.start()
        subs.append(Subscriber(broker.port, prefix + "/#"))
        line = example.wait_stderr(r"sent [1-9]\d* queued events",
                                   timeout=30)
        queued = int(re.search(r"sent (\d+) queued", line).group(1))
        assert queued == QUEUE
        subs[1].wait_for(queued + 2, events_topic, timeout=30)

        # Ctrl-C: imencode sends the tracks still in view, the example
        # publishes them and exits
        example.signal(signal.SIGINT)
        assert example.wait(timeout=30) == 0, example.stderr[-20:]
        done = example.wait_stderr(r"done: \d+ events", timeout=1)
        assert "not delivered" not in done
        dropped = int(re.search(r"(\d+) dropped", done).group(1))
        assert dropped >= 1
        time.sleep(0.5)

        # every event the example took from imencode arrived, in the
        # order it was taken (per subscriber), each checked
        taken = [(m.group(1), int(m.group(2)), m.group(3)) for m in
                 (re.search(r"event \d+: (\w+) track (\d+).*: (\w+)", line)
                  for line in example.stderr) if m]
        assert len(taken) >= queued + dropped + 4
        # of the events queued during the outage, the oldest were dropped
        queued_events = [t[:2] for t in taken if t[2] == "queued"]
        assert len(queued_events) == queued + dropped
        sent = set(t[:2] for t in taken) - set(queued_events[:dropped])
        received = []
        snapshots = {}
        last_snapshot = {}
        has_max_bytes = not any("no max-bytes property" in line
                                for line in example.stderr)
        for n, sub in enumerate(subs):
            for topic, payload, retain in sub.snapshot():
                if topic == events_topic:
                    assert not retain
                    if has_max_bytes:
                        assert len(payload) <= MAX_BYTES
                    ev, jpeg = check_event(payload)
                    received.append((ev["roi"]["type"],
                                     ev["roi"]["track_id"]))
                    snapshots.setdefault(ev["roi"]["type"], set()).add(jpeg)
                    continue
                m = re.fullmatch(re.escape(prefix) + r"/cam1/(\w+)/snapshot",
                                 topic)
                assert m and m.group(1) in LABELS, topic
                check_snapshot(payload)
                if n == len(subs) - 1:
                    last_snapshot[topic] = payload
        # duplicates are allowed (QoS 1), losses are not
        assert set(received) == sent, (sent, received)
        for label, jpegs in snapshots.items():
            for topic, payload in last_snapshot.items():
                if topic.endswith("/%s/snapshot" % label):
                    assert payload in jpegs
        assert last_snapshot

        # a subscriber that comes later gets each label's last snapshot,
        # retained
        late = Subscriber(broker.port, prefix + "/+/+/snapshot")
        subs.append(late)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and \
                len(late.snapshot()) < len(last_snapshot):
            time.sleep(0.05)
        got = {t: (p, r) for t, p, r in late.snapshot()}
        assert set(got) == set(last_snapshot)
        for topic, (payload, retain) in got.items():
            assert retain
            assert payload == last_snapshot[topic]
    finally:
        for sub in subs:
            try:
                sub.stop()
            except Exception:       # noqa: BLE001 (best effort)
                pass
        if example is not None:
            example.stop()
        broker.stop()
