/* gst-imencode: what the element fuzz targets share
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The element targets (fuzz-imdecode.c, fuzz-base64dec.c) are built by
 * tests/meson.build with clang -fsanitize=fuzzer,address,undefined from
 * their own file, the elements' sources in gst/ and the core's in src/,
 * so that the plugin's code is instrumented; GStreamer, GLib,
 * libjpeg-turbo and libpng come from the system (pkg-config) and are
 * not. The elements are registered statically (GST_ELEMENT_REGISTER with
 * no plugin) in LLVMFuzzerInitialize(), and driven through GstHarness. GLib criticals
 * and warnings abort, which libFuzzer reports as a crash.
 */
#ifndef FUZZ_GST_H
#define FUZZ_GST_H

#include <gst/check/gstharness.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "gstimencodeelements.h"
#include "fuzz-check.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
/* GLib criticals and warnings (GStreamer's included) end the run with
 * abort(), which libFuzzer catches and reports with the input (GLib's own
 * fatal handling raises SIGTRAP, which it does not). */
static void
fuzz_log (const gchar * domain, GLogLevelFlags level, const gchar * message,
    gpointer user_data)
{
  fprintf (stderr, "%s: %s\n", domain ? domain : "", message);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL |
          G_LOG_LEVEL_WARNING))
    abort ();
}

/* gst_init() and the plugin's elements, once per process. */
static void
fuzz_gst_init (void)
{
  g_setenv ("GST_REGISTRY_DISABLE", "yes", TRUE);
  g_setenv ("GST_PLUGIN_SYSTEM_PATH_1_0", "", TRUE);
  g_setenv ("GST_PLUGIN_PATH_1_0", "", TRUE);
  g_log_set_default_handler (fuzz_log, NULL);
  gst_init (NULL, NULL);
  CHECK (GST_ELEMENT_REGISTER (imdecode, NULL));
  CHECK (GST_ELEMENT_REGISTER (base64dec, NULL));
}

/* A small deterministic generator for the piece sizes an input chooses. */
typedef struct
{
  guint32 state;
} FuzzRand;

static guint32
fuzz_rand (FuzzRand * r)
{
  /* xorshift32 */
  r->state ^= r->state << 13;
  r->state ^= r->state >> 17;
  r->state ^= r->state << 5;
  return r->state;
}

/* The size of the next piece: 1 to @max bytes, small ones often. */
static gsize
fuzz_piece (FuzzRand * r, gsize max)
{
  guint32 v = fuzz_rand (r);

  if (max <= 1)
    return 1;
  switch (v & 3) {
    case 0:
      return 1 + (v >> 2) % MIN (max, 8);
    case 1:
      return 1 + (v >> 2) % MIN (max, 64);
    default:
      return 1 + (v >> 2) % max;
  }
}

/* Pushes the stream start and a bytes segment, as a caps-less source
 * does (gst_harness_set_src_caps() does it when there are caps). */
static void
fuzz_start_without_caps (GstHarness * hr)
{
  GstSegment seg;

  gst_harness_play (hr);
  gst_segment_init (&seg, GST_FORMAT_BYTES);
  CHECK (gst_harness_push_event (hr, gst_event_new_stream_start ("fuzz")));
  CHECK (gst_harness_push_event (hr, gst_event_new_segment (&seg)));
}

static void
fuzz_element_finalized (gpointer data, GObject * where)
{
  *(gboolean *) data = TRUE;
}

/* Tears @hr down and checks that its element is finalized (no reference
 * kept by a cycle or a leak in the element). */
static void
fuzz_teardown (GstHarness * hr)
{
  gboolean finalized = FALSE;

  g_object_weak_ref (G_OBJECT (hr->element), fuzz_element_finalized,
      &finalized);
  gst_harness_teardown (hr);
  CHECK (finalized);
}

#endif /* FUZZ_GST_H */
