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
 * new size renegotiate.
 *
 * The source pad always carries a TIME segment, whatever upstream sends
 * (filesrc sends BYTES). A frame has the timestamps of the buffer its
 * image starts in; an image without a PTS is stamped from 0 at the sink
 * caps' framerate, one frame duration apart, or without a framerate the
 * first gets 0 and the others none. A flushing seek in TIME that a BYTES
 * upstream refuses restarts it from byte 0 and drops the images before
 * the seek position, so `filesrc ! imdecode ! imagefreeze ! videorate`
 * and `filesrc ! imdecode ! videorate` work as with jpegdec.
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
 * application/x-base64, each buffer one record; and without caps, base64
 * text one record per line if the first line is base64, bytes otherwise.
 * Bytes that are no image are skipped up to the next signature with one
 * warning saying how many. With framing=buffer (the default for
 * parsed=true or application/x-base64 caps) each buffer is one image or
 * record, judged when it arrives: a truncated image pushed by an
 * application is reported at once, not when the next one begins.
 *
 * Images larger than max-pixels are refused from their header, before any
 * pixel is decoded. A corrupt or truncated image is never output, not even
 * in part: it posts a warning and is dropped (strict=true: an error).
 *
 * Frames are decoded straight into downstream's buffers when downstream
 * offers a pool (the ALLOCATION query on each negotiation, as video
 * decoders make it) that can hold the frames in flight and whose layout
 * downstream reads (padded rows only with GstVideoMeta); else into a pool
 * of imdecode's own.
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

#include "gstimdecodeprivate.h"
#include "gstimencodeelements.h"
#include "gstimpad.h"
#include "gstimvideo.h"

GST_DEBUG_CATEGORY (gst_imdecode_debug);
#define GST_CAT_DEFAULT gst_imdecode_debug

#define DEFAULT_SCALE GST_IMDECODE_SCALE_1
#define DEFAULT_MAX_PIXELS G_GUINT64_CONSTANT (100000000)
#define DEFAULT_STRICT FALSE
#define DEFAULT_THREADS 0
#define DEFAULT_FRAMING GST_IMDECODE_FRAMING_AUTO

/* Full-range BT.601 matrix with sRGB transfer and primaries (range 1 =
 * 0-255, matrix 4 = BT.601, transfer 7 = sRGB, primaries 1 = BT.709, as
 * sRGB's are): what JFIF YCbCr is, and what I420 converted from PNG is
 * made to be too. */
#define JPEG_COLORIMETRY "1:4:7:1"

enum
{
  PROP_0,
  PROP_SCALE,
  PROP_MAX_PIXELS,
  PROP_STRICT,
  PROP_THREADS,
  PROP_FRAMING,
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

#define GST_TYPE_IMDECODE_FRAMING (gst_imdecode_framing_get_type ())
static GType
gst_imdecode_framing_get_type (void)
{
  static gsize id = 0;
  static const GEnumValue values[] = {
    {GST_IMDECODE_FRAMING_AUTO, "Buffer for parsed=true or "
          "application/x-base64 sink caps, else stream", "auto"},
    {GST_IMDECODE_FRAMING_BUFFER, "Each input buffer is one image (or one "
          "base64 record)", "buffer"},
    {GST_IMDECODE_FRAMING_STREAM, "Images are found in the byte stream "
          "wherever buffers cut it", "stream"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&id)) {
    GType t = g_enum_register_static ("GstImdecodeFraming", values);

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
          "is dropped, the stream goes on; true: it is an error, upstream "
          "gets GST_FLOW_ERROR and the stream ends there (no EOS follows)",
          DEFAULT_STRICT, flags));
  g_object_class_install_property (gobject_class, PROP_THREADS,
      g_param_spec_uint ("threads", "Threads",
          "Decoder threads (0 = one per CPU core, 1 = decode in the "
          "streaming thread). With more than one, images are decoded in "
          "parallel, up to twice as many in flight as threads (fewer for "
          "large frames), and frames still come out in input order",
          0, GST_IM_PARALLEL_MAX_THREADS, DEFAULT_THREADS, flags));
  g_object_class_install_property (gobject_class, PROP_FRAMING,
      g_param_spec_enum ("framing", "Framing",
          "How input buffers cut the images. buffer: each buffer is one "
          "image (or one base64 record), judged when it arrives, so a "
          "truncated image is reported at once (request/response, an appsrc "
          "pushing whole files); stream: images are found in the byte "
          "stream wherever buffers cut it (filesrc blocks, sockets), so a "
          "truncated one is reported when the next begins or at EOS; auto: "
          "buffer when the sink caps say parsed=true (jpegparse, pngparse) "
          "or are application/x-base64 (base64enc, imencode "
          "encoding=base64), else stream",
          GST_TYPE_IMDECODE_FRAMING, DEFAULT_FRAMING, flags));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "JPEG/PNG/base64 image decoder", "Codec/Decoder/Image",
      "Decodes JPEG and PNG images, as bytes or base64 text, to raw frames, "
      "optionally at 1/2, 1/4 or 1/8 size", "gst-imencode contributors");

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_imdecode_change_state);

  gst_type_mark_as_plugin_api (GST_TYPE_IMDECODE_SCALE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_IMDECODE_FRAMING, 0);
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
  self->settings.framing = DEFAULT_FRAMING;
  self->fps_d = 1;
  gst_im_input_init (&self->input, GST_ELEMENT (self), gst_imdecode_image,
      gst_imdecode_settle, self);
  self->par = gst_im_parallel_new (GST_ELEMENT (self), self->srcpad,
      "imdecode", sizeof (GstImdecodeJob), &gst_imdecode_pool_funcs);
}

void
gst_imdecode_drop_pool (GstImdecode * self)
{
  if (self->pool) {
    gst_buffer_pool_set_active (self->pool, FALSE);
    gst_clear_object (&self->pool);
  }
}

/* A new stream: no segment from upstream yet; images are stamped from 0
 * until one comes. */
static void
gst_imdecode_reset_segments (GstImdecode * self)
{
  GST_OBJECT_LOCK (self);
  self->in_format = GST_FORMAT_UNDEFINED;
  gst_segment_init (&self->out_segment, GST_FORMAT_TIME);
  self->seek_pending = FALSE;
  GST_OBJECT_UNLOCK (self);
  self->need_segment = TRUE;
  self->stamp_base = 0;
  self->stamp_count = 0;
}

static void
gst_imdecode_reset (GstImdecode * self)
{
  self->fps_n = 0;
  self->fps_d = 1;
  self->caps_framed = FALSE;
  self->failed = GST_FLOW_OK;
  gst_imdecode_reset_segments (self);
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

/* Sets source caps for a @width x @height image: downstream's first
 * acceptable format in its order of preference; then the allocation, for
 * the frames in flight with the threads setting @threads. */
static gboolean
gst_imdecode_negotiate (GstImdecode * self, guint width, guint height,
    guint threads)
{
  GstCaps *templ, *peer, *want, *caps, *caps_for_pool;
  GstStructure *st;
  GstVideoInfo info;
  gboolean ok;

  /* (a reconfigure asked for before this negotiation is answered by it) */
  gst_pad_check_reconfigure (self->srcpad);
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
  /* the frames in flight at this size, for the allocation */
  if (gst_im_parallel_configure (self->par, threads,
          GST_VIDEO_INFO_SIZE (&info)) != GST_FLOW_OK) {
    gst_caps_unref (caps_for_pool);
    self->negotiated = FALSE;
    return FALSE;
  }
  return gst_imdecode_decide_allocation (self, caps_for_pool,
      gst_im_parallel_get_max_in_flight (self->par));
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
  GstClockTime pts = GST_CLOCK_TIME_NONE, dts = GST_CLOCK_TIME_NONE;
  GstClockTime duration = GST_CLOCK_TIME_NONE;
  gboolean past_end;
  GstFlowReturn ret;
  ImcoreError err;

  *outcome = GST_IM_INPUT_IMAGE_CORRUPT;
  /* every image takes its place in time, decoded or not */
  if (image_kind != IMCORE_IMAGE_UNKNOWN)
    gst_imdecode_stamp (self, timing, &pts, &dts, &duration);
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
  if (!gst_imdecode_clip (self, &pts, &duration, &past_end)) {
    GST_LOG_OBJECT (self, "image at %" GST_TIME_FORMAT " outside the "
        "segment: dropped", GST_TIME_ARGS (pts));
    return past_end ? GST_FLOW_EOS : GST_FLOW_OK;
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
    if (!gst_imdecode_negotiate (self, out_w, out_h, s->threads)) {
      gst_pad_mark_reconfigure (self->srcpad);
      return GST_PAD_IS_FLUSHING (self->srcpad) ? GST_FLOW_FLUSHING :
          GST_FLOW_NOT_NEGOTIATED;
    }
  }
  ret = gst_im_parallel_configure (self->par, s->threads,
      GST_VIDEO_INFO_SIZE (&self->out_info));
  if (ret != GST_FLOW_OK)
    return ret;
  /* more frames in flight than downstream's pool was taken for (threads
   * went up; the old ones are out): ask downstream again */
  if (gst_im_parallel_get_max_in_flight (self->par) > self->pool_in_flight) {
    GstCaps *caps = gst_pad_get_current_caps (self->srcpad);

    if (!caps) {
      gst_pad_mark_reconfigure (self->srcpad);
      return GST_FLOW_NOT_NEGOTIATED;
    }
    if (!gst_imdecode_decide_allocation (self, caps,
            gst_im_parallel_get_max_in_flight (self->par)))
      return GST_FLOW_ERROR;
  }
  gst_imdecode_ensure_segment (self);

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
  job.pts = pts;
  job.dts = dts;
  job.duration = duration;
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
  gboolean strict = gst_imdecode_take_settings (self);
  GstImdecodeFraming framing = self->current.framing;
  GstFlowReturn ret;

  /* after an error (posted at a caps change, or returned before): the
   * stream is over, upstream hears it again */
  if (self->failed == GST_FLOW_ERROR) {
    gst_buffer_unref (inbuf);
    return GST_FLOW_ERROR;
  }
  ret = gst_im_input_push (&self->input, inbuf, strict,
      framing == GST_IMDECODE_FRAMING_BUFFER ||
      (framing == GST_IMDECODE_FRAMING_AUTO && self->caps_framed));
  if (ret == GST_FLOW_ERROR)
    self->failed = ret;
  return ret;
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

      gboolean base64, parsed = FALSE;

      gst_event_parse_caps (event, &caps);
      st = gst_caps_get_structure (caps, 0);
      base64 = gst_structure_has_name (st, "application/x-base64");
      /* what came before new caps of another kind was all of its kind */
      if (gst_im_input_set_kind (&self->input, base64 ?
              GST_IM_INPUT_RECORDS : GST_IM_INPUT_BINARY,
              gst_imdecode_take_settings (self)) == GST_FLOW_ERROR)
        self->failed = GST_FLOW_ERROR;
      /* (jpegparse, pngparse: one image per buffer) */
      gst_structure_get_boolean (st, "parsed", &parsed);
      self->caps_framed = parsed || base64;
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
      self->failed = GST_FLOW_OK;
      gst_im_input_flush (&self->input);
      /* (the segment went with the flush; upstream sends the next) */
      self->need_segment = TRUE;
      break;
    case GST_EVENT_SEGMENT:
      /* (the images before it were stamped and clipped already) */
      return gst_im_parallel_send_event (self->par,
          gst_imdecode_time_segment (self, event));
    case GST_EVENT_EOS:{
      GstFlowReturn finished = GST_FLOW_ERROR;

      /* (after an error nothing more is decoded) */
      if (self->failed != GST_FLOW_ERROR)
        finished = gst_im_input_finish (&self->input,
            gst_imdecode_take_settings (self));
      /* Downstream refused a frame after upstream had handed its image
       * over, and upstream never heard of it: say so, as upstream would
       * have (an error of our own, strict=true, was posted already). */
      ret = gst_im_parallel_finish_stream (self->par);
      if ((ret == GST_FLOW_NOT_LINKED || ret < GST_FLOW_EOS) &&
          ret != GST_FLOW_ERROR)
        GST_ELEMENT_FLOW_ERROR (self, ret);
      /* After an error the stream ends with the error, not with EOS
       * (downstream would take it for a stream that ended well). */
      if (finished == GST_FLOW_ERROR || ret == GST_FLOW_NOT_LINKED ||
          ret < GST_FLOW_EOS || self->failed == GST_FLOW_ERROR) {
        GST_DEBUG_OBJECT (self, "EOS after an error: not passed on");
        self->failed = GST_FLOW_ERROR;
        gst_event_unref (event);
        return FALSE;
      }
      break;
    }
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

  if (GST_EVENT_TYPE (event) == GST_EVENT_SEEK)
    return gst_imdecode_seek (self, event);
  gst_im_parallel_src_event (self->par, event);
  return gst_pad_event_default (pad, parent, event);
}

static gboolean
gst_imdecode_src_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  GstImdecode *self = GST_IMDECODE (parent);

  if (GST_QUERY_TYPE (query) == GST_QUERY_SEEKING)
    return gst_imdecode_seeking_query (self, pad, query);
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
    case PROP_FRAMING:
      self->settings.framing = g_value_get_enum (value);
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
    case PROP_FRAMING:
      g_value_set_enum (value, self->settings.framing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}
