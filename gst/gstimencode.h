/* gst-imencode: the imencode element
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IMENCODE_H__
#define __GST_IMENCODE_H__

#include <gst/gst.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

#define GST_TYPE_IMENCODE (gst_imencode_get_type ())
G_DECLARE_FINAL_TYPE (GstImencode, gst_imencode, GST, IMENCODE, GstElement);

typedef enum
{
  GST_IMENCODE_FORMAT_AUTO,
  GST_IMENCODE_FORMAT_JPEG,
  GST_IMENCODE_FORMAT_PNG,
} GstImencodeFormat;

typedef enum
{
  GST_IMENCODE_ENCODING_AUTO,
  GST_IMENCODE_ENCODING_BINARY,
  GST_IMENCODE_ENCODING_BASE64,
  GST_IMENCODE_ENCODING_DATA_URI,
} GstImencodeEncoding;

typedef enum
{
  GST_IMENCODE_SUBSAMPLING_AUTO,
  GST_IMENCODE_SUBSAMPLING_444,
  GST_IMENCODE_SUBSAMPLING_422,
  GST_IMENCODE_SUBSAMPLING_420,
  GST_IMENCODE_SUBSAMPLING_GRAY,
} GstImencodeSubsampling;

typedef enum
{
  GST_IMENCODE_METHOD_NEAREST,
  GST_IMENCODE_METHOD_BILINEAR,
  GST_IMENCODE_METHOD_BICUBIC,
  GST_IMENCODE_METHOD_LANCZOS,
} GstImencodeMethod;

typedef enum
{
  GST_IMENCODE_ASPECT_MODE_STRETCH,
  GST_IMENCODE_ASPECT_MODE_LETTERBOX,
  GST_IMENCODE_ASPECT_MODE_FILL,
} GstImencodeAspectMode;

G_END_DECLS

#endif /* __GST_IMENCODE_H__ */
