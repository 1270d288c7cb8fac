/* gst-imencode benchmarks: frames and process figures
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bench-common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* RGB content with the statistics of a photo rather than a test card:
 * low-frequency shading, mid-frequency structure, per-pixel grain and
 * hard-edged shapes (discs, a checkerboard, bars) spread over the canvas
 * so that every panned frame holds some of each. */
guint8 *
make_scene (void)
{
  guint8 *rgb = g_malloc ((gsize) CANVAS_W * CANVAS_H * 3);
  GRand *rand = g_rand_new_with_seed (1400);
  static const gint discs[][3] = {
    {1300, 400, 160}, {500, 300, 90}, {2000, 1000, 220}, {900, 1150, 60},
    {1700, 700, 40},
  };

  for (gint y = 0; y < CANVAS_H; y++) {
    for (gint x = 0; x < CANVAS_W; x++) {
      double fx = x / (double) CANVAS_W, fy = y / (double) CANVAS_H;
      double base = 110 + 60 * sin (fx * 3.9 + fy * 2.1) +
          25 * sin (fx * 29 + cos (fy * 21) * 2) * cos (fy * 23);
      double grain = g_rand_double_range (rand, -9, 9);
      gboolean shape = (x > 200 && x < 700 && y > 600 && y < 900 &&
          ((x / 40 + y / 40) % 2)) || (x > 1500 && x < 2300 && y > 150 &&
          y < 260 && (x / 25) % 3 == 0);
      guint8 *p = rgb + ((gsize) y * CANVAS_W + x) * 3;
      double r, g, b;

      for (guint i = 0; i < G_N_ELEMENTS (discs) && !shape; i++) {
        gint dx = x - discs[i][0], dy = y - discs[i][1];

        shape = dx * dx + dy * dy < discs[i][2] * discs[i][2];
      }
      r = base + grain + (shape ? 70 : 0);
      g = base * 0.9 + 20 * sin (fy * 47) + grain;
      b = base * 0.7 + 50 * fx + grain - (shape ? 40 : 0);
      p[0] = (guint8) CLAMP (r, 0, 255);
      p[1] = (guint8) CLAMP (g, 0, 255);
      p[2] = (guint8) CLAMP (b, 0, 255);
    }
  }
  g_rand_free (rand);
  return rgb;
}

GstBuffer *
new_frame_buffer (gsize size)
{
  GstAllocationParams params;

  gst_allocation_params_init (&params);
  params.align = 63;
  return gst_buffer_new_allocate (NULL, size, &params);
}

/* 8 RGB frames of @w x @h: the canvas panned over its whole spare width
 * and height, in an order that jumps around. */
void
make_rgb_frames (const guint8 * canvas, gint w, gint h, FrameSet * set)
{
  gst_video_info_set_format (&set->info, GST_VIDEO_FORMAT_RGB, w, h);
  GST_VIDEO_INFO_FPS_N (&set->info) = FPS;
  GST_VIDEO_INFO_FPS_D (&set->info) = 1;
  set->caps = gst_video_info_to_caps (&set->info);
  for (gint i = 0; i < N_FRAMES; i++) {
    gint ox = i * (CANVAS_W - w) / (N_FRAMES - 1);
    gint oy = (i * 5 % N_FRAMES) * (CANVAS_H - h) / (N_FRAMES - 1);
    GstVideoFrame f;

    set->frames[i] = new_frame_buffer (set->info.size);
    gst_video_frame_map (&f, &set->info, set->frames[i], GST_MAP_WRITE);
    for (gint y = 0; y < h; y++)
      memcpy ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f, 0) +
          (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0),
          canvas + ((gsize) (oy + y) * CANVAS_W + ox) * 3, (gsize) w * 3);
    gst_video_frame_unmap (&f);
  }
}

/* @rgb's frames converted to @format in @range and @matrix (the transfer
 * and primaries the RGB frames have, so that only the YUV coding
 * changes) */
void
make_yuv_frames_in (const FrameSet * rgb, GstVideoFormat format,
    GstVideoColorRange range, GstVideoColorMatrix matrix, FrameSet * set)
{
  GstVideoConverter *conv;

  gst_video_info_set_format (&set->info, format,
      GST_VIDEO_INFO_WIDTH (&rgb->info), GST_VIDEO_INFO_HEIGHT (&rgb->info));
  GST_VIDEO_INFO_FPS_N (&set->info) = FPS;
  GST_VIDEO_INFO_FPS_D (&set->info) = 1;
  set->info.colorimetry.range = range;
  set->info.colorimetry.matrix = matrix;
  set->info.colorimetry.transfer = rgb->info.colorimetry.transfer;
  set->info.colorimetry.primaries = rgb->info.colorimetry.primaries;
  set->caps = gst_video_info_to_caps (&set->info);
  conv = gst_video_converter_new ((GstVideoInfo *) & rgb->info, &set->info,
      gst_structure_new ("GstVideoConverter",
          GST_VIDEO_CONVERTER_OPT_DITHER_METHOD, GST_TYPE_VIDEO_DITHER_METHOD,
          GST_VIDEO_DITHER_NONE, NULL));
  if (!conv)
    g_error ("cannot convert RGB to %s", gst_video_format_to_string (format));
  for (gint i = 0; i < N_FRAMES; i++) {
    GstVideoFrame in, out;

    set->frames[i] = new_frame_buffer (set->info.size);
    gst_video_frame_map (&in, &rgb->info, rgb->frames[i], GST_MAP_READ);
    gst_video_frame_map (&out, &set->info, set->frames[i], GST_MAP_WRITE);
    gst_video_converter_frame (conv, &in, &out);
    gst_video_frame_unmap (&out);
    gst_video_frame_unmap (&in);
  }
  gst_video_converter_free (conv);
}

/* @rgb's frames converted to @format, full-range BT.601 (what a JPEG file
 * holds, so that neither imencode nor the floor converts colours). */
void
make_yuv_frames (const FrameSet * rgb, GstVideoFormat format, FrameSet * set)
{
  make_yuv_frames_in (rgb, format, GST_VIDEO_COLOR_RANGE_0_255,
      GST_VIDEO_COLOR_MATRIX_BT601, set);
}

void
frame_set_clear (FrameSet * set)
{
  for (gint i = 0; i < N_FRAMES; i++)
    gst_buffer_unref (set->frames[i]);
  gst_caps_unref (set->caps);
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

double
bench_median (double *v, guint n)
{
  qsort (v, n, sizeof (double), compare_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double
process_cpu_ms (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

gboolean
machine_cpu_ticks (guint64 * total, guint64 * steal)
{
  guint64 v[8] = { 0 };
  FILE *f = fopen ("/proc/stat", "r");
  int got = 0;

  *total = 0;
  *steal = 0;
  if (!f)
    return FALSE;
  /* user nice system idle iowait irq softirq steal */
  got = fscanf (f, "cpu %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %"
      G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %"
      G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &v[0],
      &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
  fclose (f);
  if (got != 8)
    return FALSE;
  for (int i = 0; i < 8; i++)
    *total += v[i];
  *steal = v[7];
  return TRUE;
}

guint64
process_minor_faults (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return (guint64) ru.ru_minflt;
}
