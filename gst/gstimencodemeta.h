/* gst-imencode: the ImencodeMeta custom meta
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IMENCODE_META_H__
#define __GST_IMENCODE_META_H__

#include <gst/gst.h>

#include "imcore-image.h"

G_BEGIN_DECLS

/* Name of the GstCustomMeta every imencode output buffer carries. */
#define GST_IMENCODE_META_NAME "ImencodeMeta"

/* Registers the custom meta once per process; TRUE when it is usable. */
gboolean gst_imencode_meta_register (void);

/* Gives @buffer (writable) an ImencodeMeta describing the source rectangle
 * @src of a @frame_width x @frame_height frame (all as G_TYPE_INT fields
 * x, y, width, height, frame-width, frame-height), and returns its
 * structure (owned by the meta) for further fields such as the region's
 * roi-id and roi-type. The meta is marked pooled: a buffer pool keeps it
 * on the buffer, and the next call on the recycled buffer rewrites the
 * fields in place instead of allocating a new meta and structure. */
GstStructure *gst_imencode_meta_add (GstBuffer * buffer,
    const ImcoreRect * src, guint frame_width, guint frame_height);

G_END_DECLS

#endif /* __GST_IMENCODE_META_H__ */
