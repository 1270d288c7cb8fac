/* gst-imencode: imencode's source caps, chosen with downstream
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IMENCODE_NEGOTIATE_H__
#define __GST_IMENCODE_NEGOTIATE_H__

#include <gst/gst.h>

#include "gstimencodesettings.h"
#include "gstimencodeworker.h"

G_BEGIN_DECLS

/* What imencode asks downstream for. */
typedef struct
{
  GstImencodeFormat format;
  GstImencodeEncoding encoding;
  gboolean regions;             /* region mode: caps carry no size */
  guint natural_width, natural_height;  /* whole frame: the planned size */
  gboolean size_free;           /* downstream may choose the size */
  gint fps_n, fps_d;
} GstImencodeRequest;

/* What the source pad was negotiated to, for the request it answered. */
typedef struct
{
  GstImencodeRequest req;
  gboolean png;                 /* else JPEG */
  GstImencodeText text;
  guint width, height;          /* whole frame: the size downstream chose */
} GstImencodeNegotiated;

/* Whether two requests ask for the same thing. */
gboolean gst_imencode_request_equal (const GstImencodeRequest * a,
    const GstImencodeRequest * b);

/* Chooses format, encoding and size for @req among what the peer of
 * @srcpad accepts (binary before base64, then data URI; JPEG before PNG),
 * sets the caps on @srcpad and fills @neg. On failure posts an error on
 * @element naming what the properties allow and, when only the size
 * disagrees, the sizes, and returns FALSE. Streaming thread. */
gboolean gst_imencode_negotiate (GstElement * element, GstPad * srcpad,
    const GstImencodeRequest * req, GstImencodeNegotiated * neg);

G_END_DECLS

#endif /* __GST_IMENCODE_NEGOTIATE_H__ */
