/* gst-imencode benchmark: base64 encode/decode throughput
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * On one buffer of pseudo-random bytes (10 MiB by default) measures, in one
 * run: memcpy, GLib's g_base64_encode/g_base64_decode (allocating, as
 * applications call them), GLib's *_step functions into a preallocated
 * buffer (GLib's best case), and the imcore codec, on one line and in
 * 76-character MIME lines. Prints the median of several repetitions in
 * GB/s of binary data and the ratios.
 *
 *   bench-base64 [MiB] [repetitions]
 */
#include "imcore-base64.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct
{
  const guint8 *bin;
  gsize bin_len;
  gchar *text;
  gsize text_len;
  guint8 *out;
  gsize out_size;
  unsigned flags;               /* imcore: 0 or IMCORE_BASE64_PORTABLE */
  size_t line_length;           /* 0, or 76 for MIME lines */
} Bench;

typedef void (*BenchFunc) (Bench * b);

static void
run_memcpy (Bench * b)
{
  memcpy (b->out, b->bin, b->bin_len);
}

static void
run_glib_encode (Bench * b)
{
  gchar *s = g_base64_encode (b->bin, b->bin_len);

  g_free (s);
}

static void
run_glib_encode_step (Bench * b)
{
  gint state = 0, save = 0;
  gsize n;

  n = g_base64_encode_step (b->bin, b->bin_len, b->line_length > 0,
      (gchar *) b->out, &state, &save);
  g_base64_encode_close (b->line_length > 0, (gchar *) b->out + n, &state,
      &save);
}

static void
run_imcore_encode (Bench * b)
{
  imcore_base64_encode (b->bin, b->bin_len, (char *) b->out, b->flags,
      b->line_length);
}

static void
run_glib_decode (Bench * b)
{
  /* g_base64_decode wants a NUL-terminated string: b->text is one */
  gsize n;
  guchar *d = g_base64_decode (b->text, &n);

  g_free (d);
}

static void
run_glib_decode_step (Bench * b)
{
  gint state = 0;
  guint save = 0;

  g_base64_decode_step (b->text, b->text_len, b->out, &state, &save);
}

static void
run_imcore_decode (Bench * b)
{
  size_t n, bad;

  if (imcore_base64_decode (b->text, b->text_len, b->out, b->out_size,
          b->flags, &n, &bad) != IMCORE_OK || n != b->bin_len)
    g_error ("imcore decode failed");
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Median wall time of @reps calls, in seconds. */
static double
time_median (BenchFunc f, Bench * b, int reps)
{
  double *t = g_new (double, reps), m;

  for (int i = 0; i < 3; i++)   /* warm caches and page tables */
    f (b);
  for (int i = 0; i < reps; i++) {
    gint64 t0 = g_get_monotonic_time ();

    f (b);
    t[i] = (g_get_monotonic_time () - t0) / 1e6;
  }
  qsort (t, reps, sizeof (double), cmp_double);
  m = t[reps / 2];
  g_free (t);
  return m;
}

/* One imcore row: throughput and its ratios to GLib and memcpy. */
static void
print_row (const char *name, double t, double gb, double t_glib,
    double t_glib_step, double t_memcpy)
{
  printf ("%-30s %6.2f GB/s  %5.2fx GLib  %5.2fx GLib _step  "
      "%5.2fx memcpy's time\n", name, gb / t, t_glib / t, t_glib_step / t,
      t / t_memcpy);
}

int
main (int argc, char **argv)
{
  gsize mib = argc > 1 ? strtoul (argv[1], NULL, 10) : 10;
  int reps = argc > 2 ? atoi (argv[2]) : 21;
  Bench b;
  guint8 *bin;
  GRand *rand = g_rand_new_with_seed (4648);
  double t_memcpy, t_genc, t_gencs, t_enc, t_enc_s, t_gdec, t_gdecs, t_dec,
      t_dec_s;
  double gb;

  if (mib == 0 || reps < 1)
    g_error ("usage: bench-base64 [MiB > 0] [repetitions > 0]");
  b.bin_len = mib << 20;
  bin = g_malloc (b.bin_len);
  for (gsize i = 0; i < b.bin_len; i++)
    bin[i] = g_rand_int (rand);
  b.bin = bin;
  b.text_len = imcore_base64_encoded_len (b.bin_len, 0, 0);
  b.text = g_malloc (b.text_len + 1);
  imcore_base64_encode (b.bin, b.bin_len, b.text, 0, 0);
  b.text[b.text_len] = '\0';
  /* room for the MIME text of the encoders too */
  b.out_size = imcore_base64_encoded_len (b.bin_len, 0, 76) + 16;
  b.out = g_malloc (b.out_size);
  memset (b.out, 0, b.out_size);
  b.flags = 0;
  b.line_length = 0;

  /* sanity: GLib and imcore agree on the text */
  {
    gchar *g = g_base64_encode (b.bin, b.bin_len);

    if (strcmp (g, b.text) != 0)
      g_error ("imcore and GLib encodings differ");
    g_free (g);
  }

  t_memcpy = time_median (run_memcpy, &b, reps);
  t_genc = time_median (run_glib_encode, &b, reps);
  t_gencs = time_median (run_glib_encode_step, &b, reps);
  t_enc = time_median (run_imcore_encode, &b, reps);
  t_gdec = time_median (run_glib_decode, &b, reps);
  t_gdecs = time_median (run_glib_decode_step, &b, reps);
  t_dec = time_median (run_imcore_decode, &b, reps);
  b.flags = IMCORE_BASE64_PORTABLE;
  t_enc_s = time_median (run_imcore_encode, &b, reps);
  t_dec_s = time_median (run_imcore_decode, &b, reps);

  gb = b.bin_len / 1e9;
  printf ("base64 on %" G_GSIZE_FORMAT " MiB of random bytes, median of %d "
      "runs, GB/s of binary data; imcore default path: %s\n", mib, reps,
      imcore_base64_implementation (0));
  printf ("%-30s %6.2f GB/s\n", "memcpy", gb / t_memcpy);
  printf ("%-30s %6.2f GB/s\n", "GLib g_base64_encode", gb / t_genc);
  printf ("%-30s %6.2f GB/s\n", "GLib g_base64_encode_step", gb / t_gencs);
  print_row ("imcore encode", t_enc, gb, t_genc, t_gencs, t_memcpy);
  print_row ("imcore encode (scalar)", t_enc_s, gb, t_genc, t_gencs,
      t_memcpy);
  printf ("%-30s %6.2f GB/s\n", "GLib g_base64_decode", gb / t_gdec);
  printf ("%-30s %6.2f GB/s\n", "GLib g_base64_decode_step", gb / t_gdecs);
  print_row ("imcore decode", t_dec, gb, t_gdec, t_gdecs, t_memcpy);
  print_row ("imcore decode (scalar)", t_dec_s, gb, t_gdec, t_gdecs,
      t_memcpy);


  /* MIME: 76-character lines (GLib's break_lines writes the same lines) */
  b.flags = 0;
  b.line_length = 76;
  g_free (b.text);
  b.text_len = imcore_base64_encoded_len (b.bin_len, 0, 76);
  b.text = g_malloc (b.text_len + 1);
  imcore_base64_encode (b.bin, b.bin_len, b.text, 0, 76);
  b.text[b.text_len] = '\0';
  t_gencs = time_median (run_glib_encode_step, &b, reps);
  t_enc = time_median (run_imcore_encode, &b, reps);
  t_gdecs = time_median (run_glib_decode_step, &b, reps);
  t_dec = time_median (run_imcore_decode, &b, reps);
  printf ("in 76-character lines:\n");
  printf ("%-30s %6.2f GB/s\n", "GLib encode_step break_lines", gb / t_gencs);
  print_row ("imcore encode line-length 76", t_enc, gb, t_gencs, t_gencs,
      t_memcpy);
  printf ("%-30s %6.2f GB/s\n", "GLib decode_step", gb / t_gdecs);
  print_row ("imcore decode of those lines", t_dec, gb, t_gdecs, t_gdecs,
      t_memcpy);

  g_free (b.text);
  g_free (b.out);
  g_free (bin);
  g_rand_free (rand);
  return 0;
}
