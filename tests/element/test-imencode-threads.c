/* gst-imencode: imencode's encoder threads (the `threads` property)
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GstHarness tests of frame-parallel encoding: output strictly in input
 * order, nothing dropped or duplicated, EOS after the last frame, a flush
 * drops the work in flight, bounded frames in flight (back-pressure),
 * downstream flow returns reach upstream, state changes with frames in
 * flight, properties taken per frame when the frame is submitted.
 *
 * Every frame carries its index as a bar code in the luma (16 blocks of
 * black/white, then the complement) and a per-index grey level or noise, so
 * an output read back with libjpeg-turbo's own decompressor says which
 * input frame it came from; a pad probe on imencode's source pad logs the
 * order of buffers and events as they leave the element.
 *
 * Run under GST_TRACERS=leaks with G_DEBUG=fatal-warnings (see
 * tests/meson.build): anything still alive at gst_deinit() fails the run. A
 * SIGALRM watchdog turns a hang into a failure.
 */
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <turbojpeg.h>

#define N_BITS 16
#define FRAME_DURATION (GST_SECOND / 25)
#define PTS_OF(i) ((GstClockTime) (i) * FRAME_DURATION)
#define WATCHDOG_S 90
/* Frames the chain may accept while downstream is stuck: generous for any
 * sane bounded pool, far below the 100 a pool without back-pressure takes. */
#define MAX_IN_FLIGHT(threads) (4 * (threads) + 8)

static const guint thread_counts[] = { 0, 1, 2, 4, 8 };

/* ---- input frames ---- */

typedef enum
{
  KIND_FLAT,                    /* a grey level that depends on the index */
  KIND_NOISE,                   /* noise: expensive to encode, large */
} FrameKind;

/* A mix of cheap and expensive frames, so that with several workers later
 * frames finish before earlier ones. */
static FrameKind
mixed_kind (guint index)
{
  return (index * 7) % 5 < 2 ? KIND_NOISE : KIND_FLAT;
}

/* limited-range luma, 16..235 */
static guint8
flat_level (guint index)
{
  return (guint8) (40 + (index * 37) % 160);
}

/* What a JPEG decoder gives back for limited-range luma @y. */
static gint
full_range (gint y)
{
  gint v = ((y - 16) * 255 + 109) / 219;

  return CLAMP (v, 0, 255);
}

static guint32
xorshift (guint32 * s)
{
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return *s;
}

static gchar *
i420_caps (gint w, gint h)
{
  return g_strdup_printf ("video/x-raw,format=I420,width=%d,height=%d,"
      "framerate=25/1", w, h);
}

/* An I420 frame, @w a multiple of 16 and @h of 6 and 2: rows [0, h/6) hold
 * the index bits (MSB first, 16 blocks across), rows [h/6, h/3) their
 * complement, the rest is flat or noise. */
static GstBuffer *
make_frame (gint w, gint h, guint index, FrameKind kind)
{
  GstVideoInfo info;
  GstBuffer *buf;
  GstMapInfo map;
  gint bh = h / 6, bw = w / N_BITS;
  guint32 seed = 0x9e3779b9u ^ (index * 2654435761u);

  g_assert_true (gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, w,
          h));
  buf = gst_buffer_new_allocate (NULL, info.size, NULL);
  g_assert_true (gst_buffer_map (buf, &map, GST_MAP_WRITE));
  for (gint y = 0; y < h; y++) {
    guint8 *row = map.data + info.offset[0] + y * info.stride[0];

    for (gint x = 0; x < w; x++) {
      gint bit = (index >> (N_BITS - 1 - x / bw)) & 1;

      if (y < bh)
        row[x] = bit ? 235 : 16;
      else if (y < 2 * bh)
        row[x] = bit ? 16 : 235;
      else if (kind == KIND_FLAT)
        row[x] = flat_level (index);
      else
        row[x] = (guint8) xorshift (&seed);
    }
  }
  for (gint p = 1; p < 3; p++) {
    for (gint y = 0; y < h / 2; y++) {
      guint8 *row = map.data + info.offset[p] + y * info.stride[p];

      for (gint x = 0; x < w / 2; x++)
        row[x] = (kind == KIND_NOISE && y >= bh) ?
            (guint8) xorshift (&seed) : 128;
    }
  }
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = PTS_OF (index);
  GST_BUFFER_DURATION (buf) = FRAME_DURATION;
  return buf;
}

/* ---- reading outputs back ---- */

/* The luma of a JPEG per libjpeg-turbo; asserts it is one whole JPEG. */
static guint8 *
decode_luma (GstBuffer * buf, gint * w, gint * h)
{
  GstMapInfo map;
  tjhandle tj = tjInitDecompress ();
  int samp, cs;
  guint8 *luma;

  g_assert_nonnull (tj);
  g_assert_true (gst_buffer_map (buf, &map, GST_MAP_READ));
  g_assert_cmpuint (map.size, >, 4);
  g_assert_cmpuint (map.data[0], ==, 0xff);
  g_assert_cmpuint (map.data[1], ==, 0xd8);
  g_assert_cmpuint (map.data[map.size - 2], ==, 0xff);
  g_assert_cmpuint (map.data[map.size - 1], ==, 0xd9);
  g_assert_cmpint (tjDecompressHeader3 (tj, map.data, map.size, w, h, &samp,
          &cs), ==, 0);
  luma = g_malloc ((gsize) * w * *h);
  g_assert_cmpint (tjDecompress2 (tj, map.data, map.size, luma, *w, 0, *h,
          TJPF_GRAY, 0), ==, 0);
  gst_buffer_unmap (buf, &map);
  tjDestroy (tj);
  return luma;
}

static void
region_stats (const guint8 * luma, gint stride, gint x0, gint y0, gint x1,
    gint y1, gdouble * mean, gdouble * var)
{
  gdouble s = 0, s2 = 0;
  gint n = (x1 - x0) * (y1 - y0);

  g_assert_cmpint (n, >, 0);
  for (gint y = y0; y < y1; y++) {
    for (gint x = x0; x < x1; x++) {
      gdouble v = luma[y * stride + x];

      s += v;
      s2 += v * v;
    }
  }
  *mean = s / n;
  *var = MAX (s2 / n - *mean * *mean, 0);
}

/* The index in the bar code, or -1 if a block is not clearly black or
 * white or disagrees with its complement. */
static gint
read_index (const guint8 * luma, gint w, gint h)
{
  gint bh = h / 6, index = 0;

  for (gint b = 0; b < N_BITS; b++) {
    gint x0 = b * w / N_BITS, x1 = (b + 1) * w / N_BITS, q = (x1 - x0) / 4;
    gdouble m, mc, var;

    region_stats (luma, w, x0 + q, bh / 4, x1 - q, bh - bh / 4, &m, &var);
    region_stats (luma, w, x0 + q, bh + bh / 4, x1 - q, 2 * bh - bh / 4, &mc,
        &var);
    if (m > 190 && mc < 65)
      index = index << 1 | 1;
    else if (m < 65 && mc > 190)
      index = index << 1;
    else
      return -1;
  }
  return index;
}

/* Asserts that @buf is the encoding of input frame @index of @w x @h. */
static void
check_output (GstBuffer * buf, guint index, gint w, gint h, FrameKind kind)
{
  gint ow, oh, bh;
  guint8 *luma;
  gdouble mean, var;
  GstCustomMeta *meta;

  g_assert_cmpuint (GST_BUFFER_PTS (buf), ==, PTS_OF (index));
  g_assert_cmpuint (GST_BUFFER_DURATION (buf), ==, FRAME_DURATION);
  meta = gst_buffer_get_custom_meta (buf, "ImencodeMeta");
  g_assert_nonnull (meta);
  luma = decode_luma (buf, &ow, &oh);
  g_assert_cmpint (ow, ==, w);
  g_assert_cmpint (oh, ==, h);
  g_assert_cmpint (read_index (luma, w, h), ==, (gint) index);
  bh = h / 6;
  region_stats (luma, w, 4, 2 * bh + 4, w - 4, h - 4, &mean, &var);
  /* (variances: a standard deviation under 6, over 30) */
  if (kind == KIND_FLAT) {
    g_assert_cmpfloat (ABS (mean - full_range (flat_level (index))), <, 6);
    g_assert_cmpfloat (var, <, 36);
  } else {
    g_assert_cmpfloat (var, >, 900);
  }
  g_free (luma);
}

/* ---- what leaves the element: a log, and a downstream that can fail or
 * stall ---- */

typedef enum
{
  LOG_BUFFER,                   /* value: the frame index from the PTS */
  LOG_EOS,
  LOG_FLUSH_START,
  LOG_FLUSH_STOP,
  LOG_SEGMENT,
  LOG_CAPS,                     /* value: the caps' width */
} LogKind;

typedef struct
{
  LogKind kind;
  gint value;
} LogEntry;

typedef struct
{
  GMutex lock;
  GCond cond;
  GArray *log;                  /* LogEntry, in the order they left */
  guint passed;                 /* buffers let through */
  guint refused;                /* buffers answered with fail_flow */
  gint fail_after;              /* < 0: never; else refuse from the Nth on */
  GstFlowReturn fail_flow;
  gboolean stall;               /* hold buffers until released or flushing */
  guint stalled;                /* buffers held right now */
  gint pushing;                 /* atomic: threads inside a buffer push */
  gint overlaps;                /* atomic: pushes that overlapped another */
} Downstream;

static void
downstream_init (Downstream * d)
{
  memset (d, 0, sizeof (*d));
  g_mutex_init (&d->lock);
  g_cond_init (&d->cond);
  d->log = g_array_new (FALSE, FALSE, sizeof (LogEntry));
  d->fail_after = -1;
}

static void
downstream_clear (Downstream * d)
{
  g_assert_cmpint (g_atomic_int_get (&d->overlaps), ==, 0);
  g_array_unref (d->log);
  g_cond_clear (&d->cond);
  g_mutex_clear (&d->lock);
}

static void
log_add (Downstream * d, LogKind kind, gint value)
{
  LogEntry e = { kind, value };

  g_array_append_val (d->log, e);
  g_cond_broadcast (&d->cond);
}

static gboolean
pad_is_flushing (GstPad * pad)
{
  gboolean flushing;

  GST_OBJECT_LOCK (pad);
  flushing = GST_PAD_IS_FLUSHING (pad);
  GST_OBJECT_UNLOCK (pad);
  return flushing;
}

static GstPadProbeReturn
downstream_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Downstream *d = user_data;

  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER) {
    /* data on a pad is serialized: two threads never push at once (the
     * short sleep widens the window in which an overlap would show) */
    if (g_atomic_int_add (&d->pushing, 1) != 0)
      g_atomic_int_inc (&d->overlaps);
    g_usleep (100);
    g_atomic_int_add (&d->pushing, -1);
  }
  g_mutex_lock (&d->lock);
  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER) {
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
    GstFlowReturn refuse = GST_FLOW_OK;

    /* a stuck sink: only releasing it or a flush lets the buffer go */
    d->stalled++;
    g_cond_broadcast (&d->cond);
    while (d->stall && !pad_is_flushing (pad))
      g_cond_wait_until (&d->cond, &d->lock,
          g_get_monotonic_time () + 10 * G_TIME_SPAN_MILLISECOND);
    d->stalled--;
    if (pad_is_flushing (pad))
      refuse = GST_FLOW_FLUSHING;
    else if (d->fail_after >= 0 && d->passed >= (guint) d->fail_after)
      refuse = d->fail_flow;
    if (refuse != GST_FLOW_OK) {
      d->refused++;
      g_cond_broadcast (&d->cond);
      g_mutex_unlock (&d->lock);
      gst_buffer_unref (buf);
      GST_PAD_PROBE_INFO_DATA (info) = NULL;
      GST_PAD_PROBE_INFO_FLOW_RETURN (info) = refuse;
      return GST_PAD_PROBE_HANDLED;
    }
    g_assert_cmpuint (GST_BUFFER_PTS (buf) % FRAME_DURATION, ==, 0);
    log_add (d, LOG_BUFFER, (gint) (GST_BUFFER_PTS (buf) / FRAME_DURATION));
    d->passed++;
  } else {
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);

    switch (GST_EVENT_TYPE (ev)) {
      case GST_EVENT_EOS:
        log_add (d, LOG_EOS, 0);
        break;
      case GST_EVENT_FLUSH_START:
        log_add (d, LOG_FLUSH_START, 0);
        break;
      case GST_EVENT_FLUSH_STOP:
        log_add (d, LOG_FLUSH_STOP, 0);
        break;
      case GST_EVENT_SEGMENT:
        log_add (d, LOG_SEGMENT, 0);
        break;
      case GST_EVENT_CAPS:{
        GstCaps *caps;
        gint w = 0;

        gst_event_parse_caps (ev, &caps);
        gst_structure_get_int (gst_caps_get_structure (caps, 0), "width", &w);
        log_add (d, LOG_CAPS, w);
        break;
      }
      default:
        break;
    }
  }
  g_mutex_unlock (&d->lock);
  return GST_PAD_PROBE_OK;
}

/* A harness around an imencode whose `threads` (and @props, "name=value
 * ...") are set before the harness starts it, fed I420 @w x @h, with @d
 * watching its source pad. */
static GstHarness *
new_harness (guint threads, const gchar * props, gint w, gint h, Downstream * d)
{
  GstElement *enc = gst_element_factory_make ("imencode", NULL);
  gchar **kv = g_strsplit (props ? props : "", " ", -1);
  GstHarness *hr;
  GstPad *src;
  gchar *caps;
  guint got;

  g_assert_nonnull (enc);
  g_object_set (enc, "threads", threads, NULL);
  g_object_get (enc, "threads", &got, NULL);
  g_assert_cmpuint (got, ==, threads);
  for (gchar ** p = kv; *p; p++) {
    gchar **pair = g_strsplit (*p, "=", 2);

    if (pair[0] && pair[1])
      gst_util_set_object_arg (G_OBJECT (enc), pair[0], pair[1]);
    g_strfreev (pair);
  }
  g_strfreev (kv);

  src = gst_element_get_static_pad (enc, "src");
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM | GST_PAD_PROBE_TYPE_EVENT_FLUSH,
      downstream_probe, d, NULL);
  gst_object_unref (src);

  hr = gst_harness_new_with_element (enc, "sink", "src");
  gst_object_unref (enc);
  caps = i420_caps (w, h);
  gst_harness_set_src_caps_str (hr, caps);
  g_free (caps);
  return hr;
}

static void
push_segment (GstHarness * hr)
{
  GstSegment seg;

  gst_segment_init (&seg, GST_FORMAT_TIME);
  g_assert_true (gst_harness_push_event (hr, gst_event_new_segment (&seg)));
}

static void
flush (GstHarness * hr)
{
  g_assert_true (gst_harness_push_event (hr, gst_event_new_flush_start ()));
  g_assert_true (gst_harness_push_event (hr, gst_event_new_flush_stop (TRUE)));
  push_segment (hr);
}

/* Sends EOS and waits until it has come out. */
static void
finish (GstHarness * hr)
{
  g_assert_true (gst_harness_push_event (hr, gst_event_new_eos ()));
  for (;;) {
    GstEvent *ev = gst_harness_pull_event (hr);
    gboolean eos;

    g_assert_nonnull (ev);      /* NULL: no EOS within the harness's 60 s */
    eos = GST_EVENT_TYPE (ev) == GST_EVENT_EOS;
    gst_event_unref (ev);
    if (eos)
      break;
  }
}

/* Index of the entry after the last @kind in the log (0 if none). */
static guint
log_after_last (Downstream * d, LogKind kind)
{
  guint start = 0;

  for (guint i = 0; i < d->log->len; i++)
    if (g_array_index (d->log, LogEntry, i).kind == kind)
      start = i + 1;
  return start;
}

/* Asserts that from log entry @start on, the buffers that left are exactly
 * frames @first .. @first + @n - 1 in order, followed by EOS and nothing
 * else (other events may come between buffers). */
static void
assert_log_tail (Downstream * d, guint start, guint first, guint n)
{
  guint next = first;
  gboolean eos = FALSE;

  g_mutex_lock (&d->lock);
  for (guint i = start; i < d->log->len; i++) {
    LogEntry *e = &g_array_index (d->log, LogEntry, i);

    if (eos)
      g_error ("log entry %u (kind %d, value %d) after EOS", i, e->kind,
          e->value);
    if (e->kind == LOG_BUFFER) {
      if ((guint) e->value != next)
        g_error ("frame %d left where frame %u was due (log entry %u)",
            e->value, next, i);
      next++;
    } else if (e->kind == LOG_EOS) {
      eos = TRUE;
    } else {
      g_assert_cmpint (e->kind, !=, LOG_FLUSH_START);
      g_assert_cmpint (e->kind, !=, LOG_FLUSH_STOP);
    }
  }
  g_mutex_unlock (&d->lock);
  g_assert_cmpuint (next, ==, first + n);
  g_assert_true (eos);
}

/* Pulls every buffer the harness got; they are checked against the log by
 * the caller. Returns a GPtrArray of GstBuffer. */
static GPtrArray *
pull_all (GstHarness * hr)
{
  GPtrArray *bufs = g_ptr_array_new_with_free_func (
      (GDestroyNotify) gst_buffer_unref);
  GstBuffer *b;

  while ((b = gst_harness_try_pull (hr)))
    g_ptr_array_add (bufs, b);
  return bufs;
}

static void
watchdog_start (void)
{
  alarm (WATCHDOG_S);
}

static void
watchdog_stop (void)
{
  alarm (0);
}

/* ---- a thread that pushes frames, for the tests where the chain must
 * block or be woken ---- */

typedef struct
{
  GstHarness *hr;
  gint w, h;
  guint first, count;
  gint accepted;                /* atomic: pushes that returned OK */
  GstFlowReturn last;
} Pusher;

static gpointer
pusher_run (gpointer data)
{
  Pusher *p = data;

  p->last = GST_FLOW_OK;
  for (guint i = 0; i < p->count; i++) {
    p->last = gst_harness_push (p->hr, make_frame (p->w, p->h, p->first + i,
            KIND_NOISE));
    if (p->last != GST_FLOW_OK)
      break;
    g_atomic_int_inc (&p->accepted);
  }
  return NULL;
}

/* Waits until the pusher has accepted nothing new for 400 ms (and at least
 * one buffer is held downstream), at most 20 s; returns what it accepted. */
static guint
wait_stalled (Pusher * p, Downstream * d)
{
  gint64 end = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;
  gint last = -1;
  gint64 since = 0;

  for (;;) {
    gint now = g_atomic_int_get (&p->accepted);
    guint stalled;

    g_mutex_lock (&d->lock);
    stalled = d->stalled;
    g_mutex_unlock (&d->lock);
    if (now != last || stalled == 0) {
      last = now;
      since = g_get_monotonic_time ();
    } else if (g_get_monotonic_time () - since >
        400 * G_TIME_SPAN_MILLISECOND) {
      return (guint) now;
    }
    g_assert_cmpint (g_get_monotonic_time (), <, end);
    g_usleep (10 * 1000);
  }
}

/* ---- the tests ---- */

/* 200 frames, cheap and expensive mixed: every one comes out once, in
 * order, with its own content and timestamps, then EOS. */
static void
test_order (gconstpointer data)
{
  guint threads = GPOINTER_TO_UINT (data);
  const gint w = 128, h = 96;
  const guint n = 200;
  Downstream d;
  GstHarness *hr;
  GPtrArray *bufs;

  watchdog_start ();
  downstream_init (&d);
  hr = new_harness (threads, NULL, w, h, &d);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (gst_harness_push (hr, make_frame (w, h, i,
                mixed_kind (i))), ==, GST_FLOW_OK);
  finish (hr);
  assert_log_tail (&d, 0, 0, n);
  bufs = pull_all (hr);
  g_assert_cmpuint (bufs->len, ==, n);
  for (guint i = 0; i < n; i++)
    check_output (g_ptr_array_index (bufs, i), i, w, h, mixed_kind (i));
  g_ptr_array_unref (bufs);
  gst_harness_teardown (hr);
  downstream_clear (&d);
  watchdog_stop ();
}

/* EOS right after a burst of expensive frames: EOS leaves only after the
 * last of them. */
static void
test_eos_with_frames_in_flight (gconstpointer data)
{
  guint threads = GPOINTER_TO_UINT (data);
  const gint w = 640, h = 480;
  const guint n = 30;
  Downstream d;
  GstHarness *hr;
  GPtrArray *bufs;

  watchdog_start ();
  downstream_init (&d);
  hr = new_harness (threads, NULL, w, h, &d);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (gst_harness_push (hr, make_frame (w, h, i,
                KIND_NOISE)), ==, GST_FLOW_OK);
  finish (hr);
  assert_log_tail (&d, 0, 0, n);
  bufs = pull_all (hr);
  g_assert_cmpuint (bufs->len, ==, n);
  for (guint i = 0; i < n; i++)
    check_output (g_ptr_array_index (bufs, i), i, w, h, KIND_NOISE);
  g_ptr_array_unref (bufs);
  gst_harness_teardown (hr);
  downstream_clear (&d);
  watchdog_stop ();
}

/* Three flushes, each with expensive frames in flight: what leaves before
 * a flush-stop are frames of that round only, in order, each at most once
 * (the rest are dropped); after the last flush-stop only the new frames
 * leave, all of them, in order, after the new segment. */
static void
test_flush_with_frames_in_flight (gconstpointer data)
{
  guint threads = GPOINTER_TO_UINT (data);
  const gint w = 640, h = 480;
  const guint n_old = 24, first_new = 1000, n_new = 12;
  Downstream d;
  GstHarness *hr;
  GPtrArray *bufs;
  guint start, prev = 0, n_before = 0;
  gboolean any = FALSE;

  watchdog_start ();
  downstream_init (&d);
  hr = new_harness (threads, NULL, w, h, &d);
  for (guint round = 0; round < 3; round++) {
    for (guint i = 0; i < n_old; i++)
      g_assert_cmpint (gst_harness_push (hr, make_frame (w, h, round * 100 +
                  i, KIND_NOISE)), ==, GST_FLOW_OK);
    flush (hr);
  }
  for (guint i = 0; i < n_new; i++)
    g_assert_cmpint (gst_harness_push (hr, make_frame (w, h, first_new + i,
                KIND_NOISE)), ==, GST_FLOW_OK);
  finish (hr);

  start = log_after_last (&d, LOG_FLUSH_STOP);
  g_assert_cmpuint (start, >, 0);
  /* the new segment goes out before the first new frame */
  for (guint i = start; i < d.log->len; i++) {
    LogEntry *e = &g_array_index (d.log, LogEntry, i);

    if (e->kind == LOG_SEGMENT)
      break;
    g_assert_cmpint (e->kind, !=, LOG_BUFFER);
  }
  assert_log_tail (&d, start, first_new, n_new);
  /* before the last flush: old frames only, increasing, each at most once,
   * and nothing of a round after that round's flush-stop */
  {
    guint round = 0;

    for (guint i = 0; i < start; i++) {
      LogEntry *e = &g_array_index (d.log, LogEntry, i);

      if (e->kind == LOG_FLUSH_STOP)
        round++;
      if (e->kind != LOG_BUFFER)
        continue;
      g_assert_cmpint (e->value / 100, ==, round);
      g_assert_cmpint (e->value % 100, <, n_old);
      if (any)
        g_assert_cmpint (e->value, >, prev);
      prev = e->value;
      any = TRUE;
      n_before++;
    }
  }
  bufs = pull_all (hr);
  /* what the probe saw leave, but for a push that each flush-start caught
   * on its way into the harness (dropped there, as a flushing pad does) */
  g_assert_cmpuint (bufs->len, <=, n_before + n_new);
  g_assert_cmpuint (bufs->len + 3, >=, n_before + n_new);
  for (guint i = 0; i < bufs->len; i++) {
    GstBuffer *b = g_ptr_array_index (bufs, i);

    check_output (b, GST_BUFFER_PTS (b) / FRAME_DURATION, w, h, KIND_NOISE);
  }
  for (guint i = 0; i < n_new; i++)
    g_assert_cmpuint (GST_BUFFER_PTS (g_ptr_array_index (bufs,
                bufs->len - n_new + i)), ==, PTS_OF (first_new + i));
  g_ptr_array_unref (bufs);
  gst_harness_teardown (hr);
  downstream_clear (&d);
  watchdog_stop ();
}

/* To NULL (and torn down) right after a burst of expensive frames: no
 * hang, no leak (the leaks tracer checks at exit). */
static void
test_null_with_frames_in_flight (gconstpointer data)
{
  guint threads = GPOINTER_TO_UINT (data);
  const gint w = 640, h = 480;
  Downstream d;
  GstHarness *hr;

  watchdog_start ();
  for (guint round = 0; round < 3; round++) {
    downstream_init (&d);
    hr = new_harness (threads, NULL, w, h, &d);
    for (guint i = 0; i < 16 + round * 8; i++)
      g_assert_cmpint (gst_harness_push (hr, make_frame (w, h, i,
                  KIND_NOISE)), ==, GST_FLOW_OK);
    if (round == 1) {
      /* and back up again: the pool restarts */
      g_assert_cmpint (gst_element_set_state (hr->element, GST_STATE_NULL),
          ==, GST_STATE_CHANGE_SUCCESS);
      g_assert_cmpint (gst_element_set_state (hr->element,
              GST_STATE_PLAYING), ==, GST_STATE_CHANGE_SUCCESS);
      {
        gchar *str = i420_caps (w, h);
        GstCaps *caps = gst_caps_from_string (str);

        g_assert_true (gst_harness_push_event (hr,
                gst_event_new_stream_start ("again")));
        g_assert_true (gst_harness_push_event (hr, gst_event_new_caps (caps)));
        gst_caps_unref (caps);
        g_free (str);
      }
      push_segment (hr);
      g_assert_cmpint (gst_harness_push (hr, make_frame (w, h, 500,
                  KIND_NOISE)), ==, GST_FLOW_OK);
      finish (hr);
      g_mutex_lock (&d.lock);
      g_assert_cmpint (g_array_index (d.log, LogEntry,
              d.log->len - 2).kind, ==, LOG_BUFFER);
      g_assert_cmpint (g_array_index (d.log, LogEntry,
              d.log->len - 2).value, ==, 500);
      g_mutex_unlock (&d.lock);
    }
    g_assert_cmpint (gst_element_set_state (hr->element, GST_STATE_NULL), ==,
        GST_STATE_CHANGE_SUCCESS);
    gst_harness_teardown (hr);
    downstream_clear (&d);
  }
  watchdog_stop ();
}

/* A stuck downstream: the chain accepts a bounded number of frames (more
 * than one with several threads: frames in flight), then blocks; released,
 * everything comes out in order. */
static void
test_back_pressure (gconstpointer data)
{
  guint threads = GPOINTER_TO_UINT (data);
  guint effective = threads ? threads : g_get_num_processors ();
  const gint w = 160, h = 96;
  Downstream d;
  GstHarness *hr;
  Pusher p = { 0 };
  GThread *t;
  guint accepted;
  GPtrArray *bufs;

  watchdog_start ();
  downstream_init (&d);
  d.stall = TRUE;
  hr = new_harness (threads, NULL, w, h, &d);
  p.hr = hr;
  p.w = w;
  p.h = h;
  p.count = 100;
  t = g_thread_new ("pusher", pusher_run, &p);
  accepted = wait_stalled (&p, &d);
  g_assert_cmpuint (accepted, <=, MAX_IN_FLIGHT (effective));
  g_assert_cmpuint (accepted, <, p.count);
  /* with several threads, frames really are taken while one is pushed */
  if (effective > 1)
    g_assert_cmpuint (accepted, >=, 2);

  g_mutex_lock (&d.lock);
  d.stall = FALSE;
  g_cond_broadcast (&d.cond);
  g_mutex_unlock (&d.lock);
  g_thread_join (t);
  g_assert_cmpint (p.last, ==, GST_FLOW_OK);
  g_assert_cmpint (p.accepted, ==, p.count);
  finish (hr);
  assert_log_tail (&d, 0, 0, p.count);
  bufs = pull_all (hr);
  g_assert_cmpuint (bufs->len, ==, p.count);
  for (guint i = 0; i < p.count; i++)
    check_output (g_ptr_array_index (bufs, i), i, w, h, KIND_NOISE);
  g_ptr_array_unref (bufs);
  gst_harness_teardown (hr);
  downstream_clear (&d);
  watchdog_stop ();
}

/* A stuck downstream and a chain blocked on a full pool: flush-start wakes
 * everything up (FLUSHING upstream), after the flush the stream goes on
 * with only the new frames. */
static void
test_flush_unblocks_stuck_stream (gconstpointer data)
{
  guint threads = GPOINTER_TO_UINT (data);
  const gint w = 160, h = 96;
  Downstream d;
  GstHarness *hr;
  Pusher p = { 0 };
  GThread *t;

  watchdog_start ();
  downstream_init (&d);
  d.stall = TRUE;
  hr = new_harness (threads, NULL, w, h, &d);
  p.hr = hr;
  p.w = w;
  p.h = h;
  p.count = 100;
  t = g_thread_new ("pusher", pusher_run, &p);
  wait_stalled (&p, &d);
  g_assert_true (gst_harness_push_event (hr, gst_event_new_flush_start ()));
  g_thread_join (t);
  g_assert_cmpint (p.last, ==, GST_FLOW_FLUSHING);
  g_mutex_lock (&d.lock);
  d.stall = FALSE;
  g_mutex_unlock (&d.lock);
  g_assert_true (gst_harness_push_event (hr, gst_event_new_flush_stop (TRUE)));
  push_segment (hr);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (gst_harness_push (hr, make_frame (w, h, 1000 + i,
                mixed_kind (i))), ==, GST_FLOW_OK);
  finish (hr);
  assert_log_tail (&d, log_after_last (&d, LOG_FLUSH_STOP), 1000, 10);
  gst_harness_teardown (hr);
  downstream_clear (&d);
  watchdog_stop ();
}

/* A stuck downstream and a chain blocked on a full pool: going to NULL
 * does not hang and leaks nothing. */
static void
test_null_unblocks_stuck_stream (gconstpointer data)
{
  guint threads = GPOINTER_TO_UINT (data);
  const gint w = 160, h = 96;
  Downstream d;
  GstHarness *hr;
  Pusher p = { 0 };
  GThread *t;

  watchdog_start ();
  downstream_init (&d);
  d.stall = TRUE;
  hr = new_harness (threads, NULL, w, h, &d);
  p.hr = hr;
  p.w = w;
  p.h = h;
  p.count = 100;
  t = g_thread_new ("pusher", pusher_run, &p);
  wait_stalled (&p, &d);
  g_assert_cmpint (gst_element_set_state (hr->element, GST_STATE_NULL), ==,
      GST_STATE_CHANGE_SUCCESS);
  g_thread_join (t);
  g_assert_cmpint (p.last, ==, GST_FLOW_FLUSHING);
  gst_harness_teardown (hr);
  downstream_clear (&d);
  watchdog_stop ();
}

typedef struct
{
  const gchar *name;
  GstFlowReturn flow;
  guint threads;
} FlowCase;

static const FlowCase flow_cases[] = {
  {"error/1", GST_FLOW_ERROR, 1},
  {"error/4", GST_FLOW_ERROR, 4},
  {"error/8", GST_FLOW_ERROR, 8},
  {"not-linked/4", GST_FLOW_NOT_LINKED, 4},
  {"flushing/4", GST_FLOW_FLUSHING, 4},
  {"eos/4", GST_FLOW_EOS, 4},
  {"not-negotiated/4", GST_FLOW_NOT_NEGOTIATED, 4},
  {"custom-error/4", GST_FLOW_CUSTOM_ERROR, 4},
};

static GstFlowReturn
push_paced (GstHarness * hr, Downstream * d, gint w, gint h, guint index)
{
  gint64 end = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  guint before;
  GstFlowReturn ret;

  g_mutex_lock (&d->lock);
  before = d->passed + d->refused;
  g_mutex_unlock (&d->lock);
  ret = gst_harness_push (hr, make_frame (w, h, index, KIND_FLAT));
  if (ret != GST_FLOW_OK)
    return ret;
  /* wait until this frame has been pushed (or refused) downstream */
  g_mutex_lock (&d->lock);
  while (d->passed + d->refused <= before)
    g_assert_true (g_cond_wait_until (&d->cond, &d->lock, end));
  g_mutex_unlock (&d->lock);
  /* give the pushing thread time to store the result */
  g_usleep (100 * 1000);
  return ret;
}

/* Downstream starts refusing buffers with the case's flow after 5:
 * (a) pushing flat out, the chain returns that flow within a bounded number
 * of pushes; (b) nothing more is pushed downstream after the refusal
 * (frames in flight are dropped, as a queue would); (c) pushing one frame
 * at a time, the first push after the refusal returns it, and so do the
 * pushes after that (the flow sticks until a flush, as with a queue, so
 * upstream flow combiners see it); (d) a flush clears it and the stream
 * goes on. */
static void
test_downstream_flow (gconstpointer data)
{
  const FlowCase *c = data;
  const gint w = 128, h = 96;
  const guint fail_after = 5;
  Downstream d;
  GstHarness *hr;
  GstFlowReturn ret = GST_FLOW_OK;
  guint pushes = 0;

  watchdog_start ();
  downstream_init (&d);
  d.fail_after = fail_after;
  d.fail_flow = c->flow;
  hr = new_harness (c->threads, NULL, w, h, &d);

  /* (a) flat out */
  while (ret == GST_FLOW_OK && pushes < 200) {
    ret = gst_harness_push (hr, make_frame (w, h, pushes, mixed_kind (pushes)));
    pushes++;
  }
  g_assert_cmpint (ret, ==, c->flow);
  g_assert_cmpuint (pushes, <=, fail_after + 1 + MAX_IN_FLIGHT (c->threads));

  /* (b) let the frames in flight settle */
  g_usleep (300 * 1000);
  g_mutex_lock (&d.lock);
  g_assert_cmpuint (d.passed, ==, fail_after);
  if (d.refused != 1) {
    g_test_message ("%u frames pushed downstream after it returned %s",
        d.refused - 1, gst_flow_get_name (c->flow));
    g_test_fail ();
  }
  g_mutex_unlock (&d.lock);

  /* (c) one at a time, after a flush that resets downstream */
  flush (hr);
  g_mutex_lock (&d.lock);
  d.passed = 0;
  d.refused = 0;
  g_mutex_unlock (&d.lock);
  ret = GST_FLOW_OK;
  for (pushes = 0; ret == GST_FLOW_OK && pushes < 20; pushes++) {
    ret = push_paced (hr, &d, w, h, 300 + pushes);
    if (ret != GST_FLOW_OK)
      break;
  }
  g_assert_cmpint (ret, ==, c->flow);
  /* frame 5 is the first refused; the push of frame 6 at the latest says so */
  g_assert_cmpuint (pushes, <=, fail_after + 1);
  for (guint i = 1; i <= 3; i++) {
    ret = push_paced (hr, &d, w, h, 300 + pushes + i);
    if (ret != c->flow) {
      g_test_message ("push %u after downstream returned %s: %s", i,
          gst_flow_get_name (c->flow), gst_flow_get_name (ret));
      g_test_fail ();
    }
  }

  /* (d) a flush clears the failure; all frames after it come out */
  g_mutex_lock (&d.lock);
  d.fail_after = -1;
  g_mutex_unlock (&d.lock);
  flush (hr);
  for (guint i = 0; i < 20; i++)
    g_assert_cmpint (gst_harness_push (hr, make_frame (w, h, 600 + i,
                mixed_kind (i))), ==, GST_FLOW_OK);
  finish (hr);
  assert_log_tail (&d, log_after_last (&d, LOG_FLUSH_STOP), 600, 20);
  /* nothing of a phase leaves after the flush that ended it: frames
   * 0..299 before the first flush-stop, 300..599 before the second */
  {
    guint phase = 0;

    for (guint i = 0; i < d.log->len; i++) {
      LogEntry *e = &g_array_index (d.log, LogEntry, i);

      if (e->kind == LOG_FLUSH_STOP)
        phase++;
      else if (e->kind == LOG_BUFFER)
        g_assert_cmpint (e->value / 300, ==, phase);
    }
    g_assert_cmpuint (phase, ==, 2);
  }
  gst_harness_teardown (hr);
  downstream_clear (&d);
  watchdog_stop ();
}

/* libjpeg's standard luminance table (natural order) at @quality, as
 * jpeg_set_quality (force_baseline) makes it, sorted. */
static void
expected_luma_table (gint quality, guint16 * out)
{
  static const guint8 base[64] = {
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99
  };
  gint scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;

  for (gint i = 0; i < 64; i++)
    out[i] = CLAMP ((base[i] * scale + 50) / 100, 1, 255);
}

static int
cmp_u16 (const void *a, const void *b)
{
  return (gint) * (const guint16 *) a - (gint) * (const guint16 *) b;
}

/* The libjpeg quality a JPEG's luminance table was made with, or -1. */
static gint
jpeg_quality (GstBuffer * buf)
{
  GstMapInfo map;
  guint16 table[64], want[64];
  gboolean found = FALSE;
  gint q = -1;

  g_assert_true (gst_buffer_map (buf, &map, GST_MAP_READ));
  for (gsize i = 2; i + 4 <= map.size && !found;) {
    guint marker, len;

    g_assert_cmpuint (map.data[i], ==, 0xff);
    marker = map.data[i + 1];
    len = map.data[i + 2] << 8 | map.data[i + 3];
    if (marker == 0xda)
      break;
    if (marker == 0xdb) {
      for (gsize j = i + 4; j < i + 2 + len;) {
        guint pq = map.data[j] >> 4, tq = map.data[j] & 15;

        g_assert_cmpuint (pq, ==, 0);   /* baseline: 8-bit tables */
        if (tq == 0) {
          for (gint k = 0; k < 64; k++)
            table[k] = map.data[j + 1 + k];
          found = TRUE;
        }
        j += 65;
      }
    }
    i += 2 + len;
  }
  gst_buffer_unmap (buf, &map);
  g_assert_true (found);
  qsort (table, 64, sizeof (guint16), cmp_u16);
  for (gint quality = 1; quality <= 100 && q < 0; quality++) {
    expected_luma_table (quality, want);
    qsort (want, 64, sizeof (guint16), cmp_u16);
    if (memcmp (want, table, sizeof (table)) == 0)
      q = quality;
  }
  return q;
}

/* quality changes between frame 19 and 20 while expensive frames are in
 * flight: frames submitted before the change keep the old quality, from
 * frame 22 on (SPEC: within two frames) the new one. */
static void
test_quality_taken_at_submission (gconstpointer data)
{
  guint threads = GPOINTER_TO_UINT (data);
  const gint w = 640, h = 480;
  const guint n = 40, change = 20;
  Downstream d;
  GstHarness *hr;
  GPtrArray *bufs;

  watchdog_start ();
  downstream_init (&d);
  hr = new_harness (threads, "quality=95", w, h, &d);
  for (guint i = 0; i < n; i++) {
    if (i == change)
      g_object_set (hr->element, "quality", 10, NULL);
    g_assert_cmpint (gst_harness_push (hr, make_frame (w, h, i,
                KIND_NOISE)), ==, GST_FLOW_OK);
  }
  finish (hr);
  assert_log_tail (&d, 0, 0, n);
  bufs = pull_all (hr);
  g_assert_cmpuint (bufs->len, ==, n);
  for (guint i = 0; i < n; i++) {
    GstBuffer *b = g_ptr_array_index (bufs, i);
    gint q = jpeg_quality (b);

    check_output (b, i, w, h, KIND_NOISE);
    if (i < change)
      g_assert_cmpint (q, ==, 95);
    else if (i >= change + 2)
      g_assert_cmpint (q, ==, 10);
    else
      g_assert_true (q == 95 || q == 10);
  }
  g_ptr_array_unref (bufs);
  gst_harness_teardown (hr);
  downstream_clear (&d);
  watchdog_stop ();
}

/* width changes (new caps) with frames in flight: each buffer leaves after
 * the caps that describe it, old frames keep the old size. */
static void
test_width_change_with_frames_in_flight (gconstpointer data)
{
  guint threads = GPOINTER_TO_UINT (data);
  const gint w = 640, h = 480;
  const guint n = 36;
  /* frame i is pushed with width[i / 12] (0 = the input's) */
  static const gint widths[] = { 0, 320, 0 };
  Downstream d;
  GstHarness *hr;
  GPtrArray *bufs;
  gint caps_width = 0;
  guint b = 0;

  watchdog_start ();
  downstream_init (&d);
  hr = new_harness (threads, NULL, w, h, &d);
  for (guint i = 0; i < n; i++) {
    if (i % 12 == 0)
      g_object_set (hr->element, "width", widths[i / 12], NULL);
    g_assert_cmpint (gst_harness_push (hr, make_frame (w, h, i,
                KIND_NOISE)), ==, GST_FLOW_OK);
  }
  finish (hr);
  assert_log_tail (&d, 0, 0, n);
  bufs = pull_all (hr);
  g_assert_cmpuint (bufs->len, ==, n);
  for (guint i = 0; i < d.log->len; i++) {
    LogEntry *e = &g_array_index (d.log, LogEntry, i);

    if (e->kind == LOG_CAPS) {
      caps_width = e->value;
    } else if (e->kind == LOG_BUFFER) {
      GstBuffer *buf = g_ptr_array_index (bufs, b);
      guint idx = e->value;
      gint want = widths[idx / 12] ? widths[idx / 12] : w, ow, oh;
      guint8 *luma = decode_luma (buf, &ow, &oh);

      g_assert_cmpuint (GST_BUFFER_PTS (buf), ==, PTS_OF (idx));
      /* the buffer matches the caps it left under */
      g_assert_cmpint (ow, ==, caps_width);
      g_assert_cmpint (read_index (luma, ow, oh), ==, (gint) idx);
      g_free (luma);
      /* frames submitted before a change keep the old size, even when
       * still in flight at the change; two frames later the new one */
      if (idx % 12 >= 2)
        g_assert_cmpint (ow, ==, want);
      else
        g_assert_true (ow == w || ow == 320);
      b++;
    }
  }
  g_assert_cmpuint (b, ==, n);
  g_ptr_array_unref (bufs);
  gst_harness_teardown (hr);
  downstream_clear (&d);
  watchdog_stop ();
}

/* threads itself changed while frames flow: nothing lost or reordered. */
static void
test_threads_changed_while_playing (void)
{
  static const guint seq[] = { 4, 1, 8, 0, 2, 1, 4 };
  const gint w = 128, h = 96;
  const guint per = 25, n = per * G_N_ELEMENTS (seq);
  Downstream d;
  GstHarness *hr;
  GPtrArray *bufs;

  watchdog_start ();
  downstream_init (&d);
  hr = new_harness (seq[0], NULL, w, h, &d);
  for (guint i = 0; i < n; i++) {
    if (i % per == 0)
      g_object_set (hr->element, "threads", seq[i / per], NULL);
    g_assert_cmpint (gst_harness_push (hr, make_frame (w, h, i,
                mixed_kind (i))), ==, GST_FLOW_OK);
  }
  finish (hr);
  assert_log_tail (&d, 0, 0, n);
  bufs = pull_all (hr);
  g_assert_cmpuint (bufs->len, ==, n);
  for (guint i = 0; i < n; i++)
    check_output (g_ptr_array_index (bufs, i), i, w, h, mixed_kind (i));
  g_ptr_array_unref (bufs);
  gst_harness_teardown (hr);
  downstream_clear (&d);
  watchdog_stop ();
}

static void
test_threads_property (void)
{
  GstElement *enc = gst_element_factory_make ("imencode", NULL);
  GParamSpec *ps = g_object_class_find_property (G_OBJECT_GET_CLASS (enc),
      "threads");
  GParamSpecUInt *pu;
  guint v;

  g_assert_nonnull (ps);
  g_assert_true (G_IS_PARAM_SPEC_UINT (ps));
  pu = G_PARAM_SPEC_UINT (ps);
  g_assert_cmpuint (pu->minimum, ==, 0);
  g_assert_cmpuint (pu->maximum, ==, 64);
  g_assert_cmpuint (pu->default_value, ==, 0);
  g_object_get (enc, "threads", &v, NULL);
  g_assert_cmpuint (v, ==, 0);
  for (guint i = 0; i <= 64; i += 7) {
    g_object_set (enc, "threads", i, NULL);
    g_object_get (enc, "threads", &v, NULL);
    g_assert_cmpuint (v, ==, i);
  }
  g_object_set (enc, "threads", 64, NULL);
  g_object_get (enc, "threads", &v, NULL);
  g_assert_cmpuint (v, ==, 64);
  gst_object_unref (enc);
}

/* A flushing seek made from the thread that pushes (a probe or an appsink
 * callback downstream, as applications do) must not deadlock the pool:
 * flush-stop then arrives in the worker that is inside the push. */
typedef struct
{
  GstElement *src;
  gint outputs;
  gboolean seek_ok;
  GstClockTime pts[256];        /* of each output, in arrival order */
} SeekFromPush;

static GstPadProbeReturn
seek_from_push_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  SeekFromPush *s = data;
  gint n = g_atomic_int_add (&s->outputs, 1);

  if (n < (gint) G_N_ELEMENTS (s->pts))
    s->pts[n] = GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (info));
  if (n == 20)
    s->seek_ok = gst_element_seek_simple (s->src, GST_FORMAT_TIME,
        GST_SEEK_FLAG_FLUSH, 0);
  return GST_PAD_PROBE_OK;
}

static void
test_seek_from_the_pushing_thread (gconstpointer data)
{
  guint threads = GPOINTER_TO_UINT (data);
  gchar *desc = g_strdup_printf ("videotestsrc name=src num-buffers=100 ! "
      "video/x-raw,format=I420,width=160,height=120 ! imencode threads=%u ! "
      "fakesink name=sink sync=false", threads);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  SeekFromPush s = { gst_bin_get_by_name (GST_BIN (pipe), "src"), 0, FALSE,
    {0}
  };
  gint n;
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *msg;

  watchdog_start ();
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, seek_from_push_probe,
      &s, NULL);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (msg);
  g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_EOS);
  g_assert_true (s.seek_ok);
  /* 100 frames in all (videotestsrc counts num-buffers across the seek);
   * those in flight at the flush are dropped */
  n = g_atomic_int_get (&s.outputs);
  g_assert_cmpint (n, >=, 80);
  g_assert_cmpint (n, <=, 100);
  /* output restarts at the seek position: right after the output that
   * made the seek comes frame 0, then every frame after it, none of the
   * frames in flight before the seek */
  for (gint i = 0; i <= 20; i++)
    g_assert_cmpuint (s.pts[i], ==, gst_util_uint64_scale (i, GST_SECOND,
            30));
  for (gint i = 21; i < n; i++)
    g_assert_cmpuint (s.pts[i], ==, gst_util_uint64_scale (i - 21,
            GST_SECOND, 30));
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  watchdog_stop ();
  gst_object_unref (bus);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_object_unref (s.src);
  gst_object_unref (pipe);
  g_free (desc);
}

/* ---- one large image shared with idle threads (slices) ---- */

/* The DRI marker's interval (-1: none) and the RSTn markers in the
 * entropy-coded data of a JPEG, read as ITU-T T.81 lays them out; asserts
 * the RSTn numbers (modulo 8, in order) along the way */
static gint
jpeg_restarts (GstBuffer * buf, guint * n_rst)
{
  GstMapInfo map;
  gint dri = -1;
  gsize i = 2;

  *n_rst = 0;
  g_assert_true (gst_buffer_map (buf, &map, GST_MAP_READ));
  while (i + 4 <= map.size) {
    guint marker = map.data[i + 1], len;

    g_assert_cmpuint (map.data[i], ==, 0xff);
    if (marker == 0xd9)
      break;
    len = map.data[i + 2] << 8 | map.data[i + 3];
    if (marker == 0xdd)
      dri = map.data[i + 4] << 8 | map.data[i + 5];
    i += 2 + len;
    if (marker != 0xda)
      continue;
    /* a scan's entropy-coded data, up to the next marker that is not a
     * stuffed 0x00 or an RSTn (progressive files have several scans) */
    for (; i + 1 < map.size; i++) {
      if (map.data[i] != 0xff || map.data[i + 1] == 0x00)
        continue;
      if (map.data[i + 1] < 0xd0 || map.data[i + 1] > 0xd7)
        break;
      g_assert_cmpuint (map.data[i + 1], ==, 0xd0 + (*n_rst & 7));
      (*n_rst)++;
      i++;
    }
  }
  gst_buffer_unmap (buf, &map);
  return dri;
}

/* Frames pushed one at a time (each output pulled before the next push,
 * as an on-demand snapshot meets idle threads) with threads=@threads and
 * @props: every output decodes (libjpeg-turbo) to the luma of threads=1's
 * output of the same frame; with several threads and options that allow
 * it, each was encoded in slices (a DRI marker, restart markers in order,
 * no more than the slices 4 threads make). */
static void
check_sliced (guint threads, const gchar * props, gboolean expect_slices)
{
  const gint w = 1280, h = 720;
  Downstream d1, dn;
  GstHarness *h1, *hn;

  downstream_init (&d1);
  downstream_init (&dn);
  h1 = new_harness (1, props, w, h, &d1);
  hn = new_harness (threads, props, w, h, &dn);
  for (guint i = 0; i < 6; i++) {
    FrameKind kind = i % 2 ? KIND_FLAT : KIND_NOISE;
    GstBuffer *a, *b;
    gint aw, ah, bw, bh;
    guint8 *la, *lb;
    guint rst;
    gint dri;

    g_assert_cmpint (gst_harness_push (h1, make_frame (w, h, i, kind)), ==,
        GST_FLOW_OK);
    g_assert_cmpint (gst_harness_push (hn, make_frame (w, h, i, kind)), ==,
        GST_FLOW_OK);
    a = gst_harness_pull (h1);
    b = gst_harness_pull (hn);
    g_assert_nonnull (a);
    g_assert_nonnull (b);
    check_output (b, i, w, h, kind);
    la = decode_luma (a, &aw, &ah);
    lb = decode_luma (b, &bw, &bh);
    /* (under max-bytes each thread's quality search goes its own way) */
    if (!props || !strstr (props, "max-bytes"))
      g_assert_cmpmem (la, (gsize) aw * ah, lb, (gsize) bw * bh);
    dri = jpeg_restarts (b, &rst);
    if (expect_slices) {
      g_assert_cmpint (dri, >, 0);
      /* 45 MCU rows of 80: at least 2 slices, at most 8 per thread */
      g_assert_cmpuint (rst, >=, 1);
      g_assert_cmpuint (rst, <, 45);
    } else {
      g_assert_cmpint (dri, ==, -1);
      g_assert_cmpuint (rst, ==, 0);
    }
    g_free (la);
    g_free (lb);
    gst_buffer_unref (a);
    gst_buffer_unref (b);
  }
  gst_harness_teardown (h1);
  gst_harness_teardown (hn);
  downstream_clear (&d1);
  downstream_clear (&dn);
}

static void
test_one_image_in_slices (gconstpointer data)
{
  guint threads = GPOINTER_TO_UINT (data);

  watchdog_start ();
  check_sliced (threads, NULL, TRUE);
  check_sliced (threads, "exif=true quality=97", TRUE);
  check_sliced (threads, "subsampling=gray", TRUE);
  /* a whole-image option: not sliced */
  check_sliced (threads, "optimize=true", FALSE);
  check_sliced (threads, "progressive=true", FALSE);
  check_sliced (threads, "max-bytes=400000", FALSE);
  watchdog_stop ();
}

/* A restart interval set by the user is the file's, sliced or not: the
 * slices end on its multiples and the file is the one threads=1 writes,
 * byte for byte */
static void
test_slices_keep_restart_interval (void)
{
  const gint w = 1280, h = 720;
  Downstream d1, d2;
  GstHarness *h1, *h2;

  watchdog_start ();
  downstream_init (&d1);
  downstream_init (&d2);
  h1 = new_harness (1, "restart-interval=5", w, h, &d1);
  h2 = new_harness (2, "restart-interval=5", w, h, &d2);
  for (guint i = 0; i < 4; i++) {
    GstBuffer *a, *b;
    GstMapInfo ma, mb;
    guint rst;

    g_assert_cmpint (gst_harness_push (h1, make_frame (w, h, i,
                KIND_NOISE)), ==, GST_FLOW_OK);
    g_assert_cmpint (gst_harness_push (h2, make_frame (w, h, i,
                KIND_NOISE)), ==, GST_FLOW_OK);
    a = gst_harness_pull (h1);
    b = gst_harness_pull (h2);
    g_assert_cmpint (jpeg_restarts (b, &rst), ==, 5);
    /* 80 x 45 MCUs, one marker between each two intervals */
    g_assert_cmpuint (rst, ==, 80 * 45 / 5 - 1);
    g_assert_true (gst_buffer_map (a, &ma, GST_MAP_READ));
    g_assert_true (gst_buffer_map (b, &mb, GST_MAP_READ));
    g_assert_cmpmem (ma.data, ma.size, mb.data, mb.size);
    gst_buffer_unmap (a, &ma);
    gst_buffer_unmap (b, &mb);
    gst_buffer_unref (a);
    gst_buffer_unref (b);
  }
  gst_harness_teardown (h1);
  gst_harness_teardown (h2);
  downstream_clear (&d1);
  downstream_clear (&d2);
  watchdog_stop ();
}

static void
add_per_threads (const gchar * name, GTestDataFunc func)
{
  for (guint i = 0; i < G_N_ELEMENTS (thread_counts); i++) {
    gchar *path = g_strdup_printf ("/imencode-threads/%s/%u", name,
        thread_counts[i]);

    g_test_add_data_func (path, GUINT_TO_POINTER (thread_counts[i]), func);
    g_free (path);
  }
}

int
main (int argc, char **argv)
{
  /* a test that fails with g_test_fail () does not stop the others */
  gchar **args = g_new0 (gchar *, argc + 2);
  int n_args = argc + 1;
  int ret;

  memcpy (args, argv, argc * sizeof (gchar *));
  args[argc] = (gchar *) "--keep-going";
  argv = args;
  argc = n_args;
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imencode-threads/property", test_threads_property);
  add_per_threads ("order", test_order);
  add_per_threads ("eos-in-flight", test_eos_with_frames_in_flight);
  add_per_threads ("flush-in-flight", test_flush_with_frames_in_flight);
  add_per_threads ("null-in-flight", test_null_with_frames_in_flight);
  add_per_threads ("back-pressure", test_back_pressure);
  add_per_threads ("flush-unblocks", test_flush_unblocks_stuck_stream);
  add_per_threads ("null-unblocks", test_null_unblocks_stuck_stream);
  for (guint i = 0; i < G_N_ELEMENTS (flow_cases); i++) {
    gchar *path = g_strdup_printf ("/imencode-threads/downstream-flow/%s",
        flow_cases[i].name);

    g_test_add_data_func (path, &flow_cases[i], test_downstream_flow);
    g_free (path);
  }
  g_test_add_data_func ("/imencode-threads/quality-at-submission/4",
      GUINT_TO_POINTER (4), test_quality_taken_at_submission);
  g_test_add_data_func ("/imencode-threads/quality-at-submission/8",
      GUINT_TO_POINTER (8), test_quality_taken_at_submission);
  g_test_add_data_func ("/imencode-threads/width-change/4",
      GUINT_TO_POINTER (4), test_width_change_with_frames_in_flight);
  g_test_add_func ("/imencode-threads/threads-changed-while-playing",
      test_threads_changed_while_playing);
  add_per_threads ("seek-from-pushing-thread",
      test_seek_from_the_pushing_thread);
  g_test_add_data_func ("/imencode-threads/one-image-in-slices/2",
      GUINT_TO_POINTER (2), test_one_image_in_slices);
  g_test_add_data_func ("/imencode-threads/one-image-in-slices/4",
      GUINT_TO_POINTER (4), test_one_image_in_slices);
  g_test_add_func ("/imencode-threads/slices-keep-restart-interval",
      test_slices_keep_restart_interval);

  ret = g_test_run ();
  gst_deinit ();
  g_free (args);
  return ret;
}
