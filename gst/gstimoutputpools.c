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

struct _GstImOutputPools
{
  GMutex lock;                  /* making a class's pool */
  GstBufferPool *pools[MAX_CLASS + 1];
};

GstImOutputPools *
gst_im_output_pools_new (void)
{
  GstImOutputPools *pools = g_new0 (GstImOutputPools, 1);

  g_mutex_init (&pools->lock);
  return pools;
}

void
gst_im_output_pools_free (GstImOutputPools * pools)
{
  if (!pools)
    return;
  for (guint c = 0; c <= MAX_CLASS; c++) {
    if (pools->pools[c]) {
      gst_buffer_pool_set_active (pools->pools[c], FALSE);
      gst_object_unref (pools->pools[c]);
    }
  }
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

    pool = gst_buffer_pool_new ();
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
