/* gst-imencode benchmark: the PNG encoder's filters x levels
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the PNG encoder (src/imcore-png.c: level 1 its own run-length
 * deflate, 2-9 libdeflate) should filter with at
 * each level. No GStreamer in the timing: imcore_png_encode_reusing() on
 * the 8 photo-like 1080p RGB frames of bench-common.c (make_scene()),
 * into a buffer of the bound, one thread. For every row filter {None, Sub,
 * Up, Average, Paeth, adaptive (per row, smallest sum of magnitudes)} x
 * level {1, 2, 3, 6, 9} and the per-image choice (auto): the median encode
 * time (the thread's CPU time, which load from other processes disturbs
 * less than the wall clock) over ROUNDS rounds (each round encodes one
 * frame with every configuration, so load falls on all alike) and the
 * average bytes over the frames.
 * Then the filters alone (filtered rows, no deflate) with the AVX2 and the
 * portable kernels, by encoding at level 0 (stored), whose deflate is a
 * copy.
 *
 *   bench-png-deflate [rounds]      (default 16)
 *   bench-png-deflate --frames FILE  writes the frames (RGB, back to back)
 *                                    for bench/python-app-png.py
 */
#include "bench-common.h"
#include "imcore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define W 1920
#define H 1080

typedef struct
{
  const char *name;
  ImcorePngFilters filters;
  int level;
  unsigned flags;
  double *ms;                   /* per round */
  double bytes;
} Config;

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int
main (int argc, char **argv)
{
  static const struct
  {
    const char *name;
    ImcorePngFilters filters;
  } filters[] = {
    {"none", IMCORE_PNG_FILTERS_NONE}, {"sub", IMCORE_PNG_FILTERS_SUB},
    {"up", IMCORE_PNG_FILTERS_UP}, {"avg", IMCORE_PNG_FILTERS_AVG},
    {"paeth", IMCORE_PNG_FILTERS_PAETH},
    {"adaptive", IMCORE_PNG_FILTERS_ADAPTIVE},
    {"auto", IMCORE_PNG_FILTERS_AUTO},
  };
  static const int levels[] = { 1, 2, 3, 6, 9 };
  guint rounds = argc > 1 ? (guint) atoi (argv[1]) : 16;
  const gchar *frames_file = argc > 2 && strcmp (argv[1], "--frames") == 0 ?
      argv[2] : NULL;
  ImcorePngArena arena = { 0 };
  FrameSet rgb;
  ImcoreImage img[N_FRAMES];
  GstMapInfo map[N_FRAMES];
  guint8 *canvas, *out;
  size_t bound = imcore_png_bound (IMCORE_PIXEL_RGB, W, H);
  GPtrArray *configs = g_ptr_array_new ();

  gst_init (&argc, &argv);
  if (rounds < 1 && !frames_file)
    rounds = 1;
  canvas = make_scene ();
  make_rgb_frames (canvas, W, H, &rgb);
  for (guint i = 0; i < N_FRAMES; i++) {
    gst_buffer_map (rgb.frames[i], &map[i], GST_MAP_READ);
    imcore_image_init_packed (&img[i], IMCORE_PIXEL_RGB, W, H, map[i].data,
        map[i].size);
  }
  out = g_malloc (bound);
  if (frames_file) {
    FILE *f = fopen (frames_file, "wb");

    for (guint i = 0; f && i < N_FRAMES; i++) {
      if (fwrite (map[i].data, 1, (gsize) W * H * 3, f) != (gsize) W * H * 3)
        g_error ("cannot write %s", frames_file);
    }
    if (!f || fclose (f) != 0)
      g_error ("cannot write %s", frames_file);
    rounds = 0;
  }

  for (size_t l = 0; l < G_N_ELEMENTS (levels); l++) {
    for (size_t f = 0; f < G_N_ELEMENTS (filters); f++) {
      Config *c = g_new0 (Config, 1);

      c->name = filters[f].name;
      c->filters = filters[f].filters;
      c->level = levels[l];
      g_ptr_array_add (configs, c);
    }
  }
  /* the filters alone: level 0 stores (AUTO is None there) */
  for (size_t f = 0; f + 1 < G_N_ELEMENTS (filters); f++) {
    for (unsigned portable = 0; portable < 2; portable++) {
      Config *c = g_new0 (Config, 1);

      c->name = filters[f].name;
      c->filters = filters[f].filters;
      c->level = 0;
      c->flags = portable ? IMCORE_PNG_PORTABLE : 0;
      g_ptr_array_add (configs, c);
    }
  }
  for (guint i = 0; i < configs->len; i++) {
    Config *c = configs->pdata[i];

    c->ms = g_new0 (double, rounds);
  }

  /* warm up: every configuration once (compressors, arena) */
  for (guint i = 0; rounds > 0 && i < configs->len; i++) {
    Config *c = configs->pdata[i];
    ImcorePngParams p = { c->level, c->filters, c->flags };
    size_t len;

    if (imcore_png_encode_reusing (&img[0], &p, &arena, out, bound, &len))
      g_error ("encode failed");
  }
  for (guint r = 0; r < rounds; r++) {
    const ImcoreImage *frame = &img[r % N_FRAMES];

    for (guint i = 0; i < configs->len; i++) {
      Config *c = configs->pdata[i];
      ImcorePngParams p = { c->level, c->filters, c->flags };
      size_t len = 0;
      double t0 = now_ms ();

      if (imcore_png_encode_reusing (frame, &p, &arena, out, bound, &len))
        g_error ("encode failed");
      c->ms[r] = now_ms () - t0;
      c->bytes += (double) len / rounds;
    }
  }

  if (rounds == 0)
    goto done;
  printf ("PNG encoder (level 1: runs + Huffman; 2: libdeflate 1; 3-9: "
      "libdeflate), 1920x1080 RGB photo-like frames, "
      "median of %u rounds; load %s", rounds, "");
  {
    gchar *load = NULL;

    if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
      printf ("%s", load);
    else
      printf ("?\n");
    g_free (load);
  }
  printf ("%-10s %5s %9s %11s\n", "filters", "level", "CPU ms",
      "bytes");
  for (guint i = 0; i < configs->len; i++) {
    Config *c = configs->pdata[i];

    printf ("%-10s %5d %9.2f %11.0f%s\n", c->name, c->level,
        bench_median (c->ms, rounds), c->bytes, c->level == 0 ?
        (c->flags ? "   (filter + copy, portable)" :
            "   (filter + copy, AVX2 if present)") : "");
  }

done:
  for (guint i = 0; i < configs->len; i++) {
    Config *c = configs->pdata[i];

    g_free (c->ms);
    g_free (c);
  }
  g_ptr_array_free (configs, TRUE);
  imcore_png_arena_clear (&arena);
  for (guint i = 0; i < N_FRAMES; i++)
    gst_buffer_unmap (rgb.frames[i], &map[i]);
  frame_set_clear (&rgb);
  g_free (canvas);
  g_free (out);
  return 0;
}
