/* gst-imencode: a pool of worker threads with ordered output
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IM_WORK_POOL_H__
#define __GST_IM_WORK_POOL_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* Frame-parallel processing for an element with one sink and one source
 * pad. The streaming thread submits jobs; worker threads process them in
 * any order and concurrently; finished jobs are handed back in submission
 * order, one at a time, by whichever worker completes the oldest job (so
 * output goes out as soon as it can, without another thread). At most
 * max_in_flight jobs are submitted and not yet finished: submitting more
 * blocks (back-pressure, bounded memory). Jobs live in the pool's own
 * fixed slots, so steady-state submission allocates nothing. */
typedef struct _GstImWorkPool GstImWorkPool;

typedef struct
{
  /* Makes one worker thread's private state (encoder handles, scratch);
   * runs in that thread before its first job. */
  gpointer (*thread_init) (gpointer user_data);
  /* Frees what thread_init made; runs in the worker thread as it exits. */
  void (*thread_clear) (gpointer thread_state, gpointer user_data);
  /* Does the work of @job, in a worker thread, concurrently with other
   * jobs. Must not push anything. */
  void (*process) (gpointer thread_state, gpointer job, gpointer user_data);
  /* Hands a processed @job on (pushes its result downstream) and releases
   * what it holds. Called in submission order, never concurrently. A
   * non-OK return is kept until the next flush: submit and drain report
   * it, and the jobs after it are discarded instead of finished. */
  GstFlowReturn (*finish) (gpointer job, gpointer user_data);
  /* Releases what an unfinished @job holds when a flush or the pool's end
   * drops it (processed or not). */
  void (*discard) (gpointer job, gpointer user_data);
} GstImWorkPoolFuncs;

/* One part of a job's work that gst_im_work_pool_share() spreads over
 * idle workers: called with the running thread's own state. */
typedef void (*GstImWorkPoolPartFunc) (gpointer thread_state, guint part,
    gpointer data);

/* Starts @n_threads (>= 1) worker threads, named after @name, for jobs of
 * @job_size bytes with at most @max_in_flight (>= 1) in flight. @funcs is
 * copied; @user_data is passed to every function and must outlive the
 * pool. */
GstImWorkPool *gst_im_work_pool_new (const gchar * name, guint n_threads,
    guint max_in_flight, gsize job_size, const GstImWorkPoolFuncs * funcs,
    gpointer user_data);

/* Drops every unfinished job (discard), stops and joins the threads and
 * frees @pool. NULL is allowed. Call with the pool flushing, or drained,
 * so that no finish is pushing downstream. */
void gst_im_work_pool_free (GstImWorkPool * pool);

/* The number of worker threads @pool was made with. */
guint gst_im_work_pool_get_n_threads (GstImWorkPool * pool);

/* The most jobs @pool holds in flight, as made. */
guint gst_im_work_pool_get_max_in_flight (GstImWorkPool * pool);

/* From a job's process (), in a worker thread of @pool: the workers with
 * nothing to do now (not processing, not helping) when the calling job is
 * alone (no other job being processed or queued, light ones aside: a
 * stream's next jobs would keep them busy better than shared parts); 0
 * otherwise. A hint: it
 * may change at once. */
guint gst_im_work_pool_idle_workers (GstImWorkPool * pool);

/* From a job's process (), in a worker thread of @pool with its
 * @thread_state: runs @func on parts 0 .. @n_parts - 1 of @data, in this
 * thread and in idle workers (each with its own thread state), and returns
 * once every part has run. A worker takes a part only when no job is
 * queued for it; the parts nobody else has taken run here, so this never
 * waits for a worker to become free: only for parts already running
 * elsewhere. Parts must not push, block, or share again. */
void gst_im_work_pool_share (GstImWorkPool * pool, gpointer thread_state,
    guint n_parts, GstImWorkPoolPartFunc func, gpointer data);

/* Copies the @job_size bytes at @job into a free slot and queues it,
 * waiting while max_in_flight jobs are in flight. Returns GST_FLOW_OK when
 * the job was taken. Otherwise the job was not taken (the caller still
 * owns what it holds) and the return is GST_FLOW_FLUSHING while the pool
 * is flushing, or the first non-OK return of a finish since the last
 * flush. */
GstFlowReturn gst_im_work_pool_submit (GstImWorkPool * pool,
    gconstpointer job);

/* As gst_im_work_pool_submit () for a job whose process () does next to
 * nothing (an event kept in order with the jobs around it): such jobs do
 * not count as busy in gst_im_work_pool_idle_workers (), so that a large
 * job next to one is still shared. */
GstFlowReturn gst_im_work_pool_submit_light (GstImWorkPool * pool,
    gconstpointer job);

/* Waits until every submitted job is finished (or discarded after a
 * failed finish); from inside a finish () it does not wait. Returns GST_FLOW_FLUSHING if the pool is or becomes
 * flushing, else the first non-OK return of a finish since the last
 * flush, else GST_FLOW_OK. */
GstFlowReturn gst_im_work_pool_drain (GstImWorkPool * pool);

/* Forgets a kept finish return equal to @ret (e.g. GST_FLOW_NOT_LINKED
 * when downstream asks to reconfigure after a relink). */
void gst_im_work_pool_clear_flow (GstImWorkPool * pool, GstFlowReturn ret);

/* TRUE (flush-start, any thread): submit and drain return
 * GST_FLOW_FLUSHING at once, workers start no new job and nothing more is
 * finished. FALSE (flush-stop, streaming thread or, for a seek made from
 * downstream, the thread in finish ()): waits for the jobs being processed
 * and finished (but not for the caller's own finish), discards every
 * unfinished job, forgets the kept return and accepts jobs again. */
void gst_im_work_pool_set_flushing (GstImWorkPool * pool, gboolean flushing);

G_END_DECLS

#endif /* __GST_IM_WORK_POOL_H__ */
