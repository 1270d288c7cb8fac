/* gst-imencode benchmark: imencode against jpegenc / pngenc / cv2 and the
 * raw libraries
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Encoding throughput on the same frames, in one run. A 2400x1400 scene of
 * generated natural-looking content (smooth shading, fine grain, hard-edged
 * shapes; see make_scene()) is panned to make 8 distinct 1920x1080 frames,
 * prepared once (untimed) as I420, NV12 and RGB GstBuffers; I420 and NV12
 * are full-range BT.601, the JPEG file's own colorimetry. Each scenario
 * pushes them round-robin, with PTS at 30 fps, through
 *
 *   appsrc block=true format=time ! <chain> ! fakesink sync=false
 *
 * A pad probe on the fakesink counts outputs and their bytes; the clock
 * starts when the first WARM outputs are out (negotiation, allocation and
 * the first passes over fresh memory are not timed) and stops at the last
 * output. Reported: frames per second, average bytes per output, and the
 * ratios against the stock GStreamer chain and the raw-library floor
 * (TurboJPEG / libpng called in a loop on the same frames, one thread).
 *
 *   J1  I420 -> JPEG q85 4:2:0      imencode threads=1/0, jpegenc
 *   J2  RGB -> JPEG 4:2:0           videoconvert ! I420 ! jpegenc
 *   J3  I420 -> crop 1280x720 -> 640x360 JPEG   videocrop ! videoscale
 *   J4  NV12 -> JPEG                jpegenc; and imencode J4 against J1
 *   C1-C4  what cameras and decoders send: limited-range BT.601 / BT.709
 *       I420, NV12, YUY2 640x480 and the J3 crop, each against the same
 *       format in full-range BT.601 (JFIF's own, no conversion) and
 *       against jpegenc with the same caps (which converts nothing and so
 *       writes wrong levels); the pipelines of a group run in interleaved
 *       rounds, and the raw floors are TurboJPEG on the planes as they are
 *       and imcore's encoder (which converts) called directly
 *   P1  RGB -> PNG level 1          pngenc, cv2.imencode (cv2-png.py);
 *       floors: libpng (its filters; SUB + Z_RLE as cv2) and imencode's
 *       own encoder (libdeflate) called directly
 *   B1  J1 as base64 text           against binary J1
 *
 * Run under LD_PRELOAD=malloc-count.so (run-imencode.sh does), it also
 * prints the heap allocations per frame in the timed section, by origin:
 * libturbojpeg/libjpeg, libpng/zlib, other (GLib, GStreamer, the plugin).
 * The thread feeding appsrc is not counted. And it runs imencode threads=0
 * on J3 for many frames, printing VmRSS part way and at the end.
 *
 *   bench-imencode [jpeg-frames [png-frames [rss-frames]]]
 */
#include "bench-common.h"
#include "imcore.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <glib/gstdio.h>
#include <gst/video/video.h>
#include <math.h>
#include <png.h>
#include <stdarg.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
#include <unistd.h>
#include <zlib.h>

#define W 1920
#define H 1080
#define QUALITY 85

/* J3: a 1280x720 crop at (320,180), scaled to 640x360 */
#define CROP_X 320
#define CROP_Y 180
#define CROP_W 1280
#define CROP_H 720
#define SMALL_W 640
#define SMALL_H 360

/* C3: a webcam's size */
#define CAM_W 640
#define CAM_H 480

/* C rows: interleaved rounds per group */
#define C_ROUNDS 5

#define JPEG_WARM 16            /* untimed outputs before the clock starts */
#define PNG_WARM 6
#define FLOOR_WARM 4

#ifndef BENCH_CV2_SCRIPT
#define BENCH_CV2_SCRIPT "bench/cv2-png.py"
#endif
#define PYTHON "/usr/bin/python3"

/* origins counted by malloc-count.c, in its order */
enum
{
  ORIGIN_JPEG,
  ORIGIN_PNG,
  ORIGIN_OTHER,
  N_ORIGINS
};

static unsigned long long (*malloc_count) (int origin);
static void (*malloc_ignore_thread) (int ignore);

static void
snapshot_allocs (guint64 * out)
{
  for (gint i = 0; i < N_ORIGINS; i++)
    out[i] = malloc_count ? malloc_count (i) : 0;
}

/* VmRSS in KiB; open/read rather than stdio, so that reading it from the
 * streaming thread does not allocate. */
static guint64
read_rss_kib (void)
{
  char text[4096];
  const char *line;
  gssize n;
  gint fd = open ("/proc/self/status", O_RDONLY);

  if (fd < 0)
    return 0;
  n = read (fd, text, sizeof (text) - 1);
  close (fd);
  if (n <= 0)
    return 0;
  text[n] = '\0';
  line = strstr (text, "VmRSS:");
  return line ? g_ascii_strtoull (line + 6, NULL, 10) : 0;
}

/* ---- frames (bench-common.c) ---- */

static void
map_frames (const FrameSet * set, GstVideoFrame * frames)
{
  for (gint i = 0; i < N_FRAMES; i++) {
    if (!gst_video_frame_map (&frames[i], (GstVideoInfo *) & set->info,
            set->frames[i], GST_MAP_READ))
      g_error ("cannot map a frame");
  }
}

static void
unmap_frames (GstVideoFrame * frames)
{
  for (gint i = 0; i < N_FRAMES; i++)
    gst_video_frame_unmap (&frames[i]);
}

/* ---- measurements ---- */

typedef struct
{
  gboolean ok;
  double fps;
  double bytes;                 /* average per timed output */
  double allocs[N_ORIGINS];     /* per timed output; < 0: not counted */
  guint64 rss_kib[2];           /* pipelines with RSS checkpoints */
  double cpu_ms;                /* process CPU time per timed output */
} Result;

static void
set_allocs (Result * r, const guint64 * a0, const guint64 * a1, guint64 n)
{
  for (gint i = 0; i < N_ORIGINS; i++)
    r->allocs[i] = malloc_count && n ? (double) (a1[i] - a0[i]) / n : -1;
}

/* What the fakesink probe sees, in the streaming thread. */
typedef struct
{
  guint64 warm, last;           /* the clock runs from output warm to last */
  guint64 rss_at[2];            /* read VmRSS after these many outputs */
  guint64 count, bytes;
  gint64 t0, t1;
  double cpu0, cpu1;
  guint64 a0[N_ORIGINS], a1[N_ORIGINS];
  guint64 rss_kib[2];
} Tally;

static void
tally_output (Tally * t, gsize size)
{
  t->count++;
  if (t->count > t->warm && t->count <= t->last)
    t->bytes += size;
  if (t->count == t->warm) {
    snapshot_allocs (t->a0);
    t->t0 = g_get_monotonic_time ();
    t->cpu0 = process_cpu_ms ();
  }
  if (t->count == t->last) {
    t->t1 = g_get_monotonic_time ();
    t->cpu1 = process_cpu_ms ();
    snapshot_allocs (t->a1);
  }
  for (gint k = 0; k < 2; k++) {
    if (t->count == t->rss_at[k])
      t->rss_kib[k] = read_rss_kib ();
  }
}

static GstPadProbeReturn
on_output (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Tally *t = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    tally_output (t, gst_buffer_get_size (GST_PAD_PROBE_INFO_BUFFER (info)));
  } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST (info);

    for (guint i = 0; i < gst_buffer_list_length (list); i++)
      tally_output (t, gst_buffer_get_size (gst_buffer_list_get (list, i)));
  }
  return GST_PAD_PROBE_OK;
}

/* A pipeline error must not leave the feeding thread blocked in appsrc:
 * lift the queue limit so that it runs to EOS and finds the error. */
static GstBusSyncReply
on_bus_sync (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gint *failed = g_object_get_data (G_OBJECT (user_data), "bench-failed");

    g_atomic_int_set (failed, 1);
    gst_app_src_set_max_bytes (GST_APP_SRC (user_data), G_MAXUINT64);
  }
  return GST_BUS_PASS;
}

/* Pushes @outputs frames of @set through @chain; the clock runs from
 * output @warm to the last. @rss_at: outputs after which to read VmRSS
 * (0: never). */
static Result
run_pipeline (const FrameSet * set, const gchar * chain, guint warm,
    guint frames, guint rss_at0, guint rss_at1)
{
  Result r = { FALSE };
  Tally t = { 0 };
  gchar *desc = g_strdup_printf ("appsrc name=src ! %s ! "
      "fakesink name=sink sync=false enable-last-sample=false", chain);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  GstElement *src, *sink;
  GstPad *pad;
  GstBus *bus;
  GstMessage *msg;
  gint failed = 0;
  guint64 total = (guint64) warm + frames;

  if (!pipe || err) {
    printf ("  (cannot build \"%s\": %s)\n", chain, err ? err->message : "?");
    g_clear_error (&err);
    if (pipe)
      gst_object_unref (pipe);
    g_free (desc);
    return r;
  }
  t.warm = warm;
  t.last = total;
  t.rss_at[0] = rss_at0;
  t.rss_at[1] = rss_at1;
  src = gst_bin_get_by_name (GST_BIN (pipe), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  g_object_set (src, "caps", set->caps, "format", GST_FORMAT_TIME,
      "block", TRUE, "max-bytes", (guint64) set->info.size * 4, NULL);
  g_object_set_data (G_OBJECT (src), "bench-failed", &failed);
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, on_output, &t, NULL);
  gst_object_unref (pad);
  bus = gst_element_get_bus (pipe);
  gst_bus_set_sync_handler (bus, on_bus_sync, src, NULL);

  gst_element_set_state (pipe, GST_STATE_PLAYING);
  /* the frames pushed are the harness's, not the pipeline's allocations */
  if (malloc_ignore_thread)
    malloc_ignore_thread (1);
  for (guint64 i = 0; i < total && !g_atomic_int_get (&failed); i++) {
    GstBuffer *b = gst_buffer_copy (set->frames[i % N_FRAMES]);

    GST_BUFFER_PTS (b) = gst_util_uint64_scale (i, GST_SECOND, FPS);
    GST_BUFFER_DURATION (b) = gst_util_uint64_scale (1, GST_SECOND, FPS);
    if (gst_app_src_push_buffer (GST_APP_SRC (src), b) != GST_FLOW_OK)
      break;
  }
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  if (malloc_ignore_thread)
    malloc_ignore_thread (0);

  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    printf ("  (\"%s\" failed: %s)\n", chain, err->message);
    g_clear_error (&err);
    g_free (dbg);
  } else if (t.count < total || t.t1 <= t.t0) {
    printf ("  (\"%s\" gave %" G_GUINT64_FORMAT " outputs for %"
        G_GUINT64_FORMAT " frames)\n", chain, t.count, total);
  } else {
    r.ok = TRUE;
    r.fps = frames / ((t.t1 - t.t0) / 1e6);
    r.cpu_ms = (t.cpu1 - t.cpu0) / frames;
    r.bytes = (double) t.bytes / frames;
    set_allocs (&r, t.a0, t.a1, frames);
    r.rss_kib[0] = t.rss_kib[0];
    r.rss_kib[1] = t.rss_kib[1];
  }
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (src);
  gst_object_unref (pipe);
  g_free (desc);
  return r;
}

/* A pipeline of a C group */
typedef struct
{
  const FrameSet *set;
  gchar *chain;
  Result r;
} GroupRun;

static int
compare_fps (const void *a, const void *b)
{
  const Result *x = a, *y = b;

  return x->fps < y->fps ? -1 : x->fps > y->fps;
}

/* Runs the @n pipelines of @runs in C_ROUNDS interleaved rounds of
 * @frames / C_ROUNDS frames each, so that load from elsewhere falls on all
 * of them alike; each gets its median round. */
static void
run_group (GroupRun * runs, guint n, guint frames)
{
  Result *rounds = g_new0 (Result, (gsize) n * C_ROUNDS);
  guint per = MAX (frames / C_ROUNDS, 20);

  for (guint k = 0; k < C_ROUNDS; k++) {
    for (guint i = 0; i < n; i++)
      rounds[i * C_ROUNDS + k] = run_pipeline (runs[i].set, runs[i].chain,
          JPEG_WARM, per, 0, 0);
  }
  for (guint i = 0; i < n; i++) {
    Result *r = &rounds[i * C_ROUNDS];
    gboolean ok = TRUE;

    for (guint k = 0; k < C_ROUNDS; k++)
      ok = ok && r[k].ok;
    qsort (r, C_ROUNDS, sizeof (Result), compare_fps);
    runs[i].r = ok ? r[C_ROUNDS / 2] : (Result) {
    FALSE};
  }
  g_free (rounds);
}

/* Encodes frame @i (mod N_FRAMES); returns the encoded size. */
typedef gsize (*EncodeFunc) (gpointer ctx, guint i);

/* The floor's loop: @warm untimed calls, then @frames timed ones. */
static Result
time_loop (EncodeFunc encode, gpointer ctx, guint frames)
{
  Result r = { TRUE };
  guint64 a0[N_ORIGINS], a1[N_ORIGINS], bytes = 0;
  gint64 t0, t1;
  double cpu0, cpu1;

  for (guint i = 0; i < FLOOR_WARM; i++)
    encode (ctx, i);
  snapshot_allocs (a0);
  t0 = g_get_monotonic_time ();
  cpu0 = process_cpu_ms ();
  for (guint i = 0; i < frames; i++)
    bytes += encode (ctx, i);
  t1 = g_get_monotonic_time ();
  cpu1 = process_cpu_ms ();
  snapshot_allocs (a1);
  r.fps = frames / ((t1 - t0) / 1e6);
  r.cpu_ms = (cpu1 - cpu0) / frames;
  r.bytes = (double) bytes / frames;
  set_allocs (&r, a0, a1, frames);
  return r;
}

/* ---- raw-library floors ---- */

typedef struct
{
  tjhandle tj;
  guint8 *out;
  gint w, h;
  GstVideoFrame frames[N_FRAMES];
  /* J3: crop and scale into @small first */
  GstVideoConverter *conv;
  GstBuffer *small_buf;
  GstVideoFrame small;
  /* C rows: imcore's encoder instead of TurboJPEG, converting from @yuv */
  ImcoreJpegEncoder *imcore;
  ImcoreYuvColorimetry yuv;
  gsize out_size;
} TjFloor;

static void
tj_check (TjFloor * c, gint rc)
{
  if (rc != 0)
    g_error ("TurboJPEG: %s", tjGetErrorStr2 (c->tj));
}

static gsize
tj_encode_planes (TjFloor * c, const GstVideoFrame * f, gint w, gint h)
{
  const unsigned char *planes[3];
  gint strides[3];
  unsigned char *dst = c->out;
  unsigned long len = 0;

  for (gint p = 0; p < 3; p++) {
    planes[p] = GST_VIDEO_FRAME_PLANE_DATA (f, p);
    strides[p] = GST_VIDEO_FRAME_PLANE_STRIDE (f, p);
  }
  tj_check (c, tjCompressFromYUVPlanes (c->tj, planes, w, strides, h,
          TJSAMP_420, &dst, &len, QUALITY, TJFLAG_NOREALLOC));
  return len;
}

static gsize
tj_encode_i420 (gpointer ctx, guint i)
{
  TjFloor *c = ctx;

  return tj_encode_planes (c, &c->frames[i % N_FRAMES], c->w, c->h);
}

static gsize
tj_encode_rgb (gpointer ctx, guint i)
{
  TjFloor *c = ctx;
  const GstVideoFrame *f = &c->frames[i % N_FRAMES];
  unsigned char *dst = c->out;
  unsigned long len = 0;

  tj_check (c, tjCompress2 (c->tj, GST_VIDEO_FRAME_PLANE_DATA (f, 0), c->w,
          GST_VIDEO_FRAME_PLANE_STRIDE (f, 0), c->h, TJPF_RGB, &dst, &len,
          TJSAMP_420, QUALITY, TJFLAG_NOREALLOC));
  return len;
}

static gsize
tj_encode_crop_scale (gpointer ctx, guint i)
{
  TjFloor *c = ctx;

  gst_video_converter_frame (c->conv, &c->frames[i % N_FRAMES], &c->small);
  return tj_encode_planes (c, &c->small, SMALL_W, SMALL_H);
}

/* imcore's encoder on a mapped I420, NV12 or YUY2 frame, with the
 * colorimetry it carries */
static gsize
imcore_encode_frame (TjFloor * c, const GstVideoFrame * f)
{
  ImcoreJpegParams p = { QUALITY, IMCORE_SUBSAMPLING_420, c->yuv };
  GstVideoFormat format = GST_VIDEO_FRAME_FORMAT (f);
  ImcoreRect all = { 0, 0, GST_VIDEO_FRAME_WIDTH (f),
    GST_VIDEO_FRAME_HEIGHT (f)
  };
  ImcoreError err;
  size_t len = 0;

  if (format == GST_VIDEO_FORMAT_I420) {
    ImcoreImage img;

    memset (&img, 0, sizeof (img));
    img.format = IMCORE_PIXEL_I420;
    img.width = all.width;
    img.height = all.height;
    for (gint k = 0; k < 3; k++) {
      img.planes[k] = GST_VIDEO_FRAME_PLANE_DATA (f, k);
      img.strides[k] = GST_VIDEO_FRAME_PLANE_STRIDE (f, k);
    }
    err = imcore_jpeg_encode (c->imcore, &img, &p, c->out, c->out_size, &len);
  } else {
    ImcoreInterleavedYuv yuv;

    memset (&yuv, 0, sizeof (yuv));
    yuv.packed = format == GST_VIDEO_FORMAT_YUY2;
    yuv.width = all.width;
    yuv.height = all.height;
    for (guint k = 0; k < GST_VIDEO_FRAME_N_PLANES (f); k++) {
      yuv.planes[k] = GST_VIDEO_FRAME_PLANE_DATA (f, k);
      yuv.strides[k] = GST_VIDEO_FRAME_PLANE_STRIDE (f, k);
    }
    yuv.y_offset = 0;
    yuv.u_offset = yuv.packed ? 1 : 0;
    yuv.v_offset = yuv.packed ? 3 : 1;
    err = imcore_jpeg_encode_interleaved (c->imcore, &yuv, &all, &p, c->out,
        c->out_size, &len);
  }
  if (err != IMCORE_OK)
    g_error ("imcore: %s", imcore_strerror (err));
  return len;
}

static gsize
imcore_encode_whole (gpointer ctx, guint i)
{
  TjFloor *c = ctx;

  return imcore_encode_frame (c, &c->frames[i % N_FRAMES]);
}

static gsize
imcore_encode_crop_scale (gpointer ctx, guint i)
{
  TjFloor *c = ctx;

  gst_video_converter_frame (c->conv, &c->frames[i % N_FRAMES], &c->small);
  return imcore_encode_frame (c, &c->small);
}

/* J1 (I420), J2 (RGB) and, with @crop_scale, J3; with @imcore the core's
 * encoder (I420, NV12, YUY2), converting from the frames' colorimetry, in
 * place of TurboJPEG */
static Result
floor_jpeg_with (const FrameSet * set, guint frames, gboolean crop_scale,
    gboolean imcore)
{
  TjFloor c = { NULL };
  Result r;
  EncodeFunc encode = imcore ? imcore_encode_whole : tj_encode_i420;

  c.tj = tjInitCompress ();
  c.w = GST_VIDEO_INFO_WIDTH (&set->info);
  c.h = GST_VIDEO_INFO_HEIGHT (&set->info);
  c.out_size = tjBufSize (c.w, c.h, TJSAMP_444);
  c.out = g_malloc (c.out_size);
  if (imcore) {
    gdouble kr, kb;

    c.imcore = imcore_jpeg_encoder_new ();
    c.yuv.limited_range =
        set->info.colorimetry.range != GST_VIDEO_COLOR_RANGE_0_255;
    if (!gst_video_color_matrix_get_Kr_Kb (set->info.colorimetry.matrix, &kr,
            &kb))
      g_error ("no matrix");
    c.yuv.kr = kr;
    c.yuv.kb = kb;
  }
  map_frames (set, c.frames);
  if (GST_VIDEO_INFO_IS_RGB (&set->info))
    encode = tj_encode_rgb;
  if (crop_scale) {
    GstVideoInfo small = set->info;

    gst_video_info_set_format (&small, GST_VIDEO_INFO_FORMAT (&set->info),
        SMALL_W, SMALL_H);
    small.colorimetry = set->info.colorimetry;
    small.chroma_site = set->info.chroma_site;
    GST_VIDEO_INFO_FPS_N (&small) = FPS;
    GST_VIDEO_INFO_FPS_D (&small) = 1;
    /* as imencode sets up its converter */
    c.conv = gst_video_converter_new ((GstVideoInfo *) & set->info, &small,
        gst_structure_new ("GstVideoConverter",
            GST_VIDEO_CONVERTER_OPT_SRC_X, G_TYPE_INT, CROP_X,
            GST_VIDEO_CONVERTER_OPT_SRC_Y, G_TYPE_INT, CROP_Y,
            GST_VIDEO_CONVERTER_OPT_SRC_WIDTH, G_TYPE_INT, CROP_W,
            GST_VIDEO_CONVERTER_OPT_SRC_HEIGHT, G_TYPE_INT, CROP_H,
            GST_VIDEO_CONVERTER_OPT_RESAMPLER_METHOD,
            GST_TYPE_VIDEO_RESAMPLER_METHOD, GST_VIDEO_RESAMPLER_METHOD_LINEAR,
            GST_VIDEO_CONVERTER_OPT_DITHER_METHOD,
            GST_TYPE_VIDEO_DITHER_METHOD, GST_VIDEO_DITHER_NONE, NULL));
    if (!c.conv)
      g_error ("cannot set up the crop and scale converter");
    c.small_buf = new_frame_buffer (small.size);
    gst_video_frame_map (&c.small, &small, c.small_buf, GST_MAP_READWRITE);
    encode = imcore ? imcore_encode_crop_scale : tj_encode_crop_scale;
  }
  r = time_loop (encode, &c, frames);
  if (crop_scale) {
    gst_video_frame_unmap (&c.small);
    gst_buffer_unref (c.small_buf);
    gst_video_converter_free (c.conv);
  }
  unmap_frames (c.frames);
  g_free (c.out);
  tjDestroy (c.tj);
  imcore_jpeg_encoder_free (c.imcore);
  return r;
}

static Result
floor_jpeg (const FrameSet * set, guint frames, gboolean crop_scale)
{
  return floor_jpeg_with (set, frames, crop_scale, FALSE);
}

typedef struct
{
  gboolean opencv_like;         /* SUB filter and Z_RLE, else libpng's own */
  png_bytep *rows[N_FRAMES];
  guint8 *out;
  gsize size, len;
} PngFloor;

static void
png_write_to_memory (png_structp png, png_bytep data, png_size_t n)
{
  PngFloor *c = png_get_io_ptr (png);

  if (n > c->size - c->len)
    png_error (png, "output buffer too small");
  memcpy (c->out + c->len, data, n);
  c->len += n;
}

static void
png_flush_nothing (png_structp png)
{
}

static gsize
png_encode_one (gpointer ctx, guint i)
{
  PngFloor *c = ctx;
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL,
      NULL, NULL);
  png_infop info = png ? png_create_info_struct (png) : NULL;

  if (!info)
    g_error ("libpng: out of memory");
  if (setjmp (png_jmpbuf (png)))
    g_error ("libpng failed");
  c->len = 0;
  png_set_write_fn (png, c, png_write_to_memory, png_flush_nothing);
  png_set_IHDR (png, info, W, H, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
      PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_compression_level (png, 1);
  if (c->opencv_like) {
    png_set_filter (png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
    png_set_compression_strategy (png, Z_RLE);
  }
  png_write_info (png, info);
  png_write_image (png, c->rows[i % N_FRAMES]);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  return c->len;
}

static Result
floor_png (const FrameSet * rgb, guint frames, gboolean opencv_like)
{
  PngFloor c = { opencv_like };
  GstVideoFrame f[N_FRAMES];
  Result r;

  map_frames (rgb, f);
  for (gint i = 0; i < N_FRAMES; i++) {
    c.rows[i] = g_new (png_bytep, H);
    for (gint y = 0; y < H; y++)
      c.rows[i][y] = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f[i], 0) +
          (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&f[i], 0);
  }
  c.size = (gsize) W * H * 3 + H + (1 << 20);
  c.out = g_malloc (c.size);
  r = time_loop (png_encode_one, &c, frames);
  g_free (c.out);
  for (gint i = 0; i < N_FRAMES; i++)
    g_free (c.rows[i]);
  unmap_frames (f);
  return r;
}

typedef struct
{
  ImcoreImage img[N_FRAMES];
  ImcorePngArena arena;
  guint8 *out;
  gsize size;
} ImcorePngFloor;

static gsize
imcore_png_encode_one (gpointer ctx, guint i)
{
  ImcorePngFloor *c = ctx;
  ImcorePngParams params = { 1 };
  gsize len = 0;

  if (imcore_png_encode_reusing (&c->img[i % N_FRAMES], &params, &c->arena,
          c->out, c->size, &len) != IMCORE_OK)
    g_error ("imcore_png_encode_reusing failed");
  return len;
}

/* imencode's PNG encoder (libdeflate) called directly at level 1, its
 * memory reused as an encoder thread does */
static Result
floor_imcore_png (const FrameSet * rgb, guint frames)
{
  ImcorePngFloor c;
  GstVideoFrame f[N_FRAMES];
  Result r;

  memset (&c, 0, sizeof (c));
  map_frames (rgb, f);
  for (gint i = 0; i < N_FRAMES; i++) {
    c.img[i].format = IMCORE_PIXEL_RGB;
    c.img[i].width = W;
    c.img[i].height = H;
    c.img[i].planes[0] = GST_VIDEO_FRAME_PLANE_DATA (&f[i], 0);
    c.img[i].strides[0] = GST_VIDEO_FRAME_PLANE_STRIDE (&f[i], 0);
  }
  c.size = imcore_png_bound (IMCORE_PIXEL_RGB, W, H);
  c.out = g_malloc (c.size);
  r = time_loop (imcore_png_encode_one, &c, frames);
  imcore_png_arena_clear (&c.arena);
  g_free (c.out);
  unmap_frames (f);
  return r;
}

/* cv2.imencode('.png', bgr) in /usr/bin/python3 on the same RGB frames,
 * written to a temporary file; @note says why when it cannot run. */
static Result
run_cv2_png (const FrameSet * rgb, guint frames, gchar ** note)
{
  Result r = { FALSE };
  GError *err = NULL;
  gchar *path = NULL, *out = NULL, *errout = NULL;
  gchar n_str[16], w_str[16], h_str[16];
  gchar *argv[] = { (gchar *) PYTHON, (gchar *) BENCH_CV2_SCRIPT, NULL,
    w_str, h_str, n_str, NULL
  };
  gchar **envp;
  gint fd, status = 0;
  gboolean write_error;
  FILE *file;

  for (gint i = 0; i < N_ORIGINS; i++)
    r.allocs[i] = -1;
  if (!g_file_test (PYTHON, G_FILE_TEST_IS_EXECUTABLE)) {
    *note = g_strdup (PYTHON " not found");
    return r;
  }
  fd = g_file_open_tmp ("imencode-bench-XXXXXX.rgb", &path, &err);
  if (fd < 0) {
    *note = g_strdup_printf ("no temporary file: %s", err->message);
    g_clear_error (&err);
    return r;
  }
  file = fdopen (fd, "wb");
  if (!file) {
    *note = g_strdup ("cannot write the temporary file");
    close (fd);
    g_unlink (path);
    g_free (path);
    return r;
  }
  for (gint i = 0; i < N_FRAMES; i++) {
    GstVideoFrame f;

    gst_video_frame_map (&f, (GstVideoInfo *) & rgb->info, rgb->frames[i],
        GST_MAP_READ);
    for (gint y = 0; y < H; y++)
      fwrite ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f, 0) +
          (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0), 1, (gsize) W * 3,
          file);
    gst_video_frame_unmap (&f);
  }
  write_error = ferror (file) != 0;
  if (fclose (file) != 0 || write_error) {
    *note = g_strdup_printf ("cannot write %s", path);
    g_unlink (path);
    g_free (path);
    return r;
  }

  argv[2] = path;
  g_snprintf (w_str, sizeof (w_str), "%d", W);
  g_snprintf (h_str, sizeof (h_str), "%d", H);
  g_snprintf (n_str, sizeof (n_str), "%u", frames);
  /* Python runs without the allocation counter */
  envp = g_environ_unsetenv (g_get_environ (), "LD_PRELOAD");
  if (!g_spawn_sync (NULL, argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out,
          &errout, &status, &err)) {
    *note = g_strdup_printf ("cannot run " PYTHON ": %s", err->message);
    g_clear_error (&err);
  } else if (!g_spawn_check_wait_status (status, NULL)) {
    *note = g_strdup_printf ("%s failed: %s", BENCH_CV2_SCRIPT,
        g_strstrip (errout));
  } else if (g_str_has_prefix (out, "skip ")) {
    *note = g_strdup (g_strstrip (out + 5));
  } else if (sscanf (out, "fps %lf bytes %lf", &r.fps, &r.bytes) == 2) {
    const gchar *version = strstr (out, "opencv ");

    r.ok = TRUE;
    *note = g_strdup_printf ("OpenCV %s, one image at a time",
        version ? g_strstrip ((gchar *) version + 7) : "?");
  } else {
    *note = g_strdup_printf ("unexpected output: %s", g_strstrip (out));
  }
  g_strfreev (envp);
  g_unlink (path);
  g_free (path);
  g_free (out);
  g_free (errout);
  return r;
}

/* ---- reporting ---- */

static double
ratio (const Result * a, const Result * b)
{
  return a->ok && b->ok && b->fps > 0 ? a->fps / b->fps : 0;
}

/* One line: fps, bytes per frame and up to two ratios. */
static void
report (const gchar * name, const Result * r, const Result * ref1,
    const gchar * ref1_name, const Result * ref2, const gchar * ref2_name)
{
  if (!r->ok) {
    printf ("  %-42s     n/a\n", name);
    return;
  }
  printf ("  %-42s %7.1f fps %9.0f B/frame", name, r->fps, r->bytes);
  if (ref1 && ratio (r, ref1) > 0)
    printf ("  %5.2fx %s", ratio (r, ref1), ref1_name);
  if (ref2 && ratio (r, ref2) > 0)
    printf ("  %5.2fx %s", ratio (r, ref2), ref2_name);
  printf ("\n");
}

/* The allocations line under a report() line. */
static void
report_allocs (const Result * r)
{
  if (!r->ok || r->allocs[0] < 0)
    return;
  printf ("  %-42s   allocations/frame: %.1f libjpeg, %.1f libpng+zlib, "
      "%.1f other\n", "", r->allocs[ORIGIN_JPEG], r->allocs[ORIGIN_PNG],
      r->allocs[ORIGIN_OTHER]);
}

static void
report_both (const gchar * name, const Result * r, const Result * ref1,
    const gchar * ref1_name, const Result * ref2, const gchar * ref2_name)
{
  report (name, r, ref1, ref1_name, ref2, ref2_name);
  report_allocs (r);
}

/* A row of the summary: the target, what was measured, met or not. */
static void
target (const gchar * what, gboolean valid, gboolean met, const gchar * fmt,
    ...)
{
  va_list args;
  gchar *measured;

  va_start (args, fmt);
  measured = g_strdup_vprintf (fmt, args);
  va_end (args);
  printf ("  %-54s %-26s %s\n", what, valid ? measured : "n/a",
      valid ? (met ? "met" : "NOT MET") : "-");
  g_free (measured);
}

/* "other" allocations per frame above the harness's own: the worst of the
 * @n runs, and its index in *@which. */
static double
worst_other_allocs (const Result * const *results, gint n, double baseline,
    gint * which)
{
  double worst = -1;

  for (gint i = 0; i < n; i++) {
    if (results[i]->ok && results[i]->allocs[ORIGIN_OTHER] >= 0 &&
        results[i]->allocs[ORIGIN_OTHER] - baseline > worst) {
      worst = results[i]->allocs[ORIGIN_OTHER] - baseline;
      *which = i;
    }
  }
  return worst;
}

/* ---- C: the colorimetries cameras and decoders send ---- */

static const gchar *c_chains[3] = {
  "jpegenc quality=85", "imencode threads=1", "imencode threads=0"
};

/* A line of the C summary: the target is on @value (fps ratio); @cpu is
 * the same ratio in CPU time per frame, which a busy machine disturbs
 * less (0: not given) */
static void
summary_target (GString * summary, const gchar * what, double value,
    double cpu, double threshold)
{
  gchar measured[48];

  if (cpu > 0)
    g_snprintf (measured, sizeof (measured), "%.3fx (CPU %.3fx)", value,
        cpu);
  else
    g_snprintf (measured, sizeof (measured), "%.3fx", value);
  g_string_append_printf (summary, "    %-44s %-26s %s\n", what,
      value > 0 ? measured : "n/a", value <= 0 ? "-" : value >= threshold ?
      "met" : "NOT MET");
}

/* @b's CPU time per frame over @a's: how much cheaper a frame is in @a */
static double
cpu_ratio (const Result * a, const Result * b)
{
  return a->ok && b->ok && a->cpu_ms > 0 ? b->cpu_ms / a->cpu_ms : 0;
}

/* The CPU time line under a row */
static void
report_cpu (const Result * r)
{
  if (r->ok)
    printf ("  %-42s   CPU time: %.2f ms/frame (all threads)\n", "",
        r->cpu_ms);
}

/* The rows of one C group: for each set (the first in JFIF's colorimetry),
 * the raw floors, then jpegenc and imencode threads=1/0 with the same
 * caps; ratios against jpegenc, against the same pipeline on the JFIF set
 * and against imcore's own floor. @jn frames for each pipeline (over all
 * rounds) and each floor. Target lines go to @summary. */
static void
colour_group (const gchar * title, const FrameSet ** sets,
    const gchar ** names, guint n_sets, const gchar * const *chains,
    gboolean crop_scale, gboolean tj_floor, guint jn, GString * summary)
{
  GroupRun runs[4 * 3];
  Result floors[4][2];

  printf ("%s\n", title);
  for (guint s = 0; s < n_sets; s++) {
    for (guint k = 0; k < 3; k++) {
      runs[s * 3 + k].set = sets[s];
      runs[s * 3 + k].chain = g_strdup (chains[k]);
    }
    floors[s][0] = tj_floor ? floor_jpeg_with (sets[s], jn, crop_scale,
        FALSE) : (Result) {
    FALSE};
    floors[s][1] = floor_jpeg_with (sets[s], jn, crop_scale, TRUE);
  }
  run_group (runs, n_sets * 3, jn);
  for (guint s = 0; s < n_sets; s++) {
    Result *stock = &runs[s * 3].r, *t1 = &runs[s * 3 + 1].r;
    Result *t0 = &runs[s * 3 + 2].r;
    Result *own1 = &runs[1].r, *own0 = &runs[2].r;
    gchar *label;

    printf (" %s\n", names[s]);
    if (tj_floor) {
      report_both (crop_scale ? "raw converter + TurboJPEG, no colour conv." :
          "raw TurboJPEG, planes as they are", &floors[s][0], NULL, NULL,
          NULL, NULL);
      report_cpu (&floors[s][0]);
    }
    report_both (crop_scale ? "raw converter + imcore_jpeg_encode" :
        "raw imcore encoder (converts)", &floors[s][1], NULL, NULL, NULL,
        NULL);
    report_cpu (&floors[s][1]);
    report (chains[0], stock, &floors[s][1], "imcore floor", NULL, NULL);
    report_cpu (stock);
    report_both ("imencode threads=1", t1, stock, "stock", &floors[s][1],
        "imcore floor");
    report_cpu (t1);
    if (s > 0)
      printf ("  %-42s   %.3fx imencode threads=1 on %s\n", "",
          ratio (t1, own1), names[0]);
    report_both ("imencode threads=0", t0, stock, "stock", NULL, NULL);
    report_cpu (t0);
    if (s > 0)
      printf ("  %-42s   %.3fx imencode threads=0 on %s\n", "",
          ratio (t0, own0), names[0]);

    label = g_strdup_printf ("%s: %s", title, names[s]);
    g_string_append_printf (summary, "  %s\n", label);
    summary_target (summary, "threads=1 >= 1.0x stock", ratio (t1, stock),
        cpu_ratio (t1, stock), 1.0);
    if (s > 0)
      summary_target (summary, "threads=1 >= 0.95x its rate on JFIF input",
          ratio (t1, own1), cpu_ratio (t1, own1), 0.95);
    summary_target (summary, "threads=0 >= 1.8x stock", ratio (t0, stock),
        0, 1.8);
    g_free (label);
  }
  for (guint i = 0; i < n_sets * 3; i++)
    g_free (runs[i].chain);
}

int
main (int argc, char **argv)
{
  guint jn = argc > 1 ? (guint) atoi (argv[1]) : 300;
  guint pn = argc > 2 ? (guint) atoi (argv[2]) : MAX (4, jn * 40 / 300);
  guint rn = argc > 3 ? (guint) atoi (argv[3]) : MAX (100, jn * 10000 / 300);
  FrameSet rgb, i420, nv12;
  FrameSet i420_601l, i420_709l, nv12_709l, cam_rgb, yuy2, yuy2_601l;
  GString *c_summary = g_string_new (NULL);
  guint8 *canvas;
  gchar *chain, *cv2_note = NULL;
  const gchar *slice = g_getenv ("G_SLICE");
  Result base, j1f, j1s, j1t1, j1t0, j2f, j2s, j2rgb, j2t1, j2t0;
  Result j3f, j3s, j3t1, j3t0, j4s, j4t1, j4t0;
  Result p1f, p1o, p1i, p1cv, p1s, p1t1, p1t0, b1t1, b1t0, rss;
  const gchar *j3_props = "crop-x=320 crop-y=180 crop-width=1280 "
      "crop-height=720 width=640 height=360";
  double worst, b1c1, b1c0, growth_kib;

  gst_init (&argc, &argv);
  if (jn < 1 || pn < 1 || rn < 10) {
    fprintf (stderr, "usage: bench-imencode [jpeg-frames [png-frames "
        "[rss-frames >= 10]]]\n");
    return 2;
  }
  if (!gst_registry_check_feature_version (gst_registry_get (), "imencode",
          0, 0, 0)) {
    fprintf (stderr, "imencode not found: set GST_PLUGIN_PATH to the build's "
        "gst/ directory (bench/run-imencode.sh does)\n");
    return 1;
  }
  malloc_count = (unsigned long long (*)(int)) dlsym (RTLD_DEFAULT,
      "bench_malloc_count");
  malloc_ignore_thread = (void (*)(int)) dlsym (RTLD_DEFAULT,
      "bench_malloc_ignore_thread");

  canvas = make_scene ();
  make_rgb_frames (canvas, W, H, &rgb);
  make_yuv_frames (&rgb, GST_VIDEO_FORMAT_I420, &i420);
  make_yuv_frames (&rgb, GST_VIDEO_FORMAT_NV12, &nv12);
  /* C: the same frames as cameras and decoders code them */
  make_yuv_frames_in (&rgb, GST_VIDEO_FORMAT_I420, GST_VIDEO_COLOR_RANGE_16_235,
      GST_VIDEO_COLOR_MATRIX_BT601, &i420_601l);
  make_yuv_frames_in (&rgb, GST_VIDEO_FORMAT_I420, GST_VIDEO_COLOR_RANGE_16_235,
      GST_VIDEO_COLOR_MATRIX_BT709, &i420_709l);
  make_yuv_frames_in (&rgb, GST_VIDEO_FORMAT_NV12, GST_VIDEO_COLOR_RANGE_16_235,
      GST_VIDEO_COLOR_MATRIX_BT709, &nv12_709l);
  make_rgb_frames (canvas, CAM_W, CAM_H, &cam_rgb);
  make_yuv_frames (&cam_rgb, GST_VIDEO_FORMAT_YUY2, &yuy2);
  make_yuv_frames_in (&cam_rgb, GST_VIDEO_FORMAT_YUY2,
      GST_VIDEO_COLOR_RANGE_16_235, GST_VIDEO_COLOR_MATRIX_BT601, &yuy2_601l);
  g_free (canvas);

  printf ("imencode vs stock encoders and raw libraries: %d 1920x1080 frames "
      "panned from a %dx%d generated scene (I420/NV12 full-range BT.601), "
      "pushed round-robin.\nJPEG runs: %u frames after %d warm-up outputs; "
      "PNG runs: %u after %d; RSS run: %u. JPEG q%d 4:2:0.\n", N_FRAMES,
      CANVAS_W, CANVAS_H, jn, JPEG_WARM, pn, PNG_WARM, rn, QUALITY);
  if (malloc_count)
    printf ("Allocations counted by malloc-count.so (new blocks from malloc, "
        "calloc, realloc, *memalign, aligned_alloc, by the caller's library; "
        "the feeding thread not counted; G_SLICE=%s).\n",
        slice ? slice : "unset");
  else
    printf ("allocation counts: run with the preload (run-imencode.sh "
        "does)\n");

  printf ("H  harness: appsrc ! identity ! fakesink\n");
  base = run_pipeline (&i420, "identity", JPEG_WARM, jn, 0, 0);
  report_both ("baseline (no encoding)", &base, NULL, NULL, NULL, NULL);

  printf ("J1 I420 1080p -> JPEG\n");
  j1f = floor_jpeg (&i420, jn, FALSE);
  report_both ("raw TurboJPEG tjCompressFromYUVPlanes", &j1f, NULL, NULL,
      NULL, NULL);
  j1s = run_pipeline (&i420, "jpegenc quality=85", JPEG_WARM, jn, 0, 0);
  report ("jpegenc quality=85", &j1s, &j1f, "floor", NULL, NULL);
  j1t1 = run_pipeline (&i420, "imencode threads=1", JPEG_WARM, jn, 0, 0);
  report_both ("imencode threads=1", &j1t1, &j1f, "floor", &j1s, "jpegenc");
  j1t0 = run_pipeline (&i420, "imencode threads=0", JPEG_WARM, jn, 0, 0);
  report_both ("imencode threads=0", &j1t0, &j1f, "floor", &j1s, "jpegenc");

  printf ("J2 RGB 1080p -> JPEG 4:2:0\n");
  j2f = floor_jpeg (&rgb, jn, FALSE);
  report_both ("raw TurboJPEG tjCompress2 RGB", &j2f, NULL, NULL, NULL, NULL);
  j2s = run_pipeline (&rgb, "videoconvert ! video/x-raw,format=I420 ! "
      "jpegenc quality=85", JPEG_WARM, jn, 0, 0);
  report ("videoconvert ! I420 ! jpegenc", &j2s, &j2f, "floor", NULL, NULL);
  j2rgb = run_pipeline (&rgb, "jpegenc quality=85", JPEG_WARM, jn, 0, 0);
  report ("  note: jpegenc fed RGB (RGB 4:4:4 JPEG)", &j2rgb, &j2f, "floor",
      NULL, NULL);
  j2t1 = run_pipeline (&rgb, "imencode threads=1", JPEG_WARM, jn, 0, 0);
  report_both ("imencode threads=1", &j2t1, &j2f, "floor", &j2s, "stock");
  j2t0 = run_pipeline (&rgb, "imencode threads=0", JPEG_WARM, jn, 0, 0);
  report_both ("imencode threads=0", &j2t0, &j2f, "floor", &j2s, "stock");

  printf ("J3 I420 1080p -> crop 1280x720 at (320,180) -> 640x360 JPEG\n");
  j3f = floor_jpeg (&i420, jn, TRUE);
  report_both ("raw GstVideoConverter + tjCompressFromYUV", &j3f, NULL, NULL,
      NULL, NULL);
  j3s = run_pipeline (&i420, "videocrop left=320 right=320 top=180 "
      "bottom=180 ! videoscale ! video/x-raw,width=640,height=360 ! "
      "jpegenc quality=85", JPEG_WARM, jn, 0, 0);
  report ("videocrop ! videoscale ! jpegenc", &j3s, &j3f, "floor", NULL, NULL);
  chain = g_strdup_printf ("imencode %s threads=1", j3_props);
  j3t1 = run_pipeline (&i420, chain, JPEG_WARM, jn, 0, 0);
  g_free (chain);
  report_both ("imencode threads=1", &j3t1, &j3f, "floor", &j3s, "stock");
  /* this chain again for the RSS run */
  chain = g_strdup_printf ("imencode %s threads=0", j3_props);
  j3t0 = run_pipeline (&i420, chain, JPEG_WARM, jn, 0, 0);
  report_both ("imencode threads=0", &j3t0, &j3f, "floor", &j3s, "stock");

  printf ("J4 NV12 1080p -> JPEG\n");
  j4s = run_pipeline (&nv12, "jpegenc quality=85", JPEG_WARM, jn, 0, 0);
  report ("jpegenc quality=85", &j4s, NULL, NULL, NULL, NULL);
  j4t1 = run_pipeline (&nv12, "imencode threads=1", JPEG_WARM, jn, 0, 0);
  report_both ("imencode threads=1", &j4t1, &j4s, "jpegenc", &j1t1,
      "J1 (I420)");
  j4t0 = run_pipeline (&nv12, "imencode threads=0", JPEG_WARM, jn, 0, 0);
  report_both ("imencode threads=0", &j4t0, &j4s, "jpegenc", &j1t0,
      "J1 (I420)");

  {
    const FrameSet *c1[] = { &i420, &i420_601l, &i420_709l };
    const gchar *c1n[] = { "full-range BT.601 (JFIF)", "limited BT.601",
      "limited BT.709"
    };
    const FrameSet *c2[] = { &nv12, &nv12_709l };
    const gchar *c2n[] = { "full-range BT.601 (JFIF)", "limited BT.709" };
    const FrameSet *c3[] = { &yuy2, &yuy2_601l };
    const gchar *c3n[] = { "full-range BT.601 (JFIF)", "limited BT.601" };
    const FrameSet *c4[] = { &i420, &i420_709l };
    gchar *crop1 = g_strdup_printf ("imencode %s threads=1", j3_props);
    gchar *crop0 = g_strdup_printf ("imencode %s threads=0", j3_props);
    const gchar *c4chains[] = { "videocrop left=320 right=320 top=180 "
          "bottom=180 ! videoscale ! video/x-raw,width=640,height=360 ! "
          "jpegenc quality=85", crop1, crop0
    };

    colour_group ("C1 I420 1080p -> JPEG", c1, c1n, 3, c_chains, FALSE,
        TRUE, jn, c_summary);
    colour_group ("C2 NV12 1080p -> JPEG", c2, c2n, 2, c_chains, FALSE,
        FALSE, jn, c_summary);
    /* images a few times smaller than 1080p: as many times more frames,
     * so that a round lasts about as long */
    colour_group ("C3 YUY2 640x480 -> JPEG 4:2:0 (jpegenc: 4:2:2)", c3, c3n,
        2, c_chains, FALSE, FALSE, jn * 6, c_summary);
    colour_group ("C4 I420 1080p -> crop 1280x720 -> 640x360 JPEG", c4, c2n,
        2, c4chains, TRUE, TRUE, jn * 6, c_summary);
    g_free (crop1);
    g_free (crop0);
  }

  printf ("P1 RGB 1080p -> PNG, level 1\n");
  p1f = floor_png (&rgb, pn, FALSE);
  report_both ("raw libpng, default filters", &p1f, NULL, NULL, NULL, NULL);
  p1o = floor_png (&rgb, pn, TRUE);
  report_both ("raw libpng, SUB filter + Z_RLE (as cv2)", &p1o, NULL, NULL,
      NULL, NULL);
  p1i = floor_imcore_png (&rgb, pn);
  report_both ("raw imcore PNG (libdeflate level 1)", &p1i, &p1f,
      "libpng", NULL, NULL);
  p1cv = run_cv2_png (&rgb, pn, &cv2_note);
  report ("cv2.imencode('.png') defaults", &p1cv, NULL, NULL, NULL, NULL);
  printf ("  %-42s   (%s)\n", "", cv2_note ? cv2_note : "");
  p1s = run_pipeline (&rgb, "pngenc compression-level=1", PNG_WARM, pn, 0, 0);
  report ("pngenc compression-level=1", &p1s, &p1f, "floor", &p1cv, "cv2");
  p1t1 = run_pipeline (&rgb, "imencode format=png compression-level=1 "
      "threads=1", PNG_WARM, pn, 0, 0);
  report_both ("imencode threads=1", &p1t1, &p1cv, "cv2", &p1f,
      "libpng floor");
  p1t0 = run_pipeline (&rgb, "imencode format=png compression-level=1 "
      "threads=0", PNG_WARM, pn, 0, 0);
  report_both ("imencode threads=0", &p1t0, &p1cv, "cv2", &p1f,
      "libpng floor");
  if (p1cv.ok && p1t1.ok)
    printf ("  %-42s   size: imencode %+.1f%% vs cv2, pngenc %+.1f%% vs cv2"
        "\n", "", 100 * (p1t1.bytes / p1cv.bytes - 1),
        p1s.ok ? 100 * (p1s.bytes / p1cv.bytes - 1) : 0);

  printf ("B1 J1 as base64 text (imencode encoding=base64)\n");
  b1t1 = run_pipeline (&i420, "imencode encoding=base64 threads=1",
      JPEG_WARM, jn, 0, 0);
  report_both ("imencode encoding=base64 threads=1", &b1t1, &j1t1,
      "binary", NULL, NULL);
  b1t0 = run_pipeline (&i420, "imencode encoding=base64 threads=0",
      JPEG_WARM, jn, 0, 0);
  report_both ("imencode encoding=base64 threads=0", &b1t0, &j1t0,
      "binary", NULL, NULL);
  /* time per frame over binary's, in % */
  b1c1 = ratio (&b1t1, &j1t1) > 0 ? 100 * (1 / ratio (&b1t1, &j1t1) - 1) : 0;
  b1c0 = ratio (&b1t0, &j1t0) > 0 ? 100 * (1 / ratio (&b1t0, &j1t0) - 1) : 0;
  if (b1t1.ok && j1t1.ok)
    printf ("  %-42s   cost over binary: %+.1f%% (threads=1), %+.1f%% "
        "(threads=0)\n", "", b1c1, b1c0);

  printf ("RSS J3 imencode threads=0, one pipeline, %u frames\n", rn);
  /* timed from the first checkpoint to the last output */
  rss = run_pipeline (&i420, chain, rn / 10, rn - rn / 10, rn / 10, rn);
  g_free (chain);
  growth_kib = (double) rss.rss_kib[1] - (double) rss.rss_kib[0];
  if (rss.ok)
    printf ("  VmRSS after %u outputs: %.1f MiB; after %u: %.1f MiB "
        "(%+.0f KiB); %.1f fps\n", rn / 10, rss.rss_kib[0] / 1024.0, rn,
        rss.rss_kib[1] / 1024.0, growth_kib, rss.fps);
  report_allocs (&rss);

  printf ("\nSummary against the targets of issue 5 (ratios of fps measured "
      "above)\n");
  target ("J1 imencode threads=1 >= 0.95x raw floor", j1t1.ok && j1f.ok,
      ratio (&j1t1, &j1f) >= 0.95, "%.2fx", ratio (&j1t1, &j1f));
  target ("J1 imencode threads=0 >= 1.8x jpegenc", j1t0.ok && j1s.ok,
      ratio (&j1t0, &j1s) >= 1.8, "%.2fx", ratio (&j1t0, &j1s));
  target ("J2 imencode threads=1 >= 1.3x videoconvert ! jpegenc",
      j2t1.ok && j2s.ok, ratio (&j2t1, &j2s) >= 1.3, "%.2fx",
      ratio (&j2t1, &j2s));
  target ("J2 imencode threads=0 >= 2.4x videoconvert ! jpegenc",
      j2t0.ok && j2s.ok, ratio (&j2t0, &j2s) >= 2.4, "%.2fx",
      ratio (&j2t0, &j2s));
  target ("J3 imencode threads=1 >= 1.5x stock", j3t1.ok && j3s.ok,
      ratio (&j3t1, &j3s) >= 1.5, "%.2fx", ratio (&j3t1, &j3s));
  target ("J3 imencode threads=0 >= 2.5x stock", j3t0.ok && j3s.ok,
      ratio (&j3t0, &j3s) >= 2.5, "%.2fx", ratio (&j3t0, &j3s));
  target ("J4 NV12 within 10% of J1 I420 (imencode threads=1)",
      j4t1.ok && j1t1.ok, ratio (&j4t1, &j1t1) >= 0.9, "%.2fx of J1",
      ratio (&j4t1, &j1t1));
  target ("J4 NV12 within 10% of J1 I420 (imencode threads=0)",
      j4t0.ok && j1t0.ok, ratio (&j4t0, &j1t0) >= 0.9, "%.2fx of J1",
      ratio (&j4t0, &j1t0));
  target ("P1 threads=1 >= 1.8x cv2, file <= cv2's", p1t1.ok && p1cv.ok,
      ratio (&p1t1, &p1cv) >= 1.8 && p1t1.bytes <= p1cv.bytes,
      "%.2fx, %+.1f%% size", ratio (&p1t1, &p1cv),
      p1cv.ok ? 100 * (p1t1.bytes / p1cv.bytes - 1) : 0);
  target ("P1 threads=1 >= 1.7x pngenc", p1t1.ok && p1s.ok,
      ratio (&p1t1, &p1s) >= 1.7, "%.2fx", ratio (&p1t1, &p1s));
  target ("P1 threads=0 >= 3x cv2", p1t0.ok && p1cv.ok,
      ratio (&p1t0, &p1cv) >= 3.0, "%.2fx", ratio (&p1t0, &p1cv));
  target ("B1 base64 <= 5% over binary J1 (threads=1)", b1t1.ok && j1t1.ok,
      b1c1 <= 5.0, "%+.1f%%", b1c1);
  target ("B1 base64 <= 5% over binary J1 (threads=0)", b1t0.ok && j1t0.ok,
      b1c0 <= 5.0, "%+.1f%%", b1c0);
  {
    const Result *ours[] = { &j1t1, &j1t0, &j2t1, &j2t0, &j3t1, &j3t0, &j4t1,
      &j4t0, &p1t1, &p1t0, &b1t1, &b1t0, &rss
    };
    static const gchar *names[] = { "J1 t=1", "J1 t=0", "J2 t=1", "J2 t=0",
      "J3 t=1", "J3 t=0", "J4 t=1", "J4 t=0", "P1 t=1", "P1 t=0", "B1 t=1",
      "B1 t=0", "RSS"
    };
    double baseline = base.ok && base.allocs[ORIGIN_OTHER] >= 0 ?
        base.allocs[ORIGIN_OTHER] : 0;
    gint which = 0;

    worst = worst_other_allocs (ours, G_N_ELEMENTS (ours), baseline, &which);
    target ("0 allocations/frame (imencode, \"other\", worst run)",
        worst >= 0, worst < 0.05, "%.2f/frame (%s)", worst, names[which]);
  }
  target ("RSS flat from 1/10 to all outputs (< 1 MiB growth)", rss.ok &&
      rss.rss_kib[0] > 0, growth_kib < 1024, "%+.0f KiB", growth_kib);
  printf ("(\"other\" allocations: above the harness baseline; libjpeg-turbo "
      "allocates its per-image workspace itself and is not counted there.)"
      "\n");

  printf ("\nSummary against the colorimetry targets (C rows; medians of %d "
      "interleaved rounds)\n%s", C_ROUNDS, c_summary->str);
  g_string_free (c_summary, TRUE);

  g_free (cv2_note);
  frame_set_clear (&i420_601l);
  frame_set_clear (&i420_709l);
  frame_set_clear (&nv12_709l);
  frame_set_clear (&cam_rgb);
  frame_set_clear (&yuy2);
  frame_set_clear (&yuy2_601l);
  frame_set_clear (&rgb);
  frame_set_clear (&i420);
  frame_set_clear (&nv12);
  return 0;
}
