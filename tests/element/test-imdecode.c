/* gst-imencode: imdecode element tests with GstHarness
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Run under GST_TRACERS=leaks with G_DEBUG=fatal-warnings (see
 * tests/meson.build). Images are made with libjpeg-turbo's compressor and
 * pixels compared with its decompressor; Pillow/OpenCV comparisons are in
 * tests/e2e/test_imdecode.py. These tests are about the element's life:
 * framing, timestamps, warnings, flushing, state changes, leaks. Every
 * test runs with threads=1 (decoding in the streaming thread) and with
 * decoder threads; with threads, a drain query is where the frames and
 * messages of the images pushed so far are out.
 */
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <png.h>
#include <string.h>
#include <turbojpeg.h>

/* A w x h JPEG (4:2:0, q90) of a pattern with no symmetry. */
static GstBuffer *
make_jpeg (gint w, gint h, guint seed)
{
  tjhandle tj = tjInitCompress ();
  guint8 *rgb = g_malloc ((gsize) w * h * 3);
  unsigned char *jpeg = NULL;
  unsigned long size = 0;
  GstBuffer *buf;

  for (gint y = 0; y < h; y++)
    for (gint x = 0; x < w; x++) {
      guint8 *p = rgb + ((gsize) y * w + x) * 3;

      p[0] = (guint8) (x * 255 / MAX (w - 1, 1));
      p[1] = (guint8) (y * 255 / MAX (h - 1, 1));
      p[2] = (guint8) ((x / 8 + y / 8 + seed) % 2 ? 200 : 40);
    }
  g_assert_cmpint (tjCompress2 (tj, rgb, w, 0, h, TJPF_RGB, &jpeg, &size,
          TJSAMP_420, 90, 0), ==, 0);
  buf = gst_buffer_new_memdup (jpeg, size);
  tjFree (jpeg);
  tjDestroy (tj);
  g_free (rgb);
  return buf;
}

/* The RGB pixels libjpeg-turbo decodes from @jpeg, packed. */
static guint8 *
reference_rgb (GstBuffer * jpeg, gint * w, gint * h)
{
  tjhandle tj = tjInitDecompress ();
  GstMapInfo map;
  gint samp, cs;
  guint8 *rgb;

  g_assert_true (gst_buffer_map (jpeg, &map, GST_MAP_READ));
  g_assert_cmpint (tjDecompressHeader3 (tj, map.data, map.size, w, h, &samp,
          &cs), ==, 0);
  rgb = g_malloc ((gsize) * w * *h * 3);
  g_assert_cmpint (tjDecompress2 (tj, map.data, map.size, rgb, *w, 0, *h,
          TJPF_RGB, 0), ==, 0);
  gst_buffer_unmap (jpeg, &map);
  tjDestroy (tj);
  return rgb;
}

/* imdecode's threads property for the test running */
static guint test_threads = 1;

/* Waits until the images pushed so far are decoded and out (a serialized
 * query follows the frames before it). */
static void
settle (GstHarness * hr)
{
  GstQuery *q = gst_query_new_drain ();

  gst_pad_peer_query (hr->srcpad, q);
  gst_query_unref (q);
}

static GstHarness *
new_dec (const gchar * caps, GstBus * bus)
{
  GstHarness *hr = gst_harness_new ("imdecode");

  g_object_set (hr->element, "threads", test_threads, NULL);

  if (bus)
    gst_element_set_bus (hr->element, bus);
  gst_harness_set_sink_caps_str (hr, "video/x-raw,format=RGB");
  if (caps)
    gst_harness_set_src_caps_str (hr, caps);
  return hr;
}

/* Asserts that @out is the RGB frame of @jpeg, pixel for pixel. */
static void
assert_frame_is (GstHarness * hr, GstBuffer * out, GstBuffer * jpeg)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  gint w, h;
  guint8 *ref = reference_rgb (jpeg, &w, &h);

  /* default RGB strides for the JPEG's size: also checks the size */
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, w, h);
  g_assert_cmpuint (gst_buffer_get_size (out), ==, info.size);
  g_assert_true (gst_video_frame_map (&frame, &info, out, GST_MAP_READ));
  for (gint y = 0; y < h; y++)
    g_assert_cmpmem ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) +
        (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0), w * 3,
        ref + (gsize) y * w * 3, w * 3);
  gst_video_frame_unmap (&frame);
  g_free (ref);
}

/* One image per buffer, then the same images cut into small pieces and
 * glued together: the same frames, with the timestamps of the buffer each
 * image starts in. */
static void
test_framing_and_timestamps (void)
{
  GstBuffer *a = make_jpeg (33, 17, 0), *b = make_jpeg (20, 40, 1);
  GstHarness *hr = new_dec ("image/jpeg", NULL);
  GstBuffer *in, *out, *both;
  GstMapInfo map;

  in = gst_buffer_copy (a);
  GST_BUFFER_PTS (in) = 5 * GST_SECOND;
  GST_BUFFER_DURATION (in) = GST_SECOND;
  g_assert_cmpint (gst_harness_push (hr, in), ==, GST_FLOW_OK);
  out = gst_harness_pull (hr);
  g_assert_cmpuint (GST_BUFFER_PTS (out), ==, 5 * GST_SECOND);
  g_assert_cmpuint (GST_BUFFER_DURATION (out), ==, GST_SECOND);
  assert_frame_is (hr, out, a);
  gst_buffer_unref (out);

  /* a, b glued, cut every 5 bytes, each piece with its own PTS */
  both = gst_buffer_append (gst_buffer_copy (a), gst_buffer_copy (b));
  g_assert_true (gst_buffer_map (both, &map, GST_MAP_READ));
  for (gsize off = 0; off < map.size; off += 5) {
    in = gst_buffer_new_memdup (map.data + off, MIN (5, map.size - off));
    GST_BUFFER_PTS (in) = off * GST_MSECOND;
    g_assert_cmpint (gst_harness_push (hr, in), ==, GST_FLOW_OK);
  }
  gst_buffer_unmap (both, &map);
  settle (hr);
  g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 3);
  out = gst_harness_pull (hr);
  g_assert_cmpuint (GST_BUFFER_PTS (out), ==, 0);
  assert_frame_is (hr, out, a);
  gst_buffer_unref (out);
  out = gst_harness_pull (hr);
  assert_frame_is (hr, out, b);
  gst_buffer_unref (out);
  {
    /* b has another size: renegotiated */
    GstCaps *caps = gst_pad_get_current_caps (hr->sinkpad);
    GstVideoInfo info;

    g_assert_true (gst_video_info_from_caps (&info, caps));
    g_assert_cmpint (GST_VIDEO_INFO_WIDTH (&info), ==, 20);
    g_assert_cmpint (GST_VIDEO_INFO_HEIGHT (&info), ==, 40);
    gst_caps_unref (caps);
  }

  gst_buffer_unref (both);
  gst_buffer_unref (a);
  gst_buffer_unref (b);
  gst_harness_teardown (hr);
}

static guint
count_warnings (GstBus * bus, const gchar * must_contain)
{
  GstMessage *msg;
  guint n = 0;

  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING))) {
    GError *err = NULL;

    gst_message_parse_warning (msg, &err, NULL);
    if (must_contain && !strstr (err->message, must_contain))
      g_error ("warning '%s' lacks '%s'", err->message, must_contain);
    g_clear_error (&err);
    gst_message_unref (msg);
    n++;
  }
  return n;
}

/* A truncated image is never output: it is refused when the next image
 * starts or at EOS, and the next image comes out marked DISCONT. */
static void
test_truncated_images (void)
{
  GstBus *bus = gst_bus_new ();
  GstHarness *hr = new_dec ("image/jpeg", bus);
  GstBuffer *a = make_jpeg (16, 16, 2), *out;
  gsize size = gst_buffer_get_size (a);

  gst_harness_push (hr, gst_buffer_copy_region (a, GST_BUFFER_COPY_MEMORY, 0,
          size / 2));
  settle (hr);
  g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 0);
  gst_harness_push (hr, gst_buffer_copy (a));
  settle (hr);
  g_assert_cmpuint (count_warnings (bus, "Corrupt"), ==, 1);
  g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 1);
  out = gst_harness_pull (hr);
  g_assert_true (GST_BUFFER_IS_DISCONT (out));
  assert_frame_is (hr, out, a);
  gst_buffer_unref (out);

  /* garbage after the image, then another image: one warning for the
   * garbage, with its size and what it follows, once the image says where
   * it ended */
  gst_harness_push (hr, gst_buffer_new_memdup ("\x01\x02garbage", 9));
  gst_harness_push (hr, gst_buffer_new_memdup ("\x01\x02garbage", 9));
  settle (hr);
  g_assert_cmpuint (count_warnings (bus, NULL), ==, 0);
  gst_harness_push (hr, gst_buffer_copy (a));
  settle (hr);
  g_assert_cmpuint (count_warnings (bus, "Skipped 18 trailing bytes after a "
          "JPEG image"), ==, 1);
  out = gst_harness_pull (hr);
  assert_frame_is (hr, out, a);
  gst_buffer_unref (out);

  /* cut at EOS */
  gst_harness_push (hr, gst_buffer_copy_region (a, GST_BUFFER_COPY_MEMORY, 0,
          size - 3));
  g_assert_true (gst_harness_push_event (hr, gst_event_new_eos ()));
  g_assert_cmpuint (count_warnings (bus, "Corrupt"), ==, 1);
  g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 2);

  gst_buffer_unref (a);
  gst_element_set_bus (hr->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (hr);
}

/* max-pixels refuses from the header; strict turns refusals into errors. */
static void
test_max_pixels_and_strict (void)
{
  GstBus *bus = gst_bus_new ();
  GstHarness *hr = new_dec ("image/jpeg", bus);
  GstBuffer *big = make_jpeg (40, 40, 3), *small = make_jpeg (30, 30, 4);
  GstMessage *msg;

  g_object_set (hr->element, "max-pixels", (guint64) 1000, NULL);
  g_assert_cmpint (gst_harness_push (hr, gst_buffer_copy (big)), ==,
      GST_FLOW_OK);
  g_assert_cmpuint (count_warnings (bus, "too large"), ==, 1);
  g_assert_cmpint (gst_harness_push (hr, gst_buffer_copy (small)), ==,
      GST_FLOW_OK);
  settle (hr);
  g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 1);

  g_object_set (hr->element, "strict", TRUE, NULL);
  g_assert_cmpint (gst_harness_push (hr, gst_buffer_copy (big)), ==,
      GST_FLOW_ERROR);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  g_assert_nonnull (msg);
  gst_message_unref (msg);

  gst_buffer_unref (big);
  gst_buffer_unref (small);
  gst_element_set_bus (hr->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (hr);
}

/* Base64 text (plain and data URI) decodes to the same frame. */
static void
test_base64_input (void)
{
  GstHarness *hr = new_dec ("application/x-base64", NULL);
  GstBuffer *a = make_jpeg (24, 8, 5), *out;
  GstMapInfo map;
  gchar *b64, *uri;

  g_assert_true (gst_buffer_map (a, &map, GST_MAP_READ));
  b64 = g_base64_encode (map.data, map.size);
  gst_buffer_unmap (a, &map);
  uri = g_strconcat ("data:image/jpeg;base64,", b64, NULL);
  gst_harness_push (hr, gst_buffer_new_memdup (b64, strlen (b64)));
  gst_harness_push (hr, gst_buffer_new_memdup (uri, strlen (uri)));
  for (gint i = 0; i < 2; i++) {
    out = gst_harness_pull (hr);
    assert_frame_is (hr, out, a);
    gst_buffer_unref (out);
  }
  g_free (uri);
  g_free (b64);
  gst_buffer_unref (a);
  gst_harness_teardown (hr);
}

/* Base64 text without caps, one padded record per buffer with no newline
 * between them: a record ended by its padding ends where the buffer does.
 * (fuzz-imdecode found the element reading the byte before such a buffer
 * when the next one started: build-asan reports it.) */
static void
test_text_records_cut_after_padding (void)
{
  GstBuffer *a = NULL, *b = make_jpeg (20, 12, 9), *out;
  GstHarness *hr = new_dec (NULL, NULL);
  GstSegment seg;
  gchar *ta, *tb;
  GstMapInfo map;

  /* a JPEG whose base64 ends in padding */
  for (guint seed = 0; !a; seed++) {
    a = make_jpeg (16 + seed, 8, seed);
    if (gst_buffer_get_size (a) % 3 == 0)
      gst_clear_buffer (&a);
  }
  g_assert_true (gst_buffer_map (a, &map, GST_MAP_READ));
  ta = g_base64_encode (map.data, map.size);
  gst_buffer_unmap (a, &map);
  g_assert_true (gst_buffer_map (b, &map, GST_MAP_READ));
  tb = g_base64_encode (map.data, map.size);
  gst_buffer_unmap (b, &map);
  g_assert_true (g_str_has_suffix (ta, "="));

  gst_harness_play (hr);
  gst_segment_init (&seg, GST_FORMAT_BYTES);
  g_assert_true (gst_harness_push_event (hr,
          gst_event_new_stream_start ("text")));
  g_assert_true (gst_harness_push_event (hr, gst_event_new_segment (&seg)));
  g_assert_cmpint (gst_harness_push (hr, gst_buffer_new_memdup (ta,
              strlen (ta))), ==, GST_FLOW_OK);
  g_assert_cmpint (gst_harness_push (hr, gst_buffer_new_memdup (tb,
              strlen (tb))), ==, GST_FLOW_OK);
  g_assert_true (gst_harness_push_event (hr, gst_event_new_eos ()));
  g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 2);
  out = gst_harness_pull (hr);
  assert_frame_is (hr, out, a);
  gst_buffer_unref (out);
  out = gst_harness_pull (hr);
  assert_frame_is (hr, out, b);
  gst_buffer_unref (out);

  g_free (ta);
  g_free (tb);
  gst_buffer_unref (a);
  gst_buffer_unref (b);
  gst_harness_teardown (hr);
}

/* A w x h RGB PNG written by libpng's simplified writer from @rgb. */
static GstBuffer *
make_png (const guint8 * rgb, gint w, gint h)
{
  png_image pi;
  png_alloc_size_t size = 0;
  guint8 *mem;
  GstBuffer *buf;

  memset (&pi, 0, sizeof (pi));
  pi.version = PNG_IMAGE_VERSION;
  pi.width = w;
  pi.height = h;
  pi.format = PNG_FORMAT_RGB;
  g_assert_true (png_image_write_to_memory (&pi, NULL, &size, 0, rgb, 0,
          NULL));
  mem = g_malloc (size);
  g_assert_true (png_image_write_to_memory (&pi, mem, &size, 0, rgb, 0,
          NULL));
  buf = gst_buffer_new_wrapped (mem, size);
  return buf;
}

/* PNG to I420 goes through an intermediate RGB frame and
 * GstVideoConverter; with a framerate in the input caps the converter
 * must still be made (it once was not: CRITICALs, which fatal-warnings
 * turns into a crash here, and garbage frames). Y must be the BT.601
 * full-range luma of the source pixels (JFIF, what the caps'
 * colorimetry says), U and V their 2x2 means within rounding. */
static void
test_png_to_i420_with_framerate (void)
{
  const gint w = 20, h = 10;
  guint8 rgb[20 * 10 * 3];
  GstHarness *hr = gst_harness_new ("imdecode");
  GstBuffer *out;
  GstVideoInfo info;
  GstVideoFrame frame;
  GstCaps *caps;
  gint fps_n = 0, fps_d = 0;

  for (gint i = 0; i < w * h; i++) {
    rgb[i * 3] = (guint8) (i * 7);
    rgb[i * 3 + 1] = (guint8) (255 - i);
    rgb[i * 3 + 2] = (guint8) ((i % w) * 12);
  }
  g_object_set (hr->element, "threads", test_threads, NULL);
  gst_harness_set_sink_caps_str (hr, "video/x-raw,format=I420");
  gst_harness_set_src_caps_str (hr, "image/png,framerate=25/1");
  g_assert_cmpint (gst_harness_push (hr, make_png (rgb, w, h)), ==,
      GST_FLOW_OK);
  out = gst_harness_pull (hr);
  caps = gst_pad_get_current_caps (hr->sinkpad);
  g_assert_true (gst_video_info_from_caps (&info, caps));
  g_assert_true (gst_structure_get_fraction (gst_caps_get_structure (caps,
              0), "framerate", &fps_n, &fps_d));
  g_assert_cmpint (fps_n, ==, 25);
  g_assert_cmpint (fps_d, ==, 1);
  g_assert_true (gst_video_frame_map (&frame, &info, out, GST_MAP_READ));
  for (gint y = 0; y < h; y++) {
    for (gint x = 0; x < w; x++) {
      const guint8 *p = rgb + (y * w + x) * 3;
      gdouble want = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
      guint8 got = ((guint8 *) GST_VIDEO_FRAME_COMP_DATA (&frame, 0))[y *
          GST_VIDEO_FRAME_COMP_STRIDE (&frame, 0) + x];

      g_assert_cmpfloat (ABS (got - want), <=, 2.0);
    }
  }
  for (gint c = 1; c <= 2; c++) {
    for (gint y = 0; y < h / 2; y++) {
      for (gint x = 0; x < w / 2; x++) {
        gdouble want = 0;
        guint8 got = ((guint8 *) GST_VIDEO_FRAME_COMP_DATA (&frame, c))[y *
            GST_VIDEO_FRAME_COMP_STRIDE (&frame, c) + x];

        for (gint k = 0; k < 4; k++) {
          const guint8 *p = rgb + ((2 * y + k / 2) * w + 2 * x + k % 2) * 3;

          want += (c == 1 ? 128 - 0.168736 * p[0] - 0.331264 * p[1] +
              0.5 * p[2] : 128 + 0.5 * p[0] - 0.418688 * p[1] -
              0.081312 * p[2]) / 4;
        }
        g_assert_cmpfloat (ABS (got - want), <=, 4.0);
      }
    }
  }
  gst_video_frame_unmap (&frame);
  gst_caps_unref (caps);
  gst_buffer_unref (out);
  gst_harness_teardown (hr);
}

/* A flush forgets half an image; state cycles in a pipeline leak nothing. */
static void
test_flush_and_state_cycles (void)
{
  GstHarness *hr = new_dec ("image/jpeg", NULL);
  GstBuffer *a = make_jpeg (16, 8, 6), *out;
  GstElement *pipe;
  gchar *desc;

  gst_harness_push (hr, gst_buffer_copy_region (a, GST_BUFFER_COPY_MEMORY, 0,
          10));
  g_assert_true (gst_harness_push_event (hr, gst_event_new_flush_start ()));
  g_assert_true (gst_harness_push_event (hr,
          gst_event_new_flush_stop (TRUE)));
  {
    GstSegment seg;

    gst_segment_init (&seg, GST_FORMAT_TIME);
    g_assert_true (gst_harness_push_event (hr, gst_event_new_segment (&seg)));
  }
  gst_harness_push (hr, gst_buffer_copy (a));
  out = gst_harness_pull (hr);
  assert_frame_is (hr, out, a);
  gst_buffer_unref (out);
  gst_buffer_unref (a);
  gst_harness_teardown (hr);

  desc = g_strdup_printf ("videotestsrc num-buffers=3 ! "
      "video/x-raw,width=32,height=24 ! imencode ! imdecode threads=%u ! "
      "video/x-raw,format=I420 ! fakesink", test_threads);
  pipe = gst_parse_launch (desc, NULL);
  g_free (desc);
  g_assert_nonnull (pipe);
  for (gint i = 0; i < 4; i++) {
    GstMessage *msg;

    g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
        GST_STATE_CHANGE_FAILURE);
    msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipe), 10 * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING);
    g_assert_nonnull (msg);
    g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_EOS);
    gst_message_unref (msg);
    g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_NULL), ==,
        GST_STATE_CHANGE_SUCCESS);
  }
  gst_object_unref (pipe);
}

/* EOS right after images that are still being decoded: every frame goes
 * out, in order, before EOS (a sink pad past EOS would refuse them). */
static void
test_eos_with_images_in_flight (void)
{
  GstHarness *hr = new_dec ("image/jpeg", NULL);
  GstBuffer *a = make_jpeg (640, 480, 7), *in, *out;
  const guint n = 12;

  for (guint i = 0; i < n; i++) {
    in = gst_buffer_copy (a);
    GST_BUFFER_PTS (in) = i * GST_SECOND;
    g_assert_cmpint (gst_harness_push (hr, in), ==, GST_FLOW_OK);
  }
  g_assert_true (gst_harness_push_event (hr, gst_event_new_eos ()));
  g_assert_cmpuint (gst_harness_buffers_received (hr), ==, n);
  for (guint i = 0; i < n; i++) {
    out = gst_harness_pull (hr);
    g_assert_cmpuint (GST_BUFFER_PTS (out), ==, i * GST_SECOND);
    if (i == 0)
      assert_frame_is (hr, out, a);
    gst_buffer_unref (out);
  }
  gst_buffer_unref (a);
  gst_harness_teardown (hr);
}

/* Holds the frame of PTS @hold (a slow downstream) until a flush-start
 * passes the pad, or 5 s pass. */
typedef struct
{
  GMutex lock;
  GCond cond;
  GstClockTime hold;
  gboolean flushing;
} HeldFrame;

static GstPadProbeReturn
hold_frame (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  HeldFrame *h = user_data;
  gint64 until = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;
  GstPadProbeReturn ret = GST_PAD_PROBE_OK;

  g_mutex_lock (&h->lock);
  if (GST_IS_EVENT (info->data)) {
    if (GST_EVENT_TYPE (info->data) == GST_EVENT_FLUSH_START) {
      h->flushing = TRUE;
      g_cond_broadcast (&h->cond);
    }
  } else if (GST_BUFFER_PTS (info->data) == h->hold) {
    while (!h->flushing)
      if (!g_cond_wait_until (&h->cond, &h->lock, until))
        break;
    /* (flushed: downstream refuses it anyway) */
    if (h->flushing)
      ret = GST_PAD_PROBE_DROP;
  }
  g_mutex_unlock (&h->lock);
  return ret;
}

/* A flushing seek while images are being decoded: with decoder threads,
 * the images in flight at the flush are dropped (downstream holds frame 8
 * until the flush reaches it, so images 8 to 11 are in flight; an element
 * that let them all out first would deliver 12); the frames that got out
 * before it are the first ones, in order; none comes after the flush; the
 * first image after it comes out alone, DISCONT, and nothing leaks. With
 * threads=1 every image is out when its push returns. */
static void
test_flush_with_images_in_flight (void)
{
  GstHarness *hr = new_dec ("image/jpeg", NULL);
  GstBuffer *a = make_jpeg (640, 480, 8), *b = make_jpeg (48, 32, 9);
  GstPad *srcpad = gst_element_get_static_pad (hr->element, "src");
  HeldFrame held = { 0 };
  GstBuffer *in, *out;
  GstSegment seg;
  guint before;
  gulong probe = 0;

  g_mutex_init (&held.lock);
  g_cond_init (&held.cond);
  held.hold = 8 * GST_SECOND;
  if (test_threads > 1)
    probe = gst_pad_add_probe (srcpad, GST_PAD_PROBE_TYPE_BUFFER |
        GST_PAD_PROBE_TYPE_EVENT_FLUSH, hold_frame, &held, NULL);
  for (guint i = 0; i < 12; i++) {
    in = gst_buffer_copy (a);
    GST_BUFFER_PTS (in) = i * GST_SECOND;
    g_assert_cmpint (gst_harness_push (hr, in), ==, GST_FLOW_OK);
  }
  g_assert_true (gst_harness_push_event (hr, gst_event_new_flush_start ()));
  g_assert_true (gst_harness_push_event (hr,
          gst_event_new_flush_stop (TRUE)));
  before = gst_harness_buffers_received (hr);
  g_test_message ("%u of 12 frames out before the flush", before);
  if (test_threads > 1)
    g_assert_cmpuint (before, <=, 8);
  else
    g_assert_cmpuint (before, ==, 12);
  gst_segment_init (&seg, GST_FORMAT_TIME);
  g_assert_true (gst_harness_push_event (hr, gst_event_new_segment (&seg)));
  in = gst_buffer_copy (b);
  GST_BUFFER_PTS (in) = 100 * GST_SECOND;
  g_assert_cmpint (gst_harness_push (hr, in), ==, GST_FLOW_OK);
  settle (hr);
  g_assert_cmpuint (gst_harness_buffers_received (hr), ==, before + 1);
  for (guint i = 0; i < before; i++) {
    out = gst_harness_pull (hr);
    g_assert_cmpuint (GST_BUFFER_PTS (out), ==, i * GST_SECOND);
    gst_buffer_unref (out);
  }
  out = gst_harness_pull (hr);
  g_assert_cmpuint (GST_BUFFER_PTS (out), ==, 100 * GST_SECOND);
  g_assert_true (GST_BUFFER_IS_DISCONT (out));
  assert_frame_is (hr, out, b);
  gst_buffer_unref (out);
  if (probe)
    gst_pad_remove_probe (srcpad, probe);
  gst_object_unref (srcpad);
  g_mutex_clear (&held.lock);
  g_cond_clear (&held.cond);
  gst_buffer_unref (a);
  gst_buffer_unref (b);
  gst_harness_teardown (hr);
}

/* strict=true and a corrupt image (its header intact: it fails while
 * decoding) behind images still being decoded: one error, upstream gets
 * GST_FLOW_ERROR, and exactly the frames before it come out, in order. */
static void
test_strict_error_with_images_in_flight (void)
{
  GstBus *bus = gst_bus_new ();
  GstHarness *hr = new_dec ("image/jpeg", bus);
  GstBuffer *a = make_jpeg (640, 480, 10), *in, *out;
  GstFlowReturn ret = GST_FLOW_OK;
  GstMessage *msg;
  const guint n = 10;

  g_object_set (hr->element, "strict", TRUE, NULL);
  for (guint i = 0; i < n; i++) {
    in = gst_buffer_copy (a);
    GST_BUFFER_PTS (in) = i * GST_SECOND;
    g_assert_cmpint (gst_harness_push (hr, in), ==, GST_FLOW_OK);
  }
  /* cut: refused once the next image starts */
  g_assert_cmpint (gst_harness_push (hr, gst_buffer_copy_region (a,
              GST_BUFFER_COPY_MEMORY, 0, gst_buffer_get_size (a) * 6 / 10)),
      ==, GST_FLOW_OK);
  for (guint i = 0; i < 3 && ret == GST_FLOW_OK; i++) {
    /* (with threads the error comes from the image after the failed one
     * was finished) */
    settle (hr);
    ret = gst_harness_push (hr, gst_buffer_copy (a));
  }
  g_assert_cmpint (ret, ==, GST_FLOW_ERROR);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  g_assert_nonnull (msg);
  gst_message_unref (msg);
  g_assert_null (gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR));
  g_assert_cmpuint (gst_harness_buffers_received (hr), ==, n);
  for (guint i = 0; i < n; i++) {
    out = gst_harness_pull (hr);
    g_assert_cmpuint (GST_BUFFER_PTS (out), ==, i * GST_SECOND);
    gst_buffer_unref (out);
  }
  gst_buffer_unref (a);
  gst_element_set_bus (hr->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (hr);
}

/* The last segment the harness's sink got, as a copy. */
static void
last_segment (GstHarness * hr, GstSegment * seg)
{
  GstEvent *ev;
  gboolean found = FALSE;

  while ((ev = gst_harness_try_pull_event (hr))) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT) {
      gst_event_copy_segment (ev, seg);
      found = TRUE;
    }
    gst_event_unref (ev);
  }
  g_assert_true (found);
}

/* Upstream's BYTES segment (filesrc's) goes out as a TIME segment, and
 * images without timestamps are stamped from 0: at the caps' framerate
 * one frame duration apart, or without one the first at 0 and the others
 * untimed. Upstream's byte offsets are not passed on. */
static void
test_bytes_segment_becomes_time (void)
{
  GstBuffer *a = make_jpeg (24, 16, 11), *in, *out;
  GstSegment seg;

  for (gint with_rate = 0; with_rate < 2; with_rate++) {
    GstHarness *hr = new_dec (with_rate ? "image/jpeg,framerate=10/1" :
        "image/jpeg", NULL);

    gst_segment_init (&seg, GST_FORMAT_BYTES);
    g_assert_true (gst_harness_push_event (hr, gst_event_new_segment (&seg)));
    for (guint i = 0; i < 3; i++) {
      in = gst_buffer_copy (a);
      GST_BUFFER_OFFSET (in) = i * gst_buffer_get_size (a);
      GST_BUFFER_OFFSET_END (in) = (i + 1) * gst_buffer_get_size (a);
      g_assert_cmpint (gst_harness_push (hr, in), ==, GST_FLOW_OK);
    }
    settle (hr);
    last_segment (hr, &seg);
    g_assert_cmpint (seg.format, ==, GST_FORMAT_TIME);
    g_assert_cmpuint (seg.start, ==, 0);
    g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 3);
    for (guint i = 0; i < 3; i++) {
      out = gst_harness_pull (hr);
      if (with_rate) {
        g_assert_cmpuint (GST_BUFFER_PTS (out), ==, i * 100 * GST_MSECOND);
        g_assert_cmpuint (GST_BUFFER_DURATION (out), ==, 100 * GST_MSECOND);
      } else {
        g_assert_cmpuint (GST_BUFFER_PTS (out), ==,
            i == 0 ? 0 : GST_CLOCK_TIME_NONE);
        g_assert_cmpuint (GST_BUFFER_DURATION (out), ==, GST_CLOCK_TIME_NONE);
      }
      g_assert_cmpuint (GST_BUFFER_OFFSET (out), ==, GST_BUFFER_OFFSET_NONE);
      g_assert_cmpuint (GST_BUFFER_OFFSET_END (out), ==,
          GST_BUFFER_OFFSET_NONE);
      assert_frame_is (hr, out, a);
      gst_buffer_unref (out);
    }
    gst_harness_teardown (hr);
  }
  gst_buffer_unref (a);
}

/* framing=buffer, or auto with parsed=true or application/x-base64 caps:
 * each buffer holds whole images (or one base64 record), so an image cut
 * short is refused when its buffer arrives, not when the next image
 * starts; with strict=true that push itself fails (threads=1). With
 * framing=stream the same image waits for more bytes. */
static void
test_framing_buffer_judges_at_once (void)
{
  static const struct
  {
    const gchar *framing, *caps;
    gboolean at_once;
  } cases[] = {
    {"buffer", "image/jpeg", TRUE},
    {"auto", "image/jpeg,parsed=(boolean)true", TRUE},
    {"auto", "application/x-base64", TRUE},
    {"buffer", NULL, TRUE},
    {"auto", "image/jpeg", FALSE},
    {"stream", "image/jpeg,parsed=(boolean)true", FALSE},
  };
  GstBuffer *a = make_jpeg (32, 24, 12), *out;
  gsize size = gst_buffer_get_size (a);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++) {
    gboolean base64 = g_strcmp0 (cases[c].caps, "application/x-base64") == 0;
    GstBus *bus = gst_bus_new ();
    GstHarness *hr = new_dec (cases[c].caps, bus);
    GstBuffer *cut, *whole;

    g_test_message ("framing=%s caps %s", cases[c].framing, cases[c].caps);
    gst_util_set_object_arg (G_OBJECT (hr->element), "framing",
        cases[c].framing);
    cut = gst_buffer_copy_region (a, GST_BUFFER_COPY_MEMORY, 0, size * 2 / 3);
    whole = gst_buffer_copy (a);
    if (base64) {
      GstMapInfo map;
      gchar *b64;

      for (gint i = 0; i < 2; i++) {
        GstBuffer **b = i ? &whole : &cut;

        g_assert_true (gst_buffer_map (*b, &map, GST_MAP_READ));
        b64 = g_base64_encode (map.data, map.size);
        gst_buffer_unmap (*b, &map);
        gst_buffer_unref (*b);
        *b = gst_buffer_new_wrapped (b64, strlen (b64));
      }
    }
    GST_BUFFER_PTS (cut) = 0;
    GST_BUFFER_PTS (whole) = GST_SECOND;
    if (!cases[c].caps) {
      GstSegment seg;

      /* (no caps: the harness sends no stream-start and segment) */
      gst_harness_play (hr);
      gst_segment_init (&seg, GST_FORMAT_TIME);
      g_assert_true (gst_harness_push_event (hr,
              gst_event_new_stream_start ("no-caps")));
      g_assert_true (gst_harness_push_event (hr,
              gst_event_new_segment (&seg)));
    }
    g_assert_cmpint (gst_harness_push (hr, cut), ==, GST_FLOW_OK);
    settle (hr);
    g_assert_cmpuint (count_warnings (bus, "Corrupt"), ==,
        cases[c].at_once ? 1 : 0);
    g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 0);
    g_assert_cmpint (gst_harness_push (hr, whole), ==, GST_FLOW_OK);
    settle (hr);
    /* a stream's cut image is refused when the next begins */
    g_assert_cmpuint (count_warnings (bus, "Corrupt"), ==,
        cases[c].at_once ? 0 : 1);
    g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 1);
    out = gst_harness_pull (hr);
    assert_frame_is (hr, out, a);
    g_assert_cmpuint (GST_BUFFER_PTS (out), ==, GST_SECOND);
    g_assert_true (GST_BUFFER_IS_DISCONT (out));
    gst_buffer_unref (out);

    /* strict=true: the push of the cut image is the error (with threads,
     * it may be the push after it) */
    if (cases[c].at_once && !base64) {
      GstFlowReturn ret;
      GstMessage *msg;

      g_object_set (hr->element, "strict", TRUE, NULL);
      ret = gst_harness_push (hr, gst_buffer_copy_region (a,
              GST_BUFFER_COPY_MEMORY, 0, size / 2));
      if (test_threads > 1 && ret == GST_FLOW_OK) {
        settle (hr);
        ret = gst_harness_push (hr, gst_buffer_copy (a));
      }
      g_assert_cmpint (ret, ==, GST_FLOW_ERROR);
      msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      g_assert_nonnull (msg);
      gst_message_unref (msg);
    }
    gst_element_set_bus (hr->element, NULL);
    gst_object_unref (bus);
    gst_harness_teardown (hr);
  }
  gst_buffer_unref (a);
}

/* Whether the harness's sink got EOS (the events are consumed). */
static gboolean
got_eos (GstHarness * hr)
{
  GstEvent *ev;
  gboolean eos = FALSE;

  while ((ev = gst_harness_try_pull_event (hr))) {
    eos |= GST_EVENT_TYPE (ev) == GST_EVENT_EOS;
    gst_event_unref (ev);
  }
  return eos;
}

/* strict=true: a refused image ends the stream with the error, and EOS is
 * not passed on after it (downstream would take the stream for one that
 * ended well; a sink prerolled by it waits for PLAYING, which never comes
 * after the error). Whether the image was refused at EOS (cut short by the
 * end of the stream) or before (upstream then sends EOS, as basesrc does
 * after a flow error): one error, no EOS, the frames before it out. */
static void
test_strict_error_ends_without_eos (void)
{
  GstBuffer *a = make_jpeg (40, 30, 13);
  gsize size = gst_buffer_get_size (a);

  for (gint at_eos = 0; at_eos < 2; at_eos++) {
    GstBus *bus = gst_bus_new ();
    GstHarness *hr = new_dec ("image/jpeg", bus);
    GstFlowReturn ret = GST_FLOW_OK;
    GstMessage *msg;

    g_object_set (hr->element, "strict", TRUE, NULL);
    g_assert_cmpint (gst_harness_push (hr, gst_buffer_copy (a)), ==,
        GST_FLOW_OK);
    g_assert_cmpint (gst_harness_push (hr, gst_buffer_copy_region (a,
                GST_BUFFER_COPY_MEMORY, 0, size / 2)), ==, GST_FLOW_OK);
    for (guint i = 0; !at_eos && i < 3 && ret == GST_FLOW_OK; i++) {
      settle (hr);
      ret = gst_harness_push (hr, gst_buffer_copy (a));
    }
    if (!at_eos)
      g_assert_cmpint (ret, ==, GST_FLOW_ERROR);
    g_assert_false (gst_harness_push_event (hr, gst_event_new_eos ()));
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    g_assert_nonnull (msg);
    gst_message_unref (msg);
    g_assert_null (gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR));
    g_assert_false (got_eos (hr));
    g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 1);
    gst_element_set_bus (hr->element, NULL);
    gst_object_unref (bus);
    gst_harness_teardown (hr);
  }
  gst_buffer_unref (a);
}

/* What a downstream of the allocation test offers. */
typedef struct
{
  GstBufferPool *pool;          /* offered, or NULL */
  guint min, max;               /* its buffer counts */
  gboolean padded;              /* 16 bytes more per row, and 2 rows on top */
  gboolean video_meta;          /* downstream reads GstVideoMeta */
  guint queries;
} Downstream;

/* Answers the ALLOCATION query as @user_data (a Downstream) says. */
static GstPadProbeReturn
answer_allocation (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Downstream *d = user_data;
  GstQuery *query = GST_PAD_PROBE_INFO_QUERY (info);
  GstStructure *config;
  GstVideoInfo vinfo;
  GstCaps *caps;

  if (GST_QUERY_TYPE (query) != GST_QUERY_ALLOCATION)
    return GST_PAD_PROBE_OK;
  d->queries++;
  gst_query_parse_allocation (query, &caps, NULL);
  g_assert_true (gst_video_info_from_caps (&vinfo, caps));
  if (d->video_meta)
    gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL);
  if (d->pool) {
    if (gst_buffer_pool_is_active (d->pool))
      g_assert_true (gst_buffer_pool_set_active (d->pool, FALSE));
    config = gst_buffer_pool_get_config (d->pool);
    gst_buffer_pool_config_set_params (config, caps, vinfo.size, d->min,
        d->max);
    if (d->padded) {
      GstVideoAlignment align;

      gst_video_alignment_reset (&align);
      align.padding_top = 2;
      align.padding_right = 16;
      gst_buffer_pool_config_add_option (config,
          GST_BUFFER_POOL_OPTION_VIDEO_META);
      gst_buffer_pool_config_add_option (config,
          GST_BUFFER_POOL_OPTION_VIDEO_ALIGNMENT);
      gst_buffer_pool_config_set_video_alignment (config, &align);
    }
    g_assert_true (gst_buffer_pool_set_config (d->pool, config));
    gst_query_add_allocation_pool (query, d->pool, vinfo.size, d->min,
        d->max);
  }
  return GST_PAD_PROBE_HANDLED;
}

/* Asserts that @out holds the pixels of @jpeg, read through its
 * GstVideoMeta when it has one (then with @stride in plane 0 at least). */
static void
assert_frame_through_meta (GstBuffer * out, GstBuffer * jpeg, gint stride)
{
  GstVideoMeta *meta = gst_buffer_get_video_meta (out);
  GstVideoFrame frame;
  GstVideoInfo info;
  gint w, h;
  guint8 *ref = reference_rgb (jpeg, &w, &h);

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, w, h);
  g_assert_nonnull (meta);
  g_assert_cmpint (meta->stride[0], >=, stride);
  g_assert_true (gst_video_frame_map (&frame, &info, out, GST_MAP_READ));
  for (gint y = 0; y < h; y++)
    g_assert_cmpmem ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) +
        (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0), w * 3,
        ref + (gsize) y * w * 3, w * 3);
  gst_video_frame_unmap (&frame);
  g_free (ref);
}

/* imdecode asks downstream for an allocation (the ALLOCATION query) and
 * decodes into the pool downstream offers, when that pool can hold the
 * frames in flight besides those downstream keeps and its buffers have a
 * layout downstream can read: padded rows only when downstream reads
 * GstVideoMeta. Otherwise frames come from imdecode's own pool. */
static void
test_decodes_into_downstream_pool (void)
{
  static const struct
  {
    const gchar *name;
    guint min, max;
    gboolean padded, video_meta, used;
  } cases[] = {
    {"plain pool", 1, 0, FALSE, FALSE, TRUE},
    {"plain pool, video meta", 2, 0, FALSE, TRUE, TRUE},
    {"bounded pool with room", 1, 20, FALSE, FALSE, TRUE},
    {"pool too small for the frames in flight", 1, 1, FALSE, FALSE, FALSE},
    {"padded pool, video meta", 1, 0, TRUE, TRUE, TRUE},
    {"padded pool, no video meta", 1, 0, TRUE, FALSE, FALSE},
  };
  GstBuffer *a = make_jpeg (64, 40, 14), *b = make_jpeg (40, 64, 15), *out;

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++) {
    Downstream d = { 0 };
    GstHarness *hr = new_dec ("image/jpeg", NULL);
    gulong probe;

    g_test_message ("%s", cases[c].name);
    d.pool = gst_video_buffer_pool_new ();
    d.min = cases[c].min;
    d.max = cases[c].max;
    d.padded = cases[c].padded;
    d.video_meta = cases[c].video_meta;
    probe = gst_pad_add_probe (hr->sinkpad,
        GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM, answer_allocation, &d, NULL);
    /* two images of one size, then one of another: asked again */
    for (guint i = 0; i < 3; i++) {
      GstBuffer *img = i < 2 ? a : b;

      g_assert_cmpint (gst_harness_push (hr, gst_buffer_copy (img)), ==,
          GST_FLOW_OK);
      out = gst_harness_pull (hr);
      g_assert_true (cases[c].used ? out->pool == d.pool :
          out->pool != d.pool);
      if (cases[c].padded && cases[c].used)
        assert_frame_through_meta (out, img, (i < 2 ? 64 : 40) * 3 + 16);
      else
        assert_frame_is (hr, out, img);
      gst_buffer_unref (out);
    }
    g_assert_cmpuint (d.queries, ==, 2);
    gst_pad_remove_probe (hr->sinkpad, probe);
    gst_harness_teardown (hr);
    gst_object_unref (d.pool);
  }
  gst_buffer_unref (a);
  gst_buffer_unref (b);
}

/* A downstream pool bounded to what one decoding thread needs is given up
 * for imdecode's own when threads go up (more frames in flight than it
 * holds), without new caps. (Runs with threads 1, then 4, whatever the
 * test's threads.) */
static void
test_downstream_pool_then_more_threads (void)
{
  GstBuffer *a = make_jpeg (48, 32, 16), *out;
  Downstream d = { 0 };
  GstHarness *hr = new_dec ("image/jpeg", NULL);

  d.pool = gst_video_buffer_pool_new ();
  d.min = 1;
  d.max = 3;
  gst_pad_add_probe (hr->sinkpad, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM,
      answer_allocation, &d, NULL);
  g_object_set (hr->element, "threads", 1, NULL);
  g_assert_cmpint (gst_harness_push (hr, gst_buffer_copy (a)), ==,
      GST_FLOW_OK);
  out = gst_harness_pull (hr);
  g_assert_true (out->pool == d.pool);
  gst_buffer_unref (out);
  g_object_set (hr->element, "threads", 4, NULL);
  /* (two: the harness keeps the frames, so a pool of three that were kept
   * would block a third) */
  for (guint i = 0; i < 2; i++)
    g_assert_cmpint (gst_harness_push (hr, gst_buffer_copy (a)), ==,
        GST_FLOW_OK);
  settle (hr);
  g_assert_cmpuint (d.queries, ==, 2);
  for (guint i = 0; i < 2; i++) {
    out = gst_harness_pull (hr);
    g_assert_true (out->pool != d.pool);
    assert_frame_is (hr, out, a);
    gst_buffer_unref (out);
  }
  gst_harness_teardown (hr);
  gst_object_unref (d.pool);
  gst_buffer_unref (a);
}

/* Each test runs with these threads settings. */
static const guint thread_counts[] = { 1, 2, 4 };

/* GTestDataFunc: sets the threads for the test, then runs it. */
#define THREADED(fn) \
  static void fn##_threaded (gconstpointer threads) \
  { \
    test_threads = *(const guint *) threads; \
    fn (); \
  }

THREADED (test_framing_and_timestamps);
THREADED (test_truncated_images);
THREADED (test_max_pixels_and_strict);
THREADED (test_base64_input);
THREADED (test_text_records_cut_after_padding);
THREADED (test_png_to_i420_with_framerate);
THREADED (test_flush_and_state_cycles);
THREADED (test_eos_with_images_in_flight);
THREADED (test_flush_with_images_in_flight);
THREADED (test_strict_error_with_images_in_flight);
THREADED (test_bytes_segment_becomes_time);
THREADED (test_framing_buffer_judges_at_once);
THREADED (test_strict_error_ends_without_eos);
THREADED (test_decodes_into_downstream_pool);
THREADED (test_downstream_pool_then_more_threads);

static const struct
{
  const gchar *name;
  GTestDataFunc func;
} tests[] = {
  {"framing-and-timestamps", test_framing_and_timestamps_threaded},
  {"truncated-images", test_truncated_images_threaded},
  {"max-pixels-and-strict", test_max_pixels_and_strict_threaded},
  {"base64-input", test_base64_input_threaded},
  {"text-records-cut-after-padding",
      test_text_records_cut_after_padding_threaded},
  {"png-to-i420-with-framerate", test_png_to_i420_with_framerate_threaded},
  {"flush-and-state-cycles", test_flush_and_state_cycles_threaded},
  {"eos-with-images-in-flight", test_eos_with_images_in_flight_threaded},
  {"flush-with-images-in-flight",
      test_flush_with_images_in_flight_threaded},
  {"strict-error-with-images-in-flight",
      test_strict_error_with_images_in_flight_threaded},
  {"bytes-segment-becomes-time", test_bytes_segment_becomes_time_threaded},
  {"framing-buffer-judges-at-once",
      test_framing_buffer_judges_at_once_threaded},
  {"strict-error-ends-without-eos",
      test_strict_error_ends_without_eos_threaded},
  {"decodes-into-downstream-pool",
      test_decodes_into_downstream_pool_threaded},
  {"downstream-pool-then-more-threads",
      test_downstream_pool_then_more_threads_threaded},
};

int
main (int argc, char **argv)
{
  int ret;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (thread_counts); i++) {
    for (guint t = 0; t < G_N_ELEMENTS (tests); t++) {
      gchar *path = g_strdup_printf ("/imdecode/threads=%u/%s",
          thread_counts[i], tests[t].name);

      g_test_add_data_func (path, &thread_counts[i], tests[t].func);
      g_free (path);
    }
  }

  ret = g_test_run ();
  gst_deinit ();
  return ret;
}
