#!/usr/bin/env bash
# Quick-start demo: installs what is missing, builds, then runs imencode,
# base64enc, base64dec and imdecode on GStreamer's built-in test source and
# leaves the results in demo-output/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --build-only

export GST_PLUGIN_PATH="$PWD/build/gst${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
OUT=demo-output
rm -rf "$OUT"
mkdir -p "$OUT"

# Five JPEG snapshots of a moving ball, one file per frame.
gst-launch-1.0 -q videotestsrc pattern=ball num-buffers=5 \
  ! video/x-raw,width=640,height=480 \
  ! imencode quality=90 ! multifilesink location="$OUT/frame-%02d.jpg"

# A PNG thumbnail of the colour bars: crop the top-left quarter, 160 wide.
gst-launch-1.0 -q videotestsrc pattern=smpte num-buffers=1 \
  ! video/x-raw,width=640,height=480 \
  ! imencode format=png crop-width=320 crop-height=240 width=160 \
  ! filesink location="$OUT/thumbnail.png"

# A letterboxed 320x320 model input from a 16:9 frame, grey bars.
gst-launch-1.0 -q videotestsrc pattern=smpte num-buffers=1 \
  ! video/x-raw,width=1280,height=720 \
  ! imencode width=320 height=320 aspect-mode=letterbox pad-color=0xff808080 \
  ! filesink location="$OUT/letterbox.jpg"

# One base64 data URI line, ready to inline in JSON or an <img> tag.
gst-launch-1.0 -q videotestsrc pattern=snow num-buffers=1 \
  ! video/x-raw,width=64,height=48 \
  ! imencode encoding=data-uri quality=70 ! filesink location="$OUT/frame.b64"
echo >> "$OUT/frame.b64"

# base64 records: three small JPEGs as one base64 line each (as a message
# queue or log would carry them), then each line decoded back to a file.
gst-launch-1.0 -q videotestsrc pattern=ball num-buffers=3 \
  ! video/x-raw,width=160,height=120 \
  ! imencode ! base64enc newline=true ! filesink location="$OUT/records.b64"
gst-launch-1.0 -q filesrc location="$OUT/records.b64" \
  ! base64dec records=line ! multifilesink location="$OUT/record-%d.jpg"

# imdecode: a JPEG file back to frames at half size (DCT scaling), then to
# a gray PNG.
gst-launch-1.0 -q filesrc location="$OUT/frame-00.jpg" \
  ! imdecode scale=1/2 ! video/x-raw,format=GRAY8 \
  ! imencode format=png ! filesink location="$OUT/decoded-half-gray.png"

# JSON events: one line per image with the image inside (here two frames
# of the ball, as a message-queue bridge would receive them).
gst-launch-1.0 -q videotestsrc pattern=ball num-buffers=2 \
  ! video/x-raw,width=160,height=120 \
  ! imencode encoding=json quality=70 ! filesink location="$OUT/events.ndjson"

echo "demo: wrote these files:"
ls -l "$OUT"
echo "demo: the base64 line ($(wc -c < "$OUT/frame.b64") bytes):"
cat "$OUT/frame.b64"
echo "demo: the first JSON event, its image data cut short:"
head -n 1 "$OUT/events.ndjson" | cut -c1-240
