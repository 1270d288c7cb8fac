/* gst-imencode: the ImencodeMeta custom meta
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IMENCODE_META_H__
#define __GST_IMENCODE_META_H__

#include <gst/gst.h>

#include "gstimencodeplan.h"
#include "imcore-image.h"

G_BEGIN_DECLS

/* Name of the GstCustomMeta every imencode output buffer carries. */
#define GST_IMENCODE_META_NAME "ImencodeMeta"

/* Registers the custom meta once per process; TRUE when it is usable. */
gboolean gst_imencode_meta_register (void);

/* Gives @buffer (writable) an ImencodeMeta for the image @plan made from
 * a @frame_width x @frame_height frame: G_TYPE_INT fields x, y, width,
 * height (the source rectangle), frame-width, frame-height, image-width,
 * image-height (the encoded image), content-x, content-y, content-width,
 * content-height (where the source rectangle lies in the image: all of it
 * but with letterbox), quality when @quality > 0 (JPEG), and, for an
 * image of @region (NULL in whole-frame mode), roi-id (int), roi-type
 * (string) and, where known, confidence (double) and track-id (int64).
 * The meta is marked pooled: a buffer pool keeps it on the buffer, and
 * the next call on the recycled buffer rewrites its fields in place
 * (dropping any others) instead of allocating a new meta and structure.
 * FALSE if no meta could be added. */
gboolean gst_imencode_meta_add (GstBuffer * buffer, const ImcorePlan * plan,
    guint frame_width, guint frame_height, const GstImencodeRegion * region,
    gint quality);

G_END_DECLS

#endif /* __GST_IMENCODE_META_H__ */
