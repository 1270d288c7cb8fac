/* gst-imencode: how the bytes that reach imdecode become images
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The contract is in gstimdecodeinput.h. Everything ends up as bytes in
 * which imcore_scan_image() finds where each image ends: binary input as
 * it comes, application/x-base64 records decoded one by one, base64 text
 * without framing decoded line by line (imcore_base64_split()). Images
 * whole in one buffer are handed on in place; the start of an unfinished
 * one waits in @pending, unless buffers are whole (framing=buffer): then
 * whatever is unfinished at a buffer's end is finished as all there is.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstimbase64.h"
#include "gstimdecodeinput.h"

GST_DEBUG_CATEGORY_STATIC (gst_im_input_debug);
#define GST_CAT_DEFAULT gst_im_input_debug

/* An unfinished image (or line of base64 text) is not held past this
 * many bytes. */
#define MAX_PENDING_BYTES ((gsize) 512 << 20)

/* Waits for the images handed on to be decoded later and takes in what
 * became of them, as if each had been decoded when it was handed on. */
static GstFlowReturn
gst_im_input_settle (GstImInput * in)
{
  GstImInputOutcome last = GST_IM_INPUT_IMAGE_REFUSED;
  gboolean decoded_any = FALSE;
  GstFlowReturn ret;

  if (!in->unsettled)
    return GST_FLOW_OK;
  ret = in->settle (in->user_data, &decoded_any, &last);
  in->unsettled = FALSE;
  if (decoded_any) {
    in->warned_not_image = FALSE;
    in->warned_text = FALSE;
  }
  in->last_good = last == GST_IM_INPUT_IMAGE_DECODED ? in->unsettled_kind :
      IMCORE_IMAGE_UNKNOWN;
  in->last_settled = last;
  return ret;
}

/* Refused input: a warning saying @what and that the stream goes on, or
 * with @strict an error; after the frames of the images before it. */
static GstFlowReturn
gst_im_input_refuse (GstImInput * in, gboolean strict, const gchar * what,
    const gchar * detail)
{
  GstFlowReturn ret = gst_im_input_settle (in);

  if (ret != GST_FLOW_OK)
    return ret;
  if (strict) {
    GST_ELEMENT_ERROR (in->element, STREAM, DECODE, ("%s", what),
        ("%s (strict=true)", detail));
    return GST_FLOW_ERROR;
  }
  GST_ELEMENT_WARNING (in->element, STREAM, DECODE, ("%s", what), ("%s",
          detail));
  in->discont = TRUE;
  return GST_FLOW_OK;
}

/* Forgets an unfinished image. */
static void
gst_im_input_drop_pending (GstImInput * in)
{
  g_byte_array_set_size (in->pending, 0);
  imcore_scan_reset (&in->scan);
  gst_clear_buffer (&in->pending_timing);
}

/* Forgets the text of an unfinished base64 record. */
static void
gst_im_input_drop_text (GstImInput * in)
{
  g_byte_array_set_size (in->text, 0);
  gst_clear_buffer (&in->text_timing);
}

/* Forgets buffers held while sniffing. */
static void
gst_im_input_drop_sniffed (GstImInput * in)
{
  GstBuffer *buf;

  while ((buf = g_queue_pop_head (&in->sniff_held)))
    gst_buffer_unref (buf);
  in->sniff_bytes = 0;
  imcore_base64_splitter_reset (&in->sniff);
}

/* Whether an image signature (or the start of one at the end) occurs in
 * the @len bytes at @data: imcore_scan_find_start (data, len) < len, with
 * memchr() finding the candidates (the check runs over every image handed
 * on to be decoded later, in the streaming thread). */
static gboolean
gst_im_input_holds_start (const guint8 * data, gsize len)
{
  static const guint8 firsts[] = { 0xff, 0x89 };

  for (guint i = 0; i < G_N_ELEMENTS (firsts); i++) {
    const guint8 *p = data, *end = data + len;

    while ((p = memchr (p, firsts[i], end - p))) {
      if (imcore_scan_find_start (p, MIN ((gsize) (end - p), 8)) == 0)
        return TRUE;
      p++;
    }
  }
  return FALSE;
}

/* Hands one image to the callback, saying whether anything was dropped
 * before it (the callback keeps that until it pushes a frame);
 * *@corrupt says whether it was refused as corrupt, *@pending that it is
 * decoded later (not known yet). */
static GstFlowReturn
gst_im_input_image (GstImInput * in, const guint8 * data, gsize len,
    GstBuffer * timing, gboolean * corrupt, gboolean * pending)
{
  GstImInputOutcome outcome = GST_IM_INPUT_IMAGE_REFUSED;
  gboolean discont = in->discont;
  GstFlowReturn ret;

  in->discont = FALSE;
  ret = in->image (in->user_data, data, len, timing, discont, &outcome);
  *corrupt = outcome == GST_IM_INPUT_IMAGE_CORRUPT;
  *pending = outcome == GST_IM_INPUT_IMAGE_PENDING;
  if (*pending) {
    in->unsettled = TRUE;
    in->unsettled_kind = imcore_image_kind (data, len);
    return ret;
  }
  /* (the callback refused this one at once: the images before it, if
   * pending, come first) */
  if (in->unsettled) {
    GstFlowReturn settled = gst_im_input_settle (in);

    if (ret == GST_FLOW_OK)
      ret = settled;
  }
  if (outcome == GST_IM_INPUT_IMAGE_DECODED) {
    in->last_good = imcore_image_kind (data, len);
    in->warned_not_image = FALSE;
    in->warned_text = FALSE;
  } else {
    in->last_good = IMCORE_IMAGE_UNKNOWN;
  }
  return ret;
}

/* Posts the warning for the bytes skipped since the last image, now that
 * they end (at @until): one warning for the whole run, and one until an
 * image decodes. */
static void
gst_im_input_end_skipped (GstImInput * in, const gchar * until)
{
  const gchar *after;

  if (in->skipped == 0)
    return;
  after = in->skipped_after == IMCORE_IMAGE_JPEG ? "JPEG" :
      in->skipped_after == IMCORE_IMAGE_PNG ? "PNG" : NULL;
  if (in->warned_not_image) {
    GST_DEBUG_OBJECT (in->element,
        "%" G_GUINT64_FORMAT " more bytes skipped up to " "%s", in->skipped,
        until);
  } else if (after) {
    GST_ELEMENT_WARNING (in->element, STREAM, DECODE,
        ("Skipped %" G_GUINT64_FORMAT " trailing bytes after a %s image: "
            "not a JPEG or PNG image", in->skipped, after),
        ("the bytes after the image's end (%s) up to %s are no image; "
            "the image itself was decoded (warned once until an image "
            "decodes). Accepted: JPEG, PNG, or their base64 text",
            after[0] == 'J' ? "EOI, FF D9" : "IEND", until));
    in->warned_not_image = TRUE;
  } else {
    GST_ELEMENT_WARNING (in->element, STREAM, DECODE,
        ("Skipped %" G_GUINT64_FORMAT " bytes that are not a JPEG or PNG "
            "image", in->skipped),
        ("skipped up to %s (warned once until an image decodes). "
            "Accepted: JPEG (starting FF D8 FF), PNG (starting with its "
            "8-byte signature), or their base64 text", until));
    in->warned_not_image = TRUE;
  }
  in->skipped = 0;
}

/* Skips @n bytes that are not an image, counting them for the warning
 * posted when the run of them ends; with strict=true an error. */
static GstFlowReturn
gst_im_input_skip (GstImInput * in, gboolean strict, gsize n)
{
  GstFlowReturn ret = gst_im_input_settle (in);

  if (ret != GST_FLOW_OK)
    return ret;
  if (strict) {
    GST_ELEMENT_ERROR (in->element, STREAM, DECODE, ("Not a JPEG or PNG image"),
        ("the data starts with neither the JPEG (FF D8 FF) nor the PNG "
            "signature; accepted: JPEG, PNG, or their base64 text "
            "(strict=true)"));
    return GST_FLOW_ERROR;
  }
  if (in->skipped == 0)
    in->skipped_after = in->last_good;
  in->skipped += n;
  in->last_good = IMCORE_IMAGE_UNKNOWN;
  in->discont = TRUE;
  return GST_FLOW_OK;
}

/* Finds the images in @data with @scan and decodes each whole one. The
 * image at offset 0 takes the timestamps of @timing; the first other one
 * that starts at or after @inbuf_from takes those of @inbuf (the buffer
 * just appended; NULL when @data is that buffer), and *@inbuf_used says
 * so. Returns in *@consumed the bytes used up: the rest is the start of an
 * unfinished image, unless @last (end of stream) says that it is all there
 * is. */
static GstFlowReturn
gst_im_input_frames (GstImInput * in, gboolean strict,
    ImcoreScan * scan, const guint8 * data, gsize len, GstBuffer * timing,
    GstBuffer * inbuf, gsize inbuf_from, gboolean * inbuf_used,
    gboolean last, gsize * consumed)
{
  GstFlowReturn ret = GST_FLOW_OK;
  gsize off = 0;

  while (off < len && ret == GST_FLOW_OK) {
    size_t image_len = 0;
    GstBuffer *stamps = NULL;
    ImcoreScanResult res;
    gboolean corrupt, pending;

    res = imcore_scan_image (scan, data + off, len - off, &image_len);
    if (res == IMCORE_SCAN_NOT_IMAGE) {
      gsize skip = imcore_scan_find_start (data + off, len - off);

      skip = MAX (skip, 1);
      ret = gst_im_input_skip (in, strict, skip);
      off += skip;
      imcore_scan_reset (scan);
      continue;
    }
    if (scan->kind == IMCORE_IMAGE_UNKNOWN) {
      /* the start of a signature at the end: more bytes will tell */
      if (!last) {
        *consumed = off;
        return ret;
      }
      ret = gst_im_input_skip (in, strict, len - off);
      off = len;
      break;
    }
    /* an image begins: the bytes skipped before it are over */
    gst_im_input_end_skipped (in, scan->kind == IMCORE_IMAGE_JPEG ?
        "a JPEG signature (FF D8 FF)" : "a PNG signature");
    if (res == IMCORE_SCAN_MORE) {
      if (!last) {
        *consumed = off;
        return ret;
      }
      /* cut short: the decoder says what is wrong with it */
      image_len = len - off;
    }
    if (off == 0)
      stamps = timing;
    else if (inbuf && off >= inbuf_from && !*inbuf_used) {
      stamps = inbuf;
      *inbuf_used = TRUE;
    }
    GST_LOG_OBJECT (in->element,
        "image at %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes (of %"
        G_GSIZE_FORMAT ")", off, (gsize) image_len, len);
    ret = gst_im_input_image (in, data + off, image_len, stamps, &corrupt,
        &pending);
    if ((corrupt || pending) && image_len > 1) {
      /* A cut image's stated segment or chunk lengths may have carried the
       * scan into the next image: go on from the first signature inside
       * the refused bytes, if any. Whether an image with such a signature
       * (a cut one, or one embedding a thumbnail) was refused is worth
       * waiting for. */
      gsize restart = image_len;

      if (!pending || gst_im_input_holds_start (data + off + 1,
              image_len - 1))
        restart = imcore_scan_find_start (data + off + 1, image_len - 1) + 1;
      if (restart < image_len && pending) {
        GstFlowReturn settled = gst_im_input_settle (in);

        if (ret == GST_FLOW_OK)
          ret = settled;
        corrupt = in->last_settled == GST_IM_INPUT_IMAGE_CORRUPT;
      }
      if (restart < image_len && corrupt)
        image_len = restart;
    }
    off += image_len;
    imcore_scan_reset (scan);
  }
  *consumed = off;
  return ret;
}

/* Bytes cut anywhere: whole images in them are decoded in place; the start
 * of an unfinished one waits in in->pending. @inbuf gives the timestamps
 * (and DISCONT) of images starting in @data. */
static GstFlowReturn
gst_im_input_binary (GstImInput * in, gboolean strict,
    const guint8 * data, gsize len, GstBuffer * inbuf)
{
  ImcoreImageKind starts = imcore_image_kind (data, len);
  GstFlowReturn ret = GST_FLOW_OK;
  gsize consumed = 0, old_len;
  gboolean inbuf_used = FALSE;

  if (in->pending->len > 0 && (starts == IMCORE_IMAGE_PNG ||
          (in->framed && starts == IMCORE_IMAGE_JPEG))) {
    /* A new image at a buffer start ends an unfinished one that was cut
     * short: for PNG always (its signature never occurs inside an image
     * by chance), for JPEG when buffers have held whole images so far (a
     * JPEG may embed a thumbnail JPEG, which a cut could expose). */
    ret = gst_im_input_frames (in, strict, &in->scan, in->pending->data,
        in->pending->len, in->pending_timing, NULL, 0, NULL, TRUE, &consumed);
    gst_im_input_drop_pending (in);
    if (ret != GST_FLOW_OK)
      return ret;
  }

  if (in->pending->len == 0) {
    ret = gst_im_input_frames (in, strict, &in->scan, data, len, inbuf, NULL,
        0, NULL, FALSE, &consumed);
    if (consumed == len && len > 0)
      in->framed = TRUE;
    if (ret == GST_FLOW_OK && consumed < len) {
      g_byte_array_append (in->pending, data + consumed, len - consumed);
      gst_clear_buffer (&in->pending_timing);
      in->pending_timing = gst_buffer_new ();
      if (consumed == 0)
        gst_buffer_copy_into (in->pending_timing, inbuf,
            GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
    }
    return ret;
  }

  if (in->pending->len + (guint64) len > MAX_PENDING_BYTES) {
    gchar *detail = g_strdup_printf ("no end found in %" G_GSIZE_FORMAT
        " bytes", MAX_PENDING_BYTES);

    gst_im_input_drop_pending (in);
    ret = gst_im_input_refuse (in, strict, strict ? "Image data too long" :
        "Image data too long; image dropped", detail);
    in->last_good = IMCORE_IMAGE_UNKNOWN;
    g_free (detail);
    return ret;
  }
  old_len = in->pending->len;
  g_byte_array_append (in->pending, data, len);
  ret = gst_im_input_frames (in, strict, &in->scan, in->pending->data,
      in->pending->len, in->pending_timing, inbuf, old_len, &inbuf_used,
      FALSE, &consumed);
  if (consumed > 0) {
    /* an image was put together from several buffers */
    in->framed = FALSE;
    g_byte_array_remove_range (in->pending, 0, consumed);
    gst_clear_buffer (&in->pending_timing);
    if (in->pending->len > 0) {
      /* what is left began in this buffer: its timestamps, unless an
       * earlier image starting in it took them */
      in->pending_timing = gst_buffer_new ();
      if (consumed >= old_len && !inbuf_used)
        gst_buffer_copy_into (in->pending_timing, inbuf,
            GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
    } else {
      imcore_scan_reset (&in->scan);
    }
  }
  return ret;
}

/* The stream ends (EOS, or a caps change says other bytes follow): an
 * unfinished image is decoded, and refused, as the truncated image it is;
 * bytes skipped before it are reported as ending at @until. */
static GstFlowReturn
gst_im_input_finish_binary (GstImInput * in,
    gboolean strict, const gchar * until)
{
  GstFlowReturn ret = GST_FLOW_OK;

  if (in->pending->len > 0) {
    gsize consumed;

    ret = gst_im_input_frames (in, strict, &in->scan, in->pending->data,
        in->pending->len, in->pending_timing, NULL, 0, NULL, TRUE, &consumed);
    gst_im_input_drop_pending (in);
  }
  gst_im_input_end_skipped (in, until);
  return ret;
}

/* Base64 text that could not be decoded: the bytes of an unfinished image
 * before it are lost with it. Warned once until an image decodes (for
 * text without caps) or for each record (application/x-base64). */
static GstFlowReturn
gst_im_input_bad_text (GstImInput * in, gboolean strict,
    const gchar * what, const gchar * detail)
{
  gboolean had_image = in->pending->len > 0;
  gchar *msg;
  GstFlowReturn ret = gst_im_input_settle (in);

  if (ret != GST_FLOW_OK) {
    gst_im_input_drop_pending (in);
    return ret;
  }
  gst_im_input_drop_pending (in);
  in->last_good = IMCORE_IMAGE_UNKNOWN;
  msg = g_strdup_printf ("%s%s", what, had_image ?
      "; the unfinished image before it was dropped" : "");
  if (in->kind == GST_IM_INPUT_TEXT && in->warned_text && !strict) {
    GST_DEBUG_OBJECT (in->element, "%s: %s", msg, detail);
    in->discont = TRUE;
  } else {
    ret = gst_im_input_refuse (in, strict, msg, detail);
    in->warned_text = in->kind == GST_IM_INPUT_TEXT;
  }
  g_free (msg);
  return ret;
}

/* Decodes base64 text (whole groups, or a record's end) and hands the bytes
 * to gst_im_input_binary(). @where names the text in messages. */
static GstFlowReturn
gst_im_input_decode_text (GstImInput * in, gboolean strict,
    const guint8 * text, gsize len, GstBuffer * timing, const gchar * where)
{
  GError *error = NULL;
  GstBuffer *bin;
  GstMapInfo map;
  GstFlowReturn ret;

  /* a data URI prefix is only recognised at the very start */
  while (len > 0 && g_ascii_isspace (text[0]))
    text++, len--;
  if (len == 0)
    return GST_FLOW_OK;
  bin = gst_im_base64_decode (text, len, NULL, &error);
  if (!bin) {
    gchar *what = g_strdup_printf ("Invalid base64 image text (%s)", where);
    gchar *detail = g_strdup_printf ("%s; " GST_IM_BASE64_ACCEPTED,
        error->message);

    ret = gst_im_input_bad_text (in, strict, what, detail);
    g_free (detail);
    g_free (what);
    g_error_free (error);
    return ret;
  }
  if (gst_buffer_get_size (bin) == 0) {
    gst_buffer_unref (bin);
    return GST_FLOW_OK;
  }
  if (!gst_buffer_map (bin, &map, GST_MAP_READ)) {
    gst_buffer_unref (bin);
    GST_ELEMENT_ERROR (in->element, RESOURCE, FAILED, (NULL),
        ("cannot map decoded base64"));
    return GST_FLOW_ERROR;
  }
  ret = gst_im_input_binary (in, strict, map.data, map.size, timing);
  gst_buffer_unmap (bin, &map);
  gst_buffer_unref (bin);
  return ret;
}

/* application/x-base64: each buffer is one record. Its bytes join the
 * byte stream, so a record may hold an image, several, or a piece of one
 * (a record split across buffers, as base64enc records=stream sends). */
static GstFlowReturn
gst_im_input_record (GstImInput * in, gboolean strict,
    const guint8 * text, gsize len, GstBuffer * inbuf)
{
  gsize i, prefix;

  for (i = 0; i < len && g_ascii_isspace (text[i]); i++);
  prefix = imcore_base64_skip_data_uri ((const char *) text + i, len - i);
  for (i += prefix; i < len && g_ascii_isspace (text[i]); i++);
  if (i == len) {
    return gst_im_input_refuse (in, strict, "Empty base64 image text",
        "the record (an input buffer) holds no base64 characters");
  }
  return gst_im_input_decode_text (in, strict, text, len, inbuf,
      "an application/x-base64 record");
}

/* GST_IM_INPUT_TEXT: decodes the text held for the current record (as far as it
 * goes: a record's end, or whole groups) and forgets it. */
static GstFlowReturn
gst_im_input_flush_text (GstImInput * in, gboolean strict)
{
  gchar *where;
  GstFlowReturn ret;

  if (in->text->len == 0)
    return GST_FLOW_OK;
  where = g_strdup_printf ("line %" G_GUINT64_FORMAT, in->line);
  ret = gst_im_input_decode_text (in, strict, in->text->data, in->text->len,
      in->text_timing, where);
  g_free (where);
  in->line_bytes += in->text->len;
  gst_im_input_drop_text (in);
  return ret;
}

/* GST_IM_INPUT_TEXT: base64 text with no framing (a file, a socket). Each
 * line is a record; its text is decoded whenever it holds whole
 * 4-character groups (so a long line is not held whole) and at its end,
 * and the bytes go to the image framing, which puts images together
 * across records (MIME's 76-character lines). */
static GstFlowReturn
gst_im_input_text (GstImInput * in, gboolean strict,
    const guint8 * data, gsize len, GstBuffer * inbuf)
{
  GstFlowReturn ret = GST_FLOW_OK;
  gboolean stamped = FALSE;
  gsize off = 0;

  while (off < len && ret == GST_FLOW_OK) {
    ImcoreSplitResult res;
    size_t used;

    if (in->skip_line) {
      const guint8 *nl = memchr (data + off, '\n', len - off);

      if (!nl)
        break;
      off = nl - data + 1;
      in->skip_line = FALSE;
      in->line++;
      in->line_bytes = 0;
      continue;
    }
    res = imcore_base64_split (&in->split, data + off, len - off, &used);
    if (res == IMCORE_SPLIT_INVALID) {
      guint8 c = data[off + used];
      gchar *bad = g_ascii_isgraph (c) ? g_strdup_printf ("character '%c'",
          c) : g_strdup_printf ("byte 0x%02x", c);
      gchar *what = g_strdup_printf ("Invalid base64 image text on line %"
          G_GUINT64_FORMAT ": %s at byte %" G_GUINT64_FORMAT
          "; rest of the line skipped", in->line, bad,
          in->line_bytes + in->text->len + used);

      g_free (bad);
      gst_im_input_drop_text (in);
      ret = gst_im_input_bad_text (in, strict, what,
          "without caps, text is taken as base64 records, one per line; "
          GST_IM_BASE64_ACCEPTED);
      g_free (what);
      off += used;
      in->skip_line = TRUE;
      imcore_base64_splitter_restart (&in->split);
      continue;
    }
    if (in->text->len == 0 && !in->text_timing) {
      in->text_timing = gst_buffer_new ();
      if (!stamped)
        gst_buffer_copy_into (in->text_timing, inbuf,
            GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
      stamped = TRUE;
    }
    if (in->text->len + (guint64) used > MAX_PENDING_BYTES) {
      gst_im_input_drop_text (in);
      ret = gst_im_input_bad_text (in, strict, "Base64 line too long",
          "no end of the line's text in 512 MiB; rest of the line skipped");
      off += used;
      in->skip_line = res == IMCORE_SPLIT_MORE;
      imcore_base64_splitter_restart (&in->split);
      continue;
    }
    g_byte_array_append (in->text, data + off, used);
    off += used;
    if (res == IMCORE_SPLIT_END) {
      /* (a record ended by its padding may end before this buffer) */
      gboolean newline = used > 0 && data[off - 1] == '\n';

      ret = gst_im_input_flush_text (in, strict);
      if (newline) {
        in->line++;
        in->line_bytes = 0;
      }
    } else if (imcore_base64_splitter_at_group_end (&in->split)) {
      ret = gst_im_input_flush_text (in, strict);
    } else if (!imcore_base64_splitter_in_record (&in->split)) {
      /* only whitespace: nothing to keep */
      in->line_bytes += in->text->len;
      gst_im_input_drop_text (in);
    }
  }
  return ret;
}

/* Whether the sniffed bytes so far tell text from binary: sets
 * in->kind and returns TRUE, or FALSE to wait for more (unless @eos). */
static gboolean
gst_im_input_sniff_decide (GstImInput * in, const guint8 * data,
    gsize len, gboolean eos)
{
  gsize off = 0;

  while (off < len) {
    size_t used;

    switch (imcore_base64_split (&in->sniff, data + off, len - off, &used)) {
      case IMCORE_SPLIT_INVALID:
        in->kind = GST_IM_INPUT_BINARY;
        return TRUE;
      case IMCORE_SPLIT_END:
        if (in->sniff.total_chars > 0) {
          in->kind = GST_IM_INPUT_TEXT;
          return TRUE;
        }
        break;
      case IMCORE_SPLIT_MORE:
        break;
    }
    off += used;
    if (in->sniff.total_chars >= 64) {
      in->kind = GST_IM_INPUT_TEXT;
      return TRUE;
    }
  }
  if (eos || in->sniff_bytes > 65536) {
    in->kind =
        in->sniff.total_chars > 0 ? GST_IM_INPUT_TEXT : GST_IM_INPUT_BINARY;
    return TRUE;
  }
  return FALSE;
}

static GstFlowReturn gst_im_input_process (GstImInput * in,
    gboolean strict, GstBuffer * inbuf);
/* A buffer of whole images or one whole record (in->whole) was handled:
 * its record's text ends, and an image cut short at its end is refused
 * now, as are bytes skipped before it reported. */
static GstFlowReturn
gst_im_input_end_whole (GstImInput * in, gboolean strict)
{
  GstFlowReturn ret = GST_FLOW_OK;

  if (in->kind == GST_IM_INPUT_TEXT) {
    ret = gst_im_input_flush_text (in, strict);
    /* the next buffer is the next record */
    if (in->line_bytes > 0 || in->skip_line) {
      in->line++;
      in->line_bytes = 0;
    }
    in->skip_line = FALSE;
    imcore_base64_splitter_restart (&in->split);
  }
  if (ret != GST_FLOW_OK) {
    gst_im_input_drop_pending (in);
    return ret;
  }
  return gst_im_input_finish_binary (in, strict, "the end of the buffer");
}

/* No caps: @inbuf (NULL at EOS) is held until the first bytes tell base64
 * text (base64 characters, whitespace, data URI prefixes, over a whole
 * line or 64 characters) from anything else, which is taken as binary:
 * images, or bytes skipped up to one. Then the held buffers are decoded. */
static GstFlowReturn
gst_im_input_sniff (GstImInput * in, gboolean strict, GstBuffer * inbuf)
{
  GstFlowReturn ret = GST_FLOW_OK;
  gboolean decided;
  GstBuffer *buf;

  if (inbuf) {
    GstMapInfo map;

    if (!gst_buffer_map (inbuf, &map, GST_MAP_READ)) {
      gst_buffer_unref (inbuf);
      return gst_im_input_refuse (in, strict, "Cannot read an input buffer",
          "mapping the buffer failed");
    }
    in->sniff_bytes += map.size;
    /* (a whole record or image is all there is to decide on) */
    decided = gst_im_input_sniff_decide (in, map.data, map.size, in->whole);
    gst_buffer_unmap (inbuf, &map);
    g_queue_push_tail (&in->sniff_held, inbuf);
  } else {
    decided = gst_im_input_sniff_decide (in, NULL, 0, TRUE);
  }
  if (!decided)
    return GST_FLOW_OK;

  GST_DEBUG_OBJECT (in->element,
      "no caps, the data is %s after %" G_GSIZE_FORMAT " bytes",
      in->kind == GST_IM_INPUT_TEXT ? "base64 text" : "binary",
      in->sniff_bytes);
  while ((buf = g_queue_pop_head (&in->sniff_held))) {
    if (ret == GST_FLOW_OK)
      ret = gst_im_input_process (in, strict, buf);
    else
      gst_buffer_unref (buf);
  }
  gst_im_input_drop_sniffed (in);
  return ret;
}

/* Decodes @inbuf (taken) as in->kind says. */
static GstFlowReturn
gst_im_input_process (GstImInput * in, gboolean strict, GstBuffer * inbuf)
{
  GstMapInfo map;
  GstFlowReturn ret;

  if (in->kind == GST_IM_INPUT_SNIFF)
    return gst_im_input_sniff (in, strict, inbuf);

  if (!gst_buffer_map (inbuf, &map, GST_MAP_READ)) {
    gst_buffer_unref (inbuf);
    return gst_im_input_refuse (in, strict, "Cannot read an input buffer",
        "mapping the buffer failed");
  }
  switch (in->kind) {
    case GST_IM_INPUT_RECORDS:
      ret = gst_im_input_record (in, strict, map.data, map.size, inbuf);
      break;
    case GST_IM_INPUT_TEXT:
      ret = gst_im_input_text (in, strict, map.data, map.size, inbuf);
      break;
    default:
      ret = gst_im_input_binary (in, strict, map.data, map.size, inbuf);
      break;
  }
  if (in->whole) {
    if (ret == GST_FLOW_OK)
      ret = gst_im_input_end_whole (in, strict);
    else
      gst_im_input_drop_pending (in);
  }
  gst_buffer_unmap (inbuf, &map);
  gst_buffer_unref (inbuf);
  return ret;
}


/* ---- the contract of gstimdecodeinput.h ---- */

void
gst_im_input_init (GstImInput * in, GstElement * element,
    GstImInputImageFunc image, GstImInputSettleFunc settle, gpointer user_data)
{
  static gsize debug_once = 0;

  if (g_once_init_enter (&debug_once)) {
    GST_DEBUG_CATEGORY_INIT (gst_im_input_debug, "imdecodeinput", 0,
        "imdecode: bytes, base64 records and text to images");
    g_once_init_leave (&debug_once, 1);
  }
  memset (in, 0, sizeof (*in));
  in->element = element;
  in->image = image;
  in->settle = settle;
  in->user_data = user_data;
  in->pending = g_byte_array_new ();
  in->text = g_byte_array_new ();
  g_queue_init (&in->sniff_held);
  gst_im_input_reset (in);
}

void
gst_im_input_clear (GstImInput * in)
{
  gst_im_input_reset (in);
  g_clear_pointer (&in->pending, g_byte_array_unref);
  g_clear_pointer (&in->text, g_byte_array_unref);
}

void
gst_im_input_reset (GstImInput * in)
{
  in->kind = GST_IM_INPUT_SNIFF;
  in->unsettled = FALSE;
  in->discont = FALSE;
  in->framed = FALSE;
  in->skipped = 0;
  in->last_good = IMCORE_IMAGE_UNKNOWN;
  in->warned_not_image = FALSE;
  in->warned_text = FALSE;
  in->skip_line = FALSE;
  in->line = 1;
  in->line_bytes = 0;
  imcore_base64_splitter_reset (&in->split);
  gst_im_input_drop_pending (in);
  gst_im_input_drop_text (in);
  gst_im_input_drop_sniffed (in);
}

void
gst_im_input_flush (GstImInput * in)
{
  /* what the images finished before the flush were */
  gst_im_input_settle (in);
  gst_im_input_drop_pending (in);
  gst_im_input_drop_text (in);
  gst_im_input_drop_sniffed (in);
  imcore_base64_splitter_restart (&in->split);
  in->skip_line = FALSE;
  in->skipped = 0;
  in->discont = TRUE;
}

/* What came so far is all there is: held or unfinished data is handed on
 * as such; skipped bytes are reported as ending at @until. Returns the
 * first flow that is not OK; once one is, the rest is dropped, not
 * decoded (no second error). */
static GstFlowReturn
gst_im_input_finish_all (GstImInput * in, gboolean strict,
    const gchar * until)
{
  GstFlowReturn ret = GST_FLOW_OK;

  if (in->kind == GST_IM_INPUT_SNIFF)
    ret = gst_im_input_sniff (in, strict, NULL);
  if (in->kind == GST_IM_INPUT_TEXT) {
    if (ret == GST_FLOW_OK)
      ret = gst_im_input_flush_text (in, strict);
    gst_im_input_drop_text (in);
    in->skip_line = FALSE;
    imcore_base64_splitter_restart (&in->split);
  }
  if (ret != GST_FLOW_OK) {
    gst_im_input_drop_pending (in);
    in->skipped = 0;
    return ret;
  }
  return gst_im_input_finish_binary (in, strict, until);
}

GstFlowReturn
gst_im_input_set_kind (GstImInput * in, GstImInputKind kind, gboolean strict)
{
  GstFlowReturn ret;

  if (kind == in->kind)
    return GST_FLOW_OK;
  ret = gst_im_input_finish_all (in, strict, "new caps");
  in->kind = kind;
  return ret;
}

GstFlowReturn
gst_im_input_push (GstImInput * in, GstBuffer * buf, gboolean strict,
    gboolean whole)
{
  in->whole = whole;
  return gst_im_input_process (in, strict, buf);
}

GstFlowReturn
gst_im_input_finish (GstImInput * in, gboolean strict)
{
  return gst_im_input_finish_all (in, strict, "the end of the stream");
}
