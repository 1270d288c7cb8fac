/* gst-imencode core: resizing as OpenCV's cv2.resize does
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef IMCORE_RESIZE_H
#define IMCORE_RESIZE_H

#include "imcore-image.h"

/* Which of cv2.resize's interpolations to reproduce on 8-bit samples. */
typedef enum
{
  /* INTER_LINEAR: bilinear between the two nearest samples, pixel centres
   * at half-pixel offsets, edges replicated, no antialiasing when
   * shrinking; 11-bit fixed-point weights as OpenCV's 8-bit path */
  IMCORE_RESIZE_OPENCV_LINEAR = 0,
  /* INTER_AREA: shrinking on both axes averages each output pixel's
   * footprint (pixel areas, fractions at its edges); otherwise OpenCV's
   * bilinear with its area weights (an output pixel inside one input
   * pixel copies it, one on a boundary mixes the two by the overlap) */
  IMCORE_RESIZE_OPENCV_AREA,
} ImcoreResizeMethod;

/* Bytes of scratch memory imcore_resize_plane() needs for @src_width ->
 * @dst_width with @channels interleaved samples a pixel; 0 if that does
 * not fit in size_t or an argument is 0 or @channels is above 4. */
size_t imcore_resize_scratch_size (uint32_t src_width, uint32_t dst_width,
    unsigned channels);

/* Resizes one plane of @channels (1..4) interleaved 8-bit samples a pixel,
 * @src_width x @src_height at @src (rows @src_stride bytes apart), into
 * @dst_width x @dst_height at @dst (rows @dst_stride apart), as
 * cv2.resize with @method does (within 1 per sample of OpenCV 4's
 * results, which themselves differ by 1 between its SIMD and plain C
 * paths). @scratch (caller-owned, reused) grows to
 * imcore_resize_scratch_size() if needed; nothing else is allocated.
 * @src and @dst must not overlap. IMCORE_ERROR_INVALID_ARGUMENT for NULL
 * pointers, zero sizes, strides shorter than a row or a bad @method;
 * IMCORE_ERROR_OUT_OF_MEMORY when the scratch cannot grow. */
ImcoreError imcore_resize_plane (const uint8_t * src, size_t src_stride,
    uint32_t src_width, uint32_t src_height, uint8_t * dst,
    size_t dst_stride, uint32_t dst_width, uint32_t dst_height,
    unsigned channels, ImcoreResizeMethod method, ImcoreScratch * scratch);

/* Resizes @src into @dst, which must have the same format (any of
 * ImcorePixelFormat) and its own size: each plane with
 * imcore_resize_plane(), planar YUV's chroma planes at their own
 * (subsampled, rounded up) sizes. Errors as imcore_resize_plane();
 * IMCORE_ERROR_UNSUPPORTED_FORMAT when the formats differ. */
ImcoreError imcore_image_resize (const ImcoreImage * src, ImcoreImage * dst,
    ImcoreResizeMethod method, ImcoreScratch * scratch);

#endif /* IMCORE_RESIZE_H */
