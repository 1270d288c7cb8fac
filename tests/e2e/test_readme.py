# The README's application snippets are real programs: extracted, built and
# run against this build, so the README cannot drift from the plugin.
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import re
import shutil
import subprocess
import sys

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
