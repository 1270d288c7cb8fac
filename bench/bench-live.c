/* gst-imencode benchmark: what real sources and consumers see
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The scenarios bench-imencode's throughput runs leave out, on the frames
 * of bench-common.c (a photo-like scene panned to 8 distinct frames) in
 * the colorimetries cameras and decoders send:
 *
 *   F  a raw file played as a new user would, each pipeline in a process
 *      of its own, with glibc's malloc thresholds as they come and with
 *      them fixed (GLIBC_TUNABLES):
 *        filesrc ! rawvideoparse ! BODY ! fakesink sync=false
 *      BODY = jpegenc, imencode threads=1, imencode threads=0; I420 1080p
 *      full-range BT.601 and limited BT.709. Prints fps and minor page
 *      faults per frame.
 *   L  latency on a live source: appsrc is-live=true do-timestamp=true
 *      fed one 1080p limited BT.709 I420 frame every 1/30 s by the
 *      pipeline clock, ! BODY ! fakesink, with sync=false and sync=true.
 *      Prints the latency the elements upstream of the sink report (their
 *      LATENCY query half way; latency messages are acted on while the
 *      stream runs, as gst-launch does), the measured delay from a frame's
 *      timestamp to its arrival at the sink (median, 95th percentile,
 *      maximum), and how many arrived later than the reported latency and
 *      the sink's processing deadline allow (a video sink would show them
 *      late).
 *   H  buffer bytes held: outputs of appsrc ! BODY ! fakesink, their
 *      content against the memory they carry (gst_buffer_get_sizes()'s
 *      maxsize), and what a downstream queue of 100 of them holds.
 *   S  8 streams of 720p limited BT.709 I420 in one process, each its own
 *      appsrc ! BODY ! fakesink sync=false fed by its own thread, all at
 *      once for a fixed window: outputs per second summed over the 8,
 *      the slowest and fastest stream, process CPU time per output.
 *   E  serialized events in a stream: appsrc ! imencode threads=0 !
 *      fakesink sync=false, 720p limited BT.709 I420 fed as fast as taken,
 *      with and without a custom downstream event every 10 frames (an
 *      event travels in order with the frames instead of waiting for
 *      the encoders to empty). Prints fps and the ratio.
 *
 * Groups run their pipelines in interleaved rounds and report medians, so
 * that load from elsewhere falls on all alike. Not for LD_PRELOAD'ed
 * malloc counting (bench-imencode does that).
 *
 *   bench-live [rounds [SCENARIOS]]     SCENARIOS: letters, default "HLSF"
 *   bench-live pipeline DESCRIPTION WARM FRAMES   (one F run; internal)
 *   bench-live write-file   (writes F's two raw files and prints their
 *                            names, for profiling by hand)
 */
#include "bench-common.h"

#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUALITY 85
#define TUNABLES "glibc.malloc.mmap_threshold=33554432:" \
  "glibc.malloc.trim_threshold=268435456"

#define F_FILE_FRAMES 128       /* frames in the raw file (~400 MB) */
#define F_WARM 8
#define L_FRAMES 150            /* 5 s at 30 fps */
#define L_WARM 15
#define H_FRAMES 120
#define H_WARM 16
#define S_STREAMS 8
#define MAX_ROUNDS 15
#define S_SETTLE_US (1 * G_USEC_PER_SEC)
#define S_WINDOW_US (4 * G_USEC_PER_SEC)
#define E_FRAMES 600
#define E_EVERY 10

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Median of @n values (reorders them); 0 for none */
static double
median (double *v, guint n)
{
  if (n == 0)
    return 0;
  qsort (v, n, sizeof (double), compare_double);
  return v[n / 2];
}

/* Pops messages until EOS or ERROR; acts on LATENCY as gst-launch does.
 * Returns FALSE (after printing it) on an error. */
static gboolean
wait_for_eos (GstElement * pipe, const gchar * what)
{
  GstBus *bus = gst_element_get_bus (pipe);
  gboolean ok = TRUE;

  for (;;) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_LATENCY);
    GstMessageType type = GST_MESSAGE_TYPE (msg);

    if (type == GST_MESSAGE_LATENCY) {
      gst_bin_recalculate_latency (GST_BIN (pipe));
    } else if (type == GST_MESSAGE_ERROR) {
      GError *err = NULL;

      gst_message_parse_error (msg, &err, NULL);
      printf ("  (%s failed: %s)\n", what, err->message);
      g_clear_error (&err);
      ok = FALSE;
    }
    gst_message_unref (msg);
    if (type != GST_MESSAGE_LATENCY)
      break;
  }
  gst_object_unref (bus);
  return ok;
}

/* ---- F: a raw file through gst_parse_launch, one process per run ---- */

typedef struct
{
  guint warm, last, count;
  gint64 t0, t1;
  double cpu0, cpu1;
  guint64 flt0, flt1;
} FileTally;

static GstPadProbeReturn
on_file_output (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  FileTally *t = user_data;

  t->count++;
  if (t->count == t->warm) {
    t->t0 = g_get_monotonic_time ();
    t->cpu0 = process_cpu_ms ();
    t->flt0 = process_minor_faults ();
  } else if (t->count == t->last) {
    t->t1 = g_get_monotonic_time ();
    t->cpu1 = process_cpu_ms ();
    t->flt1 = process_minor_faults ();
  }
  return GST_PAD_PROBE_OK;
}

/* The child's side: runs @desc (with a fakesink named "sink") to EOS and
 * prints "fps cpu-ms-per-frame faults-per-frame" over the outputs after
 * @warm, up to @warm + @frames. */
static int
run_file_child (const gchar * desc, guint warm, guint frames)
{
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  FileTally t = { warm, warm + frames };
  GstElement *sink;
  GstPad *pad;
  gboolean ok;

  if (!pipe || err) {
    fprintf (stderr, "cannot build %s: %s\n", desc, err ? err->message : "?");
    return 1;
  }
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_file_output, &t,
      NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  ok = wait_for_eos (pipe, desc);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  if (!ok || t.count < t.last) {
    fprintf (stderr, "%u outputs of %u\n", t.count, t.last);
    return 1;
  }
  printf ("%.3f %.4f %.2f\n", frames / ((t.t1 - t.t0) / 1e6),
      (t.cpu1 - t.cpu0) / frames, (double) (t.flt1 - t.flt0) / frames);
  return 0;
}

typedef struct
{
  double fps, cpu_ms, faults;
  gboolean ok;
} FileResult;

/* Runs @desc in a child process (this program, "pipeline" mode), with
 * GLIBC_TUNABLES set to TUNABLES if @tuned, unset otherwise. */
static FileResult
run_file_pipeline (const gchar * self, const gchar * desc, guint frames,
    gboolean tuned)
{
  FileResult r = { 0 };
  gchar **env = g_get_environ ();
  gchar *warm = g_strdup_printf ("%u", F_WARM);
  gchar *n = g_strdup_printf ("%u", frames);
  const gchar *argv[] = { self, "pipeline", desc, warm, n, NULL };
  gchar *out = NULL;
  gint status = 0;
  GError *err = NULL;

  env = tuned ? g_environ_setenv (env, "GLIBC_TUNABLES", TUNABLES, TRUE) :
      g_environ_unsetenv (env, "GLIBC_TUNABLES");
  env = g_environ_unsetenv (env, "LD_PRELOAD");
  if (g_spawn_sync (NULL, (gchar **) argv, env, G_SPAWN_DEFAULT, NULL, NULL,
          &out, NULL, &status, &err) && g_spawn_check_wait_status (status,
          NULL))
    r.ok = sscanf (out, "%lf %lf %lf", &r.fps, &r.cpu_ms, &r.faults) == 3;
  if (!r.ok)
    printf ("  (%s failed%s%s)\n", desc, err ? ": " : "",
        err ? err->message : "");
  g_clear_error (&err);
  g_free (out);
  g_free (n);
  g_free (warm);
  g_strfreev (env);
  return r;
}

/* Writes F_FILE_FRAMES frames of @set, in the order they were made and
 * repeated, to a new file; returns its name. */
static gchar *
write_raw_file (const FrameSet * set)
{
  gchar *path = NULL;
  gint fd = g_file_open_tmp ("bench-live-XXXXXX.yuv", &path, NULL);
  FILE *f = fd >= 0 ? fdopen (fd, "wb") : NULL;

  if (!f)
    g_error ("cannot create a temporary file");
  for (guint i = 0; i < F_FILE_FRAMES; i++) {
    GstMapInfo map;

    gst_buffer_map (set->frames[i % N_FRAMES], &map, GST_MAP_READ);
    if (fwrite (map.data, 1, map.size, f) != map.size)
      g_error ("cannot write %s", path);
    gst_buffer_unmap (set->frames[i % N_FRAMES], &map);
  }
  fclose (f);
  return path;
}

static const gchar *file_bodies[] = {
  "jpegenc quality=85",
  "imencode quality=85 threads=1",
  "imencode quality=85 threads=0",
};

static void
run_f (const gchar * self, const FrameSet * sets[], const gchar * names[],
    guint n_sets, guint rounds)
{
  const guint nb = G_N_ELEMENTS (file_bodies);

  printf ("\nF  filesrc ! rawvideoparse ! BODY ! fakesink sync=false, "
      "1920x1080 I420, %u frames a run (%u more untimed), a process per "
      "run; median of %u interleaved rounds\n", F_FILE_FRAMES - F_WARM,
      F_WARM, rounds);
  printf ("   %-34s %-9s %10s %10s %12s %9s\n", "input / BODY", "malloc",
      "fps", "CPU ms/f", "faults/f", "x jpegenc");
  for (guint s = 0; s < n_sets; s++) {
    gchar *path = write_raw_file (sets[s]);
    gchar *colorimetry =
        gst_video_colorimetry_to_string (&sets[s]->info.colorimetry);
    FileResult *res = g_new0 (FileResult, nb * 2 * rounds);

    for (guint k = 0; k < rounds; k++) {
      for (guint b = 0; b < nb; b++) {
        for (guint tuned = 0; tuned < 2; tuned++) {
          gchar *desc = g_strdup_printf ("filesrc location=%s ! "
              "rawvideoparse use-sink-caps=false format=i420 width=%d "
              "height=%d framerate=%d/1 colorimetry=%s ! %s ! "
              "fakesink name=sink sync=false", path,
              GST_VIDEO_INFO_WIDTH (&sets[s]->info),
              GST_VIDEO_INFO_HEIGHT (&sets[s]->info), FPS, colorimetry,
              file_bodies[b]);

          res[(b * 2 + tuned) * rounds + k] = run_file_pipeline (self, desc,
              F_FILE_FRAMES - F_WARM, tuned);
          g_free (desc);
        }
      }
    }
    printf ("   %s (%s)\n", names[s], colorimetry);
    for (guint tuned = 0; tuned < 2; tuned++) {
      double stock_fps = 0;

      for (guint b = 0; b < nb; b++) {
        FileResult *r = &res[(b * 2 + tuned) * rounds];
        double fps[MAX_ROUNDS], cpu[MAX_ROUNDS], flt[MAX_ROUNDS];
        gboolean ok = TRUE;

        for (guint k = 0; k < rounds; k++) {
          ok = ok && r[k].ok;
          fps[k] = r[k].fps;
          cpu[k] = r[k].cpu_ms;
          flt[k] = r[k].faults;
        }
        if (!ok) {
          printf ("     %-32s %-9s (failed)\n", file_bodies[b],
              tuned ? "tuned" : "default");
          continue;
        }
        if (b == 0)
          stock_fps = median (fps, rounds);
        printf ("     %-32s %-9s %10.1f %10.2f %12.1f", file_bodies[b],
            tuned ? "tuned" : "default", median (fps, rounds),
            median (cpu, rounds), median (flt, rounds));
        if (b > 0 && stock_fps > 0)
          printf (" %8.2fx", median (fps, rounds) / stock_fps);
        printf ("\n");
      }
    }
    g_unlink (path);
    g_free (path);
    g_free (colorimetry);
    g_free (res);
  }
  printf ("   (malloc \"tuned\": GLIBC_TUNABLES=%s for that process)\n",
      TUNABLES);
}

/* ---- streams fed from a thread of ours (L, H, S) ---- */

typedef struct
{
  const FrameSet *set;
  GstElement *pipe, *src;
  GstClock *clock;
  GstClockTime base;
  gboolean live;
  guint limit;                  /* frames to push; 0: until stop */
  gint stop;
  guint event_every;            /* E: an event before every Nth frame */
  GThread *feeder;

  /* at the sink pad */
  gint outputs;
  guint warm;
  GArray *delays;               /* L: ms from timestamp to arrival */
  guint64 content, held;        /* H: bytes of timed outputs */
} Stream;

static GstPadProbeReturn
on_stream_output (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Stream *st = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  gint n = g_atomic_int_add (&st->outputs, 1) + 1;

  if ((guint) n <= st->warm)
    return GST_PAD_PROBE_OK;
  if (st->delays && GST_BUFFER_PTS_IS_VALID (buf)) {
    GstClockTime now = gst_clock_get_time (st->clock) - st->base;
    double ms = ((gint64) now - (gint64) GST_BUFFER_PTS (buf)) / 1e6;

    g_array_append_val (st->delays, ms);
  }
  if (st->limit == 0 || (guint) n <= st->limit) {
    gsize offset, maxsize;

    st->content += gst_buffer_get_sizes (buf, &offset, &maxsize);
    st->held += maxsize;
  }
  return GST_PAD_PROBE_OK;
}

static gpointer
feed (gpointer data)
{
  Stream *st = data;
  GstClockTime start = gst_clock_get_time (st->clock);
  GstClockTime dur = gst_util_uint64_scale (1, GST_SECOND, FPS);

  for (guint i = 0; (st->limit == 0 || i < st->limit) &&
      !g_atomic_int_get (&st->stop); i++) {
    GstBuffer *b = gst_buffer_copy (st->set->frames[i % N_FRAMES]);

    if (st->live) {
      GstClockID id = gst_clock_new_single_shot_id (st->clock,
          start + i * dur);

      gst_clock_id_wait (id, NULL);
      gst_clock_id_unref (id);
    } else {
      GST_BUFFER_PTS (b) = i * dur;
    }
    GST_BUFFER_DURATION (b) = dur;
    if (st->event_every && i > 0 && i % st->event_every == 0)
      gst_element_send_event (st->src,
          gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM,
              gst_structure_new_empty ("bench-live-marker")));
    if (gst_app_src_push_buffer (GST_APP_SRC (st->src), b) != GST_FLOW_OK)
      break;
  }
  gst_app_src_end_of_stream (GST_APP_SRC (st->src));
  return NULL;
}

/* Builds appsrc ! @body ! fakesink for @set and sets it PLAYING; the
 * feeder starts with stream_start(). */
static gboolean
stream_init (Stream * st, const FrameSet * set, const gchar * body,
    gboolean live, guint limit, guint warm)
{
  gchar *desc = g_strdup_printf ("appsrc name=src ! %s ! fakesink name=sink "
      "sync=%s enable-last-sample=false", body, live ? "true" : "false");
  GError *err = NULL;
  GstElement *sink;
  GstPad *pad;

  memset (st, 0, sizeof (*st));
  st->pipe = gst_parse_launch (desc, &err);
  g_free (desc);
  if (!st->pipe || err) {
    printf ("  (cannot build %s: %s)\n", body, err ? err->message : "?");
    g_clear_error (&err);
    gst_clear_object (&st->pipe);
    return FALSE;
  }
  st->set = set;
  st->live = live;
  st->limit = limit;
  st->warm = warm;
  st->src = gst_bin_get_by_name (GST_BIN (st->pipe), "src");
  g_object_set (st->src, "caps", set->caps, "format", GST_FORMAT_TIME,
      "is-live", live, "do-timestamp", live, "block", !live,
      "max-bytes", (guint64) set->info.size * (live ? 1000 : 4), NULL);
  sink = gst_bin_get_by_name (GST_BIN (st->pipe), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_stream_output, st,
      NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_element_set_state (st->pipe, GST_STATE_PLAYING);
  /* a live pipeline plays at once (no preroll) and the feeder paces by
   * its clock; the others preroll on the first frame the feeder pushes */
  if (live)
    gst_element_get_state (st->pipe, NULL, NULL, 10 * GST_SECOND);
  st->clock = gst_pipeline_get_clock (GST_PIPELINE (st->pipe));
  st->base = gst_element_get_base_time (st->pipe);
  return TRUE;
}

static void
stream_start (Stream * st)
{
  st->feeder = g_thread_new ("feeder", feed, st);
}

/* Stops feeding (if the stream is unlimited), waits for EOS, tears down.
 * Returns FALSE on a pipeline error. */
static gboolean
stream_finish (Stream * st, const gchar * what)
{
  gboolean ok;

  if (st->limit == 0)
    g_atomic_int_set (&st->stop, 1);
  ok = wait_for_eos (st->pipe, what);
  /* after an error the feeder may be blocked in a full appsrc: stopping
   * the pipeline flushes it and the push returns */
  gst_element_set_state (st->pipe, GST_STATE_NULL);
  g_thread_join (st->feeder);
  gst_object_unref (st->clock);
  gst_object_unref (st->src);
  gst_object_unref (st->pipe);
  return ok;
}

/* ---- L ---- */

static const gchar *live_bodies[] = {
  "jpegenc quality=85",
  "imencode quality=85 threads=1",
  "imencode quality=85 threads=0",
  "imencode quality=85 threads=8",
};

typedef struct
{
  gboolean ok;
  double reported, deadline;    /* ms */
  double median, p95, max;      /* ms from timestamp to the sink pad */
  guint late, n;
} LiveResult;

/* One live run of @body; with @sync the sink renders by the clock, so a
 * frame waits there for its time (and the frame behind it waits for that
 * push): its delay at the sink pad then includes that wait. */
static LiveResult
run_live_once (const FrameSet * set, const gchar * body, gboolean sync)
{
  LiveResult r = { FALSE };
  Stream st;
  GstElement *sink;
  GstPad *pad;
  GstBus *bus;
  GstQuery *q;
  GstClockTime min = GST_CLOCK_TIME_NONE, max;
  GstClockTime deadline = 0;
  gboolean is_live;
  double *d;

  if (!stream_init (&st, set, body, TRUE, L_FRAMES, L_WARM))
    return r;
  sink = gst_bin_get_by_name (GST_BIN (st.pipe), "sink");
  g_object_set (sink, "sync", sync, NULL);
  if (sync)
    g_object_get (sink, "processing-deadline", &deadline, NULL);
  st.delays = g_array_new (FALSE, FALSE, sizeof (double));
  bus = gst_element_get_bus (st.pipe);
  stream_start (&st);
  /* half the frames, acting on latency messages as they come, as an
   * application's bus watch would */
  for (guint w = 0; w < 2000 &&
      g_atomic_int_get (&st.outputs) < L_FRAMES / 2; w++) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, 10 * GST_MSECOND,
        GST_MESSAGE_LATENCY);

    if (msg) {
      gst_bin_recalculate_latency (GST_BIN (st.pipe));
      gst_message_unref (msg);
    }
  }
  gst_object_unref (bus);
  /* what the elements upstream of the sink report, by now including any
   * raise imencode announced with a latency message */
  q = gst_query_new_latency ();
  pad = gst_element_get_static_pad (sink, "sink");
  if (gst_pad_peer_query (pad, q))
    gst_query_parse_latency (q, &is_live, &min, &max);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_query_unref (q);
  r.ok = stream_finish (&st, body) && GST_CLOCK_TIME_IS_VALID (min);
  r.reported = GST_CLOCK_TIME_IS_VALID (min) ? min / 1e6 : -1;
  r.deadline = deadline / 1e6;
  d = (double *) st.delays->data;
  r.n = st.delays->len;
  for (guint i = 0; i < r.n; i++)
    r.late += d[i] > r.reported + r.deadline;
  qsort (d, r.n, sizeof (double), compare_double);
  if (r.n > 0) {
    r.median = d[r.n / 2];
    r.p95 = d[r.n * 95 / 100];
    r.max = d[r.n - 1];
  }
  g_array_free (st.delays, TRUE);
  return r;
}

static void
run_l (const FrameSet * set, guint rounds)
{
  printf ("\nL  live source: appsrc is-live=true do-timestamp=true (a frame "
      "every 1/%d s by the clock) ! BODY ! fakesink; 1920x1080 I420 limited "
      "BT.709; %u frames, the first %u not counted; each round runs "
      "sync=false, then sync=true\n", FPS, L_FRAMES, L_WARM);
  printf ("   %-32s %9s | %20s | %12s %16s %8s\n", "", "reported",
      "sync=false delay ms", "sync=true", "delay ms", "");
  printf ("   %-32s %9s | %6s %6s %6s | %12s %7s %8s %8s\n", "BODY",
      "ms", "median", "p95", "max", "deadline ms", "median", "max", "late");
  for (guint k = 0; k < rounds; k++) {
    for (guint b = 0; b < G_N_ELEMENTS (live_bodies); b++) {
      LiveResult a = run_live_once (set, live_bodies[b], FALSE);
      LiveResult c = run_live_once (set, live_bodies[b], TRUE);

      if (!a.ok || !c.ok) {
        printf ("   %-32s (failed)\n", live_bodies[b]);
        continue;
      }
      printf ("   %-32s %9.1f | %6.1f %6.1f %6.1f | %12.1f %7.1f %8.1f "
          "%4u/%u\n", live_bodies[b], c.reported, a.median, a.p95, a.max,
          c.deadline, c.median, c.max, c.late, c.n);
    }
  }
  printf ("   (reported: the LATENCY query of the sink's peer half way "
      "through the sync=true run: the source (0) and BODY; delay: clock "
      "running time at the sink pad minus the frame's timestamp; with "
      "sync=true it includes waiting for the frame before to be rendered; "
      "late: delay > reported + the sink's processing deadline, the frames "
      "a video sink would show late)\n");
}

/* ---- H ---- */

typedef struct
{
  const gchar *name;
  const FrameSet *set;
  const gchar *body;
} HeldCase;

static void
run_h (const HeldCase * cases, guint n)
{
  printf ("\nH  bytes held by outputs: appsrc ! BODY ! fakesink sync=false, "
      "%u outputs after %u\n", H_FRAMES, H_WARM);
  printf ("   %-58s %11s %11s %7s %12s\n", "input -> BODY", "content KB",
      "memory KB", "ratio", "100 held MB");
  for (guint i = 0; i < n; i++) {
    Stream st;
    double c, m;

    if (!stream_init (&st, cases[i].set, cases[i].body, FALSE,
            H_WARM + H_FRAMES, H_WARM))
      continue;
    stream_start (&st);
    if (!stream_finish (&st, cases[i].body))
      continue;
    if (st.outputs != H_WARM + H_FRAMES) {
      printf ("   %-20s %-37s (%d outputs for %d frames)\n", cases[i].name,
          cases[i].body, st.outputs, H_WARM + H_FRAMES);
      continue;
    }
    c = (double) st.content / H_FRAMES;
    m = (double) st.held / H_FRAMES;
    printf ("   %-20s %-37s %11.1f %11.1f %7.2f %12.1f\n", cases[i].name,
        cases[i].body, c / 1024, m / 1024, m / c, m * 100 / 1048576);
  }
}

/* ---- S ---- */

static const gchar *stream_bodies[] = {
  "jpegenc quality=85",
  "imencode quality=85 threads=1",
  "imencode quality=85 threads=0",
};

typedef struct
{
  gboolean ok;
  double fps, slowest, fastest, cpu_ms;
} StreamsResult;

static StreamsResult
run_streams_once (const FrameSet * set, const gchar * body)
{
  StreamsResult r = { TRUE };
  Stream st[S_STREAMS];
  gint at0[S_STREAMS], at1[S_STREAMS];
  gint64 t0, t1;
  double cpu0, cpu1;
  guint made = 0;

  for (; made < S_STREAMS; made++) {
    if (!stream_init (&st[made], set, body, FALSE, 0, 0))
      break;
  }
  if (made < S_STREAMS) {
    r.ok = FALSE;
    for (guint i = 0; i < made; i++) {
      stream_start (&st[i]);
      stream_finish (&st[i], body);
    }
    return r;
  }
  for (guint i = 0; i < S_STREAMS; i++)
    stream_start (&st[i]);
  g_usleep (S_SETTLE_US);
  t0 = g_get_monotonic_time ();
  cpu0 = process_cpu_ms ();
  for (guint i = 0; i < S_STREAMS; i++)
    at0[i] = g_atomic_int_get (&st[i].outputs);
  g_usleep (S_WINDOW_US);
  for (guint i = 0; i < S_STREAMS; i++)
    at1[i] = g_atomic_int_get (&st[i].outputs);
  t1 = g_get_monotonic_time ();
  cpu1 = process_cpu_ms ();
  for (guint i = 0; i < S_STREAMS; i++)
    r.ok = stream_finish (&st[i], body) && r.ok;

  r.slowest = G_MAXDOUBLE;
  for (guint i = 0; i < S_STREAMS; i++) {
    double fps = (at1[i] - at0[i]) / ((t1 - t0) / 1e6);

    r.fps += fps;
    r.slowest = MIN (r.slowest, fps);
    r.fastest = MAX (r.fastest, fps);
  }
  r.cpu_ms = (cpu1 - cpu0) / (r.fps * (t1 - t0) / 1e6);
  return r;
}

static void
run_s (const FrameSet * set, guint rounds)
{
  const guint nb = G_N_ELEMENTS (stream_bodies);
  StreamsResult *res = g_new0 (StreamsResult, nb * rounds);
  double stock = 0;

  printf ("\nS  %d streams at once in one process: appsrc ! BODY ! fakesink "
      "sync=false each, 1280x720 I420 limited BT.709, fed as fast as taken; "
      "%.0f s window after %.0f s; median of %u interleaved rounds\n",
      S_STREAMS, S_WINDOW_US / 1e6, S_SETTLE_US / 1e6, rounds);
  printf ("   %-32s %12s %10s %10s %10s %9s\n", "BODY (x8)", "total fps",
      "slowest", "fastest", "CPU ms/f", "x jpegenc");
  for (guint k = 0; k < rounds; k++) {
    for (guint b = 0; b < nb; b++)
      res[b * rounds + k] = run_streams_once (set, stream_bodies[b]);
  }
  for (guint b = 0; b < nb; b++) {
    StreamsResult *r = &res[b * rounds];
    double fps[MAX_ROUNDS], slow[MAX_ROUNDS], fast[MAX_ROUNDS];
    double cpu[MAX_ROUNDS];
    gboolean ok = TRUE;

    for (guint k = 0; k < rounds; k++) {
      ok = ok && r[k].ok;
      fps[k] = r[k].fps;
      slow[k] = r[k].slowest;
      fast[k] = r[k].fastest;
      cpu[k] = r[k].cpu_ms;
    }
    if (!ok) {
      printf ("   %-32s (failed)\n", stream_bodies[b]);
      continue;
    }
    if (b == 0)
      stock = median (fps, rounds);
    printf ("   %-32s %12.1f %10.1f %10.1f %10.2f", stream_bodies[b],
        median (fps, rounds), median (slow, rounds), median (fast, rounds),
        median (cpu, rounds));
    if (b > 0 && stock > 0)
      printf (" %8.2fx", median (fps, rounds) / stock);
    printf ("\n");
  }
  g_free (res);
}

/* ---- E ---- */

/* fps of @set through @body, E_FRAMES frames, an event every @every (0:
 * none); 0 on failure */
static double
run_events_once (const FrameSet * set, const gchar * body, guint every)
{
  Stream st;
  gint64 t0, t1;

  if (!stream_init (&st, set, body, FALSE, E_FRAMES, 0))
    return 0;
  st.event_every = every;
  t0 = g_get_monotonic_time ();
  stream_start (&st);
  if (!stream_finish (&st, body))
    return 0;
  t1 = g_get_monotonic_time ();
  return g_atomic_int_get (&st.outputs) == E_FRAMES ?
      E_FRAMES / ((t1 - t0) / 1e6) : 0;
}

static void
run_e (const FrameSet * set, guint rounds)
{
  const gchar *body = "imencode quality=85 threads=0";
  double plain[MAX_ROUNDS], events[MAX_ROUNDS], p, e;

  printf ("\nE  serialized events: appsrc ! %s ! fakesink sync=false, "
      "1280x720 I420 limited BT.709, %d frames fed as fast as taken, "
      "without and with a custom downstream event every %d frames; "
      "median of %u interleaved rounds\n", body, E_FRAMES, E_EVERY, rounds);
  for (guint k = 0; k < rounds; k++) {
    plain[k] = run_events_once (set, body, 0);
    events[k] = run_events_once (set, body, E_EVERY);
  }
  p = median (plain, rounds);
  e = median (events, rounds);
  printf ("   %-32s %10.1f fps\n", "no events", p);
  printf ("   %-32s %10.1f fps  %.3fx\n", "an event every 10 frames", e,
      p > 0 ? e / p : 0);
}

int
main (int argc, char **argv)
{
  guint rounds = 5;
  const gchar *only = "HLSF";
  gchar *self;
  guint8 *canvas;
  FrameSet rgb, rgb720, jfif, bt709, bt709_720;
  const FrameSet *file_sets[2];
  const gchar *file_names[] = { "full-range BT.601 (JFIF)",
    "limited BT.709 (decoder)"
  };

  setvbuf (stdout, NULL, _IOLBF, 0);
  gst_init (&argc, &argv);
  if (argc == 5 && strcmp (argv[1], "pipeline") == 0)
    return run_file_child (argv[2], atoi (argv[3]), atoi (argv[4]));
  /* the children are this program, whatever way it was started */
  self = g_file_read_link ("/proc/self/exe", NULL);
  if (!self)
    self = g_strdup (argv[0]);
  if (argc == 2 && strcmp (argv[1], "write-file") == 0)
    only = "W";
  else if (argc > 1)
    rounds = CLAMP (atoi (argv[1]), 1, MAX_ROUNDS);
  if (argc > 2)
    only = argv[2];

  canvas = make_scene ();
  make_rgb_frames (canvas, 1920, 1080, &rgb);
  make_rgb_frames (canvas, 1280, 720, &rgb720);
  make_yuv_frames (&rgb, GST_VIDEO_FORMAT_I420, &jfif);
  make_yuv_frames_in (&rgb, GST_VIDEO_FORMAT_I420,
      GST_VIDEO_COLOR_RANGE_16_235, GST_VIDEO_COLOR_MATRIX_BT709, &bt709);
  make_yuv_frames_in (&rgb720, GST_VIDEO_FORMAT_I420,
      GST_VIDEO_COLOR_RANGE_16_235, GST_VIDEO_COLOR_MATRIX_BT709,
      &bt709_720);
  g_free (canvas);

  printf ("bench-live: q%d JPEG; frames: a generated photo-like scene "
      "panned to %d distinct frames\n", QUALITY, N_FRAMES);

  if (strchr (only, 'H')) {
    const HeldCase held[] = {
      {"1080p I420 BT.709", &bt709, "jpegenc quality=85"},
      {"1080p I420 BT.709", &bt709, "imencode quality=85 threads=1"},
      {"1080p I420 BT.709", &bt709, "imencode quality=85 threads=0"},
      {"1080p I420 BT.709", &bt709,
          "imencode quality=85 width=640 height=360"},
      {"1080p I420 BT.709", &bt709, "imencode quality=85 encoding=base64"},
      {"1080p RGB", &rgb, "pngenc compression-level=1"},
      {"1080p RGB", &rgb, "imencode format=png compression-level=1"},
    };

    run_h (held, G_N_ELEMENTS (held));
  }
  if (strchr (only, 'L'))
    run_l (&bt709, MIN (rounds, 2));
  if (strchr (only, 'S'))
    run_s (&bt709_720, MIN (rounds, 3));
  if (strchr (only, 'E'))
    run_e (&bt709_720, rounds);
  file_sets[0] = &jfif;
  file_sets[1] = &bt709;
  if (strchr (only, 'W')) {
    for (guint i = 0; i < G_N_ELEMENTS (file_sets); i++) {
      gchar *path = write_raw_file (file_sets[i]);
      gchar *c = gst_video_colorimetry_to_string (&file_sets[i]->info.
          colorimetry);

      printf ("%s: %s, I420 %dx%d\n", path, c,
          GST_VIDEO_INFO_WIDTH (&file_sets[i]->info),
          GST_VIDEO_INFO_HEIGHT (&file_sets[i]->info));
      g_free (c);
      g_free (path);
    }
  }
  if (strchr (only, 'F'))
    run_f (self, file_sets, file_names, 2, rounds);

  frame_set_clear (&bt709_720);
  frame_set_clear (&bt709);
  frame_set_clear (&jfif);
  frame_set_clear (&rgb720);
  frame_set_clear (&rgb);
  g_free (self);
  return 0;
}
