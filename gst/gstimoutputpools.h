/* gst-imencode: output buffers sized to what they carry
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IM_OUTPUT_POOLS_H__
#define __GST_IM_OUTPUT_POOLS_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* Buffer pools by size class: a request for n bytes takes a buffer from
 * the pool of the smallest power of two >= n (at least 4 KiB), so every
 * buffer holds at most twice what it carries (plus the 4 KiB floor), and
 * in a steady state nothing is allocated: each class's buffers come back
 * to it when downstream drops them (up to a bound of idle ones). Thread-safe: any number of workers
 * acquire at once. Buffers keep their metas (pooled ones, e.g.
 * ImencodeMeta, are reused). */
typedef struct _GstImOutputPools GstImOutputPools;

/* New, empty pools; a class's pool is made on its first request. Each
 * keeps at most @max_idle (>= 1) buffers that nobody holds; more coming
 * back (after a burst) are freed. */
GstImOutputPools *gst_im_output_pools_new (guint max_idle);

/* Frees the idle buffers of every class and forgets the pools (the
 * element stopped); buffers still out are freed when dropped. Any thread,
 * but not while another acquires. */
void gst_im_output_pools_release (GstImOutputPools * pools);

/* Deactivates and frees the pools (buffers still out are freed when
 * dropped). NULL is allowed. */
void gst_im_output_pools_free (GstImOutputPools * pools);

/* A buffer of exactly @size bytes (its memory has the class's size), or
 * NULL when @size is 0 or beyond what a buffer pool can hold (4 GiB). */
GstBuffer *gst_im_output_pools_acquire (GstImOutputPools * pools,
    gsize size);

G_END_DECLS

#endif /* __GST_IM_OUTPUT_POOLS_H__ */
