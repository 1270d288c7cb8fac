/* gst-imencode: one frame -> one encoded image, with reusable state
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IMENCODE_WORKER_H__
#define __GST_IMENCODE_WORKER_H__

#include <gst/video/video.h>

#include "imcore.h"

G_BEGIN_DECLS

/* How the encoded image is wrapped in the output buffer. */
typedef enum
{
  GST_IMENCODE_TEXT_NONE,       /* the JPEG/PNG bytes */
  GST_IMENCODE_TEXT_BASE64,     /* their base64 text */
  GST_IMENCODE_TEXT_DATA_URI,   /* "data:image/...;base64," + the text */
} GstImencodeText;

/* Everything needed to encode one image from one frame. */
typedef struct
{
  gboolean png;                 /* else JPEG */
  GstImencodeText text;
  gint quality;
  ImcoreSubsampling subsampling;
  gint compression_level;
  GstVideoResamplerMethod method;
  guint32 pad_argb;
  ImcorePlan plan;
} GstImencodeJob;

/* Per-thread encoding state: the JPEG encoder handle, a cached video
 * converter and scratch memory, all reused from frame to frame. */
typedef struct _GstImencodeWorker GstImencodeWorker;

/* A new worker; never NULL (aborts only if GLib cannot allocate). */
GstImencodeWorker *gst_imencode_worker_new (void);

/* Frees @worker; NULL is allowed. */
void gst_imencode_worker_free (GstImencodeWorker * worker);

/* Encodes the image @job describes from the mapped @frame and returns a new
 * buffer holding exactly one complete file (or its base64 text), without
 * timestamps or meta. @job->plan must lie inside the frame. Crops that need
 * no scaling are read through a pointer offset; anything else goes through
 * one GstVideoConverter pass. On failure returns NULL and sets @error. */
GstBuffer *gst_imencode_worker_encode (GstImencodeWorker * worker,
    const GstVideoFrame * frame, const GstImencodeJob * job, GError ** error);

G_END_DECLS

#endif /* __GST_IMENCODE_WORKER_H__ */
