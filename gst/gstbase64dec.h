/* gst-imencode: the base64dec element
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_BASE64DEC_H__
#define __GST_BASE64DEC_H__

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_BASE64DEC (gst_base64dec_get_type ())
G_DECLARE_FINAL_TYPE (GstBase64dec, gst_base64dec, GST, BASE64DEC,
    GstElement);

/* What one record of text is (the "records" property). */
typedef enum
{
  GST_BASE64DEC_RECORDS_BUFFER,
  GST_BASE64DEC_RECORDS_LINE,
  GST_BASE64DEC_RECORDS_AUTO,   /* BUFFER after application/x-base64 caps,
                                 * LINE otherwise */
} GstBase64decRecords;

G_END_DECLS

#endif /* __GST_BASE64DEC_H__ */
