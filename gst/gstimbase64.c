/* gst-imencode: base64 text in GstBuffers
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstimbase64.h"
#include "imcore.h"

static unsigned
base64_flags (const GstImBase64Format * format)
{
  return format->url_safe ? IMCORE_BASE64_URL_SAFE | IMCORE_BASE64_NO_PADDING
      : 0;
}

static gsize
prefix_len (const GstImBase64Format * format)
{
  if (!format->data_uri_type)
    return 0;
  return strlen ("data:") + strlen (format->data_uri_type) +
      strlen (";base64,");
}

gsize
gst_im_base64_text_len (gsize len, const GstImBase64Format * format)
{
  gsize text_len, extra;

  if (len == 0)
    return 0;
  extra = prefix_len (format) + (format->newline ? 1 : 0);
  text_len = imcore_base64_encoded_len (len, base64_flags (format),
      format->line_length);
  if (text_len == SIZE_MAX || text_len > G_MAXSIZE - 1 - extra)
    return G_MAXSIZE;
  return text_len + extra;
}

gsize
gst_im_base64_write (const guint8 * data, gsize len,
    const GstImBase64Format * format, guint8 * out)
{
  guint8 *p = out;

  if (len == 0)
    return 0;
  if (format->data_uri_type) {
    p = (guint8 *) g_stpcpy (g_stpcpy (g_stpcpy ((gchar *) p, "data:"),
            format->data_uri_type), ";base64,");
  }
  p += imcore_base64_encode (data, len, (char *) p, base64_flags (format),
      format->line_length);
  if (format->newline)
    *p++ = '\n';
  return p - out;
}

GstBuffer *
gst_im_base64_encode (const guint8 * data, gsize len,
    const GstImBase64Format * format, GError ** error)
{
  gsize total = gst_im_base64_text_len (len, format), written;
  GstBuffer *buf;
  GstMapInfo map;

  if (total == 0)
    return gst_buffer_new ();
  if (total == G_MAXSIZE)
    goto too_large;
  buf = gst_buffer_new_allocate (NULL, total, NULL);
  if (!buf)
    goto too_large;
  if (!gst_buffer_map (buf, &map, GST_MAP_WRITE)) {
    gst_buffer_unref (buf);
    goto too_large;
  }
  written = gst_im_base64_write (data, len, format, map.data);
  gst_buffer_unmap (buf, &map);
  g_assert (written == total);
  return buf;

too_large:
  g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT,
      "cannot allocate the base64 text of %" G_GSIZE_FORMAT " bytes", len);
  return NULL;
}

/* Says what is wrong with the character at @offset of @text (@len = the
 * text ended too early). */
static gchar *
describe_bad_byte (const guint8 * text, gsize len, gsize offset)
{
  gsize start = imcore_base64_skip_data_uri ((const char *) text, len);
  guint8 c;

  if (offset >= len)
    return g_strdup ("text ends inside a group (one character left over)");
  c = text[offset];
  if (c == '=')
    return g_strdup ("misplaced '=' padding");
  if (!g_ascii_isgraph (c))
    return g_strdup_printf ("invalid byte 0x%02x", c);
  if (offset > start && memchr (text + start, '=', offset - start))
    return g_strdup_printf ("'%c' after the '=' padding", c);
  return g_strdup_printf ("invalid character '%c'", c);
}

GstBuffer *
gst_im_base64_decode (const guint8 * text, gsize len, gsize * bad_offset,
    GError ** error)
{
  gsize max = imcore_base64_decoded_max (len), n = 0, bad = 0;
  GstBuffer *buf;
  GstMapInfo map;
  ImcoreError err;

  buf = gst_buffer_new_allocate (NULL, max, NULL);
  if (!buf || !gst_buffer_map (buf, &map, GST_MAP_WRITE)) {
    gst_clear_buffer (&buf);
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT,
        "cannot allocate %" G_GSIZE_FORMAT " bytes for decoded base64", max);
    return NULL;
  }
  err = imcore_base64_decode ((const char *) text, len, map.data, max, 0, &n,
      &bad);
  gst_buffer_unmap (buf, &map);
  if (err != IMCORE_OK) {
    gst_buffer_unref (buf);
    if (bad_offset)
      *bad_offset = bad;
    if (err == IMCORE_ERROR_INVALID_INPUT) {
      gchar *what = describe_bad_byte (text, len, bad);

      g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
          "%s at byte %" G_GSIZE_FORMAT, what, bad);
      g_free (what);
    } else {
      g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
          "base64 decoding failed: %s", imcore_strerror (err));
    }
    return NULL;
  }
  gst_buffer_set_size (buf, n);
  return buf;
}
