/* gst-imencode core: planar views of interleaved YUV (NV12/NV21, YUY2/UYVY)
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef IMCORE_INTERLEAVED_H
#define IMCORE_INTERLEAVED_H

#include "imcore-image.h"

/* Where the samples of an interleaved 8-bit YUV image lie.
 * Semi-planar 4:2:0 (NV12, NV21): plane 0 is Y, plane 1 holds chroma pairs
 * at half resolution both ways; u_offset and v_offset (0 or 1) say which
 * byte of a pair is which; y_offset is unused.
 * Packed 4:2:2 (YUY2, UYVY, YVYU): plane 0 only, two pixels per 4-byte
 * macropixel; the first pixel's Y is at byte y_offset, the second's at
 * y_offset + 2, and their shared U and V at u_offset and v_offset. */
typedef struct
{
  bool packed;
  uint32_t width, height;
  const uint8_t *planes[2];
  size_t strides[2];
  unsigned y_offset, u_offset, v_offset;
} ImcoreInterleavedYuv;

/* Whether @src's sample offsets describe one of the layouts above: chroma
 * offsets 0 and 1 in either order for semi-planar; for packed, y_offset 0
 * or 1 and U and V in the two bytes of a macropixel that are not Y.
 * (Planes, strides and sizes are not checked.) */
bool imcore_interleaved_offsets_valid (const ImcoreInterleavedYuv * src);

/* Makes @dst a planar view of the part @rect of @src, as the encoders take
 * it: IMCORE_PIXEL_I420 from semi-planar input; IMCORE_PIXEL_I422 or
 * IMCORE_PIXEL_I420 (@format) from packed input. Only what is interleaved
 * is copied, and only inside @rect, into @scratch (grown as needed):
 * semi-planar luma stays a pointer into @src; packed 4:2:2 to 4:2:0
 * averages the chroma of each two rows (rounding half up, the last row of
 * an odd height alone). Chroma is taken from the sample covering (x, y),
 * as imcore_image_crop() does for planar input. @dst points into @src and
 * @scratch: it is valid until either changes. Errors:
 * IMCORE_ERROR_INVALID_ARGUMENT (@rect not inside @src, bad offsets or
 * @format), IMCORE_ERROR_TOO_LARGE, IMCORE_ERROR_OUT_OF_MEMORY. */
ImcoreError imcore_interleaved_view (const ImcoreInterleavedYuv * src,
    const ImcoreRect * rect, ImcorePixelFormat format,
    ImcoreScratch * scratch, ImcoreImage * dst);

#endif /* IMCORE_INTERLEAVED_H */
