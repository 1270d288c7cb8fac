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

/* The properties, copied under the object lock once per image. */
typedef struct
{
  GstImdecodeScale scale;
  guint64 max_pixels;
  gboolean strict;
  guint threads;
  GstImdecodeFraming framing;
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
  gboolean caps_framed;         /* the sink caps say each buffer holds
                                 * whole images (parsed=true) or is a
                                 * base64 record */
  GstFlowReturn failed;         /* GST_FLOW_ERROR once an error was posted
                                 * (strict=true), until a flush */
  GstVideoInfo out_info;        /* valid when negotiated */
  gboolean negotiated;
  GstBufferPool *pool;          /* output frames of out_info */
  guint pool_in_flight;         /* the frames in flight it was taken for
                                 * (G_MAXUINT: ours, unbounded) */
  GstImdecodeDecoder *dec;      /* headers */
  GstImParallel *par;           /* decoding threads, events in order */

  /* segments and timestamps (streaming thread; written under the object
   * lock, which seeks take to read them) */
  GstFormat in_format;          /* of upstream's last segment */
  GstSegment out_segment;       /* the TIME segment of the source pad */
  gboolean need_segment;        /* none went out since the start or a
                                 * flush */
  GstClockTime stamp_base;      /* untimestamped images are stamped from
                                 * here (NONE: not at all) */
  guint64 stamp_count;          /* images since stamp_base */
  /* a TIME seek made a seek to byte 0 upstream: the TIME segment for the
   * segment it brings (object lock) */
  gboolean seek_pending;
  guint32 seek_seqnum;
  GstSegment seek_segment;

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

/* Whether the buffers of the active @pool hold frames of out_info in a
 * layout we decode into (looked at in one buffer): with a GstVideoMeta,
 * of the frame's format and size, in any layout when downstream reads the
 * meta (@video_meta: frames are mapped through it) or else in the
 * default one; without a meta, the default layout, so at least the
 * default frame's size. */
static gboolean
gst_imdecode_pool_layout_ok (GstImdecode * self, GstBufferPool * pool,
    gboolean video_meta)
{
  const GstVideoInfo *info = &self->out_info;
  GstBuffer *buf = NULL;
  GstVideoMeta *meta;
  gboolean ok;

  if (gst_buffer_pool_acquire_buffer (pool, &buf, NULL) != GST_FLOW_OK)
    return FALSE;
  meta = gst_buffer_get_video_meta (buf);
  if (!meta) {
    ok = gst_buffer_get_size (buf) >= GST_VIDEO_INFO_SIZE (info);
  } else {
    ok = meta->format == GST_VIDEO_INFO_FORMAT (info) &&
        meta->width == (guint) GST_VIDEO_INFO_WIDTH (info) &&
        meta->height == (guint) GST_VIDEO_INFO_HEIGHT (info) &&
        meta->n_planes == GST_VIDEO_INFO_N_PLANES (info);
    for (guint i = 0; ok && !video_meta && i < meta->n_planes; i++)
      ok = meta->offset[i] == GST_VIDEO_INFO_PLANE_OFFSET (info, i) &&
          meta->stride[i] == GST_VIDEO_INFO_PLANE_STRIDE (info, i);
  }
  gst_buffer_unref (buf);
  return ok;
}

/* Configures and activates downstream's @pool (an allocation query's
 * answer of @size, @min and @max buffers) for frames of @caps: FALSE when
 * it cannot hold the @in_flight frames being decoded besides the @min
 * downstream keeps, refuses the configuration, or gives buffers of a
 * layout we do not decode into (then it is left inactive). */
static gboolean
gst_imdecode_use_downstream_pool (GstImdecode * self, GstBufferPool * pool,
    GstCaps * caps, guint size, guint min, guint max, guint in_flight,
    gboolean video_meta)
{
  GstStructure *config;
  guint need;

  if (gst_buffer_pool_is_active (pool) && !gst_buffer_pool_set_active (pool,
          FALSE))
    return FALSE;
  /* downstream's own plus ours; (guint64: both come from outside) */
  need = (guint) MIN ((guint64) min + in_flight, G_MAXUINT);
  size = MAX (size, (guint) GST_VIDEO_INFO_SIZE (&self->out_info));
  config = gst_buffer_pool_get_config (pool);
  gst_buffer_pool_config_set_params (config, caps, size, min, max);
  if (video_meta && gst_buffer_pool_has_option (pool,
          GST_BUFFER_POOL_OPTION_VIDEO_META))
    gst_buffer_pool_config_add_option (config,
        GST_BUFFER_POOL_OPTION_VIDEO_META);
  if (!gst_buffer_pool_set_config (pool, config)) {
    /* the pool changed it: take its changes if they keep to ours */
    config = gst_buffer_pool_get_config (pool);
    if (!gst_buffer_pool_config_validate_params (config, caps, size, min,
            max) || !gst_buffer_pool_config_get_params (config, NULL, NULL,
            NULL, &max) || !gst_buffer_pool_set_config (pool, config)) {
      GST_DEBUG_OBJECT (self, "downstream's pool refuses our configuration");
      return FALSE;
    }
  }
  if (max != 0 && max < need) {
    GST_DEBUG_OBJECT (self, "downstream's pool holds %u frames, %u needed "
        "(%u in flight, %u kept downstream)", max, need, in_flight, min);
    return FALSE;
  }
  if (!gst_buffer_pool_set_active (pool, TRUE))
    return FALSE;
  if (!gst_imdecode_pool_layout_ok (self, pool, video_meta)) {
    GST_DEBUG_OBJECT (self, "downstream's pool gives frames in a layout "
        "downstream does not say (no GstVideoMeta support)");
    gst_buffer_pool_set_active (pool, FALSE);
    return FALSE;
  }
  return TRUE;
}

/* Asks downstream how to allocate frames of @caps (taken), as video
 * decoders do on negotiation, for @in_flight frames in flight: downstream's
 * pool when it offers one that holds them and gives frames we decode into
 * (through their GstVideoMeta when downstream reads it), else a pool of
 * our own with downstream's allocator and parameters. Either way steady
 * decoding allocates nothing: frames come back when downstream is done
 * with them. */
static gboolean
gst_imdecode_decide_allocation (GstImdecode * self, GstCaps * caps,
    guint in_flight)
{
  GstQuery *query = gst_query_new_allocation (caps, TRUE);
  GstAllocator *allocator = NULL;
  GstBufferPool *pool = NULL;
  GstAllocationParams params;
  GstStructure *config;
  guint size = 0, min = 0, max = 0;
  gboolean video_meta, ok;

  gst_imdecode_drop_pool (self);
  gst_allocation_params_init (&params);
  if (!gst_pad_peer_query (self->srcpad, query))
    GST_DEBUG_OBJECT (self, "downstream answers no ALLOCATION query");
  video_meta = gst_query_find_allocation_meta (query, GST_VIDEO_META_API_TYPE,
      NULL);
  if (gst_query_get_n_allocation_params (query) > 0)
    gst_query_parse_nth_allocation_param (query, 0, &allocator, &params);
  if (gst_query_get_n_allocation_pools (query) > 0)
    gst_query_parse_nth_allocation_pool (query, 0, &pool, &size, &min, &max);
  gst_query_unref (query);

  if (pool && gst_imdecode_use_downstream_pool (self, pool, caps, size, min,
          max, in_flight, video_meta)) {
    GST_DEBUG_OBJECT (self, "decoding into downstream's pool %"
        GST_PTR_FORMAT, pool);
    self->pool = pool;
    self->pool_in_flight = in_flight;
    ok = TRUE;
    goto done;
  }
  gst_clear_object (&pool);
  self->pool = gst_video_buffer_pool_new ();
  self->pool_in_flight = G_MAXUINT;
  config = gst_buffer_pool_get_config (self->pool);
  gst_buffer_pool_config_set_params (config, caps,
      GST_VIDEO_INFO_SIZE (&self->out_info), 2, 0);
  gst_buffer_pool_config_set_allocator (config, allocator, &params);
  if (video_meta)
    gst_buffer_pool_config_add_option (config,
        GST_BUFFER_POOL_OPTION_VIDEO_META);
  ok = gst_buffer_pool_set_config (self->pool, config) &&
      gst_buffer_pool_set_active (self->pool, TRUE);
  if (!ok) {
    gst_imdecode_drop_pool (self);
    GST_ELEMENT_ERROR (self, RESOURCE, FAILED, (NULL),
        ("cannot set up a pool of %" G_GSIZE_FORMAT "-byte frames",
            GST_VIDEO_INFO_SIZE (&self->out_info)));
    self->negotiated = FALSE;
  }

done:
  if (allocator)
    gst_object_unref (allocator);
  gst_caps_unref (caps);
  return ok;
}

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
  /* (upstream's offsets count bytes, not frames) */
  GST_BUFFER_OFFSET (outbuf) = GST_BUFFER_OFFSET_NONE;
  GST_BUFFER_OFFSET_END (outbuf) = GST_BUFFER_OFFSET_NONE;
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

/* ---- segments and timestamps ---- */

/* The time of image @n after the stamp base at the input caps' framerate
 * (which must be known), or GST_CLOCK_TIME_NONE past the clock's range. */
static GstClockTime
gst_imdecode_frame_time (GstImdecode * self, guint64 n)
{
  /* (fps_d <= G_MAXINT: the product fits in 64 bits) */
  guint64 t = gst_util_uint64_scale (n, GST_SECOND * (guint64) self->fps_d,
      self->fps_n);

  if (t >= GST_CLOCK_TIME_NONE - self->stamp_base)
    return GST_CLOCK_TIME_NONE;
  return self->stamp_base + t;
}

/* The timestamps of the next image, which starts in @timing (NULL: none):
 * upstream's when it has a PTS (with a frame's duration at the input
 * caps' framerate when it has none), else stamped: one frame duration
 * after the last image at the input caps' framerate, or, without one,
 * the stamp base for the first image of the segment and none for the
 * others. */
static void
gst_imdecode_stamp (GstImdecode * self, GstBuffer * timing,
    GstClockTime * pts, GstClockTime * dts, GstClockTime * duration)
{
  gboolean rate_known = self->fps_n > 0 && self->fps_d > 0;
  GstClockTime next;

  *pts = timing ? GST_BUFFER_PTS (timing) : GST_CLOCK_TIME_NONE;
  *dts = timing ? GST_BUFFER_DTS (timing) : GST_CLOCK_TIME_NONE;
  *duration = timing ? GST_BUFFER_DURATION (timing) : GST_CLOCK_TIME_NONE;

  if (GST_CLOCK_TIME_IS_VALID (*pts)) {
    self->stamp_base = *pts;
    self->stamp_count = 1;
    if (!GST_CLOCK_TIME_IS_VALID (*duration) && rate_known) {
      next = gst_imdecode_frame_time (self, 1);
      if (GST_CLOCK_TIME_IS_VALID (next))
        *duration = next - *pts;
    }
    return;
  }
  if (!GST_CLOCK_TIME_IS_VALID (self->stamp_base))
    return;
  if (rate_known) {
    *pts = gst_imdecode_frame_time (self, self->stamp_count);
    next = gst_imdecode_frame_time (self, self->stamp_count + 1);
    if (GST_CLOCK_TIME_IS_VALID (*pts) && GST_CLOCK_TIME_IS_VALID (next))
      *duration = next - *pts;
  } else if (self->stamp_count == 0) {
    *pts = self->stamp_base;
  }
  self->stamp_count++;
}

/* Clips an image of @pts and @duration to the output segment, as video
 * decoders do: FALSE when it lies outside (then *@past_end says whether
 * it comes after the segment's end), else TRUE with the part inside. */
static gboolean
gst_imdecode_clip (GstImdecode * self, GstClockTime * pts,
    GstClockTime * duration, gboolean * past_end)
{
  const GstSegment *seg = &self->out_segment;
  guint64 stop = GST_CLOCK_TIME_NONE, cstart, cstop;

  *past_end = FALSE;
  if (!GST_CLOCK_TIME_IS_VALID (*pts))
    return TRUE;
  if (GST_CLOCK_TIME_IS_VALID (*duration) &&
      *duration < GST_CLOCK_TIME_NONE - *pts)
    stop = *pts + *duration;
  if (!gst_segment_clip (seg, GST_FORMAT_TIME, *pts, stop, &cstart, &cstop)) {
    *past_end = seg->rate > 0 && GST_CLOCK_TIME_IS_VALID (seg->stop) &&
        *pts >= seg->stop;
    return FALSE;
  }
  *pts = cstart;
  if (GST_CLOCK_TIME_IS_VALID (stop))
    *duration = cstop - cstart;
  return TRUE;
}

/* Takes upstream's segment @event and returns the TIME segment to send for
 * it: upstream's own when it is in TIME; else (filesrc's BYTES) one from
 * 0, or the one a TIME seek asked for when this segment is that seek's
 * restart from byte 0. Images without timestamps are stamped from the
 * segment's start, or from 0 for a segment that is not in TIME (the
 * stamps count images from the start of the bytes). */
static GstEvent *
gst_imdecode_time_segment (GstImdecode * self, GstEvent * event)
{
  guint32 seqnum = gst_event_get_seqnum (event);
  GstSegment in;

  gst_event_copy_segment (event, &in);
  GST_OBJECT_LOCK (self);
  self->in_format = in.format;
  if (in.format == GST_FORMAT_TIME) {
    self->out_segment = in;
  } else if (self->seek_pending && self->seek_seqnum == seqnum) {
    self->out_segment = self->seek_segment;
    self->seek_pending = FALSE;
  } else {
    gst_segment_init (&self->out_segment, GST_FORMAT_TIME);
  }
  GST_OBJECT_UNLOCK (self);
  self->stamp_base = in.format == GST_FORMAT_TIME ? in.start : 0;
  self->stamp_count = 0;
  self->need_segment = FALSE;
  if (in.format == GST_FORMAT_TIME)
    return event;

  GST_DEBUG_OBJECT (self, "upstream's %s segment becomes %" GST_SEGMENT_FORMAT,
      gst_format_get_name (in.format), &self->out_segment);
  gst_event_unref (event);
  event = gst_event_new_segment (&self->out_segment);
  gst_event_set_seqnum (event, seqnum);
  return event;
}

/* Sends the output segment if none went out since the start or a flush
 * (upstream sent none): frames always follow a TIME segment. Called with
 * no frame in flight. */
static void
gst_imdecode_ensure_segment (GstImdecode * self)
{
  GstEvent *event;

  if (!self->need_segment)
    return;
  self->need_segment = FALSE;
  event = gst_event_new_segment (&self->out_segment);
  gst_im_parallel_send_event (self->par, event);
}

/* A seek on the source pad. Upstream gets it first. A flushing TIME seek
 * that upstream refuses because it works in bytes (filesrc) is made into a
 * seek to byte 0: the stamps of untimestamped images count images from the
 * start of the bytes, so no other byte offset has a known time. The
 * segment upstream then sends becomes the seek's TIME segment, and the
 * images before its start are dropped (clipped) without being decoded.
 * Only forward rate 1.0 from a set position, as video decoders do. */
static gboolean
gst_imdecode_seek (GstImdecode * self, GstEvent * event)
{
  GstSeekType start_type, stop_type;
  GstSeekFlags flags;
  GstFormat format;
  GstSegment seg;
  gint64 start, stop;
  gdouble rate;
  gboolean in_time, res;
  guint32 seqnum = gst_event_get_seqnum (event);

  gst_event_parse_seek (event, &rate, &format, &flags, &start_type, &start,
      &stop_type, &stop);
  if (gst_pad_push_event (self->sinkpad, gst_event_ref (event))) {
    gst_event_unref (event);
    return TRUE;
  }
  GST_OBJECT_LOCK (self);
  in_time = self->in_format == GST_FORMAT_TIME;
  seg = self->out_segment;
  GST_OBJECT_UNLOCK (self);
  if (format != GST_FORMAT_TIME || in_time || rate != 1.0 ||
      !(flags & GST_SEEK_FLAG_FLUSH) || (flags & GST_SEEK_FLAG_SEGMENT) ||
      start_type != GST_SEEK_TYPE_SET ||
      (stop_type != GST_SEEK_TYPE_SET && stop_type != GST_SEEK_TYPE_NONE)) {
    GST_DEBUG_OBJECT (self, "upstream refused %" GST_PTR_FORMAT, event);
    gst_event_unref (event);
    return FALSE;
  }
  if (!gst_segment_do_seek (&seg, rate, format, flags, start_type, start,
          stop_type, stop, NULL)) {
    gst_event_unref (event);
    return FALSE;
  }
  GST_OBJECT_LOCK (self);
  self->seek_pending = TRUE;
  self->seek_seqnum = seqnum;
  self->seek_segment = seg;
  GST_OBJECT_UNLOCK (self);
  GST_DEBUG_OBJECT (self, "seeking upstream to byte 0 for %" GST_SEGMENT_FORMAT,
      &seg);
  gst_event_unref (event);
  event = gst_event_new_seek (1.0, GST_FORMAT_BYTES, GST_SEEK_FLAG_FLUSH,
      GST_SEEK_TYPE_SET, 0, GST_SEEK_TYPE_NONE, -1);
  gst_event_set_seqnum (event, seqnum);
  res = gst_pad_push_event (self->sinkpad, event);
  if (!res) {
    GST_OBJECT_LOCK (self);
    if (self->seek_seqnum == seqnum)
      self->seek_pending = FALSE;
    GST_OBJECT_UNLOCK (self);
  }
  return res;
}

/* The SEEKING query in TIME when upstream works in bytes: seekable (by
 * gst_imdecode_seek()) when upstream can seek to byte 0. */
static gboolean
gst_imdecode_seeking_query (GstImdecode * self, GstPad * pad,
    GstQuery * query)
{
  GstQuery *bytes;
  GstFormat format;
  gboolean in_time, seekable = FALSE;

  gst_query_parse_seeking (query, &format, NULL, NULL, NULL);
  GST_OBJECT_LOCK (self);
  in_time = self->in_format == GST_FORMAT_TIME;
  GST_OBJECT_UNLOCK (self);
  if (format != GST_FORMAT_TIME || in_time)
    return gst_pad_query_default (pad, GST_OBJECT (self), query);
  bytes = gst_query_new_seeking (GST_FORMAT_BYTES);
  if (gst_pad_peer_query (self->sinkpad, bytes))
    gst_query_parse_seeking (bytes, NULL, &seekable, NULL, NULL);
  gst_query_unref (bytes);
  gst_query_set_seeking (query, GST_FORMAT_TIME, seekable, 0, -1);
  return TRUE;
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
