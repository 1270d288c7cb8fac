# The README's application snippets are real programs: extracted, built and
# run against this build, so the README cannot drift from the plugin.
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import re
import shutil
import subprocess
import sys
import time

import pytest

README = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")


def _blocks(lang):
    with open(README, encoding="utf-8") as f:
        text = f.read()
    return re.findall(r"```%s\n(.*?)```" % lang, text, re.S)


def test_c_program_builds_and_prints_each_image(tmp_path):
    progs = [b for b in _blocks("c") if "int\nmain (" in b]
    assert len(progs) == 1
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler")
    src = tmp_path / "app.c"
    src.write_text(progs[0])
    flags = subprocess.run(
        ["pkg-config", "--cflags", "--libs", "gstreamer-1.0",
         "gstreamer-app-1.0"], capture_output=True, text=True, check=True)
    subprocess.run([cc, "-Wall", "-Werror", "-o", str(tmp_path / "app"),
                    str(src)] + flags.stdout.split(), check=True)
    out = subprocess.run([str(tmp_path / "app")], capture_output=True,
                         text=True, timeout=60, env=os.environ)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 3
    for line in lines:
        assert re.fullmatch(r"\d+:\d\d:\d\d\.\d{9}: \d+ bytes of 320x240",
                            line), line


def test_python_snippet_runs():
    snippets = [b for b in _blocks("python") if "Gst.init(None)" in b]
    assert snippets
    out = subprocess.run([sys.executable, "-c", snippets[0]],
                         capture_output=True, text=True, timeout=60,
                         env=os.environ)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 3
    for line in lines:
        pts, size, w, h = line.split()
        assert int(size) > 100 and (w, h) == ("320", "240"), line


def test_python_regions_through_appsrc_snippet_runs():
    # the route the README gives Python applications for attaching
    # regions: their own buffers pushed into appsrc (a pad probe's buffer
    # is never writable from Python)
    snippets = [b for b in _blocks("python")
                if "buffer_add_video_region_of_interest_meta" in b
                and "roi-select=improving" not in b]
    assert len(snippets) == 1
    out = subprocess.run([sys.executable, "-c", snippets[0]],
                         capture_output=True, text=True, timeout=60,
                         env=os.environ)
    assert out.returncode == 0, out.stderr
    assert "CRITICAL" not in out.stderr and "WARN" not in out.stderr, \
        out.stderr
    # one image per frame: the region the snippet attached, with its id,
    # track id and box, at the frame's own timestamp (30 fps, videotestsrc's
    # default)
    assert out.stdout.splitlines() == [
        "%d 3 42 64 128" % pts for pts in (0, 33333333, 66666666)]


def test_opencv_snippet_runs(tmp_path):
    cv2 = pytest.importorskip("cv2")
    if "GStreamer:                   YES" not in cv2.getBuildInformation():
        pytest.skip("this OpenCV is built without GStreamer")
    snippets = [b for b in _blocks("python") if "cv2.CAP_GSTREAMER" in b]
    assert len(snippets) == 1
    out = subprocess.run([sys.executable, "-c", snippets[0]],
                         capture_output=True, text=True, timeout=60,
                         env=os.environ, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 3
    for line in lines:
        size, shape = line.split(" ", 1)
        assert int(size) > 100 and shape == "(240, 320, 3)", line
    # the files the writer made, read by Pillow: BGR (255, 128, 40 i) is
    # RGB (40 i, 128, 255)
    from PIL import Image
    for i in range(2):
        img = Image.open(tmp_path / ("opencv-%02d.jpg" % i))
        assert img.format == "JPEG" and img.size == (320, 240)
        r, g, b = img.convert("RGB").getpixel((160, 120))
        assert abs(r - 40 * i) <= 3 and abs(g - 128) <= 3 and abs(b - 255) <= 3


# Shell blocks (```sh). Every one is run, except those marked on the line
# just before the fence with an HTML comment that readers do not see and
# that gives the reason, e.g.
#   <!-- readme-test: not run (installs packages as root) -->
# (installing packages, running the whole test suite or a server until it
# is stopped). The meson block (the one with `meson setup build`) is run by
# its own test, below. All others run one after another, each in bash with
# `set -e -o pipefail`, in one temporary directory, as a reader following
# the README would: `build` there is this build directory, `examples` the
# source's, and photo.jpg, photo.png and photo.b64 (`base64 photo.jpg`) are
# there; a file a block writes is there for the blocks after it. What
# needs hardware or a window is replaced: `v4l2src` by a 30-frame
# `videotestsrc`, `autovideosink` by `fakesink`; a pipeline fragment that
# starts with `... !` gets a `videotestsrc` of 3 frames in front, so its
# element and property names are checked too. A broker on this machine is
# a mosquitto the test starts on 127.0.0.1 at a free port: `mosquitto_pub`
# and `examples/events-to-mqtt.py` are given `-p`/`--port` for it, and
# what they publish is checked. A block fails when it exits with an error
# or gst-launch-1.0 prints a warning or an error.

NOT_RUN = re.compile(r"<!-- readme-test: not run \((.+)\) -->")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def _fenced():
    """(language, text, line number, not-run reason or None) of every
    fenced block of the README, in order."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    blocks = []
    for m in re.finditer(r"```(\w*)\n(.*?)```", text, re.S):
        line = text.count("\n", 0, m.start()) + 1
        before = text[:m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        reason = NOT_RUN.fullmatch(before.strip())
        blocks.append((m.group(1), m.group(2), line,
                       reason.group(1) if reason else None))
    return blocks


def _is_meson_block(body):
    return re.search(r"^meson setup build\b", body, re.M) is not None


def _build_dir():
    # meson's environment for the e2e tests points GST_PLUGIN_PATH at
    # <build>/gst
    plugin_dir = os.environ.get("GST_PLUGIN_PATH", "").split(os.pathsep)[0]
    if not os.path.isfile(os.path.join(plugin_dir, "libgstimencode.so")):
        pytest.skip("GST_PLUGIN_PATH does not name the build's gst/")
    return os.path.dirname(os.path.abspath(plugin_dir))


def _make_fixtures(directory):
    from PIL import Image
    import base64
    import numpy as np
    y, x = np.mgrid[0:96, 0:128]
    rgb = np.stack([x * 2, y * 2, 255 - x], axis=-1).astype(np.uint8)
    Image.fromarray(rgb).save(os.path.join(directory, "photo.jpg"),
                              quality=90)
    Image.fromarray(rgb).save(os.path.join(directory, "photo.png"))
    with open(os.path.join(directory, "photo.jpg"), "rb") as f:
        text = base64.encodebytes(f.read()).decode()   # 76 a line
    with open(os.path.join(directory, "photo.b64"), "w") as f:
        f.write(text)


def _stand_ins(body, mqtt_port=None):
    if mqtt_port is not None:
        body = re.sub(r"\bmosquitto_pub\b", "mosquitto_pub -p %d" % mqtt_port,
                      body)
        body = re.sub(r"\bevents-to-mqtt\.py\b",
                      "events-to-mqtt.py --port %d" % mqtt_port, body)
    body = re.sub(r"\bv4l2src\b", "videotestsrc num-buffers=30", body)
    body = re.sub(r"\bautovideosink\b", "fakesink", body)
    body = re.sub(r"^\.\.\. !", "gst-launch-1.0 videotestsrc num-buffers=3 !",
                  body, flags=re.M)
    return body


def test_every_shell_block_is_run_or_says_why_not():
    shell = [b for b in _fenced() if b[0] == "sh"]
    assert len(shell) >= 10
    for lang, body, line, reason in shell:
        assert reason is None or len(reason) > 10, \
            "README line %d: say why the block is not run" % line
    # the examples of what is not run; everything else must run
    assert sum(1 for b in shell if b[3] is not None) <= 5, \
        [b[2] for b in shell if b[3] is not None]
    # every other language is run by a test of its own or is not code:
    # the C program, Python programs (Gst.init) and the OpenCV snippet
    for lang, body, line, reason in _fenced():
        assert lang in ("sh", "python", "c", ""), \
            "README line %d: a ```%s block no test runs" % (line, lang)
        if lang == "c":
            assert reason or "int\nmain (" in body, \
                "README line %d: C that is not a program" % line
        if lang == "python":
            assert (reason or "Gst.init(None)" in body
                    or "cv2.CAP_GSTREAMER" in body), \
                "README line %d: Python that no test runs" % line


def _mqtt_broker(tmp_path):
    """A mosquitto on 127.0.0.1 at a free port (tests/e2e/test_mqtt.py's)
    and a paho subscriber to everything on it."""
    for tool in ("mosquitto_pub", "mosquitto_sub"):
        assert shutil.which(tool), \
            "%s missing (Debian: mosquitto-clients; scripts/setup.sh)" % tool
    sys.path.insert(0, HERE)
    import test_mqtt
    directory = tmp_path / "broker"
    directory.mkdir()
    broker = test_mqtt.Broker(str(directory), test_mqtt.free_port())
    broker.start()
    return broker, test_mqtt.Subscriber(broker.port, "#")


def _check_mqtt_messages(messages):
    """What the README's delivery blocks published: 30 whole-frame events
    from mosquitto_pub, each one line of JSON within max-bytes with a JPEG
    that carries an Exif capture time; the example's events and retained
    snapshots under cams/."""
    import base64
    import io
    import json
    from PIL import Image
    quick = [p for t, p, _ in messages if t == "cams/front/events"]
    assert len(quick) == 30, [t for t, _, _ in messages]
    for payload in quick:
        assert len(payload) <= 131072 and b"\n" not in payload
        ev = json.loads(payload)
        im = Image.open(io.BytesIO(base64.b64decode(ev["image"]["data"])))
        assert im.format == "JPEG" and im.size == (320, 240)
        assert im.getexif().get_ifd(0x8769)[36867]
    events = [p for t, p, _ in messages if t == "cams/events"]
    snapshots = [t for t, _, _ in messages
                 if re.fullmatch(r"cams/front/[a-z]+/snapshot", t)]
    assert events and snapshots, [t for t, _, _ in messages]
    for payload in events:
        assert len(payload) <= 131072
        assert json.loads(payload)["reason"] == "best"


def test_shell_blocks_run(tmp_path):
    build = _build_dir()
    os.symlink(build, tmp_path / "build")
    os.symlink(os.path.join(ROOT, "examples"), tmp_path / "examples")
    _make_fixtures(str(tmp_path))
    env = dict(os.environ)
    ran = 0
    broker, subscriber = _mqtt_broker(tmp_path)
    try:
        ran = _run_shell_blocks(tmp_path, env, broker.port)
        # the last messages may still be on their way
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and sum(
                t == "cams/front/events"
                for t, _, _ in subscriber.snapshot()) < 30:
            time.sleep(0.1)
        _check_mqtt_messages(subscriber.snapshot())
    finally:
        subscriber.stop()
        broker.stop()
    assert ran >= 8
    # what the recipes promise to leave behind
    from PIL import Image
    for name, size in (("thumb.png", (160, 120)), ("small.jpg", (320, 180)),
                       ("model-input.jpg", (640, 640))):
        assert Image.open(tmp_path / name).size == size, name
    with open(tmp_path / "photo.uri") as f:
        assert f.read().startswith("data:image/png;base64,iVBORw0KGgo")
    assert len(list(tmp_path.glob("snap-*.jpg"))) == 10
    assert len(list(tmp_path.glob("image-*.jpg"))) == 5
    for name in tmp_path.glob("image-*.jpg"):
        assert Image.open(name).format == "JPEG"


def _run_shell_blocks(tmp_path, env, mqtt_port):
    """Runs every shell block that is run (see above) in @tmp_path; the
    number run."""
    ran = 0
    for lang, body, line, reason in _fenced():
        if lang != "sh" or reason is not None or _is_meson_block(body):
            continue
        script = "set -e -o pipefail\n" + _stand_ins(body, mqtt_port)
        out = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=300)
        what = "README line %d:\n%s\nstdout: %s\nstderr: %s" % (
            line, body, out.stdout[-2000:], out.stderr[-4000:])
        assert out.returncode == 0, what
        for stream in (out.stdout, out.stderr):
            assert "WARNING:" not in stream and "ERROR:" not in stream, what
        ran += 1
    return ran


def test_meson_build_and_install(tmp_path):
    """The README's build block, run as written but for where things go:
    the build directory in a temporary directory, the tests not built (the
    suite that runs this was built with them), and `meson install` with
    DESTDIR, so that the default prefix (/usr/local) lands in a temporary
    directory too; then gst-inspect-1.0, with the README's GST_PLUGIN_PATH
    under that DESTDIR, must load the installed plugin."""
    blocks = [b for b in _fenced() if b[0] == "sh" and _is_meson_block(b[1])]
    assert len(blocks) == 1
    lang, body, line, reason = blocks[0]
    if shutil.which("meson") is None or shutil.which("ninja") is None:
        pytest.skip("no meson or ninja")
    bdir, dest = str(tmp_path / "build"), str(tmp_path / "dest")
    script = body
    script = re.sub(r"^meson setup build\b",
                    'meson setup "$BDIR" -Dtests=disabled', script, flags=re.M)
    script = re.sub(r" -C build\b", ' -C "$BDIR"', script)
    script = re.sub(r"^meson install\b", 'DESTDIR="$DEST" meson install',
                    script, flags=re.M)
    script = re.sub(r"=/usr/local/", '="$DEST"/usr/local/', script)
    assert script.count("$BDIR") == 3 and script.count("$DEST") == 2, script
    env = dict(os.environ, BDIR=bdir, DEST=dest,
               GST_REGISTRY=str(tmp_path / "registry.bin"))
    env.pop("GST_PLUGIN_PATH", None)
    out = subprocess.run(["bash", "-c", "set -e -o pipefail\n" + script],
                         cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=850)
    assert out.returncode == 0, "README line %d:\n%s\n%s\n%s" % (
        line, script, out.stdout[-3000:], out.stderr[-3000:])
    installed = [os.path.join(d, f) for d, _, fs in os.walk(dest)
                 for f in fs if f == "libgstimencode.so"]
    assert len(installed) == 1
    assert re.search(r"/usr/local/lib/[^/]+/gstreamer-1\.0/libgstimencode\.so$",
                     installed[0]), installed
    # the plugin gst-inspect-1.0 described is the installed one
    m = re.search(r"^\s*Filename\s+(\S+)", out.stdout, re.M)
    assert m and os.path.realpath(m.group(1)) == \
        os.path.realpath(installed[0]), out.stdout[:2000]
    assert re.search(r"^\s*Factory Details:", out.stdout, re.M)
    assert os.path.isfile(os.path.join(
        dest, "usr/local/share/doc/gst-imencode/README.md"))


def test_python_programs_run(tmp_path):
    """Every Python block that is a whole program (Gst.init) runs to its
    end without an error, in a directory of its own; the snapshot one
    leaves three JPEG files of three different frames."""
    programs = [(b[1], b[2]) for b in _fenced()
                if b[0] == "python" and b[3] is None
                and "Gst.init(None)" in b[1]]
    assert len(programs) >= 2
    for body, line in programs:
        out = subprocess.run([sys.executable, "-c", body],
                             capture_output=True, text=True, timeout=120,
                             env=os.environ, cwd=tmp_path)
        assert out.returncode == 0, "README line %d:\n%s" % (line,
                                                             out.stderr)
        assert "CRITICAL" not in out.stderr, "README line %d:\n%s" % (
            line, out.stderr)
        if "roi-select=improving" in body:
            # the NVR recipe: one line per frame where the person grew
            lines = out.stdout.splitlines()
            assert [l.split()[:3] for l in lines] == [
                ["improving", "7", str(w)] for w in (40, 50, 60, 70, 80)], \
                out.stdout
            assert all(l.endswith("front-door") for l in lines), out.stdout
        if 'emit("snapshot")' in body:
            from PIL import Image
            pts = [int(l.split()[1]) for l in out.stdout.splitlines()]
            assert len(pts) == 3 and pts == sorted(set(pts)), out.stdout
            for i in range(3):
                assert Image.open(tmp_path / ("shot-%d.jpg" % i)).size == \
                    (320, 240)


def _section(title):
    """The text of the README section `## <title>` up to the next one."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    start = text.index("\n## %s\n" % title)
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else len(text)]


def test_roimerge_snippets_run(tmp_path):
    """Every shell snippet of the roimerge section, run as written from a
    directory that looks like the top of a build tree (examples/ and
    build/ linked), with what each writes checked."""
    import json
    blocks = re.findall(r"```sh\n(.*?)```", _section("`roimerge`"), re.S)
    assert len(blocks) == 3
    root = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    plugin_dir = os.environ.get("GST_PLUGIN_PATH",
                                os.path.join(root, "build", "gst"))
    os.symlink(os.path.join(root, "examples"), tmp_path / "examples")
    os.symlink(os.path.dirname(plugin_dir), tmp_path / "build")
    try:
        import gi
        gi.require_version("GstAnalytics", "1.0")
        analytics = True
    except ValueError:
        analytics = False
    for block in blocks:
        for name in ("ball.ndjson", "balls.ndjson", "ball-analytics.ndjson"):
            if (tmp_path / name).exists():
                (tmp_path / name).unlink()
        out = subprocess.run(["bash", "-euc", block], cwd=tmp_path,
                             capture_output=True, text=True, timeout=120,
                             env=os.environ)
        assert out.returncode == 0, (block, out.stderr)
        assert "WARNING" not in out.stdout + out.stderr, out.stderr
        assert "ERROR" not in out.stdout + out.stderr, out.stderr
        if "gst-launch-1.0" in block:
            # the placeholder detector finds nothing: no events
            assert out.stdout.count("{") == 0
            continue
        name = "ball.ndjson"
        if "--analytics" in block:
            # run only where the analytics library is
            assert (tmp_path / "ball-analytics.ndjson").exists() == \
                analytics
            if not analytics:
                continue
            name = "ball-analytics.ndjson"
        events = [json.loads(line) for line in
                  (tmp_path / name).read_text().splitlines()]
        assert len(events) == 1 and events[0]["reason"] == "best"
        roi = events[0]["roi"]
        assert roi["type"] == "ball" and roi["track_id"] == 1
        assert roi["x"] % 4 == 0 and roi["width"] % 4 == 0
        if "--detector-delay" in block:
            every = (tmp_path / "balls.ndjson").read_text().splitlines()
            assert 0 < len(every) < 90
            assert all(json.loads(e)["reason"] == "region" for e in every)
