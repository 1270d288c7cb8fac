/* gst-imencode: glue between GstVideo frames and the core's image views
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IM_VIDEO_H__
#define __GST_IM_VIDEO_H__

#include <gst/video/video.h>

#include "imcore.h"

G_BEGIN_DECLS

/* The raw formats imencode accepts, as a caps format list. */
#define GST_IM_VIDEO_SINK_FORMATS "{ I420, YV12, NV12, NV21, Y42B, Y444, " \
    "YUY2, UYVY, GRAY8, RGB, BGR, RGBA, BGRA, ARGB, ABGR, RGBx, BGRx, " \
    "xRGB, xBGR }"

/* The core layout of @format, or IMCORE_PIXEL_N_FORMATS when the core
 * cannot read it directly (semi-planar and packed YUV). YV12 maps to I420:
 * views are built per component, so its swapped planes are handled. */
ImcorePixelFormat gst_im_video_pixel_format (GstVideoFormat format);

/* Fills @img as a view of the whole mapped @frame, honouring its strides
 * and plane offsets. FALSE when the frame's format has no core layout. */
gboolean gst_im_video_frame_view (const GstVideoFrame * frame,
    ImcoreImage * img);

/* Describes the mapped @frame for imcore_interleaved_view() when it is
 * 8-bit semi-planar 4:2:0 (NV12, NV21) or packed 4:2:2 (YUY2, UYVY);
 * FALSE for any other format. */
gboolean gst_im_video_frame_interleaved (const GstVideoFrame * frame,
    ImcoreInterleavedYuv * yuv);

/* The colorimetry of @info's YUV samples for the core: its matrix's luma
 * coefficients (BT.601 when it has none) and whether the range is limited.
 * For non-YUV formats, JFIF's. */
ImcoreYuvColorimetry gst_im_video_yuv_colorimetry (const GstVideoInfo * info);

/* Copies the samples of the mapped @src into the mapped @dest, a frame of
 * the same format and size in any layout: each row of each plane up to
 * the last byte of the last sample stored in it, padding left alone.
 * Unlike gst_video_frame_copy(), which copies a plane's first component's
 * width, this keeps the last chroma of an odd-width packed 4:2:2 row
 * (the V of YUY2's and UYVY's last macropixel lies past 2 x width bytes).
 * Interlaced frames are copied as the one picture they are. */
void gst_im_video_frame_copy_samples (GstVideoFrame * dest,
    const GstVideoFrame * src);

/* Whether @buffer holds a whole frame that @info (the negotiated caps)
 * describes, read through its GstVideoMeta when it has one: the meta's
 * format and size must be the caps', its strides positive and at least a
 * row wide, and every plane, from its offset, must lie inside the buffer,
 * in the one memory its first byte is in (mapping through the meta gives
 * a plane that memory only).
 * On FALSE writes what was wrong to @why (@why_len bytes). Nothing of the
 * buffer is mapped. */
gboolean gst_im_video_buffer_holds_frame (const GstVideoInfo * info,
    GstBuffer * buffer, gchar * why, gsize why_len);

G_END_DECLS

#endif /* __GST_IM_VIDEO_H__ */
