/* gst-imencode core: drawing rectangles and small images onto pixels
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-draw.h"

#include <math.h>
#include <string.h>

/* Where a packed format keeps its channels: byte offsets in a pixel, -1
 * for none */
typedef struct
{
  unsigned bpp;
  int r, g, b, a;
} PackedLayout;

static bool
packed_layout (ImcorePixelFormat f, PackedLayout * l)
{
  static const struct
  {
    ImcorePixelFormat f;
    PackedLayout l;
  } table[] = {
    {IMCORE_PIXEL_RGB, {3, 0, 1, 2, -1}},
    {IMCORE_PIXEL_BGR, {3, 2, 1, 0, -1}},
    {IMCORE_PIXEL_RGBA, {4, 0, 1, 2, 3}},
    {IMCORE_PIXEL_BGRA, {4, 2, 1, 0, 3}},
    {IMCORE_PIXEL_ARGB, {4, 1, 2, 3, 0}},
    {IMCORE_PIXEL_ABGR, {4, 3, 2, 1, 0}},
    {IMCORE_PIXEL_RGBX, {4, 0, 1, 2, -1}},
    {IMCORE_PIXEL_BGRX, {4, 2, 1, 0, -1}},
    {IMCORE_PIXEL_XRGB, {4, 1, 2, 3, -1}},
    {IMCORE_PIXEL_XBGR, {4, 3, 2, 1, -1}},
  };

  for (size_t i = 0; i < sizeof (table) / sizeof (table[0]); i++) {
    if (table[i].f == f) {
      *l = table[i].l;
      return true;
    }
  }
  return false;
}

static bool
is_planar_yuv (ImcorePixelFormat f)
{
  return f == IMCORE_PIXEL_I420 || f == IMCORE_PIXEL_I422 ||
      f == IMCORE_PIXEL_I444;
}

static bool
image_valid (const ImcoreImage * img, const ImcoreYuvColorimetry * yuv)
{
  unsigned n;

  if (!img)
    return false;
  n = imcore_pixel_n_planes (img->format);
  if (n == 0 || (n == 3 && !yuv))
    return false;
  for (unsigned i = 0; i < n; i++) {
    if (!img->planes[i])
      return false;
  }
  return true;
}

/* Matrix and range of the samples: weights of R, G, B in luma, and how
 * luma and chroma are scaled and offset */
typedef struct
{
  double kr, kg, kb;
  double y_scale, y_offset, c_scale;
} YuvMap;

static void
yuv_map (const ImcoreYuvColorimetry * yuv, YuvMap * m)
{
  /* GRAY8: full-range BT.601 luma */
  m->kr = yuv ? yuv->kr : 0.299;
  m->kb = yuv ? yuv->kb : 0.114;
  m->kg = 1.0 - m->kr - m->kb;
  if (yuv && yuv->limited_range) {
    m->y_scale = 219.0 / 255.0;
    m->y_offset = 16.0;
    m->c_scale = 224.0 / 255.0;
  } else {
    m->y_scale = m->c_scale = 1.0;
    m->y_offset = 0.0;
  }
}

/* Y, Cb, Cr of the premultiplied colour (@r, @g, @b) of alpha @a (all
 * 0..255), premultiplied too: what the colour adds to a pixel after the
 * pixel was scaled by (255 - @a) / 255 */
static void
yuv_premultiplied (const YuvMap * m, double r, double g, double b, double a,
    double *y, double *u, double *v)
{
  double l = m->kr * r + m->kg * g + m->kb * b;
  double base = a / 255.0;

  *y = base * m->y_offset + l * m->y_scale;
  *u = base * 128.0 + (b - l) / (2.0 * (1.0 - m->kb)) * m->c_scale;
  *v = base * 128.0 + (r - l) / (2.0 * (1.0 - m->kr)) * m->c_scale;
}

static uint8_t
clamp_round (double v)
{
  if (v <= 0.0)
    return 0;
  if (v >= 255.0)
    return 255;
  return (uint8_t) lrint (v);
}

/* @old blended towards @c with alpha @a (0..255), rounded */
static inline uint8_t
blend (uint8_t old, uint8_t c, unsigned a)
{
  return (uint8_t) ((old * (255 - a) + c * a + 127) / 255);
}

/* The part of the image a shape covers: the outer box minus the inner
 * one, both clipped to the image (inner empty for a fill) */
typedef struct
{
  uint32_t ox0, oy0, ox1, oy1;
  uint32_t ix0, iy0, ix1, iy1;
  bool has_inner;
} Shape;

static uint32_t
clip_coord (int64_t v, uint32_t size)
{
  return v <= 0 ? 0 : v >= size ? size : (uint32_t) v;
}

static bool
box_valid (const ImcoreDrawBox * b)
{
  return b->x0 >= -IMCORE_DRAW_COORD_LIMIT &&
      b->x0 <= IMCORE_DRAW_COORD_LIMIT &&
      b->y0 >= -IMCORE_DRAW_COORD_LIMIT &&
      b->y0 <= IMCORE_DRAW_COORD_LIMIT &&
      b->x1 >= -IMCORE_DRAW_COORD_LIMIT &&
      b->x1 <= IMCORE_DRAW_COORD_LIMIT &&
      b->y1 >= -IMCORE_DRAW_COORD_LIMIT && b->y1 <= IMCORE_DRAW_COORD_LIMIT;
}

/* Fills @s for @box with an outline of @t (0: filled) on @img; false when
 * nothing of it lies inside */
static bool
make_shape (const ImcoreImage * img, const ImcoreDrawBox * box, uint32_t t,
    Shape * s)
{
  memset (s, 0, sizeof (*s));
  s->ox0 = clip_coord (box->x0, img->width);
  s->ox1 = clip_coord (box->x1, img->width);
  s->oy0 = clip_coord (box->y0, img->height);
  s->oy1 = clip_coord (box->y1, img->height);
  if (s->ox1 <= s->ox0 || s->oy1 <= s->oy0)
    return false;
  if (t > 0 && box->x1 - box->x0 > 2 * (int64_t) t &&
      box->y1 - box->y0 > 2 * (int64_t) t) {
    s->ix0 = clip_coord (box->x0 + t, img->width);
    s->ix1 = clip_coord (box->x1 - t, img->width);
    s->iy0 = clip_coord (box->y0 + t, img->height);
    s->iy1 = clip_coord (box->y1 - t, img->height);
    s->has_inner = s->ix1 > s->ix0 && s->iy1 > s->iy0;
  }
  return true;
}

/* The column spans of row @y that @s covers: up to two, returns how
 * many */
static unsigned
shape_row_spans (const Shape * s, uint32_t y, uint32_t spans[2][2])
{
  if (!s->has_inner || y < s->iy0 || y >= s->iy1) {
    spans[0][0] = s->ox0;
    spans[0][1] = s->ox1;
    return 1;
  }
  unsigned n = 0;
  if (s->ix0 > s->ox0) {
    spans[n][0] = s->ox0;
    spans[n++][1] = s->ix0;
  }
  if (s->ox1 > s->ix1) {
    spans[n][0] = s->ix1;
    spans[n++][1] = s->ox1;
  }
  return n;
}

static uint64_t
overlap (uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1)
{
  uint32_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;

  return hi > lo ? hi - lo : 0;
}

/* Pixels of the block [x0, x1) x [y0, y1) that @s covers */
static uint64_t
shape_cover (const Shape * s, uint32_t x0, uint32_t x1, uint32_t y0,
    uint32_t y1)
{
  uint64_t n = overlap (s->ox0, s->ox1, x0, x1) * overlap (s->oy0, s->oy1,
      y0, y1);

  if (s->has_inner)
    n -= overlap (s->ix0, s->ix1, x0, x1) * overlap (s->iy0, s->iy1, y0, y1);
  return n;
}

static void
paint_plane_spans (uint8_t * plane, size_t stride, const Shape * s,
    uint8_t c, unsigned a)
{
  for (uint32_t y = s->oy0; y < s->oy1; y++) {
    uint8_t *row = plane + (size_t) y * stride;
    uint32_t spans[2][2];
    unsigned n = shape_row_spans (s, y, spans);

    for (unsigned i = 0; i < n; i++) {
      if (a == 255) {
        memset (row + spans[i][0], c, spans[i][1] - spans[i][0]);
        continue;
      }
      for (uint32_t x = spans[i][0]; x < spans[i][1]; x++)
        row[x] = blend (row[x], c, a);
    }
  }
}

/* Blends chroma sample (@cx, @cy) of a plane subsampled by @hs, @vs
 * towards @c, with @a scaled by the part of its block @s covers */
static void
paint_chroma_sample (uint8_t * row, const ImcoreImage * img, const Shape * s,
    unsigned hs, unsigned vs, uint32_t cx, uint32_t cy, uint8_t c, unsigned a)
{
  uint32_t bx0 = cx << hs, by0 = cy << vs;
  uint32_t bx1 = bx0 + (1u << hs), by1 = by0 + (1u << vs);
  uint64_t n, cover;

  if (bx1 > img->width)
    bx1 = img->width;
  if (by1 > img->height)
    by1 = img->height;
  n = (uint64_t) (bx1 - bx0) * (by1 - by0);
  cover = shape_cover (s, bx0, bx1, by0, by1);
  if (cover == 0)
    return;
  row[cx] = blend (row[cx], c, (unsigned) ((a * cover + n / 2) / n));
}

/* Chroma columns of a plane subsampled by @hs whose whole blocks lie in
 * the luma columns [@s0, @s1) of an image @width wide: [*@f0, *@f1) */
static void
full_columns (uint32_t s0, uint32_t s1, uint32_t width, unsigned hs,
    uint32_t * f0, uint32_t * f1)
{
  *f0 = (s0 + (1u << hs) - 1) >> hs;
  /* a last block cut by the image's edge is whole */
  *f1 = s1 == width ? (width + (1u << hs) - 1) >> hs : s1 >> hs;
  if (*f1 < *f0)
    *f1 = *f0;
}

/* Paints chroma columns [@cx0, @cx1) of row @cy: those in [@f0, @f1)
 * wholly covered, the others by their coverage */
static void
paint_chroma_span (uint8_t * row, const ImcoreImage * img, const Shape * s,
    unsigned hs, unsigned vs, uint32_t cy, uint32_t cx0, uint32_t cx1,
    uint32_t f0, uint32_t f1, uint8_t c, unsigned a)
{
  f0 = f0 < cx0 ? cx0 : f0 > cx1 ? cx1 : f0;
  f1 = f1 < f0 ? f0 : f1 > cx1 ? cx1 : f1;
  for (uint32_t cx = cx0; cx < f0; cx++)
    paint_chroma_sample (row, img, s, hs, vs, cx, cy, c, a);
  if (a == 255) {
    memset (row + f0, c, f1 - f0);
  } else {
    for (uint32_t cx = f0; cx < f1; cx++)
      row[cx] = blend (row[cx], c, a);
  }
  for (uint32_t cx = f1; cx < cx1; cx++)
    paint_chroma_sample (row, img, s, hs, vs, cx, cy, c, a);
}

static void
paint_chroma (uint8_t * plane, size_t stride, const ImcoreImage * img,
    const Shape * s, unsigned hs, unsigned vs, uint8_t c, unsigned a)
{
  uint32_t cy0 = s->oy0 >> vs, cy1 = ((s->oy1 - 1) >> vs) + 1;
  uint32_t cx0 = s->ox0 >> hs, cx1 = ((s->ox1 - 1) >> hs) + 1;
  uint32_t full0, full1, left0 = 0, left1 = 0, right0 = 0, right1 = 0;

  full_columns (s->ox0, s->ox1, img->width, hs, &full0, &full1);
  if (s->has_inner) {
    full_columns (s->ox0, s->ix0, img->width, hs, &left0, &left1);
    full_columns (s->ix1, s->ox1, img->width, hs, &right0, &right1);
  }
  for (uint32_t cy = cy0; cy < cy1; cy++) {
    uint8_t *row = plane + (size_t) cy * stride;
    uint32_t by0 = cy << vs, by1 = by0 + (1u << vs);
    /* the block's rows all inside the outer box (a cut last block row
     * counts whole) */
    bool rows_in = by0 >= s->oy0 && (by1 <= s->oy1 ||
        (s->oy1 == img->height && by0 < s->oy1));

    if (by1 > img->height)
      by1 = img->height;
    if (!s->has_inner || by1 <= s->iy0 || by0 >= s->iy1) {
      /* no row of the block is in the inner box: a full-width band */
      paint_chroma_span (row, img, s, hs, vs, cy, cx0, cx1,
          rows_in ? full0 : cx1, rows_in ? full1 : cx1, c, a);
      continue;
    }
    if (by0 < s->iy0 || by1 > s->iy1) {
      /* rows of both kinds: each sample by its coverage */
      paint_chroma_span (row, img, s, hs, vs, cy, cx0, cx1, cx1, cx1, c, a);
      continue;
    }
    /* only the left and right bands: the columns of their blocks */
    uint32_t lend = s->ix0 > s->ox0 ? ((s->ix0 - 1) >> hs) + 1 : cx0;
    uint32_t rstart = s->ox1 > s->ix1 ? s->ix1 >> hs : cx1;

    if (rstart < lend)
      rstart = lend;
    paint_chroma_span (row, img, s, hs, vs, cy, cx0, lend, left0, left1, c,
        a);
    paint_chroma_span (row, img, s, hs, vs, cy, rstart, cx1, right0, right1,
        c, a);
  }
}

static void
paint_packed (const ImcoreImage * img, const PackedLayout * l,
    const Shape * s, ImcoreDrawColor color)
{
  unsigned a = color.a;

  for (uint32_t y = s->oy0; y < s->oy1; y++) {
    uint8_t *row = img->planes[0] + (size_t) y * img->strides[0];
    uint32_t spans[2][2];
    unsigned n = shape_row_spans (s, y, spans);

    for (unsigned i = 0; i < n; i++) {
      for (uint32_t x = spans[i][0]; x < spans[i][1]; x++) {
        uint8_t *p = row + (size_t) x * l->bpp;

        p[l->r] = blend (p[l->r], color.r, a);
        p[l->g] = blend (p[l->g], color.g, a);
        p[l->b] = blend (p[l->b], color.b, a);
        if (l->a >= 0)
          p[l->a] = (uint8_t) (p[l->a] + ((255 - p[l->a]) * a + 127) / 255);
      }
    }
  }
}

static ImcoreError
paint_shape (const ImcoreImage * img, const ImcoreYuvColorimetry * yuv,
    const ImcoreDrawBox * box, uint32_t thickness, ImcoreDrawColor color)
{
  PackedLayout l;
  YuvMap m;
  Shape s;
  double y, u, v;

  if (!box || !image_valid (img, yuv) || !box_valid (box))
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if (color.a == 0 || !make_shape (img, box, thickness, &s))
    return IMCORE_OK;
  if (packed_layout (img->format, &l)) {
    paint_packed (img, &l, &s, color);
    return IMCORE_OK;
  }
  if (img->format != IMCORE_PIXEL_GRAY8 && !is_planar_yuv (img->format))
    return IMCORE_ERROR_INVALID_ARGUMENT;
  yuv_map (img->format == IMCORE_PIXEL_GRAY8 ? NULL : yuv, &m);
  yuv_premultiplied (&m, color.r, color.g, color.b, 255.0, &y, &u, &v);
  paint_plane_spans (img->planes[0], img->strides[0], &s, clamp_round (y),
      color.a);
  if (img->format != IMCORE_PIXEL_GRAY8) {
    unsigned hs, vs;

    imcore_pixel_chroma_shift (img->format, &hs, &vs);
    paint_chroma (img->planes[1], img->strides[1], img, &s, hs, vs,
        clamp_round (u), color.a);
    paint_chroma (img->planes[2], img->strides[2], img, &s, hs, vs,
        clamp_round (v), color.a);
  }
  return IMCORE_OK;
}

ImcoreError
imcore_draw_outline (const ImcoreImage * img, const ImcoreYuvColorimetry * yuv,
    const ImcoreDrawBox * box, uint32_t thickness, ImcoreDrawColor color)
{
  if (thickness == 0)
    return box && image_valid (img, yuv) && box_valid (box) ? IMCORE_OK :
        IMCORE_ERROR_INVALID_ARGUMENT;
  return paint_shape (img, yuv, box, thickness, color);
}

ImcoreError
imcore_draw_fill (const ImcoreImage * img, const ImcoreYuvColorimetry * yuv,
    const ImcoreDrawBox * box, ImcoreDrawColor color)
{
  return paint_shape (img, yuv, box, 0, color);
}

/* ---- compositing a premultiplied ARGB image ---- */

/* The colour map in 16.16 fixed point, applied to premultiplied pixels:
 * Y = a * y_a + r * y_r + g * y_g + b * y_b, likewise Cb and Cr; the
 * offsets (16, 128) scale with the pixel's alpha */
typedef struct
{
  int32_t y_a, y_r, y_g, y_b;
  int32_t u_a, u_r, u_g, u_b;
  int32_t v_a, v_r, v_g, v_b;
} FixedMap;

static void
fixed_map (const YuvMap * m, FixedMap * f)
{
  double ur = -m->kr / (2.0 * (1.0 - m->kb)), ug = -m->kg / (2.0 * (1.0 -
          m->kb)), ub = 0.5;
  double vr = 0.5, vg = -m->kg / (2.0 * (1.0 - m->kr)), vb =
      -m->kb / (2.0 * (1.0 - m->kr));

  f->y_a = (int32_t) lrint (m->y_offset / 255.0 * 65536.0);
  f->y_r = (int32_t) lrint (m->kr * m->y_scale * 65536.0);
  f->y_g = (int32_t) lrint (m->kg * m->y_scale * 65536.0);
  f->y_b = (int32_t) lrint (m->kb * m->y_scale * 65536.0);
  f->u_a = f->v_a = (int32_t) lrint (128.0 / 255.0 * 65536.0);
  f->u_r = (int32_t) lrint (ur * m->c_scale * 65536.0);
  f->u_g = (int32_t) lrint (ug * m->c_scale * 65536.0);
  f->u_b = (int32_t) lrint (ub * m->c_scale * 65536.0);
  f->v_r = (int32_t) lrint (vr * m->c_scale * 65536.0);
  f->v_g = (int32_t) lrint (vg * m->c_scale * 65536.0);
  f->v_b = (int32_t) lrint (vb * m->c_scale * 65536.0);
}

static inline uint8_t
clamp_fixed (int64_t v)
{
  v = (v + 32768) >> 16;
  return v < 0 ? 0 : v > 255 ? 255 : (uint8_t) v;
}

ImcoreError
imcore_draw_argb (const ImcoreImage * img, const ImcoreYuvColorimetry * yuv,
    int64_t x, int64_t y, const uint32_t * argb, size_t argb_stride,
    uint32_t width, uint32_t height)
{
  ImcoreDrawBox box = { x, y, x + (int64_t) width, y + (int64_t) height };
  PackedLayout l = { 0, 0, 0, 0, -1 };
  YuvMap m;
  FixedMap f;
  Shape s;
  bool packed;
  unsigned hs, vs;

  if (!image_valid (img, yuv) || !argb || argb_stride % 4 != 0 ||
      argb_stride / 4 < width || !box_valid (&box))
    return IMCORE_ERROR_INVALID_ARGUMENT;
  packed = packed_layout (img->format, &l);
  if (!packed && img->format != IMCORE_PIXEL_GRAY8 &&
      !is_planar_yuv (img->format))
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if (!make_shape (img, &box, 0, &s))
    return IMCORE_OK;
  yuv_map (img->format == IMCORE_PIXEL_GRAY8 ? NULL : yuv, &m);
  fixed_map (&m, &f);

  for (uint32_t py = s.oy0; py < s.oy1; py++) {
    uint8_t *row = img->planes[0] + (size_t) py * img->strides[0];
    const uint32_t *src = (const uint32_t *) ((const uint8_t *) argb +
        (size_t) (py - y) * argb_stride) - x;

    for (uint32_t px = s.ox0; px < s.ox1; px++) {
      uint32_t p = src[px];
      unsigned a = p >> 24, r = (p >> 16) & 255, g = (p >> 8) & 255,
          b = p & 255;

      if (a == 0)
        continue;
      if (packed) {
        uint8_t *d = row + (size_t) px * l.bpp;

        /* premultiplied: old * (255 - a) / 255 + colour */
        d[l.r] = (uint8_t) ((d[l.r] * (255 - a) + r * 255 + 127) / 255);
        d[l.g] = (uint8_t) ((d[l.g] * (255 - a) + g * 255 + 127) / 255);
        d[l.b] = (uint8_t) ((d[l.b] * (255 - a) + b * 255 + 127) / 255);
        if (l.a >= 0)
          d[l.a] = (uint8_t) (d[l.a] + ((255 - d[l.a]) * a + 127) / 255);
      } else {
        /* old * (255 - a) / 255 (65536 / 255 is 257 and a bit) */
        row[px] = clamp_fixed ((int64_t) row[px] * (255 - a) * 257 +
            a * f.y_a + r * f.y_r + g * f.y_g + b * f.y_b);
      }
    }
  }
  if (!is_planar_yuv (img->format))
    return IMCORE_OK;

  /* chroma: each sample takes the mean of its block's pixels (those
   * outside the overlay add nothing) */
  imcore_pixel_chroma_shift (img->format, &hs, &vs);
  for (uint32_t cy = s.oy0 >> vs; cy <= (s.oy1 - 1) >> vs; cy++) {
    uint8_t *urow = img->planes[1] + (size_t) cy * img->strides[1];
    uint8_t *vrow = img->planes[2] + (size_t) cy * img->strides[2];
    uint32_t by0 = cy << vs, by1 = by0 + (1u << vs);

    if (by1 > img->height)
      by1 = img->height;
    for (uint32_t cx = s.ox0 >> hs; cx <= (s.ox1 - 1) >> hs; cx++) {
      uint32_t bx0 = cx << hs, bx1 = bx0 + (1u << hs);
      int64_t sa = 0, sr = 0, sg = 0, sb = 0, n, su, sv;

      if (bx1 > img->width)
        bx1 = img->width;
      n = (int64_t) (bx1 - bx0) * (by1 - by0);
      for (uint32_t py = by0 < s.oy0 ? s.oy0 : by0;
          py < by1 && py < s.oy1; py++) {
        const uint32_t *src = (const uint32_t *) ((const uint8_t *) argb +
            (size_t) (py - y) * argb_stride) - x;

        for (uint32_t px = bx0 < s.ox0 ? s.ox0 : bx0;
            px < bx1 && px < s.ox1; px++) {
          uint32_t p = src[px];

          sa += p >> 24;
          sr += (p >> 16) & 255;
          sg += (p >> 8) & 255;
          sb += p & 255;
        }
      }
      if (sa == 0)
        continue;
      /* the mean's chroma: the map is linear */
      su = sa * f.u_a + sr * f.u_r + sg * f.u_g + sb * f.u_b;
      sv = sa * f.v_a + sr * f.v_r + sg * f.v_g + sb * f.v_b;
      urow[cx] = clamp_fixed ((((int64_t) urow[cx] * (255 * n - sa) * 257) +
              su) / n);
      vrow[cx] = clamp_fixed ((((int64_t) vrow[cx] * (255 * n - sa) * 257) +
              sv) / n);
    }
  }
  return IMCORE_OK;
}

ImcoreError
imcore_draw_copy_image (const ImcoreImage * src, const ImcoreImage * dst)
{
  unsigned n, hs, vs;

  if (!src || !dst || src->format != dst->format ||
      src->width != dst->width || src->height != dst->height)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  n = imcore_pixel_n_planes (src->format);
  if (n == 0)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  imcore_pixel_chroma_shift (src->format, &hs, &vs);
  for (unsigned i = 0; i < n; i++) {
    size_t row_bytes = i == 0 ? (size_t) src->width *
        imcore_pixel_bytes (src->format) :
        ((size_t) src->width + (1u << hs) - 1) >> hs;
    uint32_t rows = i == 0 ? src->height :
        (uint32_t) (((uint64_t) src->height + (1u << vs) - 1) >> vs);

    if (!src->planes[i] || !dst->planes[i])
      return IMCORE_ERROR_INVALID_ARGUMENT;
    for (uint32_t y = 0; y < rows; y++)
      memcpy (dst->planes[i] + (size_t) y * dst->strides[i],
          src->planes[i] + (size_t) y * src->strides[i], row_bytes);
  }
  return IMCORE_OK;
}
