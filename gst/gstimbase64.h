/* gst-imencode: base64 text in GstBuffers, shared by imencode, base64enc,
 * base64dec and imdecode (the codec itself is imcore's)
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IM_BASE64_H__
#define __GST_IM_BASE64_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* How gst_im_base64_encode() writes the text. */
typedef struct
{
  const gchar *data_uri_type;   /* NULL: no prefix; else the media type of
                                 * a "data:<type>;base64," prefix */
  gboolean url_safe;            /* '-' '_' and no '=' padding */
  gsize line_length;            /* '\n' after every this many characters
                                 * of base64 (not counting the prefix);
                                 * 0 = one line */
  gboolean newline;             /* a final '\n' */
} GstImBase64Format;

/* The number of bytes gst_im_base64_write() writes for @len bytes of
 * input (0 for empty input, whatever @format says); G_MAXSIZE if that
 * does not fit in a gsize. */
gsize gst_im_base64_text_len (gsize len, const GstImBase64Format * format);

/* Writes the base64 text of @len bytes at @data as @format says into
 * @out, which must hold gst_im_base64_text_len() bytes and not overlap
 * @data. Returns the number of bytes written. */
gsize gst_im_base64_write (const guint8 * data, gsize len,
    const GstImBase64Format * format, guint8 * out);

/* Returns a new buffer with the base64 text of @len bytes at @data written
 * as @format says, no NUL, nothing else. Empty input gives an empty
 * buffer, whatever @format says. NULL with @error set if the size does not
 * fit in memory. */
GstBuffer *gst_im_base64_encode (const guint8 * data, gsize len,
    const GstImBase64Format * format, GError ** error);

/* Decodes the base64 text (either alphabet, whitespace, optional data URI
 * prefix) of @len characters at @text into a new buffer. On invalid text
 * returns NULL and sets @error (GST_STREAM_ERROR_DECODE) to a message
 * naming what is wrong and where: "<what> at byte <offset>"; the offset
 * also goes to @bad_offset when not NULL. Empty text gives an empty
 * buffer. */
GstBuffer *gst_im_base64_decode (const guint8 * text, gsize len,
    gsize * bad_offset, GError ** error);

/* What the base64 decoders accept, for the debug part of warnings. */
#define GST_IM_BASE64_ACCEPTED \
  "base64 accepted: the standard (A-Z a-z 0-9 + /) or URL-safe (- _) " \
  "alphabet, '=' padding only at the end, whitespace anywhere, an " \
  "optional leading \"data:<type>;base64,\""

G_END_DECLS

#endif /* __GST_IM_BASE64_H__ */
