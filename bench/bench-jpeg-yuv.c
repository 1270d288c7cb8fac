/* gst-imencode benchmark: YUV to JPEG in the core, colorimetry conversion
 * designs side by side
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * No GStreamer: the core's JPEG encoder and the libraries, on 1920x1080
 * frames of generated photo-like content (see make_scene()), turned into
 * YUV by the textbook formulas of each colorimetry. What a frame costs:
 *
 *   floor      tjCompressFromYUVPlanes on the planes as they are (right
 *              colours only for JFIF input; what jpegenc does to any input)
 *   imcore     imcore_jpeg_encode / imcore_jpeg_encode_interleaved: libjpeg
 *              raw data, conversion strip by strip (the design in use)
 *   lut+tj     the previous design: imcore_image_yuv_to_jfif (scalar
 *              lookup tables) into a frame-sized copy, then
 *              tjCompressFromYUVPlanes
 *   simd+tj    the kernels of the design in use over the whole frame into
 *              a frame-sized copy, then tjCompressFromYUVPlanes
 *   simd+raw   the same copy encoded by imcore as JFIF (libjpeg raw data,
 *              the strip a memcpy): frame-sized copy against strip, same
 *              kernels
 *   conv:NAME  the conversion alone over a whole frame: avx2 / portable
 *              kernels, lut (imcore_image_yuv_to_jfif)
 *
 * Rounds interleave the variants (each encodes the round's frame once), so
 * load from other processes falls on all alike; reported is the median
 * time per frame, as CPU time of the thread (CLOCK_THREAD_CPUTIME_ID:
 * time the thread was preempted does not count, so figures hold on a busy
 * machine; caches shared with other processes still do). With "only
 * VARIANT COLORIMETRY N" it runs one variant N times, for instruction
 * counts:
 *
 *   valgrind --tool=callgrind --instr-atstart=no --toggle-collect=encode_once
 *     bench-jpeg-yuv only imcore bt709-limited 8
 *
 * (the frames are made without instrumentation when valgrind/callgrind.h
 * is there; VARIANT may be prefixed with nv12: or yuy2:).
 *
 *   bench-jpeg-yuv [rounds]
 *   bench-jpeg-yuv only imcore bt709-limited 20
 */
#include "imcore.h"
#include "imcore-yuvconv.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <turbojpeg.h>
#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#endif
#endif
#ifndef CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

#define W 1920
#define H 1080
#define N_FRAMES 4
#define CANVAS_W 2400
#define CANVAS_H 1300
#define QUALITY 85

typedef struct
{
  const char *name;
  ImcoreYuvColorimetry c;
} Colorimetry;

static const Colorimetry colorimetries[] = {
  {"jfif", {0.299, 0.114, false}},
  {"bt601-limited", {0.299, 0.114, true}},
  {"bt709-limited", {0.2126, 0.0722, true}},
  {"bt709-full", {0.2126, 0.0722, false}},
};

#define N_COLORIMETRIES G_N_ELEMENTS (colorimetries)

/* Photo-like RGB: shading, mid-frequency structure, +-9 grain, shapes */
static guint8 *
make_scene (void)
{
  guint8 *rgb = g_malloc ((gsize) CANVAS_W * CANVAS_H * 3);
  GRand *rand = g_rand_new_with_seed (709);

  for (gint y = 0; y < CANVAS_H; y++) {
    for (gint x = 0; x < CANVAS_W; x++) {
      double fx = x / (double) CANVAS_W, fy = y / (double) CANVAS_H;
      double base = 110 + 60 * sin (fx * 3.9 + fy * 2.1) +
          25 * sin (fx * 29 + cos (fy * 21) * 2) * cos (fy * 23);
      double grain = g_rand_double_range (rand, -9, 9);
      gboolean shape = ((x - 1300) * (x - 1300) + (y - 400) * (y - 400)) <
          160 * 160 || (x > 200 && x < 700 && y > 600 && y < 900 &&
          ((x / 40 + y / 40) % 2)) || (x > 1500 && x < 2300 && y > 150 &&
          y < 260 && (x / 25) % 3 == 0);
      guint8 *p = rgb + ((gsize) y * CANVAS_W + x) * 3;

      p[0] = (guint8) CLAMP (base + grain + (shape ? 70 : 0), 0, 255);
      p[1] = (guint8) CLAMP (base * 0.9 + 20 * sin (fy * 47) + grain, 0, 255);
      p[2] = (guint8) CLAMP (base * 0.7 + 50 * fx + grain - (shape ? 40 : 0),
          0, 255);
    }
  }
  g_rand_free (rand);
  return rgb;
}

/* One frame in one colorimetry: I420 planes, NV12's pairs, YUY2 rows */
typedef struct
{
  guint8 *y, *u, *v, *uv, *yuy2;
} Frame;

static guint8
code (double v)
{
  return (guint8) CLAMP (lround (v), 0, 255);
}

/* Y'CbCr of the canvas window at (@ox, @oy) under @c, by the definitions:
 * Y = Kr R + Kg G + Kb B, Pb = (B - Y) / (2 (1 - Kb)), Pr likewise; chroma
 * averaged over each 2x2 block (4:2:0) or pixel pair (4:2:2). */
static void
make_frame (const guint8 * canvas, gint ox, gint oy,
    const ImcoreYuvColorimetry * c, Frame * f)
{
  double *pb = g_new (double, (gsize) W * H), *pr = g_new (double,
      (gsize) W * H);
  double ys = c->limited_range ? 219 : 255, yo = c->limited_range ? 16 : 0;
  double cs = c->limited_range ? 224 : 255;

  f->y = g_malloc ((gsize) W * H);
  f->u = g_malloc ((gsize) W * H / 4);
  f->v = g_malloc ((gsize) W * H / 4);
  f->uv = g_malloc ((gsize) W * H / 2);
  f->yuy2 = g_malloc ((gsize) W * H * 2);
  for (gint y = 0; y < H; y++) {
    for (gint x = 0; x < W; x++) {
      const guint8 *p = canvas + ((gsize) (oy + y) * CANVAS_W + ox + x) * 3;
      double r = p[0] / 255.0, g = p[1] / 255.0, b = p[2] / 255.0;
      double l = c->kr * r + (1 - c->kr - c->kb) * g + c->kb * b;
      gsize i = (gsize) y * W + x;

      f->y[i] = code (yo + ys * l);
      pb[i] = (b - l) / (2 * (1 - c->kb));
      pr[i] = (r - l) / (2 * (1 - c->kr));
      f->yuy2[2 * i] = f->y[i];
    }
  }
  for (gint y = 0; y < H; y++) {
    for (gint x = 0; x < W; x += 2) {
      gsize i = (gsize) y * W + x;

      f->yuy2[2 * i + 1] = code (128 + cs * (pb[i] + pb[i + 1]) / 2);
      f->yuy2[2 * i + 3] = code (128 + cs * (pr[i] + pr[i + 1]) / 2);
      if (y % 2 == 0) {
        gsize j = (gsize) (y / 2) * (W / 2) + x / 2;
        double sb = (pb[i] + pb[i + 1] + pb[i + W] + pb[i + W + 1]) / 4;
        double sr = (pr[i] + pr[i + 1] + pr[i + W] + pr[i + W + 1]) / 4;

        f->u[j] = f->uv[2 * j] = code (128 + cs * sb);
        f->v[j] = f->uv[2 * j + 1] = code (128 + cs * sr);
      }
    }
  }
  g_free (pb);
  g_free (pr);
}

static void
frame_clear (Frame * f)
{
  g_free (f->y);
  g_free (f->u);
  g_free (f->v);
  g_free (f->uv);
  g_free (f->yuy2);
}

/* ---- variants ---- */

typedef enum
{
  SRC_I420,
  SRC_NV12,
  SRC_YUY2,
} Source;

static const char *source_names[] = { "I420", "NV12", "YUY2" };

typedef struct
{
  ImcoreJpegEncoder *enc;
  tjhandle tj;
  guint8 *out;
  gsize out_size;
  guint8 *copy;                 /* a converted frame, I420 */
  ImcoreYuvConv avx2, portable;
} Ctx;

static const char *variants[] = {
  "floor", "imcore", "lut+tj", "simd+tj", "simd+raw", "conv:avx2",
  "conv:portable", "conv:lut",
};

#define N_VARIANTS G_N_ELEMENTS (variants)

static ImcoreImage
i420_image (guint8 * y, guint8 * u, guint8 * v)
{
  ImcoreImage img;

  memset (&img, 0, sizeof (img));
  img.format = IMCORE_PIXEL_I420;
  img.width = W;
  img.height = H;
  img.planes[0] = y;
  img.planes[1] = u;
  img.planes[2] = v;
  img.strides[0] = W;
  img.strides[1] = img.strides[2] = W / 2;
  return img;
}

static gsize
tj_planes (Ctx * ctx, const guint8 * y, const guint8 * u, const guint8 * v)
{
  const unsigned char *planes[3] = { y, u, v };
  int strides[3] = { W, W / 2, W / 2 };
  unsigned char *dst = ctx->out;
  unsigned long len = ctx->out_size;

  if (tjCompressFromYUVPlanes (ctx->tj, planes, W, strides, H, TJSAMP_420,
          &dst, &len, QUALITY, TJFLAG_NOREALLOC) != 0)
    g_error ("TurboJPEG: %s", tjGetErrorStr2 (ctx->tj));
  return len;
}

static gsize
imcore_planar (Ctx * ctx, const ImcoreImage * img,
    const ImcoreYuvColorimetry * c)
{
  ImcoreJpegParams p = { QUALITY, IMCORE_SUBSAMPLING_420, *c };
  size_t len = 0;
  ImcoreError err = imcore_jpeg_encode (ctx->enc, img, &p, ctx->out,
      ctx->out_size, &len);

  if (err != IMCORE_OK)
    g_error ("imcore: %s", imcore_strerror (err));
  return len;
}

/* The whole frame through the row kernels into ctx->copy (I420) */
static void
convert_frame (Ctx * ctx, const ImcoreYuvConv * conv, Source s,
    const Frame * f)
{
  guint8 *y = ctx->copy, *u = y + W * H, *v = u + W * H / 4;
  int16_t lterm[W];

  for (gint cy = 0; cy < H / 2; cy++) {
    guint8 *cu = u + (gsize) cy * W / 2, *cv = v + (gsize) cy * W / 2;

    if (s == SRC_I420)
      imcore_yuvconv_chroma_planar (conv, f->u + (gsize) cy * W / 2,
          f->v + (gsize) cy * W / 2, W / 2, cu, cv, lterm);
    else if (s == SRC_NV12)
      imcore_yuvconv_chroma_pairs (conv, f->uv + (gsize) cy * W, false,
          W / 2, cu, cv, lterm);
    else
      imcore_yuvconv_chroma_packed (conv, f->yuy2 + (gsize) 2 * cy * 2 * W,
          f->yuy2 + (gsize) (2 * cy + 1) * 2 * W, 1, 3, W / 2, cu, cv, NULL);
    for (gint r = 2 * cy; r < 2 * cy + 2; r++) {
      if (s == SRC_YUY2) {
        const guint8 *row = f->yuy2 + (gsize) r * 2 * W;

        if (conv->cross)
          imcore_yuvconv_chroma_packed (conv, row, NULL, 1, 3, W / 2, NULL,
              NULL, lterm);
        imcore_yuvconv_luma_packed (conv, row, 0, conv->cross ? lterm : NULL,
            W, y + (gsize) r * W);
      } else {
        imcore_yuvconv_luma (conv, f->y + (gsize) r * W,
            conv->cross ? lterm : NULL, 1, W, y + (gsize) r * W);
      }
    }
  }
}

/* One frame through @variant; the encoded size (0 for conversions) */
static gsize __attribute__ ((noinline))
encode_once (Ctx * ctx, guint variant, Source s, const Frame * f,
    const ImcoreYuvColorimetry * c)
{
  ImcoreImage img = i420_image (f->y, f->u, f->v);
  ImcoreImage copy = i420_image (ctx->copy, ctx->copy + W * H,
      ctx->copy + W * H + W * H / 4);
  const ImcoreYuvColorimetry jfif = IMCORE_YUV_JFIF;

  switch (variant) {
    case 0:
      return tj_planes (ctx, f->y, f->u, f->v);
    case 1:
      if (s == SRC_I420)
        return imcore_planar (ctx, &img, c);
      else {
        ImcoreInterleavedYuv yuv;
        ImcoreRect all = { 0, 0, W, H };
        ImcoreJpegParams p = { QUALITY, IMCORE_SUBSAMPLING_420, *c };
        size_t len = 0;

        memset (&yuv, 0, sizeof (yuv));
        yuv.packed = s == SRC_YUY2;
        yuv.width = W;
        yuv.height = H;
        yuv.planes[0] = yuv.packed ? f->yuy2 : f->y;
        yuv.strides[0] = yuv.packed ? 2 * W : W;
        yuv.planes[1] = f->uv;
        yuv.strides[1] = W;
        yuv.y_offset = 0;
        yuv.u_offset = yuv.packed ? 1 : 0;
        yuv.v_offset = yuv.packed ? 3 : 1;
        if (imcore_jpeg_encode_interleaved (ctx->enc, &yuv, &all, &p,
                ctx->out, ctx->out_size, &len) != IMCORE_OK)
          g_error ("imcore interleaved failed");
        return len;
      }
    case 2:
      if (imcore_yuv_is_jfif (c))
        return tj_planes (ctx, f->y, f->u, f->v);
      if (imcore_image_yuv_to_jfif (&img, c, &copy) != IMCORE_OK)
        g_error ("yuv_to_jfif failed");
      return tj_planes (ctx, copy.planes[0], copy.planes[1], copy.planes[2]);
    case 3:
      convert_frame (ctx, &ctx->avx2, s, f);
      return tj_planes (ctx, copy.planes[0], copy.planes[1], copy.planes[2]);
    case 4:
      convert_frame (ctx, &ctx->avx2, s, f);
      return imcore_planar (ctx, &copy, &jfif);
    case 5:
      convert_frame (ctx, &ctx->avx2, s, f);
      return 0;
    case 6:
      convert_frame (ctx, &ctx->portable, s, f);
      return 0;
    case 7:
      imcore_image_yuv_to_jfif (&img, c, &copy);
      return 0;
  }
  return 0;
}

/* Whether @variant applies to source @s */
static gboolean
variant_applies (guint variant, Source s)
{
  /* the old design and the floor read planar planes only */
  return s == SRC_I420 || (variant != 0 && variant != 2 && variant != 7);
}

/* CPU time of this thread, in ms */
static double
thread_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  guint rounds = argc > 1 && strcmp (argv[1], "only") != 0 ?
      (guint) atoi (argv[1]) : 40;
  Frame frames[N_COLORIMETRIES][N_FRAMES];
  ImcoreJpegEncoder *encs[N_COLORIMETRIES];
  guint8 *canvas = make_scene ();
  Ctx ctx;

  for (guint c = 0; c < N_COLORIMETRIES; c++)
    encs[c] = imcore_jpeg_encoder_new ();
  ctx.enc = encs[0];
  ctx.tj = tjInitCompress ();
  ctx.out_size = imcore_jpeg_bound (W, H, IMCORE_SUBSAMPLING_420);
  ctx.out = g_malloc (ctx.out_size);
  ctx.copy = g_malloc ((gsize) W * H * 3 / 2);
  for (guint c = 0; c < N_COLORIMETRIES; c++) {
    /* "only" makes the frames of its colorimetry alone */
    gboolean wanted = argc != 5 || strcmp (argv[1], "only") != 0 ||
        strcmp (colorimetries[c].name, argv[3]) == 0;

    for (gint i = 0; i < N_FRAMES; i++) {
      memset (&frames[c][i], 0, sizeof (Frame));
      if (wanted)
        make_frame (canvas, i * (CANVAS_W - W) / (N_FRAMES - 1),
            (i * 3 % N_FRAMES) * (CANVAS_H - H) / (N_FRAMES - 1),
            &colorimetries[c].c, &frames[c][i]);
    }
  }
  g_free (canvas);

  if (argc == 5 && strcmp (argv[1], "only") == 0) {
    guint v = 0, c = 0, n = (guint) atoi (argv[4]);
    Source s = SRC_I420;
    const char *vname = argv[2];

    if (g_str_has_prefix (vname, "nv12:")) {
      s = SRC_NV12;
      vname += 5;
    } else if (g_str_has_prefix (vname, "yuy2:")) {
      s = SRC_YUY2;
      vname += 5;
    }
    while (v < N_VARIANTS && strcmp (variants[v], vname) != 0)
      v++;
    while (c < N_COLORIMETRIES && strcmp (colorimetries[c].name, argv[3]))
      c++;
    if (v == N_VARIANTS || c == N_COLORIMETRIES || !variant_applies (v, s))
      g_error ("unknown variant or colorimetry");
    imcore_yuvconv_init (&ctx.avx2, &colorimetries[c].c, 0);
    imcore_yuvconv_init (&ctx.portable, &colorimetries[c].c,
        IMCORE_YUVCONV_PORTABLE);
    CALLGRIND_START_INSTRUMENTATION;
    for (guint i = 0; i < n; i++)
      encode_once (&ctx, v, s, &frames[c][i % N_FRAMES],
          &colorimetries[c].c);
    CALLGRIND_STOP_INSTRUMENTATION;
    printf ("%s %s %s: %u frames\n", source_names[s], variants[v],
        colorimetries[c].name, n);
    return 0;
  }

  imcore_yuvconv_init (&ctx.avx2, &colorimetries[0].c, 0);
  printf ("1920x1080 4:2:0 q%d, %d frames, median of %u interleaved rounds, "
      "ms of thread CPU time per frame (kernels: %s)\n", QUALITY, N_FRAMES,
      rounds, imcore_yuvconv_implementation (&ctx.avx2));
  for (Source s = SRC_I420; s <= SRC_YUY2; s++) {
    /* t[(c * N_VARIANTS + v) * rounds + r] */
    double *t = g_new0 (double, N_COLORIMETRIES * N_VARIANTS * rounds);
    gsize bytes[N_COLORIMETRIES][N_VARIANTS] = { {0} };
    double med[N_COLORIMETRIES][N_VARIANTS];

    /* every colorimetry and variant once a round, so that JFIF input and
     * the others see the same conditions */
    for (guint r = 0; r < rounds + 2; r++) {
      for (guint c = 0; c < N_COLORIMETRIES; c++) {
        imcore_yuvconv_init (&ctx.avx2, &colorimetries[c].c, 0);
        imcore_yuvconv_init (&ctx.portable, &colorimetries[c].c,
            IMCORE_YUVCONV_PORTABLE);
        /* one encoder per colorimetry, as a stream has */
        ctx.enc = encs[c];
        for (guint v = 0; v < N_VARIANTS; v++) {
          const Frame *f = &frames[c][r % N_FRAMES];
          double t0;
          gsize n;

          if (!variant_applies (v, s))
            continue;
          t0 = thread_ms ();
          n = encode_once (&ctx, v, s, f, &colorimetries[c].c);
          /* the first two rounds warm up */
          if (r >= 2) {
            t[(c * N_VARIANTS + v) * rounds + r - 2] = thread_ms () - t0;
            bytes[c][v] += n;
          }
        }
      }
    }
    for (guint c = 0; c < N_COLORIMETRIES; c++) {
      printf ("%s %s\n", source_names[s], colorimetries[c].name);
      for (guint v = 0; v < N_VARIANTS; v++) {
        double *tv = t + (c * N_VARIANTS + v) * rounds;

        if (!variant_applies (v, s))
          continue;
        qsort (tv, rounds, sizeof (double), compare_double);
        med[c][v] = tv[rounds / 2];
        printf ("  %-14s %7.3f ms", variants[v], med[c][v]);
        if (bytes[c][v])
          printf (" %8" G_GSIZE_FORMAT " B", bytes[c][v] / rounds);
        if (v >= 1 && v <= 4)
          printf ("   %.3fx imcore's JFIF rate", med[0][1] / med[c][v]);
        if (v >= 1 && v <= 4 && variant_applies (0, s))
          printf ("   %.3fx floor", med[c][0] / med[c][v]);
        printf ("\n");
      }
    }
    g_free (t);
  }

  for (guint c = 0; c < N_COLORIMETRIES; c++) {
    for (gint i = 0; i < N_FRAMES; i++)
      frame_clear (&frames[c][i]);
  }
  g_free (ctx.copy);
  g_free (ctx.out);
  tjDestroy (ctx.tj);
  for (guint c = 0; c < N_COLORIMETRIES; c++)
    imcore_jpeg_encoder_free (encs[c]);
  return 0;
}
