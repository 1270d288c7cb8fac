/* gst-imencode benchmark: imdecode against jpegdec / pngdec
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One 1920x1080 image of generated natural-looking content (smooth shading,
 * fine texture, hard edges; see make_scene()), encoded once as a q85 4:2:0
 * JPEG by libjpeg-turbo and as a PNG by libpng (zlib level 6, adaptive
 * filters). Each scenario pushes the same encoded buffer N times through
 * appsrc ! <decoder chain> ! fakesink and reports frames per second; the
 * raw-library floor decodes the same bytes in a loop without GStreamer.
 * Scenarios run one after another in one process; ratios compare them.
 * imdecode runs with threads=1 (decoding in the streaming thread, as the
 * stock decoders do) everywhere, and in D1 also with its default threads=0
 * (one decoder thread per core).
 *
 * D1's four pipelines run [rounds] times, interleaved, and report their
 * medians, so that load from other processes hits them alike.
 *
 *   bench-imdecode [jpeg-frames] [png-frames] [rounds]
 */
#include "imcore.h"

#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <turbojpeg.h>

#define W 1920
#define H 1080

/* RGB content with the statistics of a photo rather than a test card:
 * low-frequency shading, mid-frequency structure, per-pixel grain and
 * some sharp-edged shapes. */
static guint8 *
make_scene (void)
{
  guint8 *rgb = g_malloc ((gsize) W * H * 3);
  GRand *rand = g_rand_new_with_seed (1080);

  for (gint y = 0; y < H; y++) {
    for (gint x = 0; x < W; x++) {
      double fx = x / (double) W, fy = y / (double) H;
      double base = 110 + 60 * sin (fx * 3.1 + fy * 1.7) +
          25 * sin (fx * 23 + cos (fy * 17) * 2) * cos (fy * 19);
      double grain = g_rand_double_range (rand, -9, 9);
      gboolean shape = ((x - 1300) * (x - 1300) + (y - 400) * (y - 400)) <
          160 * 160 || (x > 200 && x < 700 && y > 600 && y < 900 &&
          ((x / 40 + y / 40) % 2));
      guint8 *p = rgb + ((gsize) y * W + x) * 3;
      double r = base + grain + (shape ? 70 : 0);
      double g = base * 0.9 + 20 * sin (fy * 40) + grain;
      double b = base * 0.7 + 50 * fx + grain - (shape ? 40 : 0);

      p[0] = (guint8) CLAMP (r, 0, 255);
      p[1] = (guint8) CLAMP (g, 0, 255);
      p[2] = (guint8) CLAMP (b, 0, 255);
    }
  }
  g_rand_free (rand);
  return rgb;
}

/* Frames per second of @frames pushes of @image through @chain. */
static double
run_pipeline (const gchar * caps, const gchar * chain, GstBuffer * image,
    gint frames)
{
  gchar *desc = g_strdup_printf ("appsrc name=src is-live=false "
      "format=time caps=\"%s\" ! %s ! fakesink sync=false", caps, chain);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  GstElement *src;
  GstMessage *msg;
  gint64 t0, t1;

  if (!pipe)
    g_error ("%s: %s", desc, err->message);
  src = gst_bin_get_by_name (GST_BIN (pipe), "src");
  g_object_set (src, "max-bytes", (guint64) 64 << 20, "block", TRUE, NULL);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  /* one frame first, so that negotiation and allocation are not timed */
  gst_app_src_push_buffer (GST_APP_SRC (src), gst_buffer_ref (image));
  g_usleep (200000);
  t0 = g_get_monotonic_time ();
  for (gint i = 0; i < frames; i++) {
    GstBuffer *b = gst_buffer_copy (image);     /* shares the memory */

    GST_BUFFER_PTS (b) = (i + 1) * GST_SECOND / 30;
    gst_app_src_push_buffer (GST_APP_SRC (src), b);
  }
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipe),
      GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  t1 = g_get_monotonic_time ();
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    g_error ("%s failed", desc);
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (src);
  gst_object_unref (pipe);
  g_free (desc);
  return frames / ((t1 - t0) / 1e6);
}

static double
floor_jpeg (const guint8 * jpeg, gsize len, gint frames, gboolean yuv,
    gint denom)
{
  tjhandle tj = tjInitDecompress ();
  gint w = (W + denom - 1) / denom, h = (H + denom - 1) / denom;
  guint8 *out = g_malloc ((gsize) w * h * 3);
  gint64 t0 = g_get_monotonic_time ();

  for (gint i = 0; i < frames; i++) {
    gint rc;

    if (yuv) {
      guint8 *planes[3] = { out, out + w * h, out + w * h + w * h / 4 };

      rc = tjDecompressToYUVPlanes (tj, jpeg, len, planes, w, NULL, h, 0);
    } else {
      rc = tjDecompress2 (tj, jpeg, len, out, w, 0, h, TJPF_RGB, 0);
    }
    if (rc != 0)
      g_error ("TurboJPEG: %s", tjGetErrorStr2 (tj));
  }
  g_free (out);
  tjDestroy (tj);
  return frames / ((g_get_monotonic_time () - t0) / 1e6);
}

static double
floor_png (const guint8 * png, gsize len, gint frames)
{
  ImcorePngDecoder *dec = imcore_png_decoder_new ();
  guint8 *out = g_malloc ((gsize) W * H * 3);
  ImcoreImage img;
  gint64 t0;

  imcore_image_init_packed (&img, IMCORE_PIXEL_RGB, W, H, out,
      (gsize) W * H * 3);
  t0 = g_get_monotonic_time ();
  for (gint i = 0; i < frames; i++)
    if (imcore_png_decode (dec, png, len, &img) != IMCORE_OK)
      g_error ("libpng: %s", imcore_png_decoder_last_error (dec));
  g_free (out);
  imcore_png_decoder_free (dec);
  return frames / ((g_get_monotonic_time () - t0) / 1e6);
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *v, gint n)
{
  qsort (v, n, sizeof (double), cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
row (const gchar * name, double fps, double ref, const gchar * ref_name)
{
  if (ref > 0)
    printf ("  %-44s %7.1f fps  %5.2fx %s\n", name, fps, fps / ref, ref_name);
  else
    printf ("  %-44s %7.1f fps\n", name, fps);
}

int
main (int argc, char **argv)
{
  gint jn = argc > 1 ? atoi (argv[1]) : 300;
  gint pn = argc > 2 ? atoi (argv[2]) : 60;
  gint rounds = argc > 3 ? CLAMP (atoi (argv[3]), 1, 99) : 3;
  double d1[4][99];
  guint8 *rgb, *png;
  unsigned char *jpeg = NULL;
  unsigned long jpeg_len = 0;
  size_t png_len = 0, png_max;
  tjhandle tj;
  ImcoreImage img;
  ImcorePngParams pp = { 6 };
  GstBuffer *jbuf, *pbuf;
  double stock, ours, fl, accurate, parallel;
  gchar *name;
  const gchar *jcaps = "image/jpeg,width=1920,height=1080,framerate=30/1,"
      "parsed=true";
  const gchar *pcaps = "image/png,width=1920,height=1080,framerate=30/1,"
      "parsed=true";

  gst_init (&argc, &argv);
  rgb = make_scene ();
  tj = tjInitCompress ();
  if (tjCompress2 (tj, rgb, W, 0, H, TJPF_RGB, &jpeg, &jpeg_len, TJSAMP_420,
          85, 0) != 0)
    g_error ("TurboJPEG: %s", tjGetErrorStr2 (tj));
  tjDestroy (tj);
  imcore_image_init_packed (&img, IMCORE_PIXEL_RGB, W, H, rgb,
      (gsize) W * H * 3);
  png_max = imcore_png_bound (IMCORE_PIXEL_RGB, W, H);
  png = g_malloc (png_max);
  if (imcore_png_encode (&img, &pp, png, png_max, &png_len) != IMCORE_OK)
    g_error ("PNG encoding failed");
  jbuf = gst_buffer_new_memdup (jpeg, jpeg_len);
  pbuf = gst_buffer_new_memdup (png, png_len);

  printf ("imdecode vs stock decoders, 1920x1080 generated scene; JPEG q85 "
      "4:2:0 %lu bytes x %d frames, PNG level 6 %zu bytes x %d frames\n",
      jpeg_len, jn, png_len, pn);

  printf ("D1 JPEG -> I420, full size (medians of %d rounds)\n", rounds);
  fl = floor_jpeg (jpeg, jpeg_len, jn, TRUE, 1);
  for (gint r = 0; r < rounds; r++) {
    d1[0][r] = run_pipeline (jcaps, "jpegdec", jbuf, jn);
    d1[1][r] = run_pipeline (jcaps, "imdecode threads=1 ! "
        "video/x-raw,format=I420", jbuf, jn);
    d1[2][r] = run_pipeline (jcaps, "jpegdec idct-method=islow", jbuf, jn);
    d1[3][r] = run_pipeline (jcaps, "imdecode threads=0 ! "
        "video/x-raw,format=I420", jbuf, jn);
  }
  stock = median (d1[0], rounds);
  ours = median (d1[1], rounds);
  accurate = median (d1[2], rounds);
  parallel = median (d1[3], rounds);
  row ("raw TurboJPEG tjDecompressToYUVPlanes", fl, 0, "");
  row ("jpegdec (default idct-method=ifast)", stock, fl, "floor");
  row ("jpegdec idct-method=islow (as accurate)", accurate, fl, "floor");
  row ("imdecode threads=1 (islow, as Pillow, OpenCV)", ours, stock,
      "jpegdec");
  row ("", ours, accurate, "jpegdec islow");
  name = g_strdup_printf ("imdecode threads=0 (%u threads here)",
      MIN (g_get_num_processors (), 64));
  row (name, parallel, stock, "jpegdec");
  row ("", parallel, accurate, "jpegdec islow");
  row ("", parallel, ours, "threads=1");
  g_free (name);

  printf ("D2 JPEG -> RGB, full size\n");
  fl = floor_jpeg (jpeg, jpeg_len, jn, FALSE, 1);
  stock = run_pipeline (jcaps, "jpegdec ! videoconvert ! "
      "video/x-raw,format=RGB", jbuf, jn);
  ours = run_pipeline (jcaps, "imdecode threads=1 ! video/x-raw,format=RGB",
      jbuf, jn);
  row ("raw TurboJPEG tjDecompress2 RGB", fl, 0, "");
  row ("jpegdec ! videoconvert (ifast)", stock, fl, "floor");
  row ("imdecode threads=1", ours, stock, "stock");

  printf ("D3 JPEG -> 480x270 I420 thumbnail\n");
  stock = run_pipeline (jcaps, "jpegdec ! videoscale ! "
      "video/x-raw,width=480,height=270", jbuf, jn);
  ours = run_pipeline (jcaps, "imdecode threads=1 scale=1/4 ! "
      "video/x-raw,format=I420", jbuf, jn);
  row ("jpegdec ! videoscale (full decode)", stock, 0, "");
  row ("imdecode threads=1 scale=1/4 (DCT scaling)", ours, stock, "stock");

  printf ("D4 PNG -> RGB, full size\n");
  fl = floor_png (png, png_len, pn);
  stock = run_pipeline (pcaps, "pngdec ! video/x-raw,format=RGB", pbuf, pn);
  ours = run_pipeline (pcaps, "imdecode threads=1 ! video/x-raw,format=RGB",
      pbuf, pn);
  row ("raw libpng (imcore_png_decode)", fl, 0, "");
  row ("pngdec", stock, fl, "floor");
  row ("imdecode threads=1", ours, stock, "pngdec");

  gst_buffer_unref (jbuf);
  gst_buffer_unref (pbuf);
  tjFree (jpeg);
  g_free (png);
  g_free (rgb);
  return 0;
}
