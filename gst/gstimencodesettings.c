/* gst-imencode: imencode's settings, one consistent copy per frame
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstimencodesettings.h"


GType
gst_imencode_format_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_IMENCODE_FORMAT_AUTO, "What downstream accepts, JPEG preferred",
        "auto"},
    {GST_IMENCODE_FORMAT_JPEG, "JPEG (baseline, JFIF)", "jpeg"},
    {GST_IMENCODE_FORMAT_PNG, "PNG (8-bit)", "png"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstImencodeFormat",
            values));
  return type;
}

GType
gst_imencode_encoding_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_IMENCODE_ENCODING_AUTO,
        "Binary unless downstream accepts only application/x-base64 "
          "(base64) or application/x-json (json)", "auto"},
    {GST_IMENCODE_ENCODING_BINARY, "The image file's bytes", "binary"},
    {GST_IMENCODE_ENCODING_BASE64, "Base64 text of the file", "base64"},
    {GST_IMENCODE_ENCODING_DATA_URI,
        "Base64 text with a data:image/...;base64, prefix", "data-uri"},
    {GST_IMENCODE_ENCODING_JSON,
        "One JSON event per image (one line), the image base64 inside",
          "json"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstImencodeEncoding",
            values));
  return type;
}

GType
gst_imencode_subsampling_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_IMENCODE_SUBSAMPLING_AUTO, "4:2:0, gray for GRAY8 input", "auto"},
    {GST_IMENCODE_SUBSAMPLING_444, "4:4:4 (full chroma)", "444"},
    {GST_IMENCODE_SUBSAMPLING_422, "4:2:2 (chroma halved horizontally)",
        "422"},
    {GST_IMENCODE_SUBSAMPLING_420, "4:2:0 (chroma halved both ways)", "420"},
    {GST_IMENCODE_SUBSAMPLING_GRAY, "Grayscale (luma only)", "gray"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstImencodeSubsampling", values));
  return type;
}

GType
gst_imencode_method_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_IMENCODE_METHOD_NEAREST, "Nearest neighbour", "nearest"},
    {GST_IMENCODE_METHOD_BILINEAR, "Bilinear", "bilinear"},
    {GST_IMENCODE_METHOD_BICUBIC, "Bicubic", "bicubic"},
    {GST_IMENCODE_METHOD_LANCZOS, "Lanczos", "lanczos"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstImencodeMethod",
            values));
  return type;
}

GType
gst_imencode_aspect_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_IMENCODE_ASPECT_MODE_STRETCH,
        "Scale to exactly width x height", "stretch"},
    {GST_IMENCODE_ASPECT_MODE_LETTERBOX,
        "Fit inside width x height, pad with pad-color", "letterbox"},
    {GST_IMENCODE_ASPECT_MODE_FILL,
        "Cut the centre of the crop to fill width x height", "fill"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstImencodeAspectMode", values));
  return type;
}

GType
gst_imencode_roi_select_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_IMENCODE_ROI_SELECT_EVERY, "Every matching region of every frame",
        "every"},
    {GST_IMENCODE_ROI_SELECT_FIRST,
        "One image per track, when it first matches", "first"},
    {GST_IMENCODE_ROI_SELECT_BEST,
        "One image per track, its best view, when the track ends, after "
          "roi-best-timeout or at EOS", "best"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstImencodeRoiSelect", values));
  return type;
}

GstImencodeRoiFilter *
gst_imencode_roi_filter_parse (const gchar * value)
{
  GstImencodeRoiFilter *filter;
  gchar **names;
  guint n = 0;

  if (value == NULL)
    return NULL;
  names = g_strsplit (value, ",", -1);
  filter = g_atomic_rc_box_alloc0 (sizeof (GstImencodeRoiFilter) +
      g_strv_length (names) * sizeof (GQuark));
  for (guint i = 0; names[i]; i++) {
    gchar *name = g_strstrip (names[i]);

    if (*name == '\0')
      continue;
    if (strcmp (name, "*") == 0)
      filter->any = TRUE;
    else
      filter->types[filter->n_types++] = g_quark_from_string (name);
    n++;
  }
  g_strfreev (names);
  if (n == 0) {
    g_atomic_rc_box_release (filter);
    return NULL;
  }
  return filter;
}

GstImencodeRoiFilter *
gst_imencode_roi_filter_ref (GstImencodeRoiFilter * filter)
{
  return filter ? g_atomic_rc_box_acquire (filter) : NULL;
}

void
gst_imencode_roi_filter_unref (GstImencodeRoiFilter * filter)
{
  if (filter)
    g_atomic_rc_box_release (filter);
}

gboolean
gst_imencode_roi_filter_matches (const GstImencodeRoiFilter * filter,
    GQuark type)
{
  if (filter->any)
    return TRUE;
  for (guint i = 0; i < filter->n_types; i++) {
    if (filter->types[i] == type)
      return TRUE;
  }
  return FALSE;
}

void
gst_imencode_settings_copy (GstImencodeSettings * dest,
    const GstImencodeSettings * src)
{
  *dest = *src;
  dest->roi_filter = gst_imencode_roi_filter_ref (src->roi_filter);
}

void
gst_imencode_settings_clear (GstImencodeSettings * s)
{
  g_clear_pointer (&s->roi_filter, gst_imencode_roi_filter_unref);
}
