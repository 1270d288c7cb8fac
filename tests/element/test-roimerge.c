/* gst-imencode: roimerge element tests
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * roimerge's `sink` and `regions` pads are fed by two test pads, each from
 * a thread of its own running a script of buffers and events (with random
 * delays in the randomized test), as two branches of a tee would; a test
 * pad collects what leaves. Every frame carries its index in its first
 * byte and keeps its memory, so order, completeness and "unmodified" are
 * checked on the memory itself; every regions buffer's ROI metas carry the
 * buffer's index in a parameter structure, so the test tells which regions
 * buffer a frame got. Expected boxes are worked out by hand from the
 * definition (each edge scaled and rounded to the nearest pixel, halves
 * up, then clipped), expected matches by a nearest-in-time search written
 * here.
 *
 * Run under GST_TRACERS=leaks with G_DEBUG=fatal-warnings (see
 * tests/meson.build). A SIGALRM watchdog turns a hang into a failure.
 */
#include <gst/gst.h>
#include <gst/video/video.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WATCHDOG_S 120
#define FRAME_DURATION (GST_SECOND / 30)

/* ---- what a feeder pushes ---- */

typedef struct
{
  GstPad *pad;                  /* ours, linked to one of roimerge's */
  GQueue items;                 /* GstBuffer / GstEvent, pushed in order */
  GThread *thread;
  guint max_delay_us;           /* random sleep before each item */
  guint32 seed;
} Feeder;

static gpointer
feeder_run (gpointer data)
{
  Feeder *f = data;
  GRand *rand = g_rand_new_with_seed (f->seed);
  gpointer item;

  while ((item = g_queue_pop_head (&f->items))) {
    if (f->max_delay_us)
      g_usleep (g_rand_int_range (rand, 0, f->max_delay_us));
    if (GST_IS_BUFFER (item))
      gst_pad_push (f->pad, item);
    else
      gst_pad_push_event (f->pad, item);
  }
  g_rand_free (rand);
  return NULL;
}

/* ---- what leaves ---- */

typedef struct
{
  GMutex lock;
  GCond cond;
  GPtrArray *buffers;           /* GstBuffer, in order */
  gboolean eos;
  guint flush_stops;
  GstCaps *caps;
} Collected;

static Collected collected;

static GstFlowReturn
collect_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  g_mutex_lock (&collected.lock);
  g_ptr_array_add (collected.buffers, buf);
  g_cond_broadcast (&collected.cond);
  g_mutex_unlock (&collected.lock);
  return GST_FLOW_OK;
}

static gboolean
collect_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  g_mutex_lock (&collected.lock);
  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS)
    collected.eos = TRUE;
  else if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP)
    collected.flush_stops++;
  else if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS) {
    GstCaps *caps;

    gst_event_parse_caps (event, &caps);
    gst_caps_replace (&collected.caps, caps);
  }
  g_cond_broadcast (&collected.cond);
  g_mutex_unlock (&collected.lock);
  gst_event_unref (event);
  return TRUE;
}

static void
collected_clear (void)
{
  g_mutex_lock (&collected.lock);
  g_ptr_array_set_size (collected.buffers, 0);
  collected.eos = FALSE;
  collected.flush_stops = 0;
  gst_clear_caps (&collected.caps);
  g_mutex_unlock (&collected.lock);
}

/* Waits until EOS (or @n buffers when @n > 0). */
static void
collected_wait (guint n)
{
  g_mutex_lock (&collected.lock);
  while (n ? collected.buffers->len < n : !collected.eos)
    g_cond_wait (&collected.cond, &collected.lock);
  g_mutex_unlock (&collected.lock);
}

/* ---- the element between them ---- */

typedef struct
{
  GstElement *merge;
  Feeder frames;
  Feeder regions;
  GstPad *out;
  gboolean regions_linked;
} Rig;

static GstStaticPadTemplate any_src = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate any_sink = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

static void
rig_feeder_init (Feeder * f, const gchar * name, GstElement * merge,
    const gchar * target)
{
  GstPad *peer = gst_element_get_static_pad (merge, target);

  memset (f, 0, sizeof (*f));
  g_queue_init (&f->items);
  f->pad = gst_pad_new_from_static_template (&any_src, name);
  g_assert_cmpint (gst_pad_link (f->pad, peer), ==, GST_PAD_LINK_OK);
  gst_object_unref (peer);
  gst_pad_set_active (f->pad, TRUE);
}

/* roimerge with its sink pad fed, its regions pad fed when @link_regions,
 * its output collected; in PLAYING without a clock (not live). */
static void
rig_init (Rig * rig, gboolean link_regions, GstClockTime tolerance)
{
  GstPad *src;

  memset (rig, 0, sizeof (*rig));
  collected_clear ();
  rig->merge = gst_element_factory_make ("roimerge", NULL);
  g_assert_nonnull (rig->merge);
  gst_object_ref_sink (rig->merge);
  g_object_set (rig->merge, "tolerance", tolerance, NULL);
  rig_feeder_init (&rig->frames, "frames", rig->merge, "sink");
  rig->regions_linked = link_regions;
  if (link_regions)
    rig_feeder_init (&rig->regions, "regions", rig->merge, "regions");
  rig->out = gst_pad_new_from_static_template (&any_sink, "out");
  gst_pad_set_chain_function (rig->out, collect_chain);
  gst_pad_set_event_function (rig->out, collect_event);
  src = gst_element_get_static_pad (rig->merge, "src");
  g_assert_cmpint (gst_pad_link (src, rig->out), ==, GST_PAD_LINK_OK);
  gst_object_unref (src);
  gst_pad_set_active (rig->out, TRUE);
  g_assert_cmpint (gst_element_set_state (rig->merge, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
}

static void
rig_start (Rig * rig)
{
  rig->frames.thread = g_thread_new ("frames", feeder_run, &rig->frames);
  if (rig->regions_linked)
    rig->regions.thread = g_thread_new ("regions", feeder_run,
        &rig->regions);
}

static void
rig_join (Rig * rig)
{
  g_thread_join (rig->frames.thread);
  rig->frames.thread = NULL;
  if (rig->regions.thread) {
    g_thread_join (rig->regions.thread);
    rig->regions.thread = NULL;
  }
}

static void
feeder_clear (Feeder * f)
{
  if (!f->pad)
    return;
  g_queue_clear_full (&f->items, (GDestroyNotify) gst_mini_object_unref);
  gst_pad_set_active (f->pad, FALSE);
  gst_object_unref (f->pad);
}

static void
rig_clear (Rig * rig)
{
  /* NULL first: a feeder blocked in a full pad returns FLUSHING */
  g_assert_cmpint (gst_element_set_state (rig->merge, GST_STATE_NULL), ==,
      GST_STATE_CHANGE_SUCCESS);
  if (rig->frames.thread)
    rig_join (rig);
  feeder_clear (&rig->frames);
  feeder_clear (&rig->regions);
  gst_pad_set_active (rig->out, FALSE);
  gst_object_unref (rig->out);
  gst_object_unref (rig->merge);
  collected_clear ();
}

/* ---- scripts ---- */

static GstEvent *
caps_event (guint width, guint height)
{
  GstCaps *caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING,
      "GRAY8", "width", G_TYPE_INT, width, "height", G_TYPE_INT, height,
      "framerate", GST_TYPE_FRACTION, 30, 1, NULL);
  GstEvent *event = gst_event_new_caps (caps);

  gst_caps_unref (caps);
  return event;
}

static void
feed_start (Feeder * f, guint width, guint height, GstClockTime start)
{
  gchar *id = g_strdup_printf ("%s-%p", GST_PAD_NAME (f->pad), f);
  GstSegment segment;

  g_queue_push_tail (&f->items, gst_event_new_stream_start (id));
  g_free (id);
  g_queue_push_tail (&f->items, caps_event (width, height));
  gst_segment_init (&segment, GST_FORMAT_TIME);
  segment.start = start;
  segment.time = start;
  g_queue_push_tail (&f->items, gst_event_new_segment (&segment));
}

/* A frame: 64 bytes, the first its index. */
static GstBuffer *
make_frame (guint index, GstClockTime pts)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, 64, NULL);

  gst_buffer_memset (buf, 0, (guint8) index, 64);
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = FRAME_DURATION;
  return buf;
}

/* A regions buffer whose ROI metas say which one it is: a parameter
 * structure "source", index=@index. */
static GstBuffer *
make_regions (guint index, GstClockTime pts, guint n_boxes)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, 16, NULL);

  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = FRAME_DURATION;
  for (guint i = 0; i < n_boxes; i++) {
    GstVideoRegionOfInterestMeta *m =
        gst_buffer_add_video_region_of_interest_meta (buf, "thing", 1 + i, 2,
        3, 4);

    m->id = (gint) i;
    gst_video_region_of_interest_meta_add_param (m,
        gst_structure_new ("source", "index", G_TYPE_UINT, index, NULL));
  }
  return buf;
}

/* The ROI metas of @buf in attachment order. */
static GPtrArray *
roi_metas (GstBuffer * buf)
{
  GPtrArray *out = g_ptr_array_new ();
  gpointer state = NULL;
  GstMeta *meta;

  while ((meta = gst_buffer_iterate_meta_filtered (buf, &state,
              GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE)))
    g_ptr_array_add (out, meta);
  for (guint i = 1; i < out->len; i++)
    for (guint j = i; j > 0 && gst_meta_get_seqnum (out->pdata[j]) <
        gst_meta_get_seqnum (out->pdata[j - 1]); j--) {
      gpointer tmp = out->pdata[j];

      out->pdata[j] = out->pdata[j - 1];
      out->pdata[j - 1] = tmp;
    }
  return out;
}

/* The index of the regions buffer @buf's metas came from, or -1. */
static gint
regions_source (GstBuffer * buf)
{
  GPtrArray *metas = roi_metas (buf);
  gint source = -1;
  guint index;

  if (metas->len > 0) {
    GstStructure *s = gst_video_region_of_interest_meta_get_param
        (metas->pdata[0], "source");

    g_assert_nonnull (s);
    g_assert_true (gst_structure_get_uint (s, "index", &index));
    source = (gint) index;
  }
  g_ptr_array_unref (metas);
  return source;
}

static guint8
frame_index (GstBuffer * buf)
{
  guint8 b;

  g_assert_cmpuint (gst_buffer_extract (buf, 0, &b, 1), ==, 1);
  return b;
}

/* ---- tests ---- */

typedef struct
{
  guint x, y, w, h;             /* on the regions picture */
  gboolean kept;
  guint ex, ey, ew, eh;         /* expected on the frame */
} BoxCase;

/* Boxes on a regions picture of @rw x @rh, onto frames of @fw x @fh. */
static void
check_boxes (guint rw, guint rh, guint fw, guint fh, const BoxCase * cases,
    guint n)
{
  Rig rig;
  GstBuffer *regions, *frame, *out;
  GstMemory *mem;
  GPtrArray *metas;
  guint k = 0;

  rig_init (&rig, TRUE, 0);
  feed_start (&rig.frames, fw, fh, 0);
  feed_start (&rig.regions, rw, rh, 0);
  regions = gst_buffer_new ();
  GST_BUFFER_PTS (regions) = 0;
  for (guint i = 0; i < n; i++) {
    GstVideoRegionOfInterestMeta *m =
        gst_buffer_add_video_region_of_interest_meta (regions, "box",
        cases[i].x, cases[i].y, cases[i].w, cases[i].h);

    m->id = 100 + i;
    m->parent_id = 7;
    gst_video_region_of_interest_meta_add_param (m,
        gst_structure_new ("detection", "confidence", G_TYPE_DOUBLE,
            0.5 + i / 100.0, "label_id", G_TYPE_INT, (gint) i, NULL));
    gst_video_region_of_interest_meta_add_param (m,
        gst_structure_new ("object_id", "id", G_TYPE_INT, (gint) (40 + i),
            NULL));
  }
  frame = make_frame (9, 0);
  /* a meta of the frame's own, kept */
  gst_buffer_add_video_region_of_interest_meta (frame, "own", 1, 1, 1, 1);
  mem = gst_buffer_peek_memory (frame, 0);
  g_queue_push_tail (&rig.regions.items, regions);
  g_queue_push_tail (&rig.regions.items, gst_event_new_eos ());
  g_queue_push_tail (&rig.frames.items, frame);
  g_queue_push_tail (&rig.frames.items, gst_event_new_eos ());
  rig_start (&rig);
  collected_wait (0);
  rig_join (&rig);

  g_assert_cmpuint (collected.buffers->len, ==, 1);
  out = collected.buffers->pdata[0];
  /* the frame itself: same memory, same timestamps */
  g_assert_true (gst_buffer_peek_memory (out, 0) == mem);
  g_assert_cmpuint (GST_BUFFER_PTS (out), ==, 0);
  g_assert_cmpuint (GST_BUFFER_DURATION (out), ==, FRAME_DURATION);
  metas = roi_metas (out);
  g_assert_cmpstr (g_quark_to_string (((GstVideoRegionOfInterestMeta *)
              metas->pdata[0])->roi_type), ==, "own");
  for (guint i = 0; i < n; i++) {
    GstVideoRegionOfInterestMeta *m;
    GstStructure *s;
    gdouble confidence;
    gint id;

    if (!cases[i].kept)
      continue;
    k++;
    g_assert_cmpuint (k, <, metas->len);
    m = metas->pdata[k];
    g_assert_cmpstr (g_quark_to_string (m->roi_type), ==, "box");
    g_assert_cmpint (m->id, ==, 100 + i);
    g_assert_cmpint (m->parent_id, ==, 7);
    g_assert_cmpuint (m->x, ==, cases[i].ex);
    g_assert_cmpuint (m->y, ==, cases[i].ey);
    g_assert_cmpuint (m->w, ==, cases[i].ew);
    g_assert_cmpuint (m->h, ==, cases[i].eh);
    s = gst_video_region_of_interest_meta_get_param (m, "detection");
    g_assert_nonnull (s);
    g_assert_true (gst_structure_get_double (s, "confidence", &confidence));
    g_assert_cmpfloat (confidence, ==, 0.5 + i / 100.0);
    g_assert_true (gst_structure_get_int (s, "label_id", &id));
    g_assert_cmpint (id, ==, i);
    s = gst_video_region_of_interest_meta_get_param (m, "object_id");
    g_assert_nonnull (s);
    g_assert_true (gst_structure_get_int (s, "id", &id));
    g_assert_cmpint (id, ==, 40 + i);
  }
  g_assert_cmpuint (metas->len, ==, k + 1);
  g_ptr_array_unref (metas);
  rig_clear (&rig);
}

static void
test_integer_scale (void)
{
  /* 320x180 -> 1280x720: x4 */
  static const BoxCase cases[] = {
    {10, 20, 30, 40, TRUE, 40, 80, 120, 160},
    {0, 0, 320, 180, TRUE, 0, 0, 1280, 720},
    {300, 170, 40, 40, TRUE, 1200, 680, 80, 40},        /* clipped */
    {320, 10, 5, 5, FALSE},     /* right of the picture */
    {5, 5, 0, 9, FALSE},        /* no width */
  };

  check_boxes (320, 180, 1280, 720, cases, G_N_ELEMENTS (cases));
}

static void
test_non_integer_scale (void)
{
  /* 300x200 -> 1280x720: x 4.2666.., y 3.6; edges rounded:
   * x 1 -> 4.27 -> 4, 4 -> 17.07 -> 17; y 1 -> 3.6 -> 4, 4 -> 14.4 -> 14 */
  static const BoxCase cases[] = {
    {1, 1, 3, 3, TRUE, 4, 4, 13, 10},
    /* x 299 -> 1275.73 -> 1276, 300 -> 1280; y 199 -> 716.4 -> 716 */
    {299, 199, 1, 1, TRUE, 1276, 716, 4, 4},
    /* 150 -> 640, 155 -> 661.33 -> 661; 100 -> 360, 125 -> 450 */
    {150, 100, 5, 25, TRUE, 640, 360, 21, 90},
  };
  /* 200x200 -> 300x300: x1.5, halves round up: 1 -> 1.5 -> 2,
   * 3 -> 4.5 -> 5; 0 -> 0, 1 -> 2 */
  static const BoxCase halves[] = {
    {1, 0, 2, 1, TRUE, 2, 0, 3, 2},
    /* 0.5 pixel wide on the frame: [1.5, 3) rounds to [2, 3) */
    {1, 1, 1, 1, TRUE, 2, 2, 1, 1},
  };
  /* 3x3 -> 2x2: a box of the middle pixel becomes [1.33, 2) -> [1, 1):
   * empty, dropped */
  static const BoxCase shrink[] = {
    {0, 0, 3, 3, TRUE, 0, 0, 2, 2},
    {1, 1, 1, 1, FALSE},
  };

  check_boxes (300, 200, 1280, 720, cases, G_N_ELEMENTS (cases));
  check_boxes (200, 200, 300, 300, halves, G_N_ELEMENTS (halves));
  check_boxes (3, 3, 2, 2, shrink, G_N_ELEMENTS (shrink));
}

/* Frames 0..n-1; regions buffers for the frames @has_regions says. */
static void
feed_frames_and_regions (Rig * rig, guint n, const gboolean * has_regions,
    guint regions_until)
{
  feed_start (&rig->frames, 64, 64, 0);
  for (guint i = 0; i < n; i++)
    g_queue_push_tail (&rig->frames.items, make_frame (i,
            i * FRAME_DURATION));
  g_queue_push_tail (&rig->frames.items, gst_event_new_eos ());
  if (!rig->regions_linked)
    return;
  feed_start (&rig->regions, 16, 16, 0);
  for (guint i = 0; i < MIN (n, regions_until); i++)
    if (!has_regions || has_regions[i])
      g_queue_push_tail (&rig->regions.items, make_regions (i,
              i * FRAME_DURATION, 2));
  g_queue_push_tail (&rig->regions.items, gst_event_new_eos ());
}

static void
assert_in_order (guint n)
{
  g_assert_cmpuint (collected.buffers->len, ==, n);
  for (guint i = 0; i < n; i++) {
    GstBuffer *out = collected.buffers->pdata[i];

    g_assert_cmpuint (frame_index (out), ==, i);
    g_assert_cmpuint (GST_BUFFER_PTS (out), ==, i * FRAME_DURATION);
  }
}

static void
test_frames_without_regions (void)
{
  /* a detector that skips frames: frames without a regions buffer at
   * their time leave without regions, the others with their own */
  static const gboolean has[] = { TRUE, FALSE, FALSE, TRUE, FALSE, TRUE,
    TRUE, FALSE
  };
  Rig rig;

  rig_init (&rig, TRUE, 0);
  feed_frames_and_regions (&rig, G_N_ELEMENTS (has), has, G_MAXUINT);
  rig_start (&rig);
  collected_wait (0);
  rig_join (&rig);
  assert_in_order (G_N_ELEMENTS (has));
  for (guint i = 0; i < G_N_ELEMENTS (has); i++)
    g_assert_cmpint (regions_source (collected.buffers->pdata[i]), ==,
        has[i] ? (gint) i : -1);
  g_assert_nonnull (collected.caps);
  {
    GstCaps *frame_caps = gst_caps_from_string ("video/x-raw,format=GRAY8,"
        "width=64,height=64,framerate=30/1");

    /* the source caps are the frames' */
    g_assert_true (gst_caps_is_equal (collected.caps, frame_caps));
    gst_caps_unref (frame_caps);
  }
  rig_clear (&rig);
}

static void
test_regions_end_early (void)
{
  Rig rig;

  rig_init (&rig, TRUE, 0);
  feed_frames_and_regions (&rig, 12, NULL, 4);
  rig_start (&rig);
  collected_wait (0);
  rig_join (&rig);
  assert_in_order (12);
  for (guint i = 0; i < 12; i++)
    g_assert_cmpint (regions_source (collected.buffers->pdata[i]), ==,
        i < 4 ? (gint) i : -1);
  rig_clear (&rig);
}

static void
test_regions_not_linked (void)
{
  Rig rig;

  for (gint round = 0; round < 2; round++) {
    rig_init (&rig, FALSE, 0);
    feed_frames_and_regions (&rig, 10, NULL, 0);
    rig_start (&rig);
    collected_wait (0);
    rig_join (&rig);
    assert_in_order (10);
    for (guint i = 0; i < 10; i++)
      g_assert_cmpint (regions_source (collected.buffers->pdata[i]), ==, -1);
    rig_clear (&rig);
  }
}

/* A flush on both pads (a flushing seek) forgets the regions held from
 * before it: the first frame after it, at the running time of the last
 * regions buffer before it, has no regions of its own and gets none. With
 * the regions pad unlinked the flush completes with the frames' flush
 * alone. */
static void
check_flush (gboolean link_regions)
{
  Rig rig;
  guint32 seqnum = gst_util_seqnum_next ();
  GstEvent *ev;
  GstSegment segment;

  rig_init (&rig, link_regions, 0);
  feed_start (&rig.frames, 64, 64, 0);
  if (link_regions)
    feed_start (&rig.regions, 16, 16, 0);
  for (guint i = 0; i < 5; i++) {
    g_queue_push_tail (&rig.frames.items, make_frame (i, i * FRAME_DURATION));
    if (link_regions)
      g_queue_push_tail (&rig.regions.items, make_regions (i,
              i * FRAME_DURATION, 1));
  }
  rig_start (&rig);
  /* each frame has its regions at its exact time: all leave */
  collected_wait (5);
  rig_join (&rig);

  /* the seek: flush both branches, then each starts again at running
   * time 4 frames */
  gst_segment_init (&segment, GST_FORMAT_TIME);
  segment.base = 4 * FRAME_DURATION;
  for (gint p = 0; p < (link_regions ? 2 : 1); p++) {
    Feeder *f = p == 0 ? &rig.frames : &rig.regions;

    ev = gst_event_new_flush_start ();
    gst_event_set_seqnum (ev, seqnum);
    g_queue_push_tail (&f->items, ev);
    ev = gst_event_new_flush_stop (TRUE);
    gst_event_set_seqnum (ev, seqnum);
    g_queue_push_tail (&f->items, ev);
    g_queue_push_tail (&f->items, gst_event_new_segment (&segment));
  }
  /* frame 20 at running time 4 frames (the last regions' time): no
   * regions buffer of its own; frame 21 with regions 21 */
  g_queue_push_tail (&rig.frames.items, make_frame (20, 0));
  g_queue_push_tail (&rig.frames.items, make_frame (21, FRAME_DURATION));
  g_queue_push_tail (&rig.frames.items, gst_event_new_eos ());
  if (link_regions) {
    g_queue_push_tail (&rig.regions.items, make_regions (21, FRAME_DURATION,
            1));
    g_queue_push_tail (&rig.regions.items, gst_event_new_eos ());
  }
  g_mutex_lock (&collected.lock);
  g_ptr_array_set_size (collected.buffers, 0);
  g_mutex_unlock (&collected.lock);
  rig_start (&rig);
  collected_wait (0);
  rig_join (&rig);

  g_assert_cmpuint (collected.flush_stops, ==, 1);
  g_assert_cmpuint (collected.buffers->len, ==, 2);
  g_assert_cmpuint (frame_index (collected.buffers->pdata[0]), ==, 20);
  g_assert_cmpint (regions_source (collected.buffers->pdata[0]), ==, -1);
  g_assert_cmpuint (frame_index (collected.buffers->pdata[1]), ==, 21);
  g_assert_cmpint (regions_source (collected.buffers->pdata[1]), ==,
      link_regions ? 21 : -1);
  rig_clear (&rig);
}

static void
test_flushing_seek (void)
{
  check_flush (TRUE);
}

static void
test_flushing_seek_regions_not_linked (void)
{
  check_flush (FALSE);
}

/* Regions buffers 3 ms after their frame's time match with a tolerance of
 * 5 ms, not with 2 ms; of two candidates the nearest wins. */
static void
test_tolerance (void)
{
  static const gint64 at[] = { 3, 97, 196, 201, 299, 301, 460 };
  const GstClockTime ms = GST_MSECOND;
  Rig rig;

  for (gint round = 0; round < 2; round++) {
    GstClockTime tolerance = round == 0 ? 5 * ms : 2 * ms;

    rig_init (&rig, TRUE, tolerance);
    feed_start (&rig.frames, 64, 64, 0);
    feed_start (&rig.regions, 16, 16, 0);
    for (guint i = 0; i < 6; i++)
      g_queue_push_tail (&rig.frames.items, make_frame (i,
              100 * ms * i));
    g_queue_push_tail (&rig.frames.items, gst_event_new_eos ());
    /* frame 0: regions 0 at +3 ms; frame 1: regions 1 at -3 ms;
     * frame 2: regions 2 at -4 ms and 3 at +1 ms (3 nearer);
     * frame 3: regions 4 at -1 ms and 5 at +1 ms (tie: the earlier);
     * frames 4, 5: nothing near */
    for (guint k = 0; k < G_N_ELEMENTS (at); k++)
      g_queue_push_tail (&rig.regions.items, make_regions (k, at[k] * ms,
              1));
    g_queue_push_tail (&rig.regions.items, gst_event_new_eos ());
    rig_start (&rig);
    collected_wait (0);
    rig_join (&rig);
    g_assert_cmpuint (collected.buffers->len, ==, 6);
    if (round == 0) {
      static const gint expect[] = { 0, 1, 3, 4, -1, -1 };
      for (guint i = 0; i < 6; i++)
        g_assert_cmpint (regions_source (collected.buffers->pdata[i]), ==,
            expect[i]);
    } else {
      static const gint expect[] = { -1, -1, 3, 4, -1, -1 };
      for (guint i = 0; i < 6; i++)
        g_assert_cmpint (regions_source (collected.buffers->pdata[i]), ==,
            expect[i]);
    }
    rig_clear (&rig);
  }
}

/* Random arrival orders: both feeders sleep at random before each item,
 * the detector skips frames at random, shifts its timestamps by up to
 * 6 ms and may end early; every frame must leave once, in order, with
 * exactly the regions buffer nearest in time within the tolerance. */
static void
test_random_arrival_orders (void)
{
  const GstClockTime ms = GST_MSECOND;
  const guint seeds = g_test_slow ()? 200 : 40;

  for (guint seed = 1; seed <= seeds; seed++) {
    GRand *rand = g_rand_new_with_seed (seed);
    guint n = g_rand_int_range (rand, 1, 40);
    GstClockTime tolerance = g_rand_boolean (rand) ? 0 : 5 * ms;
    guint until = g_rand_boolean (rand) ? n :
        (guint) g_rand_int_range (rand, 0, (gint32) n);
    GArray *times = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
    Rig rig;

    rig_init (&rig, TRUE, tolerance);
    feed_start (&rig.frames, 64, 64, 0);
    feed_start (&rig.regions, 16, 16, 0);
    for (guint i = 0; i < n; i++)
      g_queue_push_tail (&rig.frames.items, make_frame (i,
              i * FRAME_DURATION));
    g_queue_push_tail (&rig.frames.items, gst_event_new_eos ());
    for (guint i = 0; i < until; i++) {
      GstClockTime t;

      if (g_rand_int_range (rand, 0, 3) == 0)
        continue;
      t = i * FRAME_DURATION;
      if (tolerance) {
        /* up to 6 ms early or late: some beyond the tolerance */
        gint64 shifted = (gint64) t + g_rand_int_range (rand, -6, 7) * ms;

        t = (GstClockTime) MAX (shifted, 0);
      }
      if (times->len && t <= g_array_index (times, GstClockTime,
              times->len - 1))
        continue;
      g_queue_push_tail (&rig.regions.items, make_regions (times->len, t, 1));
      g_array_append_val (times, t);
    }
    g_queue_push_tail (&rig.regions.items, gst_event_new_eos ());
    rig.frames.seed = g_rand_int (rand);
    rig.regions.seed = g_rand_int (rand);
    rig.frames.max_delay_us = g_rand_int_range (rand, 1, 3000);
    rig.regions.max_delay_us = g_rand_int_range (rand, 1, 3000);
    rig_start (&rig);
    collected_wait (0);
    rig_join (&rig);

    assert_in_order (n);
    for (guint i = 0; i < n; i++) {
      GstClockTime t = i * FRAME_DURATION, best_d = GST_CLOCK_TIME_NONE;
      gint best = -1;

      for (guint k = 0; k < times->len; k++) {
        GstClockTime r = g_array_index (times, GstClockTime, k);
        GstClockTime d = r > t ? r - t : t - r;

        /* strictly nearer: on a tie the earlier stays */
        if (d <= tolerance && (best < 0 || d < best_d)) {
          best = (gint) k;
          best_d = d;
        }
      }
      if (regions_source (collected.buffers->pdata[i]) != best)
        g_error ("seed %u: frame %u got regions %d, expected %d", seed, i,
            regions_source (collected.buffers->pdata[i]), best);
    }
    rig_clear (&rig);
    g_array_unref (times);
    g_rand_free (rand);
  }
}

/* A frame shared with another branch (a tee) is not changed: the metas go
 * on a copy that shares its memory. */
static void
test_shared_frame_untouched (void)
{
  Rig rig;
  GstBuffer *frame = make_frame (0, 0);
  GstBuffer *out;

  rig_init (&rig, TRUE, 0);
  feed_start (&rig.frames, 64, 64, 0);
  feed_start (&rig.regions, 16, 16, 0);
  g_queue_push_tail (&rig.frames.items, gst_buffer_ref (frame));
  g_queue_push_tail (&rig.frames.items, gst_event_new_eos ());
  g_queue_push_tail (&rig.regions.items, make_regions (0, 0, 3));
  g_queue_push_tail (&rig.regions.items, gst_event_new_eos ());
  rig_start (&rig);
  collected_wait (0);
  rig_join (&rig);
  g_assert_cmpuint (collected.buffers->len, ==, 1);
  out = collected.buffers->pdata[0];
  g_assert_true (out != frame);
  g_assert_true (gst_buffer_peek_memory (out, 0) ==
      gst_buffer_peek_memory (frame, 0));
  g_assert_null (gst_buffer_get_video_region_of_interest_meta (frame));
  g_assert_cmpint (regions_source (out), ==, 0);
  gst_buffer_unref (frame);
  rig_clear (&rig);
}

/* The regions stream changes size mid-stream: each buffer is scaled from
 * the size its caps gave. */
static void
test_regions_caps_change (void)
{
  Rig rig;
  GPtrArray *metas;
  GstVideoRegionOfInterestMeta *m;

  rig_init (&rig, TRUE, 0);
  feed_start (&rig.frames, 640, 480, 0);
  feed_start (&rig.regions, 320, 240, 0);
  for (guint i = 0; i < 2; i++)
    g_queue_push_tail (&rig.frames.items, make_frame (i, i * FRAME_DURATION));
  g_queue_push_tail (&rig.frames.items, gst_event_new_eos ());
  /* box (1, 2, 3, 4) at 320x240 (x2), then at 160x120 (x4) */
  g_queue_push_tail (&rig.regions.items, make_regions (0, 0, 1));
  g_queue_push_tail (&rig.regions.items, caps_event (160, 120));
  g_queue_push_tail (&rig.regions.items, make_regions (1, FRAME_DURATION,
          1));
  g_queue_push_tail (&rig.regions.items, gst_event_new_eos ());
  rig_start (&rig);
  collected_wait (0);
  rig_join (&rig);
  g_assert_cmpuint (collected.buffers->len, ==, 2);
  for (guint i = 0; i < 2; i++) {
    guint f = i == 0 ? 2 : 4;

    metas = roi_metas (collected.buffers->pdata[i]);
    g_assert_cmpuint (metas->len, ==, 1);
    m = metas->pdata[0];
    g_assert_cmpuint (m->x, ==, 1 * f);
    g_assert_cmpuint (m->y, ==, 2 * f);
    g_assert_cmpuint (m->w, ==, 3 * f);
    g_assert_cmpuint (m->h, ==, 4 * f);
    g_ptr_array_unref (metas);
  }
  rig_clear (&rig);
}

/* The frames change size mid-stream: the source caps follow before the
 * first frame of the new size, and boxes are scaled to each frame's own
 * size. */
static void
test_frames_caps_change (void)
{
  Rig rig;
  GPtrArray *metas;
  GstCaps *want;

  rig_init (&rig, TRUE, 0);
  feed_start (&rig.frames, 640, 480, 0);
  feed_start (&rig.regions, 320, 240, 0);
  g_queue_push_tail (&rig.frames.items, make_frame (0, 0));
  g_queue_push_tail (&rig.frames.items, caps_event (1280, 960));
  g_queue_push_tail (&rig.frames.items, make_frame (1, FRAME_DURATION));
  g_queue_push_tail (&rig.frames.items, gst_event_new_eos ());
  for (guint i = 0; i < 2; i++)
    g_queue_push_tail (&rig.regions.items, make_regions (i,
            i * FRAME_DURATION, 1));
  g_queue_push_tail (&rig.regions.items, gst_event_new_eos ());
  rig_start (&rig);
  collected_wait (0);
  rig_join (&rig);
  g_assert_cmpuint (collected.buffers->len, ==, 2);
  for (guint i = 0; i < 2; i++) {
    GstVideoRegionOfInterestMeta *m;
    guint f = i == 0 ? 2 : 4;

    metas = roi_metas (collected.buffers->pdata[i]);
    g_assert_cmpuint (metas->len, ==, 1);
    m = metas->pdata[0];
    /* make_regions' box (1, 2, 3, 4) */
    g_assert_cmpuint (m->x, ==, 1 * f);
    g_assert_cmpuint (m->w, ==, 3 * f);
    g_assert_cmpuint (m->h, ==, 4 * f);
    g_ptr_array_unref (metas);
  }
  want = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING,
      "GRAY8", "width", G_TYPE_INT, 1280, "height", G_TYPE_INT, 960,
      "framerate", GST_TYPE_FRACTION, 30, 1, NULL);
  g_assert_true (gst_caps_is_equal (collected.caps, want));
  gst_caps_unref (want);
  rig_clear (&rig);
}

/* The frames end before the regions: EOS goes downstream after the last
 * frame, and the regions still coming are refused, not waited for. */
static void
test_frames_end_first (void)
{
  Rig rig;

  rig_init (&rig, TRUE, 0);
  feed_frames_and_regions (&rig, 3, NULL, 0);
  g_queue_clear_full (&rig.regions.items,
      (GDestroyNotify) gst_mini_object_unref);
  feed_start (&rig.regions, 16, 16, 0);
  for (guint i = 0; i < 40; i++)
    g_queue_push_tail (&rig.regions.items, make_regions (i,
            i * FRAME_DURATION, 1));
  g_queue_push_tail (&rig.regions.items, gst_event_new_eos ());
  rig_start (&rig);
  collected_wait (0);
  rig_join (&rig);
  assert_in_order (3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (regions_source (collected.buffers->pdata[i]), ==, i);
  rig_clear (&rig);
}

/* PLAYING -> NULL -> PLAYING again, with the regions branch linked and
 * not linked: each run starts afresh and ends with EOS. */
static void
test_state_cycles (void)
{
  static const gchar *descs[] = {
    "videotestsrc num-buffers=5 ! video/x-raw,width=64,height=48 ! "
        "tee name=t t. ! queue ! m.sink t. ! queue ! videoscale ! "
        "video/x-raw,width=32,height=24 ! m.regions roimerge name=m ! "
        "fakesink",
    "videotestsrc num-buffers=5 ! video/x-raw,width=64,height=48 ! "
        "roimerge ! fakesink",
  };

  for (guint d = 0; d < G_N_ELEMENTS (descs); d++) {
    GstElement *pipe = gst_parse_launch (descs[d], NULL);

    g_assert_nonnull (pipe);
    for (gint i = 0; i < 3; i++) {
      GstMessage *msg;

      g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
          GST_STATE_CHANGE_FAILURE);
      msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipe),
          10 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
      g_assert_nonnull (msg);
      g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_EOS);
      gst_message_unref (msg);
      /* PAUSED (READY in between for the second half) and back */
      g_assert_cmpint (gst_element_set_state (pipe, i == 1 ?
              GST_STATE_READY : GST_STATE_NULL), ==,
          GST_STATE_CHANGE_SUCCESS);
    }
    g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_NULL), ==,
        GST_STATE_CHANGE_SUCCESS);
    gst_object_unref (pipe);
  }
}

/* The LATENCY query: what upstream reports plus the tolerance. */
static void
test_latency_query (void)
{
  GstElement *pipe = gst_parse_launch ("videotestsrc is-live=true ! "
      "video/x-raw,width=64,height=48,framerate=30/1 ! tee name=t "
      "t. ! queue ! m.sink t. ! queue ! videoscale ! "
      "video/x-raw,width=32,height=24 ! m.regions "
      "roimerge name=m tolerance=7000000 ! fakesink name=sink", NULL);
  GstElement *merge = gst_bin_get_by_name (GST_BIN (pipe), "m");
  GstPad *src = gst_element_get_static_pad (merge, "src");
  GstQuery *q = gst_query_new_latency ();
  gboolean live;
  GstClockTime min, max;

  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  g_assert_cmpint (gst_element_get_state (pipe, NULL, NULL, 10 * GST_SECOND),
      ==, GST_STATE_CHANGE_SUCCESS);
  g_assert_true (gst_pad_query (src, q));
  gst_query_parse_latency (q, &live, &min, &max);
  g_assert_true (live);
  /* videotestsrc reports one frame */
  g_assert_cmpuint (min, ==, GST_SECOND / 30 + 7 * GST_MSECOND);
  gst_query_unref (q);
  gst_object_unref (src);
  gst_object_unref (merge);
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_NULL), ==,
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pipe);
}

static void
watchdog (int sig)
{
  (void) sig;
  g_printerr ("test-roimerge: watchdog: no progress for %d s\n", WATCHDOG_S);
  abort ();
}

int
main (int argc, char **argv)
{
  int ret;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  signal (SIGALRM, watchdog);
  alarm (WATCHDOG_S);
  g_mutex_init (&collected.lock);
  g_cond_init (&collected.cond);
  collected.buffers = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);

  g_test_add_func ("/roimerge/integer-scale", test_integer_scale);
  g_test_add_func ("/roimerge/non-integer-scale", test_non_integer_scale);
  g_test_add_func ("/roimerge/frames-without-regions",
      test_frames_without_regions);
  g_test_add_func ("/roimerge/regions-end-early", test_regions_end_early);
  g_test_add_func ("/roimerge/regions-not-linked", test_regions_not_linked);
  g_test_add_func ("/roimerge/flushing-seek", test_flushing_seek);
  g_test_add_func ("/roimerge/flushing-seek-regions-not-linked",
      test_flushing_seek_regions_not_linked);
  g_test_add_func ("/roimerge/tolerance", test_tolerance);
  g_test_add_func ("/roimerge/shared-frame-untouched",
      test_shared_frame_untouched);
  g_test_add_func ("/roimerge/regions-caps-change", test_regions_caps_change);
  g_test_add_func ("/roimerge/frames-caps-change", test_frames_caps_change);
  g_test_add_func ("/roimerge/frames-end-first", test_frames_end_first);
  g_test_add_func ("/roimerge/state-cycles", test_state_cycles);
  g_test_add_func ("/roimerge/latency-query", test_latency_query);
  g_test_add_func ("/roimerge/random-arrival-orders",
      test_random_arrival_orders);

  ret = g_test_run ();
  g_ptr_array_unref (collected.buffers);
  g_mutex_clear (&collected.lock);
  g_cond_clear (&collected.cond);
  gst_deinit ();
  return ret;
}
