/* gst-imencode: imencode's source caps, chosen with downstream
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstimencodenegotiate.h"
#include "imcore.h"

GST_DEBUG_CATEGORY_EXTERN (gst_imencode_debug);
#define GST_CAT_DEFAULT gst_imencode_debug

gboolean
gst_imencode_request_equal (const GstImencodeRequest * a,
    const GstImencodeRequest * b)
{
  return a->format == b->format && a->encoding == b->encoding &&
      a->regions == b->regions &&
      a->natural_width == b->natural_width &&
      a->natural_height == b->natural_height &&
      a->size_free == b->size_free && a->fps_n == b->fps_n &&
      a->fps_d == b->fps_d;
}

/* The caps imencode could output as @png / @text for @req; @any_size
 * leaves the size open whatever the request says. */
static GstCaps *
gst_imencode_candidate_caps (gboolean png, GstImencodeText text,
    const GstImencodeRequest * req, gboolean any_size)
{
  const gchar *media = png ? "image/png" : "image/jpeg";
  gint max = gst_imencode_output_max_side (png);
  GstStructure *s;

  if (text == GST_IMENCODE_TEXT_JSON) {
    /* one event per buffer: the image's size is inside the event */
    return gst_caps_new_simple ("application/x-json", "content-type",
        G_TYPE_STRING, media, NULL);
  } else if (text == GST_IMENCODE_TEXT_NONE) {
    s = gst_structure_new_empty (media);
  } else {
    s = gst_structure_new ("application/x-base64",
        "content-type", G_TYPE_STRING, media,
        "data-uri", G_TYPE_BOOLEAN, text == GST_IMENCODE_TEXT_DATA_URI, NULL);
  }
  if (req->regions) {
    /* each image's size is in its meta */
  } else if (req->size_free || any_size) {
    gst_structure_set (s, "width", GST_TYPE_INT_RANGE, 1, max,
        "height", GST_TYPE_INT_RANGE, 1, max, NULL);
  } else {
    gst_structure_set (s, "width", G_TYPE_INT, (gint) req->natural_width,
        "height", G_TYPE_INT, (gint) req->natural_height, NULL);
  }
  gst_structure_set (s, "framerate", GST_TYPE_FRACTION, req->fps_n,
      req->fps_d, NULL);
  return gst_caps_new_full (s, NULL);
}

/* The first candidate (encoding outer, format inner) that @peer accepts,
 * intersected with it; NULL if none. */
static GstCaps *
gst_imencode_first_accepted (GstCaps * peer, const GstImencodeRequest * req,
    gboolean any_size)
{
  static const GstImencodeText any_text[] = { GST_IMENCODE_TEXT_NONE,
    GST_IMENCODE_TEXT_BASE64, GST_IMENCODE_TEXT_DATA_URI,
    GST_IMENCODE_TEXT_JSON
  };
  const GstImencodeText *texts = any_text;
  GstImencodeText one_text;
  gboolean pngs[2];
  guint n_texts = 1, n_pngs = 0;

  switch (req->encoding) {
    case GST_IMENCODE_ENCODING_AUTO:
      n_texts = G_N_ELEMENTS (any_text);
      break;
    case GST_IMENCODE_ENCODING_BINARY:
      one_text = GST_IMENCODE_TEXT_NONE;
      texts = &one_text;
      break;
    case GST_IMENCODE_ENCODING_BASE64:
      one_text = GST_IMENCODE_TEXT_BASE64;
      texts = &one_text;
      break;
    case GST_IMENCODE_ENCODING_DATA_URI:
      one_text = GST_IMENCODE_TEXT_DATA_URI;
      texts = &one_text;
      break;
    case GST_IMENCODE_ENCODING_JSON:
      one_text = GST_IMENCODE_TEXT_JSON;
      texts = &one_text;
      break;
  }
  if (req->format != GST_IMENCODE_FORMAT_PNG)
    pngs[n_pngs++] = FALSE;
  if (req->format != GST_IMENCODE_FORMAT_JPEG)
    pngs[n_pngs++] = TRUE;

  /* the encoding is the outer loop: binary of any format beats base64 */
  for (guint t = 0; t < n_texts; t++) {
    for (guint f = 0; f < n_pngs; f++) {
      GstCaps *cand = gst_imencode_candidate_caps (pngs[f], texts[t], req,
          any_size);
      GstCaps *common;

      if (peer == NULL || gst_caps_is_any (peer))
        return cand;
      common = gst_caps_intersect_full (peer, cand, GST_CAPS_INTERSECT_FIRST);
      gst_caps_unref (cand);
      if (!gst_caps_is_empty (common))
        return common;
      gst_caps_unref (common);
    }
  }
  return NULL;
}

static const gchar *
gst_imencode_enum_nick (GType type, gint value)
{
  GEnumClass *klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);
  const gchar *nick = v ? v->value_nick : "?";

  /* the class of a static enum type is never freed */
  g_type_class_unref (klass);
  return nick;
}

static void
gst_imencode_report_refusal (GstElement * element, GstCaps * peer,
    const GstImencodeRequest * req)
{
  const gchar *format = gst_imencode_enum_nick (GST_TYPE_IMENCODE_FORMAT,
      req->format);
  const gchar *encoding =
      gst_imencode_enum_nick (GST_TYPE_IMENCODE_ENCODING, req->encoding);
  GstCaps *sized = NULL;

  if (!req->regions && !req->size_free)
    sized = gst_imencode_first_accepted (peer, req, TRUE);
  if (sized) {
    gst_caps_unref (sized);
    GST_ELEMENT_ERROR (element, CORE, NEGOTIATION,
        ("Downstream wants another image size than the %ux%u that the "
            "width/height and crop properties give",
            req->natural_width, req->natural_height),
        ("downstream accepts %" GST_PTR_FORMAT "; leave width and height "
            "at 0 to let downstream choose the size, or set the size it "
            "accepts", peer));
  } else {
    GST_ELEMENT_ERROR (element, CORE, NEGOTIATION,
        ("Downstream accepts none of the outputs that format=%s "
            "encoding=%s allow", format, encoding),
        ("downstream accepts %" GST_PTR_FORMAT "; imencode writes "
            "image/jpeg, image/png, application/x-base64 (content-type "
            "image/jpeg or image/png, data-uri true or false) or "
            "application/x-json (content-type image/jpeg or image/png)%s",
            peer,
            req->regions ? ", without width and height in region mode" : ""));
  }
}

gboolean
gst_imencode_negotiate (GstElement * element, GstPad * srcpad,
    const GstImencodeRequest * req, GstImencodeNegotiated * neg)
{
  GstCaps *peer, *chosen;
  GstStructure *s;
  const gchar *content;
  gint w = 0, h = 0;
  gboolean ok;

  peer = gst_pad_peer_query_caps (srcpad, NULL);
  GST_DEBUG_OBJECT (element, "downstream accepts %" GST_PTR_FORMAT, peer);
  chosen = gst_imencode_first_accepted (peer, req, FALSE);
  if (!chosen) {
    gst_imencode_report_refusal (element, peer, req);
    gst_clear_caps (&peer);
    return FALSE;
  }
  gst_clear_caps (&peer);

  chosen = gst_caps_truncate (chosen);
  chosen = gst_caps_make_writable (chosen);
  s = gst_caps_get_structure (chosen, 0);
  if (req->regions) {
    /* sizes vary per image: a size downstream names cannot hold */
    gst_structure_remove_fields (s, "width", "height", NULL);
  } else if (gst_structure_has_field (s, "width")) {
    /* (JSON events carry the size inside, not in caps) */
    gst_structure_fixate_field_nearest_int (s, "width",
        (gint) MIN (req->natural_width, G_MAXINT));
    gst_structure_fixate_field_nearest_int (s, "height",
        (gint) MIN (req->natural_height, G_MAXINT));
  }
  if (gst_structure_has_field (s, "data-uri"))
    gst_structure_fixate_field_boolean (s, "data-uri", FALSE);
  chosen = gst_caps_fixate (chosen);
  s = gst_caps_get_structure (chosen, 0);
  gst_structure_get_int (s, "width", &w);
  gst_structure_get_int (s, "height", &h);

  neg->req = *req;
  if (gst_structure_has_name (s, "application/x-json")) {
    content = gst_structure_get_string (s, "content-type");
    neg->text = GST_IMENCODE_TEXT_JSON;
  } else if (gst_structure_has_name (s, "application/x-base64")) {
    gboolean uri = FALSE;

    content = gst_structure_get_string (s, "content-type");
    gst_structure_get_boolean (s, "data-uri", &uri);
    neg->text = uri ? GST_IMENCODE_TEXT_DATA_URI : GST_IMENCODE_TEXT_BASE64;
  } else {
    content = gst_structure_get_name (s);
    neg->text = GST_IMENCODE_TEXT_NONE;
  }
  neg->png = g_strcmp0 (content, "image/png") == 0;
  neg->width = w > 0 ? (guint) w : req->natural_width;
  neg->height = h > 0 ? (guint) h : req->natural_height;

  GST_DEBUG_OBJECT (element, "output caps %" GST_PTR_FORMAT, chosen);
  ok = gst_pad_set_caps (srcpad, chosen);
  gst_caps_unref (chosen);
  if (!ok) {
    GST_ELEMENT_ERROR (element, CORE, NEGOTIATION,
        ("Downstream refused the output caps it had offered"), (NULL));
    return FALSE;
  }
  return TRUE;
}
