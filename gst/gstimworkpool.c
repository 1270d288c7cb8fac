/* gst-imencode: a pool of worker threads with ordered output
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifdef __linux__
#define _GNU_SOURCE 1
#include <sched.h>
#endif

#include "gstimworkpool.h"

#include <string.h>

/* Jobs are numbered in submission order; job n lives in slot
 * n % max_in_flight. Numbers head <= take <= tail split them into
 * [head, take): taken by a worker (running or done, not yet finished) and
 * [take, tail): queued. */
typedef enum
{
  SLOT_QUEUED,
  SLOT_QUEUED_LIGHT,            /* by gst_im_work_pool_submit_light () */
  SLOT_RUNNING,
  SLOT_RUNNING_LIGHT,
  SLOT_DONE,
} GstImWorkSlot;

/* A job's work being shared (gst_im_work_pool_share()): on the sharing
 * thread's stack, listed in pool->shares while parts are left to take */
typedef struct _GstImWorkShare GstImWorkShare;
struct _GstImWorkShare
{
  GstImWorkPoolPartFunc func;
  gpointer data;
  guint n_parts;
  guint next;                   /* the next part to take */
  guint helping;                /* parts running in other workers */
  gint cpu;                     /* the sharing thread's CPU, or -1 */
  GstImWorkShare *link;         /* the next share with parts left */
};

struct _GstImWorkPool
{
  GstImWorkPoolFuncs funcs;
  gpointer user_data;
  gsize job_size;
  guint n_threads;
  guint max_in_flight;
  GThread **threads;
  guint8 *jobs;                 /* max_in_flight * job_size bytes */
  GstImWorkSlot *slots;

  GMutex lock;
  GCond work_cond;              /* for workers: a job was queued, or quit */
  GCond idle_cond;              /* for the streaming thread: a job was
                                 * finished, a worker went idle, a flush */
  guint64 head, take, tail;
  guint running;                /* jobs in process () */
  GstImWorkShare *shares;       /* shared work with parts left to take */
  guint helping;                /* workers running a part of it */
  GCond share_cond;             /* for sharers: a helper's part is done */
  gboolean finishing;           /* a thread is in finish () */
  GThread *finisher;            /* that thread */
  guint generation;             /* flushes done */
  gboolean flushing;
  gboolean quit;
  GstFlowReturn ret;            /* first non-OK finish since the flush */
};

static gpointer
job_at (GstImWorkPool * pool, guint64 n)
{
  return pool->jobs + (n % pool->max_in_flight) * pool->job_size;
}

static GstImWorkSlot *
slot_at (GstImWorkPool * pool, guint64 n)
{
  return &pool->slots[n % pool->max_in_flight];
}

/* Finishes done jobs from the head on, in order, unless another thread is
 * already doing so (it will see them). Once a finish has failed, the rest
 * are discarded, as a queue stops pushing after a flow error. Called and
 * returns with the lock held; drops it around finish (), which may block
 * downstream. */
static void
finish_in_order (GstImWorkPool * pool)
{
  if (pool->finishing)
    return;
  pool->finishing = TRUE;
  pool->finisher = g_thread_self ();
  while (!pool->flushing && pool->head < pool->take &&
      *slot_at (pool, pool->head) == SLOT_DONE) {
    gpointer job = job_at (pool, pool->head);
    GstFlowReturn ret;
    gboolean failed = pool->ret != GST_FLOW_OK;
    guint generation = pool->generation;

    g_mutex_unlock (&pool->lock);
    if (failed) {
      pool->funcs.discard (job, pool->user_data);
      ret = GST_FLOW_OK;
    } else {
      ret = pool->funcs.finish (job, pool->user_data);
    }
    g_mutex_lock (&pool->lock);
    /* a flush from inside finish () (a seek from downstream) has already
     * reset the pool around this job: its result belongs to before */
    if (ret != GST_FLOW_OK && pool->ret == GST_FLOW_OK &&
        generation == pool->generation)
      pool->ret = ret;
    pool->head++;
    g_cond_broadcast (&pool->idle_cond);
  }
  pool->finishing = FALSE;
  pool->finisher = NULL;
  g_cond_broadcast (&pool->idle_cond);
}

/* Takes the next part of @sh and unlists @sh if it was the last; lock
 * held */
static guint
take_part (GstImWorkPool * pool, GstImWorkShare * sh)
{
  guint part = sh->next++;

  if (sh->next == sh->n_parts) {
    GstImWorkShare **p = &pool->shares;

    while (*p != sh)
      p = &(*p)->link;
    *p = sh->link;
  }
  return part;
}

/* The CPU the calling thread runs on, or -1 if unknown */
static gint
current_cpu (void)
{
#ifdef __linux__
  return sched_getcpu ();
#else
  return -1;
#endif
}

/* Moves the calling thread (a helper, about to run a part) off @cpu, the
 * sharing thread's, to another CPU it may run on, if it woke up there: a
 * guest kernel that packs woken threads onto busy vCPUs (Firecracker's
 * sched_vcpu_pack) puts the helper on the sharer's vCPU, where the two
 * time-share it for milliseconds while the other vCPU idles (measured:
 * bench-one-image). Its affinity is narrowed only for the move and given
 * back at once; elsewhere helpers wake on an idle CPU and nothing is
 * done. */
static void
move_off_cpu (gint cpu)
{
#ifdef __linux__
  cpu_set_t mask, others;

  if (cpu < 0 || sched_getcpu () != cpu ||
      sched_getaffinity (0, sizeof (mask), &mask) != 0)
    return;
  others = mask;
  CPU_CLR (cpu, &others);
  if (CPU_COUNT (&others) == 0)
    return;
  if (sched_setaffinity (0, sizeof (others), &others) == 0)
    sched_setaffinity (0, sizeof (mask), &mask);
#endif
}

/* Runs a part of the first shared work in an idle worker; lock held,
 * dropped around the part */
static void
help (GstImWorkPool * pool, gpointer state)
{
  GstImWorkShare *sh = pool->shares;
  guint part = take_part (pool, sh);
  gint cpu = sh->cpu;

  sh->helping++;
  pool->helping++;
  g_mutex_unlock (&pool->lock);
  move_off_cpu (cpu);
  sh->func (state, part, sh->data);
  g_mutex_lock (&pool->lock);
  pool->helping--;
  /* the sharer may return (and its @sh go) as soon as this is 0 */
  sh->helping--;
  g_cond_broadcast (&pool->share_cond);
}

static gpointer
worker_main (gpointer data)
{
  GstImWorkPool *pool = data;
  gpointer state = NULL;

  if (pool->funcs.thread_init)
    state = pool->funcs.thread_init (pool->user_data);

  g_mutex_lock (&pool->lock);
  for (;;) {
    guint64 n;

    while (!pool->quit && (pool->flushing || pool->take == pool->tail) &&
        !pool->shares)
      g_cond_wait (&pool->work_cond, &pool->lock);
    if (pool->quit)
      break;
    /* queued jobs first: a part only speeds up a job already running */
    if (pool->flushing || pool->take == pool->tail) {
      help (pool, state);
      continue;
    }

    n = pool->take++;
    *slot_at (pool, n) = *slot_at (pool, n) == SLOT_QUEUED_LIGHT ?
        SLOT_RUNNING_LIGHT : SLOT_RUNNING;
    pool->running++;
    g_mutex_unlock (&pool->lock);
    pool->funcs.process (state, job_at (pool, n), pool->user_data);
    g_mutex_lock (&pool->lock);
    *slot_at (pool, n) = SLOT_DONE;
    pool->running--;
    g_cond_broadcast (&pool->idle_cond);
    finish_in_order (pool);
  }
  g_mutex_unlock (&pool->lock);

  if (pool->funcs.thread_clear)
    pool->funcs.thread_clear (state, pool->user_data);
  return NULL;
}

/* Discards every unfinished job; lock held, no worker busy. */
static void
discard_all (GstImWorkPool * pool)
{
  for (guint64 n = pool->head; n < pool->tail; n++)
    pool->funcs.discard (job_at (pool, n), pool->user_data);
  pool->head = pool->take = pool->tail = 0;
}

/* Stops the first @n threads; lock not held. */
static void
stop_threads (GstImWorkPool * pool, guint n)
{
  g_mutex_lock (&pool->lock);
  pool->quit = TRUE;
  pool->flushing = TRUE;
  g_cond_broadcast (&pool->work_cond);
  g_mutex_unlock (&pool->lock);
  for (guint i = 0; i < n; i++)
    g_thread_join (pool->threads[i]);
}

static void
free_memory (GstImWorkPool * pool)
{
  g_mutex_clear (&pool->lock);
  g_cond_clear (&pool->work_cond);
  g_cond_clear (&pool->idle_cond);
  g_cond_clear (&pool->share_cond);
  g_free (pool->threads);
  g_free (pool->jobs);
  g_free (pool->slots);
  g_free (pool);
}

GstImWorkPool *
gst_im_work_pool_new (const gchar * name, guint n_threads,
    guint max_in_flight, gsize job_size, const GstImWorkPoolFuncs * funcs,
    gpointer user_data)
{
  GstImWorkPool *pool;

  g_return_val_if_fail (n_threads > 0 && max_in_flight > 0, NULL);
  g_return_val_if_fail (job_size > 0 && funcs && funcs->process &&
      funcs->finish && funcs->discard, NULL);

  pool = g_new0 (GstImWorkPool, 1);
  pool->funcs = *funcs;
  pool->user_data = user_data;
  pool->job_size = job_size;
  pool->n_threads = n_threads;
  pool->max_in_flight = max_in_flight;
  pool->threads = g_new0 (GThread *, n_threads);
  pool->jobs = g_malloc0_n (max_in_flight, job_size);
  pool->slots = g_new0 (GstImWorkSlot, max_in_flight);
  pool->ret = GST_FLOW_OK;
  g_mutex_init (&pool->lock);
  g_cond_init (&pool->work_cond);
  g_cond_init (&pool->idle_cond);
  g_cond_init (&pool->share_cond);

  for (guint i = 0; i < n_threads; i++) {
    GError *error = NULL;

    pool->threads[i] = g_thread_try_new (name, worker_main, pool, &error);
    if (!pool->threads[i]) {
      GST_WARNING ("cannot start worker thread %u: %s", i, error->message);
      g_error_free (error);
      stop_threads (pool, i);
      free_memory (pool);
      return NULL;
    }
  }
  return pool;
}

void
gst_im_work_pool_free (GstImWorkPool * pool)
{
  if (!pool)
    return;
  stop_threads (pool, pool->n_threads);
  discard_all (pool);
  free_memory (pool);
}

guint
gst_im_work_pool_get_n_threads (GstImWorkPool * pool)
{
  return pool->n_threads;
}

guint
gst_im_work_pool_get_max_in_flight (GstImWorkPool * pool)
{
  return pool->max_in_flight;
}

guint
gst_im_work_pool_idle_workers (GstImWorkPool * pool)
{
  guint busy, running = 0, queued = 0;

  g_mutex_lock (&pool->lock);
  /* alone: the only job running and none queued (jobs done and waiting
   * for their turn to finish need no thread, nor do light ones) */
  for (guint64 n = pool->head; n < pool->take; n++)
    running += *slot_at (pool, n) == SLOT_RUNNING;
  for (guint64 n = pool->take; n < pool->tail; n++)
    queued += *slot_at (pool, n) == SLOT_QUEUED;
  busy = running > 1 || queued > 0 ? pool->n_threads :
      running + pool->helping;
  g_mutex_unlock (&pool->lock);
  return busy < pool->n_threads ? pool->n_threads - busy : 0;
}

void
gst_im_work_pool_share (GstImWorkPool * pool, gpointer thread_state,
    guint n_parts, GstImWorkPoolPartFunc func, gpointer data)
{
  GstImWorkShare sh = { func, data, n_parts, 0, 0, current_cpu (), NULL };

  if (n_parts == 0)
    return;
  g_mutex_lock (&pool->lock);
  if (n_parts > 1) {
    sh.link = pool->shares;
    pool->shares = &sh;
    for (guint i = 1; i < n_parts && i < pool->n_threads; i++)
      g_cond_signal (&pool->work_cond);
    g_mutex_unlock (&pool->lock);
    /* a helper woken onto this CPU (see move_off_cpu()) runs and moves
     * away now rather than when this thread is next preempted */
    g_thread_yield ();
    g_mutex_lock (&pool->lock);
  }
  while (sh.next < n_parts) {
    guint part = n_parts > 1 ? take_part (pool, &sh) : sh.next++;

    g_mutex_unlock (&pool->lock);
    func (thread_state, part, data);
    g_mutex_lock (&pool->lock);
  }
  while (sh.helping > 0)
    g_cond_wait (&pool->share_cond, &pool->lock);
  g_mutex_unlock (&pool->lock);
}

/* Queues @job in the state @queued (see gst_im_work_pool_submit ()) */
static GstFlowReturn
submit (GstImWorkPool * pool, gconstpointer job, GstImWorkSlot queued)
{
  GstFlowReturn ret;

  g_mutex_lock (&pool->lock);
  for (;;) {
    if (pool->flushing) {
      ret = GST_FLOW_FLUSHING;
      break;
    }
    if (pool->ret != GST_FLOW_OK) {
      ret = pool->ret;
      break;
    }
    if (pool->tail - pool->head < pool->max_in_flight) {
      memcpy (job_at (pool, pool->tail), job, pool->job_size);
      *slot_at (pool, pool->tail) = queued;
      pool->tail++;
      g_cond_signal (&pool->work_cond);
      ret = GST_FLOW_OK;
      break;
    }
    g_cond_wait (&pool->idle_cond, &pool->lock);
  }
  g_mutex_unlock (&pool->lock);
  return ret;
}

GstFlowReturn
gst_im_work_pool_submit (GstImWorkPool * pool, gconstpointer job)
{
  return submit (pool, job, SLOT_QUEUED);
}

GstFlowReturn
gst_im_work_pool_submit_light (GstImWorkPool * pool, gconstpointer job)
{
  return submit (pool, job, SLOT_QUEUED_LIGHT);
}

GstFlowReturn
gst_im_work_pool_drain (GstImWorkPool * pool)
{
  GstFlowReturn ret;

  g_mutex_lock (&pool->lock);
  /* From inside finish () (an event sent from downstream's push), the jobs
   * after the one being finished cannot go first: do not wait for them. */
  while (!pool->flushing && pool->head != pool->tail &&
      !(pool->finishing && pool->finisher == g_thread_self ()))
    g_cond_wait (&pool->idle_cond, &pool->lock);
  ret = pool->flushing ? GST_FLOW_FLUSHING : pool->ret;
  g_mutex_unlock (&pool->lock);
  return ret;
}

void
gst_im_work_pool_clear_flow (GstImWorkPool * pool, GstFlowReturn ret)
{
  g_mutex_lock (&pool->lock);
  if (pool->ret == ret)
    pool->ret = GST_FLOW_OK;
  g_mutex_unlock (&pool->lock);
}

void
gst_im_work_pool_set_flushing (GstImWorkPool * pool, gboolean flushing)
{
  g_mutex_lock (&pool->lock);
  if (flushing) {
    pool->flushing = TRUE;
    g_cond_broadcast (&pool->idle_cond);
  } else {
    /* Called from inside finish () (a flushing seek made by downstream in
     * the pushing thread), it cannot wait for that finish: it discards
     * everything after the job being finished, which the finishing loop
     * then retires. */
    gboolean self_finishing = FALSE;

    while (pool->running > 0 || (pool->finishing &&
            !(self_finishing = pool->finisher == g_thread_self ())))
      g_cond_wait (&pool->idle_cond, &pool->lock);
    if (self_finishing) {
      for (guint64 n = pool->head + 1; n < pool->tail; n++)
        pool->funcs.discard (job_at (pool, n), pool->user_data);
      pool->take = pool->tail = pool->head + 1;
    } else {
      discard_all (pool);
    }
    pool->generation++;
    pool->ret = GST_FLOW_OK;
    pool->flushing = FALSE;
  }
  g_mutex_unlock (&pool->lock);
}
