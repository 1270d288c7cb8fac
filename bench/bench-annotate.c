/* gst-imencode benchmark: what annotate costs on a 1080p JPEG
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The 8 panned 1920x1080 frames of bench-common (I420, full-range BT.601),
 * each carrying 10 GstVideoRegionOfInterestMetas (type, a "detection"
 * confidence, an "object_id" track id; boxes from 60x120 to 420x380 over
 * the frame), prepared once, untimed, are pushed through
 *
 *   appsrc block=true format=time ! imencode threads=1 quality=85 [A]
 *       ! fakesink sync=false
 *
 * with A empty (plain encode: the encoder reads the frame in place) and
 * A = annotate=boxes+labels (a copy of the frame, 10 outlines and 10 labels
 * rendered by Pango and Cairo), and with annotate=boxes+labels+time. The
 * variants run in interleaved rounds; a pad probe on the fakesink starts the
 * clock after WARM outputs and stops it at the last. Reported: the median
 * over rounds of frames per second and of process CPU time per frame, and
 * each variant's ratio to the plain encode.
 *
 *   bench-annotate [frames-per-round [rounds [variant]]]
 *
 * With a variant (0 plain, 1 labels, 2 labels and time) only that one
 * runs, for a profiler.
 */
#include "bench-common.h"

#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WARM 10
#define N_BOXES 10
#define N_VARIANTS 3

static const gchar *variants[N_VARIANTS] = {
  "",
  "annotate=boxes+labels",
  "annotate=boxes+labels+time",
};

/* What the fakesink probe sees, in the streaming thread. */
typedef struct
{
  guint outputs;
  gint64 start_us, end_us;
  double start_cpu, end_cpu;
} Count;

static GstPadProbeReturn
count_output (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Count *c = user_data;

  c->outputs++;
  if (c->outputs == WARM) {
    c->start_us = g_get_monotonic_time ();
    c->start_cpu = process_cpu_ms ();
  }
  c->end_us = g_get_monotonic_time ();
  c->end_cpu = process_cpu_ms ();
  return GST_PAD_PROBE_OK;
}

/* Adds the 10 regions of frame @i to @buf. */
static void
add_regions (GstBuffer * buf, guint i)
{
  static const gchar *types[] = { "person", "car", "dog", "bicycle" };

  for (guint k = 0; k < N_BOXES; k++) {
    guint w = 60 + 40 * k, h = 120 + 29 * k;
    guint x = (k * 173 + i * 7) % (1920 - w);
    guint y = (k * 97 + i * 5) % (1080 - h);
    GstVideoRegionOfInterestMeta *m;

    m = gst_buffer_add_video_region_of_interest_meta (buf, types[k % 4], x,
        y, w, h);
    m->id = (gint) k;
    gst_video_region_of_interest_meta_add_param (m,
        gst_structure_new ("detection", "confidence", G_TYPE_DOUBLE,
            0.5 + 0.049 * k, NULL));
    gst_video_region_of_interest_meta_add_param (m,
        gst_structure_new ("object_id", "id", G_TYPE_INT, (gint) (40 + k),
            NULL));
  }
}

/* Runs @frames frames of @set through imencode with @props; fills the
 * frames per second and CPU ms per frame after the warm-up. */
static gboolean
run_variant (const FrameSet * set, const gchar * props, guint frames,
    double *fps, double *cpu_ms)
{
  gchar *desc = g_strdup_printf ("appsrc name=src block=true format=time "
      "max-bytes=0 max-buffers=4 ! imencode threads=1 quality=85 %s ! "
      "fakesink name=sink sync=false", props);
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);
  GstElement *src, *sink;
  GstPad *pad;
  GstMessage *msg;
  Count c = { 0 };
  gboolean ok;

  g_free (desc);
  if (!pipeline) {
    fprintf (stderr, "pipeline: %s\n", err ? err->message : "?");
    g_clear_error (&err);
    return FALSE;
  }
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (src, "caps", set->caps, NULL);
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_output, &c, NULL);
  gst_object_unref (pad);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < frames; i++) {
    GstBuffer *b = gst_buffer_ref (set->frames[i % N_FRAMES]);

    /* a writable copy of the buffer struct for its own timestamps; the
     * pixels and the region metas are shared */
    b = gst_buffer_make_writable (b);
    GST_BUFFER_PTS (b) = gst_util_uint64_scale (i, GST_SECOND, FPS);
    GST_BUFFER_DURATION (b) = GST_SECOND / FPS;
    if (gst_app_src_push_buffer (GST_APP_SRC (src), b) != GST_FLOW_OK)
      break;
  }
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
      GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  ok = msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS &&
      c.outputs == frames;
  if (msg)
    gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  if (!ok) {
    fprintf (stderr, "%s: %u of %u outputs\n", props, c.outputs, frames);
    return FALSE;
  }
  *fps = (frames - WARM) * 1e6 / (double) (c.end_us - c.start_us);
  *cpu_ms = (c.end_cpu - c.start_cpu) / (frames - WARM);
  return TRUE;
}

int
main (int argc, char **argv)
{
  guint frames = argc > 1 ? (guint) atoi (argv[1]) : 150;
  guint rounds = argc > 2 ? (guint) atoi (argv[2]) : 5;
  gint only = argc > 3 ? atoi (argv[3]) : -1;
  double fps[N_VARIANTS][64], cpu[N_VARIANTS][64];
  double mfps[N_VARIANTS], mcpu[N_VARIANTS];
  FrameSet rgb, yuv;
  guint8 *canvas;

  gst_init (&argc, &argv);
  if (frames <= WARM || rounds == 0 || rounds > 64) {
    fprintf (stderr, "usage: bench-annotate [frames > %d [rounds <= 64]]\n",
        WARM);
    return 2;
  }
  canvas = make_scene ();
  make_rgb_frames (canvas, 1920, 1080, &rgb);
  make_yuv_frames (&rgb, GST_VIDEO_FORMAT_I420, &yuv);
  for (guint i = 0; i < N_FRAMES; i++)
    add_regions (yuv.frames[i], i);

  for (guint r = 0; r < rounds; r++) {
    for (guint v = 0; v < N_VARIANTS; v++) {
      if (only >= 0 && (guint) only != v) {
        fps[v][r] = cpu[v][r] = 1.0;
        continue;
      }
      if (!run_variant (&yuv, variants[v], frames, &fps[v][r], &cpu[v][r]))
        return 1;
    }
  }
  printf ("1920x1080 I420 -> JPEG q85, threads=1, %u boxes a frame, %u "
      "frames x %u rounds (medians)\n", N_BOXES, frames, rounds);
  for (guint v = 0; v < N_VARIANTS; v++) {
    mfps[v] = bench_median (fps[v], rounds);
    mcpu[v] = bench_median (cpu[v], rounds);
    printf ("  %-28s %7.1f fps  %6.2f ms CPU/frame  %.3fx fps  %.3fx CPU\n",
        v ? variants[v] : "plain", mfps[v], mcpu[v], mfps[v] / mfps[0],
        mcpu[v] / mcpu[0]);
  }
  frame_set_clear (&yuv);
  frame_set_clear (&rgb);
  g_free (canvas);
  return 0;
}
