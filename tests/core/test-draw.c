/* gst-imencode: unit tests of src/imcore-draw.c
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Outlines and fills are checked sample by sample against their contract
 * (imcore-draw.h), computed here by brute force: a mask of covered luma
 * pixels; each luma sample in the mask blended with the colour's luma; each
 * chroma sample blended with alpha scaled by the share of its block's
 * in-image pixels in the mask. The colour's Y, Cb, Cr come from the BT.601
 * / BT.709 definitions (full and limited range). Images have random bytes,
 * odd sizes and padded strides whose padding must stay untouched; boxes
 * stick out on every side. Compositing is checked on RGB exactly and on
 * I420 against the same definition.
 */
#include "imcore.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#define PAD 5

typedef struct
{
  ImcoreImage img;
  guint8 *mem[3];
  gsize sizes[3];
} TestImage;

static void
test_image_new (TestImage * t, ImcorePixelFormat f, guint w, guint h,
    GRand * rand)
{
  unsigned hs, vs, n = imcore_pixel_n_planes (f);

  memset (t, 0, sizeof (*t));
  imcore_pixel_chroma_shift (f, &hs, &vs);
  t->img.format = f;
  t->img.width = w;
  t->img.height = h;
  for (unsigned p = 0; p < n; p++) {
    gsize row = p ? (w + (1u << hs) - 1) >> hs : w * imcore_pixel_bytes (f);
    gsize rows = p ? (h + (1u << vs) - 1) >> vs : h;

    t->img.strides[p] = row + PAD;
    t->sizes[p] = t->img.strides[p] * rows;
    t->mem[p] = g_malloc (t->sizes[p]);
    for (gsize i = 0; i < t->sizes[p]; i++)
      t->mem[p][i] = g_rand_int_range (rand, 0, 256);
    t->img.planes[p] = t->mem[p];
  }
}

static void
test_image_copy (const TestImage * src, TestImage * dst)
{
  *dst = *src;
  for (unsigned p = 0; p < 3; p++) {
    if (!src->mem[p])
      continue;
    dst->mem[p] = g_memdup2 (src->mem[p], src->sizes[p]);
    dst->img.planes[p] = dst->mem[p];
  }
}

static void
test_image_free (TestImage * t)
{
  for (unsigned p = 0; p < 3; p++)
    g_free (t->mem[p]);
}

static guint8
blend_ref (guint8 old, guint8 c, unsigned a)
{
  return (guint8) ((old * (255 - a) + c * a + 127) / 255);
}

static guint8
round_clamp (double v)
{
  return (guint8) CLAMP (floor (v + 0.5), 0, 255);
}

/* The colour in @c's YUV */
static void
colour_yuv (const ImcoreYuvColorimetry * c, ImcoreDrawColor col, guint8 * y,
    guint8 * u, guint8 * v)
{
  double kg = 1 - c->kr - c->kb;
  double l = c->kr * col.r + kg * col.g + c->kb * col.b;
  double pb = (col.b - l) / (2 * (1 - c->kb));
  double pr = (col.r - l) / (2 * (1 - c->kr));

  if (c->limited_range) {
    *y = round_clamp (16 + l * 219 / 255);
    *u = round_clamp (128 + pb * 224 / 255);
    *v = round_clamp (128 + pr * 224 / 255);
  } else {
    *y = round_clamp (l);
    *u = round_clamp (128 + pb);
    *v = round_clamp (128 + pr);
  }
}

/* Whether the outline (or fill, @t 0) of @b covers pixel (x, y). */
static gboolean
covers (const ImcoreDrawBox * b, guint t, gint64 x, gint64 y)
{
  gboolean in = x >= b->x0 && x < b->x1 && y >= b->y0 && y < b->y1;

  if (!in || t == 0)
    return in;
  return !(x >= b->x0 + t && x < b->x1 - t && y >= b->y0 + t &&
      y < b->y1 - t);
}

static void
check_planar_shape (ImcorePixelFormat f, guint w, guint h,
    const ImcoreYuvColorimetry * c, const ImcoreDrawBox * b, guint t,
    ImcoreDrawColor col, GRand * rand)
{
  TestImage before, after;
  unsigned hs, vs;
  guint8 cy, cu, cv;

  test_image_new (&before, f, w, h, rand);
  test_image_copy (&before, &after);
  if (t)
    g_assert_cmpint (imcore_draw_outline (&after.img, c, b, t, col), ==,
        IMCORE_OK);
  else
    g_assert_cmpint (imcore_draw_fill (&after.img, c, b, col), ==,
        IMCORE_OK);
  colour_yuv (c, col, &cy, &cu, &cv);
  imcore_pixel_chroma_shift (f, &hs, &vs);
  for (unsigned p = 0; p < 3; p++) {
    guint pw = p ? (w + (1u << hs) - 1) >> hs : w;
    guint ph = p ? (h + (1u << vs) - 1) >> vs : h;
    guint8 colour = p == 0 ? cy : p == 1 ? cu : cv;

    for (guint y = 0; y < ph; y++) {
      const guint8 *o = before.mem[p] + y * before.img.strides[p];
      const guint8 *n = after.mem[p] + y * after.img.strides[p];

      for (guint x = 0; x < pw; x++) {
        guint8 want = o[x];

        if (p == 0) {
          if (covers (b, t, x, y))
            want = blend_ref (o[x], colour, col.a);
        } else {
          guint total = 0, hit = 0;

          for (guint yy = y << vs; yy < (y + 1) << vs && yy < h; yy++) {
            for (guint xx = x << hs; xx < (x + 1) << hs && xx < w; xx++) {
              total++;
              hit += covers (b, t, xx, yy);
            }
          }
          if (hit)
            want = blend_ref (o[x], colour,
                (col.a * hit + total / 2) / total);
        }
        if (n[x] != want)
          g_error ("format %d %ux%u box %" G_GINT64_FORMAT ",%"
              G_GINT64_FORMAT "-%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
              " t %u alpha %u: plane %u (%u, %u) is %u, want %u (was %u)",
              f, w, h, b->x0, b->y0, b->x1, b->y1, t, col.a, p, x, y, n[x],
              want, o[x]);
      }
      /* the stride's padding is untouched */
      g_assert_cmpmem (o + pw, PAD, n + pw, PAD);
    }
  }
  test_image_free (&before);
  test_image_free (&after);
}

static void
test_planar_outlines_and_fills (void)
{
  const ImcorePixelFormat formats[] = { IMCORE_PIXEL_I420, IMCORE_PIXEL_I422,
    IMCORE_PIXEL_I444
  };
  const ImcoreYuvColorimetry bt709 = { 0.2126, 0.0722, true };
  const ImcoreYuvColorimetry jfif = IMCORE_YUV_JFIF;
  GRand *rand = g_rand_new_with_seed (20);

  for (guint i = 0; i < 600; i++) {
    ImcorePixelFormat f = formats[i % 3];
    guint w = g_rand_int_range (rand, 1, 40);
    guint h = g_rand_int_range (rand, 1, 40);
    ImcoreDrawBox b;
    ImcoreDrawColor col = { g_rand_int_range (rand, 0, 256),
      g_rand_int_range (rand, 0, 256), g_rand_int_range (rand, 0, 256),
      i % 4 ? 255 : g_rand_int_range (rand, 1, 256)
    };
    guint t = i % 5 == 0 ? 0 : g_rand_int_range (rand, 1, 8);

    b.x0 = g_rand_int_range (rand, -10, (gint) w + 2);
    b.y0 = g_rand_int_range (rand, -10, (gint) h + 2);
    b.x1 = b.x0 + g_rand_int_range (rand, 0, 50);
    b.y1 = b.y0 + g_rand_int_range (rand, 0, 50);
    check_planar_shape (f, w, h, i % 2 ? &bt709 : &jfif, &b, t, col, rand);
  }
  g_rand_free (rand);
}

static void
test_rgb_outline_exact (void)
{
  GRand *rand = g_rand_new_with_seed (7);
  const ImcoreDrawBox b = { -3, 2, 17, 30 };
  const ImcoreDrawColor col = { 10, 200, 30, 255 };
  TestImage before, after;

  test_image_new (&before, IMCORE_PIXEL_BGRA, 21, 25, rand);
  test_image_copy (&before, &after);
  g_assert_cmpint (imcore_draw_outline (&after.img, NULL, &b, 4, col), ==,
      IMCORE_OK);
  for (guint y = 0; y < 25; y++) {
    for (guint x = 0; x < 21; x++) {
      const guint8 *o = before.mem[0] + y * before.img.strides[0] + 4 * x;
      const guint8 *n = after.mem[0] + y * after.img.strides[0] + 4 * x;

      if (covers (&b, 4, x, y)) {
        /* B, G, R, and alpha made opaque */
        g_assert_cmpuint (n[0], ==, 30);
        g_assert_cmpuint (n[1], ==, 200);
        g_assert_cmpuint (n[2], ==, 10);
        g_assert_cmpuint (n[3], ==, 255);
      } else {
        g_assert_cmpmem (o, 4, n, 4);
      }
    }
  }
  test_image_free (&before);
  test_image_free (&after);
  g_rand_free (rand);
}

static void
test_argb_composite (void)
{
  GRand *rand = g_rand_new_with_seed (3);
  const ImcoreYuvColorimetry jfif = IMCORE_YUV_JFIF;
  guint32 ov[6 * 4];
  TestImage before, after;

  /* a 4x6 overlay: opaque red, half-transparent black, transparent */
  for (guint i = 0; i < G_N_ELEMENTS (ov); i++)
    ov[i] = i % 3 == 0 ? 0xffff0000 : i % 3 == 1 ? 0x80000000 : 0;

  test_image_new (&before, IMCORE_PIXEL_RGB, 9, 9, rand);
  test_image_copy (&before, &after);
  g_assert_cmpint (imcore_draw_argb (&after.img, NULL, -1, 5, ov, 16, 4, 6),
      ==, IMCORE_OK);
  for (guint y = 0; y < 9; y++) {
    for (guint x = 0; x < 9; x++) {
      const guint8 *o = before.mem[0] + y * before.img.strides[0] + 3 * x;
      const guint8 *n = after.mem[0] + y * after.img.strides[0] + 3 * x;
      gint ox = (gint) x + 1, oy = (gint) y - 5;
      guint32 p = ox < 4 && oy >= 0 && oy < 6 ? ov[oy * 4 + ox] : 0;
      guint a = p >> 24;

      for (guint k = 0; k < 3; k++) {
        guint cp = (p >> (16 - 8 * k)) & 255;
        double want = o[k] * (255 - a) / 255.0 + cp;

        g_assert_cmpfloat (fabs (n[k] - want), <=, 0.5 + 1e-9);
      }
    }
  }
  test_image_free (&before);
  test_image_free (&after);

  /* I420: an opaque overlay over whole 2x2 blocks writes the colour */
  test_image_new (&before, IMCORE_PIXEL_I420, 8, 8, rand);
  for (guint i = 0; i < G_N_ELEMENTS (ov); i++)
    ov[i] = 0xff2040e0;
  g_assert_cmpint (imcore_draw_argb (&before.img, &jfif, 2, 2, ov, 16, 4, 6),
      ==, IMCORE_OK);
  {
    guint8 y, u, v;
    ImcoreDrawColor col = { 0x20, 0x40, 0xe0, 255 };

    colour_yuv (&jfif, col, &y, &u, &v);
    for (guint yy = 2; yy < 8; yy++)
      for (guint xx = 2; xx < 6; xx++)
        g_assert_cmpint (ABS (before.mem[0][yy * before.img.strides[0] + xx]
                - y), <=, 1);
    for (guint cy = 1; cy < 4; cy++)
      for (guint cx = 1; cx < 3; cx++) {
        g_assert_cmpint (ABS (before.mem[1][cy * before.img.strides[1] + cx]
                - u), <=, 1);
        g_assert_cmpint (ABS (before.mem[2][cy * before.img.strides[2] + cx]
                - v), <=, 1);
      }
  }
  test_image_free (&before);
  g_rand_free (rand);
}

static void
test_bad_arguments (void)
{
  GRand *rand = g_rand_new_with_seed (1);
  const ImcoreDrawColor col = { 1, 2, 3, 255 };
  ImcoreDrawBox far = { 0, 0, (INT64_C (1) << 41), 4 };
  ImcoreDrawBox ok = { 0, 0, 4, 4 };
  guint32 ov[4] = { 0 };
  TestImage t;

  test_image_new (&t, IMCORE_PIXEL_I420, 8, 8, rand);
  /* planar YUV needs its colorimetry */
  g_assert_cmpint (imcore_draw_fill (&t.img, NULL, &ok, col), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_draw_fill (&t.img, &IMCORE_YUV_JFIF, &far, col),
      ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_draw_argb (&t.img, &IMCORE_YUV_JFIF, 0, 0, ov, 6,
          1, 1), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_draw_outline (NULL, NULL, &ok, 1, col), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  test_image_free (&t);
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/draw/planar-outlines-and-fills",
      test_planar_outlines_and_fills);
  g_test_add_func ("/draw/rgb-outline-exact", test_rgb_outline_exact);
  g_test_add_func ("/draw/argb-composite", test_argb_composite);
  g_test_add_func ("/draw/bad-arguments", test_bad_arguments);
  return g_test_run ();
}
