/* gst-imencode core: image views
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-image.h"

#include <string.h>

unsigned
imcore_pixel_n_planes (ImcorePixelFormat format)
{
  if (format >= IMCORE_PIXEL_N_FORMATS)
    return 0;
  return format >= IMCORE_PIXEL_I420 ? 3 : 1;
}

unsigned
imcore_pixel_bytes (ImcorePixelFormat format)
{
  switch (format) {
    case IMCORE_PIXEL_GRAY8:
    case IMCORE_PIXEL_I420:
    case IMCORE_PIXEL_I422:
    case IMCORE_PIXEL_I444:
      return 1;
    case IMCORE_PIXEL_RGB:
    case IMCORE_PIXEL_BGR:
      return 3;
    case IMCORE_PIXEL_RGBA:
    case IMCORE_PIXEL_BGRA:
    case IMCORE_PIXEL_ARGB:
    case IMCORE_PIXEL_ABGR:
    case IMCORE_PIXEL_RGBX:
    case IMCORE_PIXEL_BGRX:
    case IMCORE_PIXEL_XRGB:
    case IMCORE_PIXEL_XBGR:
      return 4;
    default:
      return 0;
  }
}

bool
imcore_pixel_has_alpha (ImcorePixelFormat format)
{
  return format == IMCORE_PIXEL_RGBA || format == IMCORE_PIXEL_BGRA ||
      format == IMCORE_PIXEL_ARGB || format == IMCORE_PIXEL_ABGR;
}

void
imcore_pixel_chroma_shift (ImcorePixelFormat format, unsigned *hshift,
    unsigned *vshift)
{
  *hshift = (format == IMCORE_PIXEL_I420 || format == IMCORE_PIXEL_I422);
  *vshift = (format == IMCORE_PIXEL_I420);
}

static bool
imcore_image_valid (const ImcoreImage * img)
{
  unsigned n = imcore_pixel_n_planes (img->format);

  if (n == 0 || img->width == 0 || img->height == 0)
    return false;
  for (unsigned i = 0; i < n; i++) {
    if (img->planes[i] == NULL)
      return false;
  }
  return true;
}

ImcoreError
imcore_image_crop (const ImcoreImage * src, const ImcoreRect * rect,
    ImcoreImage * dst)
{
  unsigned hs, vs, bpp;
  ImcoreImage out;

  if (!src || !rect || !dst || !imcore_image_valid (src))
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if (rect->width == 0 || rect->height == 0 ||
      rect->x > src->width || rect->width > src->width - rect->x ||
      rect->y > src->height || rect->height > src->height - rect->y)
    return IMCORE_ERROR_INVALID_ARGUMENT;

  imcore_pixel_chroma_shift (src->format, &hs, &vs);
  if ((rect->x & ((1u << hs) - 1)) || (rect->y & ((1u << vs) - 1)))
    return IMCORE_ERROR_INVALID_ARGUMENT;

  out = *src;
  out.width = rect->width;
  out.height = rect->height;
  bpp = imcore_pixel_bytes (src->format);
  out.planes[0] = src->planes[0] + (size_t) rect->y * src->strides[0] +
      (size_t) rect->x * bpp;
  if (imcore_pixel_n_planes (src->format) == 3) {
    for (unsigned i = 1; i < 3; i++)
      out.planes[i] = src->planes[i] + (size_t) (rect->y >> vs) *
          src->strides[i] + (rect->x >> hs);
  }
  *dst = out;
  return IMCORE_OK;
}

static bool
size_mul (size_t a, size_t b, size_t * r)
{
  if (b != 0 && a > SIZE_MAX / b)
    return false;
  *r = a * b;
  return true;
}

/* Row bytes and rows of plane @i of a tightly packed image. */
static void
plane_dims (ImcorePixelFormat format, uint32_t width, uint32_t height,
    unsigned i, size_t *row, size_t *rows)
{
  unsigned hs, vs;

  if (i == 0) {
    *row = (size_t) width * imcore_pixel_bytes (format);
    *rows = height;
    return;
  }
  imcore_pixel_chroma_shift (format, &hs, &vs);
  *row = ((size_t) width + (1u << hs) - 1) >> hs;
  *rows = ((size_t) height + (1u << vs) - 1) >> vs;
}

size_t
imcore_image_size (ImcorePixelFormat format, uint32_t width, uint32_t height)
{
  unsigned n = imcore_pixel_n_planes (format);
  size_t total = 0;

  if (n == 0 || width == 0 || height == 0)
    return 0;
  for (unsigned i = 0; i < n; i++) {
    size_t row, rows, bytes;

    plane_dims (format, width, height, i, &row, &rows);
    if (!size_mul (row, rows, &bytes) || bytes > SIZE_MAX - total)
      return 0;
    total += bytes;
  }
  return total;
}

ImcoreError
imcore_image_init_packed (ImcoreImage * img, ImcorePixelFormat format,
    uint32_t width, uint32_t height, uint8_t * data, size_t size)
{
  size_t need = imcore_image_size (format, width, height);
  size_t offset = 0;

  if (!img || !data || need == 0)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if (size < need)
    return IMCORE_ERROR_NO_SPACE;

  memset (img, 0, sizeof (*img));
  img->format = format;
  img->width = width;
  img->height = height;
  for (unsigned i = 0; i < imcore_pixel_n_planes (format); i++) {
    size_t row, rows;

    plane_dims (format, width, height, i, &row, &rows);
    img->planes[i] = data + offset;
    img->strides[i] = row;
    offset += row * rows;
  }
  return IMCORE_OK;
}

static void
map_plane (const uint8_t * lut, const uint8_t * src, size_t src_stride,
    uint8_t * dst, size_t dst_stride, size_t row, size_t rows)
{
  for (size_t y = 0; y < rows; y++) {
    const uint8_t *s = src + y * src_stride;
    uint8_t *d = dst + y * dst_stride;

    for (size_t x = 0; x < row; x++)
      d[x] = lut[s[x]];
  }
}

/* out = clamp(round((in - lo) * 255 / (hi - lo))) */
static void
build_range_lut (uint8_t * lut, int lo, int hi)
{
  int span = hi - lo;

  for (int v = 0; v < 256; v++) {
    int n = v - lo;

    if (n <= 0)
      lut[v] = 0;
    else if (n >= span)
      lut[v] = 255;
    else
      lut[v] = (uint8_t) ((n * 255 + span / 2) / span);
  }
}

/* chroma: out = clamp(round(128 + (in - 128) * 255 / 224)) */
static void
build_chroma_lut (uint8_t * lut)
{
  for (int v = 0; v < 256; v++) {
    int n = (v - 128) * 255;
    int r = 128 + (n >= 0 ? (n + 112) / 224 : -((-n + 112) / 224));

    lut[v] = (uint8_t) (r < 0 ? 0 : r > 255 ? 255 : r);
  }
}

ImcoreError
imcore_image_expand_range (const ImcoreImage * src, ImcoreImage * dst)
{
  uint8_t luma[256], chroma[256];
  unsigned n;

  if (!src || !dst || !imcore_image_valid (src) || !imcore_image_valid (dst))
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if (src->format != IMCORE_PIXEL_GRAY8 && src->format < IMCORE_PIXEL_I420)
    return IMCORE_ERROR_UNSUPPORTED_FORMAT;
  if (dst->format != src->format || dst->width != src->width ||
      dst->height != src->height)
    return IMCORE_ERROR_INVALID_ARGUMENT;

  build_range_lut (luma, 16, 235);
  build_chroma_lut (chroma);
  n = imcore_pixel_n_planes (src->format);
  for (unsigned i = 0; i < n; i++) {
    size_t row, rows;

    plane_dims (src->format, src->width, src->height, i, &row, &rows);
    map_plane (i == 0 ? luma : chroma, src->planes[i], src->strides[i],
        dst->planes[i], dst->strides[i], row, rows);
  }
  return IMCORE_OK;
}
