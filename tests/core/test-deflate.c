/* gst-imencode core tests: the level-1 deflate (src/imcore-deflate.c)
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every stream is inflated by zlib (which checks the Huffman codes, the
 * block structure and the Adler-32) and compared with the input: short and
 * empty inputs, incompressible bytes (stored blocks), runs of every length
 * around the match limits, sizes around the block and stored-piece limits,
 * symbol frequencies that make Huffman codes longer than deflate allows,
 * and photo-like rows. Output buffers end at an inaccessible page. The
 * sizes are held against zlib's own Z_RLE strategy on the same bytes.
 */
#include "imcore-deflate.h"
#include "guarded.h"

#include <glib.h>
#include <string.h>
#include <zlib.h>

/* Deflates @len bytes of @in into a guarded buffer of exactly the bound,
 * inflates it with zlib and compares; returns the stream length */
static gsize
round_trip (ImcoreDeflate * d, const guint8 * in, gsize len)
{
  gsize bound = imcore_deflate_zlib_bound (len), z;
  GuardedBuf g;
  guint8 *out, *back;
  uLongf back_len = len;
  int zerr;

  g_assert_cmpuint (bound, >, len);
  out = guarded_alloc (&g, bound);
  z = imcore_deflate_zlib (d, in, len, out, bound);
  g_assert_cmpuint (z, >, 0);
  g_assert_cmpuint (z + 8, <=, bound);
  back = g_malloc (len + 1);
  zerr = uncompress (back, &back_len, out, z);
  if (zerr != Z_OK)
    g_error ("zlib refused a stream of %" G_GSIZE_FORMAT " bytes for %"
        G_GSIZE_FORMAT " input bytes: %s", z, len, zError (zerr));
  g_assert_cmpuint (back_len, ==, len);
  g_assert_true (len == 0 || memcmp (back, in, len) == 0);
  g_free (back);
  guarded_free (&g);
  return z;
}

/* zlib's level 1 with Z_RLE (OpenCV's PNG default) on the same bytes */
static gsize
zlib_rle_size (const guint8 * in, gsize len)
{
  z_stream zs;
  guint8 *out;
  gsize cap = compressBound (len), n;

  memset (&zs, 0, sizeof (zs));
  g_assert_cmpint (deflateInit2 (&zs, 1, Z_DEFLATED, 15, 8, Z_RLE), ==,
      Z_OK);
  out = g_malloc (cap);
  zs.next_in = (Bytef *) in;
  zs.avail_in = len;
  zs.next_out = out;
  zs.avail_out = cap;
  g_assert_cmpint (deflate (&zs, Z_FINISH), ==, Z_STREAM_END);
  n = zs.total_out;
  deflateEnd (&zs);
  g_free (out);
  return n;
}

static void
fill_random (GRand * r, guint8 * p, gsize n)
{
  for (gsize i = 0; i < n; i++)
    p[i] = (guint8) g_rand_int (r);
}

/* Rows as a filtered camera frame gives them: small values around 0 (a
 * two-sided geometric law), runs of zeros (flat areas) and of 255 */
static void
fill_photo_like (GRand * r, guint8 * p, gsize n)
{
  gsize i = 0;

  while (i < n) {
    guint u = g_rand_int_range (r, 0, 1000);

    if (u < 2) {
      gsize run = (gsize) g_rand_int_range (r, 1, 200);
      guint8 v = u == 0 ? 255 : 0;

      for (gsize k = 0; k < run && i < n; k++)
        p[i++] = v;
    } else {
      int m = 0;

      while (m < 120 && g_rand_int_range (r, 0, 100) < 70)
        m++;
      p[i++] = (guint8) (g_rand_boolean (r) ? m : -m);
    }
  }
}

static void
test_short_inputs (void)
{
  ImcoreDeflate *d = imcore_deflate_new ();
  GRand *r = g_rand_new_with_seed (1);
  guint8 buf[64];

  g_assert_nonnull (d);
  round_trip (d, NULL, 0);
  for (gsize n = 1; n <= sizeof (buf); n++) {
    fill_random (r, buf, n);
    round_trip (d, buf, n);
    memset (buf, 7, n);
    round_trip (d, buf, n);
  }
  g_rand_free (r);
  imcore_deflate_free (d);
}

/* runs of one byte of every length up to 3 matches (258 each) and a bit,
 * alone and between literals, at the start and at the end */
static void
test_runs (void)
{
  ImcoreDeflate *d = imcore_deflate_new ();
  GRand *r = g_rand_new_with_seed (2);
  guint8 *buf = g_malloc (4000);

  for (gsize run = 1; run <= 3 * 258 + 10; run++) {
    fill_random (r, buf, 20);
    memset (buf + 20, (int) run, run);
    fill_random (r, buf + 20 + run, 20);
    round_trip (d, buf, 40 + run);
    round_trip (d, buf + 20, run + 20);
    round_trip (d, buf, 20 + run);
  }
  /* a long run compresses to almost nothing: runs are found */
  memset (buf, 0, 4000);
  g_assert_cmpuint (round_trip (d, buf, 4000), <, 40);
  g_free (buf);
  g_rand_free (r);
  imcore_deflate_free (d);
}

/* incompressible input: stored blocks, never more than the bound (checked
 * in round_trip) and at most 0.01 % over the input */
static void
test_incompressible (void)
{
  static const gsize sizes[] = {
    65534, 65535, 65536, 131071, 131072, 131073, 131075, 262144 + 3,
    1000001
  };
  ImcoreDeflate *d = imcore_deflate_new ();
  GRand *r = g_rand_new_with_seed (3);
  guint8 *buf = g_malloc (1000001);

  fill_random (r, buf, 1000001);
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++) {
    gsize z = round_trip (d, buf, sizes[i]);

    g_assert_cmpuint (z, <=, sizes[i] + sizes[i] / 10000 + 16);
  }
  g_free (buf);
  g_rand_free (r);
  imcore_deflate_free (d);
}

/* symbol counts in a Fibonacci sequence: a Huffman code of them is 25
 * bits deep, deflate allows 15; and the same with a run in every block */
static void
test_deep_huffman_codes (void)
{
  ImcoreDeflate *d = imcore_deflate_new ();
  GRand *r = g_rand_new_with_seed (4);
  gsize fib[26], total = 0, k = 0;
  guint8 *buf;

  fib[0] = fib[1] = 1;
  for (gsize i = 2; i < G_N_ELEMENTS (fib); i++)
    fib[i] = fib[i - 1] + fib[i - 2];
  for (gsize i = 0; i < G_N_ELEMENTS (fib); i++)
    total += fib[i];
  buf = g_malloc (total);
  for (gsize i = 0; i < G_N_ELEMENTS (fib); i++)
    for (gsize j = 0; j < fib[i]; j++)
      buf[k++] = (guint8) (i * 9 + 1);
  /* shuffled, so that few runs form */
  for (gsize i = total - 1; i > 0; i--) {
    gsize j = (gsize) g_rand_int_range (r, 0, (gint32) (i + 1));
    guint8 t = buf[i];

    buf[i] = buf[j];
    buf[j] = t;
  }
  round_trip (d, buf, total);
  for (gsize i = 0; i + 300 < total; i += 100000)
    memset (buf + i, 0, 300);
  round_trip (d, buf, total);
  g_free (buf);
  g_rand_free (r);
  imcore_deflate_free (d);
}

/* photo-like rows: inflated back, and no larger than zlib's Z_RLE (which
 * finds the same runs) by more than 2 %; a compressor reused for streams
 * of other sizes gives the same bytes as a new one */
static void
test_photo_like (void)
{
  ImcoreDeflate *d = imcore_deflate_new (), *fresh;
  GRand *r = g_rand_new_with_seed (5);
  gsize len = 3 * 1024 * 1024 + 17, z, zl, bound;
  guint8 *buf = g_malloc (len), *a, *b;

  fill_photo_like (r, buf, len);
  z = round_trip (d, buf, len);
  zl = zlib_rle_size (buf, len);
  g_test_message ("photo-like %" G_GSIZE_FORMAT " bytes: ours %"
      G_GSIZE_FORMAT ", zlib Z_RLE %" G_GSIZE_FORMAT, len, z, zl);
  g_assert_cmpuint (z, <, len * 3 / 4);
  g_assert_cmpuint (z * 100, <=, zl * 102);

  round_trip (d, buf, 1000);
  bound = imcore_deflate_zlib_bound (len);
  a = g_malloc (bound);
  b = g_malloc (bound);
  fresh = imcore_deflate_new ();
  g_assert_cmpuint (imcore_deflate_zlib (d, buf, len, a, bound), ==, z);
  g_assert_cmpuint (imcore_deflate_zlib (fresh, buf, len, b, bound), ==, z);
  g_assert_true (memcmp (a, b, z) == 0);
  imcore_deflate_free (fresh);
  g_free (a);
  g_free (b);
  g_free (buf);
  g_rand_free (r);
  imcore_deflate_free (d);
}

/* A buffer short of the stream plus 8 bytes of slack: 0, and nothing
 * written past its end (it ends at an inaccessible page); with the slack
 * the same stream as in a buffer of the bound */
static void
test_small_buffers (void)
{
  ImcoreDeflate *d = imcore_deflate_new ();
  GRand *r = g_rand_new_with_seed (6);
  gsize len = 300000, z, bound = imcore_deflate_zlib_bound (len);
  guint8 *buf = g_malloc (len), *want = g_malloc (bound);

  fill_photo_like (r, buf, len);
  z = imcore_deflate_zlib (d, buf, len, want, bound);
  g_assert_cmpuint (z, >, 0);
  for (gsize size = 0; size <= z + 8; size += size < z - 64 ? 997 : 1) {
    GuardedBuf g;
    guint8 *out = guarded_alloc (&g, size > 0 ? size : 1);
    gsize got = imcore_deflate_zlib (d, buf, len, out, size);

    if (size < z + 8) {
      g_assert_cmpuint (got, ==, 0);
    } else {
      g_assert_cmpuint (got, ==, z);
      g_assert_true (memcmp (out, want, z) == 0);
    }
    guarded_free (&g);
  }
  /* refused outright */
  g_assert_cmpuint (imcore_deflate_zlib (NULL, buf, len, want, bound), ==, 0);
  g_assert_cmpuint (imcore_deflate_zlib (d, NULL, 5, want, bound), ==, 0);
  g_assert_cmpuint (imcore_deflate_zlib_bound ((gsize) G_MAXUINT32), ==, 0);
  g_free (buf);
  g_free (want);
  g_rand_free (r);
  imcore_deflate_free (d);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/deflate/short-inputs", test_short_inputs);
  g_test_add_func ("/deflate/runs", test_runs);
  g_test_add_func ("/deflate/incompressible", test_incompressible);
  g_test_add_func ("/deflate/deep-huffman-codes", test_deep_huffman_codes);
  g_test_add_func ("/deflate/photo-like", test_photo_like);
  g_test_add_func ("/deflate/small-buffers", test_small_buffers);
  return g_test_run ();
}
