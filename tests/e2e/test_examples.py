# End-to-end tests of the example applications in examples/, run as a user
# runs them (a separate process, its options, its output) and checked by
# what they produce: files and printed lines of snapshot, HTTP responses of
# mjpeg-http.py read with http.client and a page rendered by headless
# Chromium, the JSON lines of objects-to-json.py; every image decoded with
# Pillow. Every process has a time limit and is killed in `finally`.
# SPDX-License-Identifier: LGPL-2.1-or-later

import base64
import datetime
import http.client
import importlib.util
import io
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np
import pytest
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLES = os.path.join(ROOT, "examples")
# meson passes the built C example; by hand, the usual build directory
SNAPSHOT = os.environ.get("IMENCODE_SNAPSHOT_EXAMPLE",
                          os.path.join(ROOT, "build", "examples", "snapshot"))
MJPEG = os.path.join(EXAMPLES, "mjpeg-http.py")
OBJECTS = os.path.join(EXAMPLES, "objects-to-json.py")

SNAP_LINE = re.compile(r"^saved (.+): (\d+) bytes, pts (\d+):(\d\d):(\d\d)\."
                       r"(\d{9}), (\d+)x(\d+)$")


class Proc:
    """A child process whose stdout and stderr lines are read by threads,
    so that a test can wait for a line with a time limit. It is the leader
    of a process group of its own: stop() ends it and anything it
    started."""

    def __init__(self, args, stdin=subprocess.DEVNULL, cwd=None, env=None):
        self.p = subprocess.Popen(args, stdin=stdin, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, cwd=cwd, env=env,
                                  start_new_session=True, text=True,
                                  bufsize=1)
        self.out = queue.Queue()
        self.stdout, self.stderr = [], []
        self._threads = [
            threading.Thread(target=self._read, args=(self.p.stdout,
                                                      self.stdout, True),
                             daemon=True),
            threading.Thread(target=self._read, args=(self.p.stderr,
                                                      self.stderr, False),
                             daemon=True)]
        for t in self._threads:
            t.start()

    def _read(self, f, lines, to_queue):
        for line in f:
            line = line.rstrip("\n")
            lines.append(line)
            if to_queue:
                self.out.put(line)

    def expect(self, pattern, timeout=10):
        """The next stdout line matching @pattern (regex); fails after
        @timeout seconds."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                line = self.out.get(timeout=max(left, 0.01))
            except queue.Empty:
                raise AssertionError(
                    "no line matching %r within %s s; stdout %r, stderr %r" %
                    (pattern, timeout, self.stdout, self.stderr[-20:]))
            m = re.search(pattern, line)
            if m:
                return m

    def wait_stderr(self, pattern, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.stderr):
                if re.search(pattern, line):
                    return line
            time.sleep(0.05)
        raise AssertionError("no stderr line matching %r within %s s: %r" %
                             (pattern, timeout, self.stderr[-20:]))

    def signal(self, sig):
        self.p.send_signal(sig)

    def _exited(self):
        """Whether the child has exited, without reaping it: until it is
        reaped its pid, which is also its group's id, cannot be reused."""
        if self.p.returncode is not None:
            return True
        info = os.waitid(os.P_PID, self.p.pid,
                         os.WEXITED | os.WNOHANG | os.WNOWAIT)
        return info is not None

    def _reap(self):
        # anything the child started and left behind in its group goes
        # first; then the child itself is reaped
        try:
            os.killpg(self.p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        rc = self.p.wait(timeout=10)
        for t in self._threads:
            t.join(timeout=5)
        return rc

    def wait(self, timeout=15):
        """The exit code, once the child has exited by itself; raises
        subprocess.TimeoutExpired after @timeout seconds."""
        if self.p.returncode is not None:
            return self.p.returncode
        deadline = time.monotonic() + timeout
        while not self._exited():
            if time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(self.p.args, timeout)
            time.sleep(0.02)
        return self._reap()

    def stop(self):
        """Kills the child (if still there) and its process group, reaps
        it and closes the pipes."""
        if self.p.returncode is None:
            self._reap()
        for f in (self.p.stdin, self.p.stdout, self.p.stderr):
            if f is not None and not f.closed:
                try:
                    f.close()
                except OSError:
                    pass


def decode_jpeg(data):
    im = Image.open(io.BytesIO(data))
    im.load()
    assert im.format == "JPEG"
    return im


# --------------------------------------------------------------------------
# snapshot (C)

@pytest.fixture
def snapshot_bin():
    if not os.access(SNAPSHOT, os.X_OK):
        pytest.fail("the snapshot example is not built: %s (meson builds "
                    "it; set IMENCODE_SNAPSHOT_EXAMPLE)" % SNAPSHOT)
    return SNAPSHOT


def snapshot_files(d):
    return sorted(f for f in os.listdir(d) if f.endswith(".jpg"))


def check_snapshots(d, lines, n, cwd=None):
    """Exactly @n JPEG files in @d, named snapshot-001.jpg ..., each 640x480
    and a different frame, each described by one of the printed @lines
    (name, size, PTS, the meta's size). Returns the PTS list."""
    names = snapshot_files(d)
    assert names == ["snapshot-%03d.jpg" % (i + 1) for i in range(n)], names
    saved = [SNAP_LINE.match(line) for line in lines]
    saved = [m for m in saved if m]
    assert len(saved) == n, lines
    pts, pixels = [], []
    for name, m in zip(names, saved):
        path = os.path.join(d, name)
        assert os.path.basename(m.group(1)) == name
        assert os.path.samefile(os.path.join(cwd or os.getcwd(),
                                             m.group(1)), path)
        assert int(m.group(2)) == os.path.getsize(path)
        assert (int(m.group(7)), int(m.group(8))) == (640, 480)
        im = decode_jpeg(open(path, "rb").read())
        assert im.size == (640, 480)
        pixels.append(np.asarray(im.convert("RGB"), np.int16))
        pts.append(((int(m.group(3)) * 60 + int(m.group(4))) * 60 +
                    int(m.group(5))) * 10 ** 9 + int(m.group(6)))
    assert pts == sorted(pts) and len(set(pts)) == n, pts
    # the ball pattern moves: different frames, different pictures
    for a, b in zip(pixels, pixels[1:]):
        assert np.abs(a - b).max() > 64
    return pts


def test_snapshot_count(snapshot_bin, tmp_path):
    out = tmp_path / "shots"
    out.mkdir()
    t0 = time.monotonic()
    r = subprocess.run([snapshot_bin, "--count", "3", "--output", str(out)],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=30, cwd=tmp_path)
    assert r.returncode == 0, (r.stdout, r.stderr)
    lines = r.stdout.splitlines()
    # three different frames, in order (requested 200 ms apart; how far
    # apart they are depends on the machine's load, so it is not checked)
    check_snapshots(str(out), lines, 3, cwd=tmp_path)
    assert "3 snapshots saved" in lines
    assert snapshot_files(tmp_path) == []       # nothing in the cwd
    assert time.monotonic() - t0 < 30


def test_snapshot_sigusr1_then_sigint(snapshot_bin, tmp_path):
    p = Proc([snapshot_bin, "--output", str(tmp_path)])
    try:
        m = p.expect(r"^running, pid (\d+)")
        assert int(m.group(1)) == p.p.pid
        p.signal(signal.SIGUSR1)
        p.expect(r"^saved .*snapshot-001\.jpg")
        p.signal(signal.SIGUSR1)
        p.expect(r"^saved .*snapshot-002\.jpg")
        p.signal(signal.SIGINT)
        rc = p.wait()
        assert rc == 0, p.stderr
        assert "2 snapshots saved" in p.stdout
        assert "end of stream" in p.stdout      # EOS went through
        check_snapshots(str(tmp_path), p.stdout, 2)
    finally:
        p.stop()


def test_snapshot_enter_and_closed_stdin_then_sigterm(snapshot_bin,
                                                      tmp_path):
    # snapshot-001.jpg exists already: it must be kept, not overwritten
    (tmp_path / "snapshot-001.jpg").write_bytes(b"keep me")
    p = Proc([snapshot_bin], stdin=subprocess.PIPE, cwd=tmp_path)
    try:
        p.expect(r"^running, pid")
        p.p.stdin.write("\n")
        p.p.stdin.flush()
        p.expect(r"^saved \./snapshot-002\.jpg")
        # end of input: the app keeps running on SIGUSR1 (and does not spin)
        p.p.stdin.close()
        time.sleep(0.3)
        p.signal(signal.SIGUSR1)
        p.expect(r"^saved \./snapshot-003\.jpg")
        p.signal(signal.SIGTERM)
        assert p.wait() == 0, p.stderr
        assert (tmp_path / "snapshot-001.jpg").read_bytes() == b"keep me"
        for name in ("snapshot-002.jpg", "snapshot-003.jpg"):
            assert decode_jpeg((tmp_path / name).read_bytes()).size == \
                (640, 480)
    finally:
        p.stop()


def test_snapshot_error_is_reported(snapshot_bin, tmp_path):
    r = subprocess.run([snapshot_bin, "--device", str(tmp_path / "video99"),
                        "--output", str(tmp_path)],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 1, (r.stdout, r.stderr)
    # the bus's ERROR message: element, message and debug string
    assert re.search(r"Error from v4l2src\d*: .+", r.stderr), r.stderr
    assert "Debug: " in r.stderr
    assert snapshot_files(str(tmp_path)) == []


# --------------------------------------------------------------------------
# mjpeg-http.py

def start_server(*args):
    p = Proc([sys.executable, MJPEG, "--port", "0", *args])
    try:
        m = p.expect(r"^serving on http://127\.0\.0\.1:(\d+)/", timeout=15)
    except BaseException:
        p.stop()
        raise
    return p, int(m.group(1))


def stop_server(p):
    try:
        if p.p.poll() is None:
            p.signal(signal.SIGINT)
            assert p.wait(timeout=10) == 0, p.stderr
    finally:
        p.stop()


def open_stream(port, timeout=10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", "/stream.mjpg")
    resp = conn.getresponse()
    assert resp.status == 200
    ctype = resp.getheader("Content-Type")
    m = re.match(r"multipart/x-mixed-replace;\s*boundary=(\S+)$", ctype)
    assert m, ctype
    return conn, resp, m.group(1).encode()


def close_stream(conn, resp):
    # the response holds the socket too: it is closed only with both
    resp.close()
    conn.close()


def read_part(resp, boundary):
    """One part of a multipart/x-mixed-replace body: (headers, bytes)."""
    line = resp.readline()
    if line == b"\r\n":                 # the CRLF ending the previous part
        line = resp.readline()
    assert line == b"--" + boundary + b"\r\n", line
    headers = {}
    while True:
        line = resp.readline()
        assert line.endswith(b"\r\n"), line
        if line == b"\r\n":
            break
        k, v = line.decode("latin-1").split(":", 1)
        headers[k.strip().lower()] = v.strip()
    n = int(headers["content-length"])
    data = resp.read(n)
    assert len(data) == n
    return headers, data


def read_frames(resp, boundary, n):
    frames = []
    for _ in range(n):
        headers, data = read_part(resp, boundary)
        assert headers["content-type"] == "image/jpeg"
        frames.append(data)
    return frames


def test_mjpeg_stream_snapshot_and_page():
    p, port = start_server()
    try:
        conn, resp, boundary = open_stream(port)
        try:
            datas = read_frames(resp, boundary, 6)
        finally:
            close_stream(conn, resp)
        pics = []
        for data in datas:
            im = decode_jpeg(data)
            assert im.size == (640, 480)
            pics.append(np.asarray(im.convert("RGB"), np.int16))
        # each part is a newer frame: the ball has moved
        for a, b in zip(pics, pics[1:]):
            assert np.abs(a - b).max() > 64

        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/snapshot.jpg")
        r = conn.getresponse()
        assert r.status == 200
        assert r.getheader("Content-Type") == "image/jpeg"
        body = r.read()
        assert int(r.getheader("Content-Length")) == len(body)
        assert decode_jpeg(body).size == (640, 480)
        conn.close()

        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/")
        r = conn.getresponse()
        assert r.status == 200
        assert r.getheader("Content-Type").startswith("text/html")
        assert '<img src="/stream.mjpg"' in r.read().decode()
        conn.close()

        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/nothing")
        assert conn.getresponse().status == 404
        conn.close()
        # the stream's client was cleaned up when it went away
        p.wait_stderr(r"left after \d+ frames \(0 clients\)$")
    finally:
        stop_server(p)


def test_mjpeg_clients_at_once_and_a_stalled_one():
    # snow at quality 95: about 300 KB a frame, 9 MB/s, so a client that
    # stops reading fills its socket buffers in well under a second
    p, port = start_server(
        "--client-timeout", "5", "--pipeline",
        "videotestsrc is-live=true pattern=snow ! "
        "video/x-raw,width=640,height=480,framerate=30/1 ! "
        "imencode quality=95")
    stalled = None
    try:
        stalled = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled.settimeout(10)
        stalled.connect(("127.0.0.1", port))
        stalled.sendall(b"GET /stream.mjpg HTTP/1.0\r\n\r\n")
        assert stalled.recv(64).startswith(b"HTTP/1.0 200")
        p.wait_stderr(r"client connected \(1 clients\)")
        time.sleep(1.0)                 # its buffers are full by now

        results = {}

        def client(name):
            try:
                conn, resp, boundary = open_stream(port)
                t0 = time.monotonic()
                datas = read_frames(resp, boundary, 20)
                results[name] = (time.monotonic() - t0, datas)
                close_stream(conn, resp)
            except Exception as e:      # noqa: BLE001 (reported below)
                results[name] = e

        threads = [threading.Thread(target=client, args=(n,))
                   for n in ("a", "b")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=20)
        for name in ("a", "b"):
            r = results.get(name)
            assert isinstance(r, tuple), (name, r)
            elapsed, datas = r
            # 20 frames at 30 fps: about 0.7 s; a stall would be >= 4 s
            assert elapsed < 2.5, (name, elapsed)
            assert len(set(datas)) == 20
            for data in datas[::5]:
                assert decode_jpeg(data).size == (640, 480)
        # the stalled client is dropped after --client-timeout; the others
        # left on their own; nothing is left connected
        p.wait_stderr(r"stopped reading, dropped", timeout=15)
        p.wait_stderr(r"\(0 clients\)$", timeout=10)
    finally:
        if stalled is not None:
            stalled.close()
        stop_server(p)


def test_mjpeg_page_in_headless_chromium(tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (Debian package chromium)")
    # a red 320x240 picture: the <img> sits at the page's top-left corner
    p, port = start_server(
        "--pipeline", "videotestsrc is-live=true pattern=red ! "
        "video/x-raw,width=320,height=240,framerate=15/1 ! imencode")

    def screenshot(url, name):
        profile = tempfile.mkdtemp(dir=tmp_path)
        shot = tmp_path / name
        c = Proc([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-quic", "--no-first-run",
                  "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  "--no-proxy-server", "--user-data-dir=" + profile,
                  "--screenshot=" + str(shot), "--window-size=480,360",
                  "--virtual-time-budget=2000", url],
                 env=dict(os.environ, HOME=profile))
        try:
            rc = c.wait(timeout=60)
        except subprocess.TimeoutExpired:
            rc = None
        finally:
            c.stop()
        return shot if shot.exists() else None, rc, c.stderr

    try:
        shot, rc, err = screenshot("http://127.0.0.1:%d/" % port, "page.png")
        if shot is None:
            # did the page fail, or can chromium not start at all?
            probe, prc, perr = screenshot("data:text/html,<p>probe</p>",
                                          "probe.png")
            if probe is None:
                pytest.skip("chromium cannot start (exit %s): %s" %
                            (prc, " / ".join(perr[-3:])))
            raise AssertionError("no screenshot of the page (exit %s): %s" %
                                 (rc, err[-10:]))
    finally:
        stop_server(p)
    im = np.asarray(Image.open(shot).convert("RGB"), np.int16)
    assert im.shape[:2] == (360, 480)
    # inside the picture: red (videotestsrc's red through JPEG)
    inside = im[20:220, 20:300].reshape(-1, 3)
    assert (np.abs(inside - (255, 0, 0)).max(axis=1) <= 40).mean() > 0.99, \
        inside.mean(axis=0)
    # to its right: the page's white background
    right = im[20:220, 340:470].reshape(-1, 3)
    assert (right >= 235).all(axis=1).mean() > 0.99, right.mean(axis=0)
    # and it came from the stream
    assert any("client connected" in line for line in p.stderr), p.stderr


# --------------------------------------------------------------------------
# objects-to-json.py

def roi_select_missing():
    """Why the objects-to-json test cannot run yet, or None."""
    try:
        r = subprocess.run(["gst-inspect-1.0", "imencode"],
                           capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return "gst-inspect-1.0 imencode failed: %s" % e
    if r.returncode != 0:
        return "gst-inspect-1.0 imencode failed: %s" % r.stderr.strip()
    if "roi-select" not in r.stdout:
        return ("this imencode has no roi-select property yet "
                "(gst-inspect-1.0 imencode)")
    if not re.search(r"\(\d+\): json\b", r.stdout):
        return "this imencode has no encoding=json yet"
    return None


@pytest.fixture(scope="module")
def scene():
    """The example's own scene (its module), for the boxes it attached."""
    spec = importlib.util.spec_from_file_location("objects_to_json", OBJECTS)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# What the example promises, independently of its code.
TRACKS = {42: ("person", (230, 40, 40)), 13: ("person", (60, 90, 240)),
          7: ("car", (40, 200, 70))}


def run_objects(*args):
    why = roi_select_missing()
    if why:
        pytest.skip(why)
    r = subprocess.run([sys.executable, OBJECTS, *args], capture_output=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    assert r.stdout.endswith(b"\n")
    return [json.loads(line) for line in r.stdout.split(b"\n")[:-1]]


def frame_of(ev):
    i = round(ev["pts"] * 30 / 10 ** 9)
    assert ev["pts"] == i * 10 ** 9 // 30, ev["pts"]
    return i


def check_event(ev, det, reason):
    """An event against the detection it came from: fields, box, image
    size and colour."""
    x, y, w, h = det["box"]
    assert ev["reason"] == reason
    assert ev["frame"] == {"width": 640, "height": 480}
    assert ev["box"] == {"x": x, "y": y, "width": w, "height": h}
    roi = ev["roi"]
    assert set(roi) == {"id", "type", "confidence", "track_id", "x", "y",
                        "width", "height", "image_box"}
    assert (roi["x"], roi["y"], roi["width"], roi["height"]) == (x, y, w, h)
    # the image is the box itself, unscaled
    assert roi["image_box"] == {"x": 0, "y": 0, "width": w, "height": h}
    assert roi["type"] == TRACKS[roi["track_id"]][0] == det["type"]
    assert roi["confidence"] == pytest.approx(det["confidence"], abs=1e-6)
    assert ev["duration"] in (33333333, 33333334)
    utc = datetime.datetime.fromisoformat(ev["utc"].replace("Z", "+00:00"))
    assert abs(utc - datetime.datetime.now(datetime.timezone.utc)) < \
        datetime.timedelta(minutes=5)
    img = ev["image"]
    assert img["mime_type"] == "image/jpeg"
    assert (img["width"], img["height"]) == (w, h)
    im = decode_jpeg(base64.b64decode(img["data"], validate=True))
    assert im.size == (w, h)
    # the box is exactly the object: its colour all over (JPEG-close)
    px = np.asarray(im.convert("RGB"), np.int16)[2:-2, 2:-2].reshape(-1, 3)
    colour = TRACKS[roi["track_id"]][1]
    assert np.abs(px.mean(axis=0) - colour).max() < 8, px.mean(axis=0)
    assert (np.abs(px - colour).max(axis=1) < 40).mean() > 0.98


def test_objects_best_one_event_per_track(scene):
    n = 90
    evs = run_objects("--frames", str(n), "--select", "best")
    assert len(evs) == 3, [e.get("roi") for e in evs]
    assert sorted(e["roi"]["track_id"] for e in evs) == [7, 13, 42]
    for ev in evs:
        track = ev["roi"]["track_id"]
        seen = [(i, d) for i in range(n) for d in scene.detections(i, n)
                if d["track"] == track]
        # all boxes have one size and lie inside the frame: the best view
        # is the most confident one
        best_i, best = max(seen, key=lambda s: s[1]["confidence"])
        assert frame_of(ev) == best_i
        check_event(ev, best, "best")
    # track 13 ends half-way: its event comes before those sent at EOS
    assert evs[0]["roi"]["track_id"] == 13


def test_objects_annotated_best_views(scene):
    # --annotate: each best view shows its own box as an outline of the
    # default colour (0xff00ff00) along the image's edges, the object's
    # colour inside, and a label and the time drawn at the top
    n = 90
    plain = {e["roi"]["track_id"]: e for e in run_objects(
        "--frames", str(n), "--select", "best")}
    evs = run_objects("--frames", str(n), "--select", "best", "--annotate")
    assert len(evs) == 3
    for ev in evs:
        track = ev["roi"]["track_id"]
        w, h = ev["image"]["width"], ev["image"]["height"]
        im = decode_jpeg(base64.b64decode(ev["image"]["data"], validate=True))
        px = np.asarray(im.convert("RGB"), np.int16)
        # the outline's bottom rows and side columns (the top carries the
        # label and the time): green, JPEG-close
        green = np.array([0, 255, 0])
        bottom = px[-2:, 4:-4].reshape(-1, 3)
        assert np.abs(bottom.mean(axis=0) - green).max() < 40, \
            bottom.mean(axis=0)
        left = px[h // 2:-4, :2].reshape(-1, 3)
        assert np.abs(left.mean(axis=0) - green).max() < 40
        # the centre is still the object, as without annotate
        centre = px[h // 2 - 2:h // 2 + 2, w // 2 - 2:w // 2 + 2]
        colour = TRACKS[track][1]
        assert np.abs(centre.reshape(-1, 3).mean(axis=0) - colour).max() < 12
        # and the image differs from the plain one: something was drawn
        assert ev["image"]["data"] != plain[track]["image"]["data"]


def test_objects_every_region(scene):
    n = 12
    evs = run_objects("--frames", str(n), "--select", "every")
    expected = [(i, d) for i in range(n) for d in scene.detections(i, n)]
    assert len(evs) == len(expected)
    # in frame order, then region order
    for ev, (i, d) in zip(evs, expected):
        assert frame_of(ev) == i
        assert ev["roi"]["track_id"] == d["track"]
        check_event(ev, d, "region")


def test_objects_first_view_per_track(scene):
    n = 30
    evs = run_objects("--frames", str(n), "--select", "first")
    assert sorted(e["roi"]["track_id"] for e in evs) == [7, 13, 42]
    for ev in evs:
        track = ev["roi"]["track_id"]
        first_i, first = next((i, d) for i in range(n)
                              for d in scene.detections(i, n)
                              if d["track"] == track)
        assert frame_of(ev) == first_i
        check_event(ev, first, "first")
