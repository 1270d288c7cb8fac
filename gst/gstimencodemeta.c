/* gst-imencode: the ImencodeMeta custom meta
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
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

GstStructure *
gst_imencode_meta_add (GstBuffer * buffer, const ImcoreRect * src,
    guint frame_width, guint frame_height)
{
  GstCustomMeta *meta;
  GstStructure *s;

  meta = gst_buffer_get_custom_meta (buffer, GST_IMENCODE_META_NAME);
  if (meta == NULL) {
    meta = gst_buffer_add_custom_meta (buffer, GST_IMENCODE_META_NAME);
    if (meta == NULL)
      return NULL;
    GST_META_FLAG_SET ((GstMeta *) meta, GST_META_FLAG_POOLED);
  }
  s = gst_custom_meta_get_structure (meta);
  /* a recycled meta keeps only the six fields rewritten below (anything
   * else, e.g. a region's fields, is dropped; the usual case allocates
   * nothing) */
  if (gst_structure_n_fields (s) != 6)
    gst_structure_remove_all_fields (s);
  gst_structure_set (s,
      "x", G_TYPE_INT, (gint) src->x, "y", G_TYPE_INT, (gint) src->y,
      "width", G_TYPE_INT, (gint) src->width,
      "height", G_TYPE_INT, (gint) src->height,
      "frame-width", G_TYPE_INT, (gint) frame_width,
      "frame-height", G_TYPE_INT, (gint) frame_height, NULL);
  return s;
}
