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

#include "gstimdecode.h"
#include "gstimdecodeinput.h"
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

struct _GstImdecode
{
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;

  /* under the object lock */
  GstImdecodeSettings settings;

  /* streaming thread only */
  GstImdecodeSettings current;  /* copied for each buffer */
  GstImInput input;             /* bytes, records, text to images */
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
  gboolean discont;             /* the next frame follows a drop */
  GstImHeldEvents held;
};

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
static GstFlowReturn gst_imdecode_image (gpointer user_data,
    const guint8 * data, gsize len, GstBuffer * timing, gboolean discont,
    GstImInputOutcome * outcome);

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
  gst_pad_use_fixed_caps (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);

  self->settings.scale = DEFAULT_SCALE;
  self->settings.max_pixels = DEFAULT_MAX_PIXELS;
  self->settings.strict = DEFAULT_STRICT;
  self->fps_d = 1;
  gst_im_input_init (&self->input, GST_ELEMENT (self), gst_imdecode_image,
      self);
}

static void
gst_imdecode_drop_pool (GstImdecode * self)
{
  if (self->pool) {
    gst_buffer_pool_set_active (self->pool, FALSE);
    gst_clear_object (&self->pool);
  }
}

static void
gst_imdecode_reset (GstImdecode * self)
{
  self->fps_n = 0;
  self->fps_d = 1;
  self->negotiated = FALSE;
  self->discont = FALSE;
  g_clear_pointer (&self->jpeg, imcore_jpeg_decoder_free);
  g_clear_pointer (&self->png, imcore_png_decoder_free);
  g_clear_pointer (&self->convert, gst_video_converter_free);
  gst_clear_buffer (&self->mid_buf);
  gst_im_held_events_clear (&self->held);
  gst_im_input_reset (&self->input);
  gst_imdecode_drop_pool (self);
}

static void
gst_imdecode_finalize (GObject * object)
{
  GstImdecode *self = GST_IMDECODE (object);

  gst_imdecode_reset (self);
  gst_im_input_clear (&self->input);

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

/* GstImInputImageFunc: decodes one whole image with the settings of the
 * buffer being handled and pushes it with the timestamps of @timing (none
 * when NULL), marked DISCONT after anything dropped. */
static GstFlowReturn
gst_imdecode_image (gpointer user_data, const guint8 * data, gsize len,
    GstBuffer * timing, gboolean discont, GstImInputOutcome * outcome)
{
  GstImdecode *self = user_data;
  const GstImdecodeSettings *s = &self->current;
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

  /* kept until a frame goes out */
  self->discont |= discont;
  *outcome = GST_IM_INPUT_IMAGE_CORRUPT;
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
  *outcome = GST_IM_INPUT_IMAGE_REFUSED;
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
    *outcome = GST_IM_INPUT_IMAGE_CORRUPT;
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
  *outcome = GST_IM_INPUT_IMAGE_DECODED;
  return gst_pad_push (self->srcpad, outbuf);

out:
  g_free (what);
  g_free (detail);
  return ret;
}

/* Copies the settings for the images the input is about to hand on (those
 * of a buffer, or the last ones an event releases); returns strict. */
static gboolean
gst_imdecode_take_settings (GstImdecode * self)
{
  GST_OBJECT_LOCK (self);
  self->current = self->settings;
  GST_OBJECT_UNLOCK (self);
  return self->current.strict;
}

static GstFlowReturn
gst_imdecode_chain (GstPad * pad, GstObject * parent, GstBuffer * inbuf)
{
  GstImdecode *self = GST_IMDECODE (parent);

  return gst_im_input_push (&self->input, inbuf,
      gst_imdecode_take_settings (self));
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

      gst_event_parse_caps (event, &caps);
      st = gst_caps_get_structure (caps, 0);
      /* what came before new caps of another kind was all of its kind */
      gst_im_input_set_kind (&self->input,
          gst_structure_has_name (st, "application/x-base64") ?
          GST_IM_INPUT_RECORDS : GST_IM_INPUT_BINARY,
          gst_imdecode_take_settings (self));
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
      gst_im_input_flush (&self->input);
      break;
    case GST_EVENT_EOS:
      gst_im_input_finish (&self->input,
          gst_imdecode_take_settings (self));
      gst_im_held_events_push (&self->held, self->srcpad);
      break;
    default:
      if (gst_im_held_events_hold (&self->held, self->srcpad, event))
        return TRUE;
      break;
  }
  return gst_pad_event_default (pad, parent, event);
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
