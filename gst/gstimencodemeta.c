/* gst-imencode: the ImencodeMeta custom meta
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "gstimencodemeta.h"

gboolean
gst_imencode_meta_register (void)
{
  /* No tags: the meta describes where the image came from, which no
   * transformation of the encoded bytes invalidates. Copies keep it. */
  static const gchar *tags[] = { NULL };

  if (gst_meta_get_info (GST_IMENCODE_META_NAME) != NULL)
    return TRUE;
  return gst_meta_register_custom (GST_IMENCODE_META_NAME, tags, NULL, NULL,
      NULL) != NULL;
}

/* Keeps the fields imencode writes, drops anything else a recycled
 * buffer's meta may have been given downstream. */
static gboolean
gst_imencode_meta_keep_own_field (GQuark field, GValue * value,
    gpointer user_data)
{
  static const gchar *const own[] = { "x", "y", "width", "height",
    "frame-width", "frame-height", "image-width", "image-height",
    "content-x", "content-y", "content-width", "content-height", "quality",
    "roi-id", "roi-type", "confidence", "track-id"
  };
  const gchar *name = g_quark_to_string (field);

  for (guint i = 0; i < G_N_ELEMENTS (own); i++) {
    if (strcmp (name, own[i]) == 0)
      return TRUE;
  }
  return FALSE;
}

gboolean
gst_imencode_meta_add (GstBuffer * buffer, const ImcorePlan * plan,
    guint frame_width, guint frame_height, const GstImencodeRegion * region,
    gint quality)
{
  const ImcoreRect *src = &plan->src, *content = &plan->dest;
  GstCustomMeta *meta;
  GstStructure *s;
  const gchar *type;

  meta = gst_buffer_get_custom_meta (buffer, GST_IMENCODE_META_NAME);
  if (meta == NULL) {
    meta = gst_buffer_add_custom_meta (buffer, GST_IMENCODE_META_NAME);
    if (meta == NULL)
      return FALSE;
    GST_META_FLAG_SET ((GstMeta *) meta, GST_META_FLAG_POOLED);
  }
  s = gst_custom_meta_get_structure (meta);
  /* setting a field that exists overwrites its value in place: the usual
   * case allocates nothing */
  gst_structure_filter_and_map_in_place (s, gst_imencode_meta_keep_own_field,
      NULL);
  gst_structure_set (s,
      "x", G_TYPE_INT, (gint) src->x, "y", G_TYPE_INT, (gint) src->y,
      "width", G_TYPE_INT, (gint) src->width,
      "height", G_TYPE_INT, (gint) src->height,
      "frame-width", G_TYPE_INT, (gint) frame_width,
      "frame-height", G_TYPE_INT, (gint) frame_height,
      "image-width", G_TYPE_INT, (gint) plan->out_width,
      "image-height", G_TYPE_INT, (gint) plan->out_height,
      "content-x", G_TYPE_INT, (gint) content->x,
      "content-y", G_TYPE_INT, (gint) content->y,
      "content-width", G_TYPE_INT, (gint) content->width,
      "content-height", G_TYPE_INT, (gint) content->height, NULL);
  if (quality > 0)
    gst_structure_set (s, "quality", G_TYPE_INT, quality, NULL);
  else
    gst_structure_remove_field (s, "quality");
  if (region == NULL) {
    gst_structure_remove_fields (s, "roi-id", "roi-type", "confidence",
        "track-id", NULL);
    return TRUE;
  }
  gst_structure_set (s, "roi-id", G_TYPE_INT, region->id, NULL);
  /* a type name unchanged from the last image is not copied again */
  type = region->type ? g_quark_to_string (region->type) : "";
  if (g_strcmp0 (gst_structure_get_string (s, "roi-type"), type) != 0) {
    if (g_utf8_validate (type, -1, NULL)) {
      gst_structure_set (s, "roi-type", G_TYPE_STRING, type, NULL);
    } else {
      /* a label can be any bytes, a GstStructure string must be UTF-8:
       * each bad byte becomes U+FFFD, as in JSON events */
      gchar *valid = g_utf8_make_valid (type, -1);

      gst_structure_set (s, "roi-type", G_TYPE_STRING, valid, NULL);
      g_free (valid);
    }
  }
  if (region->has_confidence)
    gst_structure_set (s, "confidence", G_TYPE_DOUBLE, region->confidence,
        NULL);
  else
    gst_structure_remove_field (s, "confidence");
  if (region->has_track_id)
    gst_structure_set (s, "track-id", G_TYPE_INT64, region->track_id, NULL);
  else
    gst_structure_remove_field (s, "track-id");
  return TRUE;
}
