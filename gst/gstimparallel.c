/* gst-imencode: ordered-parallel processing for an element's stream
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstimparallel.h"
#include "gstimpad.h"

/* Latency is raised at most to this many frame durations. */
#define MAX_LATENCY_FRAMES 64

/* What the work pool holds per item: an event, or the element's job
 * (after the header, at JOB_OFFSET) with its processing time. */
typedef struct
{
  GstEvent *event;              /* an event in order; no job */
  gboolean timed;               /* counts for latency: not among a new
                                 * pool's first jobs, which pay its set-up */
  gint64 process_us;
} GstImParallelSlot;

#define JOB_OFFSET ((sizeof (GstImParallelSlot) + 15) & ~(gsize) 15)

struct _GstImParallel
{
  GstElement *element;
  GstPad *srcpad;
  gchar *name;
  GstImWorkPoolFuncs funcs;
  gsize job_size;

  /* streaming thread only */
  gpointer inline_state;        /* thread state with one thread */
  guint8 *slot;                 /* the slot being submitted */
  gboolean flow_reported;       /* the kept failure went upstream */
  guint64 submitted;            /* jobs given to this pool */
  GstImHeldEvents held;

  /* replaced by the streaming thread under pool_lock, which flushes from
   * other threads also take */
  GMutex pool_lock;
  GstImWorkPool *pool;          /* NULL with one thread */

  /* under lock */
  GMutex lock;
  guint n_threads;              /* 0: not configured */
  guint max_in_flight;
  GstClockTime frame_duration;  /* 0: unknown */
  gboolean live;                /* upstream said so */
  guint latency_frames;         /* reported beyond the first */
};

static inline gpointer
slot_job (gpointer slot)
{
  return (guint8 *) slot + JOB_OFFSET;
}

/* a * b + c, saturating below GST_CLOCK_TIME_NONE */
static GstClockTime
time_mul_add (GstClockTime a, guint64 b, GstClockTime c)
{
  const GstClockTime max = GST_CLOCK_TIME_NONE - 1;

  if (b && a > max / b)
    return max;
  a *= b;
  return a > max - c ? max : a + c;
}

/* ---- the work pool's functions: the element's, around slots ---- */

static gpointer
par_thread_init (gpointer user_data)
{
  GstImParallel *par = user_data;

  return par->funcs.thread_init ? par->funcs.thread_init (par->element) :
      NULL;
}

static void
par_thread_clear (gpointer thread_state, gpointer user_data)
{
  GstImParallel *par = user_data;

  if (par->funcs.thread_clear)
    par->funcs.thread_clear (thread_state, par->element);
}

static void
par_process (gpointer thread_state, gpointer data, gpointer user_data)
{
  GstImParallel *par = user_data;
  GstImParallelSlot *slot = data;
  gint64 start;

  if (slot->event)
    return;
  start = g_get_monotonic_time ();
  par->funcs.process (thread_state, slot_job (slot), par->element);
  slot->process_us = g_get_monotonic_time () - start;
}

/* With a live source and threads, raises the latency reported when an
 * item took longer to process than the frame durations reported so far,
 * and posts a latency message so that the pipeline adopts it: latency
 * grows only when processing really falls behind. (The time an item then
 * waits for the items before it is bounded by their own processing
 * times; time spent blocked downstream is not ours.) */
static void
par_track_latency (GstImParallel * par, const GstImParallelSlot * slot)
{
  guint64 frames = 0;
  gboolean raise = FALSE;

  if (!slot->timed)
    return;
  g_mutex_lock (&par->lock);
  if (par->live && par->frame_duration > 0) {
    /* frame durations needed, rounded up; all in 64 bits */
    frames = ((guint64) slot->process_us * GST_USECOND +
        par->frame_duration - 1) / par->frame_duration;
    frames = MIN (frames, MAX_LATENCY_FRAMES);
    if (frames > MAX (par->latency_frames, 1)) {
      par->latency_frames = frames;
      raise = TRUE;
    }
  }
  g_mutex_unlock (&par->lock);
  if (raise) {
    GST_INFO_OBJECT (par->element, "an item took %" G_GINT64_FORMAT " us: "
        "latency raised to %" G_GUINT64_FORMAT " frames", slot->process_us,
        frames);
    gst_element_post_message (par->element,
        gst_message_new_latency (GST_OBJECT (par->element)));
  }
}

/* Pushes an item in its turn, from a worker thread. The source pad's
 * stream lock is held around it, as a GstTask holds it around its loop:
 * deactivating the pad (PAUSED to READY) takes that lock before it drops
 * the pad's sticky events, so it waits for a push under way instead of
 * clearing the caps under it (found by fuzz-imencode: a buffer's probe saw
 * no caps). */
static GstFlowReturn
par_finish (gpointer data, gpointer user_data)
{
  GstImParallel *par = user_data;
  GstImParallelSlot *slot = data;
  GstFlowReturn ret = GST_FLOW_OK;

  GST_PAD_STREAM_LOCK (par->srcpad);
  if (slot->event) {
    GstEvent *event = slot->event;

    slot->event = NULL;
    /* as gst_pad_event_default: a refused event stops nothing */
    gst_pad_push_event (par->srcpad, event);
  } else {
    par_track_latency (par, slot);
    ret = par->funcs.finish (slot_job (slot), par->element);
  }
  GST_PAD_STREAM_UNLOCK (par->srcpad);
  return ret;
}

static void
par_discard (gpointer data, gpointer user_data)
{
  GstImParallel *par = user_data;
  GstImParallelSlot *slot = data;

  if (slot->event) {
    GstEventType type = GST_EVENT_TYPE (slot->event);

    /* sticky state (tags, stream-start...) survives a flush, as on a pad;
     * a segment or EOS belongs to the position flushed away */
    if (GST_EVENT_IS_STICKY (slot->event) && type != GST_EVENT_SEGMENT &&
        type != GST_EVENT_EOS)
      gst_pad_store_sticky_event (par->srcpad, slot->event);
    gst_clear_event (&slot->event);
    return;
  }
  par->funcs.discard (slot_job (slot), par->element);
}

static const GstImWorkPoolFuncs par_pool_funcs = {
  par_thread_init,
  par_thread_clear,
  par_process,
  par_finish,
  par_discard,
};

/* ---- public ---- */

GstImParallel *
gst_im_parallel_new (GstElement * element, GstPad * srcpad,
    const gchar * name, gsize job_size, const GstImWorkPoolFuncs * funcs)
{
  GstImParallel *par;

  g_return_val_if_fail (funcs && funcs->process && funcs->finish &&
      funcs->discard && job_size > 0, NULL);

  par = g_new0 (GstImParallel, 1);
  par->element = element;
  par->srcpad = srcpad;
  par->name = g_strdup (name);
  par->funcs = *funcs;
  par->job_size = job_size;
  par->slot = g_malloc0 (JOB_OFFSET + job_size);
  g_mutex_init (&par->pool_lock);
  g_mutex_init (&par->lock);
  return par;
}

void
gst_im_parallel_free (GstImParallel * par)
{
  if (!par)
    return;
  gst_im_parallel_flush_start (par);
  gst_im_parallel_stop (par);
  g_mutex_clear (&par->pool_lock);
  g_mutex_clear (&par->lock);
  g_free (par->slot);
  g_free (par->name);
  g_free (par);
}

/* Replaces the pool by @pool (NULL: none) and frees the old one, which
 * must be drained or flushing. */
static void
gst_im_parallel_set_pool (GstImParallel * par, GstImWorkPool * pool)
{
  g_mutex_lock (&par->pool_lock);
  gst_im_work_pool_free (par->pool);
  par->pool = pool;
  g_mutex_unlock (&par->pool_lock);
  par->submitted = 0;
}

GstFlowReturn
gst_im_parallel_configure (GstImParallel * par, guint threads,
    gsize item_size)
{
  GstImWorkPool *pool = NULL;
  guint n, in_flight, old_threads;
  GstFlowReturn ret;

  n = threads ? threads : g_get_num_processors ();
  n = CLAMP (n, 1, GST_IM_PARALLEL_MAX_THREADS);
  in_flight = n > 1 ? 2 * n : 1;
  if (in_flight > 2 && item_size > 0)
    in_flight = CLAMP (GST_IM_PARALLEL_MAX_BYTES_IN_FLIGHT / item_size, 2,
        in_flight);

  g_mutex_lock (&par->lock);
  old_threads = par->n_threads;
  if (old_threads == n && par->max_in_flight == in_flight) {
    g_mutex_unlock (&par->lock);
    return GST_FLOW_OK;
  }
  g_mutex_unlock (&par->lock);

  ret = gst_im_parallel_drain (par);
  if (ret != GST_FLOW_OK)
    return ret;
  if (n > 1) {
    pool = gst_im_work_pool_new (par->name, n, in_flight,
        JOB_OFFSET + par->job_size, &par_pool_funcs, par);
    if (!pool) {
      GST_WARNING_OBJECT (par->element, "cannot start worker threads; "
          "working in the streaming thread");
      n = in_flight = 1;
    }
  }
  gst_im_parallel_set_pool (par, pool);
  GST_DEBUG_OBJECT (par->element, "%u threads, %u items in flight", n,
      in_flight);

  g_mutex_lock (&par->lock);
  par->n_threads = n;
  par->max_in_flight = in_flight;
  par->latency_frames = 0;
  g_mutex_unlock (&par->lock);
  /* a pipeline already running re-reads the latency the new count adds */
  if (old_threads != 0 && old_threads != n)
    gst_element_post_message (par->element,
        gst_message_new_latency (GST_OBJECT (par->element)));
  return GST_FLOW_OK;
}

guint
gst_im_parallel_get_n_threads (GstImParallel * par)
{
  guint n;

  g_mutex_lock (&par->lock);
  n = par->n_threads;
  g_mutex_unlock (&par->lock);
  return n;
}

guint
gst_im_parallel_get_max_in_flight (GstImParallel * par)
{
  guint n;

  g_mutex_lock (&par->lock);
  n = par->max_in_flight;
  g_mutex_unlock (&par->lock);
  return n;
}

GstFlowReturn
gst_im_parallel_submit (GstImParallel * par, gconstpointer job)
{
  GstImParallelSlot *slot = (GstImParallelSlot *) par->slot;
  GstFlowReturn ret;

  if (!par->pool) {
    /* one thread: the streaming thread does the work itself */
    if (!par->inline_state && par->funcs.thread_init)
      par->inline_state = par->funcs.thread_init (par->element);
    memcpy (slot_job (slot), job, par->job_size);
    par->funcs.process (par->inline_state, slot_job (slot), par->element);
    return par->funcs.finish (slot_job (slot), par->element);
  }

  slot->event = NULL;
  slot->process_us = 0;
  slot->timed = par->submitted >= gst_im_work_pool_get_n_threads (par->pool);
  memcpy (slot_job (slot), job, par->job_size);
  ret = gst_im_work_pool_submit (par->pool, slot);
  if (ret != GST_FLOW_OK) {
    par->funcs.discard (slot_job (slot), par->element);
    /* upstream hears of the downstream failure now */
    par->flow_reported = ret != GST_FLOW_FLUSHING;
    return ret;
  }
  par->submitted++;
  return GST_FLOW_OK;
}

/* par->pool is read without pool_lock here: a job in process () keeps it.
 * It is replaced only after a drain (no job running) or freed at stop,
 * which joins the threads, this one included, before the pointer
 * changes. */
guint
gst_im_parallel_idle_threads (GstImParallel * par)
{
  return par->pool ? gst_im_work_pool_idle_workers (par->pool) : 0;
}

void
gst_im_parallel_share (GstImParallel * par, gpointer thread_state,
    guint n_parts, GstImWorkPoolPartFunc func, gpointer data)
{
  if (par->pool) {
    gst_im_work_pool_share (par->pool, thread_state, n_parts, func, data);
    return;
  }
  for (guint i = 0; i < n_parts; i++)
    func (thread_state, i, data);
}

gboolean
gst_im_parallel_send_event (GstImParallel * par, GstEvent * event)
{
  GstImParallelSlot *slot = (GstImParallelSlot *) par->slot;

  if (gst_im_held_events_hold (&par->held, par->srcpad, event))
    return TRUE;
  if (!par->pool)
    return gst_pad_push_event (par->srcpad, event);

  slot->event = event;
  /* its process () does nothing: not counted as busy */
  if (gst_im_work_pool_submit_light (par->pool, slot) != GST_FLOW_OK) {
    /* flushing, or downstream failed: the event goes nowhere, as it would
     * from a pad that stopped (sticky ones are kept as a flush keeps
     * them) */
    par_discard (slot, par);
  }
  slot->event = NULL;
  return TRUE;
}

void
gst_im_parallel_release_held (GstImParallel * par)
{
  gst_im_held_events_push (&par->held, par->srcpad);
}

GstFlowReturn
gst_im_parallel_drain (GstImParallel * par)
{
  GstFlowReturn ret;

  if (!par->pool)
    return GST_FLOW_OK;
  ret = gst_im_work_pool_drain (par->pool);
  if (ret != GST_FLOW_OK && ret != GST_FLOW_FLUSHING)
    par->flow_reported = TRUE;
  return ret;
}

GstFlowReturn
gst_im_parallel_wait (GstImParallel * par)
{
  return par->pool ? gst_im_work_pool_drain (par->pool) : GST_FLOW_OK;
}

GstFlowReturn
gst_im_parallel_finish_stream (GstImParallel * par)
{
  gboolean reported = par->flow_reported;
  GstFlowReturn ret = par->pool ? gst_im_work_pool_drain (par->pool) :
      GST_FLOW_OK;

  gst_im_parallel_release_held (par);
  if (ret == GST_FLOW_OK || ret == GST_FLOW_FLUSHING || reported)
    return GST_FLOW_OK;
  par->flow_reported = TRUE;
  return ret;
}

void
gst_im_parallel_flush_start (GstImParallel * par)
{
  g_mutex_lock (&par->pool_lock);
  if (par->pool)
    gst_im_work_pool_set_flushing (par->pool, TRUE);
  g_mutex_unlock (&par->pool_lock);
}

void
gst_im_parallel_flush_stop (GstImParallel * par)
{
  /* under pool_lock, so that the streaming thread cannot free the pool
   * meanwhile (a state change that failed runs this from the
   * application's thread); finishes that push downstream never take it */
  g_mutex_lock (&par->pool_lock);
  if (par->pool)
    gst_im_work_pool_set_flushing (par->pool, FALSE);
  g_mutex_unlock (&par->pool_lock);
  par->flow_reported = FALSE;
  gst_im_held_events_clear (&par->held);
}

void
gst_im_parallel_stop (GstImParallel * par)
{
  gst_im_parallel_set_pool (par, NULL);
  if (par->inline_state && par->funcs.thread_clear)
    par->funcs.thread_clear (par->inline_state, par->element);
  par->inline_state = NULL;
  par->flow_reported = FALSE;
  gst_im_held_events_clear (&par->held);
  g_mutex_lock (&par->lock);
  par->n_threads = 0;
  par->max_in_flight = 0;
  par->latency_frames = 0;
  g_mutex_unlock (&par->lock);
}

void
gst_im_parallel_src_event (GstImParallel * par, GstEvent * event)
{
  if (GST_EVENT_TYPE (event) != GST_EVENT_RECONFIGURE)
    return;
  g_mutex_lock (&par->pool_lock);
  if (par->pool)
    gst_im_work_pool_clear_flow (par->pool, GST_FLOW_NOT_LINKED);
  g_mutex_unlock (&par->pool_lock);
}

void
gst_im_parallel_set_framerate (GstImParallel * par, gint fps_n, gint fps_d)
{
  g_mutex_lock (&par->lock);
  par->frame_duration = fps_n > 0 && fps_d > 0 ?
      gst_util_uint64_scale (GST_SECOND, fps_d, fps_n) : 0;
  g_mutex_unlock (&par->lock);
}

gboolean
gst_im_parallel_query_latency (GstImParallel * par, GstPad * sinkpad,
    GstQuery * query)
{
  GstClockTime min, max, frame;
  guint n_threads, in_flight, frames;
  gboolean live;

  if (!gst_pad_peer_query (sinkpad, query))
    return FALSE;
  gst_query_parse_latency (query, &live, &min, &max);
  g_mutex_lock (&par->lock);
  par->live = live;
  n_threads = par->n_threads;
  in_flight = par->max_in_flight;
  frame = par->frame_duration;
  frames = MAX (par->latency_frames, 1);
  g_mutex_unlock (&par->lock);
  /* One thread adds nothing beyond the processing time, like any filter.
   * With more, an item leaves once it and the items before it are done:
   * one frame duration while the workers keep up, more only when
   * processing has been seen to take longer (par_track_latency); at most
   * in_flight items are held. */
  if (n_threads > 1 && frame > 0) {
    min = time_mul_add (frame, frames, min);
    if (GST_CLOCK_TIME_IS_VALID (max))
      max = time_mul_add (frame, in_flight, max);
  }
  GST_DEBUG_OBJECT (par->element, "latency %" GST_TIME_FORMAT " - %"
      GST_TIME_FORMAT " with %u threads", GST_TIME_ARGS (min),
      GST_TIME_ARGS (max), n_threads);
  gst_query_set_latency (query, live, min, max);
  return TRUE;
}
