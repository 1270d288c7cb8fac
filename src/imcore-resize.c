/* gst-imencode core: resizing as OpenCV's cv2.resize does
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-resize.h"

#include <math.h>
#include <string.h>

/* OpenCV's fixed point for 8-bit bilinear: weights of 11 bits, a
 * horizontal pass into 32-bit sums, a vertical one that rounds away 22
 * bits the way its SIMD code (what x86 builds run) does: each sum shifted
 * right by 4, multiplied by its weight keeping the high 16 bits, then
 * (sum + 2) >> 2. (Its plain C code rounds once, (a + b + 2^21) >> 22, at
 * most 1 away.) */
#define COEF_BITS 11
#define COEF_ONE (1 << COEF_BITS)

/* One tap pair of a bilinear axis: the first sample and the two weights
 * (in COEF_ONE units), the second sample being the next one (clamped). */
typedef struct
{
  int32_t s;
  int32_t w0, w1;
} LinearTap;

/* One term of an area sum on an axis: output index, input index, weight. */
typedef struct
{
  int32_t d, s;
  float w;
} AreaTerm;

/* The bilinear tap of output index @d on an axis of @src samples scaled by
 * @scale (input per output, as OpenCV computes it: 1 / (dst / src)); with
 * @area_weights, INTER_AREA's weights for enlarging. */
static LinearTap
linear_tap (uint32_t d, uint32_t src, double scale, bool area_weights)
{
  LinearTap t;
  float f;
  int32_t s;

  if (!area_weights) {
    f = (float) ((d + 0.5) * scale - 0.5);
    s = (int32_t) floorf (f);
    f -= (float) s;
  } else {
    s = (int32_t) floor (d * scale);
    f = (float) ((d + 1) - (s + 1) / scale);
    f = f <= 0 ? 0.f : f - floorf (f);
  }
  if (s < 0) {
    s = 0;
    f = 0.f;
  }
  if (s >= (int32_t) src - 1) {
    s = (int32_t) src - 1;
    f = 0.f;
  }
  t.s = s;
  t.w0 = (int32_t) lrintf ((1.f - f) * COEF_ONE);
  t.w1 = (int32_t) lrintf (f * COEF_ONE);
  return t;
}

/* Appends the area terms of output index @d (of @dst) on an axis of @src
 * samples, @scale = src / dst >= 1, to @terms; returns how many. */
static uint32_t
area_terms (uint32_t d, uint32_t src, double scale, AreaTerm * terms)
{
  double f1 = d * scale, f2 = f1 + scale;
  double cell = scale < src - f1 ? scale : src - f1;
  int64_t s1 = (int64_t) ceil (f1), s2 = (int64_t) floor (f2);
  uint32_t n = 0;

  if (s2 > (int64_t) src - 1)
    s2 = (int64_t) src - 1;
  if (s1 > s2)
    s1 = s2;
  if (s1 - f1 > 1e-3)
    terms[n++] = (AreaTerm) {
    (int32_t) d, (int32_t) (s1 - 1), (float) ((s1 - f1) / cell)};
  for (int64_t s = s1; s < s2; s++)
    terms[n++] = (AreaTerm) {
    (int32_t) d, (int32_t) s, (float) (1.0 / cell)};
  if (f2 - s2 > 1e-3) {
    double w = f2 - s2 < 1.0 ? f2 - s2 : 1.0;

    w = w < cell ? w : cell;
    terms[n++] = (AreaTerm) {
    (int32_t) d, (int32_t) s2, (float) (w / cell)};
  }
  return n;
}

/* The most area terms an axis of @src -> @dst can have: every input
 * sample once, plus one shared at each output boundary, plus slack. */
static size_t
area_terms_bound (uint32_t src, uint32_t dst)
{
  return (size_t) src + dst + 2;
}

size_t
imcore_resize_scratch_size (uint32_t src_width, uint32_t dst_width,
    unsigned channels)
{
  size_t row, taps, terms;

  if (src_width == 0 || dst_width == 0 || channels == 0 || channels > 4)
    return 0;
  if ((size_t) dst_width > SIZE_MAX / 4 / channels / 2)
    return 0;
  /* two rows of 32-bit sums (int or float) */
  row = (size_t) dst_width * channels * 4;
  taps = (size_t) dst_width * sizeof (LinearTap);
  if (area_terms_bound (src_width, dst_width) > SIZE_MAX / sizeof (AreaTerm))
    return 0;
  terms = area_terms_bound (src_width, dst_width) * sizeof (AreaTerm);
  if (taps < terms)
    taps = terms;
  if (taps > SIZE_MAX - 2 * row)
    return 0;
  return 2 * row + taps;
}

/* Horizontal bilinear pass of row @s into @out. */
static void
linear_row (const uint8_t * s, const LinearTap * taps, uint32_t src_width,
    uint32_t dst_width, unsigned cn, int32_t * out)
{
  for (uint32_t dx = 0; dx < dst_width; dx++) {
    const LinearTap *t = &taps[dx];
    const uint8_t *p0 = s + (size_t) t->s * cn;
    const uint8_t *p1 = (uint32_t) t->s + 1 < src_width ? p0 + cn : p0;

    for (unsigned c = 0; c < cn; c++)
      out[dx * cn + c] = p0[c] * t->w0 + p1[c] * t->w1;
  }
}

static ImcoreError
resize_linear (const uint8_t * src, size_t src_stride, uint32_t sw,
    uint32_t sh, uint8_t * dst, size_t dst_stride, uint32_t dw, uint32_t dh,
    unsigned cn, bool area_weights, uint8_t * mem)
{
  int32_t *rows[2] = { (int32_t *) mem, (int32_t *) mem + (size_t) dw * cn };
  LinearTap *taps = (LinearTap *) (mem + 2 * (size_t) dw * cn * 4);
  int64_t have[2] = { -1, -1 };        /* input row in each buffer */
  double scale_x = 1.0 / ((double) dw / sw);
  double scale_y = 1.0 / ((double) dh / sh);

  for (uint32_t dx = 0; dx < dw; dx++)
    taps[dx] = linear_tap (dx, sw, scale_x, area_weights);
  for (uint32_t dy = 0; dy < dh; dy++) {
    LinearTap ty = linear_tap (dy, sh, scale_y, area_weights);
    int64_t want[2] = { ty.s, (uint32_t) ty.s + 1 < sh ? ty.s + 1 : ty.s };
    uint8_t *out = dst + (size_t) dy * dst_stride;

    const int32_t *r1;

    /* the first row: the one in the second buffer moves over (walking
     * down, the old second row is the new first) */
    if (have[0] != want[0] && have[1] == want[0]) {
      int32_t *r = rows[0];

      rows[0] = rows[1];
      rows[1] = r;
      have[0] = have[1];
      have[1] = -1;
    }
    if (have[0] != want[0]) {
      linear_row (src + (size_t) want[0] * src_stride, taps, sw, dw, cn,
          rows[0]);
      have[0] = want[0];
    }
    /* the second, unless it is the first again (the bottom edge) */
    if (want[1] != want[0] && have[1] != want[1]) {
      linear_row (src + (size_t) want[1] * src_stride, taps, sw, dw, cn,
          rows[1]);
      have[1] = want[1];
    }
    r1 = want[1] == want[0] ? rows[0] : rows[1];
    for (size_t i = 0; i < (size_t) dw * cn; i++) {
      int32_t v = ((((rows[0][i] >> 4) * ty.w0) >> 16) +
          (((r1[i] >> 4) * ty.w1) >> 16) + 2) >> 2;

      out[i] = (uint8_t) (v < 0 ? 0 : v > 255 ? 255 : v);
    }
  }
  return IMCORE_OK;
}

/* Adds input row @s, area-resampled horizontally with the terms @xt
 * (@nx of them) into @tmp, times @w, to @acc. */
static void
area_add_row (const uint8_t * s, const AreaTerm * xt, size_t nx,
    unsigned cn, size_t row, float w, float *tmp, float *acc)
{
  memset (tmp, 0, row * sizeof (float));
  for (size_t j = 0; j < nx; j++) {
    const uint8_t *p = s + (size_t) xt[j].s * cn;
    float *o = tmp + (size_t) xt[j].d * cn;

    for (unsigned c = 0; c < cn; c++)
      o[c] += p[c] * xt[j].w;
  }
  for (size_t j = 0; j < row; j++)
    acc[j] += tmp[j] * w;
}

static ImcoreError
resize_area (const uint8_t * src, size_t src_stride, uint32_t sw,
    uint32_t sh, uint8_t * dst, size_t dst_stride, uint32_t dw, uint32_t dh,
    unsigned cn, uint8_t * mem)
{
  size_t row = (size_t) dw * cn;
  float *acc = (float *) mem, *tmp = (float *) mem + row;
  AreaTerm *xt = (AreaTerm *) (mem + 2 * row * 4);
  double scale_x = 1.0 / ((double) dw / sw);
  double scale_y = 1.0 / ((double) dh / sh);
  size_t nx = 0;

  for (uint32_t dx = 0; dx < dw; dx++)
    nx += area_terms (dx, sw, scale_x, xt + nx);
  for (uint32_t dy = 0; dy < dh; dy++) {
    uint8_t *out = dst + (size_t) dy * dst_stride;
    /* the rows of this output row's footprint, as area_terms() weighs
     * them (walked here: a tall footprint has many) */
    double f1 = dy * scale_y, f2 = f1 + scale_y;
    double cell = scale_y < sh - f1 ? scale_y : sh - f1;
    int64_t s1 = (int64_t) ceil (f1), s2 = (int64_t) floor (f2);

    if (s2 > (int64_t) sh - 1)
      s2 = (int64_t) sh - 1;
    if (s1 > s2)
      s1 = s2;
    memset (acc, 0, row * sizeof (float));
    if (s1 - f1 > 1e-3)
      area_add_row (src + (size_t) (s1 - 1) * src_stride, xt, nx, cn, row,
          (float) ((s1 - f1) / cell), tmp, acc);
    for (int64_t sy = s1; sy < s2; sy++)
      area_add_row (src + (size_t) sy * src_stride, xt, nx, cn, row,
          (float) (1.0 / cell), tmp, acc);
    if (f2 - s2 > 1e-3) {
      double w = f2 - s2 < 1.0 ? f2 - s2 : 1.0;

      w = w < cell ? w : cell;
      area_add_row (src + (size_t) s2 * src_stride, xt, nx, cn, row,
          (float) (w / cell), tmp, acc);
    }
    for (size_t j = 0; j < row; j++) {
      long v = lrintf (acc[j]);

      out[j] = (uint8_t) (v < 0 ? 0 : v > 255 ? 255 : v);
    }
  }
  return IMCORE_OK;
}

ImcoreError
imcore_resize_plane (const uint8_t * src, size_t src_stride,
    uint32_t src_width, uint32_t src_height, uint8_t * dst,
    size_t dst_stride, uint32_t dst_width, uint32_t dst_height,
    unsigned channels, ImcoreResizeMethod method, ImcoreScratch * scratch)
{
  size_t need;
  uint8_t *mem;

  if (!src || !dst || !scratch || src_width == 0 || src_height == 0 ||
      dst_width == 0 || dst_height == 0 || channels == 0 || channels > 4 ||
      src_stride / channels < src_width || dst_stride / channels < dst_width
      || (method != IMCORE_RESIZE_OPENCV_LINEAR &&
          method != IMCORE_RESIZE_OPENCV_AREA))
    return IMCORE_ERROR_INVALID_ARGUMENT;
  need = imcore_resize_scratch_size (src_width, dst_width, channels);
  if (need == 0)
    return IMCORE_ERROR_TOO_LARGE;
  mem = imcore_scratch_get (scratch, need);
  if (!mem)
    return IMCORE_ERROR_OUT_OF_MEMORY;
  /* cv2.resize: INTER_AREA averages when neither axis enlarges, and is
   * bilinear with its own weights otherwise */
  if (method == IMCORE_RESIZE_OPENCV_AREA && src_width >= dst_width &&
      src_height >= dst_height)
    return resize_area (src, src_stride, src_width, src_height, dst,
        dst_stride, dst_width, dst_height, channels, mem);
  return resize_linear (src, src_stride, src_width, src_height, dst,
      dst_stride, dst_width, dst_height, channels,
      method == IMCORE_RESIZE_OPENCV_AREA, mem);
}

ImcoreError
imcore_image_resize (const ImcoreImage * src, ImcoreImage * dst,
    ImcoreResizeMethod method, ImcoreScratch * scratch)
{
  unsigned planes, hs, vs;

  if (!src || !dst)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if (src->format != dst->format)
    return IMCORE_ERROR_UNSUPPORTED_FORMAT;
  planes = imcore_pixel_n_planes (src->format);
  if (planes == 0)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if (planes == 1)
    return imcore_resize_plane (src->planes[0], src->strides[0], src->width,
        src->height, dst->planes[0], dst->strides[0], dst->width,
        dst->height, imcore_pixel_bytes (src->format), method, scratch);
  imcore_pixel_chroma_shift (src->format, &hs, &vs);
  for (unsigned p = 0; p < planes; p++) {
    unsigned h = p ? hs : 0, v = p ? vs : 0;
    ImcoreError err;

    err = imcore_resize_plane (src->planes[p], src->strides[p],
        (uint32_t) (((uint64_t) src->width + (1u << h) - 1) >> h),
        (uint32_t) (((uint64_t) src->height + (1u << v) - 1) >> v),
        dst->planes[p], dst->strides[p],
        (uint32_t) (((uint64_t) dst->width + (1u << h) - 1) >> h),
        (uint32_t) (((uint64_t) dst->height + (1u << v) - 1) >> v), 1,
        method, scratch);
    if (err != IMCORE_OK)
      return err;
  }
  return IMCORE_OK;
}
