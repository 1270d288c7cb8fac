/* gst-imencode: imencode's delivery properties (progressive, optimize,
 * restart-interval, exif, max-bytes) with GstHarness, on every input
 * format and through the worker threads, under the leaks tracer. Files
 * are read by TurboJPEG and libpng; tests/e2e/test_delivery.py checks
 * what Pillow and OpenCV read of them.
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <gst/gst.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <png.h>
#include <turbojpeg.h>

static const gchar *formats[] = {
  "I420", "YV12", "NV12", "NV21", "Y42B", "Y444", "YUY2", "UYVY", "GRAY8",
  "RGB", "BGR", "RGBA", "BGRA", "ARGB", "ABGR", "RGBx", "BGRx", "xRGB",
  "xBGR",
};

/* A @format frame of noise (seeded: the same frame every time), so JPEG
 * sizes depend on the quality as a photo's do. */
static GstBuffer *
noise_frame (const gchar * format, gint w, gint h, GstClockTime pts)
{
  GstVideoInfo info;
  GstBuffer *buf;
  GstMapInfo map;
  GRand *rand = g_rand_new_with_seed (7);

  g_assert_true (gst_video_info_set_format (&info,
          gst_video_format_from_string (format), w, h));
  buf = gst_buffer_new_allocate (NULL, info.size, NULL);
  g_assert_true (gst_buffer_map (buf, &map, GST_MAP_WRITE));
  for (gsize i = 0; i < map.size; i++)
    map.data[i] = 64 + g_rand_int_range (rand, 0, 128);
  gst_buffer_unmap (buf, &map);
  g_rand_free (rand);
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = GST_SECOND / 10;
  return buf;
}

static GstHarness *
new_harness (const gchar * props, const gchar * format, gint w, gint h,
    GstBus * bus)
{
  GstHarness *hr = gst_harness_new ("imencode");
  gchar *caps = g_strdup_printf ("video/x-raw,format=%s,width=%d,height=%d,"
      "framerate=10/1", format, w, h);
  gchar **kv = g_strsplit (props, " ", -1);

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

static gint
meta_quality (GstBuffer * buf)
{
  GstCustomMeta *meta = gst_buffer_get_custom_meta (buf, "ImencodeMeta");
  gint q = 0;

  g_assert_nonnull (meta);
  if (!gst_structure_get_int (gst_custom_meta_get_structure (meta),
          "quality", &q))
    return 0;
  return q;
}

/* Whether @buf's bytes contain @needle. */
static gboolean
buffer_has (GstBuffer * buf, const guint8 * needle, gsize len)
{
  GstMapInfo map;
  gboolean found = FALSE;

  g_assert_true (gst_buffer_map (buf, &map, GST_MAP_READ));
  for (gsize i = 0; !found && i + len <= map.size; i++)
    found = memcmp (map.data + i, needle, len) == 0;
  gst_buffer_unmap (buf, &map);
  return found;
}

/* Decodes the JPEG @buf with TurboJPEG (all of it: progressive scans and
 * restart markers included); asserts its size. */
static void
check_jpeg (GstBuffer * buf, gint w, gint h)
{
  tjhandle tj = tjInitDecompress ();
  GstMapInfo map;
  gint jw, jh, samp, cs;
  guint8 *rgb = g_malloc ((gsize) w * h * 3);

  g_assert_true (gst_buffer_map (buf, &map, GST_MAP_READ));
  g_assert_cmpint (tjDecompressHeader3 (tj, map.data, map.size, &jw, &jh,
          &samp, &cs), ==, 0);
  g_assert_cmpint (jw, ==, w);
  g_assert_cmpint (jh, ==, h);
  g_assert_cmpint (tjDecompress2 (tj, map.data, map.size, rgb, w, 0, h,
          TJPF_RGB, 0), ==, 0);
  gst_buffer_unmap (buf, &map);
  g_free (rgb);
  tjDestroy (tj);
}

/* Decodes the PNG @buf with libpng's simplified API; asserts its size. */
static void
check_png (GstBuffer * buf, gint w, gint h)
{
  png_image img;
  GstMapInfo map;
  guint8 *px;

  memset (&img, 0, sizeof (img));
  img.version = PNG_IMAGE_VERSION;
  g_assert_true (gst_buffer_map (buf, &map, GST_MAP_READ));
  g_assert_true (png_image_begin_read_from_memory (&img, map.data,
          map.size));
  g_assert_cmpuint (img.width, ==, w);
  g_assert_cmpuint (img.height, ==, h);
  img.format = PNG_FORMAT_RGBA;
  px = g_malloc (PNG_IMAGE_SIZE (img));
  g_assert_true (png_image_finish_read (&img, NULL, px, 0, NULL));
  gst_buffer_unmap (buf, &map);
  g_free (px);
}

static const guint8 exif_app1[] = { 0xff, 0xe1 };
static const guint8 exif_id[] = { 'E', 'x', 'i', 'f', 0, 0 };
static const guint8 exif_chunk[] = { 'e', 'X', 'I', 'f' };

/* Every input format, every option at once, JPEG and PNG: complete files
 * TurboJPEG and libpng decode, with the Exif marker or chunk. */
static void
test_options_every_format (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++) {
    for (gint png = 0; png < 2; png++) {
      GstHarness *hr = new_harness (png ? "format=png exif=true" :
          "progressive=true optimize=true restart-interval=2 exif=true",
          formats[i], 45, 31, NULL);
      GstBuffer *out;

      g_assert_cmpint (gst_harness_push (hr, noise_frame (formats[i], 45,
                  31, 0)), ==, GST_FLOW_OK);
      out = gst_harness_pull (hr);
      if (png) {
        check_png (out, 45, 31);
        g_assert_true (buffer_has (out, exif_chunk, sizeof (exif_chunk)));
        g_assert_cmpint (meta_quality (out), ==, 0);
      } else {
        check_jpeg (out, 45, 31);
        g_assert_true (buffer_has (out, exif_app1, sizeof (exif_app1)));
        g_assert_true (buffer_has (out, exif_id, sizeof (exif_id)));
        g_assert_cmpint (meta_quality (out), ==, 85);
      }
      gst_buffer_unref (out);
      gst_harness_teardown (hr);
    }
  }
}

/* Every input format under a budget at a third of its q85 size: within
 * it, a lower quality in the meta, a file TurboJPEG decodes. */
static void
test_budget_every_format (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++) {
    GstHarness *hr = new_harness ("threads=1", formats[i], 96, 64, NULL);
    GstBuffer *out;
    gsize full;

    gst_harness_push (hr, noise_frame (formats[i], 96, 64, 0));
    out = gst_harness_pull (hr);
    full = gst_buffer_get_size (out);
    gst_buffer_unref (out);

    g_object_set (hr->element, "max-bytes", (guint) full / 3, NULL);
    for (gint n = 1; n < 4; n++) {
      gst_harness_push (hr, noise_frame (formats[i], 96, 64,
              n * GST_SECOND));
      out = gst_harness_pull (hr);
      g_assert_cmpuint (gst_buffer_get_size (out), <=, full / 3);
      g_assert_cmpint (meta_quality (out), <, 85);
      g_assert_cmpint (meta_quality (out), >=, 1);
      check_jpeg (out, 96, 64);
      gst_buffer_unref (out);
    }
    gst_harness_teardown (hr);
  }
}

static guint
count_warnings (GstBus * bus)
{
  GstMessage *msg;
  guint n = 0;

  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING))) {
    n++;
    gst_message_unref (msg);
  }
  return n;
}

/* Nothing fits, on the worker threads: no buffer, one warning for the
 * run, then images again once the budget allows them (no leak of the
 * dropped images' memory: the leaks tracer). */
static void
test_over_budget_dropped_on_threads (void)
{
  static const gchar *props[] = {
    "threads=2 max-bytes=300",
    "threads=2 max-bytes=300 encoding=json exif=true",
    "threads=2 max-bytes=300 format=png",
    "threads=2 max-bytes=30 encoding=data-uri",
  };

  for (guint i = 0; i < G_N_ELEMENTS (props); i++) {
    GstBus *bus = gst_bus_new ();
    GstHarness *hr = new_harness (props[i], "I420", 64, 48, bus);
    GstBuffer *out;

    for (gint n = 0; n < 6; n++)
      g_assert_cmpint (gst_harness_push (hr, noise_frame ("I420", 64, 48,
                  n * GST_SECOND / 10)), ==, GST_FLOW_OK);
    g_object_set (hr->element, "max-bytes", 0, NULL);
    gst_harness_push (hr, noise_frame ("I420", 64, 48, GST_SECOND));
    /* in order: the one image that fits comes after the six dropped */
    out = gst_harness_pull (hr);
    g_assert_cmpuint (GST_BUFFER_PTS (out), ==, GST_SECOND);
    gst_buffer_unref (out);
    g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 1);
    g_assert_cmpuint (count_warnings (bus), ==, 1);
    gst_element_set_bus (hr->element, NULL);
    gst_object_unref (bus);
    gst_harness_teardown (hr);
  }
}

int
main (int argc, char **argv)
{
  int ret;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/imencode-delivery/options-every-format",
      test_options_every_format);
  g_test_add_func ("/imencode-delivery/budget-every-format",
      test_budget_every_format);
  g_test_add_func ("/imencode-delivery/over-budget-dropped-on-threads",
      test_over_budget_dropped_on_threads);
  ret = g_test_run ();
  gst_deinit ();
  return ret;
}
