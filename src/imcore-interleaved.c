/* gst-imencode core: planar views of interleaved YUV (NV12/NV21, YUY2/UYVY)
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-interleaved.h"

/* Splits @n byte pairs at @src into @a (first bytes) and @b (second). A
 * loop with fixed offsets, so that the compiler vectorises it. */
static void
split_pairs (const uint8_t * restrict src, uint8_t * restrict a,
    uint8_t * restrict b, uint32_t n)
{
  for (uint32_t i = 0; i < n; i++) {
    a[i] = src[2 * i];
    b[i] = src[2 * i + 1];
  }
}

/* Takes every second byte of @src into @dst (@n bytes): the luma of a
 * packed 4:2:2 row. */
static void
take_even (const uint8_t * restrict src, uint8_t * restrict dst, uint32_t n)
{
  for (uint32_t i = 0; i < n; i++)
    dst[i] = src[2 * i];
}

/* Takes the bytes at @uo and @vo of @n macropixels at @src into @u and
 * @v. */
static void
take_chroma (const uint8_t * restrict src, unsigned uo, unsigned vo,
    uint8_t * restrict u, uint8_t * restrict v, uint32_t n)
{
  for (uint32_t i = 0; i < n; i++) {
    u[i] = src[4 * i + uo];
    v[i] = src[4 * i + vo];
  }
}

/* The byte at @offset of each of @n macropixels in rows @r0 and @r1,
 * averaged (half up) into @dst. */
static void
average_rows (const uint8_t * restrict r0, const uint8_t * restrict r1,
    unsigned offset, uint8_t * restrict dst, uint32_t n)
{
  for (uint32_t i = 0; i < n; i++)
    dst[i] = (uint8_t) ((r0[4 * i + offset] + r1[4 * i + offset] + 1) >> 1);
}

bool
imcore_interleaved_offsets_valid (const ImcoreInterleavedYuv * src)
{
  if (!src->packed)
    return src->u_offset < 2 && src->v_offset < 2 &&
        src->u_offset != src->v_offset;
  /* Y at y_offset and y_offset + 2, U and V in the two other bytes */
  return src->y_offset < 2 && src->u_offset < 4 && src->v_offset < 4 &&
      src->u_offset != src->v_offset &&
      (src->u_offset & 1) != src->y_offset &&
      (src->v_offset & 1) != src->y_offset;
}

ImcoreError
imcore_interleaved_view (const ImcoreInterleavedYuv * src,
    const ImcoreRect * rect, ImcorePixelFormat format,
    ImcoreScratch * scratch, ImcoreImage * dst)
{
  uint32_t cw, ch, x0;
  size_t luma = 0, chroma, need;
  ImcoreImage out;
  uint8_t *mem;

  if (!src || !rect || !scratch || !dst ||
      !imcore_interleaved_offsets_valid (src) ||
      !src->planes[0] || (!src->packed && !src->planes[1]))
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if (src->packed ? format != IMCORE_PIXEL_I420 && format != IMCORE_PIXEL_I422
      : format != IMCORE_PIXEL_I420)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if (rect->width == 0 || rect->height == 0 ||
      rect->x > src->width || rect->width > src->width - rect->x ||
      rect->y > src->height || rect->height > src->height - rect->y)
    return IMCORE_ERROR_INVALID_ARGUMENT;

  /* chroma of the rectangle, from the sample covering (x, y) */
  cw = rect->width / 2 + (rect->width & 1);
  ch = format == IMCORE_PIXEL_I420 ? rect->height / 2 + (rect->height & 1) :
      rect->height;
  x0 = rect->x / 2;
  chroma = (size_t) cw * ch;
  if (src->packed)
    luma = (size_t) rect->width * rect->height;
  if (chroma > (SIZE_MAX - luma) / 2)
    return IMCORE_ERROR_TOO_LARGE;
  need = luma + 2 * chroma;
  mem = imcore_scratch_get (scratch, need);
  if (!mem)
    return IMCORE_ERROR_OUT_OF_MEMORY;

  out.format = format;
  out.width = rect->width;
  out.height = rect->height;
  out.planes[1] = mem + luma;
  out.planes[2] = mem + luma + chroma;
  out.strides[1] = out.strides[2] = cw;

  if (!src->packed) {
    /* luma: a pointer offset; chroma pairs: split inside the rectangle */
    uint8_t *first = src->u_offset == 0 ? out.planes[1] : out.planes[2];
    uint8_t *second = src->u_offset == 0 ? out.planes[2] : out.planes[1];

    out.planes[0] = (uint8_t *) src->planes[0] +
        (size_t) rect->y * src->strides[0] + rect->x;
    out.strides[0] = src->strides[0];
    for (uint32_t r = 0; r < ch; r++) {
      const uint8_t *row = src->planes[1] +
          (size_t) (rect->y / 2 + r) * src->strides[1] + 2 * (size_t) x0;

      split_pairs (row, first + (size_t) r * cw, second + (size_t) r * cw,
          cw);
    }
  } else {
    /* luma of pixel p is byte 2 p + y_offset of its row; chroma of the
     * rectangle comes from macropixels x0 on */
    out.planes[0] = mem;
    out.strides[0] = rect->width;
    for (uint32_t r = 0; r < rect->height; r++) {
      const uint8_t *row = src->planes[0] +
          (size_t) (rect->y + r) * src->strides[0];

      take_even (row + 2 * (size_t) rect->x + src->y_offset,
          mem + (size_t) r * rect->width, rect->width);
      if (format == IMCORE_PIXEL_I422)
        take_chroma (row + 4 * (size_t) x0, src->u_offset, src->v_offset,
            out.planes[1] + (size_t) r * cw, out.planes[2] + (size_t) r * cw,
            cw);
    }
    for (uint32_t r = 0; format == IMCORE_PIXEL_I420 && r < ch; r++) {
      const uint8_t *r0 = src->planes[0] +
          (size_t) (rect->y + 2 * r) * src->strides[0] + 4 * (size_t) x0;
      const uint8_t *r1 = 2 * r + 1 < rect->height ? r0 + src->strides[0] :
          r0;

      average_rows (r0, r1, src->u_offset, out.planes[1] + (size_t) r * cw,
          cw);
      average_rows (r0, r1, src->v_offset, out.planes[2] + (size_t) r * cw,
          cw);
    }
  }
  *dst = out;
  return IMCORE_OK;
}
