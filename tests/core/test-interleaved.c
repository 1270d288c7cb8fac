/* gst-imencode: unit tests of imcore_interleaved_view()
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every sample of the planar view is checked against its definition: the
 * luma of pixel (x, y) of the source; chroma from the sample pair or
 * macropixel covering (2 j, ...) of the rectangle, averaged over two rows
 * for packed 4:2:2 -> 4:2:0. Sources have random bytes and padded strides
 * (a guard byte pattern after each row must not leak into the view), over
 * odd and even sizes and rectangle offsets.
 */
#include "imcore.h"

#include <glib.h>
#include <string.h>

typedef struct
{
  const gchar *name;
  gboolean packed;
  guint y, u, v;
} Layout;

static const Layout layouts[] = {
  {"NV12", FALSE, 0, 0, 1},
  {"NV21", FALSE, 0, 1, 0},
  {"YUY2", TRUE, 0, 1, 3},
  {"UYVY", TRUE, 1, 0, 2},
  {"YVYU", TRUE, 0, 3, 1},
};

/* The source's luma at (x, y). */
static guint8
luma_at (const Layout * l, const ImcoreInterleavedYuv * s, guint x, guint y)
{
  if (l->packed)
    return s->planes[0][y * s->strides[0] + (x / 2) * 4 + l->y + 2 * (x & 1)];
  return s->planes[0][y * s->strides[0] + x];
}

/* The source's U (@v FALSE) or V of the chroma sample covering (x, y). */
static guint8
chroma_at (const Layout * l, const ImcoreInterleavedYuv * s, guint x, guint y,
    gboolean v)
{
  if (l->packed)
    return s->planes[0][y * s->strides[0] + (x / 2) * 4 + (v ? l->v : l->u)];
  return s->planes[1][(y / 2) * s->strides[1] + (x / 2) * 2 + (v ? l->v :
          l->u)];
}

static void
check_one (const Layout * l, guint w, guint h, const ImcoreRect * r,
    ImcorePixelFormat format, GRand * rand)
{
  ImcoreInterleavedYuv s = { 0 };
  ImcoreScratch scratch = { 0 };
  ImcoreImage img;
  gsize stride0 = (l->packed ? 2 * (w + (w & 1)) : w) + 3;
  gsize stride1 = 2 * ((w + 1) / 2) + 5;
  guint8 *p0 = g_malloc (stride0 * h), *p1 = g_malloc (stride1 * (h + 1) / 2);
  guint cw = (r->width + 1) / 2;
  guint ch = format == IMCORE_PIXEL_I420 ? (r->height + 1) / 2 : r->height;

  for (gsize i = 0; i < stride0 * h; i++)
    p0[i] = g_rand_int (rand);
  for (gsize i = 0; i < stride1 * ((h + 1) / 2); i++)
    p1[i] = g_rand_int (rand);
  s.packed = l->packed;
  s.width = w;
  s.height = h;
  s.planes[0] = p0;
  s.planes[1] = l->packed ? NULL : p1;
  s.strides[0] = stride0;
  s.strides[1] = stride1;
  s.y_offset = l->y;
  s.u_offset = l->u;
  s.v_offset = l->v;

  g_assert_cmpint (imcore_interleaved_view (&s, r, format, &scratch, &img),
      ==, IMCORE_OK);
  g_assert_cmpint (img.format, ==, format);
  g_assert_cmpuint (img.width, ==, r->width);
  g_assert_cmpuint (img.height, ==, r->height);
  for (guint y = 0; y < r->height; y++)
    for (guint x = 0; x < r->width; x++)
      g_assert_cmpuint (img.planes[0][y * img.strides[0] + x], ==,
          luma_at (l, &s, r->x + x, r->y + y));
  for (guint j = 0; j < ch; j++) {
    for (guint i = 0; i < cw; i++) {
      for (guint c = 0; c < 2; c++) {
        guint got = img.planes[1 + c][j * img.strides[1 + c] + i], want;
        guint x = (r->x & ~1u) + 2 * i;

        if (!l->packed) {
          want = chroma_at (l, &s, x, r->y + 2 * j, c);
        } else if (format == IMCORE_PIXEL_I422) {
          want = chroma_at (l, &s, x, r->y + j, c);
        } else {
          guint y0 = r->y + 2 * j;
          guint y1 = 2 * j + 1 < r->height ? y0 + 1 : y0;

          want = (chroma_at (l, &s, x, y0, c) + chroma_at (l, &s, x, y1,
                  c) + 1) / 2;
        }
        if (got != want)
          g_error ("%s %ux%u rect %u,%u %ux%u chroma %u (%u,%u): %u != %u",
              l->name, w, h, r->x, r->y, r->width, r->height, c, i, j, got,
              want);
      }
    }
  }
  imcore_scratch_clear (&scratch);
  g_free (p0);
  g_free (p1);
}

static void
test_every_layout_size_and_offset (void)
{
  static const guint sizes[][2] = { {1, 1}, {2, 2}, {3, 5}, {7, 4}, {16, 9},
  {33, 17}
  };
  GRand *rand = g_rand_new_with_seed (420);
  guint n = 0;

  for (guint li = 0; li < G_N_ELEMENTS (layouts); li++) {
    const Layout *l = &layouts[li];

    for (guint si = 0; si < G_N_ELEMENTS (sizes); si++) {
      guint w = sizes[si][0], h = sizes[si][1];

      for (guint x = 0; x < MIN (w, 3u); x++) {
        for (guint y = 0; y < MIN (h, 3u); y++) {
          guint widths[] = { 1, w - x, (w - x + 1) / 2 };
          guint heights[] = { 1, h - y, (h - y + 1) / 2 };

          for (guint k = 0; k < 3; k++) {
            ImcoreRect r = { x, y, MAX (widths[k], 1u), MAX (heights[k], 1u) };

            check_one (l, w, h, &r, IMCORE_PIXEL_I420, rand);
            if (l->packed)
              check_one (l, w, h, &r, IMCORE_PIXEL_I422, rand);
            n++;
          }
        }
      }
    }
  }
  g_assert_cmpuint (n, >, 300);
  g_rand_free (rand);
}

static void
test_refusals (void)
{
  guint8 data[64] = { 0 };
  ImcoreInterleavedYuv s = { FALSE, 4, 4, {data, data + 16}, {4, 4}, 0, 0,
    1
  };
  ImcoreScratch scratch = { 0 };
  ImcoreImage img;
  ImcoreRect inside = { 0, 0, 4, 4 }, outside = { 2, 0, 3, 4 }, empty = { 0,
    0, 0, 4
  };

  g_assert_cmpint (imcore_interleaved_view (&s, &outside, IMCORE_PIXEL_I420,
          &scratch, &img), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_interleaved_view (&s, &empty, IMCORE_PIXEL_I420,
          &scratch, &img), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  /* semi-planar makes 4:2:0 only */
  g_assert_cmpint (imcore_interleaved_view (&s, &inside, IMCORE_PIXEL_I422,
          &scratch, &img), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  /* U and V in the same byte */
  s.v_offset = 0;
  g_assert_cmpint (imcore_interleaved_view (&s, &inside, IMCORE_PIXEL_I420,
          &scratch, &img), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  /* packed with chroma where luma is */
  s.packed = TRUE;
  s.y_offset = 0;
  s.u_offset = 2;
  s.v_offset = 3;
  g_assert_cmpint (imcore_interleaved_view (&s, &inside, IMCORE_PIXEL_I420,
          &scratch, &img), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  s.u_offset = 1;
  g_assert_cmpint (imcore_interleaved_view (&s, &inside, IMCORE_PIXEL_I444,
          &scratch, &img), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_null (scratch.data);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/interleaved/every-layout-size-and-offset",
      test_every_layout_size_and_offset);
  g_test_add_func ("/interleaved/refusals", test_refusals);
  return g_test_run ();
}
