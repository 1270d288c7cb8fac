# End-to-end tests of base64enc and base64dec: real pipelines, outputs
# compared with Python's base64 module and images made and opened by
# Pillow.
# SPDX-License-Identifier: LGPL-2.1-or-later

import base64
import io
import os
import random
import re
import sys

import pytest
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
from imtest import Gst, make_image, plain, push_chunks, run_to_end  # noqa: E402

DISCONT = Gst.BufferFlags.DISCONT
MIB = 1 << 20


def _random_inputs():
    """Every length 0..1000 and one 1 MiB buffer, random bytes from a fixed
    seed (so that every byte value and every tail length occurs)."""
    rng = random.Random(0x6264)
    return [rng.randbytes(n) for n in range(1001)] + [rng.randbytes(MIB)]


INPUTS = _random_inputs()


def _wrap(text, n):
    """Our own line wrapping of base64 text: '\\n' after every n
    characters, none after the last line."""
    return b"\n".join(text[i:i + n] for i in range(0, len(text), n))


def _caps_struct(caps_string):
    return plain(Gst.Caps.from_string(caps_string).get_structure(0))


def _names(message, what, number):
    """Whether a bus message names `what` (record/line, byte) `number`."""
    text = message.split(" (")[0]  # the message, not the debug string
    if what == "record":
        pat = r"\b(record|line)\s*#?\s*%d\b" % number
    else:
        pat = r"\b(byte|offset)\D{0,12}\b%d\b" % number
    return re.search(pat, text, re.IGNORECASE) is not None


def _std(x):
    return base64.b64encode(x)


def _url(x):
    return base64.urlsafe_b64encode(x).rstrip(b"=")


# (id, base64enc properties, appsrc caps, expected output for input x)
ENCODE_CASES = [
    ("default", "", "application/x-test-bytes", _std),
    ("url-safe", "url-safe=true", "application/x-test-bytes", _url),
    ("line-length-76", "line-length=76", "application/x-test-bytes",
     lambda x: base64.encodebytes(x)[:-1] if x else b""),
    ("line-length-5", "line-length=5", "application/x-test-bytes",
     lambda x: _wrap(_std(x), 5)),
    ("data-uri", "data-uri=true", "image/png",
     lambda x: b"data:image/png;base64," + _std(x) if x else b""),
    ("newline", "newline=true", "application/x-test-bytes",
     lambda x: _std(x) + b"\n" if x else b""),
    # lines of whole groups, and a tail without padding after a full line
    ("url-safe-line-length-8", "url-safe=true line-length=8 newline=true",
     "application/x-test-bytes",
     lambda x: _wrap(_url(x), 8) + b"\n" if x else b""),
    # everything at once; the prefix does not count towards the 7
    ("all", "url-safe=true line-length=7 data-uri=true newline=true",
     "image/jpeg",
     lambda x: b"data:image/jpeg;base64," + _wrap(_url(x), 7) + b"\n"
     if x else b""),
]


# ---- 1. base64enc against Python's base64 ----

@pytest.mark.parametrize("case", ENCODE_CASES, ids=lambda c: c[0])
def test_encode_matches_python(case):
    name, props, caps, expected = case
    res = push_chunks("base64enc %s" % props, INPUTS, caps=caps)
    assert not res.errors and not res.warnings, (res.errors, res.warnings)
    assert res.eos
    assert len(res.buffers) == len(INPUTS)
    for i, (x, got) in enumerate(zip(INPUTS, res.datas)):
        want = expected(x)
        assert got == want, (name, i, len(x), got[:100], want[:100])
    # the empty input gives an empty output, not a prefix or a newline
    assert res.datas[0] == b""
    if name == "line-length-76":
        # 57 bytes are exactly one 76-character line: no break after it
        assert res.datas[57] == base64.b64encode(INPUTS[57])
        assert b"\n" not in res.datas[57] and res.datas[58].count(b"\n") == 1
    # timestamps copied in order
    n = len(INPUTS)
    assert [b[2] for b in res.buffers] == [Gst.SECOND + i * Gst.MSECOND
                                           for i in range(n)]
    assert res.dts == [i * Gst.MSECOND for i in range(n)]
    assert all(b[3] == Gst.MSECOND for b in res.buffers)
    # caps: the upstream media type and the data-uri flag
    assert len(set(b[1] for b in res.buffers)) == 1
    s = _caps_struct(res.buffers[0][1])
    assert s.get_name() == "application/x-base64"
    assert s.get_value("content-type") == caps
    assert s.get_value("data-uri") == ("data-uri=true" in props)


# ---- 2. round trips ----

ROUND_TRIP_LENGTHS = list(range(1, 300)) + [511, 512, 513, 4095, 65537,
                                            MIB + 1]


@pytest.mark.parametrize("enc_props,dec_props", [
    ("", ""),
    ("url-safe=true", ""),
    ("line-length=76", ""),
    ("data-uri=true line-length=3", ""),
    ("newline=true", "records=line"),
    ("newline=true url-safe=true data-uri=true", "records=line"),
])
def test_round_trip(enc_props, dec_props):
    rng = random.Random(len(enc_props) * 7 + len(dec_props))
    inputs = [rng.randbytes(n) for n in ROUND_TRIP_LENGTHS]
    res = push_chunks("base64enc %s ! base64dec %s" % (enc_props, dec_props),
                      inputs, caps="application/octet-stream")
    assert not res.errors and not res.warnings, (res.errors, res.warnings)
    assert len(res.datas) == len(inputs)
    for x, got in zip(inputs, res.datas):
        assert got == x, (len(x), len(got))


@pytest.mark.parametrize("dec_props", ["", "records=line"])
def test_round_trip_empty_record_warns(dec_props):
    enc = "newline=true" if dec_props else ""
    res = push_chunks("base64enc %s ! base64dec %s" % (enc, dec_props),
                      [b"xyz", b"", b"abc"], caps="application/octet-stream")
    assert not res.errors
    if dec_props:
        # an empty input gives no text at all, so no line either: the
        # decoder never sees the empty record
        assert res.datas == [b"xyz", b"abc"] and not res.warnings
        return
    assert res.datas == [b"xyz", b"abc"]
    assert len(res.warnings) == 1, res.warnings
    assert _names(res.warnings[0], "record", 2), res.warnings
    assert res.flags[1] & DISCONT


# ---- 3. RFC 4648 section 10 vectors ----

RFC_VECTORS = [(b"f", b"Zg=="), (b"fo", b"Zm8="), (b"foo", b"Zm9v"),
               (b"foob", b"Zm9vYg=="), (b"fooba", b"Zm9vYmE="),
               (b"foobar", b"Zm9vYmFy")]


def _spread(text, ws):
    return ws + ws.join(text[i:i + 1] for i in range(len(text))) + ws


def _decode_records():
    """(text record, expected bytes) pairs: the RFC vectors in every
    accepted spelling, and URL-safe input."""
    out = []
    for raw, text in RFC_VECTORS:
        assert base64.b64encode(raw) == text     # our table is right
        out.append((text, raw))
        out.append((text.rstrip(b"="), raw))
        out.append((_spread(text, b"\r\n"), raw))
        out.append((_spread(text, b" "), raw))
        out.append((b"  " + text[:2] + b"\t\r\n " + text[2:] + b"\n", raw))
        out.append((b"data:application/octet-stream;base64," + text, raw))
        out.append((b"data:text/plain;charset=utf-8;base64," +
                    text.rstrip(b"="), raw))
    for text in (b"-_8", b"-_8=", b"+/8=", b"+/8", b"-_-_", b"_-__",
                 b"data:image/png;base64,-_-_", b"AP-_\r\n-_A="):
        # Python's own decoder, on the text made canonical here
        body = b"".join(text.split(b",")[-1].split())
        body = body.replace(b"+", b"-").replace(b"/", b"_").rstrip(b"=")
        out.append((text, base64.urlsafe_b64decode(
            body + b"=" * (-len(body) % 4))))
    return out


@pytest.mark.parametrize("caps", ["application/x-base64", "text/x-raw",
                                  None])
def test_rfc4648_vectors_decode(caps):
    records = _decode_records()
    # sanity of the expectations for the URL-safe ones
    assert (b"-_8", b"\xfb\xff") in records
    # (records=auto would take text/x-raw and no caps for lines)
    res = push_chunks("base64dec records=buffer", [r[0] for r in records],
                      caps=caps)
    assert not res.errors and not res.warnings, (res.errors, res.warnings)
    assert len(res.datas) == len(records)
    for (text, want), got in zip(records, res.datas):
        assert got == want, (text, got, want)


def test_rfc4648_vectors_line_mode_split_everywhere():
    """The same records as lines, the text cut into 1..5-byte buffers."""
    records = [r for r in _decode_records() if b"\n" not in r[0]]
    text = b"\n".join(r[0] for r in records)
    rng = random.Random(5)
    chunks, i = [], 0
    while i < len(text):
        n = rng.randint(1, 5)
        chunks.append(text[i:i + n])
        i += n
    res = push_chunks("base64dec records=line", chunks, caps="text/x-raw")
    assert not res.errors and not res.warnings, (res.errors, res.warnings)
    assert res.datas == [r[1] for r in records]


# ---- 4. a file of images written here ----

IMAGES = [("PNG", 1, 1), ("JPEG", 17, 9), ("JPEG", 64, 48), ("PNG", 33, 65),
          ("JPEG", 320, 240), ("PNG", 5, 3), ("JPEG", 127, 1),
          ("PNG", 200, 151)]


def _image_files():
    out = []
    for i, (fmt, w, h) in enumerate(IMAGES):
        img = Image.fromarray(make_image(w, h))
        if i == 3:
            img = img.convert("RGBA")
        bio = io.BytesIO()
        img.save(bio, fmt, **({"quality": 85} if fmt == "JPEG" else {}))
        out.append((fmt, (w, h), bio.getvalue()))
    return out


def _image_lines(files):
    """One record per line, in several spellings; the last line has no
    newline."""
    text = b""
    for i, (fmt, size, data) in enumerate(files):
        kind = i % 4
        if kind == 0:
            line = base64.b64encode(data) + b"\n"
        elif kind == 1:
            line = _url(data) + b"\n"
        elif kind == 2:
            line = (b"data:image/%s;base64," % fmt.lower().encode() +
                    base64.b64encode(data) + b"\r\n")
        else:
            line = base64.b64encode(data) + b"\r\n"
        text += line
    return text.rstrip(b"\r\n")


@pytest.mark.parametrize("blocksize", [1, 7, 4096])
def test_file_of_images_line_records(tmp_path, blocksize):
    files = _image_files()
    path = tmp_path / "images.b64"
    path.write_bytes(_image_lines(files))
    assert not path.read_bytes().endswith(b"\n")
    pipeline = Gst.parse_launch(
        "filesrc location=%s blocksize=%d ! base64dec records=line ! "
        "appsink name=sink" % (path, blocksize))
    res = run_to_end(pipeline)
    assert not res.errors and not res.warnings, (res.errors, res.warnings)
    assert len(res.buffers) == len(files)
    for (fmt, size, data), (got, caps, *_rest) in zip(files, res.buffers):
        assert got == data, (fmt, size, len(got), len(data))
        im = Image.open(io.BytesIO(got))
        im.load()
        assert im.format == fmt and im.size == size
        assert caps == "image/%s" % fmt.lower(), caps


# ---- 5. bad input ----

GOOD = [b"good-1", b"second good", b"3", b"fourth!!", b"fifth-and-last"]
# (text, is good, byte offset named for it or None)
BAD_SEQUENCE = [
    (base64.b64encode(GOOD[0]), True, None),
    (b"QUJD*EVG", False, 4),          # invalid character at byte 4
    (base64.b64encode(GOOD[1]), True, None),
    (b"QUJDR", False, None),          # one character left over
    (b"QQ=A", False, None),           # padding in the middle
    (_url(GOOD[2]), True, None),
    (b"", False, None),               # empty record
    (base64.b64encode(GOOD[3]), True, None),
    (base64.b64encode(GOOD[4]), True, None),
]


def _bad_chunks(mode):
    if mode == "buffer":
        return [t for t, _, _ in BAD_SEQUENCE]
    text = b"\n".join(t for t, _, _ in BAD_SEQUENCE) + b"\n"
    return [text[i:i + 3] for i in range(0, len(text), 3)]


@pytest.mark.parametrize("mode", ["buffer", "line"])
def test_bad_records_warn_and_are_dropped(mode):
    res = push_chunks("base64dec records=%s" % mode, _bad_chunks(mode),
                      caps="text/x-raw")
    assert not res.errors, res.errors
    assert res.eos
    assert res.datas == GOOD

    def refused(text, good):
        # an empty line is a blank line between records, not an error
        return not good and (mode == "buffer" or text != b"")

    bad = [(n + 1, off) for n, (t, good, off) in enumerate(BAD_SEQUENCE)
           if refused(t, good)]
    assert len(res.warnings) == len(bad), res.warnings
    for (number, offset), msg in zip(bad, res.warnings):
        assert _names(msg, "record", number), (number, msg)
        if offset is not None:
            assert _names(msg, "byte", offset), (offset, msg)
    # DISCONT on exactly the outputs that follow a dropped record (the
    # first one may carry the stream start's DISCONT)
    after_drop, dropped = [], False
    for text, good, _ in BAD_SEQUENCE:
        if good:
            after_drop.append(dropped)
            dropped = False
        elif refused(text, good):
            dropped = True
    assert after_drop == ([False, True, True, True, False] if mode ==
                          "buffer" else [False, True, True, False, False])
    for i, (flags, want) in enumerate(zip(res.flags, after_drop)):
        if i == 0:
            continue
        assert bool(flags & DISCONT) == want, (i, flags)


@pytest.mark.parametrize("mode", ["buffer", "line"])
def test_bad_record_strict_is_an_error(mode):
    res = push_chunks("base64dec strict=true records=%s" % mode,
                      _bad_chunks(mode), caps="text/x-raw")
    assert res.errors, "no ERROR message"
    assert _names(res.errors[0], "record", 2), res.errors
    # nothing after the bad record comes out
    assert res.datas == GOOD[:1]


def test_error_message_counts_lines_across_crlf_and_buffers():
    """Line numbers count lines, not buffers: lines split over buffers and
    several lines in one buffer."""
    text = b"Zm9v\r\nZm9v\r\nZm9v\r\nZm9v\r\nZm9v\r\nZm9v\r\n" \
        b"Zm9v\r\nZm9v\r\nZm9v\r\nZm9v\r\nZm!v\r\nZm9v"
    chunks = [text[:9], text[9:50], text[50:]]
    res = push_chunks("base64dec records=line", chunks)
    assert res.datas == [b"foo"] * 11
    assert len(res.warnings) == 1
    assert _names(res.warnings[0], "record", 11), res.warnings
    assert _names(res.warnings[0], "byte", 2), res.warnings


# ---- 6. max-record-size ----

def _long_line(n_chars, seed):
    raw = random.Random(seed).randbytes(n_chars * 3 // 4)
    text = base64.b64encode(raw)
    assert len(text) == n_chars and b"=" not in text
    return raw, text


def test_max_record_size_line_mode():
    raw_big, big = _long_line(5000, 1)
    raw_edge, edge = _long_line(1000, 2)      # exactly the limit: accepted
    raw_over, over = _long_line(1004, 3)      # just over: refused
    lines = [base64.b64encode(b"before"), big, base64.b64encode(b"after-1"),
             edge, over, base64.b64encode(b"after-2"), big]
    text = b"\n".join(lines)                  # the last (big) line: no \n
    chunks = [text[i:i + 64] for i in range(0, len(text), 64)]
    res = push_chunks("base64dec records=line max-record-size=1000", chunks,
                      caps="text/x-raw")
    assert not res.errors, res.errors
    assert res.datas == [b"before", b"after-1", raw_edge, b"after-2"]
    assert len(res.warnings) == 3, res.warnings
    for number, msg in zip((2, 5, 7), res.warnings):
        assert "max-record-size" in msg, msg
        assert _names(msg, "record", number), (number, msg)
    assert res.flags[1] & DISCONT and res.flags[3] & DISCONT
    assert not res.flags[2] & DISCONT


def test_max_record_size_buffer_mode():
    raw_edge, edge = _long_line(1000, 4)
    raw_over, over = _long_line(1004, 5)
    res = push_chunks("base64dec max-record-size=1000",
                      [edge, over, b"Zm9v"], caps="application/x-base64")
    assert res.datas == [raw_edge, b"foo"]
    assert len(res.warnings) == 1 and "max-record-size" in res.warnings[0]
    assert _names(res.warnings[0], "record", 2)
    assert res.flags[1] & DISCONT


def test_max_record_size_strict():
    _, big = _long_line(5000, 6)
    text = b"Zm9v\n" + big + b"\nZm9v\n"
    res = push_chunks("base64dec records=line max-record-size=1000 "
                      "strict=true",
                      [text[i:i + 100] for i in range(0, len(text), 100)])
    assert res.errors and res.datas == [b"foo"]


# ---- 7. caps ----

def _jpeg_to_base64(props):
    return run_to_end(Gst.parse_launch(
        "videotestsrc num-buffers=2 ! video/x-raw,width=64,height=48 ! "
        "imencode ! base64enc %s ! appsink name=sink" % props))


@pytest.mark.parametrize("data_uri", [False, True])
def test_encoder_caps_from_imencode(data_uri):
    res = _jpeg_to_base64("data-uri=%s" % str(data_uri).lower())
    assert not res.errors and len(res.buffers) == 2
    s = _caps_struct(res.buffers[0][1])
    assert s.get_name() == "application/x-base64"
    assert s.get_value("content-type") == "image/jpeg"
    assert s.get_value("data-uri") is data_uri
    prefix = b"data:image/jpeg;base64,"
    for text in res.datas:
        assert text.startswith(prefix) == data_uri
        if data_uri:
            text = text[len(prefix):]
        raw = base64.b64decode(text, validate=True)
        assert Image.open(io.BytesIO(raw)).format == "JPEG"


def test_encoder_caps_without_upstream_caps(tmp_path):
    data = random.Random(9).randbytes(10000)
    path = tmp_path / "bytes.bin"
    path.write_bytes(data)
    res = run_to_end(Gst.parse_launch(
        "filesrc location=%s blocksize=3000 ! base64enc data-uri=true ! "
        "appsink name=sink" % path))
    assert not res.errors and len(res.buffers) == 4
    s = _caps_struct(res.buffers[0][1])
    assert s.get_value("content-type") == "application/octet-stream"
    assert s.get_value("data-uri") is True
    prefix = b"data:application/octet-stream;base64,"
    assert all(t.startswith(prefix) for t in res.datas)
    assert b"".join(base64.b64decode(t[len(prefix):], validate=True)
                    for t in res.datas) == data


def test_encoder_follows_upstream_caps_change():
    pipeline = Gst.parse_launch("appsrc name=src format=time ! base64enc "
                                "data-uri=true ! appsink name=sink")
    src = pipeline.get_by_name("src")
    pipeline.set_state(Gst.State.PLAYING)
    for caps in ("image/png", "image/png", "image/jpeg", "text/plain"):
        src.set_property("caps", Gst.Caps.from_string(caps))
        src.emit("push-buffer", Gst.Buffer.new_wrapped(b"abc"))
    src.emit("end-of-stream")
    res = run_to_end(pipeline)
    assert not res.errors
    assert res.datas == [b"data:%s;base64,YWJj" % t for t in
                         (b"image/png", b"image/png", b"image/jpeg",
                          b"text/plain")]
    assert [_caps_struct(b[1]).get_value("content-type")
            for b in res.buffers] == ["image/png", "image/png", "image/jpeg",
                                      "text/plain"]


def test_decoder_caps_follow_record_type():
    files = _image_files()
    jpegs = [d for f, _, d in files if f == "JPEG"]
    pngs = [d for f, _, d in files if f == "PNG"]
    order = [jpegs[0], jpegs[1], pngs[0], jpegs[2], pngs[1], pngs[2]]
    res = push_chunks("base64dec", [base64.b64encode(d) for d in order],
                      caps="application/x-base64")
    assert not res.errors and not res.warnings
    assert res.datas == order
    want = ["image/png" if d.startswith(b"\x89PNG") else "image/jpeg"
            for d in order]
    assert [b[1] for b in res.buffers] == want


def test_decoder_caps_other_bytes_are_not_images():
    texts = [b"just some text, nothing else\n" * 4,
             bytes(range(256)) * 3]
    res = push_chunks("base64dec records=buffer",
                      [base64.b64encode(t) for t in texts])
    assert res.datas == texts
    for _, caps, *_rest in res.buffers:
        assert not caps.startswith("image/jpeg")
        assert not caps.startswith("image/png")


# ---- 8. one record per line into a file ----

def test_imencode_base64_lines_to_file(tmp_path):
    path = tmp_path / "frames.b64"
    pipeline = Gst.parse_launch(
        "videotestsrc num-buffers=3 ! video/x-raw,width=80,height=60 ! "
        "imencode ! base64enc newline=true ! filesink location=%s" % path)
    pipeline.set_state(Gst.State.PLAYING)
    msg = pipeline.get_bus().timed_pop_filtered(
        30 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    assert msg is not None and msg.type == Gst.MessageType.EOS
    text = path.read_bytes()
    assert text.endswith(b"\n") and text.count(b"\n") == 3
    lines = text.split(b"\n")[:-1]
    assert len(lines) == 3
    for line in lines:
        im = Image.open(io.BytesIO(base64.b64decode(line, validate=True)))
        im.load()
        assert im.format == "JPEG" and im.size == (80, 60)


# ---- 9. records=auto, blank lines, what refusals say ----

def test_records_default_is_auto():
    dec = Gst.ElementFactory.make("base64dec", None)
    assert dec.get_property("records").value_nick == "auto"


@pytest.mark.parametrize("blocksize", [7, 4096])
def test_auto_reads_a_file_one_record_per_line(tmp_path, blocksize):
    """Straight after filesrc (no caps) records=auto takes lines, so a file
    of one image per line gives the images, and imdecode after it decodes
    each (checked against Pillow)."""
    files = _image_files()
    path = tmp_path / "images.b64"
    path.write_bytes(_image_lines(files))
    res = run_to_end(Gst.parse_launch(
        "filesrc location=%s blocksize=%d ! base64dec ! appsink name=sink"
        % (path, blocksize)))
    assert not res.errors and not res.warnings, (res.errors, res.warnings)
    assert res.datas == [d for _, _, d in files]
    res = run_to_end(Gst.parse_launch(
        "filesrc location=%s blocksize=%d ! base64dec ! imdecode ! "
        "video/x-raw,format=RGBA ! appsink name=sink" % (path, blocksize)))
    assert not res.errors and not res.warnings, (res.errors, res.warnings)
    assert len(res.buffers) == len(files)
    for (fmt, (w, h), data), (got, caps, *_rest) in zip(files, res.buffers):
        s = _caps_struct(caps)
        assert (s.get_value("width"), s.get_value("height")) == (w, h)
        want = Image.open(io.BytesIO(data)).convert("RGBA").tobytes()
        stride = (w * 4 + 3) & ~3
        rows = [got[y * stride:y * stride + w * 4] for y in range(h)]
        if fmt == "PNG":
            assert b"".join(rows) == want, fmt
        else:
            diff = max(abs(a - b) for a, b in zip(b"".join(rows), want))
            assert diff <= 8, (fmt, diff)


def test_auto_takes_buffers_after_base64_caps():
    """After application/x-base64 caps each buffer is a record even when it
    holds newlines (MIME lines)."""
    inputs = [random.Random(n).randbytes(n) for n in (57, 200, 1000)]
    res = push_chunks("base64dec", [base64.encodebytes(x) for x in inputs],
                      caps="application/x-base64")
    assert not res.errors and not res.warnings
    assert res.datas == inputs


def test_blank_lines_between_records_are_no_error(tmp_path):
    text = (b"\n" + base64.b64encode(b"first") + b"\r\n\r\n\r\n  \t\n" +
            base64.b64encode(b"second") + b"\n\n")
    path = tmp_path / "blank.b64"
    path.write_bytes(text)
    for strict in ["false", "true"]:
        res = run_to_end(Gst.parse_launch(
            "filesrc location=%s blocksize=3 ! base64dec strict=%s ! "
            "appsink name=sink" % (path, strict)))
        assert not res.errors and not res.warnings, (res.errors,
                                                     res.warnings)
        assert res.datas == [b"first", b"second"]
        assert not res.flags[1] & DISCONT


def _titles(messages):
    """The messages without their debug part (which starts with the
    source file)."""
    return [m.split(" (../")[0] for m in messages]


@pytest.mark.parametrize("mode", ["buffer", "line"])
def test_empty_and_too_long_say_so(mode):
    big = base64.b64encode(random.Random(3).randbytes(300))
    records = [b"data:image/png;base64,", big, b" \t ", b"Zm9v"]
    if mode == "line":
        chunks = [b"\n".join(records) + b"\n"]
    else:
        chunks = records
    res = push_chunks("base64dec records=%s max-record-size=100" % mode,
                      chunks, caps="text/x-raw")
    assert not res.errors and res.datas == [b"foo"]
    titles = _titles(res.warnings)
    # a blank line is no record; a whitespace-only buffer is an empty one
    assert len(titles) == (2 if mode == "line" else 3), titles
    assert re.search(r"^Record 1 is empty\b", titles[0]), titles
    assert re.search(r"^Record 2 is too long\b.*max-record-size \(100\)",
                     titles[1]), titles
    if mode == "buffer":
        assert re.search(r"^Record 3 is empty\b", titles[2]), titles
    assert not any("not valid base64" in t for t in titles), titles


# ---- 10. base64enc records=stream ----

def _big_png(tmp_path):
    """A PNG file of about 256 KB (noise does not compress), made by
    Pillow."""
    rng = random.Random(42)
    img = Image.frombytes("RGB", (300, 290), rng.randbytes(300 * 290 * 3))
    path = tmp_path / "photo.png"
    img.save(path, "PNG")
    data = path.read_bytes()
    assert 250000 < len(data) < 270000, len(data)
    return path, data


def _stream_case(name, data):
    """(properties, expected text) of records=stream for the bytes."""
    std, url = _std(data), _url(data)
    return {
        "data-uri": ("data-uri=true", b"data:image/png;base64," + std),
        "mime": ("line-length=76 newline=true", base64.encodebytes(data)),
        "wrap-5-url-safe": ("line-length=5 url-safe=true newline=true",
                            _wrap(url, 5) + b"\n"),
        "all": ("data-uri=true line-length=7 url-safe=true newline=true",
                b"data:image/png;base64," + _wrap(url, 7) + b"\n"),
    }[name]


@pytest.mark.parametrize("name", ["data-uri", "mime", "wrap-5-url-safe",
                                  "all"])
@pytest.mark.parametrize("blocksize", [None, 1000, 4097, 65536])
def test_stream_record_is_one_text(tmp_path, name, blocksize):
    """filesrc ! image/png ! base64enc records=stream writes the file as one
    record, whatever the block size, as Python's base64 writes it."""
    path, data = _big_png(tmp_path)
    props, want = _stream_case(name, data)
    out = tmp_path / "photo.uri"
    pipeline = Gst.parse_launch(
        "filesrc location=%s %s ! image/png ! base64enc records=stream %s ! "
        "filesink location=%s" % (path, "blocksize=%d" % blocksize
                                  if blocksize else "", props, out))
    pipeline.set_state(Gst.State.PLAYING)
    msg = pipeline.get_bus().timed_pop_filtered(
        60 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    assert msg is not None and msg.type == Gst.MessageType.EOS
    text = out.read_bytes()
    assert text == want, (len(text), len(want))
    if name == "data-uri":
        assert text.count(b"data:") == 1
        raw = base64.b64decode(text.split(b",", 1)[1], validate=True)
        assert Image.open(io.BytesIO(raw)).size == (300, 290)


@pytest.mark.parametrize("sizes", [[1, 1, 1, 1, 1], [2, 2, 2], [1, 3, 5],
                                   [3, 3], [4, 0, 4], [0], []])
def test_stream_buffers_hold_whole_groups(sizes):
    """Every output buffer of records=stream holds whole 4-character groups
    (it decodes on its own) and has the timestamps of the input buffer it
    came from; the end (padding, newline) comes at EOS."""
    rng = random.Random(len(sizes))
    chunks = [rng.randbytes(n) for n in sizes]
    data = b"".join(chunks)
    res = push_chunks("base64enc records=stream newline=true", chunks,
                      caps="application/x-test-bytes")
    assert not res.errors and not res.warnings
    assert b"".join(res.datas) == (_std(data) + b"\n" if data else b"")
    for text in res.datas[:-1]:
        assert len(text) % 4 == 0 and len(text) > 0, text
        base64.b64decode(text, validate=True)
    pts = [b[2] for b in res.buffers]
    # one output per input that completed a group, plus the end
    filled, have = [], 0
    for i, n in enumerate(sizes):
        if (have + n) // 3 > have // 3:
            filled.append(Gst.SECOND + i * Gst.MSECOND)
        have += n
    if data:
        # the end: the last group (if any bytes are left) and the newline
        filled.append(Gst.CLOCK_TIME_NONE)
    assert pts == filled, (pts, filled)


def test_stream_round_trips():
    """records=stream text decodes back, through base64dec (records=auto:
    buffers after application/x-base64) and through imdecode."""
    img = Image.fromarray(make_image(120, 90))
    bio = io.BytesIO()
    img.save(bio, "PNG")
    png = bio.getvalue()
    chunks = [png[i:i + 1000] for i in range(0, len(png), 1000)]
    res = push_chunks("base64enc records=stream line-length=76 ! base64dec",
                      chunks, caps="image/png")
    assert not res.errors and not res.warnings
    assert b"".join(res.datas) == png
    # (framing=stream: one record over many application/x-base64 buffers,
    # which imdecode's framing=auto takes for one record each)
    res = push_chunks("base64enc records=stream data-uri=true ! "
                      "imdecode framing=stream ! video/x-raw,format=RGB",
                      chunks, caps="image/png")
    assert not res.errors and not res.warnings, (res.errors, res.warnings)
    assert len(res.buffers) == 1
    got = res.datas[0]
    stride = (120 * 3 + 3) & ~3
    assert b"".join(got[y * stride:y * stride + 360] for y in range(90)) == \
        img.tobytes()
