/* gst-imencode: imencode's settings, one consistent copy per frame
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstimencodesettings.h"
#include "gstimparallel.h"
#include "imcore.h"


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
    {GST_IMENCODE_METHOD_OPENCV_LINEAR,
        "As OpenCV's cv2.resize with INTER_LINEAR (no antialiasing when "
          "shrinking)", "opencv-linear"},
    {GST_IMENCODE_METHOD_OPENCV_AREA,
        "As OpenCV's cv2.resize with INTER_AREA (pixel area average when "
          "shrinking)", "opencv-area"},
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
    {GST_IMENCODE_ROI_SELECT_IMPROVING,
        "At once, each view of a track that beats its best view so far "
          "(the first included), by best's rule", "improving"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstImencodeRoiSelect", values));
  return type;
}

GType
gst_imencode_annotate_flags_get_type (void)
{
  static GType type = 0;
  static const GFlagsValue values[] = {
    {GST_IMENCODE_ANNOTATE_BOXES, "Outline the regions' boxes", "boxes"},
    {GST_IMENCODE_ANNOTATE_LABELS,
        "Each box's type, confidence and track id above it", "labels"},
    {GST_IMENCODE_ANNOTATE_TIME, "The frame's UTC time, top left", "time"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_flags_register_static ("GstImencodeAnnotateFlags", values));
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
  dest->tags = src->tags ? g_ref_string_acquire (src->tags) : NULL;
}

void
gst_imencode_settings_clear (GstImencodeSettings * s)
{
  g_clear_pointer (&s->roi_filter, gst_imencode_roi_filter_unref);
  g_clear_pointer (&s->tags, g_ref_string_release);
}

/* ---- the properties ---- */

#define DEFAULT_FORMAT GST_IMENCODE_FORMAT_AUTO
#define DEFAULT_ENCODING GST_IMENCODE_ENCODING_AUTO
#define DEFAULT_QUALITY 85
#define DEFAULT_SUBSAMPLING GST_IMENCODE_SUBSAMPLING_AUTO
#define DEFAULT_COMPRESSION_LEVEL 1
#define DEFAULT_CROP 0
#define DEFAULT_SIZE 0
#define DEFAULT_METHOD GST_IMENCODE_METHOD_BILINEAR
#define DEFAULT_ASPECT_MODE GST_IMENCODE_ASPECT_MODE_STRETCH
#define DEFAULT_PAD_COLOR 0xff000000
#define DEFAULT_THREADS 0
#define DEFAULT_ROI_TYPE NULL
#define DEFAULT_ROI_MARGIN 0.0
#define DEFAULT_MIN_CONFIDENCE 0.0
#define DEFAULT_MAX_RATE_N 0
#define DEFAULT_MAX_RATE_D 1
#define DEFAULT_ON_DEMAND FALSE
#define DEFAULT_ROI_SELECT GST_IMENCODE_ROI_SELECT_EVERY
#define DEFAULT_ROI_BEST_TIMEOUT (60 * GST_SECOND)
#define DEFAULT_ANNOTATE 0
#define DEFAULT_ANNOTATE_COLOR 0xff00ff00
#define DEFAULT_ANNOTATE_THICKNESS 0
#define MAX_ANNOTATE_THICKNESS 64
#define DEFAULT_ROI_MIN_SIZE 0
#define DEFAULT_TAGS NULL
#define DEFAULT_PROGRESSIVE FALSE
#define DEFAULT_OPTIMIZE FALSE
#define DEFAULT_RESTART_INTERVAL 0
#define DEFAULT_EXIF FALSE
#define DEFAULT_MAX_BYTES 0

enum
{
  PROP_0,
  PROP_FORMAT,
  PROP_ENCODING,
  PROP_QUALITY,
  PROP_SUBSAMPLING,
  PROP_COMPRESSION_LEVEL,
  PROP_CROP_X,
  PROP_CROP_Y,
  PROP_CROP_WIDTH,
  PROP_CROP_HEIGHT,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_METHOD,
  PROP_ASPECT_MODE,
  PROP_PAD_COLOR,
  PROP_THREADS,
  PROP_ROI_TYPE,
  PROP_ROI_MARGIN,
  PROP_MIN_CONFIDENCE,
  PROP_MAX_RATE,
  PROP_ON_DEMAND,
  PROP_ROI_SELECT,
  PROP_ROI_BEST_TIMEOUT,
  PROP_ANNOTATE,
  PROP_ANNOTATE_COLOR,
  PROP_ANNOTATE_THICKNESS,
  /* roi-min-size, tags */
  PROP_ROI_MIN_SIZE,
  PROP_TAGS,
  /* delivery */
  PROP_PROGRESSIVE,
  PROP_OPTIMIZE,
  PROP_RESTART_INTERVAL,
  PROP_EXIF,
  PROP_MAX_BYTES,
};

void
gst_imencode_settings_install_properties (GObjectClass * klass)
{
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING;

  g_object_class_install_property (klass, PROP_FORMAT,
      g_param_spec_enum ("format", "Format",
          "Image format to write; auto picks what downstream caps accept, "
          "JPEG first", GST_TYPE_IMENCODE_FORMAT, DEFAULT_FORMAT, rw));
  g_object_class_install_property (klass, PROP_ENCODING,
      g_param_spec_enum ("encoding", "Encoding",
          "How the image is carried: the file's bytes, base64 text, a "
          "base64 data URI, or a JSON event (one line) with the base64 "
          "image inside; auto is binary unless downstream accepts only "
          "application/x-base64 or application/x-json",
          GST_TYPE_IMENCODE_ENCODING,
          DEFAULT_ENCODING, rw));
  g_object_class_install_property (klass, PROP_QUALITY,
      g_param_spec_int ("quality", "Quality",
          "JPEG quality on libjpeg's scale (higher is better and larger)",
          1, 100, DEFAULT_QUALITY, rw));
  g_object_class_install_property (klass, PROP_SUBSAMPLING,
      g_param_spec_enum ("subsampling", "Subsampling",
          "JPEG chroma subsampling; auto is 4:2:0, or gray for GRAY8 input",
          GST_TYPE_IMENCODE_SUBSAMPLING, DEFAULT_SUBSAMPLING, rw));
  g_object_class_install_property (klass, PROP_COMPRESSION_LEVEL,
      g_param_spec_int ("compression-level", "Compression level",
          "PNG deflate effort: 0 stores; 1 is fastest (row filters chosen "
          "row by row, then runs only, as zlib's Z_RLE that OpenCV uses); "
          "2 is libdeflate's level 1 (smaller on most pictures, 2.5x the "
          "time or more); 3-9 are libdeflate's levels of that number; 9 is "
          "smallest", 0, 9, DEFAULT_COMPRESSION_LEVEL, rw));
  g_object_class_install_property (klass, PROP_CROP_X,
      g_param_spec_uint ("crop-x", "Crop X",
          "Left edge of the crop rectangle, in input pixels",
          0, G_MAXUINT, DEFAULT_CROP, rw));
  g_object_class_install_property (klass, PROP_CROP_Y,
      g_param_spec_uint ("crop-y", "Crop Y",
          "Top edge of the crop rectangle, in input pixels",
          0, G_MAXUINT, DEFAULT_CROP, rw));
  g_object_class_install_property (klass, PROP_CROP_WIDTH,
      g_param_spec_uint ("crop-width", "Crop width",
          "Width of the crop rectangle (0 = up to the frame's right edge); "
          "a rectangle sticking out of the frame is clipped",
          0, G_MAXUINT, DEFAULT_CROP, rw));
  g_object_class_install_property (klass, PROP_CROP_HEIGHT,
      g_param_spec_uint ("crop-height", "Crop height",
          "Height of the crop rectangle (0 = down to the frame's bottom "
          "edge); a rectangle sticking out of the frame is clipped",
          0, G_MAXUINT, DEFAULT_CROP, rw));
  g_object_class_install_property (klass, PROP_WIDTH,
      g_param_spec_uint ("width", "Width",
          "Output width (0 with height 0 = the crop's size; 0 with a height "
          "= keep the crop's aspect ratio)", 0, G_MAXUINT, DEFAULT_SIZE, rw));
  g_object_class_install_property (klass, PROP_HEIGHT,
      g_param_spec_uint ("height", "Height",
          "Output height (0 with width 0 = the crop's size; 0 with a width "
          "= keep the crop's aspect ratio)", 0, G_MAXUINT, DEFAULT_SIZE, rw));
  g_object_class_install_property (klass, PROP_METHOD,
      g_param_spec_enum ("method", "Method", "Resampling method for resizing",
          GST_TYPE_IMENCODE_METHOD, DEFAULT_METHOD, rw));
  g_object_class_install_property (klass, PROP_ASPECT_MODE,
      g_param_spec_enum ("aspect-mode", "Aspect mode",
          "What to do when width x height has another shape than the crop",
          GST_TYPE_IMENCODE_ASPECT_MODE, DEFAULT_ASPECT_MODE, rw));
  g_object_class_install_property (klass, PROP_PAD_COLOR,
      g_param_spec_uint ("pad-color", "Pad color",
          "Letterbox border colour as 0xAARRGGBB. Alpha 0xff is opaque; a "
          "PNG with an alpha channel (RGBA, BGRA, ARGB, ABGR input) takes "
          "the alpha as it is, so 0x00RRGGBB is a transparent border; JPEG "
          "and PNG without alpha ignore it. With GRAY8 input, use a grey "
          "(R = G = B)", 0, G_MAXUINT, DEFAULT_PAD_COLOR,
          rw));
  g_object_class_install_property (klass, PROP_THREADS,
      g_param_spec_uint ("threads", "Threads",
          "Encoder threads (0 = one per CPU core, 1 = encode in the "
          "streaming thread). With more than one, frames are encoded in "
          "parallel, up to twice as many in flight as threads (and at most "
          "256 MiB of input frames), and still come out in input order; on "
          "a live source that adds one frame duration of latency, more only "
          "if a frame takes longer to encode. A JPEG of 0.5 megapixels or "
          "more that is alone in flight (a snapshot, a slow source) is "
          "shared by the idle threads: encoded in slices and joined (same "
          "pixels, a restart marker per slice)", 0, GST_IM_PARALLEL_MAX_THREADS,
          DEFAULT_THREADS, rw));
  g_object_class_install_property (klass, PROP_ROI_TYPE,
      g_param_spec_string ("roi-type", "ROI type",
          "Region mode when set: one image per region of interest on the "
          "frame whose type is in this comma-separated list (\"*\" = every "
          "region). Regions are GstVideoRegionOfInterestMeta (type = its "
          "roi_type; confidence = field 'confidence' (double) of its "
          "parameter structure named 'detection'; track id = field 'id' "
          "(int) of its parameter structure named 'object_id') and, when "
          "built with GStreamer's analytics library (>= 1.24), object "
          "detections in GstAnalyticsRelationMeta (type = the label). "
          "crop-*, width, height and aspect-mode then apply to each region, "
          "crop-* relative to it; output caps carry no size (each image's "
          "is in its ImencodeMeta: image-width, image-height). A frame "
          "without a matching region gives no output. Unset (NULL): the "
          "whole frame",
          DEFAULT_ROI_TYPE, rw));
  g_object_class_install_property (klass, PROP_ROI_MARGIN,
      g_param_spec_double ("roi-margin", "ROI margin",
          "Grow each region by this fraction of its width (left and right) "
          "and height (top and bottom), clipped to the frame", 0.0, 1.0,
          DEFAULT_ROI_MARGIN, rw));
  g_object_class_install_property (klass, PROP_MIN_CONFIDENCE,
      g_param_spec_double ("min-confidence", "Minimum confidence",
          "Region mode: skip regions whose confidence is known and below "
          "this. The confidence is field 'confidence' (double) of the ROI "
          "meta's 'detection' parameter structure, or an analytics "
          "detection's confidence; a region without one, or with one that "
          "is not a finite number, is kept",
          0.0, 1.0, DEFAULT_MIN_CONFIDENCE, rw));
  g_object_class_install_property (klass, PROP_ROI_SELECT,
      g_param_spec_enum ("roi-select", "ROI select",
          "Region mode: every: each matching region of every frame; first: "
          "one image per track, when it first matches; best: one image per "
          "track, its best view (inside the frame beats cut by an edge, "
          "then the larger area x confidence), sent when the track ends "
          "(lost, or unseen for 1 s of stream time), after "
          "roi-best-timeout, or at EOS, with the timestamps of the frame it "
          "shows (use sync=false downstream); improving: at once, each view "
          "that beats the track's best view so far by best's rule (its "
          "first view included; the last one is best's image). The track "
          "id is field 'id' "
          "(int) of the ROI meta's 'object_id' parameter structure, or the "
          "analytics tracking meta related to a detection; a region "
          "without one is a track of its own. Tracks follow every frame, "
          "also those max-rate or on-demand leave unencoded",
          GST_TYPE_IMENCODE_ROI_SELECT, DEFAULT_ROI_SELECT, rw));
  g_object_class_install_property (klass, PROP_ROI_BEST_TIMEOUT,
      g_param_spec_uint64 ("roi-best-timeout", "ROI best timeout",
          "With roi-select=best, a track still in view sends its best image "
          "after this much stream time (ns) and starts a new best; 0 = only "
          "when the track ends", 0, G_MAXUINT64, DEFAULT_ROI_BEST_TIMEOUT,
          rw));
  g_object_class_install_property (klass, PROP_MAX_RATE,
      gst_param_spec_fraction ("max-rate", "Maximum rate",
          "Encode at most this many frames per second of stream time, on a "
          "grid: the first frame, then the first frame at or past each next "
          "slot 1/max-rate later, allowing half a frame of timestamp jitter "
          "(so 10000000/333333 fps keeps every frame at 30/1, every third "
          "at 10/1); restarts with each segment and after a flushing seek; "
          "0/1 = every frame. It decides what is encoded, not what "
          "roi-select's tracks see", 0, 1, G_MAXINT, 1,
          DEFAULT_MAX_RATE_N, DEFAULT_MAX_RATE_D, rw));
  g_object_class_install_property (klass, PROP_ON_DEMAND,
      g_param_spec_boolean ("on-demand", "On demand",
          "Encode only after a \"snapshot\" action signal: each signal "
          "takes the next frame that yields an image (in region mode, all "
          "its matching regions). Signals are counted, thread-safe, and "
          "may come before PLAYING",
          DEFAULT_ON_DEMAND, rw));
  g_object_class_install_property (klass, PROP_ANNOTATE,
      g_param_spec_flags ("annotate", "Annotate",
          "Draw on imencode's own copy of the image before it is encoded "
          "(the input buffer is never written), in output pixels: boxes: "
          "the outline of every region on the frame whose confidence passes "
          "min-confidence (a region image: its own region's box only), the "
          "detector's box mapped through crop, resize and letterbox; labels: "
          "the region's type, confidence and track id (\"person 87% #42\") "
          "above each box on an annotate-color background; time: the "
          "frame's UTC time (YYYY-MM-DD HH:MM:SS, from its reference "
          "timestamp meta, else the system clock when it arrived) in the top "
          "left corner. labels and time need a build with Pango and Cairo",
          GST_TYPE_IMENCODE_ANNOTATE_FLAGS, DEFAULT_ANNOTATE, rw));
  g_object_class_install_property (klass, PROP_ANNOTATE_COLOR,
      g_param_spec_uint ("annotate-color", "Annotate color",
          "Colour of the boxes and of the label and time backgrounds, as "
          "0xAARRGGBB; an alpha below 0xff blends it with the image (the "
          "text itself is opaque, black or white, whichever reads better)",
          0, G_MAXUINT, DEFAULT_ANNOTATE_COLOR, rw));
  g_object_class_install_property (klass, PROP_ANNOTATE_THICKNESS,
      g_param_spec_uint ("annotate-thickness", "Annotate thickness",
          "Width of the box outlines in output pixels, drawn inside each "
          "box; 0 = max(2, output height / 240)", 0, MAX_ANNOTATE_THICKNESS,
          DEFAULT_ANNOTATE_THICKNESS, rw));
  /* roi-min-size, tags */
  g_object_class_install_property (klass, PROP_ROI_MIN_SIZE,
      g_param_spec_uint ("roi-min-size", "ROI minimum size",
          "Region mode: skip regions whose detector box is narrower or "
          "shorter than this many input pixels (before roi-margin); "
          "skipped regions count for no track either. 0 = any size",
          0, G_MAXUINT, DEFAULT_ROI_MIN_SIZE, rw));
  g_object_class_install_property (klass, PROP_TAGS,
      g_param_spec_string ("tags", "Tags",
          "A JSON object copied into every JSON event (encoding=json) as "
          "\"tags\", e.g. {\"camera\":\"door\"}; whitespace outside "
          "its strings is dropped so an event stays one line. Text that is "
          "not one JSON object is refused: the property keeps its previous "
          "value and a warning is logged. NULL = no tags",
          DEFAULT_TAGS, rw));
  /* delivery */
  g_object_class_install_property (klass, PROP_PROGRESSIVE,
      g_param_spec_boolean ("progressive", "Progressive",
          "JPEG: write a progressive file (SOF2; as OpenCV's "
          "IMWRITE_JPEG_PROGRESSIVE), which web browsers show coarse first "
          "and then refine; the pixels are those of the baseline file. PNG "
          "ignores it",
          DEFAULT_PROGRESSIVE, rw));
  g_object_class_install_property (klass, PROP_OPTIMIZE,
      g_param_spec_boolean ("optimize", "Optimize",
          "JPEG: Huffman tables optimised for each image (as OpenCV's "
          "IMWRITE_JPEG_OPTIMIZE): a few percent smaller, the same pixels, "
          "a second pass over the image's coefficients; PNG ignores it",
          DEFAULT_OPTIMIZE, rw));
  g_object_class_install_property (klass, PROP_RESTART_INTERVAL,
      g_param_spec_uint ("restart-interval", "Restart interval",
          "JPEG: a restart marker every this many MCUs (as OpenCV's "
          "IMWRITE_JPEG_RST_INTERVAL; an MCU is 16x16 pixels at 4:2:0, "
          "16x8 at 4:2:2, 8x8 at 4:4:4 and gray), so that a decoder "
          "resynchronises after corrupt bytes; 0 = none, but for the one "
          "per slice of an image shared by several threads (see threads). "
          "PNG ignores it",
          0, G_MAXUINT16, DEFAULT_RESTART_INTERVAL, rw));
  g_object_class_install_property (klass, PROP_EXIF,
      g_param_spec_boolean ("exif", "Exif",
          "Write the frame's capture time into the file (JPEG: an APP1 "
          "Exif marker, PNG: an eXIf chunk): DateTimeOriginal, "
          "SubSecTimeOriginal (milliseconds) and OffsetTimeOriginal "
          "\"+00:00\" (UTC). The time is the frame's "
          "GstReferenceTimestampMeta (timestamp/x-unix, or timestamp/x-ntp "
          "as RTP sources add it), else the system's UTC clock when the "
          "frame reached imencode. Adds 118 bytes (JPEG) or 120 (PNG)",
          DEFAULT_EXIF, rw));
  g_object_class_install_property (klass, PROP_MAX_BYTES,
      g_param_spec_uint ("max-bytes", "Maximum bytes",
          "0 = no limit. Else no output buffer is larger than this many "
          "bytes, its base64, data-uri or JSON text included (set it to a "
          "broker's payload limit: 131072 for AWS IoT Core). JPEG: the "
          "highest quality up to 'quality' that fits, within 5 quality "
          "steps of the best, starting from the last image's (each "
          "image's is in its ImencodeMeta, field quality); a PNG over the "
          "limit, or a JPEG that does not fit even at quality 1, gives no "
          "output: one warning per run of such images, the stream goes on "
          "(raise max-bytes, or lower width/height)",
          0, G_MAXUINT, DEFAULT_MAX_BYTES, rw));
}

void
gst_imencode_properties_init (GstImencodeProperties * p)
{
  GstImencodeSettings *s = &p->settings;

  memset (p, 0, sizeof (*p));
  s->format = DEFAULT_FORMAT;
  s->encoding = DEFAULT_ENCODING;
  s->quality = DEFAULT_QUALITY;
  s->subsampling = DEFAULT_SUBSAMPLING;
  s->compression_level = DEFAULT_COMPRESSION_LEVEL;
  s->method = DEFAULT_METHOD;
  s->aspect_mode = DEFAULT_ASPECT_MODE;
  s->pad_color = DEFAULT_PAD_COLOR;
  s->threads = DEFAULT_THREADS;
  s->roi_margin = DEFAULT_ROI_MARGIN;
  s->min_confidence = DEFAULT_MIN_CONFIDENCE;
  s->max_rate_n = DEFAULT_MAX_RATE_N;
  s->max_rate_d = DEFAULT_MAX_RATE_D;
  s->on_demand = DEFAULT_ON_DEMAND;
  s->roi_select = DEFAULT_ROI_SELECT;
  s->roi_best_timeout = DEFAULT_ROI_BEST_TIMEOUT;
  s->annotate = DEFAULT_ANNOTATE;
  s->annotate_color = DEFAULT_ANNOTATE_COLOR;
  s->annotate_thickness = DEFAULT_ANNOTATE_THICKNESS;
  /* delivery */
  s->progressive = DEFAULT_PROGRESSIVE;
  s->optimize = DEFAULT_OPTIMIZE;
  s->restart_interval = DEFAULT_RESTART_INTERVAL;
  s->exif = DEFAULT_EXIF;
  s->max_bytes = DEFAULT_MAX_BYTES;
}

void
gst_imencode_properties_clear (GstImencodeProperties * p)
{
  gst_imencode_settings_clear (&p->settings);
  g_clear_pointer (&p->roi_type, g_free);
}

/* Sets the tags from @text (NULL unsets them), or logs a warning and keeps
 * the previous value when @text is not one JSON object. */
static void
gst_imencode_set_tags (GstImencodeSettings * s, const gchar * text)
{
  gchar *compact;
  gsize len;
  ImcoreError err;

  if (!text) {
    g_clear_pointer (&s->tags, g_ref_string_release);
    return;
  }
  len = strlen (text);
  compact = g_malloc (len + 1);
  err = imcore_json_check_object (text, len, compact, &len);
  if (err != IMCORE_OK) {
    GST_WARNING ("tags refused, the previous value is kept: \"%s\" is not "
        "one JSON object (%s)", text, imcore_strerror (err));
    g_free (compact);
    return;
  }
  compact[len] = '\0';
  g_clear_pointer (&s->tags, g_ref_string_release);
  s->tags = g_ref_string_new_len (compact, (gssize) len);
  g_free (compact);
}

static guint *
gst_imencode_uint_field (GstImencodeSettings * s, guint prop_id)
{
  switch (prop_id) {
    case PROP_CROP_X:
      return &s->crop_x;
    case PROP_CROP_Y:
      return &s->crop_y;
    case PROP_CROP_WIDTH:
      return &s->crop_width;
    case PROP_CROP_HEIGHT:
      return &s->crop_height;
    case PROP_WIDTH:
      return &s->width;
    case PROP_HEIGHT:
      return &s->height;
    case PROP_PAD_COLOR:
      return &s->pad_color;
    case PROP_THREADS:
      return &s->threads;
      /* delivery */
    case PROP_RESTART_INTERVAL:
      return &s->restart_interval;
    case PROP_MAX_BYTES:
      return &s->max_bytes;
    default:
      return NULL;
  }
}

gboolean
gst_imencode_properties_set (GstImencodeProperties * p, guint prop_id,
    const GValue * value)
{
  GstImencodeSettings *s = &p->settings;
  guint *field;

  field = gst_imencode_uint_field (s, prop_id);
  if (field) {
    *field = g_value_get_uint (value);
  } else {
    switch (prop_id) {
      case PROP_FORMAT:
        s->format = g_value_get_enum (value);
        break;
      case PROP_ENCODING:
        s->encoding = g_value_get_enum (value);
        break;
      case PROP_QUALITY:
        s->quality = g_value_get_int (value);
        break;
      case PROP_SUBSAMPLING:
        s->subsampling = g_value_get_enum (value);
        break;
      case PROP_COMPRESSION_LEVEL:
        s->compression_level = g_value_get_int (value);
        break;
      case PROP_METHOD:
        s->method = g_value_get_enum (value);
        break;
      case PROP_ASPECT_MODE:
        s->aspect_mode = g_value_get_enum (value);
        break;
      case PROP_ROI_TYPE:
        g_free (p->roi_type);
        p->roi_type = g_value_dup_string (value);
        gst_imencode_roi_filter_unref (s->roi_filter);
        s->roi_filter = gst_imencode_roi_filter_parse (p->roi_type);
        break;
      case PROP_ROI_MARGIN:
        s->roi_margin = g_value_get_double (value);
        break;
      case PROP_MIN_CONFIDENCE:
        s->min_confidence = g_value_get_double (value);
        break;
      case PROP_MAX_RATE:
        s->max_rate_n = gst_value_get_fraction_numerator (value);
        s->max_rate_d = gst_value_get_fraction_denominator (value);
        break;
      case PROP_ON_DEMAND:
        s->on_demand = g_value_get_boolean (value);
        break;
      case PROP_ROI_SELECT:
        s->roi_select = g_value_get_enum (value);
        break;
      case PROP_ROI_BEST_TIMEOUT:
        s->roi_best_timeout = g_value_get_uint64 (value);
        break;
      case PROP_ANNOTATE:
        s->annotate = g_value_get_flags (value);
#ifndef HAVE_ANNOTATE_TEXT
        if (s->annotate & ~GST_IMENCODE_ANNOTATE_BOXES) {
          g_warning ("imencode: annotate labels and time need a build with "
              "Pango and Cairo, which this one lacks; only boxes are drawn");
          s->annotate &= GST_IMENCODE_ANNOTATE_BOXES;
        }
#endif
        break;
      case PROP_ANNOTATE_COLOR:
        s->annotate_color = g_value_get_uint (value);
        break;
      case PROP_ANNOTATE_THICKNESS:
        s->annotate_thickness = g_value_get_uint (value);
        break;
      case PROP_ROI_MIN_SIZE:
        s->roi_min_size = g_value_get_uint (value);
        break;
      case PROP_TAGS:
        gst_imencode_set_tags (s, g_value_get_string (value));
        break;
        /* delivery */
      case PROP_PROGRESSIVE:
        s->progressive = g_value_get_boolean (value);
        break;
      case PROP_OPTIMIZE:
        s->optimize = g_value_get_boolean (value);
        break;
      case PROP_EXIF:
        s->exif = g_value_get_boolean (value);
        break;
      default:
        return FALSE;
    }
  }
  return TRUE;
}

gboolean
gst_imencode_properties_get (const GstImencodeProperties * p,
    guint prop_id, GValue * value)
{
  GstImencodeSettings *s = (GstImencodeSettings *) & p->settings;
  guint *field;

  field = gst_imencode_uint_field (s, prop_id);
  if (field) {
    g_value_set_uint (value, *field);
  } else {
    switch (prop_id) {
      case PROP_FORMAT:
        g_value_set_enum (value, s->format);
        break;
      case PROP_ENCODING:
        g_value_set_enum (value, s->encoding);
        break;
      case PROP_QUALITY:
        g_value_set_int (value, s->quality);
        break;
      case PROP_SUBSAMPLING:
        g_value_set_enum (value, s->subsampling);
        break;
      case PROP_COMPRESSION_LEVEL:
        g_value_set_int (value, s->compression_level);
        break;
      case PROP_METHOD:
        g_value_set_enum (value, s->method);
        break;
      case PROP_ASPECT_MODE:
        g_value_set_enum (value, s->aspect_mode);
        break;
      case PROP_ROI_TYPE:
        g_value_set_string (value, p->roi_type);
        break;
      case PROP_ROI_MARGIN:
        g_value_set_double (value, s->roi_margin);
        break;
      case PROP_MIN_CONFIDENCE:
        g_value_set_double (value, s->min_confidence);
        break;
      case PROP_MAX_RATE:
        gst_value_set_fraction (value, s->max_rate_n, s->max_rate_d);
        break;
      case PROP_ON_DEMAND:
        g_value_set_boolean (value, s->on_demand);
        break;
      case PROP_ROI_SELECT:
        g_value_set_enum (value, s->roi_select);
        break;
      case PROP_ROI_BEST_TIMEOUT:
        g_value_set_uint64 (value, s->roi_best_timeout);
        break;
      case PROP_ANNOTATE:
        g_value_set_flags (value, s->annotate);
        break;
      case PROP_ANNOTATE_COLOR:
        g_value_set_uint (value, s->annotate_color);
        break;
      case PROP_ANNOTATE_THICKNESS:
        g_value_set_uint (value, s->annotate_thickness);
        break;
      case PROP_ROI_MIN_SIZE:
        g_value_set_uint (value, s->roi_min_size);
        break;
      case PROP_TAGS:
        g_value_set_string (value, s->tags);
        break;
        /* delivery */
      case PROP_PROGRESSIVE:
        g_value_set_boolean (value, s->progressive);
        break;
      case PROP_OPTIMIZE:
        g_value_set_boolean (value, s->optimize);
        break;
      case PROP_EXIF:
        g_value_set_boolean (value, s->exif);
        break;
      default:
        return FALSE;
    }
  }
  return TRUE;
}
