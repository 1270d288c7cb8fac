/* gst-imencode: the ordered worker pool (gst/gstimworkpool.c) on its own
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Checks gst/gstimworkpool.h's contract with toy jobs (a number and a
 * pointer to the test's record), no pipeline: order and exactly-once
 * whatever order processing ends in, the in-flight bound, thread state,
 * drain, a failed finish, flushing, clear_flow and freeing with jobs in
 * flight. Every callback counts what it sees; the expectations are
 * counts and orders, never durations. Waits that cannot end when the pool
 * is broken (a blocked submit that is never woken) end after a generous
 * deadline with a failure instead of hanging, and a watchdog ends a test
 * that deadlocks inside the pool.
 */
#include <gst/gst.h>
#include <string.h>

#include "gstimworkpool.h"

#define MAX_JOBS 4096
#define MAX_PARTS 64
#define DEADLINE_US (20 * G_USEC_PER_SEC)

typedef struct _Tracker Tracker;

/* A job as submitted: copied into the pool's slot. */
typedef struct
{
  guint id;
  Tracker *tracker;
  guint64 pad[3];               /* a job bigger than a pointer */
} Job;

/* What a worker thread's thread_init made. */
typedef struct
{
  GThread *thread;
  guint jobs;
} ThreadState;

struct _Tracker
{
  GMutex lock;
  GCond cond;

  /* behaviour */
  guint sleep_max_us;           /* process sleeps up to this */
  gint gate_below;              /* process of ids < this waits for... */
  gboolean gate_open;           /* ...this */
  gint gate_until_accepted;     /* or until this many were accepted */
  gint gate_only;               /* this id waits for gate_open too */
  gint share_after;             /* shares once this id is in process */
  gint fail_id;                 /* finish of this id returns fail_ret */
  GstFlowReturn fail_ret;
  void (*in_finish) (Tracker * t, guint id);
  GstImWorkPool *pool;          /* for in_finish */
  gint drains_returned;         /* test side, for in_finish */
  gint flushes_done;            /* by in_finish */

  /* sharing: each job's process shares this many parts (0: none) */
  guint share_parts;
  guint part_sleep_us;          /* each part sleeps this long */
  gint idle_seen[MAX_JOBS];     /* idle_workers () as each job shared */
  gint part_runs[MAX_JOBS][MAX_PARTS];
  gboolean part_wrong_state;    /* a part ran with another thread's state,
                                 * or share () returned before a part ran */
  gint part_threads_max;        /* most threads one job's parts ran on */
  gint n_shared;                /* share () calls returned */

  /* counts, per id */
  gint processed[MAX_JOBS];
  gint finished[MAX_JOBS];
  gint discarded[MAX_JOBS];
  gint in_process[MAX_JOBS];    /* process () running */

  /* order and totals */
  guint finish_order[MAX_JOBS];
  gint n_finished;              /* atomically */
  gint n_discarded;
  gint accepted;                /* submits that returned OK (test side) */
  gint attempted;               /* submits called (test side) */
  gint in_finish_now;           /* a finish () is running */
  gint max_in_flight_seen;      /* accepted - finished, at each submit */
  gboolean bound_broken;        /* a finish saw more accepted than allowed */
  guint max_in_flight;

  /* thread states */
  gint n_inits, n_clears;
  GPtrArray *states;            /* made by thread_init, under lock */
  gboolean clear_in_wrong_thread;
  gboolean process_in_wrong_thread;
};

static Tracker *
tracker_new (void)
{
  Tracker *t = g_new0 (Tracker, 1);

  g_mutex_init (&t->lock);
  g_cond_init (&t->cond);
  t->gate_below = -1;
  t->gate_until_accepted = -1;
  t->gate_only = -1;
  t->share_after = -1;
  t->fail_id = -1;
  t->states = g_ptr_array_new_with_free_func (g_free);
  return t;
}

static void
tracker_free (Tracker * t)
{
  g_ptr_array_unref (t->states);
  g_mutex_clear (&t->lock);
  g_cond_clear (&t->cond);
  g_free (t);
}

static void
tracker_open_gate (Tracker * t)
{
  g_mutex_lock (&t->lock);
  t->gate_open = TRUE;
  g_cond_broadcast (&t->cond);
  g_mutex_unlock (&t->lock);
}

/* Waits until *@counter is at least @value; FALSE after the deadline. */
static gboolean
tracker_wait_count (Tracker * t, gint * counter, gint value)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_US;
  gboolean ok = TRUE;

  g_mutex_lock (&t->lock);
  while (ok && g_atomic_int_get (counter) < value)
    ok = g_cond_wait_until (&t->cond, &t->lock, deadline);
  ok = g_atomic_int_get (counter) >= value;
  g_mutex_unlock (&t->lock);
  return ok;
}

static void
tracker_bump (Tracker * t, gint * counter)
{
  g_mutex_lock (&t->lock);
  g_atomic_int_inc (counter);
  g_cond_broadcast (&t->cond);
  g_mutex_unlock (&t->lock);
}

/* ---- the callbacks ---- */

static gpointer
toy_thread_init (gpointer user_data)
{
  Tracker *t = user_data;
  ThreadState *s = g_new0 (ThreadState, 1);

  s->thread = g_thread_self ();
  g_mutex_lock (&t->lock);
  g_ptr_array_add (t->states, s);
  g_mutex_unlock (&t->lock);
  g_atomic_int_inc (&t->n_inits);
  return s;
}

static void
toy_thread_clear (gpointer thread_state, gpointer user_data)
{
  Tracker *t = user_data;
  ThreadState *s = thread_state;

  if (s->thread != g_thread_self ())
    t->clear_in_wrong_thread = TRUE;
  s->thread = NULL;             /* cleared: a second clear is seen */
  g_atomic_int_inc (&t->n_clears);
}

/* One job's shared parts: which threads ran them */
typedef struct
{
  Tracker *t;
  guint id;
  GMutex lock;
  GThread *threads[MAX_PARTS];
  guint n_threads;
} SharedJob;

static void
toy_part (gpointer thread_state, guint part, gpointer data)
{
  SharedJob *sj = data;
  ThreadState *s = thread_state;
  gboolean known = FALSE;

  if (!s || s->thread != g_thread_self ())
    sj->t->part_wrong_state = TRUE;
  g_atomic_int_inc (&sj->t->part_runs[sj->id][part]);
  g_mutex_lock (&sj->lock);
  for (guint i = 0; i < sj->n_threads; i++)
    known |= sj->threads[i] == g_thread_self ();
  if (!known)
    sj->threads[sj->n_threads++] = g_thread_self ();
  g_mutex_unlock (&sj->lock);
  if (sj->t->part_sleep_us)
    g_usleep (sj->t->part_sleep_us);
}

/* Shares job @id's parts with the pool's idle workers */
static void
toy_share (Tracker * t, gpointer thread_state, guint id)
{
  SharedJob sj;

  memset (&sj, 0, sizeof (sj));
  sj.t = t;
  sj.id = id;
  g_mutex_init (&sj.lock);
  if (t->share_after >= 0 && (gint) id != t->share_after)
    g_assert_true (tracker_wait_count (t, &t->processed[t->share_after], 1));
  g_atomic_int_set (&t->idle_seen[id],
      gst_im_work_pool_idle_workers (t->pool));
  gst_im_work_pool_share (t->pool, thread_state, t->share_parts, toy_part,
      &sj);
  /* returns only when every part has run, each once */
  for (guint p = 0; p < t->share_parts; p++) {
    if (g_atomic_int_get (&t->part_runs[id][p]) != 1)
      t->part_wrong_state = TRUE;
  }
  g_mutex_lock (&t->lock);
  t->part_threads_max = MAX (t->part_threads_max, (gint) sj.n_threads);
  g_mutex_unlock (&t->lock);
  g_mutex_clear (&sj.lock);
  tracker_bump (t, &t->n_shared);
}

static void
toy_process (gpointer thread_state, gpointer job, gpointer user_data)
{
  Tracker *t = user_data;
  ThreadState *s = thread_state;
  Job *j = job;

  g_assert_true (j->tracker == t);
  if (!s || s->thread != g_thread_self ())
    t->process_in_wrong_thread = TRUE;
  else
    s->jobs++;
  g_atomic_int_inc (&t->in_process[j->id]);
  tracker_bump (t, &t->processed[j->id]);

  if ((gint) j->id < t->gate_below || (gint) j->id == t->gate_only) {
    g_mutex_lock (&t->lock);
    while (!t->gate_open && !(t->gate_until_accepted >= 0 &&
            g_atomic_int_get (&t->accepted) >= t->gate_until_accepted))
      g_cond_wait (&t->cond, &t->lock);
    g_mutex_unlock (&t->lock);
  }
  if (t->sleep_max_us)
    g_usleep (g_random_int_range (0, t->sleep_max_us + 1));
  if (t->share_parts)
    toy_share (t, thread_state, j->id);
  g_atomic_int_dec_and_test (&t->in_process[j->id]);
}

static GstFlowReturn
toy_finish (gpointer job, gpointer user_data)
{
  Tracker *t = user_data;
  Job *j = job;
  gint done = g_atomic_int_get (&t->n_finished);
  GstFlowReturn ret = GST_FLOW_OK;

  /* never two at once, never while the job is still processed */
  g_assert_cmpint (g_atomic_int_add (&t->in_finish_now, 1), ==, 0);
  g_assert_cmpint (g_atomic_int_get (&t->in_process[j->id]), ==, 0);
  g_assert_cmpint (t->processed[j->id], ==, 1);
  /* at most max_in_flight accepted and unfinished, this one included:
   * the test counts an accepted job only after its submit returned, so
   * this never exceeds the pool's own count */
  if (t->max_in_flight &&
      g_atomic_int_get (&t->accepted) > done + (gint) t->max_in_flight)
    t->bound_broken = TRUE;
  t->finish_order[done] = j->id;
  g_atomic_int_inc (&t->finished[j->id]);
  if ((gint) j->id == t->fail_id)
    ret = t->fail_ret;
  if (t->in_finish)
    t->in_finish (t, j->id);
  g_atomic_int_dec_and_test (&t->in_finish_now);
  tracker_bump (t, &t->n_finished);
  return ret;
}

static void
toy_discard (gpointer job, gpointer user_data)
{
  Tracker *t = user_data;
  Job *j = job;

  g_assert_true (j->tracker == t);
  /* processed or not, but never while being processed */
  g_assert_cmpint (g_atomic_int_get (&t->in_process[j->id]), ==, 0);
  g_atomic_int_inc (&t->discarded[j->id]);
  g_atomic_int_inc (&t->n_discarded);
}

static const GstImWorkPoolFuncs toy_funcs = {
  toy_thread_init, toy_thread_clear, toy_process, toy_finish, toy_discard,
};

static GstImWorkPool *
toy_pool (Tracker * t, guint n_threads, guint max_in_flight)
{
  GstImWorkPool *pool = gst_im_work_pool_new ("toy", n_threads,
      max_in_flight, sizeof (Job), &toy_funcs, t);

  g_assert_nonnull (pool);
  g_assert_cmpuint (gst_im_work_pool_get_n_threads (pool), ==, n_threads);
  g_assert_cmpuint (gst_im_work_pool_get_max_in_flight (pool), ==,
      max_in_flight);
  t->max_in_flight = max_in_flight;
  t->pool = pool;
  return pool;
}

/* Submits job @id as the streaming thread does, counting it; @light:
 * with gst_im_work_pool_submit_light () */
static GstFlowReturn
toy_submit_full (Tracker * t, guint id, gboolean light)
{
  Job job;
  GstFlowReturn ret;

  memset (&job, 0, sizeof (job));
  job.id = id;
  job.tracker = t;
  job.pad[2] = id;
  tracker_bump (t, &t->attempted);
  ret = light ? gst_im_work_pool_submit_light (t->pool, &job) :
      gst_im_work_pool_submit (t->pool, &job);
  if (ret == GST_FLOW_OK) {
    /* counted under the lock that gated jobs wait on: a job let go by
     * this count is not finished before it is taken */
    g_mutex_lock (&t->lock);
    g_atomic_int_inc (&t->accepted);
    t->max_in_flight_seen = MAX (t->max_in_flight_seen,
        g_atomic_int_get (&t->accepted) - g_atomic_int_get (&t->n_finished));
    g_cond_broadcast (&t->cond);
    g_mutex_unlock (&t->lock);
  }
  return ret;
}

static GstFlowReturn
toy_submit (Tracker * t, guint id)
{
  return toy_submit_full (t, id, FALSE);
}

/* Each of ids 0..@n-1: finished or discarded, exactly once in all. */
static void
assert_each_once (Tracker * t, guint n)
{
  for (guint id = 0; id < n; id++) {
    g_assert_cmpint (t->finished[id] + t->discarded[id], ==, 1);
    g_assert_cmpint (t->processed[id], <=, 1);
  }
}

/* ---- the tests ---- */

/* Every job is finished exactly once and in submission order, whatever
 * order processing completes in (random sleeps), for several thread
 * counts and bounds; nothing is discarded. */
static void
test_order_and_once (void)
{
  static const guint configs[][2] = { {1, 1}, {1, 3}, {2, 2}, {4, 5},
    {3, 8}, {8, 3}
  };

  for (guint c = 0; c < G_N_ELEMENTS (configs); c++) {
    Tracker *t = tracker_new ();
    GstImWorkPool *pool;
    const guint n = 300;

    t->sleep_max_us = 400;
    pool = toy_pool (t, configs[c][0], configs[c][1]);
    for (guint id = 0; id < n; id++)
      g_assert_cmpint (toy_submit (t, id), ==, GST_FLOW_OK);
    g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_OK);
    g_assert_cmpint (t->n_finished, ==, n);
    for (guint i = 0; i < n; i++) {
      g_assert_cmpuint (t->finish_order[i], ==, i);
      g_assert_cmpint (t->finished[i], ==, 1);
      g_assert_cmpint (t->processed[i], ==, 1);
    }
    g_assert_cmpint (t->n_discarded, ==, 0);
    gst_im_work_pool_free (pool);
    g_assert_cmpint (t->n_discarded, ==, 0);
    g_assert_cmpint (t->n_finished, ==, n);
    tracker_free (t);
  }
}

/* At most max_in_flight jobs are submitted and not finished: each finish
 * sees no more accepted jobs than that beyond the finished ones, and the
 * submitter, counting after each submit, never sees more either. The
 * first jobs wait until max_in_flight are accepted, so the bound is
 * reached (submit must take that many without blocking) and the next
 * submit has to wait for a finish. */
static void
test_max_in_flight (void)
{
  static const guint configs[][2] = { {1, 1}, {2, 4}, {4, 2}, {3, 7},
    {2, 1}
  };

  for (guint c = 0; c < G_N_ELEMENTS (configs); c++) {
    Tracker *t = tracker_new ();
    guint max = configs[c][1];
    GstImWorkPool *pool;
    const guint n = 200;

    t->sleep_max_us = 200;
    t->gate_below = 1;
    t->gate_until_accepted = max;
    pool = toy_pool (t, configs[c][0], max);
    for (guint id = 0; id < n; id++)
      g_assert_cmpint (toy_submit (t, id), ==, GST_FLOW_OK);
    g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_OK);
    g_assert_false (t->bound_broken);
    g_assert_cmpint (t->max_in_flight_seen, <=, max);
    g_assert_cmpint (t->max_in_flight_seen, ==, max);
    assert_each_once (t, n);
    gst_im_work_pool_free (pool);
    tracker_free (t);
  }
}

/* thread_init runs once in each worker thread, before its jobs, and
 * thread_clear once in the same thread with what its thread_init made;
 * process gets its own thread's state. */
static void
test_thread_init_and_clear (void)
{
  for (guint n_threads = 1; n_threads <= 4; n_threads++) {
    Tracker *t = tracker_new ();
    GstImWorkPool *pool;
    GHashTable *threads = g_hash_table_new (NULL, NULL);

    t->sleep_max_us = 300;
    pool = toy_pool (t, n_threads, 2 * n_threads);
    for (guint id = 0; id < 50; id++)
      g_assert_cmpint (toy_submit (t, id), ==, GST_FLOW_OK);
    g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_OK);
    gst_im_work_pool_free (pool);

    g_assert_cmpint (t->n_inits, ==, n_threads);
    g_assert_cmpint (t->n_clears, ==, n_threads);
    g_assert_false (t->clear_in_wrong_thread);
    g_assert_false (t->process_in_wrong_thread);
    g_assert_cmpuint (t->states->len, ==, n_threads);
    for (guint i = 0; i < t->states->len; i++) {
      ThreadState *s = g_ptr_array_index (t->states, i);

      /* cleared (its thread pointer reset), and one state per thread */
      g_assert_null (s->thread);
      g_hash_table_add (threads, s);
    }
    g_assert_cmpuint (g_hash_table_size (threads), ==, n_threads);
    g_hash_table_unref (threads);
    tracker_free (t);
  }
}

/* drain returns only when every submitted job is finished; with nothing
 * submitted it returns at once. */
static void
test_drain_waits_for_all (void)
{
  Tracker *t = tracker_new ();
  GstImWorkPool *pool;
  guint id = 0;

  t->sleep_max_us = 1000;
  pool = toy_pool (t, 3, 6);
  g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_OK);
  for (guint round = 1; round <= 12; round++) {
    for (guint i = 0; i < round; i++)
      g_assert_cmpint (toy_submit (t, id++), ==, GST_FLOW_OK);
    g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_OK);
    g_assert_cmpint (g_atomic_int_get (&t->n_finished), ==, id);
  }
  gst_im_work_pool_free (pool);
  g_assert_cmpint (t->n_discarded, ==, 0);
  tracker_free (t);
}

/* A non-OK finish is kept: submit and drain return it, the jobs after it
 * are discarded (each once), not finished, and a refused job is never
 * seen by the pool; set_flushing (TRUE then FALSE) forgets it and jobs
 * are finished again. */
static void
test_failed_finish_kept (void)
{
  static const GstFlowReturn fails[] = { GST_FLOW_ERROR, GST_FLOW_EOS,
    GST_FLOW_NOT_NEGOTIATED
  };

  for (guint f = 0; f < G_N_ELEMENTS (fails); f++) {
    Tracker *t = tracker_new ();
    GstImWorkPool *pool;
    guint id, first_refused = 0;
    gboolean refused = FALSE;

    t->sleep_max_us = 300;
    t->fail_id = 5;
    t->fail_ret = fails[f];
    pool = toy_pool (t, 3, 4);
    for (id = 0; id < 100; id++) {
      GstFlowReturn ret = toy_submit (t, id);

      if (ret != GST_FLOW_OK) {
        g_assert_cmpint (ret, ==, fails[f]);
        if (!refused)
          first_refused = id;
        refused = TRUE;
      } else {
        /* once refused, always refused until a flush */
        g_assert_false (refused);
      }
    }
    g_assert_true (refused);
    g_assert_cmpint (gst_im_work_pool_drain (pool), ==, fails[f]);
    g_assert_cmpint (toy_submit (t, id), ==, fails[f]);
    /* 0..5 finished, in order; then the accepted ones discarded */
    g_assert_cmpint (t->n_finished, ==, 6);
    for (guint i = 0; i < 6; i++)
      g_assert_cmpuint (t->finish_order[i], ==, i);
    assert_each_once (t, first_refused);
    for (guint i = first_refused; i <= id; i++) {
      g_assert_cmpint (t->processed[i], ==, 0);
      g_assert_cmpint (t->finished[i] + t->discarded[i], ==, 0);
    }

    gst_im_work_pool_set_flushing (pool, TRUE);
    g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_FLUSHING);
    gst_im_work_pool_set_flushing (pool, FALSE);
    t->fail_id = -1;
    g_assert_cmpint (toy_submit (t, 200), ==, GST_FLOW_OK);
    g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_OK);
    g_assert_cmpint (t->finished[200], ==, 1);
    gst_im_work_pool_free (pool);
    g_assert_cmpint (t->discarded[200], ==, 0);
    tracker_free (t);
  }
}

typedef struct
{
  Tracker *t;
  guint id;
  gboolean drain;               /* drain instead of submit */
  GstFlowReturn ret;
  gint returned;
} Blocked;

static gpointer
blocked_call (gpointer data)
{
  Blocked *b = data;

  if (b->drain) {
    tracker_bump (b->t, &b->t->attempted);
    b->ret = gst_im_work_pool_drain (b->t->pool);
  } else {
    b->ret = toy_submit (b->t, b->id);
  }
  tracker_bump (b->t, &b->returned);
  return NULL;
}

/* set_flushing (TRUE) wakes a submit blocked on a full pool, and a drain
 * waiting for jobs, with FLUSHING; nothing more is finished; the job of
 * the woken submit is not taken. set_flushing (FALSE) then discards the
 * unfinished jobs, each once, after the one being processed is done, and
 * jobs are taken again. */
static void
test_flushing_wakes_and_discards (void)
{
  for (guint round = 0; round < 20; round++) {
    Tracker *t = tracker_new ();
    GstImWorkPool *pool;
    Blocked sub = { t, 2, FALSE }, drain = { t, 0, TRUE };
    GThread *th;

    /* job 0 is held in process: nothing can finish */
    t->gate_below = 1;
    pool = toy_pool (t, 1, 2);
    g_assert_cmpint (toy_submit (t, 0), ==, GST_FLOW_OK);
    g_assert_cmpint (toy_submit (t, 1), ==, GST_FLOW_OK);
    g_assert_true (tracker_wait_count (t, &t->processed[0], 1));

    if (round % 2 == 0) {
      /* a third submit has to wait */
      th = g_thread_new ("submit", blocked_call, &sub);
      g_assert_true (tracker_wait_count (t, &t->attempted, 3));
    } else {
      th = g_thread_new ("drain", blocked_call, &drain);
      g_assert_true (tracker_wait_count (t, &t->attempted, 3));
    }
    g_assert_cmpint (g_atomic_int_get (&sub.returned) +
        g_atomic_int_get (&drain.returned), ==, 0);
    gst_im_work_pool_set_flushing (pool, TRUE);
    g_assert_true (tracker_wait_count (t, round % 2 ? &drain.returned :
            &sub.returned, 1));
    g_thread_join (th);
    g_assert_cmpint (round % 2 ? drain.ret : sub.ret, ==, GST_FLOW_FLUSHING);
    g_assert_cmpint (toy_submit (t, 3), ==, GST_FLOW_FLUSHING);
    g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_FLUSHING);

    /* job 0 completes its processing, and is not finished */
    tracker_open_gate (t);
    gst_im_work_pool_set_flushing (pool, FALSE);
    g_assert_cmpint (t->n_finished, ==, 0);
    g_assert_cmpint (t->discarded[0], ==, 1);
    g_assert_cmpint (t->discarded[1], ==, 1);
    g_assert_cmpint (t->processed[1], ==, 0);
    for (guint id = 2; id <= 3; id++)
      g_assert_cmpint (t->processed[id] + t->finished[id] +
          t->discarded[id], ==, 0);

    g_assert_cmpint (toy_submit (t, 4), ==, GST_FLOW_OK);
    g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_OK);
    g_assert_cmpint (t->finished[4], ==, 1);
    gst_im_work_pool_free (pool);
    g_assert_cmpint (t->n_discarded, ==, 2);
    tracker_free (t);
  }
}

/* Flushes at random points of a busy stream: every accepted job is
 * finished or discarded exactly once, finished ones in order, and
 * discard never runs while its job is processed. */
static void
test_random_flushes_account_for_every_job (void)
{
  Tracker *t = tracker_new ();
  GstImWorkPool *pool;
  GRand *rand = g_rand_new_with_seed (7);
  guint id;
  gint last = -1;

  t->sleep_max_us = 500;
  pool = toy_pool (t, 3, 5);
  for (id = 0; id < 600; id++) {
    g_assert_cmpint (toy_submit (t, id), ==, GST_FLOW_OK);
    if (g_rand_int_range (rand, 0, 25) == 0) {
      gst_im_work_pool_set_flushing (pool, TRUE);
      gst_im_work_pool_set_flushing (pool, FALSE);
    }
  }
  g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_OK);
  gst_im_work_pool_free (pool);
  assert_each_once (t, id);
  g_assert_cmpint (t->n_discarded, >, 0);
  for (gint i = 0; i < t->n_finished; i++) {
    g_assert_cmpint ((gint) t->finish_order[i], >, last);
    last = t->finish_order[i];
  }
  g_rand_free (rand);
  tracker_free (t);
}

/* clear_flow forgets a kept return equal to its argument only. */
static void
test_clear_flow (void)
{
  Tracker *t = tracker_new ();
  GstImWorkPool *pool;

  t->fail_id = 2;
  t->fail_ret = GST_FLOW_NOT_LINKED;
  pool = toy_pool (t, 2, 1);
  for (guint id = 0; id < 3; id++)
    g_assert_cmpint (toy_submit (t, id), ==, GST_FLOW_OK);
  g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_NOT_LINKED);
  g_assert_cmpint (toy_submit (t, 3), ==, GST_FLOW_NOT_LINKED);

  gst_im_work_pool_clear_flow (pool, GST_FLOW_ERROR);
  g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_NOT_LINKED);
  g_assert_cmpint (toy_submit (t, 3), ==, GST_FLOW_NOT_LINKED);

  gst_im_work_pool_clear_flow (pool, GST_FLOW_NOT_LINKED);
  g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_OK);
  g_assert_cmpint (toy_submit (t, 4), ==, GST_FLOW_OK);
  g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_OK);
  g_assert_cmpint (t->finished[4], ==, 1);
  g_assert_cmpint (t->n_finished, ==, 4);
  gst_im_work_pool_free (pool);
  g_assert_cmpint (t->n_discarded, ==, 0);
  tracker_free (t);
}

/* Freeing a (flushing) pool with jobs in flight discards each of them
 * once, finishes none of them, and clears every thread. */
static void
test_free_discards_jobs_in_flight (void)
{
  for (guint round = 0; round < 10; round++) {
    Tracker *t = tracker_new ();
    GstImWorkPool *pool;
    guint n = 1 + round % 6;

    /* everything held in process until the pool is flushing */
    t->gate_below = MAX_JOBS;
    pool = toy_pool (t, 2, 6);
    for (guint id = 0; id < n; id++)
      g_assert_cmpint (toy_submit (t, id), ==, GST_FLOW_OK);
    g_assert_true (tracker_wait_count (t, &t->processed[0], 1));
    gst_im_work_pool_set_flushing (pool, TRUE);
    tracker_open_gate (t);
    gst_im_work_pool_free (pool);
    g_assert_cmpint (t->n_finished, ==, 0);
    g_assert_cmpint (t->n_discarded, ==, n);
    assert_each_once (t, n);
    g_assert_cmpint (t->n_clears, ==, 2);
    tracker_free (t);
  }
  gst_im_work_pool_free (NULL);
}

/* From inside finish (), as downstream's push does: drain returns at
 * once (the jobs after this one cannot go first), and a flush
 * (set_flushing TRUE then FALSE, a seek from downstream) discards the
 * jobs after it, each once, while this one counts as finished. */
static void
in_finish_drain (Tracker * t, guint id)
{
  if (id == 3)
    g_assert_cmpint (gst_im_work_pool_drain (t->pool), ==, GST_FLOW_OK);
}

static void
in_finish_flush (Tracker * t, guint id)
{
  if (id == 3) {
    gst_im_work_pool_set_flushing (t->pool, TRUE);
    gst_im_work_pool_set_flushing (t->pool, FALSE);
    tracker_bump (t, &t->flushes_done);
  }
}

/* The same flush, but its end (flush-stop) waits until the test's drain
 * has returned: that drain is waiting for job 3, or starts after the flush
 * began, so the flush overtakes it whatever the timing. */
static void
in_finish_flush_around_drain (Tracker * t, guint id)
{
  if (id == 3) {
    gst_im_work_pool_set_flushing (t->pool, TRUE);
    g_assert_true (tracker_wait_count (t, &t->drains_returned, 1));
    gst_im_work_pool_set_flushing (t->pool, FALSE);
    tracker_bump (t, &t->flushes_done);
  }
}

static void
test_calls_from_inside_finish (void)
{
  Tracker *t = tracker_new ();
  GstImWorkPool *pool;
  GstFlowReturn ret;

  t->in_finish = in_finish_drain;
  pool = toy_pool (t, 2, 4);
  for (guint id = 0; id < 8; id++)
    g_assert_cmpint (toy_submit (t, id), ==, GST_FLOW_OK);
  g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_OK);
  g_assert_cmpint (t->n_finished, ==, 8);
  gst_im_work_pool_free (pool);
  tracker_free (t);

  /* a drain that the flush overtakes returns FLUSHING; one that starts
   * after the flush has ended returns OK (the jobs after 3 are discarded,
   * none left to wait for) */
  for (guint overtaken = 0; overtaken <= 1; overtaken++) {
    t = tracker_new ();
    t->in_finish = overtaken ? in_finish_flush_around_drain :
        in_finish_flush;
    t->sleep_max_us = 300;
    /* all 8 accepted before any is processed: none comes after the flush */
    t->gate_below = MAX_JOBS;
    t->gate_until_accepted = 8;
    pool = toy_pool (t, 2, 8);
    for (guint id = 0; id < 8; id++)
      g_assert_cmpint (toy_submit (t, id), ==, GST_FLOW_OK);
    if (!overtaken)
      g_assert_true (tracker_wait_count (t, &t->flushes_done, 1));
    ret = gst_im_work_pool_drain (pool);
    g_assert_cmpint (ret, ==, (overtaken ? GST_FLOW_FLUSHING : GST_FLOW_OK));
    tracker_bump (t, &t->drains_returned);
    g_assert_true (tracker_wait_count (t, &t->flushes_done, 1));
    g_assert_true (tracker_wait_count (t, &t->n_finished, 4));
    g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_OK);
    g_assert_cmpint (t->n_finished, ==, 4);
    for (guint i = 0; i < 4; i++)
      g_assert_cmpint (t->finished[i], ==, 1);
    for (guint i = 4; i < 8; i++)
      g_assert_cmpint (t->discarded[i], ==, 1);
    g_assert_cmpint (toy_submit (t, 8), ==, GST_FLOW_OK);
    g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_OK);
    g_assert_cmpint (t->finished[8], ==, 1);
    gst_im_work_pool_free (pool);
    assert_each_once (t, 9);
    tracker_free (t);
  }
}

/* A job alone shares its parts: each runs exactly once, with the state of
 * the thread running it, and the idle workers (all but the sharer's
 * thread) take part */
static void
test_share_parts_once (void)
{
  Tracker *t = tracker_new ();
  GstImWorkPool *pool;

  t->share_parts = 48;
  t->part_sleep_us = 2000;
  pool = toy_pool (t, 4, 4);
  g_assert_cmpint (toy_submit (t, 0), ==, GST_FLOW_OK);
  g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_OK);
  /* 4 threads, one running the job, none queued */
  g_assert_cmpint (t->idle_seen[0], ==, 3);
  for (guint p = 0; p < t->share_parts; p++)
    g_assert_cmpint (t->part_runs[0][p], ==, 1);
  g_assert_false (t->part_wrong_state);
  /* 96 ms of parts: the three idle workers wake long before the end */
  g_assert_cmpint (t->part_threads_max, >=, 2);
  g_assert_cmpint (t->part_threads_max, <=, 4);
  g_assert_cmpint (t->finished[0], ==, 1);
  gst_im_work_pool_free (pool);
  tracker_free (t);
}

/* Jobs that share while the pool is full of jobs (workers busy, jobs
 * queued), with random flushes: nothing waits forever, every part of a
 * processed job runs once, and jobs still finish in order exactly once */
static void
test_share_busy_and_flushing (void)
{
  for (guint flushes = 0; flushes <= 1; flushes++) {
    Tracker *t = tracker_new ();
    GstImWorkPool *pool;
    GRand *rand = g_rand_new_with_seed (11);
    guint id;
    gint last = -1;

    t->share_parts = 7;
    t->sleep_max_us = 200;
    pool = toy_pool (t, 3, 6);
    for (id = 0; id < 400; id++) {
      g_assert_cmpint (toy_submit (t, id), ==, GST_FLOW_OK);
      if (flushes && g_rand_int_range (rand, 0, 25) == 0) {
        gst_im_work_pool_set_flushing (pool, TRUE);
        gst_im_work_pool_set_flushing (pool, FALSE);
      }
    }
    g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_OK);
    gst_im_work_pool_free (pool);
    assert_each_once (t, id);
    for (guint i = 0; i < id; i++) {
      for (guint p = 0; p < t->share_parts; p++)
        g_assert_cmpint (t->part_runs[i][p], ==, t->processed[i]);
    }
    for (gint i = 0; i < t->n_finished; i++) {
      g_assert_cmpint ((gint) t->finish_order[i], >, last);
      last = t->finish_order[i];
    }
    g_assert_false (t->part_wrong_state);
    g_rand_free (rand);
    tracker_free (t);
  }
}

/* What gst_im_work_pool_idle_workers () says to job 0 of a pool of 4
 * threads as it shares, while job 1 (submitted light or not) is held in
 * process; both then finish, in order */
static gint
idle_next_to_held_job (gboolean light)
{
  Tracker *t = tracker_new ();
  GstImWorkPool *pool;
  gint idle;

  t->share_parts = 4;
  t->gate_only = 1;
  t->share_after = 1;
  pool = toy_pool (t, 4, 4);
  g_assert_cmpint (toy_submit (t, 0), ==, GST_FLOW_OK);
  g_assert_cmpint (toy_submit_full (t, 1, light), ==, GST_FLOW_OK);
  g_assert_true (tracker_wait_count (t, &t->n_shared, 1));
  tracker_open_gate (t);
  g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_OK);
  idle = t->idle_seen[0];
  gst_im_work_pool_free (pool);
  assert_each_once (t, 2);
  g_assert_cmpuint (t->finish_order[0], ==, 0);
  g_assert_cmpuint (t->finish_order[1], ==, 1);
  tracker_free (t);
  return idle;
}

/* Only a job alone in the pool has idle workers to share with: with the
 * next job in flight (processed, waiting for its turn to finish) none,
 * unless that job is a light one (an event kept in order): then the other
 * three; a pool of one thread has none either, every part runs in the
 * sharer */
static void
test_share_idle_count (void)
{
  Tracker *t;
  GstImWorkPool *pool;

  g_assert_cmpint (idle_next_to_held_job (FALSE), ==, 0);
  g_assert_cmpint (idle_next_to_held_job (TRUE), ==, 3);

  t = tracker_new ();
  t->share_parts = 5;
  pool = toy_pool (t, 1, 2);
  g_assert_cmpint (toy_submit (t, 0), ==, GST_FLOW_OK);
  g_assert_cmpint (gst_im_work_pool_drain (pool), ==, GST_FLOW_OK);
  g_assert_cmpint (t->idle_seen[0], ==, 0);
  g_assert_cmpint (t->part_threads_max, ==, 1);
  for (guint p = 0; p < 5; p++)
    g_assert_cmpint (t->part_runs[0][p], ==, 1);
  gst_im_work_pool_free (pool);
  tracker_free (t);
}

/* A wait inside the pool that never ends (a broken pool deadlocks rather
 * than fails) ends the run with the test's name, well before the meson
 * timeout: each test must be over within WATCHDOG_S. */
#define WATCHDOG_S 60

static GMutex watchdog_lock;
static GCond watchdog_cond;
static const gchar *watchdog_test;      /* running, or NULL */
static guint watchdog_generation;

static gpointer
watchdog_main (gpointer data)
{
  g_mutex_lock (&watchdog_lock);
  for (;;) {
    guint generation = watchdog_generation;
    gint64 deadline = g_get_monotonic_time () +
        WATCHDOG_S * G_TIME_SPAN_SECOND;

    while (watchdog_generation == generation &&
        g_cond_wait_until (&watchdog_cond, &watchdog_lock, deadline));
    if (watchdog_generation == generation && watchdog_test) {
      g_printerr ("%s: still running after %d s: a wait in the pool never "
          "ended\n", watchdog_test, WATCHDOG_S);
      abort ();
    }
  }
  return NULL;
}

static void
run_watched (gconstpointer data)
{
  GTestFunc test = (GTestFunc) data;

  g_mutex_lock (&watchdog_lock);
  watchdog_test = g_test_get_path ();
  watchdog_generation++;
  g_cond_broadcast (&watchdog_cond);
  g_mutex_unlock (&watchdog_lock);
  test ();
  g_mutex_lock (&watchdog_lock);
  watchdog_test = NULL;
  watchdog_generation++;
  g_cond_broadcast (&watchdog_cond);
  g_mutex_unlock (&watchdog_lock);
}

static void
add_test (const gchar * path, GTestFunc test)
{
  g_test_add_data_func (path, (gconstpointer) test, run_watched);
}

int
main (int argc, char **argv)
{
  int ret;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_thread_unref (g_thread_new ("watchdog", watchdog_main, NULL));

  add_test ("/workpool/order-and-once", test_order_and_once);
  add_test ("/workpool/max-in-flight", test_max_in_flight);
  add_test ("/workpool/thread-init-and-clear", test_thread_init_and_clear);
  add_test ("/workpool/drain-waits-for-all", test_drain_waits_for_all);
  add_test ("/workpool/failed-finish-kept", test_failed_finish_kept);
  add_test ("/workpool/flushing-wakes-and-discards",
      test_flushing_wakes_and_discards);
  add_test ("/workpool/random-flushes-account-for-every-job",
      test_random_flushes_account_for_every_job);
  add_test ("/workpool/clear-flow", test_clear_flow);
  add_test ("/workpool/free-discards-jobs-in-flight",
      test_free_discards_jobs_in_flight);
  add_test ("/workpool/calls-from-inside-finish",
      test_calls_from_inside_finish);
  add_test ("/workpool/share-parts-once", test_share_parts_once);
  add_test ("/workpool/share-busy-and-flushing",
      test_share_busy_and_flushing);
  add_test ("/workpool/share-idle-count", test_share_idle_count);

  ret = g_test_run ();
  gst_deinit ();
  return ret;
}
