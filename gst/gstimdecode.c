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
 * Images are decoded on several threads (threads, default one per core):
 * the streaming thread finds where each image ends, reads its header,
 * negotiates and hands the image to a worker; frames go out in input order
 * with the same timestamps, flags, caps and messages as with threads=1,
 * which decodes in the streaming thread.
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
#include "gstimparallel.h"
#include "imcore.h"

GST_DEBUG_CATEGORY_STATIC (gst_imdecode_debug);
#define GST_CAT_DEFAULT gst_imdecode_debug

#define DEFAULT_SCALE GST_IMDECODE_SCALE_1
#define DEFAULT_MAX_PIXELS G_GUINT64_CONSTANT (100000000)
#define DEFAULT_STRICT FALSE
#define DEFAULT_THREADS 0

/* Full-range BT.601 with sRGB transfer and primaries: what JFIF YCbCr is,
 * and what I420 converted from PNG is made to be too. */
#define JPEG_COLORIMETRY "1:4:13:1"

enum
{
  PROP_0,
  PROP_SCALE,
  PROP_MAX_PIXELS,
  PROP_STRICT,
  PROP_THREADS,
};

/* The properties, copied under the object lock once per image. */
typedef struct
{
  GstImdecodeScale scale;
  guint64 max_pixels;
  gboolean strict;
  guint threads;
} GstImdecodeSettings;

/* One thread's decoders and scratch: the streaming thread's (headers, and
 * every image with threads=1) and each worker's. */
typedef struct
{
  ImcoreJpegDecoder *jpeg;
  ImcorePngDecoder *png;
  GstVideoConverter *convert;
  GstVideoInfo convert_in, convert_out;
  GstBuffer *mid_buf;           /* decoded image before conversion */
  GstVideoInfo mid_info;
} GstImdecodeDecoder;

/* One image whose header was read: framed and negotiated in the streaming
 * thread, decoded by a worker (or the streaming thread with threads=1),
 * pushed in input order. Lives in the work pool's slots. */
typedef struct
{
  const guint8 *data;           /* the image's bytes */
  gsize len;
  gboolean owns_data;           /* a copy (threads), freed with the job */
  gboolean is_jpeg;
  ImcoreJpegInfo jinfo;
  guint width, height;          /* full size */
  guint denom;
  gboolean strict;
  GstVideoInfo info;            /* of the output frame */
  GstBuffer *outbuf;            /* from the output pool; the frame */
  GstClockTime pts, dts, duration;
  guint64 offset, offset_end;
  gboolean discont;             /* anything dropped before, or upstream's */
  /* the decode's result */
  gboolean map_failed;
  ImcoreError err;
  gchar *detail;
} GstImdecodeJob;

struct _GstImdecode
{
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;

  /* under the object lock */
  GstImdecodeSettings settings;

  /* streaming thread only (fps_n, fps_d: written under the object lock) */
  GstImdecodeSettings current;  /* copied for each buffer */
  GstImInput input;             /* bytes, records, text to images */
  gint fps_n, fps_d;
  GstVideoInfo out_info;        /* valid when negotiated */
  gboolean negotiated;
  GstBufferPool *pool;          /* output frames of out_info */
  GstImdecodeDecoder *dec;      /* headers */
  GstImParallel *par;           /* decoding threads, events in order */

  /* in output order: changed by finish, or by the streaming thread with
   * no image in flight */
  gboolean discont;             /* the next frame follows a drop */
  gboolean settle_decoded;      /* a frame went out since the last settle */
  GstImInputOutcome settle_last;        /* of the last image finished */
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
static gboolean gst_imdecode_sink_query (GstPad * pad, GstObject * parent,
    GstQuery * query);
static gboolean gst_imdecode_src_event (GstPad * pad, GstObject * parent,
    GstEvent * event);
static gboolean gst_imdecode_src_query (GstPad * pad, GstObject * parent,
    GstQuery * query);
static GstFlowReturn gst_imdecode_image (gpointer user_data,
    const guint8 * data, gsize len, GstBuffer * timing, gboolean discont,
    GstImInputOutcome * outcome);
static const GstImWorkPoolFuncs gst_imdecode_pool_funcs;
static GstFlowReturn gst_imdecode_settle (gpointer user_data,
    gboolean * decoded_any, GstImInputOutcome * last);

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
  g_object_class_install_property (gobject_class, PROP_THREADS,
      g_param_spec_uint ("threads", "Threads",
          "Decoder threads (0 = one per CPU core, 1 = decode in the "
          "streaming thread). With more than one, images are decoded in "
          "parallel, up to twice as many in flight as threads (fewer for "
          "large frames), and frames still come out in input order",
          0, GST_IM_PARALLEL_MAX_THREADS, DEFAULT_THREADS, flags));

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
  gst_pad_set_query_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_imdecode_sink_query));
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_set_event_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_imdecode_src_event));
  gst_pad_set_query_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_imdecode_src_query));
  gst_pad_use_fixed_caps (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);

  self->settings.scale = DEFAULT_SCALE;
  self->settings.max_pixels = DEFAULT_MAX_PIXELS;
  self->settings.strict = DEFAULT_STRICT;
  self->settings.threads = DEFAULT_THREADS;
  self->fps_d = 1;
  gst_im_input_init (&self->input, GST_ELEMENT (self), gst_imdecode_image,
      gst_imdecode_settle, self);
  self->par = gst_im_parallel_new (GST_ELEMENT (self), self->srcpad,
      "imdecode", sizeof (GstImdecodeJob), &gst_imdecode_pool_funcs);
}

static void
gst_imdecode_decoder_free (GstImdecodeDecoder * d)
{
  if (!d)
    return;
  imcore_jpeg_decoder_free (d->jpeg);
  imcore_png_decoder_free (d->png);
  if (d->convert)
    gst_video_converter_free (d->convert);
  gst_clear_buffer (&d->mid_buf);
  g_free (d);
}

/* A thread's decoders, or NULL when out of memory. */
static GstImdecodeDecoder *
gst_imdecode_decoder_new (void)
{
  GstImdecodeDecoder *d = g_new0 (GstImdecodeDecoder, 1);

  d->jpeg = imcore_jpeg_decoder_new ();
  d->png = imcore_png_decoder_new ();
  if (!d->jpeg || !d->png) {
    gst_imdecode_decoder_free (d);
    return NULL;
  }
  return d;
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
  gst_im_parallel_flush_start (self->par);
  gst_im_parallel_stop (self->par);
  self->discont = FALSE;
  self->settle_decoded = FALSE;
  self->settle_last = GST_IM_INPUT_IMAGE_REFUSED;
  g_clear_pointer (&self->dec, gst_imdecode_decoder_free);
  gst_im_input_reset (&self->input);
  gst_imdecode_drop_pool (self);
}

static void
gst_imdecode_finalize (GObject * object)
{
  GstImdecode *self = GST_IMDECODE (object);

  gst_imdecode_reset (self);
  gst_im_parallel_free (self->par);
  gst_im_input_clear (&self->input);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static GstStateChangeReturn
gst_imdecode_change_state (GstElement * element, GstStateChange transition)
{
  GstImdecode *self = GST_IMDECODE (element);
  GstStateChangeReturn ret;
  guint threads;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    gst_imdecode_reset (self);
    self->dec = gst_imdecode_decoder_new ();
    if (!self->dec) {
      GST_ELEMENT_ERROR (self, RESOURCE, FAILED, (NULL),
          ("cannot create the JPEG and PNG decoders (out of memory)"));
      return GST_STATE_CHANGE_FAILURE;
    }
    /* threads run from now on, so that queries find them running */
    GST_OBJECT_LOCK (self);
    threads = self->settings.threads;
    GST_OBJECT_UNLOCK (self);
    gst_im_parallel_configure (self->par, threads, 0);
  }
  /* let a streaming thread waiting for room in the pool return */
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    gst_im_parallel_flush_start (self->par);

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
      gst_im_parallel_flush_stop (self->par);
    return ret;
  }
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
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
  gst_im_parallel_release_held (self->par);
  return gst_imdecode_make_pool (self, caps_for_pool);
}

/* ---- decoding ---- */

/* Refused input: a warning saying @what and that the stream goes on, or
 * with @strict an error. Called in output order. */
static GstFlowReturn
gst_imdecode_refuse (GstImdecode * self, gboolean strict, const gchar * what,
    const gchar * detail)
{
  if (strict) {
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
gst_imdecode_refuse_image (GstImdecode * self, gboolean strict,
    const gchar * what, const gchar * detail)
{
  gchar *msg = strict ? g_strdup (what) :
      g_strdup_printf ("%s; image dropped", what);
  GstFlowReturn ret = gst_imdecode_refuse (self, strict, msg, detail);

  g_free (msg);
  return ret;
}

/* Converts the full frame @src into @dest (size and format), caching the
 * converter in @d for the next image of the same kind. FALSE if
 * GstVideoConverter cannot convert between the two (nothing is written
 * then). */
static gboolean
gst_imdecode_convert (GstImdecodeDecoder * d, GstVideoFrame * src,
    GstVideoFrame * dest)
{
  if (!d->convert || !gst_video_info_is_equal (&d->convert_in, &src->info)
      || !gst_video_info_is_equal (&d->convert_out, &dest->info)) {
    g_clear_pointer (&d->convert, gst_video_converter_free);
    d->convert_in = src->info;
    d->convert_out = dest->info;
    d->convert = gst_video_converter_new (&d->convert_in, &d->convert_out,
        gst_structure_new ("config",
            GST_VIDEO_CONVERTER_OPT_RESAMPLER_METHOD,
            GST_TYPE_VIDEO_RESAMPLER_METHOD, GST_VIDEO_RESAMPLER_METHOD_CUBIC,
            /* one image per thread already: no threads of its own */
            GST_VIDEO_CONVERTER_OPT_THREADS, G_TYPE_UINT, 1, NULL));
    if (!d->convert)
      return FALSE;
  }
  gst_video_converter_frame (d->convert, src, dest);
  return TRUE;
}

/* Decodes @data (a JPEG if @is_jpeg, else a PNG) with @d into the mapped
 * @frame, directly when the core writes its format at that size, else
 * through an intermediate frame and one conversion. Returns the core's
 * error and leaves a message in @detail. */
static ImcoreError
gst_imdecode_decode_into (GstImdecodeDecoder * d, gboolean is_jpeg,
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
    err = is_jpeg ? imcore_jpeg_decode (d->jpeg, data, len, denom, &img)
        : imcore_png_decode (d->png, data, len, &img);
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
  if (!d->mid_buf || !gst_video_info_is_equal (&d->mid_info, &mid_info)) {
    gst_clear_buffer (&d->mid_buf);
    d->mid_info = mid_info;
    d->mid_buf = gst_buffer_new_allocate (NULL, mid_info.size, NULL);
  }
  if (!d->mid_buf || !gst_video_frame_map (&mid, &d->mid_info, d->mid_buf,
          GST_MAP_READWRITE)) {
    gst_clear_buffer (&d->mid_buf);
    *detail = g_strdup_printf ("cannot allocate a %ux%u intermediate frame",
        mid_w, mid_h);
    return IMCORE_ERROR_OUT_OF_MEMORY;
  }
  gst_im_video_frame_view (&mid, &img);
  err = is_jpeg ? imcore_jpeg_decode (d->jpeg, data, len, denom, &img)
      : imcore_png_decode (d->png, data, len, &img);
  if (err == IMCORE_OK && !gst_imdecode_convert (d, &mid, frame)) {
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
    const gchar *lib = is_jpeg ? imcore_jpeg_decoder_last_error (d->jpeg)
        : imcore_png_decoder_last_error (d->png);

    *detail = g_strdup_printf ("%s%s%s", imcore_strerror (err),
        lib[0] ? ": " : "", lib);
  }
  return err;
}

/* ---- jobs: one image each ---- */

/* Releases what @job holds. */
static void
gst_imdecode_job_clear (GstImdecodeJob * job)
{
  gst_clear_buffer (&job->outbuf);
  if (job->owns_data)
    g_free ((gpointer) job->data);
  job->data = NULL;
  g_clear_pointer (&job->detail, g_free);
}

/* GstImWorkPoolFuncs.process: decodes @job's image into its frame, with
 * the decoders of the thread it runs in (@thread_state; NULL when they
 * could not be made). */
static void
gst_imdecode_job_process (gpointer thread_state, gpointer data,
    gpointer user_data)
{
  GstImdecodeDecoder *d = thread_state;
  GstImdecodeJob *job = data;
  GstVideoFrame frame;

  if (!d) {
    job->err = IMCORE_ERROR_OUT_OF_MEMORY;
    job->detail = g_strdup ("cannot create the JPEG and PNG decoders of a "
        "decoder thread (out of memory)");
    return;
  }
  if (!gst_video_frame_map (&frame, &job->info, job->outbuf, GST_MAP_WRITE)) {
    job->map_failed = TRUE;
    return;
  }
  job->err = gst_imdecode_decode_into (d, job->is_jpeg, &job->jinfo,
      job->width, job->height, job->denom, job->data, job->len, &frame,
      &job->detail);
  gst_video_frame_unmap (&frame);
}

/* GstImWorkPoolFuncs.finish: in input order, pushes @job's frame with its
 * timestamps (DISCONT after anything dropped), or refuses the image. */
static GstFlowReturn
gst_imdecode_job_finish (gpointer data, gpointer user_data)
{
  GstImdecode *self = user_data;
  GstImdecodeJob *job = data;
  GstBuffer *outbuf;
  GstFlowReturn ret;

  if (job->map_failed) {
    GST_ELEMENT_ERROR (self, RESOURCE, NO_SPACE_LEFT, (NULL),
        ("cannot allocate a %ux%u frame", GST_VIDEO_INFO_WIDTH (&job->info),
            GST_VIDEO_INFO_HEIGHT (&job->info)));
    self->discont |= job->discont;
    self->settle_last = GST_IM_INPUT_IMAGE_REFUSED;
    gst_imdecode_job_clear (job);
    return GST_FLOW_ERROR;
  }
  if (job->err != IMCORE_OK) {
    gchar *what = g_strdup_printf ("Corrupt or unsupported %s image (%ux%u)",
        job->is_jpeg ? "JPEG" : "PNG", job->width, job->height);

    self->discont |= job->discont;
    ret = gst_imdecode_refuse_image (self, job->strict, what, job->detail);
    g_free (what);
    self->settle_last = GST_IM_INPUT_IMAGE_CORRUPT;
    gst_imdecode_job_clear (job);
    return ret;
  }

  outbuf = g_steal_pointer (&job->outbuf);
  GST_BUFFER_PTS (outbuf) = job->pts;
  GST_BUFFER_DTS (outbuf) = job->dts;
  GST_BUFFER_DURATION (outbuf) = job->duration;
  GST_BUFFER_OFFSET (outbuf) = job->offset;
  GST_BUFFER_OFFSET_END (outbuf) = job->offset_end;
  if (self->discont || job->discont) {
    GST_BUFFER_FLAG_SET (outbuf, GST_BUFFER_FLAG_DISCONT);
    self->discont = FALSE;
  }
  self->settle_decoded = TRUE;
  self->settle_last = GST_IM_INPUT_IMAGE_DECODED;
  gst_imdecode_job_clear (job);
  return gst_pad_push (self->srcpad, outbuf);
}

/* GstImWorkPoolFuncs.discard: a flush or the pool's end drops @job. */
static void
gst_imdecode_job_discard (gpointer data, gpointer user_data)
{
  GstImdecode *self = user_data;

  self->settle_last = GST_IM_INPUT_IMAGE_REFUSED;
  gst_imdecode_job_clear (data);
}

static gpointer
gst_imdecode_thread_init (gpointer user_data)
{
  return gst_imdecode_decoder_new ();
}

static void
gst_imdecode_thread_clear (gpointer thread_state, gpointer user_data)
{
  gst_imdecode_decoder_free (thread_state);
}

static const GstImWorkPoolFuncs gst_imdecode_pool_funcs = {
  gst_imdecode_thread_init,
  gst_imdecode_thread_clear,
  gst_imdecode_job_process,
  gst_imdecode_job_finish,
  gst_imdecode_job_discard,
};

/* Hands @job to a worker, or decodes and finishes it right here with
 * threads=1; sets *@outcome. What @job holds goes with it, whatever the
 * return. */
static GstFlowReturn
gst_imdecode_run_job (GstImdecode * self, GstImdecodeJob * job,
    GstImInputOutcome * outcome)
{
  GstFlowReturn ret;

  if (gst_im_parallel_get_n_threads (self->par) <= 1) {
    ret = gst_im_parallel_submit (self->par, job);
    *outcome = self->settle_last;
    self->settle_decoded = FALSE;
    return ret;
  }
  /* the bytes outlive the input buffer on a worker */
  job->data = g_memdup2 (job->data, job->len);
  job->owns_data = TRUE;
  ret = gst_im_parallel_submit (self->par, job);
  *outcome = ret == GST_FLOW_OK ? GST_IM_INPUT_IMAGE_PENDING :
      GST_IM_INPUT_IMAGE_REFUSED;
  return ret;
}

/* GstImInputSettleFunc: waits for the images in flight. */
static GstFlowReturn
gst_imdecode_settle (gpointer user_data, gboolean * decoded_any,
    GstImInputOutcome * last)
{
  GstImdecode *self = user_data;
  GstFlowReturn ret = gst_im_parallel_drain (self->par);

  *decoded_any = self->settle_decoded;
  *last = self->settle_last;
  self->settle_decoded = FALSE;
  return ret;
}

/* An image refused in the streaming thread, after the frames of the images
 * before it; @discont as handed to gst_imdecode_image(). */
static GstFlowReturn
gst_imdecode_refuse_now (GstImdecode * self, gboolean discont,
    const gchar * what, const gchar * detail)
{
  GstFlowReturn ret = gst_im_parallel_drain (self->par);

  if (ret != GST_FLOW_OK)
    return ret;
  /* kept until a frame goes out */
  self->discont |= discont;
  return gst_imdecode_refuse_image (self, self->current.strict, what, detail);
}

/* GstImInputImageFunc: reads the header of one whole image with the
 * settings of the buffer being handled, negotiates for its size and hands
 * it on to be decoded and pushed in order with the timestamps of @timing
 * (none when NULL), marked DISCONT after anything dropped. */
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
  GstImdecodeJob job;
  gchar *detail = NULL, *what = NULL;
  GstFlowReturn ret;
  ImcoreError err;

  *outcome = GST_IM_INPUT_IMAGE_CORRUPT;
  if (is_jpeg) {
    kind = "JPEG";
    err = imcore_jpeg_read_info (self->dec->jpeg, data, len, &jinfo);
    width = jinfo.width;
    height = jinfo.height;
  } else if (image_kind == IMCORE_IMAGE_PNG) {
    kind = "PNG";
    err = imcore_png_decoder_read_info (self->dec->png, data, len, &pinfo);
    width = pinfo.width;
    height = pinfo.height;
  } else {
    return gst_imdecode_refuse_now (self, discont, "Not a JPEG or PNG image",
        "the data starts with neither the JPEG (FF D8 FF) nor the PNG "
        "signature; accepted: JPEG, PNG, or their base64 text");
  }
  if (err != IMCORE_OK) {
    const gchar *lib = is_jpeg ?
        imcore_jpeg_decoder_last_error (self->dec->jpeg) :
        imcore_png_decoder_last_error (self->dec->png);

    what = g_strdup_printf ("Corrupt %s header", kind);
    detail = g_strdup_printf ("%s%s%s", imcore_strerror (err),
        lib[0] ? ": " : "", lib);
    ret = gst_imdecode_refuse_now (self, discont, what, detail);
    goto out;
  }
  *outcome = GST_IM_INPUT_IMAGE_REFUSED;
  if ((guint64) width * height > s->max_pixels) {
    what = g_strdup_printf ("%s image of %ux%u is too large", kind, width,
        height);
    detail = g_strdup_printf ("%" G_GUINT64_FORMAT " pixels, more than "
        "max-pixels (%" G_GUINT64_FORMAT ")", (guint64) width * height,
        s->max_pixels);
    ret = gst_imdecode_refuse_now (self, discont, what, detail);
    goto out;
  }
  imcore_scaled_size (width, height, s->scale, &out_w, &out_h);

  /* new caps go out after the frames before them */
  if (!self->negotiated || gst_pad_check_reconfigure (self->srcpad) ||
      GST_VIDEO_INFO_WIDTH (&self->out_info) != (gint) out_w ||
      GST_VIDEO_INFO_HEIGHT (&self->out_info) != (gint) out_h) {
    ret = gst_im_parallel_drain (self->par);
    if (ret != GST_FLOW_OK) {
      gst_pad_mark_reconfigure (self->srcpad);
      return ret;
    }
    if (!gst_imdecode_negotiate (self, out_w, out_h)) {
      gst_pad_mark_reconfigure (self->srcpad);
      return GST_PAD_IS_FLUSHING (self->srcpad) ? GST_FLOW_FLUSHING :
          GST_FLOW_NOT_NEGOTIATED;
    }
  }
  ret = gst_im_parallel_configure (self->par, s->threads,
      GST_VIDEO_INFO_SIZE (&self->out_info));
  if (ret != GST_FLOW_OK)
    return ret;

  memset (&job, 0, sizeof (job));
  ret = gst_buffer_pool_acquire_buffer (self->pool, &job.outbuf, NULL);
  if (ret != GST_FLOW_OK)
    return ret;
  job.data = data;
  job.len = len;
  job.is_jpeg = is_jpeg;
  job.jinfo = jinfo;
  job.width = width;
  job.height = height;
  job.denom = s->scale;
  job.strict = s->strict;
  job.info = self->out_info;
  job.pts = job.dts = job.duration = GST_CLOCK_TIME_NONE;
  job.offset = job.offset_end = GST_BUFFER_OFFSET_NONE;
  if (timing) {
    job.pts = GST_BUFFER_PTS (timing);
    job.dts = GST_BUFFER_DTS (timing);
    job.duration = GST_BUFFER_DURATION (timing);
    job.offset = GST_BUFFER_OFFSET (timing);
    job.offset_end = GST_BUFFER_OFFSET_END (timing);
  }
  job.discont = discont || (timing && GST_BUFFER_IS_DISCONT (timing));
  return gst_imdecode_run_job (self, &job, outcome);

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
  GstFlowReturn ret;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:{
      GstCaps *caps;
      GstStructure *st;
      gint fps_n, fps_d;

      gst_event_parse_caps (event, &caps);
      st = gst_caps_get_structure (caps, 0);
      /* what came before new caps of another kind was all of its kind */
      gst_im_input_set_kind (&self->input,
          gst_structure_has_name (st, "application/x-base64") ?
          GST_IM_INPUT_RECORDS : GST_IM_INPUT_BINARY,
          gst_imdecode_take_settings (self));
      if (!gst_structure_get_fraction (st, "framerate", &fps_n, &fps_d) ||
          fps_d == 0) {
        fps_n = 0;
        fps_d = 1;
      }
      GST_OBJECT_LOCK (self);
      self->fps_n = fps_n;
      self->fps_d = fps_d;
      GST_OBJECT_UNLOCK (self);
      gst_im_parallel_set_framerate (self->par, fps_n, fps_d);
      /* the source caps follow the first image */
      gst_event_unref (event);
      return TRUE;
    }
    case GST_EVENT_FLUSH_START:
      /* drop the images in flight before downstream unblocks our push */
      gst_im_parallel_flush_start (self->par);
      break;
    case GST_EVENT_FLUSH_STOP:
      gst_im_parallel_flush_stop (self->par);
      gst_im_input_flush (&self->input);
      break;
    case GST_EVENT_EOS:
      gst_im_input_finish (&self->input,
          gst_imdecode_take_settings (self));
      /* Downstream refused a frame after upstream had handed its image
       * over, and upstream never heard of it: say so, as upstream would
       * have (an error of our own, strict=true, was posted already). */
      ret = gst_im_parallel_finish_stream (self->par);
      if ((ret == GST_FLOW_NOT_LINKED || ret < GST_FLOW_EOS) &&
          ret != GST_FLOW_ERROR)
        GST_ELEMENT_FLOW_ERROR (self, ret);
      break;
    default:
      /* in order with the images before it */
      if (GST_EVENT_IS_SERIALIZED (event))
        return gst_im_parallel_send_event (self->par, event);
      break;
  }
  return gst_pad_event_default (pad, parent, event);
}

static gboolean
gst_imdecode_sink_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  GstImdecode *self = GST_IMDECODE (parent);

  /* a serialized query (drain) follows the frames before it */
  if (GST_QUERY_IS_SERIALIZED (query))
    gst_im_parallel_wait (self->par);
  return gst_pad_query_default (pad, parent, query);
}

static gboolean
gst_imdecode_src_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstImdecode *self = GST_IMDECODE (parent);

  gst_im_parallel_src_event (self->par, event);
  return gst_pad_event_default (pad, parent, event);
}

static gboolean
gst_imdecode_src_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  GstImdecode *self = GST_IMDECODE (parent);

  if (GST_QUERY_TYPE (query) == GST_QUERY_LATENCY)
    return gst_im_parallel_query_latency (self->par, self->sinkpad, query);
  return gst_pad_query_default (pad, parent, query);
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
    case PROP_THREADS:
      self->settings.threads = g_value_get_uint (value);
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
    case PROP_THREADS:
      g_value_set_uint (value, self->settings.threads);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}
