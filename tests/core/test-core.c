/* gst-imencode: unit tests of the GStreamer-free core (src/imcore-*)
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the encoders write is read back by code we did not write:
 * libjpeg-turbo's decompressor, libpng's simplified reader and GLib's
 * base64. The test images have no symmetry (gradients and ripples along
 * different axes per channel, coloured blocks in the top-left corner), so a
 * flip, a channel swap, a chroma shift or an off-by-one crop moves the
 * result past the thresholds; test_jpeg_thresholds_discriminate() proves
 * that for the JPEG thresholds. Colour conversions are checked against the
 * textbook definitions of the matrices, written out here.
 *
 * Every plane is its own allocation of exactly stride x rows (rows padded
 * with garbage), so AddressSanitizer sees any read past it; the
 * /core/no-overread cases put planes against an inaccessible page so that
 * such a read fails in a plain build too.
 *
 * Assertions are non-fatal: one run lists every broken combination instead
 * of stopping at the first, and each failing case says which one it is.
 */

#include "guarded.h"
#include "imcore.h"

#include <glib.h>
#include <png.h>
#include <stdarg.h>
#include <string.h>
#include <turbojpeg.h>


/* ------------------------------------------------------------------ */
/* Shared helpers                                                      */
/* ------------------------------------------------------------------ */

/* xorshift64*: deterministic, so a failure reproduces run after run */
typedef struct
{
  uint64_t s;
} TestRng;

static void
rng_init (TestRng * rng, uint64_t seed)
{
  rng->s = seed ? seed : 0x9e3779b97f4a7c15ull;
}

static uint32_t
rng_next (TestRng * rng)
{
  rng->s ^= rng->s >> 12;
  rng->s ^= rng->s << 25;
  rng->s ^= rng->s >> 27;
  return (uint32_t) ((rng->s * 0x2545f4914f6cdd1dull) >> 32);
}

static void
rng_fill (TestRng * rng, uint8_t * buf, size_t n)
{
  for (size_t i = 0; i < n; i++)
    buf[i] = (uint8_t) rng_next (rng);
}

/* Records a failed check with the case it belongs to and goes on, so that
 * table-driven loops report every broken combination. */
/* format strings are checked at compile time */
/* *INDENT-OFF* */
static gboolean check (gboolean ok, const char *what, const char *fmt, ...)
    G_GNUC_PRINTF (3, 4);
/* *INDENT-ON* */

static gboolean
check (gboolean ok, const char *what, const char *fmt, ...)
{
  va_list ap;
  gchar *msg;

  if (ok)
    return TRUE;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_printerr ("FAIL %s: %s\n", what, msg);
  g_free (msg);
  g_test_fail ();
  return FALSE;
}

#define CANARY_SIZE 64
#define CANARY_BYTE 0x5c

static void
canary_set (uint8_t * p)
{
  memset (p, CANARY_BYTE, CANARY_SIZE);
}

static gboolean
canary_intact (const uint8_t * p)
{
  for (size_t i = 0; i < CANARY_SIZE; i++) {
    if (p[i] != CANARY_BYTE)
      return FALSE;
  }
  return TRUE;
}

/* Mean squared error of two 8-bit planes; PSNR = 10 log10 (255^2 / MSE).
 * Kept as MSE so the test needs no libm. */
static double
plane_mse (const uint8_t * a, size_t a_stride, const uint8_t * b,
    size_t b_stride, size_t row, size_t rows)
{
  uint64_t sum = 0;

  if (row == 0 || rows == 0)
    return 0.0;
  for (size_t y = 0; y < rows; y++) {
    const uint8_t *pa = a + y * a_stride;
    const uint8_t *pb = b + y * b_stride;

    for (size_t x = 0; x < row; x++) {
      int d = (int) pa[x] - (int) pb[x];

      sum += (uint64_t) (d * d);
    }
  }
  return (double) sum / ((double) row * (double) rows);
}

/* ------------------------------------------------------------------ */
/* Test images                                                         */
/* ------------------------------------------------------------------ */

/* Byte positions of each channel in one pixel, written down here from the
 * header's "named by byte order in memory" rather than taken from the
 * core, so a wrong table in the core cannot agree with itself. */
typedef struct
{
  ImcorePixelFormat format;
  const char *name;
  unsigned bpp;
  int r, g, b;
  int a;                        /* -1: no alpha */
  int x;                        /* -1: no filler byte */
} PackedInfo;

static const PackedInfo packed_infos[] = {
  {IMCORE_PIXEL_RGB, "RGB", 3, 0, 1, 2, -1, -1},
  {IMCORE_PIXEL_BGR, "BGR", 3, 2, 1, 0, -1, -1},
  {IMCORE_PIXEL_RGBA, "RGBA", 4, 0, 1, 2, 3, -1},
  {IMCORE_PIXEL_BGRA, "BGRA", 4, 2, 1, 0, 3, -1},
  {IMCORE_PIXEL_ARGB, "ARGB", 4, 1, 2, 3, 0, -1},
  {IMCORE_PIXEL_ABGR, "ABGR", 4, 3, 2, 1, 0, -1},
  {IMCORE_PIXEL_RGBX, "RGBX", 4, 0, 1, 2, -1, 3},
  {IMCORE_PIXEL_BGRX, "BGRX", 4, 2, 1, 0, -1, 3},
  {IMCORE_PIXEL_XRGB, "XRGB", 4, 1, 2, 3, -1, 0},
  {IMCORE_PIXEL_XBGR, "XBGR", 4, 3, 2, 1, -1, 0},
};

static const PackedInfo *
packed_info (ImcorePixelFormat format)
{
  for (size_t i = 0; i < G_N_ELEMENTS (packed_infos); i++) {
    if (packed_infos[i].format == format)
      return &packed_infos[i];
  }
  return NULL;
}

static const char *
yuv_name (ImcorePixelFormat format)
{
  switch (format) {
    case IMCORE_PIXEL_GRAY8:
      return "GRAY8";
    case IMCORE_PIXEL_I420:
      return "I420";
    case IMCORE_PIXEL_I422:
      return "I422";
    case IMCORE_PIXEL_I444:
      return "I444";
    default:
      return "?";
  }
}

/* The chroma geometry as the header defines it, independent of the core */
static void
test_chroma_shift (ImcorePixelFormat format, unsigned *hs, unsigned *vs)
{
  *hs = format == IMCORE_PIXEL_I420 || format == IMCORE_PIXEL_I422;
  *vs = format == IMCORE_PIXEL_I420;
}

/* Solid blocks in the top-left corner, in luma pixel coordinates
 * [x0, x1) x [y0, y1): sharp colour edges at known places. */
typedef struct
{
  uint32_t x0, y0, x1, y1;
  uint8_t rgb[3];
  uint8_t yuv[3];
} TestBlock;

static const TestBlock test_blocks[] = {
  {2, 1, 10, 5, {235, 20, 25}, {235, 16, 240}},
  {12, 2, 16, 10, {25, 220, 40}, {60, 200, 30}},
  {1, 7, 5, 12, {30, 45, 240}, {128, 240, 128}},
  {18, 0, 24, 3, {250, 245, 120}, {200, 128, 16}},
};

static const TestBlock *
find_block (uint32_t x, uint32_t y)
{
  for (size_t i = 0; i < G_N_ELEMENTS (test_blocks); i++) {
    const TestBlock *b = &test_blocks[i];

    if (x >= b->x0 && x < b->x1 && y >= b->y0 && y < b->y1)
      return b;
  }
  return NULL;
}

/* Triangle wave 0..period/2..0: a ripple that JPEG keeps well, but that
 * makes a 1-pixel shift cost more than the accepted error. */
static uint32_t
tri (uint32_t t, uint32_t period)
{
  uint32_t v = t % period;

  return v <= period / 2 ? v : period - v;
}

/* R rises left to right with a ripple along x, G top to bottom with a
 * ripple along y, B falls left to right with a diagonal ripple. */
static void
pattern_rgb (uint32_t x, uint32_t y, uint32_t w, uint32_t h, uint8_t rgb[3])
{
  const TestBlock *b = find_block (x, y);

  if (b) {
    memcpy (rgb, b->rgb, 3);
    return;
  }
  rgb[0] = (uint8_t) (16 + 120 * x / w + 16 * tri (x, 12));
  rgb[1] = (uint8_t) (16 + 120 * y / h + 16 * tri (y, 10));
  rgb[2] = (uint8_t) (30 + 60 * (w - 1 - x) / w + 14 * tri (x + 2 * y, 16));
}

/* Sample (@x, @y) of @plane (@pw x @ph samples, subsampled by @hs, @vs). */
static uint8_t
pattern_yuv (unsigned plane, uint32_t x, uint32_t y, uint32_t pw,
    uint32_t ph, unsigned hs, unsigned vs)
{
  const TestBlock *b = find_block (x << hs, y << vs);

  if (b)
    return b->yuv[plane];
  switch (plane) {
    case 0:
      return (uint8_t) (20 + 100 * x / pw + 40 * y / ph +
          12 * tri (x + 2 * y, 14));
    case 1:
      return (uint8_t) (40 + 120 * y / ph + 10 * tri (2 * x + y, 16));
    default:
      return (uint8_t) (60 + 100 * (pw - 1 - x) / pw + 10 * tri (x + 3 * y,
              18));
  }
}

typedef struct
{
  ImcoreImage img;
  /* one allocation per plane of exactly stride * rows bytes, so reading
   * past a plane is caught by AddressSanitizer */
  uint8_t *mem[3];
  size_t mem_size[3];
  uint32_t pw[3], ph[3];        /* samples per row and rows of each plane */
  uint8_t *rgb;                 /* packed: tight R, G, B of every pixel */
  uint8_t *alpha;               /* packed: tight A (255 without alpha) */
} TestImage;

static void
test_image_alloc_plane (TestImage * t, unsigned i, uint32_t pw, uint32_t ph,
    size_t stride)
{
  t->pw[i] = pw;
  t->ph[i] = ph;
  t->mem_size[i] = stride * ph;
  t->mem[i] = g_malloc (t->mem_size[i]);
  /* padding keeps this value: an encoder that reads it shows 0xAB noise */
  memset (t->mem[i], 0xab, t->mem_size[i]);
  t->img.planes[i] = t->mem[i];
  t->img.strides[i] = stride;
}

/* A packed image with @pad garbage bytes after each row. @random gives
 * incompressible pixels instead of the pattern. Filler bytes are always
 * random, so an encoder that treats them as colour is caught. */
static TestImage *
test_image_new_packed (const PackedInfo * info, uint32_t w, uint32_t h,
    size_t pad, gboolean random, uint64_t seed)
{
  TestImage *t = g_new0 (TestImage, 1);
  size_t stride = (size_t) w * info->bpp + pad;
  TestRng rng;

  rng_init (&rng, seed);
  t->img.format = info->format;
  t->img.width = w;
  t->img.height = h;
  test_image_alloc_plane (t, 0, w, h, stride);
  t->rgb = g_malloc ((size_t) w * h * 3);
  t->alpha = g_malloc ((size_t) w * h);

  for (uint32_t y = 0; y < h; y++) {
    for (uint32_t x = 0; x < w; x++) {
      uint8_t *px = t->mem[0] + y * stride + (size_t) x * info->bpp;
      uint8_t *ref = t->rgb + ((size_t) y * w + x) * 3;
      uint8_t a;

      if (random) {
        uint32_t r = rng_next (&rng);

        ref[0] = (uint8_t) r;
        ref[1] = (uint8_t) (r >> 8);
        ref[2] = (uint8_t) (r >> 16);
        a = (uint8_t) (r >> 24);
      } else {
        pattern_rgb (x, y, w, h, ref);
        a = (uint8_t) (x * 37 + y * 91 + 11);
      }
      px[info->r] = ref[0];
      px[info->g] = ref[1];
      px[info->b] = ref[2];
      if (info->a >= 0)
        px[info->a] = a;
      if (info->x >= 0)
        px[info->x] = (uint8_t) rng_next (&rng);
      t->alpha[(size_t) y * w + x] = info->a >= 0 ? a : 255;
    }
  }
  return t;
}

/* GRAY8 or planar YUV with @pad garbage bytes after each row of every
 * plane. */
static TestImage *
test_image_new_yuv (ImcorePixelFormat format, uint32_t w, uint32_t h,
    size_t pad, gboolean random, uint64_t seed)
{
  TestImage *t = g_new0 (TestImage, 1);
  unsigned n = format == IMCORE_PIXEL_GRAY8 ? 1 : 3;
  unsigned hs, vs;
  TestRng rng;

  rng_init (&rng, seed);
  test_chroma_shift (format, &hs, &vs);
  t->img.format = format;
  t->img.width = w;
  t->img.height = h;
  for (unsigned i = 0; i < n; i++) {
    unsigned phs = i ? hs : 0, pvs = i ? vs : 0;
    uint32_t pw = (uint32_t) (((uint64_t) w + (1u << phs) - 1) >> phs);
    uint32_t ph = (uint32_t) (((uint64_t) h + (1u << pvs) - 1) >> pvs);
    size_t stride = pw + pad;

    test_image_alloc_plane (t, i, pw, ph, stride);
    for (uint32_t y = 0; y < ph; y++) {
      for (uint32_t x = 0; x < pw; x++) {
        t->mem[i][y * stride + x] = random ? (uint8_t) rng_next (&rng) :
            pattern_yuv (i, x, y, pw, ph, phs, pvs);
      }
    }
  }
  return t;
}

static void
test_image_free (TestImage * t)
{
  if (!t)
    return;
  for (unsigned i = 0; i < 3; i++)
    g_free (t->mem[i]);
  g_free (t->rgb);
  g_free (t->alpha);
  g_free (t);
}

/* BT.601 full-range luma, what libjpeg computes for a gray JPEG from RGB */
static uint8_t *
luma_of_rgb (const uint8_t * rgb, size_t n_pixels)
{
  uint8_t *y = g_malloc (n_pixels ? n_pixels : 1);

  for (size_t i = 0; i < n_pixels; i++) {
    const uint8_t *p = rgb + i * 3;

    y[i] = (uint8_t) ((299 * p[0] + 587 * p[1] + 114 * p[2] + 500) / 1000);
  }
  return y;
}

/* ------------------------------------------------------------------ */
/* Colorimetry, from the definitions rather than from the core's maths */
/* ------------------------------------------------------------------ */

static const ImcoreYuvColorimetry bt709_limited = { 0.2126, 0.0722, true };
static const ImcoreYuvColorimetry bt709_full = { 0.2126, 0.0722, false };
static const ImcoreYuvColorimetry bt601_limited = { 0.299, 0.114, true };
static const ImcoreYuvColorimetry bt2020_limited = { 0.2627, 0.0593, true };

static int
round_clamp (double v)
{
  if (v <= 0.0)
    return 0;
  if (v >= 255.0)
    return 255;
  return (int) (v + 0.5);
}

/* R'G'B' in 0..1 of one sample under @c: Y = Kr R + Kg G + Kb B,
 * Pb = (B - Y) / (2 (1 - Kb)), Pr = (R - Y) / (2 (1 - Kr)) solved for RGB. */
static void
ref_yuv_to_rgb (const ImcoreYuvColorimetry * c, int Y, int U, int V,
    double rgb[3])
{
  double kg = 1.0 - c->kr - c->kb;
  double y = c->limited_range ? (Y - 16) / 219.0 : Y / 255.0;
  double pb = (U - 128) / (c->limited_range ? 224.0 : 255.0);
  double pr = (V - 128) / (c->limited_range ? 224.0 : 255.0);

  rgb[0] = y + 2.0 * (1.0 - c->kr) * pr;
  rgb[2] = y + 2.0 * (1.0 - c->kb) * pb;
  rgb[1] = (y - c->kr * rgb[0] - c->kb * rgb[2]) / kg;
}

/* The inverse: code values of R'G'B' in 0..1 under @c */
static void
ref_rgb_to_yuv (const ImcoreYuvColorimetry * c, const double rgb[3],
    double yuv[3])
{
  double kg = 1.0 - c->kr - c->kb;
  double y = c->kr * rgb[0] + kg * rgb[1] + c->kb * rgb[2];
  double pb = (rgb[2] - y) / (2.0 * (1.0 - c->kb));
  double pr = (rgb[0] - y) / (2.0 * (1.0 - c->kr));

  if (c->limited_range) {
    yuv[0] = 16.0 + 219.0 * y;
    yuv[1] = 128.0 + 224.0 * pb;
    yuv[2] = 128.0 + 224.0 * pr;
  } else {
    yuv[0] = 255.0 * y;
    yuv[1] = 128.0 + 255.0 * pb;
    yuv[2] = 128.0 + 255.0 * pr;
  }
}

/* The JFIF code values of one @c sample, unclamped */
static void
ref_to_jfif (const ImcoreYuvColorimetry * c, int Y, int U, int V, double out[3])
{
  const ImcoreYuvColorimetry jfif = { 0.299, 0.114, false };
  double rgb[3];

  ref_yuv_to_rgb (c, Y, U, V, rgb);
  ref_rgb_to_yuv (&jfif, rgb, out);
}

/* ------------------------------------------------------------------ */
/* Image views                                                         */
/* ------------------------------------------------------------------ */

static void
test_image_pixel_info (void)
{
  unsigned hs, vs;

  g_assert_cmpuint (imcore_pixel_n_planes (IMCORE_PIXEL_GRAY8), ==, 1);
  for (size_t i = 0; i < G_N_ELEMENTS (packed_infos); i++) {
    const PackedInfo *info = &packed_infos[i];

    g_assert_cmpuint (imcore_pixel_n_planes (info->format), ==, 1);
    g_assert_cmpuint (imcore_pixel_bytes (info->format), ==, info->bpp);
    g_assert_cmpint (imcore_pixel_has_alpha (info->format), ==, info->a >= 0);
    imcore_pixel_chroma_shift (info->format, &hs, &vs);
    g_assert_cmpuint (hs, ==, 0);
    g_assert_cmpuint (vs, ==, 0);
  }
  g_assert_cmpuint (imcore_pixel_n_planes (IMCORE_PIXEL_I420), ==, 3);
  g_assert_cmpuint (imcore_pixel_n_planes (IMCORE_PIXEL_I422), ==, 3);
  g_assert_cmpuint (imcore_pixel_n_planes (IMCORE_PIXEL_I444), ==, 3);
  g_assert_cmpuint (imcore_pixel_n_planes (IMCORE_PIXEL_N_FORMATS), ==, 0);
  g_assert_cmpuint (imcore_pixel_n_planes ((ImcorePixelFormat) 1000), ==, 0);

  g_assert_cmpuint (imcore_pixel_bytes (IMCORE_PIXEL_GRAY8), ==, 1);
  g_assert_cmpuint (imcore_pixel_bytes (IMCORE_PIXEL_I420), ==, 1);
  g_assert_cmpuint (imcore_pixel_bytes (IMCORE_PIXEL_I444), ==, 1);
  g_assert_cmpuint (imcore_pixel_bytes (IMCORE_PIXEL_N_FORMATS), ==, 0);

  g_assert_false (imcore_pixel_has_alpha (IMCORE_PIXEL_GRAY8));
  g_assert_false (imcore_pixel_has_alpha (IMCORE_PIXEL_I420));

  imcore_pixel_chroma_shift (IMCORE_PIXEL_I420, &hs, &vs);
  g_assert_cmpuint (hs, ==, 1);
  g_assert_cmpuint (vs, ==, 1);
  imcore_pixel_chroma_shift (IMCORE_PIXEL_I422, &hs, &vs);
  g_assert_cmpuint (hs, ==, 1);
  g_assert_cmpuint (vs, ==, 0);
  imcore_pixel_chroma_shift (IMCORE_PIXEL_I444, &hs, &vs);
  g_assert_cmpuint (hs, ==, 0);
  g_assert_cmpuint (vs, ==, 0);
  imcore_pixel_chroma_shift (IMCORE_PIXEL_GRAY8, &hs, &vs);
  g_assert_cmpuint (hs, ==, 0);
  g_assert_cmpuint (vs, ==, 0);
}

static void
test_image_strerror (void)
{
  /* every code, and one that is not, has a distinct usable message */
  for (int e = IMCORE_OK; e <= IMCORE_ERROR_INVALID_INPUT; e++) {
    const char *msg = imcore_strerror ((ImcoreError) e);

    g_assert_nonnull (msg);
    g_assert_cmpuint (strlen (msg), >, 0);
    for (int o = IMCORE_OK; o < e; o++)
      g_assert_cmpstr (msg, !=, imcore_strerror ((ImcoreError) o));
  }
  g_assert_nonnull (imcore_strerror ((ImcoreError) 1234));
}

typedef struct
{
  ImcorePixelFormat format;
  uint32_t width, height;
  size_t size;
  size_t offsets[3];
  size_t strides[3];
} LayoutCase;

static void
test_image_size_layout (void)
{
  static const LayoutCase cases[] = {
    /* chroma rounds up: 3x3 I420 has 2x2 chroma */
    {IMCORE_PIXEL_I420, 3, 3, 9 + 4 + 4, {0, 9, 13}, {3, 2, 2}},
    {IMCORE_PIXEL_I420, 4, 2, 8 + 2 + 2, {0, 8, 10}, {4, 2, 2}},
    {IMCORE_PIXEL_I420, 1, 1, 1 + 1 + 1, {0, 1, 2}, {1, 1, 1}},
    {IMCORE_PIXEL_I422, 3, 3, 9 + 6 + 6, {0, 9, 15}, {3, 2, 2}},
    {IMCORE_PIXEL_I444, 3, 3, 27, {0, 9, 18}, {3, 3, 3}},
    {IMCORE_PIXEL_GRAY8, 1, 1, 1, {0}, {1}},
    {IMCORE_PIXEL_GRAY8, 7, 3, 21, {0}, {7}},
    {IMCORE_PIXEL_RGB, 5, 2, 30, {0}, {15}},
    {IMCORE_PIXEL_BGRX, 5, 2, 40, {0}, {20}},
    {IMCORE_PIXEL_ABGR, 1, 3, 12, {0}, {4}},
  };

  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++) {
    const LayoutCase *lc = &cases[c];
    unsigned n = lc->format >= IMCORE_PIXEL_I420 ? 3 : 1;
    uint8_t *data = g_malloc (lc->size);
    ImcoreImage img;
    ImcoreError err;

    g_assert_cmpuint (imcore_image_size (lc->format, lc->width, lc->height),
        ==, lc->size);
    err = imcore_image_init_packed (&img, lc->format, lc->width, lc->height,
        data, lc->size);
    g_assert_cmpint (err, ==, IMCORE_OK);
    if (err == IMCORE_OK) {
      g_assert_cmpint (img.format, ==, lc->format);
      g_assert_cmpuint (img.width, ==, lc->width);
      g_assert_cmpuint (img.height, ==, lc->height);
      for (unsigned i = 0; i < n; i++) {
        g_assert_true (img.planes[i] == data + lc->offsets[i]);
        g_assert_cmpuint (img.strides[i], ==, lc->strides[i]);
      }
    }
    /* one byte short is refused, not overrun */
    g_assert_cmpint (imcore_image_init_packed (&img, lc->format, lc->width,
            lc->height, data, lc->size - 1), ==, IMCORE_ERROR_NO_SPACE);
    g_free (data);
  }

  {
    uint8_t byte = 0;
    ImcoreImage img;

    g_assert_cmpint (imcore_image_init_packed (&img, IMCORE_PIXEL_RGB, 1, 1,
            NULL, 3), ==, IMCORE_ERROR_INVALID_ARGUMENT);
    g_assert_cmpint (imcore_image_init_packed (NULL, IMCORE_PIXEL_GRAY8, 1, 1,
            &byte, 1), ==, IMCORE_ERROR_INVALID_ARGUMENT);
    g_assert_cmpint (imcore_image_init_packed (&img, IMCORE_PIXEL_GRAY8, 0, 1,
            &byte, 1), ==, IMCORE_ERROR_INVALID_ARGUMENT);
    g_assert_cmpint (imcore_image_init_packed (&img, IMCORE_PIXEL_N_FORMATS,
            1, 1, &byte, 1), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  }

  g_assert_cmpuint (imcore_image_size (IMCORE_PIXEL_RGB, 0, 10), ==, 0);
  g_assert_cmpuint (imcore_image_size (IMCORE_PIXEL_RGB, 10, 0), ==, 0);
  g_assert_cmpuint (imcore_image_size (IMCORE_PIXEL_N_FORMATS, 1, 1), ==, 0);

  /* sizes that do not fit in size_t give 0, never a wrapped small size */
  g_assert_cmpuint (imcore_image_size (IMCORE_PIXEL_RGBA, UINT32_MAX,
          UINT32_MAX), ==, 0);
  g_assert_cmpuint (imcore_image_size (IMCORE_PIXEL_RGB, UINT32_MAX,
          UINT32_MAX), ==, 0);
  if (sizeof (size_t) == 8) {
    uint64_t gray = (uint64_t) UINT32_MAX * UINT32_MAX;

    /* one plane fits exactly, three of them (the sum) do not */
    g_assert_cmpuint (imcore_image_size (IMCORE_PIXEL_GRAY8, UINT32_MAX,
            UINT32_MAX), ==, gray);
    g_assert_cmpuint (imcore_image_size (IMCORE_PIXEL_I444, UINT32_MAX,
            UINT32_MAX), ==, 0);
    g_assert_cmpuint (imcore_image_size (IMCORE_PIXEL_I420, UINT32_MAX,
            UINT32_MAX), ==, 0);
  }
}

/* An image view over real memory, so pointer offsets stay in bounds */
static TestImage *
view_image (ImcorePixelFormat format, uint32_t w, uint32_t h,
    const size_t strides[3])
{
  TestImage *t = g_new0 (TestImage, 1);
  unsigned hs, vs;

  test_chroma_shift (format, &hs, &vs);
  t->img.format = format;
  t->img.width = w;
  t->img.height = h;
  if (format >= IMCORE_PIXEL_I420) {
    test_image_alloc_plane (t, 0, w, h, strides[0]);
    for (unsigned i = 1; i < 3; i++)
      test_image_alloc_plane (t, i, (w + (1u << hs) - 1) >> hs,
          (h + (1u << vs) - 1) >> vs, strides[i]);
  } else {
    test_image_alloc_plane (t, 0, w, h, strides[0]);
  }
  return t;
}

typedef struct
{
  ImcorePixelFormat format;
  ImcoreRect rect;
  gboolean ok;
} CropCase;

static void
test_image_crop (void)
{
  /* different strides per plane, so using the wrong one shows */
  static const size_t strides[3] = { 53, 11, 13 };
  static const CropCase cases[] = {
    {IMCORE_PIXEL_RGB, {3, 2, 4, 5}, TRUE},
    {IMCORE_PIXEL_RGB, {0, 0, 16, 12}, TRUE},
    {IMCORE_PIXEL_RGB, {15, 11, 1, 1}, TRUE},
    {IMCORE_PIXEL_RGB, {13, 0, 4, 1}, FALSE},
    {IMCORE_PIXEL_RGB, {0, 10, 1, 3}, FALSE},
    {IMCORE_PIXEL_RGB, {16, 0, 1, 1}, FALSE},
    {IMCORE_PIXEL_RGB, {0, 0, 0, 1}, FALSE},
    {IMCORE_PIXEL_RGB, {0, 0, 1, 0}, FALSE},
    /* x + width wraps in 32 bits */
    {IMCORE_PIXEL_RGB, {UINT32_MAX, 0, 2, 1}, FALSE},
    {IMCORE_PIXEL_RGB, {1, 0, UINT32_MAX, 1}, FALSE},
    {IMCORE_PIXEL_RGB, {0, UINT32_MAX - 1, 1, 3}, FALSE},
    {IMCORE_PIXEL_BGRA, {7, 3, 9, 9}, TRUE},
    {IMCORE_PIXEL_XBGR, {1, 1, 1, 1}, TRUE},
    {IMCORE_PIXEL_GRAY8, {3, 5, 7, 7}, TRUE},
    {IMCORE_PIXEL_I420, {4, 2, 6, 6}, TRUE},
    {IMCORE_PIXEL_I420, {4, 2, 5, 5}, TRUE},    /* odd size is fine */
    {IMCORE_PIXEL_I420, {0, 0, 16, 12}, TRUE},
    /* odd offsets: chroma starts at the sample covering (x, y) */
    {IMCORE_PIXEL_I420, {3, 2, 6, 6}, TRUE},
    {IMCORE_PIXEL_I420, {4, 1, 6, 6}, TRUE},
    {IMCORE_PIXEL_I420, {15, 11, 1, 1}, TRUE},
    {IMCORE_PIXEL_I420, {14, 10, 4, 2}, FALSE}, /* outside */
    {IMCORE_PIXEL_I420, {0, 11, 16, 2}, FALSE},
    {IMCORE_PIXEL_I422, {4, 3, 6, 6}, TRUE},
    {IMCORE_PIXEL_I422, {3, 2, 6, 6}, TRUE},
    {IMCORE_PIXEL_I422, {15, 0, 2, 1}, FALSE},
    {IMCORE_PIXEL_I444, {3, 5, 7, 7}, TRUE},
    {IMCORE_PIXEL_I444, {15, 11, 1, 1}, TRUE},
  };

  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++) {
    const CropCase *cc = &cases[c];
    TestImage *t = view_image (cc->format, 16, 12, strides);
    unsigned bpp = cc->format >= IMCORE_PIXEL_I420 ||
        cc->format == IMCORE_PIXEL_GRAY8 ? 1 : packed_info (cc->format)->bpp;
    ImcoreImage dst;
    ImcoreError err;
    gchar *what = g_strdup_printf ("crop case %zu (%s %u,%u %ux%u)", c,
        cc->format >= IMCORE_PIXEL_I420 ||
        cc->format == IMCORE_PIXEL_GRAY8 ? yuv_name (cc->format) :
        packed_info (cc->format)->name, cc->rect.x, cc->rect.y,
        cc->rect.width, cc->rect.height);

    memset (&dst, 0, sizeof (dst));
    err = imcore_image_crop (&t->img, &cc->rect, &dst);
    if (!cc->ok) {
      check (err == IMCORE_ERROR_INVALID_ARGUMENT, what,
          "expected INVALID_ARGUMENT, got %s", imcore_strerror (err));
    } else if (check (err == IMCORE_OK, what, "%s", imcore_strerror (err))) {
      uint8_t *y0 = t->mem[0] + cc->rect.y * strides[0] +
          (size_t) cc->rect.x * bpp;

      check (dst.format == cc->format && dst.width == cc->rect.width &&
          dst.height == cc->rect.height, what, "wrong format or size");
      check (dst.planes[0] == y0, what, "plane 0 at offset %td, expected %td",
          dst.planes[0] - t->mem[0], y0 - t->mem[0]);
      check (dst.strides[0] == strides[0], what, "stride 0 changed");
      if (cc->format >= IMCORE_PIXEL_I420) {
        unsigned hs, vs;

        test_chroma_shift (cc->format, &hs, &vs);
        for (unsigned i = 1; i < 3; i++) {
          uint8_t *c0 = t->mem[i] + (cc->rect.y >> vs) * strides[i] +
              (cc->rect.x >> hs);

          check (dst.planes[i] == c0, what,
              "plane %u at offset %td, expected %td", i,
              dst.planes[i] - t->mem[i], c0 - t->mem[i]);
          check (dst.strides[i] == strides[i], what, "stride %u changed", i);
        }
      }
    }
    g_free (what);
    test_image_free (t);
  }

  /* a crop of a crop adds up */
  {
    TestImage *t = view_image (IMCORE_PIXEL_I420, 16, 12, strides);
    ImcoreRect r1 = { 4, 2, 10, 8 }, r2 = { 2, 2, 4, 4 }, bad = { 0, 0, 7, 7 };
    ImcoreImage a, b;

    g_assert_cmpint (imcore_image_crop (&t->img, &r1, &a), ==, IMCORE_OK);
    g_assert_cmpint (imcore_image_crop (&a, &r2, &b), ==, IMCORE_OK);
    g_assert_true (b.planes[0] == t->mem[0] + 4 * strides[0] + 6);
    g_assert_true (b.planes[1] == t->mem[1] + 2 * strides[1] + 3);
    g_assert_true (b.planes[2] == t->mem[2] + 2 * strides[2] + 3);
    /* the inner view is 10x8: 4 + 7 would stick out */
    bad.x = 4;
    g_assert_cmpint (imcore_image_crop (&a, &bad, &b), ==,
        IMCORE_ERROR_INVALID_ARGUMENT);

    g_assert_cmpint (imcore_image_crop (NULL, &r1, &a), ==,
        IMCORE_ERROR_INVALID_ARGUMENT);
    g_assert_cmpint (imcore_image_crop (&t->img, NULL, &a), ==,
        IMCORE_ERROR_INVALID_ARGUMENT);
    g_assert_cmpint (imcore_image_crop (&t->img, &r1, NULL), ==,
        IMCORE_ERROR_INVALID_ARGUMENT);
    test_image_free (t);
  }
}

/* |out - round((v - 16) * 255 / 219)| within rounding, clamped outside */
static gboolean
luma_expanded_ok (int v, int out)
{
  if (v <= 16)
    return out == 0;
  if (v >= 235)
    return out == 255;
  return ABS (2 * 219 * out - 2 * 255 * (v - 16)) <= 219;
}

static gboolean
chroma_expanded_ok (int v, int out)
{
  if (v <= 16)
    return out == 0;
  if (v >= 240)
    return out == 255;
  return ABS (2 * 224 * (out - 128) - 2 * 255 * (v - 128)) <= 224;
}

static void
test_image_expand_range (void)
{
  /* GRAY8 and I444 rows holding every value, into a separate image whose
   * padding must stay untouched */
  static const ImcorePixelFormat formats[] = {
    IMCORE_PIXEL_GRAY8, IMCORE_PIXEL_I444
  };

  for (size_t f = 0; f < G_N_ELEMENTS (formats); f++) {
    TestImage *src = test_image_new_yuv (formats[f], 256, 2, 5, FALSE, 1);
    TestImage *dst = test_image_new_yuv (formats[f], 256, 2, 9, FALSE, 1);
    unsigned n = formats[f] == IMCORE_PIXEL_GRAY8 ? 1 : 3;
    ImcoreError err;

    for (unsigned i = 0; i < n; i++) {
      for (uint32_t y = 0; y < 2; y++) {
        for (uint32_t x = 0; x < 256; x++) {
          src->mem[i][y * src->img.strides[i] + x] =
              (uint8_t) (i == 2 ? 255 - x : x);
        }
      }
      memset (dst->mem[i], 0xab, dst->mem_size[i]);
    }
    err = imcore_image_expand_range (&src->img, &dst->img);
    g_assert_cmpint (err, ==, IMCORE_OK);
    for (unsigned i = 0; i < n && err == IMCORE_OK; i++) {
      for (uint32_t y = 0; y < 2; y++) {
        const uint8_t *s = src->mem[i] + y * src->img.strides[i];
        const uint8_t *d = dst->mem[i] + y * dst->img.strides[i];

        for (uint32_t x = 0; x < 256; x++) {
          gboolean ok = i == 0 ? luma_expanded_ok (s[x], d[x]) :
              chroma_expanded_ok (s[x], d[x]);

          check (ok, yuv_name (formats[f]), "plane %u: %u -> %u", i, s[x],
              d[x]);
        }
        for (size_t p = 256; p < dst->img.strides[i]; p++)
          check (d[p] == 0xab, yuv_name (formats[f]),
              "plane %u row %u padding byte %zu overwritten", i, y, p);
      }
    }
    /* the anchor values, spelled out */
    if (err == IMCORE_OK) {
      g_assert_cmpuint (dst->mem[0][16], ==, 0);
      g_assert_cmpuint (dst->mem[0][235], ==, 255);
      g_assert_cmpuint (dst->mem[0][0], ==, 0);
      g_assert_cmpuint (dst->mem[0][255], ==, 255);
      g_assert_cmpuint (dst->mem[0][240], ==, 255);
      if (n == 3) {
        g_assert_cmpuint (dst->mem[1][128], ==, 128);
        g_assert_cmpuint (dst->mem[1][240], ==, 255);
        g_assert_cmpuint (dst->mem[1][16], ==, 0);
        g_assert_cmpuint (dst->mem[1][235], <, 255);
        g_assert_cmpuint (dst->mem[2][255 - 128], ==, 128);
      }
    }
    test_image_free (src);
    test_image_free (dst);
  }

  /* in place, on I420 with its 2x2 chroma for 3x3 */
  {
    TestImage *t = test_image_new_yuv (IMCORE_PIXEL_I420, 3, 3, 4, FALSE, 1);
    static const uint8_t yv[9] = { 16, 235, 0, 255, 125, 17, 234, 100, 200 };
    static const uint8_t uv[4] = { 128, 240, 16, 250 };

    for (unsigned k = 0; k < 9; k++)
      t->mem[0][(k / 3) * t->img.strides[0] + k % 3] = yv[k];
    for (unsigned k = 0; k < 4; k++) {
      t->mem[1][(k / 2) * t->img.strides[1] + k % 2] = uv[k];
      t->mem[2][(k / 2) * t->img.strides[2] + k % 2] = uv[3 - k];
    }
    g_assert_cmpint (imcore_image_expand_range (&t->img, &t->img), ==,
        IMCORE_OK);
    for (unsigned k = 0; k < 9; k++) {
      uint8_t o = t->mem[0][(k / 3) * t->img.strides[0] + k % 3];

      check (luma_expanded_ok (yv[k], o), "I420 in place", "Y %u -> %u",
          yv[k], o);
    }
    for (unsigned k = 0; k < 4; k++) {
      uint8_t u = t->mem[1][(k / 2) * t->img.strides[1] + k % 2];
      uint8_t v = t->mem[2][(k / 2) * t->img.strides[2] + k % 2];

      check (chroma_expanded_ok (uv[k], u), "I420 in place", "U %u -> %u",
          uv[k], u);
      check (chroma_expanded_ok (uv[3 - k], v), "I420 in place",
          "V %u -> %u", uv[3 - k], v);
    }
    for (unsigned i = 0; i < 3; i++) {
      for (uint32_t y = 0; y < t->ph[i]; y++) {
        for (size_t p = t->pw[i]; p < t->img.strides[i]; p++)
          check (t->mem[i][y * t->img.strides[i] + p] == 0xab,
              "I420 in place", "plane %u padding overwritten", i);
      }
    }
    test_image_free (t);
  }

  /* refused: packed input, mismatched formats or sizes, NULLs */
  {
    TestImage *rgb = test_image_new_packed (packed_info (IMCORE_PIXEL_RGB), 4,
        4, 0, FALSE, 1);
    TestImage *a = test_image_new_yuv (IMCORE_PIXEL_I420, 4, 4, 0, FALSE, 1);
    TestImage *b = test_image_new_yuv (IMCORE_PIXEL_I444, 4, 4, 0, FALSE, 1);
    TestImage *c = test_image_new_yuv (IMCORE_PIXEL_I420, 4, 2, 0, FALSE, 1);

    g_assert_cmpint (imcore_image_expand_range (&rgb->img, &rgb->img), ==,
        IMCORE_ERROR_UNSUPPORTED_FORMAT);
    g_assert_cmpint (imcore_image_expand_range (&a->img, &b->img), ==,
        IMCORE_ERROR_INVALID_ARGUMENT);
    g_assert_cmpint (imcore_image_expand_range (&a->img, &c->img), ==,
        IMCORE_ERROR_INVALID_ARGUMENT);
    g_assert_cmpint (imcore_image_expand_range (NULL, &a->img), ==,
        IMCORE_ERROR_INVALID_ARGUMENT);
    g_assert_cmpint (imcore_image_expand_range (&a->img, NULL), ==,
        IMCORE_ERROR_INVALID_ARGUMENT);
    test_image_free (rgb);
    test_image_free (a);
    test_image_free (b);
    test_image_free (c);
  }
}

/* ------------------------------------------------------------------ */
/* Rectangle maths                                                     */
/* ------------------------------------------------------------------ */

typedef struct
{
  const char *name;
  ImcoreRect bounds;
  uint32_t x, y, width, height;
  gboolean ok;
  ImcoreRect expect;
} ClipCase;

static void
test_rect_clip_crop (void)
{
  static const ClipCase cases[] = {
    {"inside", {0, 0, 640, 480}, 10, 20, 100, 50, TRUE, {10, 20, 100, 50}},
    {"whole frame", {0, 0, 640, 480}, 0, 0, 640, 480, TRUE, {0, 0, 640, 480}},
    {"partly outside", {0, 0, 640, 480}, 600, 400, 100, 100, TRUE,
        {600, 400, 40, 80}},
    {"last pixel", {0, 0, 640, 480}, 639, 479, 5, 5, TRUE, {639, 479, 1, 1}},
    {"right of frame", {0, 0, 640, 480}, 640, 0, 10, 10, FALSE, {0}},
    {"below frame", {0, 0, 640, 480}, 0, 480, 0, 0, FALSE, {0}},
    {"0 means to the edge", {0, 0, 640, 480}, 0, 0, 0, 0, TRUE,
        {0, 0, 640, 480}},
    {"0 width from x", {0, 0, 640, 480}, 100, 200, 0, 0, TRUE,
        {100, 200, 540, 280}},
    {"0 width only", {0, 0, 640, 480}, 100, 200, 0, 10, TRUE,
        {100, 200, 540, 10}},
    {"0 height only", {0, 0, 640, 480}, 100, 200, 7, 0, TRUE,
        {100, 200, 7, 280}},
    {"relative to region", {100, 50, 200, 100}, 10, 10, 50, 50, TRUE,
        {110, 60, 50, 50}},
    {"region, clipped", {100, 50, 200, 100}, 150, 80, 100, 100, TRUE,
        {250, 130, 50, 20}},
    {"region, whole", {100, 50, 200, 100}, 0, 0, 0, 0, TRUE,
        {100, 50, 200, 100}},
    {"region, outside", {100, 50, 200, 100}, 200, 0, 1, 1, FALSE, {0}},
    {"huge size", {0, 0, 640, 480}, 10, 10, UINT32_MAX, UINT32_MAX, TRUE,
        {10, 10, 630, 470}},
    {"huge offset", {0, 0, 640, 480}, UINT32_MAX, UINT32_MAX, UINT32_MAX,
        UINT32_MAX, FALSE, {0}},
    /* bounds.x + x wraps in 32 bits to a point inside the region */
    {"wrapping offset", {UINT32_MAX - 10, 0, 10, 10}, UINT32_MAX - 3, 0, 5, 5,
        FALSE, {0}},
    {"far corner", {UINT32_MAX - 10, UINT32_MAX - 10, 10, 10}, 5, 5, 100, 0,
        TRUE, {UINT32_MAX - 5, UINT32_MAX - 5, 5, 5}},
    {"empty bounds", {0, 0, 0, 480}, 0, 0, 0, 0, FALSE, {0}},
  };

  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++) {
    const ClipCase *cc = &cases[c];
    ImcoreRect out;
    gboolean ok;

    memset (&out, 0x77, sizeof (out));
    ok = imcore_rect_clip_crop (&cc->bounds, cc->x, cc->y, cc->width,
        cc->height, &out);
    check (ok == cc->ok, cc->name, "returned %d", ok);
    check (out.x == cc->expect.x && out.y == cc->expect.y &&
        out.width == cc->expect.width && out.height == cc->expect.height,
        cc->name, "got %u,%u %ux%u, expected %u,%u %ux%u", out.x, out.y,
        out.width, out.height, cc->expect.x, cc->expect.y,
        cc->expect.width, cc->expect.height);
  }
}

typedef struct
{
  const char *name;
  ImcoreRect crop;
  uint32_t req_width, req_height;
  ImcoreAspectMode mode;
  uint32_t out_width, out_height;
  ImcoreRect src, dest;
  gboolean identity;
} PlanCase;

static void
test_rect_plan_output (void)
{
  static const PlanCase cases[] = {
    {"both 0 keeps the crop", {10, 20, 640, 480}, 0, 0, IMCORE_ASPECT_STRETCH,
        640, 480, {10, 20, 640, 480}, {0, 0, 640, 480}, TRUE},
    {"both 0 ignores letterbox", {10, 20, 640, 480}, 0, 0,
        IMCORE_ASPECT_LETTERBOX, 640, 480, {10, 20, 640, 480},
        {0, 0, 640, 480}, TRUE},
    {"width only", {0, 0, 640, 480}, 100, 0, IMCORE_ASPECT_STRETCH, 100, 75,
        {0, 0, 640, 480}, {0, 0, 100, 75}, FALSE},
    {"height only, 133.8 rounds up", {0, 0, 641, 479}, 0, 100,
        IMCORE_ASPECT_STRETCH, 134, 100, {0, 0, 641, 479}, {0, 0, 134, 100},
        FALSE},
    {"width only, 74.7 rounds up", {0, 0, 641, 479}, 100, 0,
        IMCORE_ASPECT_LETTERBOX, 100, 75, {0, 0, 641, 479}, {0, 0, 100, 75},
        FALSE},
    {"height only, 7.33 rounds down", {0, 0, 11, 3}, 0, 2, IMCORE_ASPECT_FILL,
        7, 2, {0, 0, 11, 3}, {0, 0, 7, 2}, FALSE},
    {"never below 1", {0, 0, 1000, 1}, 1, 0, IMCORE_ASPECT_STRETCH, 1, 1,
        {0, 0, 1000, 1}, {0, 0, 1, 1}, FALSE},
    {"thin upscaled", {0, 0, 1, 1000}, 10, 0, IMCORE_ASPECT_STRETCH, 10,
        10000, {0, 0, 1, 1000}, {0, 0, 10, 10000}, FALSE},
    {"stretch", {0, 0, 640, 480}, 100, 100, IMCORE_ASPECT_STRETCH, 100, 100,
        {0, 0, 640, 480}, {0, 0, 100, 100}, FALSE},
    {"stretch, same size", {5, 7, 100, 50}, 100, 50, IMCORE_ASPECT_STRETCH,
        100, 50, {5, 7, 100, 50}, {0, 0, 100, 50}, TRUE},
    {"letterbox wide into square", {0, 0, 1920, 1080}, 640, 640,
        IMCORE_ASPECT_LETTERBOX, 640, 640, {0, 0, 1920, 1080},
        {0, 140, 640, 360}, FALSE},
    {"letterbox tall into square", {0, 0, 1080, 1920}, 640, 640,
        IMCORE_ASPECT_LETTERBOX, 640, 640, {0, 0, 1080, 1920},
        {140, 0, 360, 640}, FALSE},
    {"letterbox tall into wide", {0, 0, 480, 640}, 640, 360,
        IMCORE_ASPECT_LETTERBOX, 640, 360, {0, 0, 480, 640},
        {185, 0, 270, 360}, FALSE},
    {"letterbox same shape", {0, 0, 1280, 720}, 640, 360,
        IMCORE_ASPECT_LETTERBOX, 640, 360, {0, 0, 1280, 720},
        {0, 0, 640, 360}, FALSE},
    {"letterbox same size", {3, 4, 640, 360}, 640, 360,
        IMCORE_ASPECT_LETTERBOX, 640, 360, {3, 4, 640, 360},
        {0, 0, 640, 360}, TRUE},
    {"fill wide into square", {0, 0, 1920, 1080}, 640, 640,
        IMCORE_ASPECT_FILL, 640, 640, {420, 0, 1080, 1080},
        {0, 0, 640, 640}, FALSE},
    {"fill keeps the crop origin", {100, 50, 1920, 1080}, 640, 640,
        IMCORE_ASPECT_FILL, 640, 640, {520, 50, 1080, 1080},
        {0, 0, 640, 640}, FALSE},
    {"fill tall into square", {0, 0, 1080, 1920}, 640, 640,
        IMCORE_ASPECT_FILL, 640, 640, {0, 420, 1080, 1080},
        {0, 0, 640, 640}, FALSE},
    /* the centre cut is exactly the output size: read it directly */
    {"fill to a pointer offset", {0, 0, 1000, 100}, 300, 100,
        IMCORE_ASPECT_FILL, 300, 100, {350, 0, 300, 100}, {0, 0, 300, 100},
        TRUE},
    {"1x1 identity", {7, 9, 1, 1}, 0, 0, IMCORE_ASPECT_FILL, 1, 1,
        {7, 9, 1, 1}, {0, 0, 1, 1}, TRUE},
    {"1x1 into 1x1", {0, 0, 1, 1}, 1, 1, IMCORE_ASPECT_LETTERBOX, 1, 1,
        {0, 0, 1, 1}, {0, 0, 1, 1}, TRUE},
    {"1x1 letterboxed into a line", {0, 0, 1, 1}, 1000, 1,
        IMCORE_ASPECT_LETTERBOX, 1000, 1, {0, 0, 1, 1}, {499, 0, 1, 1},
        FALSE},
    {"letterbox never below 1", {0, 0, 1, 1000}, 1000, 1,
        IMCORE_ASPECT_LETTERBOX, 1000, 1, {0, 0, 1, 1000}, {499, 0, 1, 1},
        FALSE},
    {"fill never below 1", {0, 0, 1, 1000}, 1000, 1, IMCORE_ASPECT_FILL, 1000,
        1, {0, 499, 1, 1}, {0, 0, 1000, 1}, FALSE},
    /* 32-bit products would overflow here */
    {"huge, width only", {0, 0, 4000000000u, 3000000000u}, 4, 0,
        IMCORE_ASPECT_STRETCH, 4, 3, {0, 0, 4000000000u, 3000000000u},
        {0, 0, 4, 3}, FALSE},
    {"huge letterbox", {0, 0, 4000000000u, 3000000000u}, 4000, 4000,
        IMCORE_ASPECT_LETTERBOX, 4000, 4000,
        {0, 0, 4000000000u, 3000000000u},
        {0, 500, 4000, 3000}, FALSE},
    {"huge fill", {100, 0, 4000000000u, 3000000000u}, 4000, 4000,
        IMCORE_ASPECT_FILL, 4000, 4000,
        {500000100u, 0, 3000000000u, 3000000000u},
        {0, 0, 4000, 4000}, FALSE},
    {"fill near UINT32_MAX", {UINT32_MAX - 1919, 7, 1920, 1080}, 640, 640,
        IMCORE_ASPECT_FILL, 640, 640,
        {UINT32_MAX - 1919 + 420, 7, 1080, 1080},
        {0, 0, 640, 640}, FALSE},
  };

  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++) {
    const PlanCase *pc = &cases[c];
    ImcorePlan plan;
    ImcoreError err;

    memset (&plan, 0x77, sizeof (plan));
    err = imcore_plan_output (&pc->crop, pc->req_width, pc->req_height,
        pc->mode, &plan);
    if (!check (err == IMCORE_OK, pc->name, "returned %s",
            imcore_strerror (err)))
      continue;
    check (plan.out_width == pc->out_width &&
        plan.out_height == pc->out_height, pc->name, "output %ux%u, "
        "expected %ux%u", plan.out_width, plan.out_height, pc->out_width,
        pc->out_height);
    check (plan.src.x == pc->src.x && plan.src.y == pc->src.y &&
        plan.src.width == pc->src.width &&
        plan.src.height == pc->src.height, pc->name,
        "src %u,%u %ux%u, expected %u,%u %ux%u", plan.src.x, plan.src.y,
        plan.src.width, plan.src.height, pc->src.x, pc->src.y,
        pc->src.width, pc->src.height);
    check (plan.dest.x == pc->dest.x && plan.dest.y == pc->dest.y &&
        plan.dest.width == pc->dest.width &&
        plan.dest.height == pc->dest.height, pc->name,
        "dest %u,%u %ux%u, expected %u,%u %ux%u", plan.dest.x, plan.dest.y,
        plan.dest.width, plan.dest.height, pc->dest.x, pc->dest.y,
        pc->dest.width, pc->dest.height);
    check (imcore_plan_is_identity (&plan) == pc->identity, pc->name,
        "is_identity %d, expected %d", imcore_plan_is_identity (&plan),
        pc->identity);
  }
}

/* Random crops and requests against what the header promises, with
 * tolerances of half a pixel of rounding; the table above pins the exact
 * values of the usual cases. */
static void
test_rect_plan_properties (void)
{
  TestRng rng;
  unsigned failures = 0;

  rng_init (&rng, 2024);
  for (int n = 0; n < 20000 && failures < 10; n++) {
    ImcoreRect crop;
    uint32_t W = rng_next (&rng) % 3001, H = rng_next (&rng) % 3001;
    ImcoreAspectMode mode = (ImcoreAspectMode) (rng_next (&rng) % 3);
    ImcorePlan plan;
    ImcoreError err;
    int64_t cw, ch, ow, oh;
    gboolean ok = TRUE, identity;
    gchar *what;

    crop.x = rng_next (&rng) % 1000000;
    crop.y = rng_next (&rng) % 1000000;
    /* mostly ordinary sizes, sometimes thin slivers */
    crop.width = 1 + rng_next (&rng) % (n % 7 ? 5000 : 3);
    crop.height = 1 + rng_next (&rng) % (n % 5 ? 5000 : 3);
    if (n % 11 == 0)
      W = 0;
    if (n % 13 == 0)
      H = 0;
    cw = crop.width;
    ch = crop.height;
    what = g_strdup_printf ("plan %ux%u at %u,%u into %ux%u mode %d",
        crop.width, crop.height, crop.x, crop.y, W, H, mode);

    err = imcore_plan_output (&crop, W, H, mode, &plan);
    if (!check (err == IMCORE_OK, what, "%s", imcore_strerror (err))) {
      failures++;
      g_free (what);
      continue;
    }
    ow = plan.out_width;
    oh = plan.out_height;

    if (W == 0 && H == 0) {
      ok &= check (ow == cw && oh == ch, what, "output %" G_GINT64_FORMAT
          "x%" G_GINT64_FORMAT, ow, oh);
    } else if (W == 0 || H == 0) {
      /* the free side is the crop's aspect, rounded, at least 1 */
      int64_t given = W ? W : H, got = W ? oh : ow;
      int64_t num = W ? ch : cw, den = W ? cw : ch;

      ok &= check ((W ? ow : oh) == given, what, "requested side changed");
      ok &= check (2 * ABS (got * den - num * given) <= den ||
          (got == 1 && 2 * num * given < den), what, "free side %"
          G_GINT64_FORMAT " is not the rounded aspect", got);
    } else {
      ok &= check (ow == W && oh == H, what, "output %" G_GINT64_FORMAT "x%"
          G_GINT64_FORMAT, ow, oh);
    }

    if (W == 0 || H == 0 || mode == IMCORE_ASPECT_STRETCH || cw * H == ch * W) {
      ok &= check (plan.src.x == crop.x && plan.src.y == crop.y &&
          plan.src.width == crop.width && plan.src.height == crop.height &&
          plan.dest.x == 0 && plan.dest.y == 0 && plan.dest.width == ow &&
          plan.dest.height == oh, what, "not a plain scale");
    } else if (mode == IMCORE_ASPECT_LETTERBOX) {
      int64_t dx = plan.dest.x, dy = plan.dest.y;
      int64_t dw = plan.dest.width, dh = plan.dest.height;

      ok &= check (plan.src.x == crop.x && plan.src.y == crop.y &&
          plan.src.width == crop.width && plan.src.height == crop.height,
          what, "letterbox changed the source");
      ok &= check (dw >= 1 && dh >= 1 && dx + dw <= W && dy + dh <= H, what,
          "dest %" G_GINT64_FORMAT ",%" G_GINT64_FORMAT " %" G_GINT64_FORMAT
          "x%" G_GINT64_FORMAT " outside the output", dx, dy, dw, dh);
      ok &= check (ABS (2 * dx + dw - W) <= 1 && ABS (2 * dy + dh - H) <= 1,
          what, "dest not centred");
      if (cw * H > ch * W)
        ok &= check (dw == W && (2 * ABS (dh * cw - ch * W) <= cw ||
                (dh == 1 && 2 * ch * W < cw)), what, "wide source: dest %"
            G_GINT64_FORMAT "x%" G_GINT64_FORMAT, dw, dh);
      else
        ok &= check (dh == H && (2 * ABS (dw * ch - cw * H) <= ch ||
                (dw == 1 && 2 * cw * H < ch)), what, "tall source: dest %"
            G_GINT64_FORMAT "x%" G_GINT64_FORMAT, dw, dh);
    } else {
      int64_t sx = (int64_t) plan.src.x - crop.x;
      int64_t sy = (int64_t) plan.src.y - crop.y;
      int64_t sw = plan.src.width, sh = plan.src.height;

      ok &= check (plan.dest.x == 0 && plan.dest.y == 0 &&
          plan.dest.width == W && plan.dest.height == H, what,
          "fill has borders");
      ok &= check (sw >= 1 && sh >= 1 && sx >= 0 && sy >= 0 &&
          sx + sw <= cw && sy + sh <= ch, what, "src outside the crop");
      ok &= check (ABS (2 * sx + sw - cw) <= 1 && ABS (2 * sy + sh - ch) <= 1,
          what, "src not centred");
      if (cw * H > ch * W)
        ok &= check (sh == ch && (2 * ABS (sw * H - ch * W) <= H ||
                (sw == 1 && 2 * ch * W < H)), what, "wide source: src %"
            G_GINT64_FORMAT "x%" G_GINT64_FORMAT, sw, sh);
      else
        ok &= check (sw == cw && (2 * ABS (sh * W - cw * H) <= W ||
                (sh == 1 && 2 * cw * H < W)), what, "tall source: src %"
            G_GINT64_FORMAT "x%" G_GINT64_FORMAT, sw, sh);
    }

    /* from the request, not the plan's fields: the frame can be read
     * directly when nothing is scaled and there is no border: a plain
     * scale to the crop's own size; never a letterbox of another shape;
     * a fill of another shape when the output keeps the crop's full side
     * (its height for a wider crop, its width for a taller one) */
    if (W == 0 || H == 0 || mode == IMCORE_ASPECT_STRETCH || cw * H == ch * W)
      identity = ow == cw && oh == ch;
    else if (mode == IMCORE_ASPECT_LETTERBOX)
      identity = FALSE;
    else
      identity = cw * H > ch * W ? H == ch : W == cw;
    ok &= check (imcore_plan_is_identity (&plan) == identity, what,
        "is_identity %d", imcore_plan_is_identity (&plan));
    if (!ok)
      failures++;
    g_free (what);
  }
}

static void
test_rect_plan_invalid (void)
{
  ImcoreRect crop = { 0, 0, 640, 480 }, empty_w = { 5, 5, 0, 10 },
      empty_h = { 5, 5, 10, 0 };
  ImcorePlan plan;

  g_assert_cmpint (imcore_plan_output (NULL, 10, 10, IMCORE_ASPECT_STRETCH,
          &plan), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_plan_output (&crop, 10, 10, IMCORE_ASPECT_STRETCH,
          NULL), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_plan_output (&empty_w, 0, 0, IMCORE_ASPECT_STRETCH,
          &plan), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_plan_output (&empty_h, 0, 0, IMCORE_ASPECT_STRETCH,
          &plan), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_plan_output (&crop, 10, 10,
          (ImcoreAspectMode) (IMCORE_ASPECT_FILL + 1), &plan), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
}

/* ------------------------------------------------------------------ */
/* JPEG                                                                */
/* ------------------------------------------------------------------ */

/* Largest mean squared error accepted at quality 95 on the test images.
 * On the large image 20 (35 dB): correct encodes measure 1 to 9, while the
 * ripples make a 1-pixel shift cost 45 and more and a channel swap or a
 * flip thousands; test_jpeg_thresholds_discriminate() checks exactly that.
 * Images of a few pixels are mostly sharp block edges inside one DCT
 * block, which quantisation blurs by a few levels: 65 (30 dB) there. */
#define JPEG_Q95_MAX_MSE 65.0
#define JPEG_Q95_MAX_MSE_LARGE 20.0

static double
jpeg_max_mse (uint32_t w, uint32_t h)
{
  uint64_t pixels = w;

  pixels *= h;
  return pixels >= 64 * 64 ? JPEG_Q95_MAX_MSE_LARGE : JPEG_Q95_MAX_MSE;
}

static const uint32_t jpeg_sizes[][2] = {
  {1, 1}, {3, 3}, {17, 9}, {641, 479},
};

static const char *
subsampling_name (ImcoreSubsampling s)
{
  switch (s) {
    case IMCORE_SUBSAMPLING_444:
      return "444";
    case IMCORE_SUBSAMPLING_422:
      return "422";
    case IMCORE_SUBSAMPLING_420:
      return "420";
    case IMCORE_SUBSAMPLING_GRAY:
      return "gray";
  }
  return "?";
}

static int
tj_samp_of (ImcoreSubsampling s)
{
  switch (s) {
    case IMCORE_SUBSAMPLING_444:
      return TJSAMP_444;
    case IMCORE_SUBSAMPLING_422:
      return TJSAMP_422;
    case IMCORE_SUBSAMPLING_420:
      return TJSAMP_420;
    case IMCORE_SUBSAMPLING_GRAY:
      return TJSAMP_GRAY;
  }
  return -1;
}

/* Encodes with a bound-sized buffer and checks what every JPEG must be:
 * SOI first, EOI last, and a header libjpeg-turbo reads back as the
 * requested size and subsampling. @yuv NULL means JFIF (no conversion).
 * NULL (after reporting) on failure. */
static uint8_t *
jpeg_encode_checked (ImcoreJpegEncoder * enc, tjhandle dec,
    const ImcoreImage * img, int quality, ImcoreSubsampling samp,
    const ImcoreYuvColorimetry * yuv, size_t *len, const char *what)
{
  ImcoreJpegParams params;
  size_t bound = imcore_jpeg_bound (img->width, img->height, samp);
  int hw = 0, hh = 0, hsamp = -1, hcs = -1;
  uint8_t *out;
  ImcoreError err;

  memset (&params, 0, sizeof (params));
  params.quality = quality;
  params.subsampling = samp;
  params.yuv = yuv ? *yuv : IMCORE_YUV_JFIF;
  if (!check (bound > 0, what, "imcore_jpeg_bound returned 0"))
    return NULL;
  out = g_malloc (bound + CANARY_SIZE);
  canary_set (out + bound);
  *len = 0;
  err = imcore_jpeg_encode (enc, img, &params, out, bound, len);
  if (!check (err == IMCORE_OK, what, "encode: %s (%s)",
          imcore_strerror (err), imcore_jpeg_encoder_last_error (enc)) ||
      !check (*len >= 4 && *len <= bound, what, "length %zu, bound %zu",
          *len, bound)) {
    g_free (out);
    return NULL;
  }
  check (canary_intact (out + bound), what, "wrote past the bound");
  check (out[0] == 0xff && out[1] == 0xd8, what, "no SOI: %02x %02x",
      out[0], out[1]);
  check (out[*len - 2] == 0xff && out[*len - 1] == 0xd9, what,
      "no EOI at the end: %02x %02x", out[*len - 2], out[*len - 1]);
  if (!check (tjDecompressHeader3 (dec, out, *len, &hw, &hh, &hsamp,
              &hcs) == 0, what, "libjpeg-turbo cannot read the header: %s",
          tjGetErrorStr2 (dec))) {
    g_free (out);
    return NULL;
  }
  check ((uint32_t) hw == img->width && (uint32_t) hh == img->height, what,
      "header says %dx%d", hw, hh);
  check (hsamp == tj_samp_of (samp), what, "header subsampling %d, "
      "expected %d", hsamp, tj_samp_of (samp));
  return out;
}

/* Decodes to packed @pf pixels with libjpeg-turbo's own decompressor */
static uint8_t *
jpeg_decode_packed (tjhandle dec, const uint8_t * jpeg, size_t len,
    uint32_t w, uint32_t h, int pf, const char *what)
{
  uint8_t *out = g_malloc ((size_t) w * h * tjPixelSize[pf]);

  if (!check (tjDecompress2 (dec, jpeg, len, out, (int) w, 0, (int) h, pf,
              0) == 0, what, "decode: %s", tjGetErrorStr2 (dec))) {
    g_free (out);
    return NULL;
  }
  return out;
}

/* Decodes to the JPEG's own Y, Cb, Cr planes (tight rows): planar input
 * is compared plane by plane, without a colour conversion in between. */
static gboolean
jpeg_decode_planes (tjhandle dec, const uint8_t * jpeg, size_t len,
    uint32_t w, uint32_t h, int samp, uint8_t * planes[3], int widths[3],
    int heights[3], const char *what)
{
  unsigned n = samp == TJSAMP_GRAY ? 1 : 3;

  for (unsigned i = 0; i < 3; i++) {
    planes[i] = NULL;
    widths[i] = heights[i] = 0;
  }
  for (unsigned i = 0; i < n; i++) {
    widths[i] = tjPlaneWidth ((int) i, (int) w, samp);
    heights[i] = tjPlaneHeight ((int) i, (int) h, samp);
    planes[i] = g_malloc ((size_t) widths[i] * (size_t) heights[i]);
  }
  if (!check (tjDecompressToYUVPlanes (dec, jpeg, len, planes, (int) w,
              widths, (int) h, 0) == 0, what, "decode to planes: %s",
          tjGetErrorStr2 (dec))) {
    for (unsigned i = 0; i < 3; i++)
      g_clear_pointer (&planes[i], g_free);
    return FALSE;
  }
  return TRUE;
}

static void
free_planes (uint8_t * planes[3])
{
  for (unsigned i = 0; i < 3; i++)
    g_clear_pointer (&planes[i], g_free);
}

/* The Y, Cb, Cr planes libjpeg makes from @rgb (@w x @h, tight) for a
 * JPEG with chroma subsampled by @hs, @vs: BT.601 full range, chroma
 * averaged over each window (edge windows over the pixels that exist, as
 * libjpeg replicates the edge). Tight planes, sizes in @pw, @ph. */
static void
ycc_reference (const uint8_t * rgb, uint32_t w, uint32_t h, unsigned hs,
    unsigned vs, uint8_t * planes[3], uint32_t pw[3], uint32_t ph[3])
{
  const ImcoreYuvColorimetry jfif = { 0.299, 0.114, false };
  double *cb = g_new (double, (size_t) w * h);
  double *cr = g_new (double, (size_t) w * h);

  pw[0] = w;
  ph[0] = h;
  pw[1] = pw[2] = (w + (1u << hs) - 1) >> hs;
  ph[1] = ph[2] = (h + (1u << vs) - 1) >> vs;
  for (unsigned i = 0; i < 3; i++)
    planes[i] = g_malloc ((size_t) pw[i] * ph[i]);
  for (size_t i = 0; i < (size_t) w * h; i++) {
    double px[3], yuv[3];

    for (int k = 0; k < 3; k++)
      px[k] = rgb[i * 3 + k] / 255.0;
    ref_rgb_to_yuv (&jfif, px, yuv);
    planes[0][i] = (uint8_t) round_clamp (yuv[0]);
    cb[i] = yuv[1];
    cr[i] = yuv[2];
  }
  for (uint32_t cy = 0; cy < ph[1]; cy++) {
    for (uint32_t cx = 0; cx < pw[1]; cx++) {
      double sb = 0.0, sr = 0.0;
      unsigned n = 0;

      for (uint32_t y = cy << vs; y < MIN (h, (cy + 1) << vs); y++) {
        for (uint32_t x = cx << hs; x < MIN (w, (cx + 1) << hs); x++) {
          sb += cb[(size_t) y * w + x];
          sr += cr[(size_t) y * w + x];
          n++;
        }
      }
      planes[1][(size_t) cy * pw[1] + cx] = (uint8_t) round_clamp (sb / n);
      planes[2][(size_t) cy * pw[2] + cx] = (uint8_t) round_clamp (sr / n);
    }
  }
  g_free (cb);
  g_free (cr);
}

/* The largest MSE between decoded planes (as jpeg_decode_planes() gives
 * them) and the planes libjpeg should have made from @rgb */
static double
ycc_planes_mse (uint8_t * dec_planes[3], const int widths[3],
    const int heights[3], const uint8_t * rgb, uint32_t w, uint32_t h,
    unsigned hs, unsigned vs, const char *what)
{
  uint8_t *ref[3];
  uint32_t pw[3], ph[3];
  double worst = 0.0;

  ycc_reference (rgb, w, h, hs, vs, ref, pw, ph);
  for (unsigned i = 0; i < 3; i++) {
    /* TurboJPEG pads the luma plane to whole MCUs; chroma is exact */
    if (check ((uint32_t) widths[i] >= pw[i] &&
            (uint32_t) heights[i] >= ph[i] &&
            (i == 0 || ((uint32_t) widths[i] == pw[i] &&
                    (uint32_t) heights[i] == ph[i])), what,
            "plane %u is %dx%d in the JPEG, %ux%u expected", i, widths[i],
            heights[i], pw[i], ph[i]))
      worst = MAX (worst, plane_mse (dec_planes[i], (size_t) widths[i],
              ref[i], pw[i], pw[i], ph[i]));
    g_free (ref[i]);
  }
  return worst;
}

/* Decodes @jpeg (made from packed RGB with @samp) with libjpeg-turbo and
 * compares it with @rgb: RGB against RGB for 4:4:4, luma against BT.601
 * luma for gray, and in the JPEG's own YCbCr planes for subsampled chroma,
 * where an RGB comparison would measure the subsampling rather than the
 * encoder. Returns the MSE, or -1. */
static double
jpeg_compare_rgb (tjhandle dec, const uint8_t * jpeg, size_t len, uint32_t w,
    uint32_t h, ImcoreSubsampling samp, const uint8_t * rgb, const char *what)
{
  uint8_t *pix = NULL;
  double mse = -1.0;

  if (samp == IMCORE_SUBSAMPLING_GRAY) {
    uint8_t *luma = luma_of_rgb (rgb, (size_t) w * h);

    pix = jpeg_decode_packed (dec, jpeg, len, w, h, TJPF_GRAY, what);
    if (pix)
      mse = plane_mse (pix, w, luma, w, w, h);
    g_free (luma);
  } else if (samp == IMCORE_SUBSAMPLING_444) {
    pix = jpeg_decode_packed (dec, jpeg, len, w, h, TJPF_RGB, what);
    if (pix)
      mse = plane_mse (pix, (size_t) w * 3, rgb, (size_t) w * 3,
          (size_t) w * 3, h);
  } else {
    uint8_t *planes[3];
    int widths[3], heights[3];
    unsigned vs = samp == IMCORE_SUBSAMPLING_420;

    if (jpeg_decode_planes (dec, jpeg, len, w, h, tj_samp_of (samp), planes,
            widths, heights, what)) {
      mse = ycc_planes_mse (planes, widths, heights, rgb, w, h, 1, vs, what);
      free_planes (planes);
    }
  }
  g_free (pix);
  return mse;
}

/* Encodes packed @t with @samp at @quality and compares the decoded image
 * with the source. Returns the MSE, or -1. */
static double
jpeg_packed_case (ImcoreJpegEncoder * enc, tjhandle dec, const TestImage * t,
    ImcoreSubsampling samp, int quality, size_t *len_out, const char *what)
{
  uint8_t *jpeg;
  size_t len;
  double mse;

  jpeg = jpeg_encode_checked (enc, dec, &t->img, quality, samp, NULL, &len,
      what);
  if (!jpeg)
    return -1.0;
  if (len_out)
    *len_out = len;
  mse = jpeg_compare_rgb (dec, jpeg, len, t->img.width, t->img.height, samp,
      t->rgb, what);
  g_free (jpeg);
  return mse;
}

static void
test_jpeg_packed (gconstpointer data)
{
  const PackedInfo *info = data;
  static const ImcoreSubsampling samps[] = {
    IMCORE_SUBSAMPLING_444, IMCORE_SUBSAMPLING_422, IMCORE_SUBSAMPLING_420,
    IMCORE_SUBSAMPLING_GRAY,
  };
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  tjhandle dec = tjInitDecompress ();

  g_assert_nonnull (enc);
  g_assert_nonnull (dec);
  for (size_t s = 0; s < G_N_ELEMENTS (jpeg_sizes); s++) {
    uint32_t w = jpeg_sizes[s][0], h = jpeg_sizes[s][1];
    /* an odd padding: rows start at unaligned addresses */
    TestImage *t = test_image_new_packed (info, w, h, 5 + info->bpp, FALSE,
        s + 1);

    for (size_t k = 0; k < G_N_ELEMENTS (samps); k++) {
      gchar *what = g_strdup_printf ("JPEG %s %ux%u %s", info->name, w, h,
          subsampling_name (samps[k]));
      size_t len95 = 0, len20 = 0;
      double mse;

      mse = jpeg_packed_case (enc, dec, t, samps[k], 95, &len95, what);
      g_test_message ("%s: MSE %.2f", what, mse);
      if (mse >= 0)
        check (mse <= jpeg_max_mse (w, h), what, "MSE %.2f > %.2f", mse,
            jpeg_max_mse (w, h));
      if (w >= 64) {
        /* a lower quality must actually quantise more */
        mse = jpeg_packed_case (enc, dec, t, samps[k], 20, &len20, what);
        if (mse >= 0)
          check (len20 < len95, what, "quality 20 gives %zu bytes, "
              "quality 95 %zu", len20, len95);
      }
      g_free (what);
    }
    test_image_free (t);
  }
  tjDestroy (dec);
  imcore_jpeg_encoder_free (enc);
}

/* Encodes GRAY8 or planar @t and compares the decoded planes with the
 * source planes. Returns the largest MSE of the planes, or -1. */
static double
jpeg_yuv_case (ImcoreJpegEncoder * enc, tjhandle dec, const TestImage * t,
    const ImcoreImage * img, ImcoreSubsampling samp, int quality,
    size_t *len_out, const char *what)
{
  int tsamp = tj_samp_of (samp);
  uint8_t *planes[3];
  int widths[3], heights[3];
  uint8_t *jpeg;
  size_t len;
  double worst = 0.0;

  jpeg = jpeg_encode_checked (enc, dec, img, quality, samp, NULL, &len, what);
  if (!jpeg)
    return -1.0;
  if (len_out)
    *len_out = len;
  if (!jpeg_decode_planes (dec, jpeg, len, img->width, img->height, tsamp,
          planes, widths, heights, what)) {
    g_free (jpeg);
    return -1.0;
  }
  for (unsigned i = 0; i < (tsamp == TJSAMP_GRAY ? 1u : 3u); i++) {
    uint32_t pw = i ? t->pw[i] : img->width;
    uint32_t ph = i ? t->ph[i] : img->height;
    double mse;

    if (img != &t->img) {
      /* a cropped view: the plane sizes follow the crop */
      unsigned hs, vs;

      test_chroma_shift (img->format, &hs, &vs);
      if (i) {
        pw = (img->width + (1u << hs) - 1) >> hs;
        ph = (img->height + (1u << vs) - 1) >> vs;
      }
    }
    /* TurboJPEG pads the luma plane to whole MCUs; chroma is exact */
    if (!check ((uint32_t) widths[i] >= pw && (uint32_t) heights[i] >= ph &&
            (i == 0 || ((uint32_t) widths[i] == pw &&
                    (uint32_t) heights[i] == ph)), what,
            "plane %u is %dx%d in the JPEG, %ux%u in the source", i,
            widths[i], heights[i], pw, ph))
      continue;
    mse = plane_mse (planes[i], (size_t) widths[i], img->planes[i],
        img->strides[i], pw, ph);
    if (mse > worst)
      worst = mse;
  }
  free_planes (planes);
  g_free (jpeg);
  return worst;
}

static void
test_jpeg_yuv (gconstpointer data)
{
  ImcorePixelFormat format = (ImcorePixelFormat) GPOINTER_TO_INT (data);
  ImcoreSubsampling own = format == IMCORE_PIXEL_I420 ?
      IMCORE_SUBSAMPLING_420 : format == IMCORE_PIXEL_I422 ?
      IMCORE_SUBSAMPLING_422 : format == IMCORE_PIXEL_I444 ?
      IMCORE_SUBSAMPLING_444 : IMCORE_SUBSAMPLING_GRAY;
  ImcoreSubsampling samps[2] = { own, IMCORE_SUBSAMPLING_GRAY };
  size_t n_samps = own == IMCORE_SUBSAMPLING_GRAY ? 1 : 2;
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  tjhandle dec = tjInitDecompress ();

  g_assert_nonnull (enc);
  g_assert_nonnull (dec);
  for (size_t s = 0; s < G_N_ELEMENTS (jpeg_sizes); s++) {
    uint32_t w = jpeg_sizes[s][0], h = jpeg_sizes[s][1];
    TestImage *t = test_image_new_yuv (format, w, h, 7, FALSE, s + 1);

    for (size_t k = 0; k < n_samps; k++) {
      gchar *what = g_strdup_printf ("JPEG %s %ux%u %s", yuv_name (format),
          w, h, subsampling_name (samps[k]));
      size_t len95 = 0, len20 = 0;
      double mse;

      mse = jpeg_yuv_case (enc, dec, t, &t->img, samps[k], 95, &len95, what);
      g_test_message ("%s: MSE %.2f", what, mse);
      if (mse >= 0)
        check (mse <= jpeg_max_mse (w, h), what, "MSE %.2f > %.2f", mse,
            jpeg_max_mse (w, h));
      if (w >= 64) {
        mse = jpeg_yuv_case (enc, dec, t, &t->img, samps[k], 20, &len20, what);
        if (mse >= 0)
          check (len20 < len95, what, "quality 20 gives %zu bytes, "
              "quality 95 %zu", len20, len95);
      }
      g_free (what);
    }
    test_image_free (t);
  }
  tjDestroy (dec);
  imcore_jpeg_encoder_free (enc);
}

/* @rgb with R and B exchanged: what a BGR/RGB mix-up decodes to */
static uint8_t *
rgb_swapped (const uint8_t * rgb, uint32_t w, uint32_t h)
{
  uint8_t *out = g_malloc ((size_t) w * h * 3);

  for (size_t i = 0; i < (size_t) w * h; i++) {
    out[i * 3] = rgb[i * 3 + 2];
    out[i * 3 + 1] = rgb[i * 3 + 1];
    out[i * 3 + 2] = rgb[i * 3];
  }
  return out;
}

/* @rgb upside down: what a bottom-up row order decodes to */
static uint8_t *
rgb_flipped (const uint8_t * rgb, uint32_t w, uint32_t h)
{
  size_t row = (size_t) w * 3;
  uint8_t *out = g_malloc (row * h);

  for (uint32_t y = 0; y < h; y++)
    memcpy (out + y * row, rgb + (h - 1 - y) * row, row);
  return out;
}

/* @rgb moved by (@dx, @dy) pixels, the edge repeated into the gap: what an
 * off-by-one crop or stride decodes to */
static uint8_t *
rgb_shifted (const uint8_t * rgb, uint32_t w, uint32_t h, int dx, int dy)
{
  uint8_t *out = g_malloc ((size_t) w * h * 3);

  for (uint32_t y = 0; y < h; y++) {
    int64_t sy = CLAMP ((int64_t) y - dy, 0, (int64_t) h - 1);

    for (uint32_t x = 0; x < w; x++) {
      int64_t sx = CLAMP ((int64_t) x - dx, 0, (int64_t) w - 1);

      memcpy (out + ((size_t) y * w + x) * 3,
          rgb + ((size_t) sy * w + (size_t) sx) * 3, 3);
    }
  }
  return out;
}

/* The thresholds above are only worth something if the bugs they are meant
 * to catch exceed them: compare good decodes against deliberately wrong
 * references (channels swapped, shifted by one pixel, flipped). */
static void
test_jpeg_thresholds_discriminate (void)
{
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  tjhandle dec = tjInitDecompress ();
  const uint32_t w = 641, h = 479;

  /* packed: an RGB/BGR mix-up, a 1-pixel shift each way, a flip, for
   * both ways of comparing (RGB for 4:4:4, YCbCr planes for 4:2:0) */
  for (int k = 0; k < 2; k++) {
    ImcoreSubsampling samp = k ? IMCORE_SUBSAMPLING_420 :
        IMCORE_SUBSAMPLING_444;
    TestImage *t = test_image_new_packed (packed_info (IMCORE_PIXEL_RGB), w,
        h, 3, FALSE, 9);
    const char *what = k ? "discriminate RGB 420" : "discriminate RGB 444";
    uint8_t *wrong[6];
    const char *wrong_name[6] = {
      "R/B swapped", "flipped", "shifted right", "shifted left",
      "shifted down", "shifted up",
    };
    /* a wrong interpretation of the whole image must cost 10 dB more than
     * even the small-image threshold allows, an off-by-one more than the
     * large-image threshold */
    const double wrong_min[6] = {
      10 * JPEG_Q95_MAX_MSE, 10 * JPEG_Q95_MAX_MSE, JPEG_Q95_MAX_MSE_LARGE,
      JPEG_Q95_MAX_MSE_LARGE, JPEG_Q95_MAX_MSE_LARGE, JPEG_Q95_MAX_MSE_LARGE,
    };
    uint8_t *jpeg;
    size_t len;

    wrong[0] = rgb_swapped (t->rgb, w, h);
    wrong[1] = rgb_flipped (t->rgb, w, h);
    wrong[2] = rgb_shifted (t->rgb, w, h, 1, 0);
    wrong[3] = rgb_shifted (t->rgb, w, h, -1, 0);
    wrong[4] = rgb_shifted (t->rgb, w, h, 0, 1);
    wrong[5] = rgb_shifted (t->rgb, w, h, 0, -1);
    jpeg = jpeg_encode_checked (enc, dec, &t->img, 95, samp, NULL, &len, what);
    if (jpeg) {
      double good = jpeg_compare_rgb (dec, jpeg, len, w, h, samp, t->rgb,
          what);

      g_test_message ("%s: right reference MSE %.2f", what, good);
      check (good >= 0 && good <= JPEG_Q95_MAX_MSE_LARGE, what, "MSE %.2f",
          good);
      for (int i = 0; i < 6; i++) {
        double bad = jpeg_compare_rgb (dec, jpeg, len, w, h, samp, wrong[i],
            what);

        g_test_message ("%s: %s reference MSE %.2f", what, wrong_name[i], bad);
        check (bad > wrong_min[i], what, "against the %s source MSE is "
            "only %.2f", wrong_name[i], bad);
      }
    }
    for (int i = 0; i < 6; i++)
      g_free (wrong[i]);
    g_free (jpeg);
    test_image_free (t);
  }

  /* planar: luma shifts, U/V swapped, chroma shifted by one sample */
  {
    TestImage *t = test_image_new_yuv (IMCORE_PIXEL_I420, w, h, 3, FALSE, 9);
    uint8_t *planes[3];
    int widths[3], heights[3];
    uint8_t *jpeg;
    size_t len;

    jpeg = jpeg_encode_checked (enc, dec, &t->img, 95,
        IMCORE_SUBSAMPLING_420, NULL, &len, "discriminate I420");
    if (jpeg && jpeg_decode_planes (dec, jpeg, len, w, h, TJSAMP_420, planes,
            widths, heights, "discriminate I420")) {
      size_t cw = (size_t) widths[1], ch = (size_t) heights[1];
      const size_t *st = t->img.strides;
      /* the decoder pads luma rows to whole MCUs */
      size_t yw = (size_t) widths[0];
      double y_good = plane_mse (planes[0], yw, t->mem[0], st[0], w, h);
      double y_right = plane_mse (planes[0] + 1, yw, t->mem[0], st[0], w - 1,
          h);
      double y_down = plane_mse (planes[0] + yw, yw, t->mem[0], st[0], w,
          h - 1);
      double u_good = plane_mse (planes[1], cw, t->mem[1], st[1], cw, ch);
      double u_as_v = plane_mse (planes[1], cw, t->mem[2], st[2], cw, ch);
      double u_right = plane_mse (planes[1] + 1, cw, t->mem[1], st[1],
          cw - 1, ch);
      double v_down = plane_mse (planes[2] + cw, cw, t->mem[2], st[2], cw,
          ch - 1);

      g_test_message ("I420: Y good %.2f right %.1f down %.1f, U good %.2f "
          "as V %.1f right %.1f, V down %.1f", y_good, y_right, y_down,
          u_good, u_as_v, u_right, v_down);
      g_assert_cmpfloat (y_good, <=, JPEG_Q95_MAX_MSE_LARGE);
      g_assert_cmpfloat (u_good, <=, JPEG_Q95_MAX_MSE_LARGE);
      g_assert_cmpfloat (y_right, >, JPEG_Q95_MAX_MSE_LARGE);
      g_assert_cmpfloat (y_down, >, JPEG_Q95_MAX_MSE_LARGE);
      g_assert_cmpfloat (u_as_v, >, 10 * JPEG_Q95_MAX_MSE);
      g_assert_cmpfloat (u_right, >, JPEG_Q95_MAX_MSE_LARGE);
      g_assert_cmpfloat (v_down, >, JPEG_Q95_MAX_MSE_LARGE);
      free_planes (planes);
    }
    g_free (jpeg);
    test_image_free (t);
  }
  tjDestroy (dec);
  imcore_jpeg_encoder_free (enc);
}

/* A view into the middle of a frame is encoded as that region: checks the
 * encoder honours the view's own pointers and strides. */
static void
test_jpeg_crop_view (void)
{
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  tjhandle dec = tjInitDecompress ();

  {
    TestImage *t = test_image_new_yuv (IMCORE_PIXEL_I420, 641, 479, 3, FALSE,
        4);
    /* even offsets, odd ones, and odd ones reaching the right and bottom
     * edges, where the view's chroma must still lie inside the planes */
    static const ImcoreRect rects[] = {
      {2, 4, 301, 201}, {3, 5, 300, 200}, {1, 1, 640, 478}, {639, 477, 2, 2},
    };

    for (size_t i = 0; i < G_N_ELEMENTS (rects); i++) {
      gchar *what = g_strdup_printf ("JPEG I420 crop view %u,%u %ux%u",
          rects[i].x, rects[i].y, rects[i].width, rects[i].height);
      ImcoreImage view;
      double mse;

      g_assert_cmpint (imcore_image_crop (&t->img, &rects[i], &view), ==,
          IMCORE_OK);
      mse = jpeg_yuv_case (enc, dec, t, &view, IMCORE_SUBSAMPLING_420, 95,
          NULL, what);
      check (mse >= 0.0 && mse <= jpeg_max_mse (rects[i].width,
              rects[i].height), what, "MSE %.2f", mse);
      g_free (what);
    }
    test_image_free (t);
  }
  {
    const PackedInfo *info = packed_info (IMCORE_PIXEL_XBGR);
    TestImage *t = test_image_new_packed (info, 641, 479, 1, FALSE, 4);
    ImcoreRect r = { 3, 5, 200, 101 };
    ImcoreImage view;
    uint8_t *jpeg, *pix = NULL;
    size_t len;

    g_assert_cmpint (imcore_image_crop (&t->img, &r, &view), ==, IMCORE_OK);
    jpeg = jpeg_encode_checked (enc, dec, &view, 95, IMCORE_SUBSAMPLING_444,
        NULL, &len, "JPEG XBGR crop view");
    if (jpeg)
      pix = jpeg_decode_packed (dec, jpeg, len, r.width, r.height, TJPF_RGB,
          "JPEG XBGR crop view");
    if (pix) {
      double mse = plane_mse (pix, (size_t) r.width * 3,
          t->rgb + ((size_t) r.y * 641 + r.x) * 3, 641 * 3,
          (size_t) r.width * 3, r.height);

      g_assert_cmpfloat (mse, <=, JPEG_Q95_MAX_MSE_LARGE);
    }
    g_free (pix);
    g_free (jpeg);
    test_image_free (t);
  }
  tjDestroy (dec);
  imcore_jpeg_encoder_free (enc);
}

/* Four 16-pixel columns of Y 16, 235, 0, 255; chroma 240 in the top half
 * and 16 in the bottom half of U, 128 in V. Every edge lies on an 8x8 block
 * border, so the decoded samples are flat and comparable to a few levels. */
static void
fill_range_image (TestImage * t)
{
  static const uint8_t y_cols[4] = { 16, 235, 0, 255 };

  for (unsigned i = 0; i < 3; i++) {
    for (uint32_t y = 0; y < t->ph[i]; y++) {
      uint8_t *row = t->mem[i] + y * t->img.strides[i];

      for (uint32_t x = 0; x < t->pw[i]; x++) {
        if (i == 0)
          row[x] = y_cols[x / 16];
        else if (i == 1)
          row[x] = y < t->ph[i] / 2 ? 240 : 16;
        else
          row[x] = 128;
      }
    }
  }
}

static void
test_jpeg_limited_range (void)
{
  static const struct
  {
    ImcorePixelFormat format;
    ImcoreSubsampling samp;
  } cases[] = {
    {IMCORE_PIXEL_I420, IMCORE_SUBSAMPLING_420},
    {IMCORE_PIXEL_I422, IMCORE_SUBSAMPLING_422},
    {IMCORE_PIXEL_I444, IMCORE_SUBSAMPLING_444},
    {IMCORE_PIXEL_I420, IMCORE_SUBSAMPLING_GRAY},
  };
  static const uint8_t y_full[4] = { 0, 255, 0, 255 };
  static const uint8_t y_kept[4] = { 16, 235, 0, 255 };
  /* BT.601 both ways: only the range differs from JFIF */
  const ImcoreYuvColorimetry limited_601 = { 0.299, 0.114, true };
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  tjhandle dec = tjInitDecompress ();

  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++) {
    for (int limited = 0; limited < 2; limited++) {
      TestImage *t = test_image_new_yuv (cases[c].format, 64, 32, 6, FALSE,
          1);
      int tsamp = tj_samp_of (cases[c].samp);
      gchar *what = g_strdup_printf ("JPEG %s %s limited_range=%d",
          yuv_name (cases[c].format), subsampling_name (cases[c].samp),
          limited);
      uint8_t *before[3];
      uint8_t *planes[3];
      int widths[3], heights[3];
      uint8_t *jpeg;
      size_t len;

      fill_range_image (t);
      for (unsigned i = 0; i < 3; i++)
        before[i] = g_memdup2 (t->mem[i], t->mem_size[i]);
      jpeg = jpeg_encode_checked (enc, dec, &t->img, 95, cases[c].samp,
          limited ? &limited_601 : NULL, &len, what);
      /* the source is const: the conversion must not happen in place */
      for (unsigned i = 0; i < 3; i++) {
        check (memcmp (before[i], t->mem[i], t->mem_size[i]) == 0, what,
            "source plane %u modified", i);
        g_free (before[i]);
      }
      if (jpeg && jpeg_decode_planes (dec, jpeg, len, 64, 32, tsamp, planes,
              widths, heights, what)) {
        unsigned n = tsamp == TJSAMP_GRAY ? 1 : 3;
        int worst = 0;

        for (unsigned i = 0; i < n; i++) {
          for (int y = 0; y < heights[i]; y++) {
            for (int x = 0; x < widths[i]; x++) {
              int got = planes[i][y * widths[i] + x], want, d;

              if (i == 0)
                want = limited ? y_full[x / 16] : y_kept[x / 16];
              else if (i == 1)
                want = y < heights[i] / 2 ? (limited ? 255 : 240) :
                    (limited ? 0 : 16);
              else
                want = 128;
              d = ABS (got - want);
              if (d > worst)
                worst = d;
              if (d > 3) {
                check (FALSE, what, "plane %u (%d,%d) decodes to %d, "
                    "expected %d", i, x, y, got, want);
                /* one report per plane is enough */
                y = heights[i];
                break;
              }
            }
          }
        }
        g_test_message ("%s: worst difference %d", what, worst);
        free_planes (planes);
      }
      g_free (jpeg);
      g_free (what);
      test_image_free (t);
    }
  }

  /* the colorimetry is documented for planar input only: GRAY8 and packed
   * RGB must come out exactly as with JFIF */
  {
    const ImcoreYuvColorimetry bt709 = { 0.2126, 0.0722, true };
    TestImage *rgb = test_image_new_packed (packed_info (IMCORE_PIXEL_RGB),
        40, 24, 2, FALSE, 1);
    TestImage *gray = test_image_new_yuv (IMCORE_PIXEL_GRAY8, 40, 24, 2,
        FALSE, 1);
    const struct
    {
      TestImage *t;
      ImcoreSubsampling samp;
    } ignored[] = {
      {rgb, IMCORE_SUBSAMPLING_420}, {gray, IMCORE_SUBSAMPLING_GRAY},
    };

    for (size_t i = 0; i < G_N_ELEMENTS (ignored); i++) {
      uint8_t *a, *b;
      size_t la = 0, lb = 0;

      a = jpeg_encode_checked (enc, dec, &ignored[i].t->img, 90,
          ignored[i].samp, NULL, &la, "colorimetry ignored, JFIF");
      b = jpeg_encode_checked (enc, dec, &ignored[i].t->img, 90,
          ignored[i].samp, &bt709, &lb, "colorimetry ignored, BT.709");
      if (a && b)
        check (la == lb && memcmp (a, b, la) == 0, "colorimetry ignored",
            "format %d: output changed with a YUV colorimetry",
            ignored[i].t->img.format);
      g_free (a);
      g_free (b);
    }
    test_image_free (rgb);
    test_image_free (gray);
  }
  tjDestroy (dec);
  imcore_jpeg_encoder_free (enc);
}

static void
test_image_yuv_to_jfif (void)
{
  static const ImcoreYuvColorimetry jfif = { 0.299, 0.114, false };
  const ImcoreYuvColorimetry *colorimetries[] = {
    &bt709_limited, &bt709_full, &bt601_limited, &bt2020_limited, &jfif,
  };
  static const ImcorePixelFormat formats[] = {
    IMCORE_PIXEL_I444, IMCORE_PIXEL_I422, IMCORE_PIXEL_I420,
  };

  g_assert_true (imcore_yuv_is_jfif (&jfif));
  {
    ImcoreYuvColorimetry def = IMCORE_YUV_JFIF;

    g_assert_true (imcore_yuv_is_jfif (&def));
  }
  g_assert_false (imcore_yuv_is_jfif (&bt601_limited));
  g_assert_false (imcore_yuv_is_jfif (&bt709_full));

  for (size_t c = 0; c < G_N_ELEMENTS (colorimetries); c++) {
    for (size_t f = 0; f < G_N_ELEMENTS (formats); f++) {
      for (int in_place = 0; in_place < 2; in_place++) {
        const ImcoreYuvColorimetry *cm = colorimetries[c];
        /* random samples: every combination of Y with chroma is fair */
        TestImage *src = test_image_new_yuv (formats[f], 37, 21, 3, TRUE,
            c * 10 + f + 1);
        TestImage *orig = test_image_new_yuv (formats[f], 37, 21, 3, TRUE,
            c * 10 + f + 1);
        TestImage *dst = in_place ? src : test_image_new_yuv (formats[f], 37,
            21, 5, FALSE, 1);
        gchar *what = g_strdup_printf ("yuv_to_jfif %s kr %.4f kb %.4f %s%s",
            yuv_name (formats[f]), cm->kr, cm->kb,
            cm->limited_range ? "limited" : "full",
            in_place ? " in place" : "");
        unsigned hs, vs;
        int worst = 0;
        ImcoreError err;

        test_chroma_shift (formats[f], &hs, &vs);
        err = imcore_image_yuv_to_jfif (&src->img, cm, &dst->img);
        if (!check (err == IMCORE_OK, what, "%s", imcore_strerror (err)))
          goto next;
        for (uint32_t y = 0; y < 21; y++) {
          for (uint32_t x = 0; x < 37; x++) {
            /* luma takes the co-sited chroma sample */
            size_t cx = x >> hs, cy = y >> vs;
            int Y = orig->mem[0][y * orig->img.strides[0] + x];
            int U = orig->mem[1][cy * orig->img.strides[1] + cx];
            int V = orig->mem[2][cy * orig->img.strides[2] + cx];
            int got = dst->mem[0][y * dst->img.strides[0] + x];
            double want[3];
            int d;

            ref_to_jfif (cm, Y, U, V, want);
            d = ABS (got - round_clamp (want[0]));
            worst = MAX (worst, d);
            if (d > 1) {
              check (FALSE, what, "Y at (%u,%u) from %d,%d,%d: %d, expected "
                  "%.2f", x, y, Y, U, V, got, want[0]);
              goto next;
            }
          }
        }
        for (uint32_t y = 0; y < src->ph[1]; y++) {
          for (uint32_t x = 0; x < src->pw[1]; x++) {
            int U = orig->mem[1][y * orig->img.strides[1] + x];
            int V = orig->mem[2][y * orig->img.strides[2] + x];
            int gu = dst->mem[1][y * dst->img.strides[1] + x];
            int gv = dst->mem[2][y * dst->img.strides[2] + x];
            double want[3];
            int du, dv;

            /* chroma does not depend on luma: any Y will do */
            ref_to_jfif (cm, 128, U, V, want);
            du = ABS (gu - round_clamp (want[1]));
            dv = ABS (gv - round_clamp (want[2]));
            worst = MAX (worst, MAX (du, dv));
            if (du > 1 || dv > 1) {
              check (FALSE, what, "chroma at (%u,%u) from %d,%d: %d,%d, "
                  "expected %.2f,%.2f", x, y, U, V, gu, gv, want[1], want[2]);
              goto next;
            }
          }
        }
        if (cm == &jfif)
          check (worst == 0, what, "JFIF to JFIF changed a sample by %d",
              worst);
      next:
        g_test_message ("%s: worst difference %d", what, worst);
        g_free (what);
        if (!in_place)
          test_image_free (dst);
        test_image_free (src);
        test_image_free (orig);
      }
    }
  }

  /* refused: not planar YUV, impossible matrices, mismatched images */
  {
    TestImage *a = test_image_new_yuv (IMCORE_PIXEL_I420, 8, 8, 0, FALSE, 1);
    TestImage *b = test_image_new_yuv (IMCORE_PIXEL_I444, 8, 8, 0, FALSE, 1);
    TestImage *g = test_image_new_yuv (IMCORE_PIXEL_GRAY8, 8, 8, 0, FALSE, 1);
    TestImage *rgb = test_image_new_packed (packed_info (IMCORE_PIXEL_RGB), 8,
        8, 0, FALSE, 1);
    const ImcoreYuvColorimetry zero = { 0.0, 0.0, false };
    const ImcoreYuvColorimetry no_green = { 0.5, 0.5, false };
    const ImcoreYuvColorimetry negative = { -0.1, 0.114, false };

    g_assert_cmpint (imcore_image_yuv_to_jfif (&g->img, &bt709_limited,
            &g->img), ==, IMCORE_ERROR_UNSUPPORTED_FORMAT);
    g_assert_cmpint (imcore_image_yuv_to_jfif (&rgb->img, &bt709_limited,
            &rgb->img), ==, IMCORE_ERROR_UNSUPPORTED_FORMAT);
    g_assert_cmpint (imcore_image_yuv_to_jfif (&a->img, &zero, &a->img), ==,
        IMCORE_ERROR_INVALID_ARGUMENT);
    g_assert_cmpint (imcore_image_yuv_to_jfif (&a->img, &no_green, &a->img),
        ==, IMCORE_ERROR_INVALID_ARGUMENT);
    g_assert_cmpint (imcore_image_yuv_to_jfif (&a->img, &negative, &a->img),
        ==, IMCORE_ERROR_INVALID_ARGUMENT);
    g_assert_cmpint (imcore_image_yuv_to_jfif (&a->img, &bt709_limited,
            &b->img), ==, IMCORE_ERROR_INVALID_ARGUMENT);
    g_assert_cmpint (imcore_image_yuv_to_jfif (&a->img, NULL, &a->img), ==,
        IMCORE_ERROR_INVALID_ARGUMENT);
    g_assert_cmpint (imcore_image_yuv_to_jfif (NULL, &bt709_limited,
            &a->img), ==, IMCORE_ERROR_INVALID_ARGUMENT);
    test_image_free (a);
    test_image_free (b);
    test_image_free (g);
    test_image_free (rgb);
  }
}

/* A colourful smooth RGB picture, turned into BT.709 limited-range YUV by
 * the textbook formulas, must decode (as any JPEG decoder would) to the
 * same RGB; encoded as if it were JFIF it must not. */
static void
test_jpeg_colorimetry (void)
{
  static const struct
  {
    ImcorePixelFormat format;
    ImcoreSubsampling samp;
  } cases[] = {
    {IMCORE_PIXEL_I444, IMCORE_SUBSAMPLING_444},
    {IMCORE_PIXEL_I420, IMCORE_SUBSAMPLING_420},
  };
  const ImcoreYuvColorimetry *tagged[] = { &bt709_limited, &bt709_full };
  const uint32_t w = 96, h = 64;
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  tjhandle dec = tjInitDecompress ();

  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++) {
    for (size_t k = 0; k < G_N_ELEMENTS (tagged); k++) {
      const ImcoreYuvColorimetry *cm = tagged[k];
      TestImage *t = test_image_new_yuv (cases[c].format, w, h, 3, FALSE, 1);
      uint8_t *rgb = g_malloc ((size_t) w * h * 3);
      unsigned hs, vs;
      double mse_right = -1.0, mse_as_jfif = -1.0, mse_as_601 = -1.0;
      const ImcoreYuvColorimetry *tries[3];
      double *results[3] = { &mse_right, &mse_as_jfif, &mse_as_601 };
      const ImcoreYuvColorimetry wrong_601 = { 0.299, 0.114,
        cm->limited_range
      };
      gchar *what = g_strdup_printf ("JPEG %s BT.709 %s",
          yuv_name (cases[c].format), cm->limited_range ? "limited" : "full");

      tries[0] = cm;
      tries[1] = NULL;
      tries[2] = &wrong_601;
      test_chroma_shift (cases[c].format, &hs, &vs);
      for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
          double px[3], yuv[3];
          uint8_t *o = rgb + ((size_t) y * w + x) * 3;

          px[0] = (30.0 + 190.0 * x / w) / 255.0;
          px[1] = (30.0 + 190.0 * y / h) / 255.0;
          px[2] = (220.0 - 190.0 * (x + y) / (w + h)) / 255.0;
          for (int i = 0; i < 3; i++)
            o[i] = (uint8_t) round_clamp (px[i] * 255.0);
          ref_rgb_to_yuv (cm, px, yuv);
          t->mem[0][y * t->img.strides[0] + x] = (uint8_t) round_clamp (yuv[0]);
          /* chroma from the co-sited (top-left) pixel */
          if ((x & ((1u << hs) - 1)) == 0 && (y & ((1u << vs) - 1)) == 0) {
            t->mem[1][(y >> vs) * t->img.strides[1] + (x >> hs)] =
                (uint8_t) round_clamp (yuv[1]);
            t->mem[2][(y >> vs) * t->img.strides[2] + (x >> hs)] =
                (uint8_t) round_clamp (yuv[2]);
          }
        }
      }
      for (int i = 0; i < 3; i++) {
        uint8_t *jpeg, *pix = NULL;
        size_t len;

        jpeg = jpeg_encode_checked (enc, dec, &t->img, 95, cases[c].samp,
            tries[i], &len, what);
        if (jpeg)
          pix = jpeg_decode_packed (dec, jpeg, len, w, h, TJPF_RGB, what);
        if (pix)
          *results[i] = plane_mse (pix, (size_t) w * 3, rgb, (size_t) w * 3,
              (size_t) w * 3, h);
        g_free (pix);
        g_free (jpeg);
      }
      g_test_message ("%s: MSE %.2f, read as JFIF %.2f, as BT.601 %.2f",
          what, mse_right, mse_as_jfif, mse_as_601);
      if (mse_right >= 0)
        check (mse_right <= 10.0, what, "decoded RGB off by MSE %.2f",
            mse_right);
      /* the test can tell the colorimetry was applied at all, and the
       * matrix as well as the range */
      if (mse_right >= 0 && mse_as_jfif >= 0 && cm->limited_range)
        check (mse_as_jfif > 4 * mse_right + 20, what, "ignoring the "
            "colorimetry costs only MSE %.2f", mse_as_jfif);
      if (mse_right >= 0 && mse_as_601 >= 0)
        check (mse_as_601 > 2 * mse_right + 5, what, "the BT.601 matrix "
            "costs only MSE %.2f", mse_as_601);
      g_free (what);
      g_free (rgb);
      test_image_free (t);
    }
  }
  tjDestroy (dec);
  imcore_jpeg_encoder_free (enc);
}


/* ------------------------------------------------------------------ */
/* Reading past the caller's planes                                    */
/* ------------------------------------------------------------------ */

/* Each plane is placed so that it ends exactly where an inaccessible page
 * starts: an encoder that reads one byte past the rows it was given faults
 * in every build, not only under AddressSanitizer (a heap over-read of a
 * row usually lands in malloc slack and goes unnoticed). The encode runs
 * in a subprocess so that a fault fails this case only. */
typedef struct
{
  const char *name;
  ImcorePixelFormat format;
  uint32_t width, height;
  gboolean png;
  ImcoreSubsampling samp;       /* JPEG */
  gboolean convert;             /* JPEG: a colorimetry other than JFIF */
} GuardCase;

static const GuardCase guard_cases[] = {
  {"jpeg/I420-641x479", IMCORE_PIXEL_I420, 641, 479, FALSE,
      IMCORE_SUBSAMPLING_420, FALSE},
  {"jpeg/I420-640x479", IMCORE_PIXEL_I420, 640, 479, FALSE,
      IMCORE_SUBSAMPLING_420, FALSE},
  {"jpeg/I420-641x480", IMCORE_PIXEL_I420, 641, 480, FALSE,
      IMCORE_SUBSAMPLING_420, FALSE},
  {"jpeg/I420-640x480", IMCORE_PIXEL_I420, 640, 480, FALSE,
      IMCORE_SUBSAMPLING_420, FALSE},
  {"jpeg/I420-3x3", IMCORE_PIXEL_I420, 3, 3, FALSE,
      IMCORE_SUBSAMPLING_420, FALSE},
  {"jpeg/I420-gray-641x479", IMCORE_PIXEL_I420, 641, 479, FALSE,
      IMCORE_SUBSAMPLING_GRAY, FALSE},
  {"jpeg/I420-bt709-641x479", IMCORE_PIXEL_I420, 641, 479, FALSE,
      IMCORE_SUBSAMPLING_420, TRUE},
  {"jpeg/I422-641x479", IMCORE_PIXEL_I422, 641, 479, FALSE,
      IMCORE_SUBSAMPLING_422, FALSE},
  {"jpeg/I444-641x479", IMCORE_PIXEL_I444, 641, 479, FALSE,
      IMCORE_SUBSAMPLING_444, FALSE},
  {"jpeg/GRAY8-641x479", IMCORE_PIXEL_GRAY8, 641, 479, FALSE,
      IMCORE_SUBSAMPLING_GRAY, FALSE},
  {"jpeg/RGB-641x479", IMCORE_PIXEL_RGB, 641, 479, FALSE,
      IMCORE_SUBSAMPLING_420, FALSE},
  {"jpeg/XBGR-3x3", IMCORE_PIXEL_XBGR, 3, 3, FALSE,
      IMCORE_SUBSAMPLING_444, FALSE},
  {"png/RGB-641x479", IMCORE_PIXEL_RGB, 641, 479, TRUE, 0, FALSE},
  {"png/BGRA-17x9", IMCORE_PIXEL_BGRA, 17, 9, TRUE, 0, FALSE},
  {"png/GRAY8-3x3", IMCORE_PIXEL_GRAY8, 3, 3, TRUE, 0, FALSE},
};

#ifdef G_OS_UNIX
static void
guard_case_run (const GuardCase * gc)
{
  const PackedInfo *info = packed_info (gc->format);
  unsigned n = gc->format >= IMCORE_PIXEL_I420 ? 3 : 1;
  GuardedBuf bufs[3];
  ImcoreImage img;
  unsigned hs, vs;
  uint8_t *out;
  size_t bound, len = 0;
  ImcoreError err;

  memset (&img, 0, sizeof (img));
  img.format = gc->format;
  img.width = gc->width;
  img.height = gc->height;
  test_chroma_shift (gc->format, &hs, &vs);
  for (unsigned i = 0; i < n; i++) {
    uint32_t pw = i ? (gc->width + (1u << hs) - 1) >> hs : gc->width;
    uint32_t ph = i ? (gc->height + (1u << vs) - 1) >> vs : gc->height;
    /* rows without padding: the last row ends at the guard */
    size_t stride = (size_t) pw * (info ? info->bpp : 1);

    img.planes[i] = guarded_alloc (&bufs[i], stride * ph);
    img.strides[i] = stride;
    for (uint32_t y = 0; y < ph; y++) {
      for (uint32_t x = 0; x < pw; x++) {
        uint8_t *px = img.planes[i] + y * stride + (size_t) x *
            (info ? info->bpp : 1);

        if (info) {
          uint8_t rgb[3];

          pattern_rgb (x, y, pw, ph, rgb);
          memset (px, 0x80, info->bpp);
          px[info->r] = rgb[0];
          px[info->g] = rgb[1];
          px[info->b] = rgb[2];
        } else {
          *px = pattern_yuv (i, x, y, pw, ph, i ? hs : 0, i ? vs : 0);
        }
      }
    }
  }

  if (gc->png) {
    ImcorePngParams params = { 6 };

    bound = imcore_png_bound (gc->format, gc->width, gc->height);
    out = g_malloc (bound);
    err = imcore_png_encode (&img, &params, out, bound, &len);
  } else {
    ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
    ImcoreJpegParams params;

    memset (&params, 0, sizeof (params));
    params.quality = 90;
    params.subsampling = gc->samp;
    params.yuv = gc->convert ? bt709_limited : IMCORE_YUV_JFIF;
    bound = imcore_jpeg_bound (gc->width, gc->height, gc->samp);
    out = g_malloc (bound);
    err = imcore_jpeg_encode (enc, &img, &params, out, bound, &len);
    imcore_jpeg_encoder_free (enc);
  }
  g_assert_cmpint (err, ==, IMCORE_OK);
  g_assert_cmpuint (len, >, 0);
  g_free (out);
  for (unsigned i = 0; i < n; i++)
    guarded_free (&bufs[i]);
}
#endif

static void
test_no_overread (gconstpointer data)
{
#ifdef G_OS_UNIX
  const GuardCase *gc = data;

  if (g_test_subprocess ()) {
    guard_case_run (gc);
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  if (!g_test_trap_has_passed ())
    g_printerr ("FAIL no-overread %s: the encoder read past the end of the "
        "planes it was given (or failed)\n", gc->name);
  g_test_trap_assert_passed ();
#else
  g_test_skip ("needs mmap guard pages");
#endif
}

static void
test_jpeg_accepts (void)
{
  for (int f = 0; f < IMCORE_PIXEL_N_FORMATS; f++) {
    for (int s = IMCORE_SUBSAMPLING_444; s <= IMCORE_SUBSAMPLING_GRAY; s++) {
      ImcorePixelFormat format = (ImcorePixelFormat) f;
      ImcoreSubsampling samp = (ImcoreSubsampling) s;
      gboolean want;

      if (format == IMCORE_PIXEL_GRAY8)
        want = samp == IMCORE_SUBSAMPLING_GRAY;
      else if (format == IMCORE_PIXEL_I420)
        want = samp == IMCORE_SUBSAMPLING_420 || samp ==
            IMCORE_SUBSAMPLING_GRAY;
      else if (format == IMCORE_PIXEL_I422)
        want = samp == IMCORE_SUBSAMPLING_422 || samp ==
            IMCORE_SUBSAMPLING_GRAY;
      else if (format == IMCORE_PIXEL_I444)
        want = samp == IMCORE_SUBSAMPLING_444 || samp ==
            IMCORE_SUBSAMPLING_GRAY;
      else
        want = TRUE;
      check (imcore_jpeg_accepts (format, samp) == want, "jpeg_accepts",
          "format %d subsampling %s: expected %d", f,
          subsampling_name (samp), want);
    }
  }
  g_assert_false (imcore_jpeg_accepts (IMCORE_PIXEL_N_FORMATS,
          IMCORE_SUBSAMPLING_444));
  g_assert_false (imcore_jpeg_accepts (IMCORE_PIXEL_RGB,
          (ImcoreSubsampling) (IMCORE_SUBSAMPLING_GRAY + 1)));
}

static void
test_jpeg_bound (void)
{
  g_assert_cmpuint (imcore_jpeg_bound (0, 1, IMCORE_SUBSAMPLING_444), ==, 0);
  g_assert_cmpuint (imcore_jpeg_bound (1, 0, IMCORE_SUBSAMPLING_444), ==, 0);
  g_assert_cmpuint (imcore_jpeg_bound (65536, 1, IMCORE_SUBSAMPLING_420), ==,
      0);
  g_assert_cmpuint (imcore_jpeg_bound (1, 65536, IMCORE_SUBSAMPLING_420), ==,
      0);
  g_assert_cmpuint (imcore_jpeg_bound (UINT32_MAX, UINT32_MAX,
          IMCORE_SUBSAMPLING_GRAY), ==, 0);
  g_assert_cmpuint (imcore_jpeg_bound (16, 16,
          (ImcoreSubsampling) (IMCORE_SUBSAMPLING_GRAY + 1)), ==, 0);
  /* A worst-case JPEG (noise at quality 100) takes more than a byte per
   * sample, so no bound can be below the sample count. Beyond 65500 a side
   * (libjpeg-turbo's JPEG_MAX_DIMENSION) the answer is 0, refused. Where
   * TurboJPEG 2.1's int arithmetic could wrap (its formula reaches 6 bytes
   * a pixel at 4:4:4) it may be 0 too; well below that (8 bytes a pixel
   * still under INT_MAX) it must be a real bound. */
  {
    static const uint32_t big[][2] = {
      {65535, 65535}, {65535, 32768}, {32768, 65535}, {46341, 46341},
      {40000, 40000}, {30000, 30000}, {20000, 20000}, {65535, 1},
      {1, 65535}, {65501, 1}, {1, 65501}, {65500, 1}, {1, 65500},
      {10000, 10000}, {16000, 16000},
    };

    for (size_t i = 0; i < G_N_ELEMENTS (big); i++) {
      for (int s = IMCORE_SUBSAMPLING_444; s <= IMCORE_SUBSAMPLING_GRAY; s++) {
        uint64_t luma = (uint64_t) big[i][0] * big[i][1];
        /* luma plus the chroma samples of this subsampling */
        uint64_t samples = s == IMCORE_SUBSAMPLING_444 ? 3 * luma :
            s == IMCORE_SUBSAMPLING_422 ? 2 * luma :
            s == IMCORE_SUBSAMPLING_420 ? luma + luma / 2 : luma;
        size_t bound = imcore_jpeg_bound (big[i][0], big[i][1],
            (ImcoreSubsampling) s);

        gboolean too_wide = big[i][0] > 65500 || big[i][1] > 65500;
        gboolean must_fit = !too_wide && 8 * luma < G_MAXINT;

        if (too_wide)
          check (bound == 0, "jpeg_bound", "%ux%u %s: bound %zu beyond "
              "65500 a side", big[i][0], big[i][1],
              subsampling_name ((ImcoreSubsampling) s), bound);
        else if (must_fit)
          check (bound >= samples, "jpeg_bound", "%ux%u %s: bound %zu, "
              "below the %" G_GUINT64_FORMAT " samples", big[i][0],
              big[i][1], subsampling_name ((ImcoreSubsampling) s), bound,
              samples);
        else
          check (bound == 0 || bound >= samples, "jpeg_bound", "%ux%u %s: "
              "bound %zu, below the %" G_GUINT64_FORMAT " samples",
              big[i][0], big[i][1],
              subsampling_name ((ImcoreSubsampling) s), bound, samples);
      }
    }
  }
  for (int s = IMCORE_SUBSAMPLING_444; s <= IMCORE_SUBSAMPLING_GRAY; s++) {
    /* what libjpeg-turbo asks for when it is not near its overflow */
    static const uint32_t sizes[][2] = { {1, 1}, {3, 3}, {17, 9}, {641, 479},
    {4096, 2160}
    };

    for (size_t i = 0; i < G_N_ELEMENTS (sizes); i++)
      g_assert_cmpuint (imcore_jpeg_bound (sizes[i][0], sizes[i][1],
              (ImcoreSubsampling) s), >=, tjBufSize ((int) sizes[i][0],
              (int) sizes[i][1], tj_samp_of ((ImcoreSubsampling) s)));
  }
}

static void
test_jpeg_errors (void)
{
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  TestImage *rgb = test_image_new_packed (packed_info (IMCORE_PIXEL_RGB), 16,
      16, 0, FALSE, 1);
  TestImage *i420 = test_image_new_yuv (IMCORE_PIXEL_I420, 16, 16, 0, FALSE,
      1);
  TestImage *i422 = test_image_new_yuv (IMCORE_PIXEL_I422, 16, 16, 0, FALSE,
      1);
  TestImage *gray = test_image_new_yuv (IMCORE_PIXEL_GRAY8, 16, 16, 0, FALSE,
      1);
  ImcoreJpegParams p;
  size_t bound = imcore_jpeg_bound (16, 16, IMCORE_SUBSAMPLING_444);
  uint8_t *out = g_malloc (bound + CANARY_SIZE);
  size_t len = 12345;
  ImcoreImage img;

  g_assert_nonnull (enc);
  imcore_jpeg_encoder_free (NULL);
  memset (&p, 0, sizeof (p));
  p.quality = 85;
  p.subsampling = IMCORE_SUBSAMPLING_420;
  p.yuv = IMCORE_YUV_JFIF;

  /* one byte short of the bound: refused before anything is written */
  memset (out, 0x33, bound + CANARY_SIZE);
  g_assert_cmpint (imcore_jpeg_encode (enc, &rgb->img, &p, out,
          imcore_jpeg_bound (16, 16, p.subsampling) - 1, &len), ==,
      IMCORE_ERROR_NO_SPACE);
  g_assert_cmpint (imcore_jpeg_encode (enc, &rgb->img, &p, out, 0, &len), ==,
      IMCORE_ERROR_NO_SPACE);
  for (size_t i = 0; i < bound + CANARY_SIZE; i++) {
    if (out[i] != 0x33) {
      check (FALSE, "JPEG NO_SPACE", "byte %zu written", i);
      break;
    }
  }

  p.subsampling = IMCORE_SUBSAMPLING_420;
  g_assert_cmpint (imcore_jpeg_encode (enc, &gray->img, &p, out, bound,
          &len), ==, IMCORE_ERROR_UNSUPPORTED_FORMAT);
  p.subsampling = IMCORE_SUBSAMPLING_444;
  g_assert_cmpint (imcore_jpeg_encode (enc, &i420->img, &p, out, bound,
          &len), ==, IMCORE_ERROR_UNSUPPORTED_FORMAT);
  p.subsampling = IMCORE_SUBSAMPLING_420;
  g_assert_cmpint (imcore_jpeg_encode (enc, &i422->img, &p, out, bound,
          &len), ==, IMCORE_ERROR_UNSUPPORTED_FORMAT);

  p.subsampling = IMCORE_SUBSAMPLING_444;
  p.quality = 0;
  g_assert_cmpint (imcore_jpeg_encode (enc, &rgb->img, &p, out, bound, &len),
      ==, IMCORE_ERROR_INVALID_ARGUMENT);
  p.quality = 101;
  g_assert_cmpint (imcore_jpeg_encode (enc, &rgb->img, &p, out, bound, &len),
      ==, IMCORE_ERROR_INVALID_ARGUMENT);
  p.quality = -5;
  g_assert_cmpint (imcore_jpeg_encode (enc, &rgb->img, &p, out, bound, &len),
      ==, IMCORE_ERROR_INVALID_ARGUMENT);
  p.quality = 85;
  g_assert_cmpint (imcore_jpeg_encode (NULL, &rgb->img, &p, out, bound, &len),
      ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_jpeg_encode (enc, NULL, &p, out, bound, &len), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_jpeg_encode (enc, &rgb->img, NULL, out, bound,
          &len), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_jpeg_encode (enc, &rgb->img, &p, NULL, bound,
          &len), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_jpeg_encode (enc, &rgb->img, &p, out, bound, NULL),
      ==, IMCORE_ERROR_INVALID_ARGUMENT);

  img = rgb->img;
  img.width = 0;
  g_assert_cmpint (imcore_jpeg_encode (enc, &img, &p, out, bound, &len), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  img = rgb->img;
  img.planes[0] = NULL;
  g_assert_cmpint (imcore_jpeg_encode (enc, &img, &p, out, bound, &len), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  img = rgb->img;
  img.format = IMCORE_PIXEL_N_FORMATS;
  g_assert_cmpint (imcore_jpeg_encode (enc, &img, &p, out, bound, &len), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  img = i420->img;
  img.planes[2] = NULL;
  p.subsampling = IMCORE_SUBSAMPLING_420;
  g_assert_cmpint (imcore_jpeg_encode (enc, &img, &p, out, bound, &len), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  /* planar input with no valid colorimetry (a zeroed struct): refused, not
   * encoded with made-up colours */
  memset (&p.yuv, 0, sizeof (p.yuv));
  g_assert_cmpint (imcore_jpeg_encode (enc, &i420->img, &p, out, bound,
          &len), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  p.yuv = IMCORE_YUV_JFIF;
  g_assert_cmpuint (len, ==, 12345);

  /* wider than JPEG can store */
  {
    TestImage *wide = test_image_new_yuv (IMCORE_PIXEL_GRAY8, 65536, 1, 0,
        FALSE, 1);

    p.subsampling = IMCORE_SUBSAMPLING_GRAY;
    g_assert_cmpint (imcore_jpeg_encode (enc, &wide->img, &p, out, bound,
            &len), ==, IMCORE_ERROR_TOO_LARGE);
    test_image_free (wide);
  }

  /* after all those refusals the same encoder still works */
  p.subsampling = IMCORE_SUBSAMPLING_444;
  g_assert_cmpint (imcore_jpeg_encode (enc, &rgb->img, &p, out, bound, &len),
      ==, IMCORE_OK);
  g_assert_cmpuint (len, >, 4);
  g_assert_cmpstr (imcore_jpeg_encoder_last_error (enc), ==, "");

  g_free (out);
  test_image_free (rgb);
  test_image_free (i420);
  test_image_free (i422);
  test_image_free (gray);
  imcore_jpeg_encoder_free (enc);
}

/* ------------------------------------------------------------------ */
/* PNG                                                                 */
/* ------------------------------------------------------------------ */

static const uint8_t png_signature[8] = {
  0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
};

static const uint8_t png_iend[12] = {
  0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82
};

/* The pixels a PNG reader must get back from @t: tight gray, RGB or RGBA
 * rows, filler bytes dropped and alpha kept. */
static uint8_t *
png_expected (const TestImage * t, ImcorePngColor color)
{
  uint32_t w = t->img.width, h = t->img.height;
  size_t n = (size_t) w * h;
  uint8_t *out;

  if (color == IMCORE_PNG_GRAY) {
    out = g_malloc (n);
    for (uint32_t y = 0; y < h; y++)
      memcpy (out + (size_t) y * w, t->mem[0] + y * t->img.strides[0], w);
  } else if (color == IMCORE_PNG_RGB) {
    out = g_memdup2 (t->rgb, n * 3);
  } else {
    out = g_malloc (n * 4);
    for (size_t i = 0; i < n; i++) {
      memcpy (out + i * 4, t->rgb + i * 3, 3);
      out[i * 4 + 3] = t->alpha[i];
    }
  }
  return out;
}

/* Encodes @t into a buffer of exactly @out_size bytes (the bound when 0)
 * followed by a canary, decodes it with libpng's simplified reader and
 * compares pixel for pixel. Returns the PNG size, or 0. */
static size_t
png_roundtrip (const TestImage * t, int level, size_t out_size,
    const char *what)
{
  ImcorePixelFormat format = t->img.format;
  ImcorePngColor color = format == IMCORE_PIXEL_GRAY8 ? IMCORE_PNG_GRAY :
      packed_info (format)->a >= 0 ? IMCORE_PNG_RGBA : IMCORE_PNG_RGB;
  png_uint_32 want_format = color == IMCORE_PNG_GRAY ? PNG_FORMAT_GRAY :
      color == IMCORE_PNG_RGB ? PNG_FORMAT_RGB : PNG_FORMAT_RGBA;
  unsigned channels = PNG_IMAGE_PIXEL_CHANNELS (want_format);
  ImcorePngParams params = { level };
  size_t bound = imcore_png_bound (format, t->img.width, t->img.height);
  uint8_t *out, *pix = NULL, *expected = NULL;
  size_t len = 0, result = 0;
  png_image image;
  ImcoreError err;

  check (imcore_png_color_for (format) == color, what, "colour type %d, "
      "expected %d", imcore_png_color_for (format), color);
  if (!check (bound > 0, what, "imcore_png_bound returned 0"))
    return 0;
  if (out_size == 0)
    out_size = bound;
  out = g_malloc (out_size + CANARY_SIZE);
  canary_set (out + out_size);
  err = imcore_png_encode (&t->img, &params, out, out_size, &len);
  if (!check (err == IMCORE_OK, what, "encode: %s (buffer %zu, bound %zu)",
          imcore_strerror (err), out_size, bound))
    goto out;
  check (canary_intact (out + out_size), what, "wrote past out_size");
  if (!check (len >= sizeof (png_signature) + sizeof (png_iend) &&
          len <= out_size, what, "length %zu, buffer %zu", len, out_size))
    goto out;
  check (memcmp (out, png_signature, 8) == 0, what, "no PNG signature");
  /* one complete file: IEND last, nothing after it */
  check (memcmp (out + len - 12, png_iend, 12) == 0, what,
      "does not end with IEND");

  memset (&image, 0, sizeof (image));
  image.version = PNG_IMAGE_VERSION;
  if (!check (png_image_begin_read_from_memory (&image, out, len) != 0, what,
          "libpng cannot read it: %s", image.message)) {
    png_image_free (&image);
    goto out;
  }
  check (image.width == t->img.width && image.height == t->img.height, what,
      "libpng reads %ux%u", image.width, image.height);
  check ((image.format & PNG_FORMAT_FLAG_COLOR) ==
      (color == IMCORE_PNG_GRAY ? 0 : PNG_FORMAT_FLAG_COLOR), what,
      "colour flag wrong (format 0x%x)", image.format);
  check ((image.format & PNG_FORMAT_FLAG_ALPHA) ==
      (color == IMCORE_PNG_RGBA ? PNG_FORMAT_FLAG_ALPHA : 0), what,
      "alpha flag wrong (format 0x%x)", image.format);
  check ((image.format & PNG_FORMAT_FLAG_LINEAR) == 0, what, "not 8-bit");
  if (image.width != t->img.width || image.height != t->img.height) {
    png_image_free (&image);
    goto out;
  }
  image.format = want_format;
  pix = g_malloc (PNG_IMAGE_SIZE (image));
  if (!check (png_image_finish_read (&image, NULL, pix, 0, NULL) != 0, what,
          "libpng fails reading the pixels: %s", image.message)) {
    png_image_free (&image);
    goto out;
  }
  expected = png_expected (t, color);
  for (size_t i = 0; i < (size_t) t->img.width * t->img.height; i++) {
    if (memcmp (pix + i * channels, expected + i * channels, channels)) {
      check (FALSE, what, "pixel %zu (%zu,%zu) differs: got %02x%02x%02x%02x"
          " expected %02x%02x%02x%02x", i, i % t->img.width,
          i / t->img.width, pix[i * channels],
          pix[i * channels + (channels > 1)],
          pix[i * channels + 2 * (channels > 2)],
          pix[i * channels + 3 * (channels > 3)],
          expected[i * channels], expected[i * channels + (channels > 1)],
          expected[i * channels + 2 * (channels > 2)],
          expected[i * channels + 3 * (channels > 3)]);
      break;
    }
  }
  result = len;

out:
  g_free (expected);
  g_free (pix);
  g_free (out);
  return result;
}

static const uint32_t png_sizes[][2] = {
  {1, 1}, {3, 3}, {17, 9}, {641, 479},
};

static const int png_levels[] = { 0, 1, 6, 9 };

static void
test_png_format (gconstpointer data)
{
  ImcorePixelFormat format = (ImcorePixelFormat) GPOINTER_TO_INT (data);
  const PackedInfo *info = packed_info (format);
  const char *name = info ? info->name : yuv_name (format);

  for (size_t s = 0; s < G_N_ELEMENTS (png_sizes); s++) {
    uint32_t w = png_sizes[s][0], h = png_sizes[s][1];
    TestImage *t = info ? test_image_new_packed (info, w, h, 3, FALSE, s + 1)
        : test_image_new_yuv (format, w, h, 3, FALSE, s + 1);
    size_t len1 = 0, len9 = 0;

    for (size_t l = 0; l < G_N_ELEMENTS (png_levels); l++) {
      gchar *what = g_strdup_printf ("PNG %s %ux%u level %d", name, w, h,
          png_levels[l]);
      size_t len = png_roundtrip (t, png_levels[l], 0, what);

      if (png_levels[l] == 1)
        len1 = len;
      if (png_levels[l] == 9)
        len9 = len;
      g_free (what);
    }
    if (w >= 64 && len1 && len9)
      check (len9 <= len1, name, "%ux%u: level 9 gives %zu bytes, level 1 "
          "%zu", w, h, len9, len1);
    test_image_free (t);
  }

  /* rows without padding are the common case too */
  {
    TestImage *t = info ? test_image_new_packed (info, 33, 7, 0, FALSE, 77) :
        test_image_new_yuv (format, 33, 7, 0, FALSE, 77);
    gchar *what = g_strdup_printf ("PNG %s 33x7 unpadded", name);

    png_roundtrip (t, 6, 0, what);
    g_free (what);
    test_image_free (t);
  }
}

/* The bound must hold for the worst case: incompressible pixels, at the
 * levels that store (0) and that try hardest (9), with a buffer of exactly
 * the bound. */
static void
test_png_bound_random (void)
{
  static const ImcorePixelFormat formats[] = {
    IMCORE_PIXEL_GRAY8, IMCORE_PIXEL_RGB, IMCORE_PIXEL_RGBA,
    IMCORE_PIXEL_XBGR,
  };
  static const uint32_t sizes[][2] = {
    {1, 1}, {2, 3}, {7, 5}, {100, 37}, {641, 479},
  };
  static const int levels[] = { 0, 1, 9 };

  for (size_t f = 0; f < G_N_ELEMENTS (formats); f++) {
    const PackedInfo *info = packed_info (formats[f]);

    for (size_t s = 0; s < G_N_ELEMENTS (sizes); s++) {
      uint32_t w = sizes[s][0], h = sizes[s][1];
      TestImage *t = info ? test_image_new_packed (info, w, h, 1, TRUE, s + 3)
          : test_image_new_yuv (formats[f], w, h, 1, TRUE, s + 3);

      for (size_t l = 0; l < G_N_ELEMENTS (levels); l++) {
        gchar *what = g_strdup_printf ("PNG bound %s %ux%u random level %d",
            info ? info->name : "GRAY8", w, h, levels[l]);
        size_t len = png_roundtrip (t, levels[l], 0, what);

        g_test_message ("%s: %zu of %zu bytes", what, len,
            imcore_png_bound (formats[f], w, h));
        g_free (what);
      }
      test_image_free (t);
    }
  }
}

static void
test_png_bound_values (void)
{
  static const uint32_t sizes[][2] = {
    {1, 1}, {65535, 65535}, {1u << 20, 1u << 20}, {PNG_UINT_31_MAX, 1},
    {PNG_UINT_31_MAX, 1u << 30}, {PNG_UINT_31_MAX, PNG_UINT_31_MAX},
  };
  static const struct
  {
    ImcorePixelFormat format;
    unsigned channels;
  } formats[] = {
    {IMCORE_PIXEL_GRAY8, 1}, {IMCORE_PIXEL_RGB, 3}, {IMCORE_PIXEL_XRGB, 3},
    {IMCORE_PIXEL_RGBA, 4},
  };

  g_assert_cmpuint (imcore_png_bound (IMCORE_PIXEL_I420, 16, 16), ==, 0);
  g_assert_cmpuint (imcore_png_bound (IMCORE_PIXEL_I444, 16, 16), ==, 0);
  g_assert_cmpuint (imcore_png_bound (IMCORE_PIXEL_RGB, 0, 16), ==, 0);
  g_assert_cmpuint (imcore_png_bound (IMCORE_PIXEL_RGB, 16, 0), ==, 0);
  g_assert_cmpuint (imcore_png_bound (IMCORE_PIXEL_RGB, 1u << 31, 1), ==, 0);
  g_assert_cmpuint (imcore_png_bound (IMCORE_PIXEL_N_FORMATS, 1, 1), ==, 0);

  /* a bound is either 0 (does not fit in size_t) or at least the raw rows
   * with their filter bytes; never a wrapped-around small number */
  for (size_t f = 0; f < G_N_ELEMENTS (formats); f++) {
    for (size_t s = 0; s < G_N_ELEMENTS (sizes); s++) {
      uint32_t w = sizes[s][0], h = sizes[s][1];
      size_t bound = imcore_png_bound (formats[f].format, w, h);
      uint64_t row = 1 + (uint64_t) w * formats[f].channels;
      gboolean raw_fits = row <= SIZE_MAX / h;
      gchar *what = g_strdup_printf ("png_bound format %d %ux%u",
          formats[f].format, w, h);

      if (raw_fits && row * h <= SIZE_MAX / 2)
        /* room for the raw rows and any overhead: a real bound */
        check (bound >= row * h, what, "bound %zu is below the %"
            G_GUINT64_FORMAT " raw bytes", bound, row * h);
      else if (raw_fits)
        check (bound == 0 || bound >= row * h, what, "bound %zu is below "
            "the %" G_GUINT64_FORMAT " raw bytes", bound, row * h);
      else
        check (bound == 0, what, "raw data does not fit in size_t, bound "
            "is %zu", bound);
      /* stored deflate adds 5 bytes per 64 KiB block at the very least */
      if (bound != 0 && raw_fits)
        check (bound - row * h >= row * h / 65535 * 5, what,
            "bound %zu leaves no room for deflate block headers", bound);
      g_free (what);
    }
  }
  g_assert_cmpuint (imcore_png_bound (IMCORE_PIXEL_RGB, 65535, 65535), >, 0);
}

static void
test_png_no_space (void)
{
  TestImage *t = test_image_new_packed (packed_info (IMCORE_PIXEL_RGB), 641,
      479, 3, FALSE, 5);
  ImcorePngParams params = { 6 };
  size_t bound = imcore_png_bound (IMCORE_PIXEL_RGB, 641, 479);
  uint8_t *ref = g_malloc (bound);
  size_t len = 0, len2 = 0;
  static const size_t small[] = { 0, 8, 100 };

  g_assert_cmpint (imcore_png_encode (&t->img, &params, ref, bound, &len), ==,
      IMCORE_OK);
  g_assert_cmpuint (len, >, 200);

  for (size_t i = 0; i < G_N_ELEMENTS (small); i++) {
    uint8_t *out = g_malloc (small[i] + CANARY_SIZE);
    ImcoreError err;

    canary_set (out + small[i]);
    err = imcore_png_encode (&t->img, &params, out, small[i], &len2);
    check (err == IMCORE_ERROR_NO_SPACE, "PNG small buffer",
        "%zu bytes: %s", small[i], imcore_strerror (err));
    check (canary_intact (out + small[i]), "PNG small buffer",
        "%zu bytes: wrote past the end", small[i]);
    g_free (out);
  }

  /* one byte short of the actual size fails, the actual size fits */
  {
    uint8_t *out = g_malloc (len + CANARY_SIZE);
    ImcoreError err;

    canary_set (out + len - 1);
    err = imcore_png_encode (&t->img, &params, out, len - 1, &len2);
    g_assert_cmpint (err, ==, IMCORE_ERROR_NO_SPACE);
    g_assert_true (canary_intact (out + len - 1));

    canary_set (out + len);
    len2 = 0;
    err = imcore_png_encode (&t->img, &params, out, len, &len2);
    g_assert_cmpint (err, ==, IMCORE_OK);
    g_assert_cmpuint (len2, ==, len);
    g_assert_true (canary_intact (out + len));
    /* the same input and level give the same file */
    g_assert_true (err == IMCORE_OK && memcmp (out, ref, len) == 0);
    g_free (out);
  }
  g_free (ref);
  test_image_free (t);
}

static void
test_png_errors (void)
{
  static const ImcorePixelFormat planar[] = {
    IMCORE_PIXEL_I420, IMCORE_PIXEL_I422, IMCORE_PIXEL_I444,
  };
  TestImage *rgb = test_image_new_packed (packed_info (IMCORE_PIXEL_RGB), 8,
      8, 0, FALSE, 1);
  ImcorePngParams params = { 1 };
  size_t bound = imcore_png_bound (IMCORE_PIXEL_RGB, 8, 8);
  uint8_t *out = g_malloc (bound);
  size_t len = 0;
  ImcoreImage img;

  for (size_t i = 0; i < G_N_ELEMENTS (planar); i++) {
    TestImage *t = test_image_new_yuv (planar[i], 8, 8, 0, FALSE, 1);

    g_assert_cmpint (imcore_png_color_for (planar[i]), ==,
        IMCORE_PNG_UNSUPPORTED);
    g_assert_cmpint (imcore_png_encode (&t->img, &params, out, bound, &len),
        ==, IMCORE_ERROR_UNSUPPORTED_FORMAT);
    test_image_free (t);
  }
  g_assert_cmpint (imcore_png_color_for (IMCORE_PIXEL_GRAY8), ==,
      IMCORE_PNG_GRAY);
  for (size_t i = 0; i < G_N_ELEMENTS (packed_infos); i++) {
    g_assert_cmpint (imcore_png_color_for (packed_infos[i].format), ==,
        packed_infos[i].a >= 0 ? IMCORE_PNG_RGBA : IMCORE_PNG_RGB);
  }
  g_assert_cmpint (imcore_png_color_for (IMCORE_PIXEL_N_FORMATS), ==,
      IMCORE_PNG_UNSUPPORTED);

  params.compression_level = -1;
  g_assert_cmpint (imcore_png_encode (&rgb->img, &params, out, bound, &len),
      ==, IMCORE_ERROR_INVALID_ARGUMENT);
  params.compression_level = 10;
  g_assert_cmpint (imcore_png_encode (&rgb->img, &params, out, bound, &len),
      ==, IMCORE_ERROR_INVALID_ARGUMENT);
  params.compression_level = 1;
  g_assert_cmpint (imcore_png_encode (NULL, &params, out, bound, &len), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_png_encode (&rgb->img, NULL, out, bound, &len), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_png_encode (&rgb->img, &params, NULL, bound, &len),
      ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_png_encode (&rgb->img, &params, out, bound, NULL),
      ==, IMCORE_ERROR_INVALID_ARGUMENT);
  img = rgb->img;
  img.height = 0;
  g_assert_cmpint (imcore_png_encode (&img, &params, out, bound, &len), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  img = rgb->img;
  img.planes[0] = NULL;
  g_assert_cmpint (imcore_png_encode (&img, &params, out, bound, &len), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  img = rgb->img;
  img.format = IMCORE_PIXEL_N_FORMATS;
  g_assert_cmpint (imcore_png_encode (&img, &params, out, bound, &len), !=,
      IMCORE_OK);

  g_free (out);
  test_image_free (rgb);
}

/* ------------------------------------------------------------------ */
/* base64                                                              */
/* ------------------------------------------------------------------ */

static const unsigned b64_flag_sets[] = {
  0, IMCORE_BASE64_URL_SAFE, IMCORE_BASE64_NO_PADDING,
  IMCORE_BASE64_URL_SAFE | IMCORE_BASE64_NO_PADDING,
  /* the same through the scalar code where SIMD would be used */
  IMCORE_BASE64_PORTABLE, IMCORE_BASE64_PORTABLE | IMCORE_BASE64_URL_SAFE,
  IMCORE_BASE64_PORTABLE | IMCORE_BASE64_URL_SAFE | IMCORE_BASE64_NO_PADDING,
};

static const size_t b64_line_lengths[] = { 0, 4, 76, 5 };

/* What imcore_base64_encode() must write, derived from GLib's encoder by
 * the documented rules: '-' '_' for URL-safe, no '=' without padding, a
 * '\n' after every @line_length characters except at the very end. */
static gchar *
base64_reference (const uint8_t * data, size_t len, unsigned flags,
    size_t line_length, size_t *out_len)
{
  gchar *plain = g_base64_encode (data, len);
  GString *s = g_string_new (NULL);
  size_t col = 0;

  for (const gchar * p = plain; *p; p++) {
    char c = *p;

    if (c == '=' && (flags & IMCORE_BASE64_NO_PADDING))
      continue;
    if (flags & IMCORE_BASE64_URL_SAFE) {
      if (c == '+')
        c = '-';
      else if (c == '/')
        c = '_';
    }
    if (line_length && col == line_length) {
      g_string_append_c (s, '\n');
      col = 0;
    }
    g_string_append_c (s, c);
    col++;
  }
  g_free (plain);
  *out_len = s->len;
  return g_string_free (s, FALSE);
}

/* Encodes @data every way and compares with the reference, then decodes
 * the result back. */
static void
base64_check_all_ways (const uint8_t * data, size_t len, const char *what)
{
  for (size_t f = 0; f < G_N_ELEMENTS (b64_flag_sets); f++) {
    for (size_t l = 0; l < G_N_ELEMENTS (b64_line_lengths); l++) {
      unsigned flags = b64_flag_sets[f];
      size_t line = b64_line_lengths[l];
      size_t ref_len, elen, n, dmax, dlen = 0;
      gchar *ref = base64_reference (data, len, flags, line, &ref_len);
      char *enc;
      uint8_t *dec;
      ImcoreError err;

      elen = imcore_base64_encoded_len (len, flags, line);
      if (!check (elen == ref_len, what, "len %zu flags %u line %zu: "
              "encoded_len %zu, reference %zu", len, flags, line, elen,
              ref_len)) {
        g_free (ref);
        continue;
      }
      enc = g_malloc (elen + CANARY_SIZE);
      canary_set ((uint8_t *) enc + elen);
      n = imcore_base64_encode (data, len, enc, flags, line);
      check (n == elen, what, "len %zu flags %u line %zu: wrote %zu, "
          "encoded_len %zu", len, flags, line, n, elen);
      check (canary_intact ((uint8_t *) enc + elen), what,
          "len %zu flags %u line %zu: wrote past encoded_len", len, flags,
          line);
      if (n == elen && memcmp (enc, ref, n) != 0)
        check (FALSE, what, "len %zu flags %u line %zu: '%.*s' expected "
            "'%s'", len, flags, line, (int) MIN (n, 200), enc, ref);

      dmax = imcore_base64_decoded_max (n);
      check (dmax >= len, what, "decoded_max (%zu) = %zu < %zu", n, dmax, len);
      dec = g_malloc (dmax + CANARY_SIZE);
      canary_set (dec + dmax);
      err = imcore_base64_decode (enc, n, dec, dmax,
          flags & IMCORE_BASE64_PORTABLE, &dlen, NULL);
      if (check (err == IMCORE_OK, what, "decode len %zu flags %u line %zu: "
              "%s", len, flags, line, imcore_strerror (err)))
        check (dlen == len && memcmp (dec, data, len) == 0, what,
            "round trip len %zu flags %u line %zu gives %zu bytes", len,
            flags, line, dlen);
      check (canary_intact (dec + dmax), what, "decode wrote past the end");
      g_free (dec);
      g_free (enc);
      g_free (ref);
    }
  }
}

static void
test_base64_vs_glib (void)
{
  uint8_t data[1000];
  TestRng rng;

  rng_init (&rng, 42);
  rng_fill (&rng, data, sizeof (data));
  for (size_t len = 0; len <= sizeof (data); len++)
    base64_check_all_ways (data, len, "base64 random");

  /* every byte value in every position of a group */
  {
    uint8_t all[256], rev[256];

    for (int v = 0; v < 256; v++) {
      uint8_t one[1] = { (uint8_t) v };
      uint8_t two[2] = { (uint8_t) v, (uint8_t) (255 - v) };
      uint8_t three[3] = { (uint8_t) (v ^ 0x55), (uint8_t) v,
        (uint8_t) (v * 7)
      };

      all[v] = (uint8_t) v;
      rev[v] = (uint8_t) (255 - v);
      base64_check_all_ways (one, 1, "base64 byte values");
      base64_check_all_ways (two, 2, "base64 byte values");
      base64_check_all_ways (three, 3, "base64 byte values");
    }
    base64_check_all_ways (all, 256, "base64 0..255");
    base64_check_all_ways (rev, 256, "base64 255..0");
  }
}

static void
test_base64_rfc4648 (void)
{
  static const char *vectors[][2] = {
    {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };

  for (size_t i = 0; i < G_N_ELEMENTS (vectors); i++) {
    const char *in = vectors[i][0], *want = vectors[i][1];
    size_t len = strlen (in);
    char out[16];
    uint8_t dec[16];
    size_t n, dlen = 99;
    gchar *unpadded;

    g_assert_cmpuint (imcore_base64_encoded_len (len, 0, 0), ==, strlen (want));
    n = imcore_base64_encode ((const uint8_t *) in, len, out, 0, 0);
    g_assert_cmpuint (n, ==, strlen (want));
    out[n] = '\0';
    g_assert_cmpstr (out, ==, want);

    g_assert_cmpint (imcore_base64_decode (want, strlen (want), dec,
            sizeof (dec), 0, &dlen, NULL), ==, IMCORE_OK);
    g_assert_cmpuint (dlen, ==, len);
    g_assert_true (memcmp (dec, in, len) == 0);

    /* unpadded: the same text without '=', which decodes the same way */
    unpadded = g_strdup (want);
    if (strchr (unpadded, '='))
      *strchr (unpadded, '=') = '\0';
    n = imcore_base64_encode ((const uint8_t *) in, len, out,
        IMCORE_BASE64_NO_PADDING, 0);
    out[n] = '\0';
    g_assert_cmpstr (out, ==, unpadded);
    dlen = 99;
    g_assert_cmpint (imcore_base64_decode (unpadded, strlen (unpadded), dec,
            sizeof (dec), 0, &dlen, NULL), ==, IMCORE_OK);
    g_assert_cmpuint (dlen, ==, len);
    g_assert_true (memcmp (dec, in, len) == 0);
    g_free (unpadded);
  }

  /* an empty input needs no output buffer at all */
  {
    size_t dlen = 99;

    g_assert_cmpint (imcore_base64_decode ("", 0, NULL, 0, 0, &dlen, NULL), ==,
        IMCORE_OK);
    g_assert_cmpuint (dlen, ==, 0);
  }
}

static void
test_base64_line_and_flags (void)
{
  /* 0xfb 0xff 0xbf uses both characters that differ between alphabets */
  static const uint8_t data[] = { 0xfb, 0xff, 0xbf, 0xfb, 0xef };
  char out[64];
  size_t n;

  n = imcore_base64_encode (data, sizeof (data), out, 0, 0);
  g_assert_cmpuint (n, ==, 8);
  g_assert_true (memcmp (out, "+/+/++8=", 8) == 0);
  n = imcore_base64_encode (data, sizeof (data), out, IMCORE_BASE64_URL_SAFE,
      0);
  g_assert_true (n == 8 && memcmp (out, "-_-_--8=", 8) == 0);
  n = imcore_base64_encode (data, sizeof (data), out,
      IMCORE_BASE64_URL_SAFE | IMCORE_BASE64_NO_PADDING, 0);
  g_assert_true (n == 7 && memcmp (out, "-_-_--8", 7) == 0);
  n = imcore_base64_encode (data, sizeof (data), out, 0, 4);
  g_assert_true (n == 9 && memcmp (out, "+/+/\n++8=", 9) == 0);
  n = imcore_base64_encode (data, sizeof (data), out, 0, 3);
  g_assert_true (n == 10 && memcmp (out, "+/+\n/++\n8=", 10) == 0);
  /* exactly one line long: no break at all */
  n = imcore_base64_encode (data, sizeof (data), out, 0, 8);
  g_assert_true (n == 8 && memcmp (out, "+/+/++8=", 8) == 0);
  n = imcore_base64_encode (data, sizeof (data), out, 0, 1);
  g_assert_cmpuint (n, ==, 15);

  g_assert_cmpuint (imcore_base64_encoded_len (0, 0, 76), ==, 0);
  g_assert_cmpuint (imcore_base64_encoded_len (57, 0, 76), ==, 76);
  g_assert_cmpuint (imcore_base64_encoded_len (58, 0, 76), ==, 81);
  g_assert_cmpuint (imcore_base64_encoded_len (1, IMCORE_BASE64_NO_PADDING,
          0), ==, 2);
  g_assert_cmpuint (imcore_base64_encoded_len (2, IMCORE_BASE64_NO_PADDING,
          0), ==, 3);

  /* lengths that do not fit in size_t are reported, not wrapped */
  g_assert_cmpuint (imcore_base64_encoded_len (SIZE_MAX, 0, 0), ==, SIZE_MAX);
  g_assert_cmpuint (imcore_base64_encoded_len (SIZE_MAX / 4 * 3 + 3, 0, 0),
      ==, SIZE_MAX);
  g_assert_cmpuint (imcore_base64_encoded_len (SIZE_MAX / 4 * 3 - 30, 0, 76),
      ==, SIZE_MAX);
  g_assert_cmpuint (imcore_base64_encoded_len (SIZE_MAX / 4 * 3 - 30, 0, 1),
      ==, SIZE_MAX);
  g_assert_cmpuint (imcore_base64_encoded_len (SIZE_MAX / 4 * 3 - 30, 0, 0),
      <, SIZE_MAX);
  g_assert_cmpuint (imcore_base64_encoded_len (SIZE_MAX / 4 * 3 - 30, 0, 0),
      >, SIZE_MAX / 4 * 3);
}

static void
test_base64_decode_lenient (void)
{
  static const char ws[] = " \t\r\n\f\v";
  static const char *text = "Zm9vYmE=";
  uint8_t out[64];
  size_t dlen;

  /* one whitespace character at every position, of every kind */
  for (size_t p = 0; p <= strlen (text); p++) {
    for (size_t k = 0; k < strlen (ws); k++) {
      gchar *s = g_strdup_printf ("%.*s%c%s", (int) p, text, ws[k], text + p);
      ImcoreError err;

      dlen = 0;
      err = imcore_base64_decode (s, strlen (s), out, sizeof (out), 0, &dlen,
          NULL);
      check (err == IMCORE_OK && dlen == 5 && memcmp (out, "fooba", 5) == 0,
          "base64 whitespace", "'%s': %s, %zu bytes", s,
          imcore_strerror (err), dlen);
      g_free (s);
    }
  }

  {
    static const struct
    {
      const char *in;
      const char *out;
    } ok[] = {
      {"Zm 9v\r\nYm\tE =\n", "fooba"},
      {"  Zm9vYmFy  \n", "foobar"},
      {"Z\ng\n=\n=\n", "f"},
      {"Zg= =", "f"},
      {" \n\t", ""},
      {"Zg", "f"},
      {"Zm8", "fo"},
      {"Zm9vYg", "foob"},
      /* bits left over in the last group are ignored */
      {"Zh==", "f"},
      {"Zm9=", "fo"},
      {"data:image/png;base64,Zm9vYmFy", "foobar"},
      {"data:image/png;base64,Zm9vYmE", "fooba"},
      {"data:;base64,Zm9v", "foo"},
      {"data:text/plain;charset=utf-8;base64,Zm9v\n", "foo"},
      {"data:;base64,", ""},
      {"-_-_", "\xfb\xff\xbf"},
      {"+_-/", "\xfb\xff\xbf"},
    };

    for (size_t i = 0; i < G_N_ELEMENTS (ok); i++) {
      size_t bad = 999;
      ImcoreError err;

      dlen = 999;
      err = imcore_base64_decode (ok[i].in, strlen (ok[i].in), out,
          sizeof (out), 0, &dlen, &bad);
      check (err == IMCORE_OK, "base64 lenient", "'%s': %s (offset %zu)",
          ok[i].in, imcore_strerror (err), bad);
      if (err == IMCORE_OK)
        check (dlen == strlen (ok[i].out) &&
            memcmp (out, ok[i].out, dlen) == 0, "base64 lenient",
            "'%s' decodes to %zu bytes", ok[i].in, dlen);
    }
  }

  /* the URL-safe alphabet decodes like GLib decodes the standard one */
  {
    uint8_t data[300];
    TestRng rng;
    gchar *std;
    size_t n;
    guchar *want;
    gsize want_len;

    rng_init (&rng, 7);
    rng_fill (&rng, data, sizeof (data));
    std = g_base64_encode (data, sizeof (data));
    want = g_base64_decode (std, &want_len);
    for (char *p = std; *p; p++) {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
    }
    {
      uint8_t *dec = g_malloc (imcore_base64_decoded_max (strlen (std)));

      g_assert_cmpint (imcore_base64_decode (std, strlen (std), dec,
              imcore_base64_decoded_max (strlen (std)), 0, &n, NULL), ==,
          IMCORE_OK);
      g_assert_cmpuint (n, ==, want_len);
      g_assert_true (memcmp (dec, want, n) == 0);
      g_free (dec);
    }
    g_free (want);
    g_free (std);
  }

  g_assert_cmpuint (imcore_base64_skip_data_uri ("data:image/png;base64,AA",
          24), ==, 22);
  g_assert_cmpuint (imcore_base64_skip_data_uri ("data:;base64,", 13), ==, 13);
  g_assert_cmpuint (imcore_base64_skip_data_uri ("data:image/png,AAAA", 19),
      ==, 0);
  g_assert_cmpuint (imcore_base64_skip_data_uri ("data:image/png;base64",
          21), ==, 0);
  g_assert_cmpuint (imcore_base64_skip_data_uri ("Zm9vYmFy", 8), ==, 0);
  g_assert_cmpuint (imcore_base64_skip_data_uri ("dat", 3), ==, 0);
  g_assert_cmpuint (imcore_base64_skip_data_uri ("", 0), ==, 0);
  /* the length is respected: the prefix is cut before its comma */
  g_assert_cmpuint (imcore_base64_skip_data_uri ("data:;base64,", 12), ==, 0);
}

typedef struct
{
  const char *in;
  size_t len;                   /* 0: strlen (in) */
  size_t offset;
} BadBase64;

static void
test_base64_decode_invalid (void)
{
  static const BadBase64 cases[] = {
    {"Zg=a", 0, 3},             /* data after padding */
    {"Z", 0, 1},                /* truncated: 1-character group, at len */
    {"Zm9vY", 0, 5},
    {"Zm9v Y\n", 0, 7},
    {"Zg===", 0, 4},            /* a third '=' */
    {"Zm9v!", 0, 4},
    {"=Zg", 0, 0},              /* padding first */
    {"Z===", 0, 1},             /* padding after one character */
    {"Zm9v=", 0, 4},            /* padding after a complete group */
    {"Zg==Zg==", 0, 4},         /* data after the end */
    {"Zm9\x80", 0, 3},          /* not ASCII */
    {"Zm9v\0Zg", 7, 4},         /* NUL inside the text */
    {"Zm.v", 0, 2},
    {"data:image/png;base64,Zm9v!", 0, 26},     /* offsets count the prefix */
    {"data:image/png,Zm9v", 0, 4},      /* not a base64 data URI: ':' */
  };
  uint8_t out[64];

  for (size_t i = 0; i < G_N_ELEMENTS (cases) * 2; i++) {
    const BadBase64 *bc = &cases[i / 2];
    unsigned flags = (i & 1) ? IMCORE_BASE64_PORTABLE : 0;
    size_t len = bc->len ? bc->len : strlen (bc->in);
    size_t bad = 999, dlen = 999;
    ImcoreError err;
    gchar *what = g_strescape (bc->in, NULL);

    err = imcore_base64_decode (bc->in, len, out, sizeof (out), flags, &dlen,
        &bad);
    check (err == IMCORE_ERROR_INVALID_INPUT, "base64 invalid",
        "'%s' flags %u: %s", what, flags, imcore_strerror (err));
    check (bad == bc->offset, "base64 invalid", "'%s' flags %u: offset %zu, "
        "expected %zu", what, flags, bad, bc->offset);
    /* the offset is optional */
    err = imcore_base64_decode (bc->in, len, out, sizeof (out), flags, &dlen,
        NULL);
    check (err == IMCORE_ERROR_INVALID_INPUT, "base64 invalid",
        "'%s' without offset: %s", what, imcore_strerror (err));
    g_free (what);
  }

  /* partial padding: rejected, pointing at the padding or the end */
  {
    size_t bad = 999, dlen;

    g_assert_cmpint (imcore_base64_decode ("Zg=", 3, out, sizeof (out), 0, &dlen,
            &bad), ==, IMCORE_ERROR_INVALID_INPUT);
    g_assert_cmpuint (bad, >=, 2);
    g_assert_cmpuint (bad, <=, 3);
  }

  {
    size_t dlen;

    g_assert_cmpint (imcore_base64_decode (NULL, 4, out, sizeof (out), 0, &dlen,
            NULL), ==, IMCORE_ERROR_INVALID_ARGUMENT);
    g_assert_cmpint (imcore_base64_decode ("Zm9v", 4, out, sizeof (out), 0,
            NULL, NULL), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  }
}

static void
test_base64_decode_no_space (void)
{
  static const struct
  {
    const char *in;
    size_t need;
  } cases[] = {
    {"Zm9vYmFy", 6}, {"Zm9vYg==", 4}, {"Zm9vYg", 4}, {"Zm9vYmE=", 5},
    {"Zg==", 1}, {"Z m 9 v", 3},
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    const char *in = cases[i].in;
    size_t need = cases[i].need, dlen = 0;
    uint8_t *out = g_malloc (need + CANARY_SIZE);
    ImcoreError err;

    /* one byte short: refused, nothing written past the buffer */
    canary_set (out + need - 1);
    err = imcore_base64_decode (in, strlen (in), out, need - 1, 0, &dlen, NULL);
    check (err == IMCORE_ERROR_NO_SPACE, "base64 no space", "'%s' into %zu "
        "bytes: %s", in, need - 1, imcore_strerror (err));
    check (canary_intact (out + need - 1), "base64 no space",
        "'%s': wrote past %zu bytes", in, need - 1);

    /* exactly enough */
    canary_set (out + need);
    err = imcore_base64_decode (in, strlen (in), out, need, 0, &dlen, NULL);
    check (err == IMCORE_OK && dlen == need, "base64 no space",
        "'%s' into %zu bytes: %s, %zu", in, need, imcore_strerror (err), dlen);
    check (canary_intact (out + need), "base64 no space",
        "'%s': wrote past %zu bytes", in, need);
    g_free (out);
  }

  {
    size_t dlen;

    g_assert_cmpint (imcore_base64_decode ("Zg==", 4, NULL, 0, 0, &dlen, NULL),
        ==, IMCORE_ERROR_NO_SPACE);
  }
}

/* The SIMD decoder works on 32-character blocks and hands anything else to
 * the scalar code: one odd character at every position across several
 * blocks must give the same answer on both paths, and the right one. */
static void
test_base64_decode_block_edges (void)
{
  uint8_t data[120], out[200];
  char text[200], mixed[201];
  const char odd[] = { ' ', '\n', '\r', '!', '=', '\x80', '.', '\0' };
  size_t tlen;
  TestRng rng;

  rng_init (&rng, 77);
  rng_fill (&rng, data, sizeof (data));
  tlen = imcore_base64_encode (data, sizeof (data), text, 0, 0);        /* 160 */

  for (size_t k = 0; k < G_N_ELEMENTS (odd); k++) {
    gboolean space = odd[k] == ' ' || odd[k] == '\n' || odd[k] == '\r';

    for (size_t pos = 0; pos <= tlen; pos++) {
      size_t dlen[2] = { 999, 999 }, bad[2] = { 999, 999 };
      ImcoreError err[2];

      memcpy (mixed, text, pos);
      mixed[pos] = odd[k];
      memcpy (mixed + pos + 1, text + pos, tlen - pos);
      for (int p = 0; p < 2; p++) {
        memset (out, 0xaa, sizeof (out));
        err[p] = imcore_base64_decode (mixed, tlen + 1, out, sizeof (out),
            p ? IMCORE_BASE64_PORTABLE : 0, &dlen[p], &bad[p]);
        if (space) {
          check (err[p] == IMCORE_OK && dlen[p] == sizeof (data) &&
              memcmp (out, data, sizeof (data)) == 0, "base64 block edges",
              "whitespace 0x%02x at %zu, path %d: %s, %zu bytes",
              (unsigned) (uint8_t) odd[k], pos, p, imcore_strerror (err[p]),
              dlen[p]);
        } else {
          /* '=' after 2 or 3 characters of a group is padding, and the
           * data character after it is the error (160 characters end on
           * a group, so a final '=' is wrong itself) */
          size_t want = (odd[k] == '=' && pos % 4 >= 2 && pos < tlen) ?
              pos + 1 : pos;

          check (err[p] == IMCORE_ERROR_INVALID_INPUT && bad[p] == want,
              "base64 block edges", "0x%02x at %zu, path %d: %s, offset %zu",
              (unsigned) (uint8_t) odd[k], pos, p, imcore_strerror (err[p]),
              bad[p]);
        }
      }
    }
  }

  /* an output buffer just large enough: the SIMD path must stop before
   * its 32-byte stores pass the end, and one byte less is refused */
  for (size_t n = 0; n <= sizeof (data); n += 3) {
    size_t len = imcore_base64_encode (data, n, text, 0, 0);

    for (int p = 0; p < 2; p++) {
      uint8_t *exact = g_malloc (n + CANARY_SIZE);
      size_t dlen = 999;
      ImcoreError err;

      canary_set (exact + n);
      err = imcore_base64_decode (text, len, exact, n,
          p ? IMCORE_BASE64_PORTABLE : 0, &dlen, NULL);
      check (err == IMCORE_OK && dlen == n && memcmp (exact, data, n) == 0,
          "base64 exact output", "%zu bytes path %d: %s", n, p,
          imcore_strerror (err));
      check (canary_intact (exact + n), "base64 exact output",
          "%zu bytes path %d: wrote past the end", n, p);
      if (n > 0) {
        err = imcore_base64_decode (text, len, exact, n - 1,
            p ? IMCORE_BASE64_PORTABLE : 0, &dlen, NULL);
        check (err == IMCORE_ERROR_NO_SPACE, "base64 exact output",
            "%zu bytes into %zu, path %d: %s", n, n - 1, p,
            imcore_strerror (err));
      }
      g_free (exact);
    }
  }
}

static void
test_base64_large (void)
{
  const size_t size = 1024 * 1024;
  uint8_t *data = g_malloc (size);
  TestRng rng;

  rng_init (&rng, 1234);
  rng_fill (&rng, data, size);

  for (size_t f = 0; f < G_N_ELEMENTS (b64_flag_sets); f++) {
    for (size_t l = 0; l < 3; l++) {
      unsigned flags = b64_flag_sets[f];
      size_t line = b64_line_lengths[l];
      size_t elen = imcore_base64_encoded_len (size, flags, line);
      char *enc = g_malloc (elen + 1);
      size_t n = imcore_base64_encode (data, size, enc, flags, line);
      size_t dmax = imcore_base64_decoded_max (n), dlen = 0;
      uint8_t *dec = g_malloc (dmax);
      ImcoreError err;

      g_assert_cmpuint (n, ==, elen);
      enc[n] = '\0';
      if (flags == 0 && line == 0) {
        gchar *ref = g_base64_encode (data, size);

        g_assert_cmpstr (enc, ==, ref);
        g_free (ref);
      }
      if (!(flags & IMCORE_BASE64_URL_SAFE)) {
        /* GLib's decoder reads padded and unpadded standard text */
        gsize glen = 0;
        guchar *gdec;

        if (flags & IMCORE_BASE64_NO_PADDING) {
          /* GLib needs the padding back; 1 MiB is 1 mod 3: "==" */
          gchar *padded = g_strconcat (enc, "==", NULL);

          gdec = g_base64_decode (padded, &glen);
          g_free (padded);
        } else {
          gdec = g_base64_decode (enc, &glen);
        }
        g_assert_cmpuint (glen, ==, size);
        g_assert_true (glen == size && memcmp (gdec, data, size) == 0);
        g_free (gdec);
      }
      err = imcore_base64_decode (enc, n, dec, dmax,
          flags & IMCORE_BASE64_PORTABLE, &dlen, NULL);
      g_assert_cmpint (err, ==, IMCORE_OK);
      g_assert_cmpuint (dlen, ==, size);
      g_assert_true (dlen == size && memcmp (dec, data, size) == 0);
      g_free (dec);
      g_free (enc);
    }
  }
  g_free (data);
}

/* ------------------------------------------------------------------ */

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_set_nonfatal_assertions ();

  g_test_add_func ("/core/image/pixel-info", test_image_pixel_info);
  g_test_add_func ("/core/image/strerror", test_image_strerror);
  g_test_add_func ("/core/image/size-layout", test_image_size_layout);
  g_test_add_func ("/core/image/crop", test_image_crop);
  g_test_add_func ("/core/image/expand-range", test_image_expand_range);
  g_test_add_func ("/core/image/yuv-to-jfif", test_image_yuv_to_jfif);

  g_test_add_func ("/core/rect/clip-crop", test_rect_clip_crop);
  g_test_add_func ("/core/rect/plan-output", test_rect_plan_output);
  g_test_add_func ("/core/rect/plan-properties", test_rect_plan_properties);
  g_test_add_func ("/core/rect/plan-invalid", test_rect_plan_invalid);

  g_test_add_func ("/core/jpeg/accepts", test_jpeg_accepts);
  g_test_add_func ("/core/jpeg/bound", test_jpeg_bound);
  g_test_add_func ("/core/jpeg/errors", test_jpeg_errors);
  g_test_add_func ("/core/jpeg/thresholds-discriminate",
      test_jpeg_thresholds_discriminate);
  for (size_t i = 0; i < G_N_ELEMENTS (packed_infos); i++) {
    gchar *path = g_strdup_printf ("/core/jpeg/encode/%s",
        packed_infos[i].name);

    g_test_add_data_func (path, &packed_infos[i], test_jpeg_packed);
    g_free (path);
  }
  {
    static const ImcorePixelFormat yuv[] = {
      IMCORE_PIXEL_GRAY8, IMCORE_PIXEL_I420, IMCORE_PIXEL_I422,
      IMCORE_PIXEL_I444,
    };

    for (size_t i = 0; i < G_N_ELEMENTS (yuv); i++) {
      gchar *path = g_strdup_printf ("/core/jpeg/encode/%s",
          yuv_name (yuv[i]));

      g_test_add_data_func (path, GINT_TO_POINTER (yuv[i]), test_jpeg_yuv);
      g_free (path);
    }
  }
  g_test_add_func ("/core/jpeg/crop-view", test_jpeg_crop_view);
  g_test_add_func ("/core/jpeg/limited-range", test_jpeg_limited_range);
  g_test_add_func ("/core/jpeg/colorimetry", test_jpeg_colorimetry);

  g_test_add_data_func ("/core/png/encode/GRAY8",
      GINT_TO_POINTER (IMCORE_PIXEL_GRAY8), test_png_format);
  for (size_t i = 0; i < G_N_ELEMENTS (packed_infos); i++) {
    gchar *path = g_strdup_printf ("/core/png/encode/%s",
        packed_infos[i].name);

    g_test_add_data_func (path, GINT_TO_POINTER (packed_infos[i].format),
        test_png_format);
    g_free (path);
  }
  for (size_t i = 0; i < G_N_ELEMENTS (guard_cases); i++) {
    gchar *path = g_strdup_printf ("/core/no-overread/%s",
        guard_cases[i].name);

    g_test_add_data_func (path, &guard_cases[i], test_no_overread);
    g_free (path);
  }
  g_test_add_func ("/core/png/bound-random", test_png_bound_random);
  g_test_add_func ("/core/png/bound-values", test_png_bound_values);
  g_test_add_func ("/core/png/no-space", test_png_no_space);
  g_test_add_func ("/core/png/errors", test_png_errors);

  g_test_add_func ("/core/base64/vs-glib", test_base64_vs_glib);
  g_test_add_func ("/core/base64/rfc4648", test_base64_rfc4648);
  g_test_add_func ("/core/base64/line-and-flags", test_base64_line_and_flags);
  g_test_add_func ("/core/base64/decode-lenient", test_base64_decode_lenient);
  g_test_add_func ("/core/base64/decode-invalid", test_base64_decode_invalid);
  g_test_add_func ("/core/base64/decode-no-space", test_base64_decode_no_space);
  g_test_add_func ("/core/base64/decode-block-edges",
      test_base64_decode_block_edges);
  g_test_add_func ("/core/base64/large", test_base64_large);

  return g_test_run ();
}
