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


def test_python_regions_through_appsrc_snippet_runs():
    # the route the README gives Python applications for attaching
    # regions: their own buffers pushed into appsrc (a pad probe's buffer
    # is never writable from Python)
    snippets = [b for b in _blocks("python")
                if "buffer_add_video_region_of_interest_meta" in b]
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
