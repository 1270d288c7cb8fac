/* gst-imencode: the JSON event around an encoded image (encoding=json)
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IMENCODE_EVENT_H__
#define __GST_IMENCODE_EVENT_H__

#include <gst/gst.h>

#include "gstimencodeplan.h"

G_BEGIN_DECLS

/* What one event says about its image. */
typedef struct
{
  GstClockTime pts, duration;   /* GST_CLOCK_TIME_NONE: null */
  GstClockTime utc;             /* ns since the Unix epoch, or NONE */
  guint frame_width, frame_height;
  ImcoreRect box;               /* the source rectangle used */
  const GstImencodeImage *image;        /* region (if any) and reason */
  gboolean png;                 /* else JPEG */
  guint width, height;          /* of the encoded image */
  const gchar *tags;            /* a compact JSON object, or NULL */
} GstImencodeEvent;

/* What follows the base64 data: the end of the data string, of "image",
 * of the event, and the newline. */
#define GST_IMENCODE_EVENT_TAIL "\"}}\n"
#define GST_IMENCODE_EVENT_TAIL_LEN 4

/* The most bytes gst_imencode_event_write_head() writes for @ev. */
gsize gst_imencode_event_head_bound (const GstImencodeEvent * ev);

/* Writes the start of @ev's JSON object into @out (@size bytes): every
 * field in the order pts, duration, frame, box, roi (region mode; only
 * the fields known, then image_box, the detector's box mapped into the
 * image by gst_imencode_plan_map_box() when any of it is in the image, and
 * classes when the region has any), reason, utc (when known), tags (when
 * set, as they are), then "image" up to and
 * including the opening quote of its "data" string, so that the base64
 * text and GST_IMENCODE_EVENT_TAIL complete one line of NDJSON. Returns
 * the bytes written, or 0 if they do not fit. */
gsize gst_imencode_event_write_head (const GstImencodeEvent * ev,
    guint8 * out, gsize size);

/* The reason's name in events ("frame", "region", "first", "best",
 * "improving", "snapshot"). */
const gchar *gst_imencode_reason_name (GstImencodeReason reason);

G_END_DECLS

#endif /* __GST_IMENCODE_EVENT_H__ */
