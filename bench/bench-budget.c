/* gst-imencode benchmark: JPEG under a byte budget (max-bytes)
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What imcore_budget_search() costs on a steady stream against a plain
 * encode: 1920x1080 I420 frames cut from the photo-like scene of
 * make_scene() at panning offsets (a camera that sweeps), with a little
 * sensor noise of their own, encoded by the core's JPEG encoder (libjpeg
 * raw data, the path of camera input):
 *
 *   plain      imcore_jpeg_encode at quality 85, no budget
 *   budget     imcore_budget_search, maximum quality 85, the budget a third
 *              of the first frame's quality-85 size, the search state kept
 *              from frame to frame (the hint: what imencode does)
 *   fresh      the same search with a zeroed state for every frame (no
 *              hint: what every frame would cost without one)
 *
 * The variants take turns frame by frame, so load from other processes
 * falls on all alike; reported is the total CPU time of the thread
 * (CLOCK_THREAD_CPUTIME_ID) per frame, the ratio to plain, encodes per
 * frame and the qualities chosen. Also for progressive and optimize (each
 * with its own budget: a third of its own quality-85 size).
 *
 *   at-q       imcore_jpeg_encode at the quality the kept search chose for
 *              the frame, no budget: one encode at that quality, against
 *              which the search's overhead is measured
 *
 *   bench-budget [frames]       (default 120: 4 s at 30 fps)
 */
#include "bench-common.h"
#include "imcore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define W 1920
#define H 1080
#define N_SOURCES 16
#define QUALITY 85

typedef struct
{
  ImcoreJpegEncoder *enc;
  ImcoreImage img;
  ImcoreJpegParams params;
} Ctx;

static double
thread_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static ImcoreError
encode_at (void *user_data, int quality, uint8_t * out, size_t out_size,
    size_t *out_len)
{
  Ctx *c = user_data;

  c->params.quality = quality;
  c->params.max_bytes = out_size;
  return imcore_jpeg_encode (c->enc, &c->img, &c->params, out, out_size,
      out_len);
}

/* Frame @i of the sweep: I420, full-range BT.601 (JFIF), noise of +-3 in
 * luma */
static void
make_frame (const guint8 * scene, unsigned i, guint8 * planes[3])
{
  unsigned ox = (i * 61) % (CANVAS_W - W), oy = (i * 29) % (CANVAS_H - H);
  GRand *rand = g_rand_new_with_seed (i + 1);

  for (unsigned y = 0; y < H; y++) {
    const guint8 *row = scene + ((size_t) (oy + y) * CANVAS_W + ox) * 3;

    for (unsigned x = 0; x < W; x++) {
      double r = row[3 * x], g = row[3 * x + 1], b = row[3 * x + 2];
      double l = 0.299 * r + 0.587 * g + 0.114 * b +
          g_rand_int_range (rand, -3, 4);

      planes[0][(size_t) y * W + x] = (guint8) CLAMP (l + 0.5, 0, 255);
      if (x % 2 == 0 && y % 2 == 0) {
        size_t c = (size_t) (y / 2) * (W / 2) + x / 2;

        planes[1][c] = (guint8) CLAMP (128 - 0.168736 * r - 0.331264 * g +
            0.5 * b + 0.5, 0, 255);
        planes[2][c] = (guint8) CLAMP (128 + 0.5 * r - 0.418688 * g -
            0.081312 * b + 0.5, 0, 255);
      }
    }
  }
  g_rand_free (rand);
}

static void
run (guint8 * frames[N_SOURCES][3], unsigned n_frames, bool progressive,
    bool optimize)
{
  Ctx c = { imcore_jpeg_encoder_new () };
  ImcoreBudgetState kept = { 0 };
  size_t bound = imcore_jpeg_bound (W, H, IMCORE_SUBSAMPLING_420), budget;
  uint8_t *out = malloc (bound);
  double ms[4] = { 0 };
  unsigned long encodes[2] = { 0 }, qsum = 0, misses = 0;
  int qmin = 100, qmax = 0;
  size_t len;

  c.img.format = IMCORE_PIXEL_I420;
  c.img.width = W;
  c.img.height = H;
  c.img.strides[0] = W;
  c.img.strides[1] = c.img.strides[2] = W / 2;
  c.params.subsampling = IMCORE_SUBSAMPLING_420;
  c.params.yuv = IMCORE_YUV_JFIF;
  c.params.progressive = progressive;
  c.params.optimize = optimize;
  for (unsigned p = 0; p < 3; p++)
    c.img.planes[p] = frames[0][p];
  if (!c.enc || !out || encode_at (&c, QUALITY, out, bound, &len)) {
    fprintf (stderr, "encoder failed\n");
    exit (1);
  }
  budget = len / 3;

  for (unsigned i = 0; i < n_frames; i++) {
    ImcoreBudgetState fresh = { 0 };
    ImcoreBudgetResult r;
    double t;

    for (unsigned p = 0; p < 3; p++)
      c.img.planes[p] = frames[i % N_SOURCES][p];

    t = thread_ms ();
    c.params.quality = QUALITY;
    c.params.max_bytes = 0;
    if (imcore_jpeg_encode (c.enc, &c.img, &c.params, out, bound, &len)) {
      fprintf (stderr, "plain encode failed\n");
      exit (1);
    }
    ms[0] += thread_ms () - t;

    t = thread_ms ();
    if (imcore_budget_search (&kept, QUALITY, budget, encode_at, &c, out,
            bound, &r) != IMCORE_OK)
      misses++;
    ms[1] += thread_ms () - t;
    encodes[0] += r.encodes;

    /* one encode at the quality chosen, no budget */
    t = thread_ms ();
    c.params.quality = r.quality ? r.quality : 1;
    c.params.max_bytes = 0;
    if (imcore_jpeg_encode (c.enc, &c.img, &c.params, out, bound, &len)) {
      fprintf (stderr, "encode failed\n");
      exit (1);
    }
    ms[3] += thread_ms () - t;
    qsum += r.quality;
    qmin = MIN (qmin, r.quality);
    qmax = MAX (qmax, r.quality);

    t = thread_ms ();
    if (imcore_budget_search (&fresh, QUALITY, budget, encode_at, &c, out,
            bound, &r) != IMCORE_OK)
      misses++;
    ms[2] += thread_ms () - t;
    encodes[1] += r.encodes;
  }
  printf ("%s (budget %zu bytes%s)\n"
      "  plain q%d       %7.2f ms\n"
      "  at the q chosen %7.2f ms  (one encode at the budget's quality)\n"
      "  budget, kept    %7.2f ms = %.3fx at-q, %.3fx plain q%d; %.3f "
      "encodes/frame; q%d..%d, mean %.1f\n"
      "  budget, fresh   %7.2f ms = %.3fx at-q; %.3f encodes/frame\n",
      progressive ? "progressive" : optimize ? "optimize" : "baseline",
      budget, misses ? ", SOME DID NOT FIT" : "", QUALITY, ms[0] / n_frames,
      ms[3] / n_frames, ms[1] / n_frames, ms[1] / ms[3], ms[1] / ms[0],
      QUALITY, (double) encodes[0] / n_frames, qmin, qmax,
      (double) qsum / n_frames, ms[2] / n_frames, ms[2] / ms[3],
      (double) encodes[1] / n_frames);
  free (out);
  imcore_jpeg_encoder_free (c.enc);
}

int
main (int argc, char **argv)
{
  unsigned n_frames = argc > 1 ? (unsigned) atoi (argv[1]) : 120;
  guint8 *scene = make_scene ();
  guint8 *frames[N_SOURCES][3];

  if (n_frames == 0) {
    fprintf (stderr, "usage: bench-budget [frames]\n");
    return 2;
  }
  for (unsigned i = 0; i < N_SOURCES; i++) {
    frames[i][0] = g_malloc ((size_t) W * H);
    frames[i][1] = g_malloc ((size_t) W * H / 4);
    frames[i][2] = g_malloc ((size_t) W * H / 4);
    make_frame (scene, i, frames[i]);
  }
  printf ("%ux%u I420 photo-like frames (%u distinct, panned), %u frames, "
      "maximum quality %d, budget a third of frame 0's q%d size; CPU time "
      "of the thread per frame\n", W, H, N_SOURCES, n_frames, QUALITY,
      QUALITY);
  run (frames, n_frames, false, false);
  run (frames, n_frames, true, false);
  run (frames, n_frames, false, true);
  for (unsigned i = 0; i < N_SOURCES; i++)
    for (unsigned p = 0; p < 3; p++)
      g_free (frames[i][p]);
  g_free (scene);
  return 0;
}
