/* gst-imencode core: drawing rectangles and small images onto pixels
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef IMCORE_DRAW_H
#define IMCORE_DRAW_H

#include "imcore-image.h"

/* A colour to draw with: 8-bit R'G'B' and an alpha (255 opaque, 0
 * invisible) that blends it with what is under it. */
typedef struct
{
  uint8_t r, g, b, a;
} ImcoreDrawColor;

/* A rectangle in image pixels that may stick out of the image on any
 * side: columns x0..x1 - 1, rows y0..y1 - 1 (empty when x1 <= x0 or
 * y1 <= y0). */
typedef struct
{
  int64_t x0, y0, x1, y1;
} ImcoreDrawBox;

/* Largest coordinate (either sign) the draw functions take: 2^40. */
#define IMCORE_DRAW_COORD_LIMIT (INT64_C (1) << 40)

/* How the draw functions read @img's colours: planar YUV (I420, I422,
 * I444) needs @yuv, the colorimetry its samples follow (the colour is
 * converted to it, rounded); GRAY8 takes the colour's full-range BT.601
 * luma; packed RGB formats take R, G, B as they are, and those with
 * alpha get it composited "over" (a' = a + alpha * (255 - a) / 255).
 *
 * Every function only writes pixels the shape covers, clipped to the
 * image: any other byte of the image stays as it was. A pixel becomes
 * (old * (255 - alpha) + new * alpha) / 255, rounded; alpha 255 writes the
 * colour exactly. A chroma sample of subsampled YUV that the shape covers
 * only in part blends with alpha scaled by the part of its luma pixels
 * covered (4:2:0: a quarter per pixel of its 2x2 block, pixels outside the
 * image not counted). */

/* Draws the outline of @box, @thickness pixels wide, inside it (the
 * whole box when it is 2 * @thickness or less across), clipped to @img.
 * IMCORE_ERROR_INVALID_ARGUMENT for NULLs, a planar YUV image without
 * @yuv, a coordinate beyond IMCORE_DRAW_COORD_LIMIT or an invalid format;
 * an empty box or @thickness 0 draws nothing. */
ImcoreError imcore_draw_outline (const ImcoreImage * img,
    const ImcoreYuvColorimetry * yuv, const ImcoreDrawBox * box,
    uint32_t thickness, ImcoreDrawColor color);

/* Fills @box, clipped to @img; as imcore_draw_outline() otherwise. */
ImcoreError imcore_draw_fill (const ImcoreImage * img,
    const ImcoreYuvColorimetry * yuv, const ImcoreDrawBox * box,
    ImcoreDrawColor color);

/* Composites the @width x @height image @argb over @img with its top-left
 * corner at (@x, @y) (which may lie outside @img: the part inside is
 * drawn). @argb is premultiplied ARGB in 32-bit words of the machine's
 * byte order (Cairo's CAIRO_FORMAT_ARGB32: alpha in bits 24-31, each
 * colour at most the alpha), rows @argb_stride bytes apart (a multiple of
 * 4). Pixels of alpha 0 leave @img unchanged. Errors as
 * imcore_draw_outline(). */
ImcoreError imcore_draw_argb (const ImcoreImage * img,
    const ImcoreYuvColorimetry * yuv, int64_t x, int64_t y,
    const uint32_t * argb, size_t argb_stride, uint32_t width,
    uint32_t height);

/* Copies the pixels of @src into @dst, an image of the same format and
 * size in other memory (e.g. laid out by imcore_image_init_packed()), so
 * that it can be drawn on. IMCORE_ERROR_INVALID_ARGUMENT when they
 * differ. */
ImcoreError imcore_draw_copy_image (const ImcoreImage * src,
    const ImcoreImage * dst);

#endif /* IMCORE_DRAW_H */
