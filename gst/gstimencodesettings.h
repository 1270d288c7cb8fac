/* gst-imencode: imencode's settings, one consistent copy per frame
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IMENCODE_SETTINGS_H__
#define __GST_IMENCODE_SETTINGS_H__

#include <gst/gst.h>

G_BEGIN_DECLS

typedef enum
{
  GST_IMENCODE_FORMAT_AUTO,
  GST_IMENCODE_FORMAT_JPEG,
  GST_IMENCODE_FORMAT_PNG,
} GstImencodeFormat;

typedef enum
{
  GST_IMENCODE_ENCODING_AUTO,
  GST_IMENCODE_ENCODING_BINARY,
  GST_IMENCODE_ENCODING_BASE64,
  GST_IMENCODE_ENCODING_DATA_URI,
  GST_IMENCODE_ENCODING_JSON,
} GstImencodeEncoding;

typedef enum
{
  GST_IMENCODE_SUBSAMPLING_AUTO,
  GST_IMENCODE_SUBSAMPLING_444,
  GST_IMENCODE_SUBSAMPLING_422,
  GST_IMENCODE_SUBSAMPLING_420,
  GST_IMENCODE_SUBSAMPLING_GRAY,
} GstImencodeSubsampling;

typedef enum
{
  GST_IMENCODE_METHOD_NEAREST,
  GST_IMENCODE_METHOD_BILINEAR,
  GST_IMENCODE_METHOD_BICUBIC,
  GST_IMENCODE_METHOD_LANCZOS,
  GST_IMENCODE_METHOD_OPENCV_LINEAR,    /* cv2.resize INTER_LINEAR */
  GST_IMENCODE_METHOD_OPENCV_AREA,      /* cv2.resize INTER_AREA */
} GstImencodeMethod;

typedef enum
{
  GST_IMENCODE_ASPECT_MODE_STRETCH,
  GST_IMENCODE_ASPECT_MODE_LETTERBOX,
  GST_IMENCODE_ASPECT_MODE_FILL,
} GstImencodeAspectMode;

typedef enum
{
  GST_IMENCODE_ROI_SELECT_EVERY,
  GST_IMENCODE_ROI_SELECT_FIRST,
  GST_IMENCODE_ROI_SELECT_BEST,
  GST_IMENCODE_ROI_SELECT_IMPROVING,
} GstImencodeRoiSelect;

/* What annotate draws on an image (flags). */
typedef enum
{
  GST_IMENCODE_ANNOTATE_BOXES = 1 << 0,
  GST_IMENCODE_ANNOTATE_LABELS = 1 << 1,
  GST_IMENCODE_ANNOTATE_TIME = 1 << 2,
} GstImencodeAnnotateFlags;

/* GTypes of the enums above, registered on first use. */
GType gst_imencode_format_get_type (void);
GType gst_imencode_encoding_get_type (void);
GType gst_imencode_subsampling_get_type (void);
GType gst_imencode_method_get_type (void);
GType gst_imencode_aspect_mode_get_type (void);
GType gst_imencode_roi_select_get_type (void);
GType gst_imencode_annotate_flags_get_type (void);
#define GST_TYPE_IMENCODE_FORMAT (gst_imencode_format_get_type ())
#define GST_TYPE_IMENCODE_ENCODING (gst_imencode_encoding_get_type ())
#define GST_TYPE_IMENCODE_SUBSAMPLING (gst_imencode_subsampling_get_type ())
#define GST_TYPE_IMENCODE_METHOD (gst_imencode_method_get_type ())
#define GST_TYPE_IMENCODE_ASPECT_MODE (gst_imencode_aspect_mode_get_type ())
#define GST_TYPE_IMENCODE_ROI_SELECT (gst_imencode_roi_select_get_type ())
#define GST_TYPE_IMENCODE_ANNOTATE_FLAGS \
    (gst_imencode_annotate_flags_get_type ())

/* The region types roi-type selects, parsed once when the property is set
 * and shared read-only by every frame's settings copy (reference counted,
 * so copying settings allocates nothing). */
typedef struct
{
  gboolean any;                 /* "*": every region */
  guint n_types;
  GQuark types[];               /* the listed type names */
} GstImencodeRoiFilter;

/* Parses a roi-type value: a comma-separated list of type names (spaces
 * around names ignored), "*" among them matching any type. NULL, or a
 * value with no name at all, gives NULL (whole-frame mode). */
GstImencodeRoiFilter *gst_imencode_roi_filter_parse (const gchar * value);

/* A new reference to @filter (NULL allowed). */
GstImencodeRoiFilter *gst_imencode_roi_filter_ref (GstImencodeRoiFilter *
    filter);

/* Drops a reference (NULL allowed). */
void gst_imencode_roi_filter_unref (GstImencodeRoiFilter * filter);

/* Whether a region of type @type passes @filter (non-NULL). */
gboolean gst_imencode_roi_filter_matches (const GstImencodeRoiFilter *
    filter, GQuark type);

/* imencode's properties, copied under the object lock once per frame so
 * that a change while playing never applies to half a frame. The copy
 * holds its own reference to roi_filter: release it with
 * gst_imencode_settings_clear(). */
typedef struct
{
  GstImencodeFormat format;
  GstImencodeEncoding encoding;
  gint quality;
  GstImencodeSubsampling subsampling;
  gint compression_level;
  guint crop_x, crop_y, crop_width, crop_height;
  guint width, height;
  GstImencodeMethod method;
  GstImencodeAspectMode aspect_mode;
  guint pad_color;
  guint threads;
  GstImencodeRoiFilter *roi_filter;     /* NULL: whole-frame mode */
  gdouble roi_margin;
  gdouble min_confidence;
  GstImencodeRoiSelect roi_select;
  GstClockTime roi_best_timeout;        /* 0: none */
  gint max_rate_n, max_rate_d;  /* 0/1: every frame */
  gboolean on_demand;
  GstImencodeAnnotateFlags annotate;    /* what is drawn, 0: nothing */
  guint32 annotate_color;       /* 0xAARRGGBB */
  guint annotate_thickness;     /* outline width, 0: auto */
  /* roi-min-size, tags */
  guint roi_min_size;           /* 0: any size */
  gchar *tags;                  /* GRefString: a JSON object without
                                 * whitespace outside its strings, or NULL */
  /* delivery: JPEG options, capture time, byte budget */
  gboolean progressive;
  gboolean optimize;
  guint restart_interval;       /* MCUs; 0: none */
  gboolean exif;
  guint max_bytes;              /* 0: no limit */
} GstImencodeSettings;

/* Copies @src into @dest (uninitialised or cleared), taking a reference
 * to the roi filter and the tags. */
void gst_imencode_settings_copy (GstImencodeSettings * dest,
    const GstImencodeSettings * src);

/* Releases what @s holds (the roi filter's and the tags' references). */
void gst_imencode_settings_clear (GstImencodeSettings * s);

/* The properties as set: the settings, and roi-type as the text it was
 * set to. The element keeps one, under its object lock. */
typedef struct
{
  GstImencodeSettings settings;
  gchar *roi_type;
} GstImencodeProperties;

/* Installs imencode's properties (every one but the element's signals) on
 * @klass, with their blurbs and ranges. */
void gst_imencode_settings_install_properties (GObjectClass * klass);

/* Sets @p to the properties' defaults. */
void gst_imencode_properties_init (GstImencodeProperties * p);

/* Releases what @p holds. */
void gst_imencode_properties_clear (GstImencodeProperties * p);

/* Sets the property @prop_id (as installed by
 * gst_imencode_settings_install_properties()) from @value; FALSE if
 * @prop_id is not one of them. */
gboolean gst_imencode_properties_set (GstImencodeProperties * p,
    guint prop_id, const GValue * value);

/* Reads the property @prop_id into @value; FALSE if @prop_id is not one of
 * them. */
gboolean gst_imencode_properties_get (const GstImencodeProperties * p,
    guint prop_id, GValue * value);

G_END_DECLS

#endif /* __GST_IMENCODE_SETTINGS_H__ */
