#!/usr/bin/python3
"""gst-imencode example: an MJPEG-over-HTTP camera server.

    videotestsrc is-live=true ! ... ! imencode ! appsink    (or --pipeline)

served on http://127.0.0.1:8080/ (standard library only, plus PyGObject):

    /             a small HTML page showing the stream in an <img>
    /stream.mjpg  multipart/x-mixed-replace: one JPEG part per frame, the
                  format browsers, VLC, ffmpeg and OpenCV's VideoCapture play
    /snapshot.jpg the latest frame, as one image/jpeg

Run:
    GST_PLUGIN_PATH=build/gst /usr/bin/python3 examples/mjpeg-http.py
    ... --port 0              (a free port, printed on the first line)
    ... --pipeline "v4l2src ! videoconvert ! imencode quality=70"

Why not simply `imencode ! multipartmux ! tcpserversink`? tcpserversink
writes bytes to whoever connects, but it does not speak HTTP: it neither
reads the request nor sends a status line and headers, so a browser shows
nothing (curl at best dumps raw bytes). An HTTP server has to sit in
between, as here; and it is also where a slow viewer can be dealt with.

How clients are served: the pipeline thread only stores each new JPEG as
"the latest frame" and wakes the client threads; it never waits for a
client. Each client has a thread of its own that sends the newest frame
whenever it is ready for one, so a slow client simply skips the frames it
had no time for and never holds back the pipeline or the other clients. A
client that stops reading altogether is dropped when a send has not
progressed for --client-timeout seconds; one that disconnects is noticed
at its next send. Either way its thread ends and nothing is left behind.

SPDX-License-Identifier: LGPL-2.1-or-later
"""

import argparse
import http.server
import signal
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstApp", "1.0")
# GstApp: loading it gives appsink its methods (try_pull_sample)
from gi.repository import GLib, Gst, GstApp  # noqa: E402,F401

BOUNDARY = "imencodeframe"

DEFAULT_PIPELINE = ("videotestsrc is-live=true pattern=ball ! "
                    "video/x-raw,width=640,height=480,framerate=30/1 ! "
                    "imencode quality=80")

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>gst-imencode MJPEG</title></head>
<body style="margin:0;background:#fff;font-family:sans-serif">
<img src="/stream.mjpg" alt="live stream" style="display:block">
<p style="margin:8px">Live from GStreamer: <a href="/stream.mjpg">stream</a>,
<a href="/snapshot.jpg">snapshot</a></p>
</body></html>
"""


def log(*args):
    print(*args, file=sys.stderr, flush=True)


class LatestFrame:
    """The newest JPEG and a counter, shared by the pipeline thread (one
    writer) and the client threads (readers)."""

    def __init__(self):
        self._cond = threading.Condition()
        self._jpeg = None
        self._seq = 0
        self._closed = False

    def publish(self, jpeg):
        with self._cond:
            self._jpeg = jpeg
            self._seq += 1
            self._cond.notify_all()

    def close(self):
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def wait_newer(self, seq, timeout):
        """Waits until there is a frame newer than number @seq. Returns
        (its number, its bytes), (seq, None) on timeout, or None once the
        server is closing."""
        with self._cond:
            self._cond.wait_for(lambda: self._seq > seq or self._closed,
                                timeout)
            if self._closed:
                return None
            if self._seq > seq:
                return self._seq, self._jpeg
            return seq, None


class Pipeline:
    """Runs the GStreamer pipeline and feeds LatestFrame from a thread that
    pulls from appsink. Also watches the bus: an error stops the server."""

    def __init__(self, desc, frames, on_fatal):
        # image/jpeg: whatever --pipeline ends in must give JPEGs, and with
        # imencode this picks JPEG should its format be left to negotiation.
        # appsink keeps one frame and drops older ones: only the newest
        # matters, and the pipeline never waits for this thread either.
        full = ("%s ! image/jpeg ! appsink name=mjpegsink sync=false "
                "max-buffers=1 drop=true" % desc)
        self.pipeline = Gst.parse_launch(full)
        self.sink = self.pipeline.get_by_name("mjpegsink")
        self.frames = frames
        self.on_fatal = on_fatal
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pipeline",
                                        daemon=True)

    def start(self):
        if self.pipeline.set_state(Gst.State.PLAYING) == \
                Gst.StateChangeReturn.FAILURE:
            self._check_bus()
            raise RuntimeError("the pipeline could not start")
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)
        self.pipeline.set_state(Gst.State.NULL)

    def _check_bus(self):
        """Prints warnings and errors; False after an error or EOS."""
        bus = self.pipeline.get_bus()
        ok = True
        while True:
            msg = bus.pop()
            if msg is None:
                return ok
            if msg.type == Gst.MessageType.ERROR:
                err, dbg = msg.parse_error()
                log("Error from %s: %s\nDebug: %s" %
                    (msg.src.get_name(), err.message, dbg))
                ok = False
            elif msg.type == Gst.MessageType.WARNING:
                err, dbg = msg.parse_warning()
                log("Warning from %s: %s" % (msg.src.get_name(), err.message))
            elif msg.type == Gst.MessageType.EOS:
                log("End of stream")
                ok = False
            elif msg.type == Gst.MessageType.LATENCY:
                self.pipeline.recalculate_latency()

    def _run(self):
        while not self._stop.is_set():
            sample = self.sink.try_pull_sample(100 * Gst.MSECOND)
            if sample is not None:
                buf = sample.get_buffer()
                # one buffer = one complete JPEG file
                self.frames.publish(buf.extract_dup(0, buf.get_size()))
                continue
            # no frame for 100 ms: a quiet moment, or the stream has ended
            # or failed; the bus tells which
            if not self._check_bus():
                self.on_fatal()
                return


class Handler(http.server.BaseHTTPRequestHandler):
    # HTTP/1.0: the stream's end is the connection's end, no chunking
    protocol_version = "HTTP/1.0"
    server_version = "imencode-mjpeg/1.0"

    def log_message(self, fmt, *args):
        if self.server.verbose:
            log("%s %s" % (self.address_string(), fmt % args))

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path in ("/", "/index.html"):
            self._send_page()
        elif path == "/stream.mjpg":
            self._send_stream()
        elif path == "/snapshot.jpg":
            self._send_snapshot()
        else:
            self.send_error(404)

    def _no_cache_headers(self):
        self.send_header("Cache-Control",
                         "no-cache, no-store, must-revalidate")
        self.send_header("Pragma", "no-cache")

    def _send_page(self):
        body = PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_snapshot(self):
        # the latest frame; only the very first one may need waiting for
        got = self.server.frames.wait_newer(0, timeout=5)
        if got is None or got[1] is None:
            self.send_error(503, "No frame yet")
            return
        jpeg = got[1]
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(jpeg)))
        self._no_cache_headers()
        self.end_headers()
        self.wfile.write(jpeg)

    def _send_stream(self):
        server = self.server
        if not server.add_client():
            self.send_error(503, "Too many clients")
            return
        sent = 0
        try:
            self.send_response(200)
            self.send_header("Content-Type",
                             "multipart/x-mixed-replace; boundary=" + BOUNDARY)
            self._no_cache_headers()
            self.send_header("Connection", "close")
            self.end_headers()
            seq = 0
            while True:
                got = server.frames.wait_newer(seq, timeout=1.0)
                if got is None:
                    break                       # server shutting down
                seq, jpeg = got
                if jpeg is None:
                    continue                    # no new frame yet
                # One part: boundary, headers, the JPEG, CRLF, in one send.
                # Frames published while it was blocked are skipped: the
                # next wait_newer() returns the newest one only.
                self.wfile.write(b"--%s\r\nContent-Type: image/jpeg\r\n"
                                 b"Content-Length: %d\r\n\r\n%s\r\n" %
                                 (BOUNDARY.encode(), len(jpeg), jpeg))
                sent += 1
        except (BrokenPipeError, ConnectionResetError):
            pass                                # the client went away
        except TimeoutError:
            log("%s stopped reading, dropped" % self.address_string())
        except OSError as e:
            log("%s: %s" % (self.address_string(), e))
        finally:
            server.remove_client()
            log("client %s left after %d frames (%d clients)" %
                (self.address_string(), sent, server.clients))
        # the connection is closed by the server after this returns
        self.close_connection = True


class MjpegServer(http.server.ThreadingHTTPServer):
    # one thread per request; they must not keep the process alive
    daemon_threads = True

    def __init__(self, address, frames, max_clients, client_timeout,
                 verbose):
        self.frames = frames
        self.max_clients = max_clients
        self.verbose = verbose
        self.clients = 0
        self._lock = threading.Lock()
        # the handlers' socket timeout: a send that cannot progress for this
        # long raises TimeoutError in that client's thread only
        Handler.timeout = client_timeout
        super().__init__(address, Handler)

    def add_client(self):
        with self._lock:
            if self.clients >= self.max_clients:
                return False
            self.clients += 1
            n = self.clients
        log("client connected (%d clients)" % n)
        return True

    def remove_client(self):
        with self._lock:
            self.clients -= 1


def main():
    parser = argparse.ArgumentParser(
        description="Serve a GStreamer pipeline as MJPEG over HTTP.")
    parser.add_argument("--port", type=int, default=8080,
                        help="TCP port (default 8080; 0 = a free port, "
                        "printed on startup)")
    parser.add_argument("--bind", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: "
                        "this machine only; 0.0.0.0 for the network)")
    parser.add_argument("--pipeline", default=DEFAULT_PIPELINE,
                        help="a pipeline description that outputs JPEG "
                        "images, one per buffer; an appsink is appended "
                        "(default: %(default)s)")
    parser.add_argument("--max-clients", type=int, default=16,
                        help="streams served at once (default 16)")
    parser.add_argument("--client-timeout", type=float, default=10.0,
                        help="seconds a client may stop reading before it "
                        "is dropped (default 10)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log every request")
    args = parser.parse_args()

    Gst.init(None)
    frames = LatestFrame()
    try:
        server = MjpegServer((args.bind, args.port), frames,
                             args.max_clients, args.client_timeout,
                             args.verbose)
    except OSError as e:
        log("Cannot listen on %s:%d: %s" % (args.bind, args.port, e))
        return 1

    failed = threading.Event()

    def on_fatal():
        # from the pipeline thread: serve_forever() returns in the main one
        failed.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    try:
        pipeline = Pipeline(args.pipeline, frames, on_fatal)
    except GLib.Error as e:          # parse_launch: a bad description
        log("Could not build the pipeline: %s" % e)
        server.server_close()
        return 1
    try:
        pipeline.start()
    except RuntimeError as e:
        log("Could not start: %s" % e)
        pipeline.pipeline.set_state(Gst.State.NULL)
        server.server_close()
        return 1

    host, port = server.server_address[:2]
    print("serving on http://%s:%d/ (stream: /stream.mjpg, snapshot: "
          "/snapshot.jpg)" % (host, port), flush=True)

    # SIGTERM stops like Ctrl-C: serve_forever() is left by the exception.
    # SIGINT is set too: a shell starts background jobs with it ignored.
    def on_stop_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_stop_signal)
    signal.signal(signal.SIGINT, on_stop_signal)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    # client threads leave their wait at once and end
    frames.close()
    pipeline.stop()
    server.server_close()
    log("stopped")
    return 1 if failed.is_set() else 0

if __name__ == "__main__":
    sys.exit(main())
