/* gst-imencode: libFuzzer target driving base64dec (and base64dec !
 * imdecode)
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * How it is built and what it shares: fuzz-gst.h. Input:
 *
 * - byte 0: the sink caps (bits 0-1: none, application/x-base64,
 *   text/x-raw, application/x-base64 with content-type and data-uri);
 *   bits 2-3: records (auto, buffer, line, line); bit 4: strict=true;
 *   bit 5: max-record-size 64 (else 1 MiB); bit 6: imdecode after it
 *   (base64dec ! imdecode, the pipeline of the issue); bit 7: a flush
 *   halfway;
 * - byte 1: records changes halfway to this (bits 0-1 as above, 3: no
 *   change); bits 2-7 and byte 2: how the text is cut into buffers (seed
 *   of the piece sizes, up to 1 + 8 * byte 2 bytes);
 * - the rest: the text.
 *
 * What must hold, besides no crash, no sanitizer report, no GLib critical
 * or warning, no leaked element: base64dec alone pushes no empty buffer,
 * each output has caps, and with strict=false nothing is ever an error:
 * every push returns OK (a bad record, an empty one, one too long or a
 * record that is no image is dropped with a warning); with strict=true
 * OK or ERROR. Downstream takes anything (base64dec alone) or raw video
 * (after imdecode); either way not-negotiated must not happen, since
 * imdecode takes whatever base64dec announces.
 *
 * Reproduce a crash with: build/tests/fuzz-base64dec crash-<sha1>
 */

#include <string.h>

#include "fuzz-gst.h"

static const char *const sink_caps[] = {
  NULL, "application/x-base64", "text/x-raw",
  "application/x-base64,content-type=image/png,data-uri=true",
};

static const char *const records[] = { "auto", "buffer", "line", "line" };

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_gst_init ();
  return 0;
}

static void
check_outputs (GstHarness * hr, gboolean alone)
{
  GstBuffer *out;

  while ((out = gst_harness_try_pull (hr))) {
    GstCaps *caps = gst_pad_get_current_caps (hr->sinkpad);

    CHECK (caps != NULL);
    if (alone)
      CHECK (gst_buffer_get_size (out) > 0);
    gst_caps_unref (caps);
    gst_buffer_unref (out);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GstHarness *hr;
  FuzzRand rand;
  guint8 ctl, ctl2;
  gsize off = 0, max_piece, half;
  gboolean strict, alone;
  GstFlowReturn ret = GST_FLOW_OK;

  if (size < 3)
    return 0;
  ctl = data[0];
  ctl2 = data[1];
  rand.state = 0x85ebca6bu ^ ((guint32) (ctl2 >> 2) << 8 | data[2]);
  max_piece = 1 + 8 * (gsize) data[2];
  data += 3;
  size -= 3;
  half = size / 2;
  strict = (ctl & 0x10) != 0;
  alone = (ctl & 0x40) == 0;

  if (alone) {
    hr = gst_harness_new ("base64dec");
    gst_harness_set_sink_caps_str (hr, "ANY");
  } else {
    hr = gst_harness_new_parse ("base64dec name=dec ! imdecode "
        "max-pixels=65536");
    gst_harness_set_sink_caps_str (hr, "video/x-raw");
  }
  {
    GstElement *dec = alone ? gst_object_ref (hr->element) :
        gst_bin_get_by_name (GST_BIN (hr->element), "dec");

    g_object_set (dec, "strict", strict, "max-record-size",
        (guint64) (ctl & 0x20 ? 64 : 1 << 20), NULL);
    gst_util_set_object_arg (G_OBJECT (dec), "records",
        records[(ctl >> 2) & 3]);
    gst_object_unref (dec);
  }
  if (sink_caps[ctl & 3])
    gst_harness_set_src_caps_str (hr, sink_caps[ctl & 3]);
  else
    fuzz_start_without_caps (hr);

  while (off < size && ret == GST_FLOW_OK) {
    gsize n = fuzz_piece (&rand, max_piece);

    n = MIN (n, size - off);

    if (off >= half && off - n < half) {
      if ((ctl2 & 3) != 3) {
        GstElement *dec = alone ? gst_object_ref (hr->element) :
            gst_bin_get_by_name (GST_BIN (hr->element), "dec");

        gst_util_set_object_arg (G_OBJECT (dec), "records",
            records[ctl2 & 3]);
        gst_object_unref (dec);
      }
      if (ctl & 0x80) {
        GstSegment seg;

        CHECK (gst_harness_push_event (hr, gst_event_new_flush_start ()));
        CHECK (gst_harness_push_event (hr,
                gst_event_new_flush_stop (TRUE)));
        gst_segment_init (&seg, GST_FORMAT_BYTES);
        CHECK (gst_harness_push_event (hr, gst_event_new_segment (&seg)));
      }
    }
    ret = gst_harness_push (hr, gst_buffer_new_memdup (data + off, n));
    off += n;
    check_outputs (hr, alone);
  }
  CHECK (ret == GST_FLOW_OK || (strict && ret == GST_FLOW_ERROR));
  if (ret == GST_FLOW_OK) {
    CHECK (gst_harness_push_event (hr, gst_event_new_eos ()));
    check_outputs (hr, alone);
  }
  fuzz_teardown (hr);
  return 0;
}
