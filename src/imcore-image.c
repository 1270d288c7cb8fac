/* gst-imencode core: image views
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-image.h"

#include <stdlib.h>

#include <math.h>
#include <string.h>

/* As in imcore-yuvconv.c: a kernel built for AVX2 with a target attribute
 * and chosen at run time. */
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define IMCORE_IMAGE_HAVE_AVX2 1
#if defined(__clang__)
#define IMCORE_TARGET_AVX2_VECTORISE __attribute__ ((target ("avx2")))
#else
#define IMCORE_TARGET_AVX2_VECTORISE __attribute__ ((target ("avx2"), \
        optimize ("tree-vectorize", "vect-cost-model=dynamic")))
#endif
#else
#define IMCORE_IMAGE_HAVE_AVX2 0
#endif
#if defined(__GNUC__)
#define IMCORE_ALWAYS_INLINE __attribute__ ((always_inline))
#else
#define IMCORE_ALWAYS_INLINE
#endif

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

bool
imcore_yuv_is_jfif (const ImcoreYuvColorimetry * c)
{
  return !c->limited_range && c->kr == 0.299 && c->kb == 0.114;
}

/* 16.16 fixed point */
#define FIX_ONE 65536.0
#define FIX_HALF (1 << 15)

static inline uint8_t
clamp_fix (int32_t v)
{
  v = (v + FIX_HALF) >> 16;
  return (uint8_t) (v < 0 ? 0 : v > 255 ? 255 : v);
}

/* clamp_fix() of a value whose rounding half is already added */
static inline uint8_t
clamp_fix_rounded (int32_t v)
{
  v >>= 16;
  return (uint8_t) (v < 0 ? 0 : v > 255 ? 255 : v);
}

/* The linear map from normalised (y, pb, pr) in matrix @from to BT.601:
 * R'G'B' = inverse(from) * (y, pb, pr), then BT.601 forward. Chroma of the
 * result does not depend on y (grey stays grey), luma may depend on
 * chroma. */
static void
matrix_to_bt601 (double kr, double kb, double m[3][3])
{
  const double kg = 1.0 - kr - kb;
  /* columns: contribution of y, pb, pr to R, G, B */
  const double rgb[3][3] = {
    {1.0, 0.0, 2.0 * (1.0 - kr)},
    {1.0, -2.0 * (1.0 - kb) * kb / kg, -2.0 * (1.0 - kr) * kr / kg},
    {1.0, 2.0 * (1.0 - kb), 0.0},
  };
  const double fwd[3][3] = {
    {0.299, 0.587, 0.114},
    {-0.299 / 1.772, -0.587 / 1.772, 0.886 / 1.772},
    {0.701 / 1.402, -0.587 / 1.402, -0.114 / 1.402},
  };

  for (int i = 0; i < 3; i++) {
    for (int j = 0; j < 3; j++) {
      m[i][j] = 0.0;
      for (int k = 0; k < 3; k++)
        m[i][j] += fwd[i][k] * rgb[k][j];
    }
  }
}

ImcoreError
imcore_image_yuv_to_jfif (const ImcoreImage * src,
    const ImcoreYuvColorimetry * from, ImcoreImage * dst)
{
  /* contributions in output code units, 16.16 fixed point, per input code */
  int32_t y_from_y[256], y_from_u[256], y_from_v[256];
  int32_t u_from_u[256], u_from_v[256], v_from_u[256], v_from_v[256];
  double m[3][3], ys, cs, yoff;
  unsigned hs, vs;
  bool mix;

  if (!src || !from || !dst || !imcore_image_valid (src) ||
      !imcore_image_valid (dst) || !(from->kr > 0.0 &&
          from->kb > 0.0 && from->kr + from->kb < 1.0))
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if (src->format < IMCORE_PIXEL_I420 || src->format >= IMCORE_PIXEL_N_FORMATS)
    return IMCORE_ERROR_UNSUPPORTED_FORMAT;
  if (dst->format != src->format || dst->width != src->width ||
      dst->height != src->height)
    return IMCORE_ERROR_INVALID_ARGUMENT;

  matrix_to_bt601 (from->kr, from->kb, m);
  ys = from->limited_range ? 255.0 / 219.0 : 1.0;
  cs = from->limited_range ? 255.0 / 224.0 : 1.0;
  yoff = from->limited_range ? 16.0 : 0.0;
  for (int c = 0; c < 256; c++) {
    double yv = (c - yoff) * ys, cv = (c - 128) * cs;

    y_from_y[c] = (int32_t) lround (m[0][0] * yv * FIX_ONE);
    y_from_u[c] = (int32_t) lround (m[0][1] * cv * FIX_ONE);
    y_from_v[c] = (int32_t) lround (m[0][2] * cv * FIX_ONE);
    u_from_u[c] = (int32_t) lround ((m[1][1] * cv + 128.0) * FIX_ONE);
    u_from_v[c] = (int32_t) lround (m[1][2] * cv * FIX_ONE);
    v_from_u[c] = (int32_t) lround (m[2][1] * cv * FIX_ONE);
    v_from_v[c] = (int32_t) lround ((m[2][2] * cv + 128.0) * FIX_ONE);
  }
  mix = fabs (m[0][1]) > 1e-9 || fabs (m[0][2]) > 1e-9;

  imcore_pixel_chroma_shift (src->format, &hs, &vs);
  for (uint32_t y = 0; y < src->height; y++) {
    const uint8_t *sy = src->planes[0] + (size_t) y * src->strides[0];
    const uint8_t *su = src->planes[1] + (size_t) (y >> vs) * src->strides[1];
    const uint8_t *sv = src->planes[2] + (size_t) (y >> vs) * src->strides[2];
    uint8_t *dy = dst->planes[0] + (size_t) y * dst->strides[0];

    if (mix) {
      for (uint32_t x = 0; x < src->width; x++)
        dy[x] = clamp_fix (y_from_y[sy[x]] + y_from_u[su[x >> hs]] +
            y_from_v[sv[x >> hs]]);
    } else {
      for (uint32_t x = 0; x < src->width; x++)
        dy[x] = clamp_fix (y_from_y[sy[x]]);
    }
  }
  {
    size_t row, rows;

    plane_dims (src->format, src->width, src->height, 1, &row, &rows);
    for (size_t y = 0; y < rows; y++) {
      const uint8_t *su = src->planes[1] + y * src->strides[1];
      const uint8_t *sv = src->planes[2] + y * src->strides[2];
      uint8_t *du = dst->planes[1] + y * dst->strides[1];
      uint8_t *dv = dst->planes[2] + y * dst->strides[2];

      for (size_t x = 0; x < row; x++) {
        uint8_t u = su[x], v = sv[x];

        du[x] = clamp_fix (u_from_u[u] + u_from_v[v]);
        dv[x] = clamp_fix (v_from_u[u] + v_from_v[v]);
      }
    }
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

/* One row of I444 to RGB: 16.16 fixed point, @k = luma gain, V's part of
 * R, U's and V's of G, U's of B, then the luma offset with the rounding
 * half. Plain arithmetic that compilers vectorise; the same operations in
 * both builds below, so they give the same bytes. */
static inline IMCORE_ALWAYS_INLINE void
yuv_to_rgb_row_body (const uint8_t * sy, const uint8_t * su,
    const uint8_t * sv, uint8_t * restrict d, uint32_t n, const int32_t k[6])
{
  /* (a size_t index: with uint32_t, 3 x may wrap, which keeps compilers
   * from vectorising) */
  const int32_t yg = k[0], rv = k[1], gu = k[2], gv = k[3], bu = k[4];
  const int32_t off = k[5];

  for (size_t x = 0; x < n; x++) {
    int32_t l = yg * sy[x] + off;
    int32_t u = su[x] - 128, v = sv[x] - 128;

    d[3 * x] = clamp_fix_rounded (l + rv * v);
    d[3 * x + 1] = clamp_fix_rounded (l + gu * u + gv * v);
    d[3 * x + 2] = clamp_fix_rounded (l + bu * u);
  }
}

static void
yuv_to_rgb_row (const uint8_t * sy, const uint8_t * su, const uint8_t * sv,
    uint8_t * restrict d, uint32_t n, const int32_t k[6])
{
  yuv_to_rgb_row_body (sy, su, sv, d, n, k);
}

#if IMCORE_IMAGE_HAVE_AVX2
/* The same row with AVX2, chosen at run time so that the library needs no
 * -mavx2; GCC's -O2 vectorises only loops it deems very cheap, so it is
 * asked to vectorise this one (clang does at -O2). About 4 times faster. */
IMCORE_TARGET_AVX2_VECTORISE static void
yuv_to_rgb_row_avx2 (const uint8_t * sy, const uint8_t * su,
    const uint8_t * sv, uint8_t * restrict d, uint32_t n, const int32_t k[6])
{
  yuv_to_rgb_row_body (sy, su, sv, d, n, k);
}
#endif

ImcoreError
imcore_image_yuv_to_rgb (const ImcoreImage * src,
    const ImcoreYuvColorimetry * from, ImcoreImage * dst)
{
  void (*row) (const uint8_t *, const uint8_t *, const uint8_t *,
      uint8_t * restrict, uint32_t, const int32_t *) = yuv_to_rgb_row;
  double kr, kb, kg, ys, cs, yoff;
  int32_t k[6];

  if (!src || !from || !dst || !imcore_image_valid (src) ||
      !imcore_image_valid (dst) || !(from->kr > 0.0 &&
          from->kb > 0.0 && from->kr + from->kb < 1.0))
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if (src->format != IMCORE_PIXEL_I444)
    return IMCORE_ERROR_UNSUPPORTED_FORMAT;
  if (dst->format != IMCORE_PIXEL_RGB || dst->width != src->width ||
      dst->height != src->height)
    return IMCORE_ERROR_INVALID_ARGUMENT;

  kr = from->kr;
  kb = from->kb;
  kg = 1.0 - kr - kb;
  ys = (from->limited_range ? 255.0 / 219.0 : 1.0) * FIX_ONE;
  cs = (from->limited_range ? 255.0 / 224.0 : 1.0) * FIX_ONE;
  yoff = from->limited_range ? 16.0 : 0.0;
  /* G's weights grow without bound as Kg goes to 0: refuse a map whose
   * sums could leave int32 (Kg below 0.00004 to 0.01, depending on Kr and
   * Kb; real matrices have Kg > 0.5). Written so that NaN is refused. */
  if (!(255.0 * ys + 128.0 * cs * (2.0 * (1.0 - kb) * kb / kg +
              2.0 * (1.0 - kr) * kr / kg) <= 1.0e9))
    return IMCORE_ERROR_INVALID_ARGUMENT;
  k[0] = (int32_t) lround (ys);
  k[1] = (int32_t) lround (2.0 * (1.0 - kr) * cs);
  k[2] = (int32_t) lround (-2.0 * (1.0 - kb) * kb / kg * cs);
  k[3] = (int32_t) lround (-2.0 * (1.0 - kr) * kr / kg * cs);
  k[4] = (int32_t) lround (2.0 * (1.0 - kb) * cs);
  k[5] = (int32_t) lround (-yoff * ys) + FIX_HALF;
#if IMCORE_IMAGE_HAVE_AVX2
  if (__builtin_cpu_supports ("avx2"))
    row = yuv_to_rgb_row_avx2;
#endif

  for (uint32_t y = 0; y < src->height; y++)
    row (src->planes[0] + (size_t) y * src->strides[0],
        src->planes[1] + (size_t) y * src->strides[1],
        src->planes[2] + (size_t) y * src->strides[2],
        dst->planes[0] + (size_t) y * dst->strides[0], src->width, k);
  return IMCORE_OK;
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

uint8_t *
imcore_scratch_get (ImcoreScratch * scratch, size_t size)
{
  if (scratch->size < size) {
    uint8_t *p = realloc (scratch->data, size);

    if (!p)
      return NULL;
    scratch->data = p;
    scratch->size = size;
  }
  return scratch->data;
}

void
imcore_scratch_clear (ImcoreScratch * scratch)
{
  free (scratch->data);
  scratch->data = NULL;
  scratch->size = 0;
}
