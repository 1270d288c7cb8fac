/* gst-imencode: unit tests of imcore_png_encode_reusing()
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The arena keeps the encoder's memory (filtered rows, libdeflate
 * compressors) from image to image, and never changes the bytes: every
 * file must equal imcore_png_encode()'s, and libpng's reader must give
 * back the source pixels. From the second image of a shape and level on,
 * the arena must not grow (its count of allocations stays).
 */
#include "imcore.h"

#include <glib.h>
#include <png.h>
#include <string.h>

static guint8 *
make_pixels (guint w, guint h, guint bpp, GRand * rand)
{
  guint8 *p = g_malloc ((gsize) w * h * bpp);

  for (gsize i = 0; i < (gsize) w * h * bpp; i++)
    p[i] = (guint8) ((i % 97) * 3 + (g_rand_int (rand) & 7));
  return p;
}

/* Decodes @png with libpng's simplified reader and checks it shows the
 * @bpp-byte @fmt pixels (X bytes dropped, BGR order undone). */
static void
check_decodes_to (const guint8 * png, gsize len, ImcorePixelFormat fmt,
    guint bpp, const guint8 * pixels, guint w, guint h)
{
  png_image pi;
  guint channels;
  guint8 *out;

  memset (&pi, 0, sizeof (pi));
  pi.version = PNG_IMAGE_VERSION;
  g_assert_true (png_image_begin_read_from_memory (&pi, png, len));
  g_assert_cmpuint (pi.width, ==, w);
  g_assert_cmpuint (pi.height, ==, h);
  pi.format = fmt == IMCORE_PIXEL_GRAY8 ? PNG_FORMAT_GRAY :
      fmt == IMCORE_PIXEL_RGBA ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
  channels = PNG_IMAGE_PIXEL_CHANNELS (pi.format);
  out = g_malloc (PNG_IMAGE_SIZE (pi));
  g_assert_true (png_image_finish_read (&pi, NULL, out, 0, NULL));
  for (gsize p = 0; p < (gsize) w * h; p++) {
    for (guint c = 0; c < channels; c++) {
      guint src = fmt == IMCORE_PIXEL_BGRX ? 2 - c : c;

      g_assert_cmpuint (out[p * channels + c], ==, pixels[p * bpp + src]);
    }
  }
  g_free (out);
}

static void
encode_both (ImcorePngArena * arena, ImcorePixelFormat fmt, guint bpp,
    guint w, guint h, gint level, GRand * rand)
{
  guint8 *pixels = make_pixels (w, h, bpp, rand);
  ImcoreImage img = { fmt, w, h, {pixels}, {(gsize) w * bpp} };
  ImcorePngParams params = { level };
  gsize bound = imcore_png_bound (fmt, w, h), n1 = 0, n2 = 0;
  guint8 *a = g_malloc (bound), *b = g_malloc (bound);

  g_assert_cmpint (imcore_png_encode (&img, &params, a, bound, &n1), ==,
      IMCORE_OK);
  g_assert_cmpint (imcore_png_encode_reusing (&img, &params, arena, b, bound,
          &n2), ==, IMCORE_OK);
  g_assert_cmpuint (n1, ==, n2);
  g_assert_cmpmem (a, n1, b, n2);
  check_decodes_to (b, n2, fmt, bpp, pixels, w, h);
  g_free (a);
  g_free (b);
  g_free (pixels);
}

static void
test_same_bytes_and_no_growth (void)
{
  ImcorePngArena arena = { 0 };
  GRand *rand = g_rand_new_with_seed (9);
  unsigned grown;

  /* first image: the arena grows (rows, a compressor) */
  encode_both (&arena, IMCORE_PIXEL_RGB, 3, 320, 200, 1, rand);
  g_assert_cmpuint (arena.allocations, >, 0);
  grown = arena.allocations;

  /* the same shape and level again: nothing more */
  for (guint i = 0; i < 4; i++) {
    encode_both (&arena, IMCORE_PIXEL_RGB, 3, 320, 200, 1, rand);
    g_assert_cmpuint (arena.allocations, ==, grown);
  }

  /* a smaller image at that level fits */
  encode_both (&arena, IMCORE_PIXEL_GRAY8, 1, 33, 7, 1, rand);
  g_assert_cmpuint (arena.allocations, ==, grown);

  /* other shapes and levels: still identical bytes; each grows the arena
   * once at most (a level's compressor, larger rows), then not again */
  encode_both (&arena, IMCORE_PIXEL_RGBA, 4, 641, 479, 9, rand);
  grown = arena.allocations;
  encode_both (&arena, IMCORE_PIXEL_RGBA, 4, 641, 479, 9, rand);
  g_assert_cmpuint (arena.allocations, ==, grown);
  encode_both (&arena, IMCORE_PIXEL_BGRX, 4, 17, 300, 0, rand);
  grown = arena.allocations;
  encode_both (&arena, IMCORE_PIXEL_BGRX, 4, 17, 300, 0, rand);
  g_assert_cmpuint (arena.allocations, ==, grown);
  encode_both (&arena, IMCORE_PIXEL_GRAY8, 1, 33, 7, 6, rand);
  grown = arena.allocations;
  encode_both (&arena, IMCORE_PIXEL_RGB, 3, 320, 200, 6, rand);
  g_assert_cmpuint (arena.allocations, ==, grown);

  imcore_png_arena_clear (&arena);
  g_assert_null (arena.filtered.data);
  g_assert_null (arena.lines.data);
  g_assert_null (arena.compressors[1]);
  g_rand_free (rand);
}

static void
test_errors_leave_the_arena_usable (void)
{
  ImcorePngArena arena = { 0 };
  GRand *rand = g_rand_new_with_seed (10);
  guint8 *pixels = make_pixels (64, 64, 3, rand);
  ImcoreImage img = { IMCORE_PIXEL_RGB, 64, 64, {pixels}, {64 * 3} };
  ImcorePngParams params = { 1 };
  guint8 small[100];
  gsize n = 0;

  /* an output buffer too small fails, the arena is usable afterwards */
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (imcore_png_encode_reusing (&img, &params, &arena,
            small, sizeof (small), &n), ==, IMCORE_ERROR_NO_SPACE);
  encode_both (&arena, IMCORE_PIXEL_RGB, 3, 64, 64, 1, rand);
  g_assert_cmpint (imcore_png_encode_reusing (&img, &params, NULL, small,
          sizeof (small), &n), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  imcore_png_arena_clear (&arena);
  g_free (pixels);
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/png-arena/same-bytes-and-no-growth",
      test_same_bytes_and_no_growth);
  g_test_add_func ("/png-arena/errors-leave-the-arena-usable",
      test_errors_leave_the_arena_usable);
  return g_test_run ();
}
