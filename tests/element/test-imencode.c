/* gst-imencode: imencode element tests with GstHarness
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Run under GST_TRACERS=leaks with G_DEBUG=fatal-warnings (see
 * tests/meson.build): any object still alive at gst_deinit() fails the run.
 * Outputs are checked with libjpeg-turbo's decompressor, libpng's reader
 * and GLib's base64.
 */
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <malloc.h>
#include <math.h>
#include <png.h>
#include <string.h>
#include <turbojpeg.h>

static const gchar *all_formats[] = {
  "I420", "YV12", "NV12", "NV21", "Y42B", "Y444", "YUY2", "UYVY", "GRAY8",
  "RGB", "BGR", "RGBA", "BGRA", "ARGB", "ABGR", "RGBx", "BGRx", "xRGB",
  "xBGR",
};

/* ---- the test picture and its expected images ----
 *
 * Every frame is the same picture: red rises to the right, green
 * downwards, blue falls along the diagonal, alpha is a pattern of its
 * own, and gray (GRAY8) runs yet another way, so that a swapped channel or
 * plane, a wrong stride or a shifted row changes what comes out. Frames
 * are packed here from it by each format's definition (byte order of the
 * packed RGB formats, plane order of the YUV ones, BT.601 limited range
 * with chroma averaged over the pixels each sample covers); only plane
 * offsets and strides come from GstVideoInfo or a GstVideoMeta. Outputs
 * are decoded by libjpeg-turbo (TurboJPEG) and libpng and compared with
 * the picture: exactly for PNGs of RGB and gray, within bounds for JPEGs
 * and for anything made from YUV. */

/* The picture's R, G, B, A at (@x, @y) of @w x @h. Its gradients span
 * at least 32 x 24 pixels, so that a tiny image has gentle slopes that
 * 4:2:0 chroma keeps. */
static void
picture_rgba (gint x, gint y, gint w, gint h, guint8 px[4])
{
  gint wx = MAX (w - 1, 31), hy = MAX (h - 1, 23);

  px[0] = 30 + 190 * x / wx;
  px[1] = 40 + 170 * y / hy;
  px[2] = 220 - 90 * x / wx - 90 * y / hy;
  px[3] = (guint8) (x * 37 + y * 101 + 13);
}

/* The picture's gray (GRAY8) at (@x, @y). */
static guint8
picture_gray (gint x, gint y, gint w, gint h)
{
  return 20 + 150 * x / MAX (w - 1, 31) + 60 * (h - 1 - y) / MAX (h - 1, 23);
}

/* BT.601 limited-range Y, Cb, Cr of the picture at (@x, @y), unrounded. */
static void
picture_yuv (gint x, gint y, gint w, gint h, gdouble yuv[3])
{
  guint8 px[4];
  gdouble r, g, b, luma;

  picture_rgba (x, y, w, h, px);
  r = px[0] / 255.0;
  g = px[1] / 255.0;
  b = px[2] / 255.0;
  luma = 0.299 * r + 0.587 * g + 0.114 * b;
  yuv[0] = 16 + 219 * luma;
  yuv[1] = 128 + 224 * (b - luma) / 1.772;
  yuv[2] = 128 + 224 * (r - luma) / 1.402;
}

/* The chroma sample @c (1 Cb, 2 Cr) at (@cx, @cy) of a picture whose
 * chroma is subsampled by 2^@hs x 2^@vs: the mean over the pixels it
 * covers, rounded. */
static guint8
picture_chroma (gint cx, gint cy, guint hs, guint vs, gint w, gint h, gint c)
{
  gdouble sum = 0.0, yuv[3];
  gint n = 0;

  for (gint y = cy << vs; y < MIN ((cy + 1) << vs, h); y++) {
    for (gint x = cx << hs; x < MIN ((cx + 1) << hs, w); x++) {
      picture_yuv (x, y, w, h, yuv);
      sum += yuv[c];
      n++;
    }
  }
  return (guint8) floor (sum / n + 0.5);
}

static guint8
picture_luma (gint x, gint y, gint w, gint h)
{
  gdouble yuv[3];

  picture_yuv (x, y, w, h, yuv);
  return (guint8) floor (yuv[0] + 0.5);
}

/* Byte positions of R, G, B and alpha (or the unused byte: -1 for RGB and
 * BGR) in a pixel of the packed RGB @format, by the format's name: the
 * byte order in memory. FALSE for other formats. */
static gboolean
packed_rgb_order (const gchar * format, gint order[4])
{
  gint n = strlen (format);

  if (n != 3 && n != 4)
    return FALSE;
  order[3] = -1;
  for (gint i = 0; i < n; i++) {
    switch (format[i]) {
      case 'R':
        order[0] = i;
        break;
      case 'G':
        order[1] = i;
        break;
      case 'B':
        order[2] = i;
        break;
      case 'A':
      case 'x':
        order[3] = i;
        break;
      default:
        return FALSE;
    }
  }
  return TRUE;
}

/* Writes the picture into a @format frame of @w x @h whose plane p starts
 * at @data + @offsets[p] with rows of @strides[p] bytes. Unused bytes
 * (x of RGBx and the like, row padding) are left as they are. */
static void
fill_picture (const gchar * format, gint w, gint h, guint8 * data,
    const gsize * offsets, const gint * strides)
{
  gint order[4];
  guint8 *p0 = data + offsets[0], *p1 = data + offsets[1];
  guint8 *p2 = data + offsets[2];

  if (packed_rgb_order (format, order)) {
    gint bpp = strlen (format);

    for (gint y = 0; y < h; y++) {
      for (gint x = 0; x < w; x++) {
        guint8 px[4], *d = p0 + (gsize) y * strides[0] + x * bpp;

        picture_rgba (x, y, w, h, px);
        for (gint c = 0; c < 3; c++)
          d[order[c]] = px[c];
        /* alpha where there is some; x bytes keep the caller's filler */
        if (order[3] >= 0 && strchr (format, 'A'))
          d[order[3]] = px[3];
      }
    }
    return;
  }
  if (!strcmp (format, "GRAY8")) {
    for (gint y = 0; y < h; y++)
      for (gint x = 0; x < w; x++)
        p0[(gsize) y * strides[0] + x] = picture_gray (x, y, w, h);
    return;
  }
  if (!strcmp (format, "YUY2") || !strcmp (format, "UYVY")) {
    /* Y0 U Y1 V, or U Y0 V Y1: a macropixel per two pixels */
    gboolean yuy2 = format[0] == 'Y';

    for (gint y = 0; y < h; y++) {
      for (gint cx = 0; cx < (w + 1) / 2; cx++) {
        guint8 *d = p0 + (gsize) y * strides[0] + 4 * cx;
        gint x1 = MIN (2 * cx + 1, w - 1);

        d[yuy2 ? 0 : 1] = picture_luma (2 * cx, y, w, h);
        d[yuy2 ? 2 : 3] = picture_luma (x1, y, w, h);
        d[yuy2 ? 1 : 0] = picture_chroma (cx, y, 1, 0, w, h, 1);
        d[yuy2 ? 3 : 2] = picture_chroma (cx, y, 1, 0, w, h, 2);
      }
    }
    return;
  }
  {
    /* planar and semi-planar: Y plane, then chroma */
    gboolean semi = g_str_has_prefix (format, "NV");
    gboolean v_first = !strcmp (format, "NV21") || !strcmp (format, "YV12");
    guint hs = !strcmp (format, "Y444") ? 0 : 1;
    guint vs = !strcmp (format, "Y444") || !strcmp (format, "Y42B") ? 0 : 1;

    g_assert_true (semi || !strcmp (format, "I420") || !strcmp (format,
            "YV12") || !strcmp (format, "Y42B") || !strcmp (format, "Y444"));
    for (gint y = 0; y < h; y++)
      for (gint x = 0; x < w; x++)
        p0[(gsize) y * strides[0] + x] = picture_luma (x, y, w, h);
    for (gint cy = 0; cy < (h + (1 << vs) - 1) >> vs; cy++) {
      for (gint cx = 0; cx < (w + (1 << hs) - 1) >> hs; cx++) {
        guint8 cb = picture_chroma (cx, cy, hs, vs, w, h, 1);
        guint8 cr = picture_chroma (cx, cy, hs, vs, w, h, 2);

        if (semi) {
          guint8 *d = p1 + (gsize) cy * strides[1] + 2 * cx;

          d[0] = v_first ? cr : cb;
          d[1] = v_first ? cb : cr;
        } else {
          guint8 *u = v_first ? p2 : p1, *v = v_first ? p1 : p2;
          gint us = v_first ? strides[2] : strides[1];
          gint vst = v_first ? strides[1] : strides[2];

          u[(gsize) cy * us + cx] = cb;
          v[(gsize) cy * vst + cx] = cr;
        }
      }
    }
  }
}

/* A frame of @format holding the test picture, in GStreamer's default
 * layout; padding and unused bytes hold 0x5a. */
static GstBuffer *
make_frame (const gchar * format, gint width, gint height, GstClockTime pts)
{
  GstVideoInfo info;
  GstBuffer *buf;
  GstMapInfo map;

  g_assert_true (gst_video_info_set_format (&info,
          gst_video_format_from_string (format), width, height));
  buf = gst_buffer_new_allocate (NULL, info.size, NULL);
  g_assert_true (gst_buffer_map (buf, &map, GST_MAP_WRITE));
  memset (map.data, 0x5a, map.size);
  fill_picture (format, width, height, map.data, info.offset, info.stride);
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = GST_SECOND / 10;
  return buf;
}

/* How an image decoded from an output differs from the picture. */
typedef struct
{
  gdouble mean;                 /* mean absolute difference a sample */
  gint max;                     /* largest */
  gint max_x, max_y, max_c;     /* where */
} PictureDiff;

/* Compares @pixels (@w x @h, @channels 1 (gray), 3 (RGB) or 4 (RGBA) a
 * pixel, rows of @stride bytes) with the picture as a @format frame shows
 * it: gray for GRAY8, else R, G, B and, with 4 channels, alpha. */
static PictureDiff
picture_diff (const gchar * format, const guint8 * pixels, gint w, gint h,
    gint channels, gsize stride)
{
  PictureDiff d = { 0.0, 0, 0, 0, 0 };
  guint64 sum = 0;

  for (gint y = 0; y < h; y++) {
    for (gint x = 0; x < w; x++) {
      guint8 want[4];

      if (channels == 1)
        want[0] = picture_gray (x, y, w, h);
      else
        picture_rgba (x, y, w, h, want);
      for (gint c = 0; c < channels; c++) {
        gint e = ABS ((gint) pixels[y * stride + x * channels + c] -
            (gint) want[c]);

        sum += e;
        if (e > d.max) {
          d.max = e;
          d.max_x = x;
          d.max_y = y;
          d.max_c = c;
        }
      }
    }
  }
  d.mean = (gdouble) sum / ((gdouble) w * h * channels);
  return d;
}

/* Decodes the JPEG in @buf with TurboJPEG (accurate DCT) to gray for
 * GRAY8 input, else RGB, and compares it with the picture: the mean and
 * largest differences must be within @mean_max and @max_max. */
static void
check_jpeg_picture (GstBuffer * buf, const gchar * format, gint w, gint h,
    gdouble mean_max, gint max_max)
{
  gboolean gray = !strcmp (format, "GRAY8");
  gint channels = gray ? 1 : 3;
  guint8 *pixels = g_malloc ((gsize) w * h * channels);
  tjhandle tj = tjInitDecompress ();
  GstMapInfo map;
  PictureDiff d;

  g_assert_true (gst_buffer_map (buf, &map, GST_MAP_READ));
  if (tjDecompress2 (tj, map.data, map.size, pixels, w, 0, h,
          gray ? TJPF_GRAY : TJPF_RGB, TJFLAG_ACCURATEDCT) != 0)
    g_error ("%s %dx%d: TurboJPEG: %s", format, w, h, tjGetErrorStr2 (tj));
  gst_buffer_unmap (buf, &map);
  d = picture_diff (format, pixels, w, h, channels, (gsize) w * channels);
  if (d.mean > mean_max || d.max > max_max)
    g_error ("%s %dx%d JPEG: mean difference %.2f (bound %.2f), largest %d "
        "(bound %d) at (%d, %d) channel %d", format, w, h, d.mean, mean_max,
        d.max, max_max, d.max_x, d.max_y, d.max_c);
  tjDestroy (tj);
  g_free (pixels);
}

/* Decodes the PNG in @buf with libpng (its simplified reader, asked for
 * the PNG's own channels: no conversion) and compares it with the
 * picture: GRAY8 gives a gray PNG, formats with alpha RGBA, the others
 * RGB. The mean and largest differences must be within @mean_max and
 * @max_max (0 and 0: every sample exact). */
static void
check_png_picture (GstBuffer * buf, const gchar * format, gint w, gint h,
    gdouble mean_max, gint max_max)
{
  gboolean gray = !strcmp (format, "GRAY8");
  gboolean alpha = strchr (format, 'A') != NULL;
  png_image png;
  GstMapInfo map;
  guint8 *pixels;
  PictureDiff d;

  memset (&png, 0, sizeof (png));
  png.version = PNG_IMAGE_VERSION;
  g_assert_true (gst_buffer_map (buf, &map, GST_MAP_READ));
  if (!png_image_begin_read_from_memory (&png, map.data, map.size))
    g_error ("%s %dx%d: libpng: %s", format, w, h, png.message);
  g_assert_cmpuint (png.width, ==, w);
  g_assert_cmpuint (png.height, ==, h);
  g_assert_cmpuint (png.format, ==, gray ? PNG_FORMAT_GRAY : alpha ?
      PNG_FORMAT_RGBA : PNG_FORMAT_RGB);
  pixels = g_malloc (PNG_IMAGE_SIZE (png));
  if (!png_image_finish_read (&png, NULL, pixels, 0, NULL))
    g_error ("%s %dx%d: libpng: %s", format, w, h, png.message);
  gst_buffer_unmap (buf, &map);
  d = picture_diff (format, pixels, w, h, PNG_IMAGE_PIXEL_CHANNELS
      (png.format), PNG_IMAGE_ROW_STRIDE (png));
  if (d.mean > mean_max || d.max > max_max)
    g_error ("%s %dx%d PNG: mean difference %.2f (bound %.2f), largest %d "
        "(bound %d) at (%d, %d) channel %d", format, w, h, d.mean, mean_max,
        d.max, max_max, d.max_x, d.max_y, d.max_c);
  png_image_free (&png);
  g_free (pixels);
}

/* Caps of @format frames; YUV ones say BT.601 (limited range), as the
 * test picture is made. */
static gchar *
raw_caps (const gchar * format, gint width, gint height)
{
  GstVideoFormat fmt = gst_video_format_from_string (format);
  gboolean yuv = GST_VIDEO_FORMAT_INFO_IS_YUV (gst_video_format_get_info
      (fmt));

  return g_strdup_printf ("video/x-raw,format=%s,width=%d,height=%d,"
      "framerate=10/1%s", format, width, height,
      yuv ? ",colorimetry=bt601" : "");
}

/* A harness around imencode with @props ("name=value ...") fed @format caps; with @bus, the
 * element posts its messages there (set before the caps, which may warn). These tests look at
 * each frame's result right after pushing it, so they encode in the streaming thread (threads=1)
 * unless @props say otherwise; test-imencode-threads.c covers the worker pool. */
static GstHarness *
new_harness_on_bus (const gchar * props, const gchar * format, gint w, gint h,
    GstBus * bus)
{
  gchar *caps = raw_caps (format, w, h);
  GstHarness *hr = gst_harness_new ("imencode");
  gchar **kv = g_strsplit (props ? props : "", " ", -1);

  g_object_set (hr->element, "threads", 1, NULL);
  for (gchar ** p = kv; *p; p++) {
    gchar **pair = g_strsplit (*p, "=", 2);

    if (pair[0] && pair[1])
      gst_util_set_object_arg (G_OBJECT (hr->element), pair[0], pair[1]);
    g_strfreev (pair);
  }
  g_strfreev (kv);
  if (bus)
    gst_element_set_bus (hr->element, bus);
  gst_harness_set_src_caps_str (hr, caps);
  g_free (caps);
  return hr;
}

static GstHarness *
new_harness (const gchar * props, const gchar * format, gint w, gint h)
{
  return new_harness_on_bus (props, format, w, h, NULL);
}

/* Width and height of a JPEG per libjpeg-turbo; asserts it parses. */
static void
jpeg_size (GstBuffer * buf, gint * w, gint * h, gint * samp)
{
  GstMapInfo map;
  tjhandle tj = tjInitDecompress ();
  int cs;

  g_assert_true (gst_buffer_map (buf, &map, GST_MAP_READ));
  g_assert_cmpuint (map.size, >, 4);
  g_assert_cmpuint (map.data[0], ==, 0xff);
  g_assert_cmpuint (map.data[1], ==, 0xd8);
  g_assert_cmpuint (map.data[map.size - 2], ==, 0xff);
  g_assert_cmpuint (map.data[map.size - 1], ==, 0xd9);
  g_assert_cmpint (tjDecompressHeader3 (tj, map.data, map.size, w, h, samp,
          &cs), ==, 0);
  gst_buffer_unmap (buf, &map);
  tjDestroy (tj);
}

static const GstStructure *
meta_structure (GstBuffer * buf)
{
  GstCustomMeta *meta = gst_buffer_get_custom_meta (buf, "ImencodeMeta");

  g_assert_nonnull (meta);
  return gst_custom_meta_get_structure (meta);
}

/* Checks that @out, imencode's image of the test picture as a @format
 * frame of @w x @h, shows it: decoded by TurboJPEG or libpng, every sample
 * exact for PNGs of RGB formats (alpha included) and of gray; within
 * bounds for JPEGs (quality 95) and for PNGs of YUV (8-bit YUV rounds,
 * 4:2:0 and 4:2:2 average chroma). The bounds are tight for 64x48: a
 * chroma plane shifted by one sample moves R or B by about 6 there.
 * Smaller and odd sizes get more room: a 3x3 JPEG is mostly block
 * edges, and GstVideoConverter resamples the chroma of odd-sized 4:2:0
 * as a stretch (9 rows onto 17, up to 4 levels off in the middle), for
 * 4:4:4 input to a 4:2:0 JPEG and for PNGs of I420. */
static void
check_picture (GstBuffer * out, const gchar * format, gint w, gint h,
    gboolean png)
{
  gboolean yuv = GST_VIDEO_FORMAT_INFO_IS_YUV (gst_video_format_get_info
      (gst_video_format_from_string (format)));
  gboolean big = w >= 64 && h >= 48;

  if (png && !yuv)
    check_png_picture (out, format, w, h, 0, 0);
  else if (png)
    check_png_picture (out, format, w, h, big ? 1.5 : 3.5, big ? 6 : 12);
  else
    check_jpeg_picture (out, format, w, h, big ? 1.5 : 3.5, big ? 8 : 16);
}

/* Every format at sizes down to 1x1 and with padded rows (33x17: the
 * default strides round rows up to 4 bytes), as JPEG (4:2:0 by default,
 * gray for GRAY8) and as PNG: the test picture comes out (check_picture). */
static void
test_every_format_and_tiny_size (void)
{
  static const gint sizes[][2] = { {1, 1}, {3, 3}, {64, 48}, {33, 17} };

  for (guint f = 0; f < G_N_ELEMENTS (all_formats); f++) {
    const gchar *format = all_formats[f];

    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++) {
      gint w = sizes[s][0], h = sizes[s][1], ow, oh, samp;
      GstHarness *hr = new_harness ("quality=95", format, w, h);
      GstBuffer *out;

      g_assert_cmpint (gst_harness_push (hr, make_frame (format, w, h, 0)),
          ==, GST_FLOW_OK);
      out = gst_harness_pull (hr);
      jpeg_size (out, &ow, &oh, &samp);
      g_assert_cmpint (ow, ==, w);
      g_assert_cmpint (oh, ==, h);
      g_assert_cmpint (samp, ==, strcmp (format, "GRAY8") ?
          TJSAMP_420 : TJSAMP_GRAY);
      check_picture (out, format, w, h, FALSE);
      gst_buffer_unref (out);
      gst_harness_teardown (hr);

      hr = new_harness ("format=png", format, w, h);
      g_assert_cmpint (gst_harness_push (hr, make_frame (format, w, h, 0)),
          ==, GST_FLOW_OK);
      out = gst_harness_pull (hr);
      check_picture (out, format, w, h, TRUE);
      gst_buffer_unref (out);
      gst_harness_teardown (hr);
    }
  }
}

static void
test_timestamps_and_meta (void)
{
  GstHarness *hr = new_harness ("crop-x=10 crop-y=4 crop-width=20 "
      "crop-height=100", "I420", 64, 48);
  const GstStructure *s;
  GstBuffer *out;
  gint v;

  gst_harness_push (hr, make_frame ("I420", 64, 48, 3 * GST_SECOND));
  out = gst_harness_pull (hr);
  g_assert_cmpuint (GST_BUFFER_PTS (out), ==, 3 * GST_SECOND);
  g_assert_cmpuint (GST_BUFFER_DURATION (out), ==, GST_SECOND / 10);
  s = meta_structure (out);
  g_assert_true (gst_structure_get_int (s, "x", &v) && v == 10);
  g_assert_true (gst_structure_get_int (s, "y", &v) && v == 4);
  g_assert_true (gst_structure_get_int (s, "width", &v) && v == 20);
  /* clipped to the frame: 48 - 4 */
  g_assert_true (gst_structure_get_int (s, "height", &v) && v == 44);
  g_assert_true (gst_structure_get_int (s, "frame-width", &v) && v == 64);
  g_assert_true (gst_structure_get_int (s, "frame-height", &v) && v == 48);
  gst_buffer_unref (out);
  gst_harness_teardown (hr);
}

static void
test_png_and_base64_caps (void)
{
  GstHarness *hr = new_harness (NULL, "RGB", 16, 8);
  GstBuffer *out;
  GstMapInfo map;
  guchar *raw;
  gsize raw_len;
  gchar *text;

  gst_harness_set_sink_caps_str (hr, "image/png");
  gst_harness_push (hr, make_frame ("RGB", 16, 8, 0));
  out = gst_harness_pull (hr);
  g_assert_true (gst_buffer_map (out, &map, GST_MAP_READ));
  g_assert_cmpmem (map.data, 8, "\x89PNG\r\n\x1a\n", 8);
  gst_buffer_unmap (out, &map);
  gst_buffer_unref (out);
  gst_harness_teardown (hr);

  hr = new_harness (NULL, "RGB", 16, 8);
  gst_harness_set_sink_caps_str (hr, "application/x-base64,data-uri=true");
  gst_harness_push (hr, make_frame ("RGB", 16, 8, 0));
  out = gst_harness_pull (hr);
  g_assert_true (gst_buffer_map (out, &map, GST_MAP_READ));
  text = g_strndup ((const gchar *) map.data, map.size);
  gst_buffer_unmap (out, &map);
  g_assert_true (g_str_has_prefix (text, "data:image/jpeg;base64,"));
  raw = g_base64_decode (text + strlen ("data:image/jpeg;base64,"), &raw_len);
  g_assert_cmpuint (raw_len, >, 4);
  g_assert_cmpuint (raw[0], ==, 0xff);
  g_assert_cmpuint (raw[1], ==, 0xd8);
  g_free (raw);
  g_free (text);
  gst_buffer_unref (out);
  gst_harness_teardown (hr);
}

/* base64 and data-URI text comes out whole from an encoding thread that
 * never wrote a JSON event (its event-head memory was never allocated):
 * the text is the plain base64 of a JPEG. Found by fuzz-imencode: the
 * empty head was copied from a NULL pointer, undefined behaviour that
 * UndefinedBehaviorSanitizer reports (build-asan). */
static void
test_base64_text_without_event_head (void)
{
  static const gchar *const props[] = {
    "encoding=base64", "encoding=data-uri", "encoding=base64 threads=2",
  };

  for (guint i = 0; i < G_N_ELEMENTS (props); i++) {
    GstHarness *hr = new_harness (props[i], "I420", 16, 8);
    const gchar *prefix = strstr (props[i], "data-uri") ?
        "data:image/jpeg;base64," : "";
    GstBuffer *out;
    GstMapInfo map;
    gchar *text;
    guchar *raw;
    gsize raw_len;

    g_assert_cmpint (gst_harness_push (hr, make_frame ("I420", 16, 8, 0)),
        ==, GST_FLOW_OK);
    out = gst_harness_pull (hr);
    g_assert_true (gst_buffer_map (out, &map, GST_MAP_READ));
    text = g_strndup ((const gchar *) map.data, map.size);
    gst_buffer_unmap (out, &map);
    g_assert_true (g_str_has_prefix (text, prefix));
    raw = g_base64_decode (text + strlen (prefix), &raw_len);
    g_assert_cmpuint (raw_len, >, 4);
    g_assert_cmpuint (raw[0], ==, 0xff);
    g_assert_cmpuint (raw[1], ==, 0xd8);
    g_assert_cmpuint (raw[raw_len - 2], ==, 0xff);
    g_assert_cmpuint (raw[raw_len - 1], ==, 0xd9);
    g_free (raw);
    g_free (text);
    gst_buffer_unref (out);
    gst_harness_teardown (hr);
  }
}

/* Interlaced input is scaled as the one (woven) picture the frame is, as
 * the unscaled paths encode it: GStreamer's field-by-field scaling fails
 * for frames of odd height (one of 3 lines for any output; 5 lines to 12;
 * 4:2:0 chroma of 3 lines), and a sliver of one line has no second field
 * at all. Found by fuzz-imencode: criticals (fatal here)
 * "gst_video_resampler_init: assertion 'in_size != 0' failed" and
 * "resampler_zip: assertion 'r1->max_taps == r2->max_taps' failed". */
static void
test_interlaced_scaled_as_one_picture (void)
{
  static const struct
  {
    const gchar *mode, *format;
    gint in_w, in_h;
    const gchar *props;
    gint out_w, out_h;
  } cases[] = {
    {"mixed", "RGB", 33, 1, "width=16 height=12", 16, 12},
    {"interleaved", "RGB", 33, 1, "width=16 height=12", 16, 12},
    {"interleaved", "RGB", 32, 32, "width=16 height=1", 16, 1},
    {"interleaved", "RGB", 32, 32, "crop-height=1 width=8 height=8", 8, 8},
    /* 4:2:0 chroma of 2 lines: one per field */
    {"interleaved", "I420", 32, 32, "width=16 height=2", 16, 2},
    {"interleaved", "I420", 32, 2, "width=16 height=16", 16, 16},
    {"mixed", "I420", 53, 5, "width=16 height=12", 16, 12},
    {"interleaved", "RGB", 40, 3, "width=40 height=30", 40, 30},
    {"interleaved", "I420", 32, 6, "width=16 height=9", 16, 9},
    {"interleaved", "RGB", 32, 32, "width=16 height=8", 16, 8},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstHarness *hr = gst_harness_new ("imencode");
    gchar *caps = g_strdup_printf ("video/x-raw,format=%s,width=%d,"
        "height=%d,framerate=10/1,interlace-mode=%s", cases[i].format,
        cases[i].in_w, cases[i].in_h, cases[i].mode);
    gchar *props = g_strdup_printf ("threads=1 %s", cases[i].props);
    gchar **kv = g_strsplit (props, " ", -1);
    GstVideoInfo info;
    GstCaps *c;
    GstBuffer *in, *out;
    gint w, h, samp;

    for (gchar ** p = kv; *p; p++) {
      gchar **pair = g_strsplit (*p, "=", 2);

      gst_util_set_object_arg (G_OBJECT (hr->element), pair[0], pair[1]);
      g_strfreev (pair);
    }
    g_strfreev (kv);
    gst_harness_set_src_caps_str (hr, caps);
    /* interlaced 4:2:0 rounds the height up to 4 lines: a frame of the
     * caps' own size */
    c = gst_caps_from_string (caps);
    g_assert_true (gst_video_info_from_caps (&info, c));
    gst_caps_unref (c);
    in = gst_buffer_new_allocate (NULL, info.size, NULL);
    gst_buffer_memset (in, 0, 0x80, info.size);
    GST_BUFFER_PTS (in) = 0;
    GST_BUFFER_FLAG_SET (in, GST_VIDEO_BUFFER_FLAG_INTERLACED);
    g_assert_cmpint (gst_harness_push (hr, in), ==, GST_FLOW_OK);
    out = gst_harness_pull (hr);
    jpeg_size (out, &w, &h, &samp);
    g_assert_cmpint (w, ==, cases[i].out_w);
    g_assert_cmpint (h, ==, cases[i].out_h);
    gst_buffer_unref (out);
    gst_harness_teardown (hr);
    g_free (props);
    g_free (caps);
  }
}

/* Pops every warning on @bus; returns how many, and the debug text of
 * the last one in @last_debug (if not NULL; g_free it). */
static guint
pop_warnings (GstBus * bus, gchar ** last_debug)
{
  GstMessage *msg;
  guint n = 0;

  if (last_debug)
    *last_debug = NULL;
  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING))) {
    n++;
    if (last_debug) {
      g_free (*last_debug);
      gst_message_parse_warning (msg, NULL, last_debug);
    }
    gst_message_unref (msg);
  }
  return n;
}

static guint
count_warnings (GstBus * bus)
{
  return pop_warnings (bus, NULL);
}

static void
test_empty_crop_warns_once_then_recovers (void)
{
  GstBus *bus = gst_bus_new ();
  GstHarness *hr = new_harness_on_bus ("crop-x=1000", "I420", 64, 48, bus);
  GstBuffer *out;

  for (gint i = 0; i < 4; i++)
    g_assert_cmpint (gst_harness_push (hr, make_frame ("I420", 64, 48,
                i * GST_SECOND)), ==, GST_FLOW_OK);
  g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 0);
  g_assert_cmpuint (count_warnings (bus), ==, 1);

  g_object_set (hr->element, "crop-x", 8, NULL);
  gst_harness_push (hr, make_frame ("I420", 64, 48, 4 * GST_SECOND));
  out = gst_harness_pull (hr);
  g_assert_cmpuint (GST_BUFFER_PTS (out), ==, 4 * GST_SECOND);
  gst_buffer_unref (out);
  g_assert_cmpuint (count_warnings (bus), ==, 0);

  gst_element_set_bus (hr->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (hr);
}

static void
test_short_buffer_is_dropped_with_warning (void)
{
  GstBus *bus = gst_bus_new ();
  GstHarness *hr = new_harness_on_bus (NULL, "RGB", 64, 48, bus);
  GstBuffer *out;
  gint w, h, samp;

  g_assert_cmpint (gst_harness_push (hr, gst_buffer_new_allocate (NULL, 100,
              NULL)), ==, GST_FLOW_OK);
  g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 0);
  g_assert_cmpuint (count_warnings (bus), ==, 1);
  gst_harness_push (hr, make_frame ("RGB", 64, 48, 0));
  out = gst_harness_pull (hr);
  jpeg_size (out, &w, &h, &samp);
  g_assert_cmpint (w, ==, 64);
  gst_buffer_unref (out);
  gst_element_set_bus (hr->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (hr);
}

/* Output buffers hold what they carry: region images of varying sizes
 * each come in a buffer at most twice their size (or 4 KiB), from pools
 * by size class that are never rebuilt (the same pool object for a size
 * class from frame to frame); recycled buffers keep their ImencodeMeta
 * (the same structure, rewritten) and a region without a confidence or
 * track id never shows the last user's. */
static void
test_region_outputs_sized_to_content_and_meta_reused (void)
{
  GstHarness *hr = new_harness ("roi-type=*", "I420", 320, 240);
  GHashTable *structs = g_hash_table_new (NULL, NULL);
  GHashTable *class_pool = g_hash_table_new (NULL, NULL);
  guint reused = 0;

  for (gint frame = 0; frame < 6; frame++) {
    GstBuffer *in = make_frame ("I420", 320, 240, frame * GST_SECOND);

    for (gint r = 0; r < 5; r++) {
      /* sizes differ per region and from frame to frame */
      gint w = 16 + ((r * 37 + frame * 11) % 199);
      gint h = 16 + ((r * 53 + frame * 7) % 149);
      GstVideoRegionOfInterestMeta *m;

      m = gst_buffer_add_video_region_of_interest_meta (in,
          r % 2 ? "car" : "person", r * 10, r * 5, w, h);
      m->id = r;
      if (r % 2 == 0)
        gst_video_region_of_interest_meta_add_param (m,
            gst_structure_new ("detection", "confidence", G_TYPE_DOUBLE,
                0.5 + r / 10.0, NULL));
    }
    g_assert_cmpint (gst_harness_push (hr, in), ==, GST_FLOW_OK);
    for (gint r = 0; r < 5; r++) {
      GstBuffer *out = gst_harness_pull (hr);
      const GstStructure *st = meta_structure (out);
      GstMemory *mem = gst_buffer_peek_memory (out, 0);
      gsize size = gst_buffer_get_size (out), capacity;
      gpointer seen, klass;
      gint id;

      g_assert_true (gst_structure_get_int (st, "roi-id", &id));
      g_assert_cmpint (id, ==, r);
      g_assert_cmpstr (gst_structure_get_string (st, "roi-type"), ==,
          r % 2 ? "car" : "person");
      g_assert_cmpint (gst_structure_has_field (st, "confidence"), ==,
          r % 2 == 0);
      g_assert_false (gst_structure_has_field (st, "track-id"));
      /* at most twice the content, or the 4 KiB floor (plus what the
       * allocator adds for alignment) */
      g_assert_cmpuint (gst_buffer_n_memory (out), ==, 1);
      capacity = mem->maxsize;
      g_assert_cmpuint (capacity, <=, MAX (2 * size, 4096) + 64);
      /* one pool per capacity, kept */
      klass = GSIZE_TO_POINTER (capacity);
      if (g_hash_table_lookup_extended (class_pool, klass, NULL, &seen))
        g_assert_true (seen == (gpointer) out->pool);
      else
        g_hash_table_insert (class_pool, klass, out->pool);
      /* the same meta on a recycled buffer */
      if (g_hash_table_lookup_extended (structs, out, NULL, &seen)) {
        g_assert_true (seen == st);
        reused++;
      }
      g_hash_table_insert (structs, out, (gpointer) st);
      gst_buffer_unref (out);
    }
  }
  g_assert_cmpuint (reused, >, 0);
  g_hash_table_unref (structs);
  g_hash_table_unref (class_pool);
  gst_harness_teardown (hr);
}

/* A region type that is not UTF-8 (a detector's label can be any bytes)
 * reaches ImencodeMeta's roi-type with each bad byte replaced by U+FFFD,
 * as JSON events write it: GstStructure strings must be UTF-8. Found by
 * fuzz-imencode: GStreamer warned (fatal here) and left the field unset,
 * so a recycled output buffer kept the previous image's type. */
static void
test_region_type_not_utf8 (void)
{
  static const gchar *const types[] = { "car", "\xff\xfe" "car", "car" };
  static const gchar *const expected[] = { "car",
    "\xef\xbf\xbd\xef\xbf\xbd" "car", "car"
  };
  GstHarness *hr = new_harness ("roi-type=*", "I420", 32, 32);

  for (guint i = 0; i < G_N_ELEMENTS (types); i++) {
    GstBuffer *in = make_frame ("I420", 32, 32, i * GST_SECOND), *out;

    gst_buffer_add_video_region_of_interest_meta (in, types[i], 2, 2, 8, 8);
    g_assert_cmpint (gst_harness_push (hr, in), ==, GST_FLOW_OK);
    out = gst_harness_pull (hr);
    g_assert_cmpstr (gst_structure_get_string (meta_structure (out),
            "roi-type"), ==, expected[i]);
    gst_buffer_unref (out);
  }
  gst_harness_teardown (hr);
}

/* Checks, as each buffer leaves imencode, that its bytes are what the
 * caps it goes with say: a JPEG, a PNG, or base64 text. */
static GstPadProbeReturn
check_content_matches_caps (GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstCaps *caps = gst_pad_get_current_caps (pad);
  const gchar *name = gst_structure_get_name (gst_caps_get_structure (caps,
          0));
  GstMapInfo map;

  g_assert_true (gst_buffer_map (buf, &map, GST_MAP_READ));
  g_assert_cmpuint (map.size, >, 8);
  if (strcmp (name, "image/jpeg") == 0) {
    g_assert_cmpmem (map.data, 2, "\xff\xd8", 2);
  } else if (strcmp (name, "image/png") == 0) {
    g_assert_cmpmem (map.data, 4, "\x89PNG", 4);
  } else {
    g_assert_cmpstr (name, ==, "application/x-base64");
    for (gsize i = 0; i < map.size; i++)
      g_assert_true (g_ascii_isalnum (map.data[i]) || map.data[i] == '+' ||
          map.data[i] == '/' || map.data[i] == '=');
  }
  gst_buffer_unmap (buf, &map);
  gst_caps_unref (caps);
  (*(guint *) user_data)++;
  return GST_PAD_PROBE_OK;
}

/* With roi-select=best, a track's best view is kept encoded for the caps
 * of its time: when the output format or encoding changes, it goes out
 * before the new caps (and the track starts a new best period), not
 * later under caps that describe other bytes. Found by fuzz-imencode: a
 * binary JPEG went out as application/x-base64 data-uri=true. */
static void
test_best_view_kept_across_caps_change (void)
{
  static const gchar *const changes[][2] = {
    {"encoding", "base64"}, {"format", "png"}, {"encoding", "binary"},
  };

  for (guint i = 0; i < G_N_ELEMENTS (changes); i++) {
    GstHarness *hr = new_harness ("roi-type=person roi-select=best",
        "RGB", 64, 48);
    GstPad *src = gst_element_get_static_pad (hr->element, "src");
    guint checked = 0;

    if (i == 2)
      gst_util_set_object_arg (G_OBJECT (hr->element), "encoding", "base64");
    gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER,
        check_content_matches_caps, &checked, NULL);
    for (guint f = 0; f < 2; f++) {
      GstBuffer *in = make_frame ("RGB", 64, 48, f * GST_SECOND / 10);
      GstVideoRegionOfInterestMeta *m;

      /* the second view is smaller: not better than the first */
      m = gst_buffer_add_video_region_of_interest_meta (in, "person", 4, 4,
          f ? 8 : 32, f ? 8 : 32);
      gst_video_region_of_interest_meta_add_param (m,
          gst_structure_new ("object_id", "id", G_TYPE_INT, 7, NULL));
      if (f == 1)
        gst_util_set_object_arg (G_OBJECT (hr->element), changes[i][0],
            changes[i][1]);
      g_assert_cmpint (gst_harness_push (hr, in), ==, GST_FLOW_OK);
    }
    g_assert_true (gst_harness_push_event (hr, gst_event_new_eos ()));
    /* the first view under the old caps, the second under the new */
    g_assert_cmpuint (checked, ==, 2);
    g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 2);
    gst_object_unref (src);
    gst_harness_teardown (hr);
  }
}

/* The caps imencode sends lie inside its source pad template, also in
 * region mode, where they carry no size: for every encoding. Found by
 * fuzz-imencode, which checks every caps event against the template. */
static void
test_region_caps_inside_template (void)
{
  static const gchar *const props[] = {
    "roi-type=*", "roi-type=* format=png", "roi-type=* encoding=base64",
    "roi-type=* encoding=data-uri", "roi-type=* encoding=json", "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (props); i++) {
    GstHarness *hr = new_harness (props[i], "I420", 64, 48);
    GstBuffer *in = make_frame ("I420", 64, 48, 0);
    GstPad *src = gst_element_get_static_pad (hr->element, "src");
    GstCaps *caps, *templ = gst_pad_get_pad_template_caps (src);

    gst_buffer_add_video_region_of_interest_meta (in, "person", 4, 4, 20,
        16);
    g_assert_cmpint (gst_harness_push (hr, in), ==, GST_FLOW_OK);
    gst_buffer_unref (gst_harness_pull (hr));
    caps = gst_pad_get_current_caps (hr->sinkpad);
    g_assert_nonnull (caps);
    g_assert_true (gst_caps_is_subset (caps, templ));
    gst_caps_unref (caps);
    gst_caps_unref (templ);
    gst_object_unref (src);
    gst_harness_teardown (hr);
  }
}

/* Honest GstVideoMetas are accepted and read as they say for every
 * format: tight rows of an odd width (stride = the row, no padding) and
 * padded, offset planes; the JPEG shows the test picture. */
static void
test_honest_video_meta_every_format (void)
{
  for (guint f = 0; f < G_N_ELEMENTS (all_formats); f++) {
    for (guint pad = 0; pad <= 24; pad += 24) {
      GstVideoFormat fmt = gst_video_format_from_string (all_formats[f]);
      const GstVideoFormatInfo *finfo = gst_video_format_get_info (fmt);
      GstBus *bus = gst_bus_new ();
      GstHarness *hr = new_harness_on_bus ("quality=95", all_formats[f], 33,
          17, bus);
      gsize offsets[GST_VIDEO_MAX_PLANES] = { 0 };
      gint strides[GST_VIDEO_MAX_PLANES] = { 0 };
      gsize total = 8;          /* planes start 8 bytes in */
      GstBuffer *buf, *out;
      GstMapInfo map;

      for (guint p = 0; p < GST_VIDEO_FORMAT_INFO_N_PLANES (finfo); p++) {
        gint comp[GST_VIDEO_MAX_COMPONENTS];
        gint rows, row = 0;

        gst_video_format_info_component (finfo, p, comp);
        rows = GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (finfo, comp[0], 17);
        /* a tight row: samples of this plane times their stride */
        row = GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, comp[0]) *
            GST_VIDEO_FORMAT_INFO_SCALE_WIDTH (finfo, comp[0], 33);
        if (fmt == GST_VIDEO_FORMAT_YUY2 || fmt == GST_VIDEO_FORMAT_UYVY)
          row = 2 * 34;         /* a macropixel per two pixels, rounded up */
        strides[p] = row + pad;
        offsets[p] = total;
        total += (gsize) strides[p] * rows;
      }
      buf = gst_buffer_new_allocate (NULL, total, NULL);
      g_assert_true (gst_buffer_map (buf, &map, GST_MAP_WRITE));
      memset (map.data, 0x5a, total);
      fill_picture (all_formats[f], 33, 17, map.data, offsets, strides);
      gst_buffer_unmap (buf, &map);
      gst_buffer_add_video_meta_full (buf, GST_VIDEO_FRAME_FLAG_NONE, fmt,
          33, 17, GST_VIDEO_FORMAT_INFO_N_PLANES (finfo), offsets, strides);
      g_assert_cmpint (gst_harness_push (hr, buf), ==, GST_FLOW_OK);
      g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 1);
      g_assert_cmpuint (count_warnings (bus), ==, 0);
      out = gst_harness_pull (hr);
      check_picture (out, all_formats[f], 33, 17, FALSE);
      gst_buffer_unref (out);
      gst_element_set_bus (hr->element, NULL);
      gst_object_unref (bus);
      gst_harness_teardown (hr);
    }
  }
}

/* Frames whose GstVideoMeta strides are not multiples of 4 (tight rows,
 * as an application pushing numpy arrays makes them) are encoded, and
 * show the test picture, where GstVideoConverter's same-size fast paths
 * do the work (packed 4:2:2 to 4:4:4, 4:4:4 to 4:2:2): those fault on such
 * strides (GStreamer 1.22), so imencode converts from a copy in the
 * default layout. Found by fuzz-imencode: UYVY 63x41 with a stride of
 * 134 to a 4:4:4 JPEG crashed (SEGV in ORC code). The copy must hold the
 * V of an odd-width row's last macropixel: gst_video_frame_copy() left it
 * out, so the last column's colour came from uninitialised memory. */
static void
test_unaligned_strides_converted (void)
{
  static const struct
  {
    const gchar *format;
    gint w, h, stride;
    const gchar *subsampling;
  } cases[] = {
    {"UYVY", 63, 41, 134, "444"},
    {"YUY2", 63, 41, 130, "444"},
    {"YUY2", 64, 40, 130, "444"},
    {"UYVY", 64, 40, 133, "444"},
    {"Y444", 64, 40, 65, "422"},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *props = g_strdup_printf ("subsampling=%s quality=95",
        cases[i].subsampling);
    GstHarness *hr = new_harness (props, cases[i].format, cases[i].w,
        cases[i].h);
    GstVideoFormat fmt = gst_video_format_from_string (cases[i].format);
    guint n_planes = GST_VIDEO_FORMAT_INFO_N_PLANES (gst_video_format_get_info
        (fmt));
    gsize offsets[GST_VIDEO_MAX_PLANES] = { 0 };
    gint strides[GST_VIDEO_MAX_PLANES] = { 0 };
    gsize size = (gsize) cases[i].stride * cases[i].h * n_planes;
    GstBuffer *buf = gst_buffer_new_allocate (NULL, size, NULL), *out;
    GstMapInfo map;
    gint w, h, samp;

    for (guint p = 0; p < n_planes; p++) {
      offsets[p] = (gsize) cases[i].stride * cases[i].h * p;
      strides[p] = cases[i].stride;
    }
    g_assert_true (gst_buffer_map (buf, &map, GST_MAP_WRITE));
    memset (map.data, 0x5a, size);
    fill_picture (cases[i].format, cases[i].w, cases[i].h, map.data, offsets,
        strides);
    gst_buffer_unmap (buf, &map);
    gst_buffer_add_video_meta_full (buf, GST_VIDEO_FRAME_FLAG_NONE, fmt,
        cases[i].w, cases[i].h, n_planes, offsets, strides);
    g_assert_cmpint (gst_harness_push (hr, buf), ==, GST_FLOW_OK);
    out = gst_harness_pull (hr);
    jpeg_size (out, &w, &h, &samp);
    check_picture (out, cases[i].format, cases[i].w, cases[i].h, FALSE);
    g_assert_cmpint (w, ==, cases[i].w);
    g_assert_cmpint (h, ==, cases[i].h);
    g_assert_cmpint (samp, ==, strcmp (cases[i].subsampling, "444") ?
        TJSAMP_422 : TJSAMP_444);
    gst_buffer_unref (out);
    gst_harness_teardown (hr);
    g_free (props);
  }
}

/* A GstVideoMeta that lies about the buffer (planes past its end, a
 * height other than the caps', a stride shorter than a row) is refused
 * with one warning before anything reads the buffer, and good frames
 * around it still come out. Without the check the first case read past
 * the 4 KB buffer inside libturbojpeg (a crash under ASan). */
static void
test_lying_video_meta_is_dropped_with_warning (void)
{
  struct
  {
    gint meta_height;
    gsize offset;
    gint stride;
  } lies[] = {
    {480, 0, 640 * 3},          /* 640x480 RGB described on 4 KB */
    {240, 0, 640 * 3},          /* shorter than the caps */
    {480, 0, 100},              /* rows overlap: stride below a row */
    {480, G_MAXSIZE - 8, 640 * 3},      /* offset far outside */
    {480, 0, -640 * 3},         /* negative stride */
  };

  for (guint i = 0; i < G_N_ELEMENTS (lies); i++) {
    GstBus *bus = gst_bus_new ();
    GstHarness *hr = new_harness_on_bus (NULL, "RGB", 640, 480, bus);
    GstBuffer *bad = gst_buffer_new_allocate (NULL, 4096, NULL);
    gsize offsets[GST_VIDEO_MAX_PLANES] = { lies[i].offset };
    gint strides[GST_VIDEO_MAX_PLANES] = { lies[i].stride };
    GstBuffer *out;
    gint w, h, samp;

    if (i > 0) {
      /* a full-size buffer: only the meta is wrong */
      gst_buffer_unref (bad);
      bad = make_frame ("RGB", 640, 480, 0);
    }
    gst_buffer_add_video_meta_full (bad, GST_VIDEO_FRAME_FLAG_NONE,
        GST_VIDEO_FORMAT_RGB, 640, lies[i].meta_height, 1, offsets, strides);
    g_assert_cmpint (gst_harness_push (hr, gst_buffer_ref (bad)), ==,
        GST_FLOW_OK);
    g_assert_cmpint (gst_harness_push (hr, bad), ==, GST_FLOW_OK);
    g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 0);
    g_assert_cmpuint (count_warnings (bus), ==, 1);
    g_assert_cmpint (gst_harness_push (hr, make_frame ("RGB", 640, 480,
                GST_SECOND)), ==, GST_FLOW_OK);
    out = gst_harness_pull (hr);
    jpeg_size (out, &w, &h, &samp);
    g_assert_cmpint (w, ==, 640);
    g_assert_cmpint (h, ==, 480);
    gst_buffer_unref (out);
    gst_element_set_bus (hr->element, NULL);
    gst_object_unref (bus);
    gst_harness_teardown (hr);
  }
}

/* Makes a buffer of @n_mems memories of the given sizes, filled. */
static GstBuffer *
buffer_of_memories (const gsize * sizes, guint n_mems)
{
  GstBuffer *buf = gst_buffer_new ();

  for (guint i = 0; i < n_mems; i++) {
    GstMemory *mem = gst_allocator_alloc (NULL, sizes[i], NULL);
    GstMapInfo map;

    g_assert_true (gst_memory_map (mem, &map, GST_MAP_WRITE));
    memset (map.data, 0x40 + 0x20 * i, map.size);
    gst_memory_unmap (mem, &map);
    gst_buffer_append_memory (buf, mem);
  }
  return buf;
}

/* A GstVideoMeta plane must lie in one memory of the buffer: mapping
 * through the meta gives each plane only the memory its first byte is in.
 * A plane running on into the next memory is refused with one warning;
 * planes each in a memory of their own are encoded. Found by
 * fuzz-imencode: the frame was read past the end of its first memory (a
 * heap-buffer-overflow under ASan; garbage pixels otherwise). */
static void
test_video_meta_plane_across_memories (void)
{
  GstBus *bus = gst_bus_new ();
  GstHarness *hr = new_harness_on_bus (NULL, "RGB", 64, 48, bus);
  gsize rgb_split[2] = { 4096, 64 * 48 * 3 - 4096 };
  gsize offsets[GST_VIDEO_MAX_PLANES] = { 0 };
  gint strides[GST_VIDEO_MAX_PLANES] = { 64 * 3 };
  gsize i420_planes[3] = { 64 * 48, 32 * 24, 32 * 24 };
  GstBuffer *buf, *out;
  gint w, h, samp;

  /* one RGB plane over two memories */
  buf = buffer_of_memories (rgb_split, 2);
  gst_buffer_add_video_meta_full (buf, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_FORMAT_RGB, 64, 48, 1, offsets, strides);
  g_assert_cmpint (gst_harness_push (hr, buf), ==, GST_FLOW_OK);
  g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 0);
  g_assert_cmpuint (count_warnings (bus), ==, 1);
  gst_element_set_bus (hr->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (hr);

  /* I420 with a memory per plane */
  hr = new_harness (NULL, "I420", 64, 48);
  buf = buffer_of_memories (i420_planes, 3);
  offsets[1] = i420_planes[0];
  offsets[2] = i420_planes[0] + i420_planes[1];
  strides[0] = 64;
  strides[1] = strides[2] = 32;
  gst_buffer_add_video_meta_full (buf, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_FORMAT_I420, 64, 48, 3, offsets, strides);
  g_assert_cmpint (gst_harness_push (hr, buf), ==, GST_FLOW_OK);
  out = gst_harness_pull (hr);
  jpeg_size (out, &w, &h, &samp);
  g_assert_cmpint (w, ==, 64);
  g_assert_cmpint (h, ==, 48);
  gst_buffer_unref (out);
  gst_harness_teardown (hr);
}

/* Output sizes beyond the formats' limits are refused with a warning
 * before any conversion or allocation: PNG 1000000 a side (libpng), JPEG
 * 65500 (libjpeg-turbo). 50000000x1 PNG used to abort the process in
 * g_malloc (25.6 GB), 65535-wide JPEG to fail inside the codec. */
static void
test_oversized_outputs_are_refused (void)
{
  static const struct
  {
    const gchar *props;
    gboolean ok;
  } cases[] = {
    {"format=png width=50000000 height=1", FALSE},
    {"format=png width=1 height=50000000", FALSE},
    {"format=png width=268435456 height=1", FALSE},
    {"format=png width=1000001 height=1", FALSE},
    {"format=jpeg width=65501 height=1", FALSE},
    {"format=jpeg width=65535 height=1", FALSE},
    {"format=jpeg width=65500 height=1", TRUE},
    {"format=png width=100000 height=1", TRUE},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstBus *bus = gst_bus_new ();
    GstHarness *hr = new_harness_on_bus (cases[i].props, "GRAY8", 16, 16,
        bus);

    g_assert_cmpint (gst_harness_push (hr, make_frame ("GRAY8", 16, 16, 0)),
        ==, GST_FLOW_OK);
    g_assert_cmpuint (gst_harness_buffers_received (hr), ==,
        cases[i].ok ? 1 : 0);
    g_assert_cmpuint (count_warnings (bus), ==, cases[i].ok ? 0 : 1);
    gst_element_set_bus (hr->element, NULL);
    gst_object_unref (bus);
    gst_harness_teardown (hr);
  }
}

/* A crop stretched more than 65536 times wider is refused with a warning
 * (GstVideoScaler's 2-tap horizontal paths step through the source in
 * 16.16 fixed point, and read far outside the line beyond that); 65536
 * times is encoded. Found by fuzz-imencode: YV12 5x25 to a 1000000x1 PNG
 * crashed (SEGV in ORC code), as did RGBA 2 wide to 65538. */
static void
test_extreme_horizontal_stretch_refused (void)
{
  static const struct
  {
    const gchar *format, *props;
    gint in_w;
    gboolean ok;
  } cases[] = {
    {"RGBA", "format=png width=65538 height=2", 2, FALSE},
    {"I420", "format=png width=1000000 height=1", 5, FALSE},
    {"RGBA", "format=png width=65537 height=2", 2, TRUE},
    {"RGBA", "format=png width=100000 height=2", 1, TRUE},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstBus *bus = gst_bus_new ();
    GstHarness *hr = new_harness_on_bus (cases[i].props, cases[i].format,
        cases[i].in_w, 2, bus);

    g_assert_cmpint (gst_harness_push (hr, make_frame (cases[i].format,
                cases[i].in_w, 2, 0)), ==, GST_FLOW_OK);
    g_assert_cmpuint (gst_harness_buffers_received (hr), ==,
        cases[i].ok ? 1 : 0);
    g_assert_cmpuint (count_warnings (bus), ==, cases[i].ok ? 0 : 1);
    gst_element_set_bus (hr->element, NULL);
    gst_object_unref (bus);
    gst_harness_teardown (hr);
  }
}

/* Scaling a wide image down in height keeps GstVideoScaler's scratch
 * bounded: it holds 16 bytes per pixel of a line for each vertical tap
 * (128 at most), which for a 1000000x1 PNG of a 1x25 frame took 540 MB,
 * and letterboxed from 64x47 (lines span the whole output, borders
 * included) 681 MB (found by fuzz-imencode, which limits allocations to
 * 512 MB; from a 4K frame it would be 2 GB, and GLib aborts when that
 * fails). Measured as the heap the encoding thread keeps (its converter
 * is cached), with glibc's mallinfo2 (not under AddressSanitizer, whose
 * heap it does not see). */
static void
test_wide_downscale_scratch_bounded (void)
{
#if defined (__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
  static const struct
  {
    const gchar *format;
    gint w, h;
    const gchar *aspect_mode;
  } cases[] = {
    {"YV12", 1, 25, "stretch"},
    {"I420", 64, 47, "letterbox"},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *props = g_strdup_printf ("format=png width=1000000 height=1 "
        "aspect-mode=%s", cases[i].aspect_mode);
    GstHarness *hr = new_harness (props, cases[i].format, cases[i].w,
        cases[i].h);
    struct mallinfo2 before, after;
    gsize held;

    before = mallinfo2 ();
    g_assert_cmpint (gst_harness_push (hr, make_frame (cases[i].format,
                cases[i].w, cases[i].h, 0)), ==, GST_FLOW_OK);
    gst_buffer_unref (gst_harness_pull (hr));
    after = mallinfo2 ();
    held = (after.uordblks + after.hblkhd) - MIN (after.uordblks +
        after.hblkhd, before.uordblks + before.hblkhd);
    g_test_message ("%s: the encoding thread holds %" G_GSIZE_FORMAT
        " bytes more", props, held);
    /* 507 and 681 MB before; what stays (about 190 MB) is the
     * converter's own state for lines of 1000000 pixels */
    g_assert_cmpuint (held, <, 320 << 20);
    gst_harness_teardown (hr);
    g_free (props);
  }
#else
  g_test_skip ("needs glibc's mallinfo2");
#endif
}

/* Input wider than JPEG allows is refused, not quietly scaled to the
 * limit by caps fixation. */
static void
test_input_wider_than_jpeg_allows_is_refused (void)
{
  GstBus *bus = gst_bus_new ();
  GstHarness *hr = new_harness_on_bus (NULL, "GRAY8", 65536, 1, bus);
  gchar *debug;

  g_assert_cmpint (gst_harness_push (hr, make_frame ("GRAY8", 65536, 1, 0)),
      ==, GST_FLOW_OK);
  g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 0);
  /* refused for its size, naming the limit, before the codec is tried */
  g_assert_cmpuint (pop_warnings (bus, &debug), ==, 1);
  g_assert_nonnull (strstr (debug, "65536x1"));
  g_assert_nonnull (strstr (debug, "65500"));
  g_free (debug);
  gst_element_set_bus (hr->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (hr);
}

static void
test_resolution_change_and_property_change (void)
{
  GstHarness *hr = new_harness (NULL, "I420", 64, 48);
  GstBuffer *out;
  gint w, h, samp;

  gst_harness_push (hr, make_frame ("I420", 64, 48, 0));
  out = gst_harness_pull (hr);
  jpeg_size (out, &w, &h, &samp);
  g_assert_cmpint (w, ==, 64);
  gst_buffer_unref (out);

  gst_harness_set_src_caps_str (hr, "video/x-raw,format=Y444,width=33,"
      "height=21,framerate=10/1");
  gst_harness_push (hr, make_frame ("Y444", 33, 21, GST_SECOND));
  out = gst_harness_pull (hr);
  jpeg_size (out, &w, &h, &samp);
  g_assert_cmpint (w, ==, 33);
  g_assert_cmpint (h, ==, 21);
  gst_buffer_unref (out);

  /* while playing: the next frame has the new size and new caps */
  g_object_set (hr->element, "width", 11, "quality", 50, NULL);
  gst_util_set_object_arg (G_OBJECT (hr->element), "subsampling", "420");
  gst_harness_push (hr, make_frame ("Y444", 33, 21, 2 * GST_SECOND));
  out = gst_harness_pull (hr);
  jpeg_size (out, &w, &h, &samp);
  g_assert_cmpint (w, ==, 11);
  g_assert_cmpint (h, ==, 7);
  g_assert_cmpint (samp, ==, TJSAMP_420);
  gst_buffer_unref (out);
  {
    GstCaps *caps = gst_pad_get_current_caps (hr->sinkpad);
    gint cw = 0;

    gst_structure_get_int (gst_caps_get_structure (caps, 0), "width", &cw);
    g_assert_cmpint (cw, ==, 11);
    gst_caps_unref (caps);
  }
  gst_harness_teardown (hr);
}

static void
test_eos_and_flush (void)
{
  GstHarness *hr = new_harness (NULL, "NV12", 32, 32);
  GstEvent *ev;
  GstBuffer *out;
  gboolean saw_eos = FALSE;

  gst_harness_push (hr, make_frame ("NV12", 32, 32, 0));
  gst_buffer_unref (gst_harness_pull (hr));
  g_assert_true (gst_harness_push_event (hr, gst_event_new_flush_start ()));
  g_assert_true (gst_harness_push_event (hr,
          gst_event_new_flush_stop (TRUE)));
  {
    GstSegment seg;

    gst_segment_init (&seg, GST_FORMAT_TIME);
    g_assert_true (gst_harness_push_event (hr, gst_event_new_segment (&seg)));
  }
  g_assert_cmpint (gst_harness_push (hr, make_frame ("NV12", 32, 32,
              GST_SECOND)), ==, GST_FLOW_OK);
  out = gst_harness_pull (hr);
  g_assert_cmpuint (GST_BUFFER_PTS (out), ==, GST_SECOND);
  gst_buffer_unref (out);
  g_assert_true (gst_harness_push_event (hr, gst_event_new_eos ()));
  while ((ev = gst_harness_try_pull_event (hr))) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_EOS)
      saw_eos = TRUE;
    gst_event_unref (ev);
  }
  g_assert_true (saw_eos);
  gst_harness_teardown (hr);
}

static void
test_state_cycles (void)
{
  GstElement *pipe = gst_parse_launch ("videotestsrc num-buffers=3 ! "
      "video/x-raw,width=64,height=48 ! imencode ! fakesink", NULL);

  g_assert_nonnull (pipe);
  for (gint i = 0; i < 5; i++) {
    GstMessage *msg;

    g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
        GST_STATE_CHANGE_FAILURE);
    msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipe), 10 * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    g_assert_nonnull (msg);
    g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_EOS);
    gst_message_unref (msg);
    g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_NULL), ==,
        GST_STATE_CHANGE_SUCCESS);
  }
  gst_object_unref (pipe);
}

static void
test_sink_caps_query_lists_formats (void)
{
  GstHarness *hr = gst_harness_new ("imencode");
  GstCaps *caps = gst_pad_peer_query_caps (hr->srcpad, NULL);
  GstCaps *want;

  for (guint f = 0; f < G_N_ELEMENTS (all_formats); f++) {
    gchar *s = raw_caps (all_formats[f], 7, 5);

    want = gst_caps_from_string (s);
    g_assert_true (gst_caps_can_intersect (caps, want));
    gst_caps_unref (want);
    g_free (s);
  }
  want = gst_caps_from_string ("video/x-raw,format=P010_10LE");
  g_assert_false (gst_caps_can_intersect (caps, want));
  gst_caps_unref (want);
  gst_caps_unref (caps);
  gst_harness_teardown (hr);
}

/* As jpegenc's getcaps: what downstream restricts besides type and size
 * (the framerate) is in the sink caps, so that videorate upstream
 * converts to it. */
static void
test_sink_caps_query_proxies_downstream_framerate (void)
{
  GstHarness *hr = gst_harness_new ("imencode");
  GstCaps *caps, *other;
  gint n, d;

  gst_harness_set_sink_caps_str (hr, "image/jpeg, framerate=(fraction)5/1");
  caps = gst_pad_peer_query_caps (hr->srcpad, NULL);
  g_assert_false (gst_caps_is_empty (caps));
  for (guint i = 0; i < gst_caps_get_size (caps); i++) {
    GstStructure *st = gst_caps_get_structure (caps, i);

    g_assert_true (gst_structure_get_fraction (st, "framerate", &n, &d));
    g_assert_cmpint (n, ==, 5);
    g_assert_cmpint (d, ==, 1);
    g_assert_true (gst_structure_has_field (st, "format"));
  }
  other = gst_caps_from_string ("video/x-raw, framerate=(fraction)30/1");
  g_assert_false (gst_caps_can_intersect (caps, other));
  gst_caps_unref (other);
  gst_caps_unref (caps);
  gst_harness_teardown (hr);
}

static void
count_finalized (gpointer data, GstMiniObject * where_the_object_was)
{
  (*(guint *) data)++;
}

/* A consumer that held a burst of outputs lets them go: at most a few
 * stay cached for reuse, and none once the element is stopped. */
static void
test_output_buffers_freed_after_burst (void)
{
  const guint n = 60;
  GstHarness *hr = new_harness (NULL, "RGB", 32, 24);
  GstBuffer *outs[60];
  guint freed = 0;

  for (guint i = 0; i < n; i++) {
    g_assert_cmpint (gst_harness_push (hr, make_frame ("RGB", 32, 24,
                i * GST_MSECOND)), ==, GST_FLOW_OK);
  }
  for (guint i = 0; i < n; i++) {
    outs[i] = gst_harness_pull (hr);
    g_assert_nonnull (outs[i]);
    gst_mini_object_weak_ref (GST_MINI_OBJECT (outs[i]), count_finalized,
        &freed);
  }
  for (guint i = 0; i < n; i++)
    gst_buffer_unref (outs[i]);
  /* all 60 were out at once; 16 may stay for the next frames */
  g_assert_cmpuint (freed, >=, n - 16);
  /* the rest go when the element stops */
  gst_element_set_state (hr->element, GST_STATE_READY);
  g_assert_cmpuint (freed, ==, n);
  gst_harness_teardown (hr);
}

/* annotate's drawing (outlines, labels through cached glyphs and, for
 * text that is not ASCII, a Pango layout; the time) on worker threads and
 * in the streaming thread, whole frame and region mode, planar YUV through
 * a copy and RGB through the converter: every frame gives a JPEG, and the
 * leaks tracer and ASan see the Pango and Cairo state made and freed with
 * the threads. */
static void
test_annotate_draws_on_every_path (void)
{
  const gchar *props[] = {
    "annotate=boxes+labels+time threads=2",
    "annotate=boxes+labels+time threads=1 width=200",
    "annotate=boxes+labels roi-type=* roi-margin=0.2 threads=2",
  };
  const gchar *formats[] = { "I420", "RGB", "NV12" };

  for (guint p = 0; p < G_N_ELEMENTS (props); p++) {
    for (guint f = 0; f < G_N_ELEMENTS (formats); f++) {
      GstHarness *hr = new_harness (props[p], formats[f], 160, 120);
      guint expected = 0;

      for (gint frame = 0; frame < 3; frame++) {
        GstBuffer *in = make_frame (formats[f], 160, 120, frame * GST_SECOND);
        GstVideoRegionOfInterestMeta *m;

        m = gst_buffer_add_video_region_of_interest_meta (in, "person",
            10 + frame, 20, 60, 80);
        gst_video_region_of_interest_meta_add_param (m,
            gst_structure_new ("detection", "confidence", G_TYPE_DOUBLE,
                0.87, NULL));
        /* a type Pango lays out whole (not ASCII) */
        gst_buffer_add_video_region_of_interest_meta (in, "caf\xc3\xa9",
            100, 0, 70, 50);
        expected += g_str_has_prefix (props[p], "annotate=boxes+labels roi")
            ? 2 : 1;
        g_assert_cmpint (gst_harness_push (hr, in), ==, GST_FLOW_OK);
      }
      for (guint i = 0; i < expected; i++) {
        GstBuffer *out = gst_harness_pull (hr);
        GstMapInfo map;

        g_assert_nonnull (out);
        g_assert_true (gst_buffer_map (out, &map, GST_MAP_READ));
        g_assert_cmpuint (map.size, >, 4);
        g_assert_cmpuint (map.data[0], ==, 0xff);
        g_assert_cmpuint (map.data[1], ==, 0xd8);
        gst_buffer_unmap (out, &map);
        gst_buffer_unref (out);
      }
      gst_harness_teardown (hr);
    }
  }
}

int
main (int argc, char **argv)
{
  int ret;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imencode/every-format-and-tiny-size",
      test_every_format_and_tiny_size);
  g_test_add_func ("/imencode/timestamps-and-meta", test_timestamps_and_meta);
  g_test_add_func ("/imencode/png-and-base64-caps", test_png_and_base64_caps);
  g_test_add_func ("/imencode/base64-text-without-event-head",
      test_base64_text_without_event_head);
  g_test_add_func ("/imencode/interlaced-scaled-as-one-picture",
      test_interlaced_scaled_as_one_picture);
  g_test_add_func ("/imencode/empty-crop-warns-once",
      test_empty_crop_warns_once_then_recovers);
  g_test_add_func ("/imencode/short-buffer-dropped",
      test_short_buffer_is_dropped_with_warning);
  g_test_add_func ("/imencode/resolution-and-property-change",
      test_resolution_change_and_property_change);
  g_test_add_func ("/imencode/region-outputs-sized-to-content",
      test_region_outputs_sized_to_content_and_meta_reused);
  g_test_add_func ("/imencode/region-type-not-utf8",
      test_region_type_not_utf8);
  g_test_add_func ("/imencode/best-view-kept-across-caps-change",
      test_best_view_kept_across_caps_change);
  g_test_add_func ("/imencode/region-caps-inside-template",
      test_region_caps_inside_template);
  g_test_add_func ("/imencode/honest-video-meta-every-format",
      test_honest_video_meta_every_format);
  g_test_add_func ("/imencode/unaligned-strides-converted",
      test_unaligned_strides_converted);
  g_test_add_func ("/imencode/lying-video-meta",
      test_lying_video_meta_is_dropped_with_warning);
  g_test_add_func ("/imencode/video-meta-plane-across-memories",
      test_video_meta_plane_across_memories);
  g_test_add_func ("/imencode/oversized-outputs-refused",
      test_oversized_outputs_are_refused);
  g_test_add_func ("/imencode/extreme-horizontal-stretch-refused",
      test_extreme_horizontal_stretch_refused);
  g_test_add_func ("/imencode/wide-downscale-scratch-bounded",
      test_wide_downscale_scratch_bounded);
  g_test_add_func ("/imencode/input-wider-than-jpeg-refused",
      test_input_wider_than_jpeg_allows_is_refused);
  g_test_add_func ("/imencode/eos-and-flush", test_eos_and_flush);
  g_test_add_func ("/imencode/state-cycles", test_state_cycles);
  g_test_add_func ("/imencode/sink-caps-query",
      test_sink_caps_query_lists_formats);
  g_test_add_func ("/imencode/sink-caps-query-proxies-framerate",
      test_sink_caps_query_proxies_downstream_framerate);
  g_test_add_func ("/imencode/annotate-draws-on-every-path",
      test_annotate_draws_on_every_path);
  g_test_add_func ("/imencode/output-buffers-freed-after-burst",
      test_output_buffers_freed_after_burst);

  ret = g_test_run ();
  gst_deinit ();
  return ret;
}
