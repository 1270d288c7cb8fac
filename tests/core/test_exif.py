# The Exif capture time (src/imcore-exif.c) read back by Pillow: from
# the JPEGs the core encoder writes with it (APP1), and from PNGs whose
# eXIf chunk holds the same TIFF bytes (the chunk is written by Pillow
# here; imencode's own PNG writer takes the bytes the same way). Expected
# dates come from Python's datetime, not from the code under test.
# tests/core/exif-files.c makes the files; meson passes its path in
# IMENCODE_EXIF_FILES.
# SPDX-License-Identifier: LGPL-2.1-or-later

import datetime
import io
import os
import subprocess
import tempfile

import pytest
from PIL import Image

TOOL = os.environ.get("IMENCODE_EXIF_FILES",
                      os.path.join(os.path.dirname(__file__), "..", "..",
                                   "build", "tests", "exif-files"))

EXIF_IFD = 0x8769
DATE_TIME_ORIGINAL = 36867
OFFSET_TIME_ORIGINAL = 36881
SUB_SEC_TIME_ORIGINAL = 37521
EXIF_VERSION = 36864

NS = 1_000_000_000
INT64_MAX = 2 ** 63 - 1


def utc_ns(*args, ns=0):
    """Nanoseconds since the epoch of a UTC datetime(*args), plus @ns."""
    dt = datetime.datetime(*args, tzinfo=datetime.timezone.utc)
    return int(dt.timestamp()) * NS + ns


TIMES = [
    0,                                          # the epoch
    999_999,                                    # under a millisecond: 000
    1_999_999,                                  # truncated, not rounded: 001
    utc_ns(1970, 1, 1, 0, 0, 0, ns=999_999_999),
    utc_ns(1999, 12, 31, 23, 59, 59, ns=999_000_000),
    utc_ns(2000, 2, 29, 12, 0, 0, ns=500_000_000),   # leap day, 400 rule
    utc_ns(2024, 2, 29, 23, 59, 59, ns=999_999_999),  # leap day, ms 999
    utc_ns(2024, 3, 1, 0, 0, 0),
    utc_ns(2023, 2, 28, 23, 59, 59, ns=1_000_000),
    utc_ns(2026, 12, 7, 21, 5, 9, ns=42_000_000),
    utc_ns(2100, 3, 1, 0, 0, 0),                # 2100 is no leap year
    utc_ns(2038, 1, 19, 3, 14, 8),              # past 32-bit time_t
    INT64_MAX,                                  # the last int64 time
]
REFUSED = [-1, -NS, -(2 ** 63)]


def expected(ns):
    secs, rest = divmod(ns, NS)
    dt = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=secs)
    return dt.strftime("%Y:%m:%d %H:%M:%S"), "%03d" % (rest // 1_000_000)


@pytest.fixture(scope="module")
def files():
    with tempfile.TemporaryDirectory() as d:
        out = subprocess.run([TOOL, d] + [str(t) for t in TIMES + REFUSED],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        yield d, out.stdout.splitlines()


def check_exif(exif, ns):
    date, subsec = expected(ns)
    ifd = exif.get_ifd(EXIF_IFD)
    assert ifd.get(DATE_TIME_ORIGINAL) == date
    assert ifd.get(SUB_SEC_TIME_ORIGINAL) == subsec
    assert ifd.get(OFFSET_TIME_ORIGINAL) == "+00:00"
    assert ifd.get(EXIF_VERSION) == b"0232"


@pytest.mark.parametrize("ns", TIMES)
def test_jpeg_app1(files, ns):
    d, lines = files
    assert "ok %d" % ns in lines
    with Image.open(os.path.join(d, "%d.jpg" % ns)) as im:
        im.load()
        assert im.size == (24, 16)
        check_exif(im.getexif(), ns)
        # the flat view older code reads (JpegImageFile._getexif())
        flat = im._getexif()
        date, subsec = expected(ns)
        assert flat[DATE_TIME_ORIGINAL] == date
        assert flat[SUB_SEC_TIME_ORIGINAL] == subsec
        assert flat[OFFSET_TIME_ORIGINAL] == "+00:00"


@pytest.mark.parametrize("ns", TIMES)
def test_png_exif_chunk(files, ns):
    d, _ = files
    with open(os.path.join(d, "%d.tiff" % ns), "rb") as f:
        tiff = f.read()
    buf = io.BytesIO()
    Image.new("RGB", (5, 3), (10, 20, 30)).save(buf, "PNG", exif=tiff)
    data = buf.getvalue()
    # the chunk holds the bytes as they are
    assert b"eXIf" in data and tiff in data
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        check_exif(im.getexif(), ns)


@pytest.mark.parametrize("ns", TIMES)
def test_app1_form(files, ns):
    d, _ = files
    with open(os.path.join(d, "%d.app1" % ns), "rb") as f:
        app1 = f.read()
    with open(os.path.join(d, "%d.tiff" % ns), "rb") as f:
        tiff = f.read()
    assert app1 == b"Exif\x00\x00" + tiff
    exif = Image.Exif()
    exif.load(app1)
    check_exif(exif, ns)


@pytest.mark.parametrize("ns", REFUSED)
def test_before_1970_refused(files, ns):
    d, lines = files
    assert "refused %d invalid argument" % ns in lines
    assert not os.path.exists(os.path.join(d, "%d.jpg" % ns))
