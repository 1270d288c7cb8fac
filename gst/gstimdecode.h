/* gst-imencode: the imdecode element
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IMDECODE_H__
#define __GST_IMDECODE_H__

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_IMDECODE (gst_imdecode_get_type ())
G_DECLARE_FINAL_TYPE (GstImdecode, gst_imdecode, GST, IMDECODE, GstElement);

/* The value is the scale's denominator. */
typedef enum
{
  GST_IMDECODE_SCALE_1 = 1,
  GST_IMDECODE_SCALE_1_2 = 2,
  GST_IMDECODE_SCALE_1_4 = 4,
  GST_IMDECODE_SCALE_1_8 = 8,
} GstImdecodeScale;

/* How input buffers cut the images (the framing property). */
typedef enum
{
  GST_IMDECODE_FRAMING_AUTO,    /* BUFFER for parsed=true or
                                 * application/x-base64 caps, else STREAM */
  GST_IMDECODE_FRAMING_BUFFER,  /* each buffer whole images (or a record) */
  GST_IMDECODE_FRAMING_STREAM,  /* images cut anywhere */
} GstImdecodeFraming;

G_END_DECLS

#endif /* __GST_IMDECODE_H__ */
