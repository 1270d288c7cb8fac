/* gst-imencode: libFuzzer target driving the imdecode element
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * How it is built and what it shares: fuzz-gst.h. Input:
 *
 * - byte 0: the sink caps (bits 0-2: none, image/jpeg, image/png,
 *   application/x-base64, application/octet-stream, text/plain,
 *   image/png with a framerate, image/jpeg with a framerate); bit 3: a caps
 *   event of another kind halfway (after a flush when there were no caps);
 *   bit 4: strict=true; bit 5: a flush halfway; bit 6: max-pixels 4096
 *   (else 2^20); bit 7: no EOS at the end (teardown with data held);
 * - byte 1: scale (bits 0-1: 1, 1/2, 1/4, 1/8), the format downstream
 *   takes (bits 2-4: RGB, BGR, RGBA, BGRA, GRAY8, I420, any), bit 5: the
 *   format changes halfway, bits 6-7: framing (auto, buffer, stream,
 *   auto);
 * - bytes 2-3: how the stream is cut into buffers (seed of the piece
 *   sizes; byte 3 also bounds them: up to 1 + 16 * byte 3 bytes);
 * - the rest: the stream.
 *
 * What must hold, besides no crash, no sanitizer report, no GLib critical
 * or warning, no leaked element: every output buffer is a whole frame of
 * the caps it came with (size at least the GstVideoInfo size, width and
 * height within max-pixels after scaling), with only the formats of the
 * src template; chain returns OK, or ERROR with strict=true (a refused
 * image), or NOT_NEGOTIATED only when downstream's format was changed; EOS
 * is refused only with strict=true (an error ended the stream).
 *
 * Reproduce a crash with: build/tests/fuzz-imdecode crash-<sha1>
 */

#include <gst/video/video.h>
#include <string.h>

#include "fuzz-gst.h"

static const char *const sink_caps[] = {
  NULL, "image/jpeg", "image/png", "application/x-base64",
  "application/octet-stream", "text/plain", "image/png,framerate=30/1",
  "image/jpeg,framerate=25/1",
};

static const char *const formats[] = {
  "video/x-raw,format=RGB", "video/x-raw,format=BGR",
  "video/x-raw,format=RGBA", "video/x-raw,format=BGRA",
  "video/x-raw,format=GRAY8", "video/x-raw,format=I420",
  "video/x-raw", "video/x-raw",
};

static const char *const scales[] = { "1", "1/2", "1/4", "1/8" };

static const char *const framings[] = { "auto", "buffer", "stream", "auto" };

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_gst_init ();
  return 0;
}

/* Checks each frame as it leaves imdecode, against the caps it leaves
 * with (the harness's queue would not tell which caps a buffer had). */
static GstPadProbeReturn
check_frame (GstPad * pad, GstPadProbeInfo * pi, gpointer user_data)
{
  guint64 max_pixels = *(const guint64 *) user_data;
  GstBuffer *out = GST_PAD_PROBE_INFO_BUFFER (pi);
  GstCaps *caps = gst_pad_get_current_caps (pad);
  GstVideoInfo info;
  GstVideoFormat f;

  CHECK (caps != NULL);
  CHECK (gst_video_info_from_caps (&info, caps));
  f = GST_VIDEO_INFO_FORMAT (&info);
  CHECK (f == GST_VIDEO_FORMAT_RGB || f == GST_VIDEO_FORMAT_BGR ||
      f == GST_VIDEO_FORMAT_RGBA || f == GST_VIDEO_FORMAT_BGRA ||
      f == GST_VIDEO_FORMAT_GRAY8 || f == GST_VIDEO_FORMAT_I420);
  CHECK (GST_VIDEO_INFO_WIDTH (&info) > 0);
  CHECK (GST_VIDEO_INFO_HEIGHT (&info) > 0);
  CHECK ((guint64) GST_VIDEO_INFO_WIDTH (&info) *
      GST_VIDEO_INFO_HEIGHT (&info) <= max_pixels);
  CHECK (gst_buffer_get_size (out) >= GST_VIDEO_INFO_SIZE (&info));
  gst_caps_unref (caps);
  return GST_PAD_PROBE_OK;
}

/* Drops the frames that came out so far. */
static void
drop_outputs (GstHarness * hr)
{
  GstBuffer *out;

  while ((out = gst_harness_try_pull (hr)))
    gst_buffer_unref (out);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GstHarness *hr;
  FuzzRand rand;
  guint8 ctl, fmt;
  guint64 max_pixels;
  gsize off = 0, max_piece, half;
  gboolean strict, changed_caps = FALSE, changed_format = FALSE;
  GstFlowReturn ret = GST_FLOW_OK;

  if (size < 4)
    return 0;
  ctl = data[0];
  fmt = data[1];
  rand.state = 0x9e3779b9u ^ ((guint32) data[2] << 8 | data[3]);
  max_piece = 1 + 16 * (gsize) data[3];
  data += 4;
  size -= 4;
  half = size / 2;
  strict = (ctl & 0x10) != 0;
  max_pixels = ctl & 0x40 ? 4096 : 1 << 20;

  hr = gst_harness_new ("imdecode");
  {
    GstPad *src = gst_element_get_static_pad (hr->element, "src");

    gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, check_frame,
        &max_pixels, NULL);
    gst_object_unref (src);
  }
  g_object_set (hr->element, "strict", strict, "max-pixels", max_pixels,
      NULL);
  gst_util_set_object_arg (G_OBJECT (hr->element), "scale",
      scales[fmt & 3]);
  gst_util_set_object_arg (G_OBJECT (hr->element), "framing",
      framings[fmt >> 6]);
  gst_harness_set_sink_caps_str (hr, formats[(fmt >> 2) & 7]);
  if (sink_caps[ctl & 7])
    gst_harness_set_src_caps_str (hr, sink_caps[ctl & 7]);
  else
    fuzz_start_without_caps (hr);

  while (off < size && ret == GST_FLOW_OK) {
    gsize n = fuzz_piece (&rand, max_piece);

    n = MIN (n, size - off);

    if (off >= half && off - n < half) {
      /* halfway: the things that may happen mid-stream */
      /* (caps after a segment must come after a flush: a stream without
       * caps gets its first caps that way) */
      if (ctl & 0x20 || (ctl & 0x08 && !sink_caps[ctl & 7])) {
        GstSegment seg;

        CHECK (gst_harness_push_event (hr, gst_event_new_flush_start ()));
        CHECK (gst_harness_push_event (hr,
                gst_event_new_flush_stop (TRUE)));
        gst_segment_init (&seg, GST_FORMAT_BYTES);
        if (!(ctl & 0x08))
          CHECK (gst_harness_push_event (hr, gst_event_new_segment (&seg)));
      }
      if (ctl & 0x08) {
        /* the harness sends a segment after the caps */
        gst_harness_set_src_caps_str (hr, sink_caps[1 + (ctl & 7) % 7]);
        changed_caps = TRUE;
      }
      if (fmt & 0x20) {
        gst_harness_set_sink_caps_str (hr, formats[((fmt >> 2) + 1) & 7]);
        changed_format = TRUE;
      }
    }
    ret = gst_harness_push (hr, gst_buffer_new_memdup (data + off, n));
    off += n;
    drop_outputs (hr);
  }
  CHECK (ret == GST_FLOW_OK || (strict && ret == GST_FLOW_ERROR) ||
      (changed_format && ret == GST_FLOW_NOT_NEGOTIATED));
  (void) changed_caps;
  if (ret == GST_FLOW_OK && !(ctl & 0x80)) {
    CHECK (gst_harness_push_event (hr, gst_event_new_eos ()) || strict);
    drop_outputs (hr);
  }
  fuzz_teardown (hr);
  return 0;
}
