/* gst-imencode: the base64enc element
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_BASE64ENC_H__
#define __GST_BASE64ENC_H__

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_BASE64ENC (gst_base64enc_get_type ())
G_DECLARE_FINAL_TYPE (GstBase64enc, gst_base64enc, GST, BASE64ENC,
    GstElement);

/* What one record is (the "records" property). */
typedef enum
{
  GST_BASE64ENC_RECORDS_BUFFER, /* each input buffer */
  GST_BASE64ENC_RECORDS_STREAM, /* the whole stream, up to EOS or a flush */
} GstBase64encRecords;

G_END_DECLS

#endif /* __GST_BASE64ENC_H__ */
