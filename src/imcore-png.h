/* gst-imencode core: PNG encoding with libpng
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef IMCORE_PNG_H
#define IMCORE_PNG_H

#include "imcore-image.h"

typedef struct
{
  /* zlib level 0..9. 0 stores; 1 is tuned for speed (SUB filter, run-length
   * matching, as OpenCV does); 2..9 use libpng's adaptive filters and
   * trade more time for smaller files. */
  int compression_level;
} ImcorePngParams;

/* The PNG colour type written for @format: gray for GRAY8, RGBA for formats
 * with alpha, RGB for the other packed formats; planar YUV is refused. */
typedef enum
{
  IMCORE_PNG_GRAY,
  IMCORE_PNG_RGB,
  IMCORE_PNG_RGBA,
  IMCORE_PNG_UNSUPPORTED,
} ImcorePngColor;

/* The colour type imcore_png_encode() writes for @format. */
ImcorePngColor imcore_png_color_for (ImcorePixelFormat format);

/* Worst-case size of the PNG imcore_png_encode() writes for a @format
 * image of @width x @height at any level (stored deflate blocks plus chunk
 * overhead). 0 on overflow or for an unsupported @format. */
size_t imcore_png_bound (ImcorePixelFormat format, uint32_t width,
    uint32_t height);

/* Encodes @img (GRAY8 or a packed RGB format; X bytes are dropped, alpha
 * kept) as an 8-bit non-interlaced PNG into the caller's @out of @out_size
 * bytes; IMCORE_ERROR_NO_SPACE if it does not fit (imcore_png_bound() is
 * always enough). On success writes the byte count to @out_len. libpng
 * allocates its own state for the duration of the call. */
ImcoreError imcore_png_encode (const ImcoreImage * img,
    const ImcorePngParams * params, uint8_t * out, size_t out_size,
    size_t *out_len);

#endif /* IMCORE_PNG_H */
