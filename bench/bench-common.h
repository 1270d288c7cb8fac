/* gst-imencode benchmarks: frames and process figures
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A 2400x1400 RGB scene of generated natural-looking content, panned to
 * N_FRAMES distinct frames of any size, then converted by GstVideoConverter
 * into the format and colorimetry a scenario feeds. Made once, untimed.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <gst/gst.h>
#include <gst/video/video.h>

#define CANVAS_W 2400
#define CANVAS_H 1400
#define N_FRAMES 8
#define FPS 30

/* One format's frames, ready to push (caps at FPS frames per second). */
typedef struct
{
  GstVideoInfo info;
  GstCaps *caps;
  GstBuffer *frames[N_FRAMES];
} FrameSet;

/* A newly allocated CANVAS_W x CANVAS_H RGB scene (3 bytes a pixel, no
 * padding) with the statistics of a photo rather than a test card; the
 * same bytes on every call. Free with g_free(). */
guint8 *make_scene (void);

/* A buffer of @size bytes aligned to 64, for a frame. */
GstBuffer *new_frame_buffer (gsize size);

/* Fills @set with N_FRAMES RGB frames of @w x @h (at most the canvas's
 * size) cut from @canvas at distinct offsets. */
void make_rgb_frames (const guint8 * canvas, gint w, gint h, FrameSet * set);

/* Fills @set with @rgb's frames converted to @format in @range and
 * @matrix (transfer and primaries stay @rgb's). */
void make_yuv_frames_in (const FrameSet * rgb, GstVideoFormat format,
    GstVideoColorRange range, GstVideoColorMatrix matrix, FrameSet * set);

/* make_yuv_frames_in() in full-range BT.601, a JPEG file's own
 * colorimetry (nothing to convert). */
void make_yuv_frames (const FrameSet * rgb, GstVideoFormat format,
    FrameSet * set);

/* Releases what make_*_frames() put in @set. */
void frame_set_clear (FrameSet * set);

/* The median of the @n (> 0) values at @v, which it sorts in place
 * (ascending): the mean of the middle two for an even @n. */
double bench_median (double *v, guint n);

/* CPU time of the process (all its threads), user and system, in ms.
 * Does not allocate. */
double process_cpu_ms (void);

/* The machine's CPU time so far in clock ticks, from the "cpu" line of
 * /proc/stat (Linux): @total all of it (idle included), @steal the part
 * the hypervisor ran other guests in while this one wanted to run. FALSE,
 * both 0, where it cannot be read. */
gboolean machine_cpu_ticks (guint64 * total, guint64 * steal);

/* Minor page faults of the process so far. Does not allocate. */
guint64 process_minor_faults (void);

#endif /* BENCH_COMMON_H */
