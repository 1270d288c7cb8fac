/* gst-imencode: glue between GstVideo frames and the core's image views
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstimvideo.h"

#include <string.h>

static const struct
{
  GstVideoFormat gst;
  ImcorePixelFormat core;
} format_map[] = {
  {GST_VIDEO_FORMAT_GRAY8, IMCORE_PIXEL_GRAY8},
  {GST_VIDEO_FORMAT_RGB, IMCORE_PIXEL_RGB},
  {GST_VIDEO_FORMAT_BGR, IMCORE_PIXEL_BGR},
  {GST_VIDEO_FORMAT_RGBA, IMCORE_PIXEL_RGBA},
  {GST_VIDEO_FORMAT_BGRA, IMCORE_PIXEL_BGRA},
  {GST_VIDEO_FORMAT_ARGB, IMCORE_PIXEL_ARGB},
  {GST_VIDEO_FORMAT_ABGR, IMCORE_PIXEL_ABGR},
  {GST_VIDEO_FORMAT_RGBx, IMCORE_PIXEL_RGBX},
  {GST_VIDEO_FORMAT_BGRx, IMCORE_PIXEL_BGRX},
  {GST_VIDEO_FORMAT_xRGB, IMCORE_PIXEL_XRGB},
  {GST_VIDEO_FORMAT_xBGR, IMCORE_PIXEL_XBGR},
  {GST_VIDEO_FORMAT_I420, IMCORE_PIXEL_I420},
  {GST_VIDEO_FORMAT_YV12, IMCORE_PIXEL_I420},
  {GST_VIDEO_FORMAT_Y42B, IMCORE_PIXEL_I422},
  {GST_VIDEO_FORMAT_Y444, IMCORE_PIXEL_I444},
};

ImcorePixelFormat
gst_im_video_pixel_format (GstVideoFormat format)
{
  for (guint i = 0; i < G_N_ELEMENTS (format_map); i++) {
    if (format_map[i].gst == format)
      return format_map[i].core;
  }
  return IMCORE_PIXEL_N_FORMATS;
}

gboolean
gst_im_video_frame_view (const GstVideoFrame * frame, ImcoreImage * img)
{
  ImcorePixelFormat pf = gst_im_video_pixel_format (GST_VIDEO_FRAME_FORMAT
      (frame));

  if (pf == IMCORE_PIXEL_N_FORMATS)
    return FALSE;

  memset (img, 0, sizeof (*img));
  img->format = pf;
  img->width = GST_VIDEO_FRAME_WIDTH (frame);
  img->height = GST_VIDEO_FRAME_HEIGHT (frame);
  if (imcore_pixel_n_planes (pf) == 1) {
    img->planes[0] = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
    img->strides[0] = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  } else {
    static const guint comps[3] = { GST_VIDEO_COMP_Y, GST_VIDEO_COMP_U,
      GST_VIDEO_COMP_V
    };
    for (guint i = 0; i < 3; i++) {
      img->planes[i] = GST_VIDEO_FRAME_COMP_DATA (frame, comps[i]);
      img->strides[i] = GST_VIDEO_FRAME_COMP_STRIDE (frame, comps[i]);
    }
  }
  return TRUE;
}

gboolean
gst_im_video_frame_interleaved (const GstVideoFrame * frame,
    ImcoreInterleavedYuv * yuv)
{
  const GstVideoFormatInfo *finfo = frame->info.finfo;
  guint n_planes = GST_VIDEO_FORMAT_INFO_N_PLANES (finfo);

  if (!GST_VIDEO_FORMAT_INFO_IS_YUV (finfo) ||
      GST_VIDEO_FORMAT_INFO_BITS (finfo) != 8 ||
      GST_VIDEO_FORMAT_INFO_N_COMPONENTS (finfo) != 3 ||
      GST_VIDEO_FORMAT_INFO_W_SUB (finfo, 1) != 1)
    return FALSE;

  memset (yuv, 0, sizeof (*yuv));
  yuv->width = GST_VIDEO_FRAME_WIDTH (frame);
  yuv->height = GST_VIDEO_FRAME_HEIGHT (frame);
  /* byte offsets of the components inside a pixel pair or macropixel */
  yuv->y_offset = GST_VIDEO_FORMAT_INFO_POFFSET (finfo, GST_VIDEO_COMP_Y);
  yuv->u_offset = GST_VIDEO_FORMAT_INFO_POFFSET (finfo, GST_VIDEO_COMP_U);
  yuv->v_offset = GST_VIDEO_FORMAT_INFO_POFFSET (finfo, GST_VIDEO_COMP_V);
  if (n_planes == 2 && GST_VIDEO_FORMAT_INFO_H_SUB (finfo, 1) == 1 &&
      GST_VIDEO_FORMAT_INFO_PLANE (finfo, GST_VIDEO_COMP_U) == 1 &&
      GST_VIDEO_FORMAT_INFO_PLANE (finfo, GST_VIDEO_COMP_V) == 1) {
    yuv->packed = FALSE;
  } else if (n_planes == 1 && GST_VIDEO_FORMAT_INFO_H_SUB (finfo, 1) == 0 &&
      GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, 0) == 2) {
    yuv->packed = TRUE;
  } else {
    return FALSE;
  }
  for (guint i = 0; i < n_planes; i++) {
    yuv->planes[i] = GST_VIDEO_FRAME_PLANE_DATA (frame, i);
    yuv->strides[i] = GST_VIDEO_FRAME_PLANE_STRIDE (frame, i);
  }
  return TRUE;
}

ImcoreYuvColorimetry
gst_im_video_yuv_colorimetry (const GstVideoInfo * info)
{
  ImcoreYuvColorimetry c = IMCORE_YUV_JFIF;
  gdouble kr, kb;

  if (!GST_VIDEO_INFO_IS_YUV (info))
    return c;
  if (gst_video_color_matrix_get_Kr_Kb (info->colorimetry.matrix, &kr, &kb)) {
    c.kr = kr;
    c.kb = kb;
  }
  c.limited_range = info->colorimetry.range != GST_VIDEO_COLOR_RANGE_0_255;
  return c;
}

/* Bytes one row of plane @plane of a @width wide @finfo frame spans, to
 * the last byte of the last sample of any component stored in it. */
static guint64
gst_im_video_plane_row_bytes (const GstVideoFormatInfo * finfo, guint plane,
    guint width)
{
  guint64 row = 0;

  for (guint c = 0; c < GST_VIDEO_FORMAT_INFO_N_COMPONENTS (finfo); c++) {
    guint64 bytes;
    guint w;

    if (GST_VIDEO_FORMAT_INFO_PLANE (finfo, c) != plane)
      continue;
    w = GST_VIDEO_FORMAT_INFO_SCALE_WIDTH (finfo, c, width);
    if (w == 0)
      continue;
    /* up to the last byte of the component's last sample */
    bytes = (guint64) GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, c) * (w - 1) +
        GST_VIDEO_FORMAT_INFO_POFFSET (finfo, c) +
        (GST_VIDEO_FORMAT_INFO_DEPTH (finfo, c) + 7) / 8;
    row = MAX (row, bytes);
  }
  return row;
}

/* Rows of plane @plane of a @height high @finfo frame. */
static guint
gst_im_video_plane_rows (const GstVideoFormatInfo * finfo, guint plane,
    guint height)
{
  for (guint c = 0; c < GST_VIDEO_FORMAT_INFO_N_COMPONENTS (finfo); c++) {
    if (GST_VIDEO_FORMAT_INFO_PLANE (finfo, c) == plane)
      return GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (finfo, c, height);
  }
  return 0;
}

void
gst_im_video_frame_copy_samples (GstVideoFrame * dest,
    const GstVideoFrame * src)
{
  const GstVideoFormatInfo *finfo = src->info.finfo;
  guint width = GST_VIDEO_FRAME_WIDTH (src);
  guint height = GST_VIDEO_FRAME_HEIGHT (src);

  for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (src); p++) {
    gsize row = gst_im_video_plane_row_bytes (finfo, p, width);
    guint rows = gst_im_video_plane_rows (finfo, p, height);
    const guint8 *s = GST_VIDEO_FRAME_PLANE_DATA (src, p);
    guint8 *d = GST_VIDEO_FRAME_PLANE_DATA (dest, p);
    gint ss = GST_VIDEO_FRAME_PLANE_STRIDE (src, p);
    gint ds = GST_VIDEO_FRAME_PLANE_STRIDE (dest, p);

    for (guint y = 0; y < rows; y++)
      memcpy (d + (gsize) y * ds, s + (gsize) y * ss, row);
  }
}

/* Whether the @bytes from @offset of @buffer lie in the one memory that
 * holds the byte at @offset: GstVideoMeta's mapping gives a plane that
 * memory only. */
static gboolean
gst_im_video_in_one_memory (GstBuffer * buffer, gsize offset, guint64 bytes)
{
  guint idx, n;
  gsize skip;

  if (!gst_buffer_find_memory (buffer, offset, 1, &idx, &n, &skip))
    return FALSE;
  return skip + bytes <= gst_buffer_peek_memory (buffer, idx)->size;
}

gboolean
gst_im_video_buffer_holds_frame (const GstVideoInfo * info,
    GstBuffer * buffer, gchar * why, gsize why_len)
{
  const GstVideoFormatInfo *finfo = info->finfo;
  GstVideoMeta *meta = gst_buffer_get_video_meta (buffer);
  guint64 size = gst_buffer_get_size (buffer);
  guint width = GST_VIDEO_INFO_WIDTH (info);
  guint height = GST_VIDEO_INFO_HEIGHT (info);

  if (meta == NULL) {
    if (size >= GST_VIDEO_INFO_SIZE (info))
      return TRUE;
    g_snprintf (why, why_len, "the buffer has %" G_GUINT64_FORMAT " bytes; "
        "a %s %ux%u frame needs %" G_GSIZE_FORMAT, size,
        GST_VIDEO_INFO_NAME (info), width, height, GST_VIDEO_INFO_SIZE (info));
    return FALSE;
  }
  if (meta->format != GST_VIDEO_INFO_FORMAT (info) || meta->width != width ||
      meta->height != height || meta->n_planes != GST_VIDEO_INFO_N_PLANES (info)) {
    g_snprintf (why, why_len, "its GstVideoMeta describes a %s %ux%u frame "
        "in %u planes, the caps a %s %ux%u frame in %u",
        gst_video_format_to_string (meta->format), meta->width, meta->height,
        meta->n_planes, GST_VIDEO_INFO_NAME (info), width, height,
        GST_VIDEO_INFO_N_PLANES (info));
    return FALSE;
  }
  for (guint p = 0; p < meta->n_planes; p++) {
    guint64 row = gst_im_video_plane_row_bytes (finfo, p, width);
    guint rows = gst_im_video_plane_rows (finfo, p, height);
    guint64 end;

    if (meta->stride[p] <= 0 || (guint64) meta->stride[p] < row) {
      g_snprintf (why, why_len, "its GstVideoMeta gives plane %u a stride "
          "of %d bytes; a row takes %" G_GUINT64_FORMAT, p, meta->stride[p],
          row);
      return FALSE;
    }
    /* strides and offsets are at most 2^31 and 2^64 / 2: no overflow
     * below for any frame whose rows fit in memory */
    end = (guint64) meta->offset[p] + (guint64) meta->stride[p] *
        (rows ? rows - 1 : 0) + row;
    if (meta->offset[p] > size || end > size) {
      g_snprintf (why, why_len, "its GstVideoMeta puts plane %u at bytes %"
          G_GSIZE_FORMAT "..%" G_GUINT64_FORMAT " of a %" G_GUINT64_FORMAT
          "-byte buffer", p, meta->offset[p], end, size);
      return FALSE;
    }
    if (!gst_im_video_in_one_memory (buffer, meta->offset[p],
            end - meta->offset[p])) {
      g_snprintf (why, why_len, "its GstVideoMeta puts plane %u at bytes %"
          G_GSIZE_FORMAT "..%" G_GUINT64_FORMAT ", across the end of the "
          "memory it starts in (of the buffer's %u)", p, meta->offset[p], end,
          gst_buffer_n_memory (buffer));
      return FALSE;
    }
  }
  return TRUE;
}
