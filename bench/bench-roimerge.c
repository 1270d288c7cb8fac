/* gst-imencode benchmark: what roimerge costs
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   bench-roimerge [frames [rounds]]
 *
 * C (CPU per frame): 1080p I420 frames and 640x360 regions buffers, each
 * with 10 GstVideoRegionOfInterestMeta (a "detection" and an "object_id"
 * parameter structure each), pushed from two threads straight into
 * roimerge's pads, its output into a counting sink pad; the same two
 * threads pushing into two counting pads without roimerge are the
 * baseline. Each frame is a new GstBuffer sharing one 1080p memory, with
 * a reference kept a while by the pushing thread, as the other branch of a
 * tee holds it, so roimerge copies the GstBuffer (not its memory) to add
 * the metas. roimerge's cost per frame = (process CPU time with it -
 * without it) / frames; the median over @rounds.
 *
 * L (latency on a live pipeline): videotestsrc is-live=true 1080p30 ! tee,
 * frames through a queue to roimerge's sink pad, the other branch through
 * a leaky queue, videoscale to 640x360 and a pad probe that adds 10 ROI
 * metas (a detector that takes no time) to its regions pad; roimerge !
 * fakesink sync=false (a sink that syncs would hold roimerge's thread
 * until the previous frame's render time, its processing-deadline of 20 ms
 * included, and that wait is the sink's, not roimerge's). Probes time each frame on the clock as it enters roimerge's
 * sink pad and as it leaves its source pad: the difference is the time
 * roimerge holds a frame (waiting for the detector branch, which has
 * videoscale's time to catch up), median and maximum over 10 s; and the
 * latency roimerge reports (LATENCY query) against what upstream reports.
 * L0: the same without videoscale (the regions branch is the frames
 * themselves with the metas added), so the time held is roimerge's own.
 */
#include <gst/gst.h>
#include <gst/video/video.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#define N_BOXES 10
#define FRAME_DURATION (GST_SECOND / 30)

static double
cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* ---- C: CPU per frame ---- */

typedef struct
{
  GstPad *pad;
  guint frames;
  gboolean regions;
  GstBuffer *frame;             /* frames: the one 1080p buffer */
  GstBuffer *template;          /* regions: the buffer with 10 metas */
} Pusher;

static GstCaps *
caps_of (gint w, gint h)
{
  return gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "I420",
      "width", G_TYPE_INT, w, "height", G_TYPE_INT, h, "framerate",
      GST_TYPE_FRACTION, 30, 1, NULL);
}

static void
push_start (GstPad * pad, const gchar * id, GstCaps * caps)
{
  GstSegment seg;

  gst_pad_push_event (pad, gst_event_new_stream_start (id));
  gst_pad_push_event (pad, gst_event_new_caps (caps));
  gst_segment_init (&seg, GST_FORMAT_TIME);
  gst_pad_push_event (pad, gst_event_new_segment (&seg));
}

#define RING 8

static gpointer
pusher_run (gpointer data)
{
  Pusher *p = data;
  GstBuffer *ring[RING] = { NULL };

  for (guint i = 0; i < p->frames; i++) {
    GstBuffer *buf;

    /* a new GstBuffer each time (a detector's output; a camera's frame),
     * sharing the memory of the one made at the start */
    buf = gst_buffer_copy (p->regions ? p->template : p->frame);
    GST_BUFFER_PTS (buf) = i * FRAME_DURATION;
    GST_BUFFER_DURATION (buf) = FRAME_DURATION;
    if (!p->regions) {
      /* held a while longer, as the other branch of a tee holds it */
      gst_clear_buffer (&ring[i % RING]);
      ring[i % RING] = gst_buffer_ref (buf);
    }
    if (gst_pad_push (p->pad, buf) != GST_FLOW_OK)
      break;
  }
  gst_pad_push_event (p->pad, gst_event_new_eos ());
  for (guint i = 0; i < RING; i++)
    gst_clear_buffer (&ring[i]);
  return NULL;
}

static GMutex done_lock;
static GCond done_cond;
static guint eos_count, buffers_in;

static GstFlowReturn
count_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  g_atomic_int_inc (&buffers_in);
  gst_buffer_unref (buf);
  return GST_FLOW_OK;
}

static gboolean
count_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    g_mutex_lock (&done_lock);
    eos_count++;
    g_cond_broadcast (&done_cond);
    g_mutex_unlock (&done_lock);
  }
  gst_event_unref (event);
  return TRUE;
}

static GstPad *
counting_pad (void)
{
  GstPad *pad = gst_pad_new ("count", GST_PAD_SINK);

  gst_pad_set_chain_function (pad, count_chain);
  gst_pad_set_event_function (pad, count_event);
  gst_pad_set_active (pad, TRUE);
  return pad;
}

static GstBuffer *
make_regions_template (void)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, 640 * 360 * 3 / 2, NULL);

  for (guint i = 0; i < N_BOXES; i++) {
    GstVideoRegionOfInterestMeta *m =
        gst_buffer_add_video_region_of_interest_meta (buf, "person",
        10 + 60 * i, 20 + 30 * i, 40, 80);

    m->id = (gint) i;
    gst_video_region_of_interest_meta_add_param (m,
        gst_structure_new ("detection", "confidence", G_TYPE_DOUBLE, 0.8,
            "label_id", G_TYPE_INT, 1, NULL));
    gst_video_region_of_interest_meta_add_param (m,
        gst_structure_new ("object_id", "id", G_TYPE_INT, (gint) i, NULL));
  }
  return buf;
}

/* One run: CPU seconds for @frames frames, with or without roimerge. */
static double
run_cpu (guint frames, gboolean with_merge, GstBuffer * frame,
    GstBuffer * regions)
{
  Pusher pf = { 0 }, pr = { 0 };
  GstElement *merge = NULL;
  GstPad *out_a = counting_pad (), *out_b = counting_pad ();
  GstCaps *big = caps_of (1920, 1080), *small = caps_of (640, 360);
  GThread *tf, *tr;
  guint want_eos;
  double t0;

  pf.pad = gst_pad_new ("frames", GST_PAD_SRC);
  pr.pad = gst_pad_new ("regions", GST_PAD_SRC);
  pf.frames = pr.frames = frames;
  pf.frame = frame;
  pr.regions = TRUE;
  pr.template = regions;
  if (with_merge) {
    GstPad *p;

    merge = gst_element_factory_make ("roimerge", NULL);
    if (!merge) {
      g_printerr ("roimerge not found: set GST_PLUGIN_PATH\n");
      exit (1);
    }
    gst_object_ref_sink (merge);
    p = gst_element_get_static_pad (merge, "sink");
    gst_pad_link (pf.pad, p);
    gst_object_unref (p);
    p = gst_element_get_static_pad (merge, "regions");
    gst_pad_link (pr.pad, p);
    gst_object_unref (p);
    p = gst_element_get_static_pad (merge, "src");
    gst_pad_link (p, out_a);
    gst_object_unref (p);
    want_eos = 1;
  } else {
    gst_pad_link (pf.pad, out_a);
    gst_pad_link (pr.pad, out_b);
    want_eos = 2;
  }
  gst_pad_set_active (pf.pad, TRUE);
  gst_pad_set_active (pr.pad, TRUE);
  if (merge)
    gst_element_set_state (merge, GST_STATE_PLAYING);
  push_start (pf.pad, "frames", big);
  push_start (pr.pad, "regions", small);
  eos_count = 0;
  buffers_in = 0;

  t0 = cpu_seconds ();
  tf = g_thread_new ("frames", pusher_run, &pf);
  tr = g_thread_new ("regions", pusher_run, &pr);
  g_mutex_lock (&done_lock);
  while (eos_count < want_eos)
    g_cond_wait (&done_cond, &done_lock);
  g_mutex_unlock (&done_lock);
  g_thread_join (tf);
  g_thread_join (tr);
  t0 = cpu_seconds () - t0;

  if (buffers_in != (with_merge ? frames : 2 * frames)) {
    g_printerr ("lost buffers: %u\n", buffers_in);
    exit (1);
  }
  if (merge) {
    gst_element_set_state (merge, GST_STATE_NULL);
    gst_object_unref (merge);
  }
  gst_pad_set_active (pf.pad, FALSE);
  gst_pad_set_active (pr.pad, FALSE);
  gst_object_unref (pf.pad);
  gst_object_unref (pr.pad);
  gst_pad_set_active (out_a, FALSE);
  gst_pad_set_active (out_b, FALSE);
  gst_object_unref (out_a);
  gst_object_unref (out_b);
  gst_caps_unref (big);
  gst_caps_unref (small);
  return t0;
}

static void
bench_cpu (guint frames, guint rounds)
{
  GstBuffer *frame = gst_buffer_new_allocate (NULL, 1920 * 1080 * 3 / 2,
      NULL);
  GstBuffer *regions = make_regions_template ();
  double *with = g_new (double, rounds), *without = g_new (double, rounds);
  double *diff = g_new (double, rounds);

  gst_buffer_memset (frame, 0, 128, gst_buffer_get_size (frame));
  /* warm up */
  run_cpu (frames / 10 + 1, TRUE, frame, regions);
  run_cpu (frames / 10 + 1, FALSE, frame, regions);
  for (guint r = 0; r < rounds; r++) {
    with[r] = run_cpu (frames, TRUE, frame, regions);
    without[r] = run_cpu (frames, FALSE, frame, regions);
    diff[r] = with[r] - without[r];
  }
  qsort (with, rounds, sizeof (double), compare_double);
  qsort (without, rounds, sizeof (double), compare_double);
  qsort (diff, rounds, sizeof (double), compare_double);
  printf ("C  %u frames 1080p + %u regions buffers 640x360 with %d ROI "
      "metas, %u rounds (median)\n", frames, frames, N_BOXES, rounds);
  printf ("C  CPU per frame: with roimerge %.1f us, pushing alone %.1f us, "
      "roimerge %.1f us (min %.1f, max %.1f)\n",
      with[rounds / 2] / frames * 1e6, without[rounds / 2] / frames * 1e6,
      diff[rounds / 2] / frames * 1e6, diff[0] / frames * 1e6,
      diff[rounds - 1] / frames * 1e6);
  g_free (with);
  g_free (without);
  g_free (diff);
  gst_buffer_unref (frame);
  gst_buffer_unref (regions);
}

/* ---- L: latency on a live pipeline ---- */

typedef struct
{
  GMutex lock;
  GHashTable *entered;          /* PTS -> clock time in */
  GArray *held;                 /* ns each frame spent in roimerge */
  guint with_regions;
  GstClock *clock;
} LiveStats;

static GstPadProbeReturn
add_boxes_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstBuffer *buf = gst_buffer_make_writable (GST_PAD_PROBE_INFO_BUFFER
      (info));

  for (guint i = 0; i < N_BOXES; i++) {
    GstVideoRegionOfInterestMeta *m =
        gst_buffer_add_video_region_of_interest_meta (buf, "person",
        10 + 60 * i, 20 + 30 * i, 40, 80);

    gst_video_region_of_interest_meta_add_param (m,
        gst_structure_new ("detection", "confidence", G_TYPE_DOUBLE, 0.8,
            NULL));
  }
  GST_PAD_PROBE_INFO_DATA (info) = buf;
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
enter_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  LiveStats *s = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime now = gst_clock_get_time (s->clock);

  g_mutex_lock (&s->lock);
  g_hash_table_insert (s->entered, GUINT_TO_POINTER (GST_BUFFER_PTS (buf) /
          GST_MSECOND), GSIZE_TO_POINTER ((gsize) now));
  g_mutex_unlock (&s->lock);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
leave_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  LiveStats *s = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime now = gst_clock_get_time (s->clock);
  gpointer in;

  g_mutex_lock (&s->lock);
  if (g_hash_table_lookup_extended (s->entered,
          GUINT_TO_POINTER (GST_BUFFER_PTS (buf) / GST_MSECOND), NULL, &in)) {
    double held = (double) (now - (GstClockTime) GPOINTER_TO_SIZE (in));

    g_array_append_val (s->held, held);
  }
  if (gst_buffer_get_video_region_of_interest_meta (buf))
    s->with_regions++;
  g_mutex_unlock (&s->lock);
  return GST_PAD_PROBE_OK;
}

static void
bench_live (guint seconds, gboolean scale)
{
  const gchar *row = scale ? "L " : "L0";
  gchar *desc = g_strdup_printf ("videotestsrc is-live=true num-buffers=%u "
      "! video/x-raw,format=I420,width=1920,height=1080,framerate=30/1 "
      "! tee name=t t. ! queue ! m.sink "
      "t. ! queue leaky=downstream max-size-buffers=2 %s "
      "! identity name=detector "
      "! queue ! m.regions roimerge name=m ! fakesink sync=false",
      seconds * 30, scale ? "! videoscale ! video/x-raw,width=640,"
      "height=360" : "");
  GstElement *pipe = gst_parse_launch (desc, NULL);
  GstElement *merge = gst_bin_get_by_name (GST_BIN (pipe), "m");
  GstElement *det = gst_bin_get_by_name (GST_BIN (pipe), "detector");
  GstPad *det_src = gst_element_get_static_pad (det, "src");
  GstPad *sink = gst_element_get_static_pad (merge, "sink");
  GstPad *src = gst_element_get_static_pad (merge, "src");
  GstPad *up = gst_pad_get_peer (sink);
  LiveStats s;
  GstMessage *msg;
  GstQuery *q;
  gboolean live;
  GstClockTime merge_min, up_min, up_max;
  guint n;

  g_mutex_init (&s.lock);
  s.entered = g_hash_table_new (NULL, NULL);
  s.held = g_array_new (FALSE, FALSE, sizeof (double));
  s.with_regions = 0;
  s.clock = gst_system_clock_obtain ();
  gst_pipeline_use_clock (GST_PIPELINE (pipe), s.clock);
  gst_pad_add_probe (det_src, GST_PAD_PROBE_TYPE_BUFFER, add_boxes_probe,
      NULL, NULL);
  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER, enter_probe, &s, NULL);
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, leave_probe, &s, NULL);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipe),
      (seconds + 20) * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (!msg || GST_MESSAGE_TYPE (msg) != GST_MESSAGE_EOS) {
    g_printerr ("live pipeline did not reach EOS\n");
    exit (1);
  }
  gst_message_unref (msg);

  q = gst_query_new_latency ();
  gst_pad_query (src, q);
  gst_query_parse_latency (q, &live, &merge_min, NULL);
  gst_query_unref (q);
  q = gst_query_new_latency ();
  gst_pad_query (up, q);
  gst_query_parse_latency (q, NULL, &up_min, &up_max);
  gst_query_unref (q);
  gst_element_set_state (pipe, GST_STATE_NULL);

  n = s.held->len;
  g_array_sort (s.held, compare_double);
  printf ("%s live 1080p30 for %u s, regions from %s + a probe adding %d "
      "ROI metas: %u frames, %u with regions\n", row, seconds,
      scale ? "videoscale 640x360" : "the frames", N_BOXES, n,
      s.with_regions);
  if (n)
    printf ("%s held in roimerge: median %.2f ms, 90th %.2f ms, max %.2f ms; "
        "latency reported %.1f ms (upstream of its sink pad %.1f ms, "
        "live %d)\n", row, g_array_index (s.held, double, n / 2) / 1e6,
        g_array_index (s.held, double, n * 9 / 10) / 1e6,
        g_array_index (s.held, double, n - 1) / 1e6, merge_min / 1e6,
        up_min / 1e6, live);

  g_hash_table_unref (s.entered);
  g_array_unref (s.held);
  gst_object_unref (s.clock);
  gst_object_unref (up);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (det_src);
  gst_object_unref (det);
  gst_object_unref (merge);
  gst_object_unref (pipe);
  g_free (desc);
}

int
main (int argc, char **argv)
{
  guint frames = argc > 1 ? (guint) atoi (argv[1]) : 20000;
  guint rounds = argc > 2 ? (guint) atoi (argv[2]) : 5;

  gst_init (&argc, &argv);
  if (frames < 10 || rounds < 1) {
    g_printerr ("usage: bench-roimerge [frames >= 10 [rounds >= 1]]\n");
    return 2;
  }
  g_mutex_init (&done_lock);
  g_cond_init (&done_cond);
  bench_cpu (frames, rounds);
  bench_live (10, TRUE);
  bench_live (10, FALSE);
  return 0;
}
