/* gst-imencode: base64enc and base64dec element tests with GstHarness
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Run under GST_TRACERS=leaks with G_DEBUG=fatal-warnings (see
 * tests/meson.build). Text is checked against GLib's base64 encoder and
 * decoder; byte-exact agreement with Python's base64 module and Pillow
 * decodes are in tests/e2e/test_base64.py.
 */
#include <gst/check/gstharness.h>
#include <string.h>

/* Bytes that no typefinder mistakes for a known format: a counter mixed
 * so that every byte value shows up. */
static GstBuffer *
make_bytes (gsize len, guint seed, GstClockTime pts)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, len, NULL);
  GstMapInfo map;

  g_assert_true (gst_buffer_map (buf, &map, GST_MAP_WRITE));
  for (gsize i = 0; i < len; i++)
    map.data[i] = (guint8) ((i * 131 + seed * 17 + (i >> 8)) ^ 0x5a);
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = GST_SECOND / 25;
  return buf;
}

/* A minimal JPEG and PNG prefix: enough for the signature checks. */
static const guint8 jpeg_start[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J',
  'F', 'I', 'F', 0x00
};

static const guint8 png_start[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
  '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'
};

static gchar *
buffer_text (GstBuffer * buf)
{
  GstMapInfo map;
  gchar *s;

  g_assert_true (gst_buffer_map (buf, &map, GST_MAP_READ));
  /* an empty buffer maps to NULL */
  s = map.size ? g_strndup ((const gchar *) map.data, map.size) : g_strdup ("");
  g_assert_cmpuint (strlen (s), ==, map.size);
  gst_buffer_unmap (buf, &map);
  return s;
}

static gboolean
buffer_equals (GstBuffer * buf, const guint8 * data, gsize len)
{
  return gst_buffer_get_size (buf) == len &&
      gst_buffer_memcmp (buf, 0, data, len) == 0;
}

static const GstStructure *
src_caps_structure (GstHarness * hr, GstCaps ** caps)
{
  *caps = gst_pad_get_current_caps (hr->sinkpad);
  g_assert_nonnull (*caps);
  return gst_caps_get_structure (*caps, 0);
}

static guint
count_messages (GstBus * bus, GstMessageType type, const gchar * must_contain)
{
  GstMessage *msg;
  guint n = 0;

  while ((msg = gst_bus_pop_filtered (bus, type))) {
    GError *err = NULL;
    gchar *debug = NULL;

    if (type == GST_MESSAGE_WARNING)
      gst_message_parse_warning (msg, &err, &debug);
    else
      gst_message_parse_error (msg, &err, &debug);
    if (must_contain && !strstr (err->message, must_contain))
      g_error ("message '%s' lacks '%s'", err->message, must_contain);
    g_assert_nonnull (debug);
    g_assert_nonnull (strstr (debug, "alphabet"));
    g_clear_error (&err);
    g_free (debug);
    gst_message_unref (msg);
    n++;
  }
  return n;
}

/* ---- base64enc ---- */

static void
test_enc_matches_glib (void)
{
  GstHarness *hr = gst_harness_new ("base64enc");
  GstCaps *caps;
  const GstStructure *st;
  gboolean data_uri = TRUE;

  gst_harness_set_src_caps_str (hr, "image/jpeg");
  for (guint len = 0; len < 200; len++) {
    GstBuffer *in = make_bytes (len, len, len * GST_MSECOND);
    GstMapInfo map;
    GstBuffer *out;
    gchar *want, *got;

    g_assert_true (gst_buffer_map (in, &map, GST_MAP_READ));
    want = g_base64_encode (map.data, map.size);
    gst_buffer_unmap (in, &map);
    GST_BUFFER_FLAG_SET (in, GST_BUFFER_FLAG_DISCONT);
    g_assert_cmpint (gst_harness_push (hr, in), ==, GST_FLOW_OK);
    out = gst_harness_pull (hr);
    got = buffer_text (out);
    g_assert_cmpstr (got, ==, want);
    g_assert_cmpuint (GST_BUFFER_PTS (out), ==, len * GST_MSECOND);
    g_assert_cmpuint (GST_BUFFER_DTS (out), ==, len * GST_MSECOND);
    g_assert_cmpuint (GST_BUFFER_DURATION (out), ==, GST_SECOND / 25);
    g_assert_true (GST_BUFFER_IS_DISCONT (out));
    g_free (got);
    g_free (want);
    gst_buffer_unref (out);
  }

  st = src_caps_structure (hr, &caps);
  g_assert_cmpstr (gst_structure_get_name (st), ==, "application/x-base64");
  g_assert_cmpstr (gst_structure_get_string (st, "content-type"), ==,
      "image/jpeg");
  g_assert_true (gst_structure_get_boolean (st, "data-uri", &data_uri));
  g_assert_false (data_uri);
  gst_caps_unref (caps);
  gst_harness_teardown (hr);
}

static void
test_enc_options (void)
{
  GstHarness *hr = gst_harness_new ("base64enc");
  GstBuffer *out;
  GstCaps *caps;
  const GstStructure *st;
  gchar *text, *want, **lines;
  gboolean data_uri = FALSE;

  gst_harness_set_src_caps_str (hr, "image/png");

  /* data-uri: the prefix names the upstream type; caps follow */
  g_object_set (hr->element, "data-uri", TRUE, NULL);
  gst_harness_push (hr, make_bytes (10, 1, 0));
  out = gst_harness_pull (hr);
  text = buffer_text (out);
  g_assert_true (g_str_has_prefix (text, "data:image/png;base64,"));
  {
    GstBuffer *ref = make_bytes (10, 1, 0);
    GstMapInfo map;

    gst_buffer_map (ref, &map, GST_MAP_READ);
    want = g_base64_encode (map.data, map.size);
    gst_buffer_unmap (ref, &map);
    gst_buffer_unref (ref);
  }
  g_assert_cmpstr (text + strlen ("data:image/png;base64,"), ==, want);
  g_free (want);
  g_free (text);
  gst_buffer_unref (out);
  st = src_caps_structure (hr, &caps);
  g_assert_true (gst_structure_get_boolean (st, "data-uri", &data_uri));
  g_assert_true (data_uri);
  gst_caps_unref (caps);

  /* url-safe: '-' '_' and no padding. 0xfb 0xff -> "+/8=" in standard */
  g_object_set (hr->element, "data-uri", FALSE, "url-safe", TRUE, NULL);
  {
    static const guint8 bytes[] = { 0xfb, 0xff };

    gst_harness_push (hr, gst_buffer_new_memdup (bytes, sizeof (bytes)));
  }
  out = gst_harness_pull (hr);
  text = buffer_text (out);
  g_assert_cmpstr (text, ==, "-_8");
  g_free (text);
  gst_buffer_unref (out);

  /* line-length and newline: 57 bytes = 76 characters per line */
  g_object_set (hr->element, "url-safe", FALSE, "line-length", 76,
      "newline", TRUE, NULL);
  gst_harness_push (hr, make_bytes (57 * 3 + 1, 2, 0));
  out = gst_harness_pull (hr);
  text = buffer_text (out);
  g_assert_true (g_str_has_suffix (text, "==\n"));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);    /* 4 lines + "" */
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (strlen (lines[i]), ==, 76);
  g_assert_cmpuint (strlen (lines[3]), ==, 4);
  g_assert_cmpstr (lines[4], ==, "");
  g_strfreev (lines);
  g_free (text);
  gst_buffer_unref (out);

  /* empty input, empty output: no newline, no prefix */
  g_object_set (hr->element, "data-uri", TRUE, NULL);
  gst_harness_push (hr, gst_buffer_new ());
  out = gst_harness_pull (hr);
  g_assert_cmpuint (gst_buffer_get_size (out), ==, 0);
  gst_buffer_unref (out);
  gst_harness_teardown (hr);
}

/* @text with a '\n' after every @line characters (none at the end), as
 * base64enc's line-length says. */
static gchar *
wrap_lines (const gchar * text, gsize line)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; text[i]; i++) {
    if (i > 0 && i % line == 0)
      g_string_append_c (out, '\n');
    g_string_append_c (out, text[i]);
  }
  return g_string_free (out, FALSE);
}

/* records=stream: 0..40 bytes cut into buffers at every pair of places
 * give one record, as GLib encodes the whole (data URI prefix once, lines
 * of 5 wrapped across buffers, newline at EOS); every output buffer but
 * the last holds whole groups and the timestamps of its input buffer. */
static void
test_enc_records_stream (void)
{
  for (gsize len = 0; len <= 40; len += (len < 8 ? 1 : 7)) {
    GstBuffer *all = make_bytes (len, 9, 0);
    GstMapInfo map;
    gchar *b64, *wrapped, *want;

    g_assert_true (gst_buffer_map (all, &map, GST_MAP_READ));
    b64 = g_base64_encode (map.data, map.size);
    wrapped = wrap_lines (b64, 5);
    want = len ? g_strconcat ("data:image/png;base64,", wrapped, "\n",
        NULL) : g_strdup ("");
    for (gsize cut1 = 0; cut1 <= len; cut1++) {
      for (gsize cut2 = cut1; cut2 <= len; cut2++) {
        GstHarness *hr = gst_harness_new ("base64enc");
        const gsize cuts[4] = { 0, cut1, cut2, len };
        GString *got = g_string_new (NULL);
        GstBuffer *out;

        gst_util_set_object_arg (G_OBJECT (hr->element), "records",
            "stream");
        g_object_set (hr->element, "data-uri", TRUE, "line-length", 5,
            "newline", TRUE, NULL);
        gst_harness_set_src_caps_str (hr, "image/png");
        for (guint i = 0; i < 3; i++) {
          gsize n = cuts[i + 1] - cuts[i];
          GstBuffer *in = n ? gst_buffer_new_memdup (map.data + cuts[i], n)
              : gst_buffer_new ();

          GST_BUFFER_PTS (in) = (i + 1) * GST_SECOND;
          g_assert_cmpint (gst_harness_push (hr, in), ==, GST_FLOW_OK);
          /* a setting changed once the record has begun waits for the
           * next record */
          if (cuts[i + 1] > 0)
            g_object_set (hr->element, "data-uri", FALSE, "url-safe", TRUE,
                NULL);
          while ((out = gst_harness_try_pull (hr))) {
            gchar *text = buffer_text (out);

            g_assert_cmpuint (GST_BUFFER_PTS (out), ==, (i + 1) *
                GST_SECOND);
            g_string_append (got, text);
            g_free (text);
            gst_buffer_unref (out);
          }
          /* nothing but whole groups so far */
          if (got->len > 0) {
            gchar *body = g_strdup (strchr (got->str, ',') + 1);
            gsize n = 0;

            for (gsize k = 0; body[k]; k++)
              n += body[k] != '\n';
            g_assert_cmpuint (n % 4, ==, 0);
            g_free (body);
          }
        }
        g_assert_true (gst_harness_push_event (hr, gst_event_new_eos ()));
        while ((out = gst_harness_try_pull (hr))) {
          gchar *text = buffer_text (out);

          g_assert_false (GST_BUFFER_PTS_IS_VALID (out));
          g_string_append (got, text);
          g_free (text);
          gst_buffer_unref (out);
        }
        g_assert_cmpstr (got->str, ==, want);
        g_string_free (got, TRUE);
        gst_harness_teardown (hr);
      }
    }
    gst_buffer_unmap (all, &map);
    gst_buffer_unref (all);
    g_free (b64);
    g_free (wrapped);
    g_free (want);
  }
}

/* Without upstream caps: octet-stream, and the segment still follows the
 * caps; metas without tags are copied, tagged ones are not. */
static void
test_enc_no_caps_and_metas (void)
{
  GstHarness *hr = gst_harness_new ("base64enc");
  const gchar *no_tags[] = { NULL };
  const gchar *memory_tags[] = { GST_META_TAG_MEMORY_STR, NULL };
  GstBuffer *in, *out;
  GstCaps *caps;
  const GstStructure *st;
  GstEvent *ev;
  GstCustomMeta *cm;
  gint x = 0;

  if (!gst_meta_get_info ("Base64TestMeta"))
    gst_meta_register_custom ("Base64TestMeta", no_tags, NULL, NULL, NULL);
  if (!gst_meta_get_info ("Base64TaggedMeta"))
    gst_meta_register_custom ("Base64TaggedMeta", memory_tags, NULL, NULL,
        NULL);

  in = make_bytes (12, 3, GST_SECOND);
  cm = gst_buffer_add_custom_meta (in, "Base64TestMeta");
  gst_structure_set (gst_custom_meta_get_structure (cm), "x", G_TYPE_INT, 7,
      NULL);
  gst_buffer_add_custom_meta (in, "Base64TaggedMeta");
  {
    /* a segment and no caps, as from a source that cannot tell its type */
    GstSegment seg;

    gst_segment_init (&seg, GST_FORMAT_BYTES);
    g_assert_true (gst_harness_push_event (hr, gst_event_new_segment (&seg)));
  }
  g_assert_cmpint (gst_harness_push (hr, in), ==, GST_FLOW_OK);
  out = gst_harness_pull (hr);
  cm = gst_buffer_get_custom_meta (out, "Base64TestMeta");
  g_assert_nonnull (cm);
  g_assert_true (gst_structure_get_int (gst_custom_meta_get_structure (cm),
          "x", &x));
  g_assert_cmpint (x, ==, 7);
  g_assert_null (gst_buffer_get_custom_meta (out, "Base64TaggedMeta"));
  gst_buffer_unref (out);

  st = src_caps_structure (hr, &caps);
  g_assert_cmpstr (gst_structure_get_string (st, "content-type"), ==,
      "application/octet-stream");
  gst_caps_unref (caps);

  /* sticky order downstream: stream-start, caps, segment */
  ev = gst_harness_pull_event (hr);
  g_assert_cmpint (GST_EVENT_TYPE (ev), ==, GST_EVENT_STREAM_START);
  gst_event_unref (ev);
  ev = gst_harness_pull_event (hr);
  g_assert_cmpint (GST_EVENT_TYPE (ev), ==, GST_EVENT_CAPS);
  gst_event_unref (ev);
  ev = gst_harness_pull_event (hr);
  g_assert_cmpint (GST_EVENT_TYPE (ev), ==, GST_EVENT_SEGMENT);
  gst_event_unref (ev);
  gst_harness_teardown (hr);
}

/* ---- base64dec ---- */

static GstHarness *
new_dec (const gchar * records, GstBus * bus)
{
  GstHarness *hr = gst_harness_new ("base64dec");

  gst_util_set_object_arg (G_OBJECT (hr->element), "records", records);
  if (bus)
    gst_element_set_bus (hr->element, bus);
  gst_harness_set_src_caps_str (hr, "application/x-base64");
  return hr;
}

static GstBuffer *
text_buffer (const gchar * text)
{
  return gst_buffer_new_memdup (text, strlen (text));
}

static gchar *
encode (const guint8 * data, gsize len)
{
  return g_base64_encode (data, len);
}

static void
test_dec_records_buffer_and_caps (void)
{
  GstHarness *hr = new_dec ("buffer", NULL);
  gchar *jpeg = encode (jpeg_start, sizeof (jpeg_start));
  gchar *png = encode (png_start, sizeof (png_start));
  GstBuffer *in, *out;
  GstCaps *caps;
  const GstStructure *st;

  in = text_buffer (jpeg);
  GST_BUFFER_PTS (in) = 3 * GST_SECOND;
  GST_BUFFER_DURATION (in) = GST_SECOND;
  gst_harness_push (hr, in);
  out = gst_harness_pull (hr);
  g_assert_true (buffer_equals (out, jpeg_start, sizeof (jpeg_start)));
  g_assert_cmpuint (GST_BUFFER_PTS (out), ==, 3 * GST_SECOND);
  g_assert_cmpuint (GST_BUFFER_DURATION (out), ==, GST_SECOND);
  gst_buffer_unref (out);
  st = src_caps_structure (hr, &caps);
  g_assert_cmpstr (gst_structure_get_name (st), ==, "image/jpeg");
  gst_caps_unref (caps);

  /* a PNG as a URL-safe data URI with whitespace: new caps */
  {
    gchar *uri = g_strconcat ("data:image/png;base64, ", png, "\r\n", NULL);

    g_strdelimit (uri, "+", '-');
    g_strdelimit (uri, "/", '_');
    gst_harness_push (hr, text_buffer (uri));
    g_free (uri);
  }
  out = gst_harness_pull (hr);
  g_assert_true (buffer_equals (out, png_start, sizeof (png_start)));
  gst_buffer_unref (out);
  st = src_caps_structure (hr, &caps);
  g_assert_cmpstr (gst_structure_get_name (st), ==, "image/png");
  gst_caps_unref (caps);

  g_free (jpeg);
  g_free (png);
  gst_harness_teardown (hr);
}

/* Lines split across buffers at every possible point come out whole, in
 * order; the last line needs no newline (EOS flushes it). */
static void
test_dec_lines_across_buffers (void)
{
  guint8 records[3][40];
  GString *file = g_string_new (NULL);
  gsize line1 = 0, line2 = 0;   /* where lines 2 and 3 start */

  for (guint r = 0; r < 3; r++) {
    gchar *b64;

    for (guint i = 0; i < sizeof (records[r]); i++)
      records[r][i] = (guint8) (r * 91 + i * 37 + 1);
    b64 = encode (records[r], sizeof (records[r]));
    if (r == 1)
      line1 = file->len;
    else if (r == 2)
      line2 = file->len;
    g_string_append (file, b64);
    if (r < 2)
      g_string_append (file, r == 0 ? "\n" : "\r\n");
    g_free (b64);
  }

  for (gsize chunk = 1; chunk <= file->len; chunk += (chunk < 8 ? 1 : 13)) {
    GstHarness *hr = new_dec ("line", NULL);

    for (gsize off = 0; off < file->len; off += chunk) {
      gsize n = MIN (chunk, file->len - off);
      GstBuffer *in = gst_buffer_new_memdup (file->str + off, n);

      GST_BUFFER_PTS (in) = off * GST_MSECOND;
      g_assert_cmpint (gst_harness_push (hr, in), ==, GST_FLOW_OK);
    }
    g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 2);
    g_assert_true (gst_harness_push_event (hr, gst_event_new_eos ()));
    g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 3);
    for (guint r = 0; r < 3; r++) {
      GstBuffer *out = gst_harness_pull (hr);
      const gsize starts[3] = { 0, line1, line2 };
      GstClockTime want;

      g_assert_true (buffer_equals (out, records[r], sizeof (records[r])));
      /* the first line to start in a buffer takes its PTS, others none */
      if (r > 0 && starts[r - 1] / chunk == starts[r] / chunk)
        want = GST_CLOCK_TIME_NONE;
      else
        want = starts[r] / chunk * chunk * GST_MSECOND;
      g_assert_cmpuint (GST_BUFFER_PTS (out), ==, want);
      gst_buffer_unref (out);
    }
    gst_harness_teardown (hr);
  }
  g_string_free (file, TRUE);
}

static void
test_dec_bad_records (void)
{
  static const struct
  {
    const gchar *text;
    const gchar *message;       /* a part of the warning */
  } bad[] = {
    {"QUJD!EVG", "byte 4"},
    {"QUJDR", "byte 5"},
    {"QQ=A", "byte 3"},
    {"data:image/png;base64,", "is empty"},
  };
  GstBus *bus = gst_bus_new ();
  GstHarness *hr = new_dec ("line", bus);
  GstBuffer *out;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    gchar *line = g_strdup_printf ("%s\nQUJD\n", bad[i].text);
    gchar *record = g_strdup_printf ("Record %u ", 2 * i + 1);
    GstMessage *msg;
    GError *err = NULL;

    g_assert_cmpint (gst_harness_push (hr, text_buffer (line)), ==,
        GST_FLOW_OK);
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
    g_assert_nonnull (msg);
    gst_message_parse_warning (msg, &err, NULL);
    if (!strstr (err->message, record) || !strstr (err->message,
            bad[i].message))
      g_error ("'%s': warning '%s' lacks '%s' or '%s'", bad[i].text,
          err->message, record, bad[i].message);
    g_clear_error (&err);
    gst_message_unref (msg);
    g_assert_cmpuint (count_messages (bus, GST_MESSAGE_WARNING, NULL), ==, 0);

    /* the good record after it is intact and marked DISCONT */
    out = gst_harness_pull (hr);
    g_assert_true (buffer_equals (out, (const guint8 *) "ABC", 3));
    g_assert_true (GST_BUFFER_IS_DISCONT (out));
    gst_buffer_unref (out);
    g_free (record);
    g_free (line);
  }

  /* a good record after a good one is not DISCONT */
  gst_harness_push (hr, text_buffer ("QUJD\n"));
  out = gst_harness_pull (hr);
  g_assert_false (GST_BUFFER_IS_DISCONT (out));
  gst_buffer_unref (out);

  /* strict: an error, and the flow stops */
  g_object_set (hr->element, "strict", TRUE, NULL);
  g_assert_cmpint (gst_harness_push (hr, text_buffer ("QU*D\n")), ==,
      GST_FLOW_ERROR);
  g_assert_cmpuint (count_messages (bus, GST_MESSAGE_ERROR, "Record 10 "), ==,
      1);

  gst_element_set_bus (hr->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (hr);
}

/* Blank lines between records (empty, CR of a CRLF file, spaces) are no
 * records: no warning, no DISCONT, not even with strict=true; they still
 * count as lines in the record numbers of messages. */
static void
test_dec_blank_lines (void)
{
  GstBus *bus = gst_bus_new ();
  GstHarness *hr = new_dec ("line", bus);
  GstBuffer *out;

  g_object_set (hr->element, "strict", TRUE, NULL);
  g_assert_cmpint (gst_harness_push (hr, text_buffer ("\nQUJD\n\n\r\n \t"
              "\r\nRE")), ==, GST_FLOW_OK);
  g_assert_cmpint (gst_harness_push (hr, text_buffer ("VG\r\n\n")), ==,
      GST_FLOW_OK);
  g_assert_true (gst_harness_push_event (hr, gst_event_new_eos ()));
  g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 2);
  out = gst_harness_pull (hr);
  g_assert_true (buffer_equals (out, (const guint8 *) "ABC", 3));
  gst_buffer_unref (out);
  out = gst_harness_pull (hr);
  g_assert_true (buffer_equals (out, (const guint8 *) "DEF", 3));
  g_assert_false (GST_BUFFER_IS_DISCONT (out));
  gst_buffer_unref (out);
  g_assert_null (gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING |
          GST_MESSAGE_ERROR));
  gst_element_set_bus (hr->element, NULL);
  gst_harness_teardown (hr);

  /* line numbers count the blank lines */
  hr = new_dec ("line", bus);
  gst_harness_push (hr, text_buffer ("\n\nQU!D\n"));
  g_assert_cmpuint (count_messages (bus, GST_MESSAGE_WARNING, "Record 3 "),
      ==, 1);
  gst_element_set_bus (hr->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (hr);
}

/* Empty and overlong records are called what they are, with the limit;
 * not "not valid base64". */
static void
test_dec_empty_and_too_long_messages (void)
{
  static const gchar *const records[] = { "buffer", "line" };
  GstBus *bus = gst_bus_new ();

  for (guint r = 0; r < G_N_ELEMENTS (records); r++) {
    GstHarness *hr = new_dec (records[r], bus);
    gboolean line = r == 1;
    GstMessage *msg;
    GError *err = NULL;

    g_object_set (hr->element, "max-record-size", (guint64) 30, NULL);
    /* buffer records: an empty buffer; lines: only a data URI prefix */
    gst_harness_push (hr, line ? text_buffer ("data:text/plain;base64,\n") :
        gst_buffer_new ());
    gst_harness_push (hr, text_buffer (line ? "QUJDREVGR0hJQUJDREVGR0hJ"
            "QUJDREVGR0hJ\n" : "QUJDREVGR0hJQUJDREVGR0hJQUJDREVGR0hJ"));
    for (guint i = 0; i < 2; i++) {
      msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
      g_assert_nonnull (msg);
      gst_message_parse_warning (msg, &err, NULL);
      g_assert_null (strstr (err->message, "not valid base64"));
      if (i == 0) {
        g_assert_nonnull (strstr (err->message, "Record 1 is empty"));
      } else {
        g_assert_nonnull (strstr (err->message, "Record 2 is too long"));
        g_assert_nonnull (strstr (err->message, "max-record-size (30)"));
      }
      g_clear_error (&err);
      gst_message_unref (msg);
    }
    g_assert_null (gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING));
    gst_bus_set_flushing (bus, TRUE);
    gst_bus_set_flushing (bus, FALSE);
    g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 0);
    gst_element_set_bus (hr->element, NULL);
    gst_harness_teardown (hr);
  }
  gst_object_unref (bus);
}

/* records=auto (the default): buffers after application/x-base64 caps,
 * lines after text/x-raw or no caps. */
static void
test_dec_records_auto (void)
{
  static const gchar *const caps[] = { "application/x-base64", "text/x-raw",
    NULL
  };

  for (guint c = 0; c < G_N_ELEMENTS (caps); c++) {
    GstHarness *hr = gst_harness_new ("base64dec");
    gboolean lines = c > 0;
    gint records = -1;
    GParamSpec *pspec;
    GstBuffer *out;

    g_object_get (hr->element, "records", &records, NULL);
    pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (hr->element),
        "records");
    g_assert_cmpstr (g_enum_get_value (G_PARAM_SPEC_ENUM (pspec)->enum_class,
            records)->value_nick, ==, "auto");
    if (caps[c]) {
      gst_harness_set_src_caps_str (hr, caps[c]);
    } else {
      GstSegment seg;

      /* the events a caps-less source such as filesrc sends */
      gst_harness_play (hr);
      gst_segment_init (&seg, GST_FORMAT_BYTES);
      g_assert_true (gst_harness_push_event (hr,
              gst_event_new_stream_start ("no-caps")));
      g_assert_true (gst_harness_push_event (hr,
              gst_event_new_segment (&seg)));
    }
    /* "QUJD\nREVG" as one buffer record is "ABCDEF"; as lines, the second
     * line goes on in the next buffer */
    gst_harness_push (hr, text_buffer ("QUJD\nREVG"));
    gst_harness_push (hr, text_buffer ("R0hJ\n"));
    g_assert_true (gst_harness_push_event (hr, gst_event_new_eos ()));
    out = gst_harness_pull (hr);
    g_assert_true (lines ? buffer_equals (out, (const guint8 *) "ABC", 3) :
        buffer_equals (out, (const guint8 *) "ABCDEF", 6));
    gst_buffer_unref (out);
    out = gst_harness_pull (hr);
    g_assert_true (lines ? buffer_equals (out, (const guint8 *) "DEFGHI", 6)
        : buffer_equals (out, (const guint8 *) "GHI", 3));
    gst_buffer_unref (out);
    g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 2);
    gst_harness_teardown (hr);
  }
}

/* A line longer than max-record-size is refused as it grows, never held
 * whole; the lines after it decode. */
static void
test_dec_max_record_size (void)
{
  GstBus *bus = gst_bus_new ();
  GstHarness *hr = new_dec ("line", bus);
  GstBuffer *out;
  gchar *chunk = g_strnfill (400, 'A');

  g_object_set (hr->element, "max-record-size", (guint64) 1000, NULL);
  for (guint i = 0; i < 20; i++)
    g_assert_cmpint (gst_harness_push (hr, text_buffer (chunk)), ==,
        GST_FLOW_OK);
  g_assert_cmpuint (count_messages (bus, GST_MESSAGE_WARNING,
          "max-record-size"), ==, 1);
  gst_harness_push (hr, text_buffer ("AAAA\nQUJD\n"));
  g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 1);
  out = gst_harness_pull (hr);
  g_assert_true (buffer_equals (out, (const guint8 *) "ABC", 3));
  gst_buffer_unref (out);
  g_assert_cmpuint (count_messages (bus, GST_MESSAGE_WARNING, NULL), ==, 0);

  /* the same limit applies to buffer records */
  gst_util_set_object_arg (G_OBJECT (hr->element), "records", "buffer");
  gst_harness_push (hr, text_buffer (chunk));
  gst_harness_push (hr, text_buffer (chunk));
  g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 3);
  g_object_set (hr->element, "max-record-size", (guint64) 100, NULL);
  gst_harness_push (hr, text_buffer (chunk));
  g_assert_cmpuint (gst_harness_buffers_received (hr), ==, 3);
  g_assert_cmpuint (count_messages (bus, GST_MESSAGE_WARNING,
          "max-record-size"), ==, 1);

  g_free (chunk);
  gst_element_set_bus (hr->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (hr);
}

/* Events: caps before the segment even though the caps come from the
 * first record; a flush drops half a line. */
static void
test_dec_events_and_flush (void)
{
  GstHarness *hr = new_dec ("line", NULL);
  GstEvent *ev;
  GstBuffer *out;

  gst_harness_push (hr, text_buffer ("QUJD\nQUJ"));
  ev = gst_harness_pull_event (hr);
  g_assert_cmpint (GST_EVENT_TYPE (ev), ==, GST_EVENT_STREAM_START);
  gst_event_unref (ev);
  ev = gst_harness_pull_event (hr);
  g_assert_cmpint (GST_EVENT_TYPE (ev), ==, GST_EVENT_CAPS);
  gst_event_unref (ev);
  ev = gst_harness_pull_event (hr);
  g_assert_cmpint (GST_EVENT_TYPE (ev), ==, GST_EVENT_SEGMENT);
  gst_event_unref (ev);
  gst_buffer_unref (gst_harness_pull (hr));

  /* flush: "QUJ" is forgotten, so "EVG\n" is a record of its own */
  g_assert_true (gst_harness_push_event (hr, gst_event_new_flush_start ()));
  g_assert_true (gst_harness_push_event (hr,
          gst_event_new_flush_stop (TRUE)));
  {
    GstSegment seg;

    gst_segment_init (&seg, GST_FORMAT_BYTES);
    g_assert_true (gst_harness_push_event (hr, gst_event_new_segment (&seg)));
  }
  gst_harness_push (hr, text_buffer ("REVG\n"));
  out = gst_harness_pull (hr);
  g_assert_true (buffer_equals (out, (const guint8 *) "DEF", 3));
  gst_buffer_unref (out);

  gst_harness_teardown (hr);
}

/* Both elements in a pipeline, run to EOS and back to NULL repeatedly. */
static void
test_state_cycles (void)
{
  GstElement *pipe = gst_parse_launch ("videotestsrc num-buffers=3 ! "
      "video/x-raw,width=32,height=24 ! imencode ! "
      "base64enc newline=true line-length=76 ! "
      "base64dec records=line ! fakesink", NULL);

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

int
main (int argc, char **argv)
{
  int ret;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/base64enc/matches-glib", test_enc_matches_glib);
  g_test_add_func ("/base64enc/options", test_enc_options);
  g_test_add_func ("/base64enc/no-caps-and-metas", test_enc_no_caps_and_metas);
  g_test_add_func ("/base64enc/records-stream", test_enc_records_stream);
  g_test_add_func ("/base64dec/records-buffer-and-caps",
      test_dec_records_buffer_and_caps);
  g_test_add_func ("/base64dec/lines-across-buffers",
      test_dec_lines_across_buffers);
  g_test_add_func ("/base64dec/bad-records", test_dec_bad_records);
  g_test_add_func ("/base64dec/blank-lines", test_dec_blank_lines);
  g_test_add_func ("/base64dec/empty-and-too-long-messages",
      test_dec_empty_and_too_long_messages);
  g_test_add_func ("/base64dec/records-auto", test_dec_records_auto);
  g_test_add_func ("/base64dec/max-record-size", test_dec_max_record_size);
  g_test_add_func ("/base64dec/events-and-flush", test_dec_events_and_flush);
  g_test_add_func ("/base64/state-cycles", test_state_cycles);

  ret = g_test_run ();
  gst_deinit ();
  return ret;
}
