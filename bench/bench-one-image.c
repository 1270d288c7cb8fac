/* gst-imencode benchmark: one large image alone, its latency by threads
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An on-demand snapshot: one frame pushed into an idle pipeline, and the
 * time until its JPEG comes out.
 *
 *   appsrc ! imencode threads=N quality=85 ! appsink sync=false
 *
 * The frame is limited-range BT.709 I420 (what cameras and decoders
 * send), photo-like: bench-common's scene scaled to the size with
 * GstVideoConverter's Lanczos, and grain added after. Each round pushes
 * the frame once into every pipeline in turn (threads=1 first, then each
 * other setting), waiting for the JPEG on the appsink before the next push
 * and sleeping gap-ms (20) between pushes, so that each image meets idle
 * threads. Measured: wall time from gst_app_src_push_buffer() to the
 * sample pulled; process CPU time over the same span. Reported: the
 * median over the rounds (and the wall time's quartiles), the ratio
 * against threads=1, the file sizes, and whether every setting's file
 * decodes (TurboJPEG) to the same pixels as threads=1's. Floors, the
 * same frame, no GStreamer: TurboJPEG's tjCompressFromYUVPlanes on the
 * planes as they are (wrong colours: no BT.709 to JFIF conversion) and
 * imcore_jpeg_encode() (which converts), one thread; imcore's slices on
 * one new thread per core (threads made for each image are placed on idle
 * CPUs, which wakeups are not: see HACKING.md).
 *
 *   bench-one-image [rounds [width height [gap-ms [threads...]]]]
 *
 * Defaults: 15 rounds, 3840x2160, 20 ms between pushes, threads 1 and 2.
 */
#include "bench-common.h"
#include "imcore.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

#define QUALITY 85
#define MAX_SETTINGS 8

typedef struct
{
  guint threads;
  GstElement *pipeline, *src, *sink;
  double *wall_ms, *cpu_ms;
  gsize bytes;
  guint8 *pixels;               /* the last file decoded */
  gboolean same;                /* every file decoded as threads=1's */
} Setting;

/* The scene scaled to @w x @h as RGB, with grain, then limited BT.709
 * I420 */
static GstBuffer *
make_frame (gint w, gint h, GstVideoInfo * info)
{
  guint8 *canvas = make_scene ();
  GstVideoInfo cinfo, rinfo;
  GstBuffer *cbuf, *rbuf, *out;
  GstVideoFrame cf, rf, of;
  GstVideoConverter *conv;
  GRand *rand = g_rand_new_with_seed (2160);

  gst_video_info_set_format (&cinfo, GST_VIDEO_FORMAT_RGB, CANVAS_W,
      CANVAS_H);
  cbuf = gst_buffer_new_wrapped (canvas, (gsize) CANVAS_W * CANVAS_H * 3);
  gst_video_info_set_format (&rinfo, GST_VIDEO_FORMAT_RGB, w, h);
  rbuf = gst_buffer_new_allocate (NULL, rinfo.size, NULL);
  conv = gst_video_converter_new (&cinfo, &rinfo,
      gst_structure_new ("GstVideoConverter",
          GST_VIDEO_CONVERTER_OPT_RESAMPLER_METHOD,
          GST_TYPE_VIDEO_RESAMPLER_METHOD, GST_VIDEO_RESAMPLER_METHOD_LANCZOS,
          NULL));
  gst_video_frame_map (&cf, &cinfo, cbuf, GST_MAP_READ);
  gst_video_frame_map (&rf, &rinfo, rbuf, GST_MAP_READWRITE);
  gst_video_converter_frame (conv, &cf, &rf);
  gst_video_converter_free (conv);
  for (gint y = 0; y < h; y++) {
    guint8 *row = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&rf, 0) +
        (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&rf, 0);

    for (gint x = 0; x < w * 3; x++) {
      gint v = row[x] + g_rand_int_range (rand, -6, 7);

      row[x] = (guint8) CLAMP (v, 0, 255);
    }
  }

  gst_video_info_set_format (info, GST_VIDEO_FORMAT_I420, w, h);
  info->colorimetry.range = GST_VIDEO_COLOR_RANGE_16_235;
  info->colorimetry.matrix = GST_VIDEO_COLOR_MATRIX_BT709;
  info->colorimetry.transfer = GST_VIDEO_TRANSFER_BT709;
  info->colorimetry.primaries = GST_VIDEO_COLOR_PRIMARIES_BT709;
  GST_VIDEO_INFO_FPS_N (info) = 0;
  GST_VIDEO_INFO_FPS_D (info) = 1;
  out = new_frame_buffer (info->size);
  conv = gst_video_converter_new (&rinfo, info,
      gst_structure_new ("GstVideoConverter",
          GST_VIDEO_CONVERTER_OPT_DITHER_METHOD, GST_TYPE_VIDEO_DITHER_METHOD,
          GST_VIDEO_DITHER_NONE, NULL));
  gst_video_frame_map (&of, info, out, GST_MAP_WRITE);
  gst_video_converter_frame (conv, &rf, &of);
  gst_video_converter_free (conv);
  gst_video_frame_unmap (&of);
  gst_video_frame_unmap (&rf);
  gst_video_frame_unmap (&cf);
  gst_buffer_unref (rbuf);
  gst_buffer_unref (cbuf);
  g_rand_free (rand);
  return out;
}

static guint8 *
decode (const guint8 * jpeg, gsize len, gint w, gint h)
{
  tjhandle tj = tjInitDecompress ();
  guint8 *px = g_malloc ((gsize) w * h * 3);

  if (tjDecompress2 (tj, jpeg, len, px, w, 0, h, TJPF_RGB, 0) != 0)
    g_error ("TurboJPEG cannot decode a file: %s", tjGetErrorStr2 (tj));
  tjDestroy (tj);
  return px;
}

static void
setting_start (Setting * s, const GstVideoInfo * info, guint rounds)
{
  GstCaps *caps = gst_video_info_to_caps (info);
  gchar *desc = g_strdup_printf ("appsrc name=src format=time ! "
      "imencode threads=%u quality=%d ! appsink name=sink sync=false",
      s->threads, QUALITY);
  GError *error = NULL;

  s->pipeline = gst_parse_launch (desc, &error);
  if (!s->pipeline)
    g_error ("%s: %s", desc, error->message);
  s->src = gst_bin_get_by_name (GST_BIN (s->pipeline), "src");
  s->sink = gst_bin_get_by_name (GST_BIN (s->pipeline), "sink");
  g_object_set (s->src, "caps", caps, NULL);
  gst_element_set_state (s->pipeline, GST_STATE_PLAYING);
  s->wall_ms = g_new0 (double, rounds);
  s->cpu_ms = g_new0 (double, rounds);
  s->same = TRUE;
  gst_caps_unref (caps);
  g_free (desc);
}

/* Pushes @frame, waits for its JPEG; round @r's figures (@warm: not
 * counted) */
static void
setting_push (Setting * s, GstBuffer * frame, const GstVideoInfo * info,
    guint r, gboolean warm, const guint8 * ref_pixels)
{
  GstBuffer *buf = gst_buffer_copy (frame);     /* shares the memory */
  gint64 t0;
  double c0;
  GstSample *sample;
  GstMapInfo map;

  GST_BUFFER_PTS (buf) = (GstClockTime) r * GST_SECOND;
  c0 = process_cpu_ms ();
  t0 = g_get_monotonic_time ();
  if (gst_app_src_push_buffer (GST_APP_SRC (s->src), buf) != GST_FLOW_OK)
    g_error ("push failed");
  sample = gst_app_sink_try_pull_sample (GST_APP_SINK (s->sink),
      10 * GST_SECOND);
  if (!sample)
    g_error ("threads=%u: no JPEG within 10 s", s->threads);
  if (!warm) {
    s->wall_ms[r] = (g_get_monotonic_time () - t0) / 1e3;
    s->cpu_ms[r] = process_cpu_ms () - c0;
  }
  gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ);
  s->bytes = map.size;
  g_free (s->pixels);
  s->pixels = decode (map.data, map.size, GST_VIDEO_INFO_WIDTH (info),
      GST_VIDEO_INFO_HEIGHT (info));
  if (ref_pixels && memcmp (s->pixels, ref_pixels,
          (gsize) GST_VIDEO_INFO_WIDTH (info) *
          GST_VIDEO_INFO_HEIGHT (info) * 3) != 0)
    s->same = FALSE;
  gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
  gst_sample_unref (sample);
}

static void
setting_stop (Setting * s)
{
  gst_element_set_state (s->pipeline, GST_STATE_NULL);
  gst_object_unref (s->src);
  gst_object_unref (s->sink);
  gst_object_unref (s->pipeline);
  g_free (s->wall_ms);
  g_free (s->cpu_ms);
  g_free (s->pixels);
}

/* A slice of the sliced floor, on a thread of its own */
typedef struct
{
  ImcoreJpegEncoder *enc;
  const ImcoreImage *img;
  const ImcoreJpegParams *params;
  const ImcoreJpegSlices *slices;
  guint index;
  guint8 *out;
  gsize out_size, len;
} FloorSlice;

static gpointer
floor_slice (gpointer data)
{
  FloorSlice *fs = data;

  if (imcore_jpeg_encode_slice (fs->enc, fs->img, fs->params, fs->slices,
          fs->index, fs->out, fs->out_size, &fs->len) != IMCORE_OK)
    g_error ("imcore_jpeg_encode_slice failed");
  return NULL;
}

/* The floors: no GStreamer; one thread, and imcore's slices on as many
 * threads (made for each image) as the machine has cores */

static void
floors (GstBuffer * frame, const GstVideoInfo * info, guint rounds,
    guint gap_ms)
{
  GstVideoFrame f;
  tjhandle tj = tjInitCompress ();
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  gint w = GST_VIDEO_INFO_WIDTH (info), h = GST_VIDEO_INFO_HEIGHT (info);
  ImcoreJpegParams params = { QUALITY, IMCORE_SUBSAMPLING_420,
    {0.2126, 0.0722, true}
  };
  size_t bound = imcore_jpeg_bound_params (w, h, &params);
  guint8 *out = g_malloc (bound);
  double *tj_ms = g_new0 (double, rounds), *im_ms = g_new0 (double, rounds);
  ImcoreImage img = { IMCORE_PIXEL_I420, w, h };
  size_t len = 0;
  unsigned long tj_len = 0;

  gst_video_frame_map (&f, info, frame, GST_MAP_READ);
  for (guint c = 0; c < 3; c++) {
    img.planes[c] = GST_VIDEO_FRAME_PLANE_DATA (&f, c);
    img.strides[c] = GST_VIDEO_FRAME_PLANE_STRIDE (&f, c);
  }
  for (guint r = 0; r <= rounds; r++) {
    const unsigned char *planes[3] = { img.planes[0], img.planes[1],
      img.planes[2]
    };
    int strides[3] = { (int) img.strides[0], (int) img.strides[1],
      (int) img.strides[2]
    };
    unsigned char *dst = out;
    gint64 t0 = g_get_monotonic_time ();

    tj_len = bound;
    if (tjCompressFromYUVPlanes (tj, planes, w, strides, h, TJSAMP_420, &dst,
            &tj_len, QUALITY, TJFLAG_NOREALLOC | TJFLAG_FASTDCT) != 0)
      g_error ("tjCompressFromYUVPlanes: %s", tjGetErrorStr2 (tj));
    if (r > 0)
      tj_ms[r - 1] = (g_get_monotonic_time () - t0) / 1e3;
    t0 = g_get_monotonic_time ();
    if (imcore_jpeg_encode (enc, &img, &params, out, bound, &len) !=
        IMCORE_OK)
      g_error ("imcore_jpeg_encode failed");
    if (r > 0)
      im_ms[r - 1] = (g_get_monotonic_time () - t0) / 1e3;
  }
  {
    guint n = MIN (g_get_num_processors (), 16);
    ImcoreJpegSlices slices;
    FloorSlice fs[16];
    GThread *threads[16];
    double *sl_ms = g_new0 (double, rounds);
    const guint8 *parts[16];
    gsize lens[16];

    n = imcore_jpeg_slices_plan (w, h, &params, n, &slices);
    for (guint i = 0; i < n; i++) {
      fs[i].enc = imcore_jpeg_encoder_new ();
      fs[i].img = &img;
      fs[i].params = &params;
      fs[i].slices = &slices;
      fs[i].index = i;
      fs[i].out_size = i ? imcore_jpeg_slice_bound (w, &params, &slices, i) :
          bound;
      fs[i].out = i ? g_malloc (fs[i].out_size) : out;
    }
    for (guint r = 0; r <= rounds; r++) {
      gint64 t0;

      g_usleep (gap_ms * 1000);
      t0 = g_get_monotonic_time ();
      for (guint i = 1; i < n; i++)
        threads[i] = g_thread_new ("slice", floor_slice, &fs[i]);
      floor_slice (&fs[0]);
      for (guint i = 1; i < n; i++)
        g_thread_join (threads[i]);
      for (guint i = 0; i < n; i++) {
        parts[i] = fs[i].out;
        lens[i] = fs[i].len;
      }
      len = lens[0];
      if (imcore_jpeg_join_slices (&slices, parts, lens, out, bound, &len) !=
          IMCORE_OK)
        g_error ("imcore_jpeg_join_slices failed");
      if (r > 0)
        sl_ms[r - 1] = (g_get_monotonic_time () - t0) / 1e3;
    }
    printf ("  floor imcore, %u slices on %u threads              %8.2f ms  "
        "%8zu B\n", n, n, bench_median (sl_ms, rounds), len);
    for (guint i = 0; i < n; i++) {
      imcore_jpeg_encoder_free (fs[i].enc);
      if (i)
        g_free (fs[i].out);
    }
    g_free (sl_ms);
  }
  gst_video_frame_unmap (&f);
  printf ("  floor tjCompressFromYUVPlanes (no conversion) %8.2f ms  "
      "%8lu B\n", bench_median (tj_ms, rounds), tj_len);
  printf ("  floor imcore_jpeg_encode (BT.709 -> JFIF)      %8.2f ms  "
      "%8zu B\n", bench_median (im_ms, rounds), len);
  tjDestroy (tj);
  imcore_jpeg_encoder_free (enc);
  g_free (out);
  g_free (tj_ms);
  g_free (im_ms);
}

int
main (int argc, char **argv)
{
  guint rounds = argc > 1 ? (guint) atoi (argv[1]) : 15;
  gint w = argc > 3 ? atoi (argv[2]) : 3840, h = argc > 3 ? atoi (argv[3]) :
      2160;
  guint gap_ms = argc > 4 ? (guint) atoi (argv[4]) : 20;
  Setting settings[MAX_SETTINGS];
  guint n = 0;
  GstVideoInfo info;
  GstBuffer *frame;
  double base_wall = 0;
  guint64 total0, steal0, total1, steal1;

  gst_init (&argc, &argv);
  if (rounds < 1 || w < 16 || h < 16)
    g_error ("usage: bench-one-image [rounds [width height [threads...]]]");
  memset (settings, 0, sizeof (settings));
  settings[n++].threads = 1;
  for (gint i = 5; i < argc && n < MAX_SETTINGS; i++) {
    if (atoi (argv[i]) != 1)
      settings[n++].threads = (guint) atoi (argv[i]);
  }
  if (argc <= 5)
    settings[n++].threads = 2;

  frame = make_frame (w, h, &info);
  machine_cpu_ticks (&total0, &steal0);
  printf ("One %dx%d limited BT.709 I420 image pushed alone, JPEG q%d, "
      "median of %u rounds, %u ms apart (%u cores)\n", w, h, QUALITY, rounds,
      gap_ms, g_get_num_processors ());
  floors (frame, &info, rounds, gap_ms);
  for (guint i = 0; i < n; i++)
    setting_start (&settings[i], &info, rounds);
  for (guint r = 0; r <= rounds; r++) {
    for (guint i = 0; i < n; i++) {
      g_usleep (gap_ms * 1000);
      /* round 0 warms up: pools, encoders, caches */
      setting_push (&settings[i], frame, &info, r ? r - 1 : 0, r == 0,
          i ? settings[0].pixels : NULL);
    }
  }
  for (guint i = 0; i < n; i++) {
    Setting *s = &settings[i];
    double wall = bench_median (s->wall_ms, rounds), cpu = bench_median (s->cpu_ms,
        rounds);
    /* sorted by bench_median () */
    double q1 = s->wall_ms[rounds / 4], q3 = s->wall_ms[rounds * 3 / 4];

    if (i == 0)
      base_wall = wall;
    printf ("  imencode threads=%-3u  %8.2f ms (quartiles %.2f-%.2f)  "
        "%5.2fx threads=1  CPU %8.2f ms  %8" G_GSIZE_FORMAT " B (%+.3f %%)  "
        "pixels %s\n", s->threads, wall, q1, q3, wall / base_wall, cpu,
        s->bytes,
        100.0 * ((double) s->bytes / settings[0].bytes - 1),
        s->same ? "same" : "DIFFER");
  }
  /* a busy host takes the second vCPU away for milliseconds at a time,
   * which no setting here can help: say how much it did */
  if (machine_cpu_ticks (&total1, &steal1) && total1 > total0)
    printf ("  steal: %.1f %% of the machine's CPU time during the run "
        "(other guests on the host; a quiet host: below 1 %%)\n",
        100.0 * (steal1 - steal0) / (total1 - total0));
  for (guint i = 0; i < n; i++)
    setting_stop (&settings[i]);
  gst_buffer_unref (frame);
  return 0;
}
