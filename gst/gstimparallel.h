/* gst-imencode: ordered-parallel processing for an element's stream
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IM_PARALLEL_H__
#define __GST_IM_PARALLEL_H__

#include <gst/gst.h>

#include "gstimworkpool.h"

G_BEGIN_DECLS

/* What an element with one sink and one source pad needs to process its
 * items (frames, images) on worker threads and still behave as a plain
 * GStreamer filter, done once for every such element (imencode,
 * imdecode):
 * - the thread count (the element's `threads` setting: 0 = one per core,
 *   1 = in the streaming thread) and the items in flight (twice the
 *   threads, and at most GST_IM_PARALLEL_MAX_BYTES_IN_FLIGHT of items);
 *   a work pool (gstimworkpool.h) made and replaced as they change, and
 *   freed when the element stops;
 * - serialized events that travel in order with the items: an event sent
 *   while items are in flight goes out when the items before it have;
 *   events that must follow caps not yet set are held until they are;
 * - flushing (flush-start from any thread, flush-stop under the stream
 *   lock), RECONFIGURE after a relink, and the downstream flow that
 *   upstream never heard of, for EOS;
 * - latency: the LATENCY query answered from the pool actually running
 *   (one frame duration with threads, more once an item has been seen to
 *   take longer, each raise posted as a latency message), and a message
 *   whenever the running thread count changes.
 *
 * Threads: "streaming" functions are called from the streaming thread of
 * the sink pad (chain, serialized events) only; "any" from any thread.
 * The element's functions (@funcs) are called as gstimworkpool.h says,
 * with the element as their user_data; with one thread, process and
 * finish run in the streaming thread inside gst_im_parallel_submit(). */
typedef struct _GstImParallel GstImParallel;

/* Items in flight hold at most this many bytes of frames (twice the
 * threads in 4K RGBA frames would otherwise be gigabytes on many cores). */
#define GST_IM_PARALLEL_MAX_BYTES_IN_FLIGHT (G_GUINT64_CONSTANT (256) << 20)

/* The most threads the `threads` setting may ask for. */
#define GST_IM_PARALLEL_MAX_THREADS 64

/* Machinery for @element (not referenced: the element owns it) whose
 * results go out on @srcpad, for jobs of @job_size bytes handled by
 * @funcs (copied). Worker threads are named @name. Nothing runs until
 * gst_im_parallel_configure(). */
GstImParallel *gst_im_parallel_new (GstElement * element, GstPad * srcpad,
    const gchar * name, gsize job_size, const GstImWorkPoolFuncs * funcs);

/* Frees @par and what it holds (the element has stopped). NULL allowed. */
void gst_im_parallel_free (GstImParallel * par);

/* Streaming (or a state change with streaming stopped): makes the running
 * machinery match the `threads` setting @threads and items of
 * @item_size bytes (0: not known yet). When it must replace a pool, the
 * items in flight go out first; a non-OK return is that drain's (nothing
 * changed). Posts a latency message when the running thread count
 * changes after the first configuration. */
GstFlowReturn gst_im_parallel_configure (GstImParallel * par, guint threads,
    gsize item_size);

/* Any: the threads running (1: in the streaming thread; 0: not
 * configured). */
guint gst_im_parallel_get_n_threads (GstImParallel * par);

/* Any: the most items the running machinery holds at once (1 with one
 * thread; 0: not configured): what an ALLOCATION answer asks upstream's
 * pool to allow for. */
guint gst_im_parallel_get_max_in_flight (GstImParallel * par);

/* Streaming: processes and finishes @job (@job_size bytes, copied) in
 * order with the items and events before it. With one thread that happens
 * here, with the streaming thread's own thread state (made with
 * thread_init on first use). Returns the first downstream failure or
 * GST_FLOW_FLUSHING; then the job was discarded (its discard ran). */
GstFlowReturn gst_im_parallel_submit (GstImParallel * par,
    gconstpointer job);

/* In a job's process (): how many other threads have nothing to do now,
 * when no other item is being processed or waits to be (0 otherwise, and
 * with one thread): worth sharing a large job with. */
guint gst_im_parallel_idle_threads (GstImParallel * par);

/* In a job's process (), with the @thread_state it was given: runs @func
 * on parts 0 .. @n_parts - 1 of @data here and in idle threads, and
 * returns when all have run (gst_im_work_pool_share(); with one thread,
 * all here). */
void gst_im_parallel_share (GstImParallel * par, gpointer thread_state,
    guint n_parts, GstImWorkPoolPartFunc func, gpointer data);

/* Streaming: sends the serialized downstream @event (taken) in order with
 * the items: held while @srcpad has no caps (events that must follow
 * caps: not stream-start, caps, EOS), queued behind the items in flight,
 * or pushed at once. Returns FALSE only if it was pushed and refused. A
 * flush drops queued events, except sticky ones (tags, stream-start...),
 * which are stored on @srcpad to go out with the next push. */
gboolean gst_im_parallel_send_event (GstImParallel * par, GstEvent * event);

/* Streaming: pushes the events held for caps, now that @srcpad has them. */
void gst_im_parallel_release_held (GstImParallel * par);

/* Streaming: waits until every item and event in flight is out. Returns
 * GST_FLOW_FLUSHING when flushing, else the first downstream failure
 * since the last flush (which upstream hears of through this return),
 * else GST_FLOW_OK. */
GstFlowReturn gst_im_parallel_drain (GstImParallel * par);

/* Any thread with the sink pad's stream lock (a serialized query): waits
 * as gst_im_parallel_drain() does, for a caller that does not hand the
 * return to upstream (a failure stays to be reported at EOS). */
GstFlowReturn gst_im_parallel_wait (GstImParallel * par);

/* Streaming, at EOS: drains and lets out the held events. Returns the
 * downstream failure that upstream never heard of (the element posts it
 * with GST_ELEMENT_FLOW_ERROR instead of forwarding a clean EOS), else
 * GST_FLOW_OK. */
GstFlowReturn gst_im_parallel_finish_stream (GstImParallel * par);

/* Any (flush-start, or a state change): items in flight are dropped, a
 * streaming thread waiting for room returns GST_FLOW_FLUSHING. */
void gst_im_parallel_flush_start (GstImParallel * par);

/* Flush-stop (under the sink pad's stream lock, from any thread, also
 * from inside a finish for a seek made downstream), or a state change
 * that failed: accepts items again, forgets the kept downstream failure
 * and the held events. */
void gst_im_parallel_flush_stop (GstImParallel * par);

/* Streaming stopped (PAUSED to READY): frees the threads, the
 * streaming thread's state and the held events; the next
 * gst_im_parallel_configure() starts over. */
void gst_im_parallel_stop (GstImParallel * par);

/* Any: @event arrived on the source pad; a RECONFIGURE (a relink) lets
 * the workers push again after NOT_LINKED, as queue does. The caller
 * still handles @event. */
void gst_im_parallel_src_event (GstImParallel * par, GstEvent * event);

/* Streaming: the items' frame rate, for latency (0/x: unknown). */
void gst_im_parallel_set_framerate (GstImParallel * par, gint fps_n,
    gint fps_d);

/* Any: answers the LATENCY @query on the source pad: asks upstream through
 * @sinkpad's peer, then adds what the running machinery adds. FALSE when
 * upstream did not answer. */
gboolean gst_im_parallel_query_latency (GstImParallel * par,
    GstPad * sinkpad, GstQuery * query);

G_END_DECLS

#endif /* __GST_IM_PARALLEL_H__ */
