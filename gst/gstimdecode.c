/* gst-imencode: the imdecode element
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-imdecode
 * @title: imdecode
 *
 * Decodes JPEG and PNG images, as bytes or as base64 text (plain or a data
 * URI), to raw video frames: the cv2.imdecode direction. The output format
 * is the first of RGB, BGR, RGBA, BGRA, GRAY8 and I420 that downstream
 * accepts, in downstream's order of preference, so a capsfilter picks it
 * (`imdecode ! video/x-raw,format=GRAY8` is IMREAD_GRAYSCALE). Images of a
 * new size renegotiate. Timestamps are copied.
 *
 * JPEGs decode straight into the output frame: packed RGB and gray by
 * libjpeg-turbo's colour conversion, I420 from the JPEG's own YCbCr planes
 * without an RGB round trip (full-range BT.601, said in the caps'
 * colorimetry). scale=1/2, 1/4, 1/8 decodes JPEGs at that size in the DCT
 * domain, much faster than decoding and then scaling; PNGs are decoded and
 * then resampled. Colour to gray uses BT.601 luma weights.
 *
 * Input: image/jpeg and image/png bytes cut anywhere (images are framed by
 * their markers and chunks); application/octet-stream and text/plain (what
 * base64dec announces for records that are no image) as bytes too;
 * application/x-base64, each buffer one record whose bytes join the byte
 * stream; and without caps, base64 text one record per line if the first
 * line is base64, bytes otherwise. Bytes that are no image are skipped up
 * to the next signature with one warning saying how many.
 *
 * Images larger than max-pixels are refused from their header, before any
 * pixel is decoded. A corrupt or truncated image is never output, not even
 * in part: it posts a warning and is dropped (strict=true: an error).
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 filesrc location=photo.jpg ! imdecode ! \
 *     video/x-raw,format=GRAY8 ! videoconvert ! autovideosink
 * gst-launch-1.0 filesrc location=images.b64 ! base64dec ! \
 *     imdecode scale=1/4 ! imencode width=160 ! \
 *     multifilesink location=thumb-%03d.jpg
 * gst-launch-1.0 filesrc location=photo.b64 ! imdecode ! fakesink
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/video/video.h>

#include "gstimbase64.h"
#include "gstimdecode.h"
#include "gstimencodeelements.h"
#include "gstimpad.h"
#include "gstimvideo.h"
#include "imcore.h"

GST_DEBUG_CATEGORY_STATIC (gst_imdecode_debug);
#define GST_CAT_DEFAULT gst_imdecode_debug

#define DEFAULT_SCALE GST_IMDECODE_SCALE_1
#define DEFAULT_MAX_PIXELS G_GUINT64_CONSTANT (100000000)
#define DEFAULT_STRICT FALSE

/* Full-range BT.601 with sRGB transfer and primaries: what JFIF YCbCr is,
 * and what I420 converted from PNG is made to be too. */
#define JPEG_COLORIMETRY "1:4:13:1"

enum
{
  PROP_0,
  PROP_SCALE,
  PROP_MAX_PIXELS,
  PROP_STRICT,
};

/* The properties, copied under the object lock once per image. */
typedef struct
{
  GstImdecodeScale scale;
  guint64 max_pixels;
  gboolean strict;
} GstImdecodeSettings;

/* What the sink pad receives, from its caps (or, without caps, from the
 * first bytes). Whatever it is, it ends up as bytes in which images are
 * found by imcore_scan_image(). */
typedef enum
{
  INPUT_SNIFF,                  /* no caps, nothing decided: buffers held */
  INPUT_BINARY,                 /* image/jpeg, image/png, octet-stream,
                                 * text/plain, or no caps and binary */
  INPUT_RECORDS,                /* application/x-base64: each buffer is a
                                 * base64 record */
  INPUT_TEXT,                   /* no caps and base64 text: one record per
                                 * line, lines may span buffers */
} GstImdecodeInput;

struct _GstImdecode
{
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;

  /* under the object lock */
  GstImdecodeSettings settings;

  /* streaming thread only */
  GstImdecodeInput input;
  gint fps_n, fps_d;
  GstVideoInfo out_info;        /* valid when negotiated */
  gboolean negotiated;
  GstBufferPool *pool;          /* output frames of out_info */
  ImcoreJpegDecoder *jpeg;
  ImcorePngDecoder *png;
  GstVideoConverter *convert;
  GstVideoInfo convert_in, convert_out;
  GstBuffer *mid_buf;           /* decoded image before conversion */
  GstVideoInfo mid_info;
  gboolean discont;
  GstImHeldEvents held;

  /* bytes cut anywhere: the start of an unfinished image */
  GByteArray *pending;
  ImcoreScan scan;
  GstBuffer *pending_timing;    /* timestamps for it, or NULL */
  gboolean framed;              /* buffers have held whole images */

  /* bytes that are not an image, skipped since the last image began */
  guint64 skipped;
  ImcoreImageKind skipped_after;        /* the good image they follow */
  ImcoreImageKind last_good;    /* the last image, if it decoded */
  gboolean warned_not_image;    /* until the next image decodes */

  /* INPUT_SNIFF: buffers held until their bytes say text or binary */
  GQueue sniff_held;
  gsize sniff_bytes;
  ImcoreBase64Splitter sniff;

  /* INPUT_TEXT: the current record's text not decoded yet */
  GByteArray *text;
  ImcoreBase64Splitter split;
  GstBuffer *text_timing;       /* of the buffer the text began in */
  guint64 line;                 /* the current line, from 1 */
  guint64 line_bytes;           /* of the current line before @text */
  gboolean skip_line;           /* after invalid text, up to its newline */
  gboolean warned_text;         /* invalid text, until an image decodes */
};

/* An unfinished image is not buffered past this many bytes. */
#define MAX_PENDING_BYTES ((gsize) 512 << 20)

#define gst_imdecode_parent_class parent_class
G_DEFINE_TYPE (GstImdecode, gst_imdecode, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (imdecode, "imdecode", GST_RANK_NONE,
    GST_TYPE_IMDECODE);

/* Images, base64 text, and what base64dec makes of records that are no
 * images (their bytes are skipped with a warning) */
static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("image/jpeg; image/png; application/x-base64; "
        "application/octet-stream; text/plain"));

/* the order is the preference when downstream has none */
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE ("{ RGB, BGR, RGBA, BGRA, GRAY8, "
            "I420 }")));

#define GST_TYPE_IMDECODE_SCALE (gst_imdecode_scale_get_type ())
static GType
gst_imdecode_scale_get_type (void)
{
  static gsize id = 0;
  static const GEnumValue values[] = {
    {GST_IMDECODE_SCALE_1, "Full size", "1"},
    {GST_IMDECODE_SCALE_1_2, "Half size", "1/2"},
    {GST_IMDECODE_SCALE_1_4, "Quarter size", "1/4"},
    {GST_IMDECODE_SCALE_1_8, "One eighth", "1/8"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&id)) {
    GType t = g_enum_register_static ("GstImdecodeScale", values);

    g_once_init_leave (&id, t);
  }
  return (GType) id;
}

static void gst_imdecode_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_imdecode_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static void gst_imdecode_finalize (GObject * object);
static GstStateChangeReturn gst_imdecode_change_state (GstElement * element,
    GstStateChange transition);
static GstFlowReturn gst_imdecode_chain (GstPad * pad, GstObject * parent,
    GstBuffer * inbuf);
static gboolean gst_imdecode_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event);
static gboolean gst_imdecode_src_query (GstPad * pad, GstObject * parent,
    GstQuery * query);

static void
gst_imdecode_class_init (GstImdecodeClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING;

  gobject_class->set_property = gst_imdecode_set_property;
  gobject_class->get_property = gst_imdecode_get_property;
  gobject_class->finalize = gst_imdecode_finalize;

  g_object_class_install_property (gobject_class, PROP_SCALE,
      g_param_spec_enum ("scale", "Scale",
          "Output size as a fraction of the image's (rounded up): JPEGs are "
          "scaled in the DCT domain while decoding, PNGs resampled after",
          GST_TYPE_IMDECODE_SCALE, DEFAULT_SCALE, flags));
  g_object_class_install_property (gobject_class, PROP_MAX_PIXELS,
      g_param_spec_uint64 ("max-pixels", "Maximum pixels",
          "Images with more pixels than this (width x height at full size) "
          "are refused from their header, before decoding "
          "(decompression bombs)", 1, G_MAXUINT64, DEFAULT_MAX_PIXELS, flags));
  g_object_class_install_property (gobject_class, PROP_STRICT,
      g_param_spec_boolean ("strict", "Strict",
          "false: a corrupt, truncated or refused image posts a warning and "
          "is dropped, the stream goes on; true: it is an error",
          DEFAULT_STRICT, flags));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "JPEG/PNG/base64 image decoder", "Codec/Decoder/Image",
      "Decodes JPEG and PNG images, as bytes or base64 text, to raw frames, "
      "optionally at 1/2, 1/4 or 1/8 size", "gst-imencode contributors");

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_imdecode_change_state);

  gst_type_mark_as_plugin_api (GST_TYPE_IMDECODE_SCALE, 0);
  GST_DEBUG_CATEGORY_INIT (gst_imdecode_debug, "imdecode", 0,
      "JPEG/PNG/base64 to raw video");
}

static void
gst_imdecode_init (GstImdecode * self)
{
  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_imdecode_chain));
  gst_pad_set_event_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_imdecode_sink_event));
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_set_query_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_imdecode_src_query));
  gst_pad_use_fixed_caps (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);

  self->settings.scale = DEFAULT_SCALE;
  self->settings.max_pixels = DEFAULT_MAX_PIXELS;
  self->settings.strict = DEFAULT_STRICT;
  self->fps_d = 1;
  self->pending = g_byte_array_new ();
  self->text = g_byte_array_new ();
  g_queue_init (&self->sniff_held);
}

/* Forgets an unfinished image. */
static void
gst_imdecode_drop_pending (GstImdecode * self)
{
  g_byte_array_set_size (self->pending, 0);
  imcore_scan_reset (&self->scan);
  gst_clear_buffer (&self->pending_timing);
}

static void
gst_imdecode_drop_pool (GstImdecode * self)
{
  if (self->pool) {
    gst_buffer_pool_set_active (self->pool, FALSE);
    gst_clear_object (&self->pool);
  }
}

/* Forgets the text of an unfinished base64 record. */
static void
gst_imdecode_drop_text (GstImdecode * self)
{
  g_byte_array_set_size (self->text, 0);
  gst_clear_buffer (&self->text_timing);
}

/* Forgets buffers held while sniffing. */
static void
gst_imdecode_drop_sniffed (GstImdecode * self)
{
  GstBuffer *buf;

  while ((buf = g_queue_pop_head (&self->sniff_held)))
    gst_buffer_unref (buf);
  self->sniff_bytes = 0;
  imcore_base64_splitter_reset (&self->sniff);
}

static void
gst_imdecode_reset (GstImdecode * self)
{
  self->input = INPUT_SNIFF;
  self->fps_n = 0;
  self->fps_d = 1;
  self->negotiated = FALSE;
  self->discont = FALSE;
  self->framed = FALSE;
  self->skipped = 0;
  self->last_good = IMCORE_IMAGE_UNKNOWN;
  self->warned_not_image = FALSE;
  self->warned_text = FALSE;
  self->skip_line = FALSE;
  self->line = 1;
  self->line_bytes = 0;
  imcore_base64_splitter_reset (&self->split);
  g_clear_pointer (&self->jpeg, imcore_jpeg_decoder_free);
  g_clear_pointer (&self->png, imcore_png_decoder_free);
  g_clear_pointer (&self->convert, gst_video_converter_free);
  gst_clear_buffer (&self->mid_buf);
  gst_im_held_events_clear (&self->held);
  gst_imdecode_drop_pending (self);
  gst_imdecode_drop_text (self);
  gst_imdecode_drop_sniffed (self);
  gst_imdecode_drop_pool (self);
}

static void
gst_imdecode_finalize (GObject * object)
{
  GstImdecode *self = GST_IMDECODE (object);

  gst_imdecode_reset (self);
  g_byte_array_unref (self->pending);
  g_byte_array_unref (self->text);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static GstStateChangeReturn
gst_imdecode_change_state (GstElement * element, GstStateChange transition)
{
  GstImdecode *self = GST_IMDECODE (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    gst_imdecode_reset (self);
    self->jpeg = imcore_jpeg_decoder_new ();
    self->png = imcore_png_decoder_new ();
    if (!self->jpeg || !self->png) {
      GST_ELEMENT_ERROR (self, RESOURCE, FAILED, (NULL),
          ("cannot create the JPEG and PNG decoders (out of memory)"));
      return GST_STATE_CHANGE_FAILURE;
    }
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret != GST_STATE_CHANGE_FAILURE &&
      transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    gst_imdecode_reset (self);
  return ret;
}

/* ---- negotiation ---- */

/* A pool of output frames for @caps (taken), so that steady decoding
 * allocates nothing: frames come back when downstream is done with them. */
static gboolean
gst_imdecode_make_pool (GstImdecode * self, GstCaps * caps)
{
  GstStructure *config;
  gboolean ok;

  gst_imdecode_drop_pool (self);
  self->pool = gst_video_buffer_pool_new ();
  config = gst_buffer_pool_get_config (self->pool);
  gst_buffer_pool_config_set_params (config, caps, self->out_info.size, 2, 0);
  ok = gst_buffer_pool_set_config (self->pool, config) &&
      gst_buffer_pool_set_active (self->pool, TRUE);
  gst_caps_unref (caps);
  if (!ok) {
    gst_imdecode_drop_pool (self);
    GST_ELEMENT_ERROR (self, RESOURCE, FAILED, (NULL),
        ("cannot set up a pool of %" G_GSIZE_FORMAT "-byte frames",
            self->out_info.size));
    self->negotiated = FALSE;
  }
  return ok;
}

/* Sets source caps for a @width x @height image: downstream's first
 * acceptable format in its order of preference. */
static gboolean
gst_imdecode_negotiate (GstImdecode * self, guint width, guint height)
{
  GstCaps *templ, *peer, *want, *caps, *caps_for_pool;
  GstStructure *st;
  GstVideoInfo info;
  gboolean ok;

  templ = gst_pad_get_pad_template_caps (self->srcpad);
  peer = gst_pad_peer_query_caps (self->srcpad, templ);
  gst_caps_unref (templ);
  want = gst_caps_new_simple ("video/x-raw",
      "width", G_TYPE_INT, (gint) width, "height", G_TYPE_INT, (gint) height,
      "framerate", GST_TYPE_FRACTION, self->fps_n, self->fps_d,
      "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
  caps = gst_caps_intersect_full (peer, want, GST_CAPS_INTERSECT_FIRST);
  gst_caps_unref (want);
  gst_caps_unref (peer);
  if (gst_caps_is_empty (caps)) {
    gst_caps_unref (caps);
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("downstream accepts none of RGB, BGR, RGBA, BGRA, GRAY8, I420 at "
            "%ux%u", width, height));
    return FALSE;
  }
  /* the first structure and format: downstream's preference (ours, from
   * the template's order, when downstream has none) */
  caps = gst_caps_fixate (caps);
  st = gst_caps_get_structure (caps, 0);
  if (g_strcmp0 (gst_structure_get_string (st, "format"), "I420") == 0)
    gst_structure_set (st, "colorimetry", G_TYPE_STRING, JPEG_COLORIMETRY,
        NULL);
  if (!gst_video_info_from_caps (&info, caps)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("cannot use caps %" GST_PTR_FORMAT, caps));
    gst_caps_unref (caps);
    return FALSE;
  }
  GST_DEBUG_OBJECT (self, "source caps %" GST_PTR_FORMAT, caps);
  ok = gst_pad_push_event (self->srcpad, gst_event_new_caps (caps));
  caps_for_pool = caps;
  if (!ok) {
    gst_caps_unref (caps);
    if (!GST_PAD_IS_FLUSHING (self->srcpad))
      GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
          ("downstream refused %s %ux%u",
              gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&info)),
              width, height));
    self->negotiated = FALSE;
    return FALSE;
  }
  self->out_info = info;
  self->negotiated = TRUE;
  gst_im_held_events_push (&self->held, self->srcpad);
  return gst_imdecode_make_pool (self, caps_for_pool);
}

/* ---- decoding ---- */

/* Refused input: a warning saying @what and that the stream goes on, or
 * with strict=true an error. */
static GstFlowReturn
gst_imdecode_refuse (GstImdecode * self, const GstImdecodeSettings * s,
    const gchar * what, const gchar * detail)
{
  if (s->strict) {
    GST_ELEMENT_ERROR (self, STREAM, DECODE, ("%s", what),
        ("%s (strict=true)", detail));
    return GST_FLOW_ERROR;
  }
  GST_ELEMENT_WARNING (self, STREAM, DECODE, ("%s", what), ("%s", detail));
  self->discont = TRUE;
  return GST_FLOW_OK;
}

/* A refused image: gst_imdecode_refuse(), saying the image was dropped. */
static GstFlowReturn
gst_imdecode_refuse_image (GstImdecode * self, const GstImdecodeSettings * s,
    const gchar * what, const gchar * detail)
{
  gchar *msg = s->strict ? g_strdup (what) :
      g_strdup_printf ("%s; image dropped", what);
  GstFlowReturn ret = gst_imdecode_refuse (self, s, msg, detail);

  self->last_good = IMCORE_IMAGE_UNKNOWN;
  g_free (msg);
  return ret;
}

/* Converts the full frame @src into @dest (size and format), caching the
 * converter for the next image of the same kind. FALSE if GstVideoConverter
 * cannot convert between the two (nothing is written then). */
static gboolean
gst_imdecode_convert (GstImdecode * self, GstVideoFrame * src,
    GstVideoFrame * dest)
{
  if (!self->convert || !gst_video_info_is_equal (&self->convert_in,
          &src->info) || !gst_video_info_is_equal (&self->convert_out,
          &dest->info)) {
    g_clear_pointer (&self->convert, gst_video_converter_free);
    self->convert_in = src->info;
    self->convert_out = dest->info;
    self->convert = gst_video_converter_new (&self->convert_in,
        &self->convert_out, gst_structure_new ("config",
            GST_VIDEO_CONVERTER_OPT_RESAMPLER_METHOD,
            GST_TYPE_VIDEO_RESAMPLER_METHOD, GST_VIDEO_RESAMPLER_METHOD_CUBIC,
            NULL));
    if (!self->convert)
      return FALSE;
  }
  gst_video_converter_frame (self->convert, src, dest);
  return TRUE;
}

/* Decodes @data (a JPEG if @is_jpeg, else a PNG) into the mapped @frame,
 * directly when the core writes its format at that size, else through an
 * intermediate frame and one conversion. Returns the core's error and
 * leaves a message in @detail. */
static ImcoreError
gst_imdecode_decode_into (GstImdecode * self, gboolean is_jpeg,
    const ImcoreJpegInfo * jinfo, guint width, guint height, guint denom,
    const guint8 * data, gsize len, GstVideoFrame * frame, gchar ** detail)
{
  GstVideoFormat out_fmt = GST_VIDEO_FRAME_FORMAT (frame);
  ImcorePixelFormat core_fmt = gst_im_video_pixel_format (out_fmt);
  GstVideoFormat mid_fmt;
  GstVideoInfo mid_info;
  GstVideoFrame mid;
  ImcoreImage img;
  ImcoreError err;
  guint mid_w, mid_h;
  gboolean direct;

  if (is_jpeg)
    direct = imcore_jpeg_decode_accepts (jinfo, core_fmt);
  else
    direct = denom == 1 && imcore_png_decode_accepts (core_fmt);

  if (direct) {
    gst_im_video_frame_view (frame, &img);
    err = is_jpeg ? imcore_jpeg_decode (self->jpeg, data, len, denom, &img)
        : imcore_png_decode (self->png, data, len, &img);
    goto done;
  }

  /* JPEG: CMYK to gray or I420, at the DCT-scaled size, via RGB. PNG:
   * decoded at full size in the output format (RGB for I420), then
   * resampled and converted. */
  mid_fmt = core_fmt == IMCORE_PIXEL_I420 || is_jpeg ?
      GST_VIDEO_FORMAT_RGB : out_fmt;
  if (is_jpeg)
    imcore_scaled_size (width, height, denom, &mid_w, &mid_h);
  else
    mid_w = width, mid_h = height;
  gst_video_info_set_format (&mid_info, mid_fmt, mid_w, mid_h);
  /* GstVideoConverter converts frames, not rates: both sides must have the
   * output's framerate (and interlacing, progressive on both) */
  GST_VIDEO_INFO_FPS_N (&mid_info) = GST_VIDEO_INFO_FPS_N (&frame->info);
  GST_VIDEO_INFO_FPS_D (&mid_info) = GST_VIDEO_INFO_FPS_D (&frame->info);
  /* kept for the next image of the same size and format */
  if (!self->mid_buf || !gst_video_info_is_equal (&self->mid_info,
          &mid_info)) {
    gst_clear_buffer (&self->mid_buf);
    self->mid_info = mid_info;
    self->mid_buf = gst_buffer_new_allocate (NULL, mid_info.size, NULL);
  }
  if (!self->mid_buf || !gst_video_frame_map (&mid, &self->mid_info,
          self->mid_buf, GST_MAP_READWRITE)) {
    gst_clear_buffer (&self->mid_buf);
    *detail = g_strdup_printf ("cannot allocate a %ux%u intermediate frame",
        mid_w, mid_h);
    return IMCORE_ERROR_OUT_OF_MEMORY;
  }
  gst_im_video_frame_view (&mid, &img);
  err = is_jpeg ? imcore_jpeg_decode (self->jpeg, data, len, denom, &img)
      : imcore_png_decode (self->png, data, len, &img);
  if (err == IMCORE_OK && !gst_imdecode_convert (self, &mid, frame)) {
    gst_video_frame_unmap (&mid);
    *detail = g_strdup_printf ("GstVideoConverter cannot convert %s %ux%u "
        "to %s %ux%u", gst_video_format_to_string (mid_fmt), mid_w, mid_h,
        gst_video_format_to_string (out_fmt), GST_VIDEO_FRAME_WIDTH (frame),
        GST_VIDEO_FRAME_HEIGHT (frame));
    return IMCORE_ERROR_UNSUPPORTED_FORMAT;
  }
  gst_video_frame_unmap (&mid);

done:
  if (err != IMCORE_OK) {
    const gchar *lib = is_jpeg ? imcore_jpeg_decoder_last_error (self->jpeg)
        : imcore_png_decoder_last_error (self->png);

    *detail = g_strdup_printf ("%s%s%s", imcore_strerror (err),
        lib[0] ? ": " : "", lib);
  }
  return err;
}

/* Decodes one whole image and pushes it with the timestamps of @timing
 * (none when NULL). *@corrupt tells whether it was refused for being
 * corrupt (rather than pushed, or refused for its size). */
static GstFlowReturn
gst_imdecode_image (GstImdecode * self, const GstImdecodeSettings * s,
    const guint8 * data, gsize len, GstBuffer * timing, gboolean * corrupt)
{
  ImcoreImageKind image_kind = imcore_image_kind (data, len);
  gboolean is_jpeg = image_kind == IMCORE_IMAGE_JPEG;
  ImcoreJpegInfo jinfo = { 0 };
  ImcorePngInfo pinfo;
  guint width, height, out_w, out_h;
  const gchar *kind;
  GstBuffer *outbuf;
  GstVideoFrame frame;
  gchar *detail = NULL, *what = NULL;
  GstFlowReturn ret;
  ImcoreError err;

  *corrupt = TRUE;
  if (is_jpeg) {
    kind = "JPEG";
    err = imcore_jpeg_read_info (self->jpeg, data, len, &jinfo);
    width = jinfo.width;
    height = jinfo.height;
  } else if (image_kind == IMCORE_IMAGE_PNG) {
    kind = "PNG";
    err = imcore_png_decoder_read_info (self->png, data, len, &pinfo);
    width = pinfo.width;
    height = pinfo.height;
  } else {
    return gst_imdecode_refuse_image (self, s, "Not a JPEG or PNG image",
        "the data starts with neither the JPEG (FF D8 FF) nor the PNG "
        "signature; accepted: JPEG, PNG, or their base64 text");
  }
  if (err != IMCORE_OK) {
    const gchar *lib = is_jpeg ? imcore_jpeg_decoder_last_error (self->jpeg)
        : imcore_png_decoder_last_error (self->png);

    what = g_strdup_printf ("Corrupt %s header", kind);
    detail = g_strdup_printf ("%s%s%s", imcore_strerror (err),
        lib[0] ? ": " : "", lib);
    ret = gst_imdecode_refuse_image (self, s, what, detail);
    goto out;
  }
  *corrupt = FALSE;
  if ((guint64) width * height > s->max_pixels) {
    what = g_strdup_printf ("%s image of %ux%u is too large", kind, width,
        height);
    detail = g_strdup_printf ("%" G_GUINT64_FORMAT " pixels, more than "
        "max-pixels (%" G_GUINT64_FORMAT ")", (guint64) width * height,
        s->max_pixels);
    ret = gst_imdecode_refuse_image (self, s, what, detail);
    goto out;
  }
  imcore_scaled_size (width, height, s->scale, &out_w, &out_h);

  if (!self->negotiated || gst_pad_check_reconfigure (self->srcpad) ||
      GST_VIDEO_INFO_WIDTH (&self->out_info) != (gint) out_w ||
      GST_VIDEO_INFO_HEIGHT (&self->out_info) != (gint) out_h) {
    if (!gst_imdecode_negotiate (self, out_w, out_h)) {
      gst_pad_mark_reconfigure (self->srcpad);
      return GST_PAD_IS_FLUSHING (self->srcpad) ? GST_FLOW_FLUSHING :
          GST_FLOW_NOT_NEGOTIATED;
    }
  }

  outbuf = NULL;
  ret = gst_buffer_pool_acquire_buffer (self->pool, &outbuf, NULL);
  if (ret != GST_FLOW_OK)
    return ret;
  if (!gst_video_frame_map (&frame, &self->out_info, outbuf, GST_MAP_WRITE)) {
    gst_clear_buffer (&outbuf);
    GST_ELEMENT_ERROR (self, RESOURCE, NO_SPACE_LEFT, (NULL),
        ("cannot allocate a %ux%u frame", out_w, out_h));
    return GST_FLOW_ERROR;
  }
  err = gst_imdecode_decode_into (self, is_jpeg, &jinfo, width, height,
      s->scale, data, len, &frame, &detail);
  gst_video_frame_unmap (&frame);
  if (err != IMCORE_OK) {
    gst_buffer_unref (outbuf);
    *corrupt = TRUE;
    what = g_strdup_printf ("Corrupt or unsupported %s image (%ux%u)", kind,
        width, height);
    ret = gst_imdecode_refuse_image (self, s, what, detail);
    goto out;
  }

  if (timing)
    gst_buffer_copy_into (outbuf, timing, GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
  if (self->discont || (timing && GST_BUFFER_IS_DISCONT (timing))) {
    GST_BUFFER_FLAG_SET (outbuf, GST_BUFFER_FLAG_DISCONT);
    self->discont = FALSE;
  }
  self->warned_not_image = FALSE;
  self->warned_text = FALSE;
  self->last_good = image_kind;
  return gst_pad_push (self->srcpad, outbuf);

out:
  g_free (what);
  g_free (detail);
  return ret;
}

/* Posts the warning for the bytes skipped since the last image, now that
 * they end (at @until): one warning for the whole run, and one until an
 * image decodes. */
static void
gst_imdecode_end_skipped (GstImdecode * self, const gchar * until)
{
  const gchar *after;

  if (self->skipped == 0)
    return;
  after = self->skipped_after == IMCORE_IMAGE_JPEG ? "JPEG" :
      self->skipped_after == IMCORE_IMAGE_PNG ? "PNG" : NULL;
  if (self->warned_not_image) {
    GST_DEBUG_OBJECT (self, "%" G_GUINT64_FORMAT " more bytes skipped up to "
        "%s", self->skipped, until);
  } else if (after) {
    GST_ELEMENT_WARNING (self, STREAM, DECODE,
        ("Skipped %" G_GUINT64_FORMAT " trailing bytes after a %s image: "
            "not a JPEG or PNG image", self->skipped, after),
        ("the bytes after the image's end (%s) up to %s are no image; "
            "the image itself was decoded (warned once until an image "
            "decodes). Accepted: JPEG, PNG, or their base64 text",
            after[0] == 'J' ? "EOI, FF D9" : "IEND", until));
    self->warned_not_image = TRUE;
  } else {
    GST_ELEMENT_WARNING (self, STREAM, DECODE,
        ("Skipped %" G_GUINT64_FORMAT " bytes that are not a JPEG or PNG "
            "image", self->skipped),
        ("skipped up to %s (warned once until an image decodes). "
            "Accepted: JPEG (starting FF D8 FF), PNG (starting with its "
            "8-byte signature), or their base64 text", until));
    self->warned_not_image = TRUE;
  }
  self->skipped = 0;
}

/* Skips @n bytes that are not an image, counting them for the warning
 * posted when the run of them ends; with strict=true an error. */
static GstFlowReturn
gst_imdecode_skip (GstImdecode * self, const GstImdecodeSettings * s,
    gsize n)
{
  if (s->strict) {
    GST_ELEMENT_ERROR (self, STREAM, DECODE, ("Not a JPEG or PNG image"),
        ("the data starts with neither the JPEG (FF D8 FF) nor the PNG "
            "signature; accepted: JPEG, PNG, or their base64 text "
            "(strict=true)"));
    return GST_FLOW_ERROR;
  }
  if (self->skipped == 0)
    self->skipped_after = self->last_good;
  self->skipped += n;
  self->last_good = IMCORE_IMAGE_UNKNOWN;
  self->discont = TRUE;
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
gst_imdecode_frames (GstImdecode * self, const GstImdecodeSettings * s,
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
    gboolean corrupt;

    res = imcore_scan_image (scan, data + off, len - off, &image_len);
    if (res == IMCORE_SCAN_NOT_IMAGE) {
      gsize skip = imcore_scan_find_start (data + off, len - off);

      skip = MAX (skip, 1);
      ret = gst_imdecode_skip (self, s, skip);
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
      ret = gst_imdecode_skip (self, s, len - off);
      off = len;
      break;
    }
    /* an image begins: the bytes skipped before it are over */
    gst_imdecode_end_skipped (self, scan->kind == IMCORE_IMAGE_JPEG ?
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
    GST_LOG_OBJECT (self, "image at %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
        " bytes (of %" G_GSIZE_FORMAT ")", off, (gsize) image_len, len);
    ret = gst_imdecode_image (self, s, data + off, image_len, stamps,
        &corrupt);
    if (corrupt && image_len > 1) {
      /* A cut image's stated segment or chunk lengths may have carried the
       * scan into the next image: go on from the first signature inside
       * the refused bytes, if any. */
      gsize restart = imcore_scan_find_start (data + off + 1,
          image_len - 1) + 1;

      if (restart < image_len)
        image_len = restart;
    }
    off += image_len;
    imcore_scan_reset (scan);
  }
  *consumed = off;
  return ret;
}

/* Bytes cut anywhere: whole images in them are decoded in place; the start
 * of an unfinished one waits in self->pending. @inbuf gives the timestamps
 * (and DISCONT) of images starting in @data. */
static GstFlowReturn
gst_imdecode_binary (GstImdecode * self, const GstImdecodeSettings * s,
    const guint8 * data, gsize len, GstBuffer * inbuf)
{
  ImcoreImageKind starts = imcore_image_kind (data, len);
  GstFlowReturn ret = GST_FLOW_OK;
  gsize consumed = 0, old_len;
  gboolean inbuf_used = FALSE;

  if (self->pending->len > 0 && (starts == IMCORE_IMAGE_PNG ||
          (self->framed && starts == IMCORE_IMAGE_JPEG))) {
    /* A new image at a buffer start ends an unfinished one that was cut
     * short: for PNG always (its signature never occurs inside an image
     * by chance), for JPEG when buffers have held whole images so far (a
     * JPEG may embed a thumbnail JPEG, which a cut could expose). */
    ret = gst_imdecode_frames (self, s, &self->scan, self->pending->data,
        self->pending->len, self->pending_timing, NULL, 0, NULL, TRUE,
        &consumed);
    gst_imdecode_drop_pending (self);
    if (ret != GST_FLOW_OK)
      return ret;
  }

  if (self->pending->len == 0) {
    ret = gst_imdecode_frames (self, s, &self->scan, data, len, inbuf, NULL,
        0, NULL, FALSE, &consumed);
    if (consumed == len && len > 0)
      self->framed = TRUE;
    if (ret == GST_FLOW_OK && consumed < len) {
      g_byte_array_append (self->pending, data + consumed, len - consumed);
      gst_clear_buffer (&self->pending_timing);
      self->pending_timing = gst_buffer_new ();
      if (consumed == 0)
        gst_buffer_copy_into (self->pending_timing, inbuf,
            GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
    }
    return ret;
  }

  if (self->pending->len + (guint64) len > MAX_PENDING_BYTES) {
    gchar *detail = g_strdup_printf ("no end found in %" G_GSIZE_FORMAT
        " bytes", MAX_PENDING_BYTES);

    gst_imdecode_drop_pending (self);
    ret = gst_imdecode_refuse_image (self, s, "Image data too long", detail);
    g_free (detail);
    return ret;
  }
  old_len = self->pending->len;
  g_byte_array_append (self->pending, data, len);
  ret = gst_imdecode_frames (self, s, &self->scan, self->pending->data,
      self->pending->len, self->pending_timing, inbuf, old_len, &inbuf_used,
      FALSE, &consumed);
  if (consumed > 0) {
    /* an image was put together from several buffers */
    self->framed = FALSE;
    g_byte_array_remove_range (self->pending, 0, consumed);
    gst_clear_buffer (&self->pending_timing);
    if (self->pending->len > 0) {
      /* what is left began in this buffer: its timestamps, unless an
       * earlier image starting in it took them */
      self->pending_timing = gst_buffer_new ();
      if (consumed >= old_len && !inbuf_used)
        gst_buffer_copy_into (self->pending_timing, inbuf,
            GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
    } else {
      imcore_scan_reset (&self->scan);
    }
  }
  return ret;
}

/* The stream ends (EOS, or a caps change says other bytes follow): an
 * unfinished image is decoded, and refused, as the truncated image it is;
 * bytes skipped before it are reported as ending at @until. */
static GstFlowReturn
gst_imdecode_finish_binary (GstImdecode * self,
    const GstImdecodeSettings * s, const gchar * until)
{
  GstFlowReturn ret = GST_FLOW_OK;

  if (self->pending->len > 0) {
    gsize consumed;

    ret = gst_imdecode_frames (self, s, &self->scan, self->pending->data,
        self->pending->len, self->pending_timing, NULL, 0, NULL, TRUE,
        &consumed);
    gst_imdecode_drop_pending (self);
  }
  gst_imdecode_end_skipped (self, until);
  return ret;
}

/* Base64 text that could not be decoded: the bytes of an unfinished image
 * before it are lost with it. Warned once until an image decodes (for
 * text without caps) or for each record (application/x-base64). */
static GstFlowReturn
gst_imdecode_bad_text (GstImdecode * self, const GstImdecodeSettings * s,
    const gchar * what, const gchar * detail)
{
  gboolean had_image = self->pending->len > 0;
  gchar *msg;
  GstFlowReturn ret = GST_FLOW_OK;

  gst_imdecode_drop_pending (self);
  self->last_good = IMCORE_IMAGE_UNKNOWN;
  msg = g_strdup_printf ("%s%s", what, had_image ?
      "; the unfinished image before it was dropped" : "");
  if (self->input == INPUT_TEXT && self->warned_text && !s->strict) {
    GST_DEBUG_OBJECT (self, "%s: %s", msg, detail);
    self->discont = TRUE;
  } else {
    ret = gst_imdecode_refuse (self, s, msg, detail);
    self->warned_text = self->input == INPUT_TEXT;
  }
  g_free (msg);
  return ret;
}

/* Decodes base64 text (whole groups, or a record's end) and hands the bytes
 * to gst_imdecode_binary(). @where names the text in messages. */
static GstFlowReturn
gst_imdecode_decode_text (GstImdecode * self, const GstImdecodeSettings * s,
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

    ret = gst_imdecode_bad_text (self, s, what, detail);
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
    GST_ELEMENT_ERROR (self, RESOURCE, FAILED, (NULL),
        ("cannot map decoded base64"));
    return GST_FLOW_ERROR;
  }
  ret = gst_imdecode_binary (self, s, map.data, map.size, timing);
  gst_buffer_unmap (bin, &map);
  gst_buffer_unref (bin);
  return ret;
}

/* application/x-base64: each buffer is one record. Its bytes join the
 * byte stream, so a record may hold an image, several, or a piece of one
 * (a record split across buffers, as base64enc records=stream sends). */
static GstFlowReturn
gst_imdecode_record (GstImdecode * self, const GstImdecodeSettings * s,
    const guint8 * text, gsize len, GstBuffer * inbuf)
{
  gsize i, prefix;

  for (i = 0; i < len && g_ascii_isspace (text[i]); i++);
  prefix = imcore_base64_skip_data_uri ((const char *) text + i, len - i);
  for (i += prefix; i < len && g_ascii_isspace (text[i]); i++);
  if (i == len) {
    return gst_imdecode_refuse (self, s, "Empty base64 image text",
        "the record (an input buffer) holds no base64 characters");
  }
  return gst_imdecode_decode_text (self, s, text, len, inbuf,
      "an application/x-base64 record");
}

/* INPUT_TEXT: decodes the text held for the current record (as far as it
 * goes: a record's end, or whole groups) and forgets it. */
static GstFlowReturn
gst_imdecode_flush_text (GstImdecode * self, const GstImdecodeSettings * s)
{
  gchar *where;
  GstFlowReturn ret;

  if (self->text->len == 0)
    return GST_FLOW_OK;
  where = g_strdup_printf ("line %" G_GUINT64_FORMAT, self->line);
  ret = gst_imdecode_decode_text (self, s, self->text->data, self->text->len,
      self->text_timing, where);
  g_free (where);
  self->line_bytes += self->text->len;
  gst_imdecode_drop_text (self);
  return ret;
}

/* INPUT_TEXT: base64 text with no framing (a file, a socket). Each line is
 * a record; its text is decoded whenever it holds whole 4-character groups
 * (so a long line is not held whole) and at its end, and the bytes go to
 * the image framing, which puts images together across records (MIME's
 * 76-character lines). */
static GstFlowReturn
gst_imdecode_text (GstImdecode * self, const GstImdecodeSettings * s,
    const guint8 * data, gsize len, GstBuffer * inbuf)
{
  GstFlowReturn ret = GST_FLOW_OK;
  gboolean stamped = FALSE;
  gsize off = 0;

  while (off < len && ret == GST_FLOW_OK) {
    ImcoreSplitResult res;
    size_t used;

    if (self->skip_line) {
      const guint8 *nl = memchr (data + off, '\n', len - off);

      if (!nl)
        break;
      off = nl - data + 1;
      self->skip_line = FALSE;
      self->line++;
      self->line_bytes = 0;
      continue;
    }
    res = imcore_base64_split (&self->split, data + off, len - off, &used);
    if (res == IMCORE_SPLIT_INVALID) {
      guint8 c = data[off + used];
      gchar *bad = g_ascii_isgraph (c) ? g_strdup_printf ("character '%c'",
          c) : g_strdup_printf ("byte 0x%02x", c);
      gchar *what = g_strdup_printf ("Invalid base64 image text on line %"
          G_GUINT64_FORMAT ": %s at byte %" G_GUINT64_FORMAT
          "; rest of the line skipped", self->line, bad,
          self->line_bytes + self->text->len + used);

      g_free (bad);
      gst_imdecode_drop_text (self);
      ret = gst_imdecode_bad_text (self, s, what,
          "without caps, text is taken as base64 records, one per line; "
          GST_IM_BASE64_ACCEPTED);
      g_free (what);
      off += used;
      self->skip_line = TRUE;
      imcore_base64_splitter_restart (&self->split);
      continue;
    }
    if (self->text->len == 0 && !self->text_timing) {
      self->text_timing = gst_buffer_new ();
      if (!stamped)
        gst_buffer_copy_into (self->text_timing, inbuf,
            GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
      stamped = TRUE;
    }
    if (self->text->len + (guint64) used > MAX_PENDING_BYTES) {
      gst_imdecode_drop_text (self);
      ret = gst_imdecode_bad_text (self, s, "Base64 line too long",
          "no end of the line's text in 512 MiB; rest of the line skipped");
      off += used;
      self->skip_line = res == IMCORE_SPLIT_MORE;
      imcore_base64_splitter_restart (&self->split);
      continue;
    }
    g_byte_array_append (self->text, data + off, used);
    off += used;
    if (res == IMCORE_SPLIT_END) {
      /* (a record ended by its padding may end before this buffer) */
      gboolean newline = used > 0 && data[off - 1] == '\n';

      ret = gst_imdecode_flush_text (self, s);
      if (newline) {
        self->line++;
        self->line_bytes = 0;
      }
    } else if (imcore_base64_splitter_at_group_end (&self->split)) {
      ret = gst_imdecode_flush_text (self, s);
    } else if (!imcore_base64_splitter_in_record (&self->split)) {
      /* only whitespace: nothing to keep */
      self->line_bytes += self->text->len;
      gst_imdecode_drop_text (self);
    }
  }
  return ret;
}

/* Whether the sniffed bytes so far tell text from binary: sets
 * self->input and returns TRUE, or FALSE to wait for more (unless @eos). */
static gboolean
gst_imdecode_sniff_decide (GstImdecode * self, const guint8 * data,
    gsize len, gboolean eos)
{
  gsize off = 0;

  while (off < len) {
    size_t used;

    switch (imcore_base64_split (&self->sniff, data + off, len - off,
            &used)) {
      case IMCORE_SPLIT_INVALID:
        self->input = INPUT_BINARY;
        return TRUE;
      case IMCORE_SPLIT_END:
        if (self->sniff.total_chars > 0) {
          self->input = INPUT_TEXT;
          return TRUE;
        }
        break;
      case IMCORE_SPLIT_MORE:
        break;
    }
    off += used;
    if (self->sniff.total_chars >= 64) {
      self->input = INPUT_TEXT;
      return TRUE;
    }
  }
  if (eos || self->sniff_bytes > 65536) {
    self->input = self->sniff.total_chars > 0 ? INPUT_TEXT : INPUT_BINARY;
    return TRUE;
  }
  return FALSE;
}

static GstFlowReturn gst_imdecode_process (GstImdecode * self,
    const GstImdecodeSettings * s, GstBuffer * inbuf);

/* No caps: @inbuf (NULL at EOS) is held until the first bytes tell base64
 * text (base64 characters, whitespace, data URI prefixes, over a whole
 * line or 64 characters) from anything else, which is taken as binary:
 * images, or bytes skipped up to one. Then the held buffers are decoded. */
static GstFlowReturn
gst_imdecode_sniff (GstImdecode * self, const GstImdecodeSettings * s,
    GstBuffer * inbuf)
{
  GstFlowReturn ret = GST_FLOW_OK;
  gboolean decided;
  GstBuffer *buf;

  if (inbuf) {
    GstMapInfo map;

    if (!gst_buffer_map (inbuf, &map, GST_MAP_READ)) {
      gst_buffer_unref (inbuf);
      return gst_imdecode_refuse (self, s, "Cannot read an input buffer",
          "mapping the buffer failed");
    }
    self->sniff_bytes += map.size;
    decided = gst_imdecode_sniff_decide (self, map.data, map.size, FALSE);
    gst_buffer_unmap (inbuf, &map);
    g_queue_push_tail (&self->sniff_held, inbuf);
  } else {
    decided = gst_imdecode_sniff_decide (self, NULL, 0, TRUE);
  }
  if (!decided)
    return GST_FLOW_OK;

  GST_DEBUG_OBJECT (self, "no caps, the data is %s after %" G_GSIZE_FORMAT
      " bytes", self->input == INPUT_TEXT ? "base64 text" : "binary",
      self->sniff_bytes);
  while ((buf = g_queue_pop_head (&self->sniff_held))) {
    if (ret == GST_FLOW_OK)
      ret = gst_imdecode_process (self, s, buf);
    else
      gst_buffer_unref (buf);
  }
  gst_imdecode_drop_sniffed (self);
  return ret;
}

/* Decodes @inbuf (taken) as self->input says. */
static GstFlowReturn
gst_imdecode_process (GstImdecode * self, const GstImdecodeSettings * s,
    GstBuffer * inbuf)
{
  GstMapInfo map;
  GstFlowReturn ret;

  if (self->input == INPUT_SNIFF)
    return gst_imdecode_sniff (self, s, inbuf);

  if (!gst_buffer_map (inbuf, &map, GST_MAP_READ)) {
    gst_buffer_unref (inbuf);
    return gst_imdecode_refuse (self, s, "Cannot read an input buffer",
        "mapping the buffer failed");
  }
  switch (self->input) {
    case INPUT_RECORDS:
      ret = gst_imdecode_record (self, s, map.data, map.size, inbuf);
      break;
    case INPUT_TEXT:
      ret = gst_imdecode_text (self, s, map.data, map.size, inbuf);
      break;
    default:
      ret = gst_imdecode_binary (self, s, map.data, map.size, inbuf);
      break;
  }
  gst_buffer_unmap (inbuf, &map);
  gst_buffer_unref (inbuf);
  return ret;
}

static GstFlowReturn
gst_imdecode_chain (GstPad * pad, GstObject * parent, GstBuffer * inbuf)
{
  GstImdecode *self = GST_IMDECODE (parent);
  GstImdecodeSettings s;

  GST_OBJECT_LOCK (self);
  s = self->settings;
  GST_OBJECT_UNLOCK (self);

  return gst_imdecode_process (self, &s, inbuf);
}

/* The input ends (EOS, or new caps): held or unfinished data is decoded as
 * all there is. */
static void
gst_imdecode_finish_input (GstImdecode * self, const gchar * until)
{
  GstImdecodeSettings s;

  GST_OBJECT_LOCK (self);
  s = self->settings;
  GST_OBJECT_UNLOCK (self);

  if (self->input == INPUT_SNIFF)
    gst_imdecode_sniff (self, &s, NULL);
  if (self->input == INPUT_TEXT) {
    gst_imdecode_flush_text (self, &s);
    self->skip_line = FALSE;
    imcore_base64_splitter_restart (&self->split);
  }
  gst_imdecode_finish_binary (self, &s, until);
}

/* ---- events and queries ---- */

static gboolean
gst_imdecode_sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstImdecode *self = GST_IMDECODE (parent);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:{
      GstCaps *caps;
      GstStructure *st;
      GstImdecodeInput input;

      gst_event_parse_caps (event, &caps);
      st = gst_caps_get_structure (caps, 0);
      input = gst_structure_has_name (st, "application/x-base64") ?
          INPUT_RECORDS : INPUT_BINARY;
      if (input != self->input) {
        /* what came before was all of its kind */
        gst_imdecode_finish_input (self, "new caps");
        self->input = input;
      }
      if (!gst_structure_get_fraction (st, "framerate", &self->fps_n,
              &self->fps_d) || self->fps_d == 0) {
        self->fps_n = 0;
        self->fps_d = 1;
      }
      /* the source caps follow the first image */
      gst_event_unref (event);
      return TRUE;
    }
    case GST_EVENT_FLUSH_STOP:
      gst_im_held_events_clear (&self->held);
      gst_imdecode_drop_pending (self);
      gst_imdecode_drop_text (self);
      gst_imdecode_drop_sniffed (self);
      imcore_base64_splitter_restart (&self->split);
      self->skip_line = FALSE;
      self->skipped = 0;
      self->discont = TRUE;
      break;
    case GST_EVENT_EOS:
      gst_imdecode_finish_input (self, "the end of the stream");
      gst_im_held_events_push (&self->held, self->srcpad);
      break;
    default:
      if (gst_im_held_events_hold (&self->held, self->srcpad, event))
        return TRUE;
      break;
  }
  return gst_pad_event_default (pad, parent, event);
}

static gboolean
gst_imdecode_src_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:
      return gst_im_pad_answer_caps_query (pad, query);
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

/* ---- properties ---- */

static void
gst_imdecode_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstImdecode *self = GST_IMDECODE (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_SCALE:
      self->settings.scale = g_value_get_enum (value);
      break;
    case PROP_MAX_PIXELS:
      self->settings.max_pixels = g_value_get_uint64 (value);
      break;
    case PROP_STRICT:
      self->settings.strict = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_imdecode_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstImdecode *self = GST_IMDECODE (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_SCALE:
      g_value_set_enum (value, self->settings.scale);
      break;
    case PROP_MAX_PIXELS:
      g_value_set_uint64 (value, self->settings.max_pixels);
      break;
    case PROP_STRICT:
      g_value_set_boolean (value, self->settings.strict);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}
