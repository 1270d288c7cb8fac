/* gst-imencode: output buffers sized to what they carry
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstimoutputpools.h"

#define MIN_CLASS 12            /* 4 KiB */
#define MAX_CLASS 31            /* 2 GiB: a pool's sizes are guint */

/* ---- a buffer pool that keeps at most max_idle buffers idle ---- */

/* GstBufferPool keeps every buffer that comes back; this one frees those
 * beyond max_idle, so that a burst (a slow consumer holding hundreds of
 * outputs) does not stay cached for the element's life. Counts are
 * approximate under races between threads, which only changes whether a
 * buffer is freed or kept, never correctness. */
typedef struct
{
  GstBufferPool parent;
  gint allocated;               /* buffers that exist */
  gint out;                     /* buffers acquired and not released */
  gint max_idle;
} GstImBoundedPool;

typedef struct
{
  GstBufferPoolClass parent_class;
} GstImBoundedPoolClass;

static GType gst_im_bounded_pool_get_type (void);
G_DEFINE_TYPE (GstImBoundedPool, gst_im_bounded_pool, GST_TYPE_BUFFER_POOL);

static GstFlowReturn
gst_im_bounded_pool_alloc_buffer (GstBufferPool * pool, GstBuffer ** buffer,
    GstBufferPoolAcquireParams * params)
{
  GstImBoundedPool *self = (GstImBoundedPool *) pool;
  GstFlowReturn ret;

  ret = GST_BUFFER_POOL_CLASS (gst_im_bounded_pool_parent_class)->alloc_buffer
      (pool, buffer, params);
  if (ret == GST_FLOW_OK)
    g_atomic_int_inc (&self->allocated);
  return ret;
}

static void
gst_im_bounded_pool_free_buffer (GstBufferPool * pool, GstBuffer * buffer)
{
  GstImBoundedPool *self = (GstImBoundedPool *) pool;

  g_atomic_int_add (&self->allocated, -1);
  GST_BUFFER_POOL_CLASS (gst_im_bounded_pool_parent_class)->free_buffer
      (pool, buffer);
}

static GstFlowReturn
gst_im_bounded_pool_acquire_buffer (GstBufferPool * pool,
    GstBuffer ** buffer, GstBufferPoolAcquireParams * params)
{
  GstImBoundedPool *self = (GstImBoundedPool *) pool;
  GstFlowReturn ret;

  ret = GST_BUFFER_POOL_CLASS (gst_im_bounded_pool_parent_class)->
      acquire_buffer (pool, buffer, params);
  if (ret == GST_FLOW_OK)
    g_atomic_int_inc (&self->out);
  return ret;
}

static void
gst_im_bounded_pool_release_buffer (GstBufferPool * pool, GstBuffer * buffer)
{
  GstImBoundedPool *self = (GstImBoundedPool *) pool;
  gint out = g_atomic_int_add (&self->out, -1) - 1;

  /* the default release frees a buffer whose memory is tagged, instead of
   * queueing it: the way to drop one beyond the idle bound */
  if (g_atomic_int_get (&self->allocated) - out > self->max_idle)
    GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_TAG_MEMORY);
  GST_BUFFER_POOL_CLASS (gst_im_bounded_pool_parent_class)->release_buffer
      (pool, buffer);
}

static void
gst_im_bounded_pool_class_init (GstImBoundedPoolClass * klass)
{
  GstBufferPoolClass *pool_class = GST_BUFFER_POOL_CLASS (klass);

  pool_class->alloc_buffer = gst_im_bounded_pool_alloc_buffer;
  pool_class->free_buffer = gst_im_bounded_pool_free_buffer;
  pool_class->acquire_buffer = gst_im_bounded_pool_acquire_buffer;
  pool_class->release_buffer = gst_im_bounded_pool_release_buffer;
}

static void
gst_im_bounded_pool_init (GstImBoundedPool * self)
{
}

/* ---- pools by size class ---- */

struct _GstImOutputPools
{
  GMutex lock;                  /* the pools */
  guint max_idle;
  GstBufferPool *pools[MAX_CLASS + 1];
};

GstImOutputPools *
gst_im_output_pools_new (guint max_idle)
{
  GstImOutputPools *pools = g_new0 (GstImOutputPools, 1);

  g_mutex_init (&pools->lock);
  pools->max_idle = MAX (max_idle, 1);
  return pools;
}

void
gst_im_output_pools_release (GstImOutputPools * pools)
{
  GstBufferPool *old[MAX_CLASS + 1];

  g_mutex_lock (&pools->lock);
  for (guint c = 0; c <= MAX_CLASS; c++) {
    old[c] = pools->pools[c];
    pools->pools[c] = NULL;
  }
  g_mutex_unlock (&pools->lock);
  for (guint c = 0; c <= MAX_CLASS; c++) {
    if (old[c]) {
      /* frees the idle buffers; those still out are freed when dropped */
      gst_buffer_pool_set_active (old[c], FALSE);
      gst_object_unref (old[c]);
    }
  }
}

void
gst_im_output_pools_free (GstImOutputPools * pools)
{
  if (!pools)
    return;
  gst_im_output_pools_release (pools);
  g_mutex_clear (&pools->lock);
  g_free (pools);
}

/* The pool of class @c (buffers of 2^@c bytes), made on first use. */
static GstBufferPool *
gst_im_output_pools_get (GstImOutputPools * pools, guint c)
{
  GstBufferPool *pool;

  g_mutex_lock (&pools->lock);
  pool = pools->pools[c];
  if (!pool) {
    GstStructure *config;

    pool = g_object_new (gst_im_bounded_pool_get_type (), NULL);
    gst_object_ref_sink (pool);
    ((GstImBoundedPool *) pool)->max_idle = pools->max_idle;
    config = gst_buffer_pool_get_config (pool);
    gst_buffer_pool_config_set_params (config, NULL, 1u << c, 0, 0);
    if (gst_buffer_pool_set_config (pool, config) &&
        gst_buffer_pool_set_active (pool, TRUE)) {
      pools->pools[c] = pool;
    } else {
      gst_object_unref (pool);
      pool = NULL;
    }
  }
  if (pool)
    gst_object_ref (pool);
  g_mutex_unlock (&pools->lock);
  return pool;
}

GstBuffer *
gst_im_output_pools_acquire (GstImOutputPools * pools, gsize size)
{
  GstBufferPool *pool;
  GstBuffer *buf = NULL;
  guint c;

  if (size == 0 || size > ((gsize) 1 << MAX_CLASS))
    return NULL;
  c = MAX (g_bit_storage (size - 1), MIN_CLASS);
  pool = gst_im_output_pools_get (pools, c);
  if (!pool)
    return NULL;
  if (gst_buffer_pool_acquire_buffer (pool, &buf, NULL) != GST_FLOW_OK)
    buf = NULL;
  gst_object_unref (pool);
  if (buf)
    gst_buffer_set_size (buf, size);
  return buf;
}
