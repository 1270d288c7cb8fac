/* gst-imencode: the imencode element
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-imencode
 * @title: imencode
 *
 * Crops, resizes and encodes raw video frames to JPEG or PNG in memory, one
 * complete file per output buffer, optionally as base64 text or a data URI.
 * Every output buffer carries the input frame's timestamps and an
 * `ImencodeMeta` custom meta (gst_buffer_get_custom_meta (buf,
 * "ImencodeMeta")) whose structure has these fields:
 *
 * - `x`, `y`, `width`, `height` (int): the source rectangle in the input
 *   frame, after margin and clipping;
 * - `frame-width`, `frame-height` (int): the input frame's size;
 * - `image-width`, `image-height` (int): the encoded image's size (in
 *   region mode the caps carry none);
 * - `content-x`, `content-y`, `content-width`, `content-height` (int):
 *   where the source rectangle lies in the image (the whole image except
 *   with aspect-mode=letterbox): frame_x = x + (image_x - content-x) *
 *   width / content-width;
 * - `quality` (int, JPEG only): the quality actually used;
 * - region mode only: `roi-id` (int, the ROI meta's or detection's id),
 *   `roi-type` (string), and only where known `confidence` (double) and
 *   `track-id` (int64).
 *
 * New fields may be added; read the ones you need and ignore the others.
 *
 * Region mode (roi-type set) reads GstVideoRegionOfInterestMeta, with
 * the confidence from a parameter structure named `detection` (field
 * `confidence`, double) and the track id from one named `object_id`
 * (field `id`, int), and, when built with the analytics library, object
 * detections in GstAnalyticsRelationMeta.
 *
 * The `snapshot` action signal, with on-demand=true, encodes the next
 * frame that yields an image; signals are counted and thread-safe.
 *
 * The output format and encoding follow the properties, or downstream caps
 * when they are left at auto. With width and height at 0, a downstream
 * capsfilter that fixes a size makes imencode scale to it.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=10 ! imencode quality=90 ! \
 *     multifilesink location=frame-%03d.jpg
 * gst-launch-1.0 videotestsrc num-buffers=1 ! imencode ! image/png ! \
 *     filesink location=frame.png
 * gst-launch-1.0 videotestsrc num-buffers=1 ! \
 *     imencode crop-x=100 crop-y=50 crop-width=320 crop-height=240 \
 *     width=160 encoding=data-uri ! fdsink
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstimencode.h"
#include "gstimencodeelements.h"
#include "gstimencodeevent.h"
#include "gstimencodegate.h"
#include "gstimencodemeta.h"
#include "gstimencodenegotiate.h"
#include "gstimencodeplan.h"
#include "gstimencodetracks.h"
#include "gstimencodeworker.h"
#include "gstimbase64.h"
#include "gstimoutputpools.h"
#include "gstimpad.h"
#include "gstimvideo.h"
#include "gstimparallel.h"

GST_DEBUG_CATEGORY (gst_imencode_debug);
#define GST_CAT_DEFAULT gst_imencode_debug

/* Tracks held at once by roi-select first/best (each best one keeps one
 * encoded image); a new track beyond that evicts the least recently seen. */
#define MAX_TRACKS 256

/* Output buffers of one size class kept for reuse while nobody holds
 * them: a steady stream's come back and go out again; a burst's beyond
 * this are freed. */
#define MAX_IDLE_OUTPUTS 16


enum
{
  SIGNAL_SNAPSHOT,
  LAST_SIGNAL
};

static guint gst_imencode_signals[LAST_SIGNAL];

/* Warnings posted once until the condition clears. */
typedef enum
{
  WARNED_EMPTY_CROP = 1 << 0,
  WARNED_TOO_LARGE = 1 << 1,
  WARNED_ENCODE = 1 << 2,
  WARNED_MAP = 1 << 3,
  WARNED_ROI_OUTSIDE = 1 << 4,
  WARNED_ROI_EMPTY_CROP = 1 << 5,
  WARNED_TRACKS_FULL = 1 << 6,
} GstImencodeWarned;

/* What a job does when its turn comes. */
typedef enum
{
  GST_IMENCODE_JOB_PUSH,        /* push the encoded image */
  GST_IMENCODE_JOB_KEEP,        /* keep it as a track's candidate */
  GST_IMENCODE_JOB_RELEASE,     /* push a track's kept candidate, if any */
} GstImencodeJobKind;

/* One frame on its way through the encoder: filled by the streaming
 * thread, encoded by a worker (or the streaming thread with threads=1),
 * pushed in input order. Lives in the work pool's slots. */
typedef struct
{
  GstBuffer *inbuf;             /* released as soon as it is encoded */
  GstVideoInfo info;
  GstImencodeJob job;           /* the file to encode */
  GstImencodeText text;         /* what the output buffer holds of it */
  GstClockTime pts, dts, duration;
  gboolean discont;
  GstImencodeJobKind kind;
  guint slot;                   /* KEEP and RELEASE: the track's slot */
  GstImencodeImage image;       /* the region it shows, if any */
  GstClockTime utc;             /* the frame's reference time, for JSON */
  gsize file_bound;             /* worst-case size of the encoded file */
  /* a worst-case sized buffer from the output pool, then the result */
  GstBuffer *outbuf;
  GstImencodeWarned failed;     /* no outbuf: which warning */
  GError *error;
} GstImencodeFrame;

struct _GstImencode
{
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;

  /* under the object lock */
  GstImencodeProperties props;

  /* streaming thread only, but for the gate's snapshot counter */
  GstImencodeGate gate;
  GstVideoInfo in_info;
  gboolean have_info;
  GstImencodeNegotiated neg;
  gboolean negotiated;
  gboolean refused;             /* refused_req failed, an error was posted */
  GstImencodeRequest refused_req;
  GArray *regions;              /* GstImencodeRegion, reused per frame */
  GArray *images;               /* GstImencodeImage, reused per frame */
  GstImencodeTracks tracks;     /* roi-select first/best, with the kept
                                 * best views (touched in output order) */
  GArray *steps;                /* GstImencodeTrackStep, reused per frame */
  guint due_slots[MAX_TRACKS];  /* scratch for gst_imencode_tracks_expire */

  GstCaps *unix_caps, *ntp_caps;        /* reference timestamp kinds */
  GstImParallel *par;           /* encoding threads, events in order */
  GstImOutputPools *outpools;   /* output buffers by size class */

  /* any thread, atomically */
  guint warned;
};

#define gst_imencode_parent_class parent_class
G_DEFINE_TYPE (GstImencode, gst_imencode, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (imencode, "imencode", GST_RANK_NONE,
    GST_TYPE_IMENCODE);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (GST_IM_VIDEO_SINK_FORMATS)));

#define SRC_CAPS_FIELDS \
    "width = (int) [ 1, MAX ], height = (int) [ 1, MAX ], " \
    "framerate = (fraction) [ 0/1, MAX ]"
/* region mode: each image's size is in its meta, none in the caps */
#define SRC_CAPS_REGION_FIELDS "framerate = (fraction) [ 0/1, MAX ]"
#define SRC_CAPS_BASE64 "application/x-base64, " \
    "content-type = (string) { image/jpeg, image/png }, " \
    "data-uri = (boolean) { false, true }, "

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("image/jpeg, " SRC_CAPS_FIELDS "; "
        "image/png, " SRC_CAPS_FIELDS "; "
        SRC_CAPS_BASE64 SRC_CAPS_FIELDS "; "
        "image/jpeg, " SRC_CAPS_REGION_FIELDS "; "
        "image/png, " SRC_CAPS_REGION_FIELDS "; "
        SRC_CAPS_BASE64 SRC_CAPS_REGION_FIELDS "; "
        "application/x-json, "
        "content-type = (string) { image/jpeg, image/png }"));

static void gst_imencode_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_imencode_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static void gst_imencode_finalize (GObject * object);
static GstStateChangeReturn gst_imencode_change_state (GstElement * element,
    GstStateChange transition);
static GstFlowReturn gst_imencode_chain (GstPad * pad, GstObject * parent,
    GstBuffer * buf);
static gboolean gst_imencode_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event);
static gboolean gst_imencode_sink_query (GstPad * pad, GstObject * parent,
    GstQuery * query);
static gboolean gst_imencode_src_event (GstPad * pad, GstObject * parent,
    GstEvent * event);
static gboolean gst_imencode_src_query (GstPad * pad, GstObject * parent,
    GstQuery * query);

static void gst_imencode_request_snapshot (GstImencode * self);
static const GstImWorkPoolFuncs gst_imencode_pool_funcs;
static GstFlowReturn gst_imencode_release_slot (GstImencode * self,
    guint slot);

static void
gst_imencode_class_init (GstImencodeClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  gobject_class->set_property = gst_imencode_set_property;
  gobject_class->get_property = gst_imencode_get_property;
  gobject_class->finalize = gst_imencode_finalize;

  gst_imencode_settings_install_properties (gobject_class);

  /**
   * GstImencode::snapshot:
   * @imencode: the element
   *
   * With on-demand=true, asks for the next frame that yields an image to
   * be encoded (in region mode: all its matching regions); a frame that
   * yields none (no matching region, an empty crop, a refused size) leaves
   * the request pending. Requests are counted: N signals give the next N
   * such frames. Thread-safe; may be emitted in any state, also before
   * PLAYING. While on-demand is false, requests are kept until it is set.
   */
  gst_imencode_signals[SIGNAL_SNAPSHOT] =
      g_signal_new_class_handler ("snapshot", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_imencode_request_snapshot), NULL, NULL, NULL,
      G_TYPE_NONE, 0);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Image encoder", "Codec/Encoder/Image",
      "Crops, resizes and encodes raw video frames to JPEG or PNG images, "
      "or their base64 / data URI text or a JSON event, one image per "
      "buffer: the whole frame, or one per region of interest (roi-type). "
      "Each buffer carries a GstCustomMeta \"ImencodeMeta\" whose structure "
      "has x, y, width, height (the source rectangle in the frame), "
      "frame-width, frame-height, image-width, image-height (the encoded "
      "image), content-x, content-y, content-width, content-height (where "
      "the source lies in the image: letterbox), quality (JPEG: the "
      "quality used) and, in region mode, roi-id, roi-type, and where "
      "known confidence and track-id. Action signal \"snapshot\": with "
      "on-demand=true, encode the next frame",
      "gst-imencode contributors");

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_imencode_change_state);

  gst_type_mark_as_plugin_api (GST_TYPE_IMENCODE_FORMAT, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_IMENCODE_ENCODING, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_IMENCODE_SUBSAMPLING, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_IMENCODE_METHOD, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_IMENCODE_ASPECT_MODE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_IMENCODE_ROI_SELECT, 0);

  GST_DEBUG_CATEGORY_INIT (gst_imencode_debug, "imencode", 0,
      "Raw video to JPEG/PNG/base64 encoder");
}

static void
gst_imencode_init (GstImencode * self)
{
  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_imencode_chain));
  gst_pad_set_event_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_imencode_sink_event));
  gst_pad_set_query_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_imencode_sink_query));
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_set_event_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_imencode_src_event));
  gst_pad_set_query_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_imencode_src_query));
  gst_pad_use_fixed_caps (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);

  gst_imencode_properties_init (&self->props);
  gst_imencode_tracks_init (&self->tracks, MAX_TRACKS);

  gst_imencode_gate_init (&self->gate);
  self->regions = g_array_new (FALSE, FALSE, sizeof (GstImencodeRegion));
  self->images = g_array_new (FALSE, FALSE, sizeof (GstImencodeImage));
  self->steps = g_array_new (FALSE, FALSE, sizeof (GstImencodeTrackStep));
  self->outpools = gst_im_output_pools_new (MAX_IDLE_OUTPUTS);
  self->par = gst_im_parallel_new (GST_ELEMENT (self), self->srcpad,
      "imencode", sizeof (GstImencodeFrame), &gst_imencode_pool_funcs);
  self->unix_caps = gst_caps_new_empty_simple ("timestamp/x-unix");
  self->ntp_caps = gst_caps_new_empty_simple ("timestamp/x-ntp");
}

/* Forgets every track and drops the kept candidates: after a flush (no
 * finish is running then) or when stopping. */
static void
gst_imencode_drop_tracks (GstImencode * self)
{
  gst_imencode_tracks_reset (&self->tracks);
}

static void
gst_imencode_finalize (GObject * object)
{
  GstImencode *self = GST_IMENCODE (object);

  gst_im_parallel_free (self->par);
  gst_im_output_pools_free (self->outpools);
  gst_imencode_properties_clear (&self->props);
  g_array_unref (self->regions);
  g_array_unref (self->images);
  g_array_unref (self->steps);
  gst_caps_unref (self->unix_caps);
  gst_caps_unref (self->ntp_caps);
  gst_imencode_drop_tracks (self);
  gst_imencode_tracks_free (&self->tracks);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* Back to the state of a stopped element (streaming stopped). */
static void
gst_imencode_reset (GstImencode * self)
{
  gst_im_parallel_flush_start (self->par);
  gst_im_parallel_stop (self->par);
  gst_im_output_pools_release (self->outpools);
  self->have_info = FALSE;
  self->negotiated = FALSE;
  self->refused = FALSE;
  g_atomic_int_set (&self->warned, 0);
  gst_imencode_gate_reset (&self->gate);
  gst_imencode_drop_tracks (self);
}

static GstStateChangeReturn
gst_imencode_change_state (GstElement * element, GstStateChange transition)
{
  GstImencode *self = GST_IMENCODE (element);
  GstStateChangeReturn ret;
  guint threads;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    gst_imencode_reset (self);
    /* threads run from now on, so that queries find them running */
    GST_OBJECT_LOCK (self);
    threads = self->props.settings.threads;
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
    gst_imencode_reset (self);
  return ret;
}

/* Posts a warning once until a frame is encoded again. Called from the
 * streaming thread and from the worker that pushes. */
#define gst_imencode_warn_once(self, flag, text, ...) G_STMT_START {     \
  if (!(g_atomic_int_or (&(self)->warned, (flag)) & (flag))) {            \
    GST_ELEMENT_WARNING_WITH_DETAILS ((self), STREAM, ENCODE, (text),     \
        (__VA_ARGS__), ("imencode-warning", G_TYPE_UINT, (guint) (flag),  \
            NULL));                                                       \
  }                                                                       \
} G_STMT_END

/* ---- negotiation ---- */

/* The request the settings @s make; @image is the frame's whole-frame
 * image (NULL in region mode). */
static void
gst_imencode_make_request (GstImencode * self, const GstImencodeSettings * s,
    const GstImencodeImage * image, GstImencodeRequest * req)
{
  memset (req, 0, sizeof (*req));
  req->format = s->format;
  req->encoding = s->encoding;
  req->regions = image == NULL;
  if (image) {
    req->natural_width = image->plan.out_width;
    req->natural_height = image->plan.out_height;
    req->size_free = s->width == 0 && s->height == 0;
  }
  req->fps_n = GST_VIDEO_INFO_FPS_N (&self->in_info);
  req->fps_d = GST_VIDEO_INFO_FPS_D (&self->in_info);
}

/* Negotiates again when the request changed or downstream asked for it,
 * after the frames in flight and the tracks' kept best views (the tracks
 * then start new best periods at stream time @now) have gone out under
 * the old caps. */
static GstFlowReturn
gst_imencode_ensure_negotiated (GstImencode * self,
    const GstImencodeSettings * s, const GstImencodeImage * image,
    GstClockTime now)
{
  GstImencodeRequest req;
  gboolean reconfigure = gst_pad_check_reconfigure (self->srcpad);
  GstFlowReturn ret = GST_FLOW_OK;
  guint n;

  gst_imencode_make_request (self, s, image, &req);
  if (self->negotiated && !reconfigure &&
      gst_imencode_request_equal (&req, &self->neg.req))
    return GST_FLOW_OK;
  /* refused already, and said so: not again for every frame, until the
   * request changes or downstream asks to reconfigure */
  if (!self->negotiated && self->refused && !reconfigure &&
      gst_imencode_request_equal (&req, &self->refused_req))
    return GST_FLOW_NOT_NEGOTIATED;
  n = gst_imencode_tracks_renew (&self->tracks, now, self->due_slots);
  for (guint i = 0; i < n && ret == GST_FLOW_OK; i++)
    ret = gst_imencode_release_slot (self, self->due_slots[i]);
  if (ret != GST_FLOW_OK) {
    gst_pad_mark_reconfigure (self->srcpad);
    return ret;
  }
  ret = gst_im_parallel_drain (self->par);
  if (ret != GST_FLOW_OK) {
    gst_pad_mark_reconfigure (self->srcpad);
    return ret;
  }
  self->negotiated = FALSE;
  if (!gst_imencode_negotiate (GST_ELEMENT (self), self->srcpad, &req,
          &self->neg)) {
    self->refused = TRUE;
    self->refused_req = req;
    return GST_FLOW_NOT_NEGOTIATED;
  }
  self->negotiated = TRUE;
  self->refused = FALSE;
  gst_im_parallel_release_held (self->par);
  return GST_FLOW_OK;
}

/* ---- per-frame planning ---- */

/* One consistent copy of the properties for a frame; release it with
 * gst_imencode_settings_clear(). */
static void
gst_imencode_read_settings (GstImencode * self, GstImencodeSettings * s)
{
  GST_OBJECT_LOCK (self);
  gst_imencode_settings_copy (s, &self->props.settings);
  GST_OBJECT_UNLOCK (self);
}

static ImcoreSubsampling
gst_imencode_subsampling (const GstImencodeSettings * s,
    const GstVideoInfo * info)
{
  switch (s->subsampling) {
    case GST_IMENCODE_SUBSAMPLING_444:
      return IMCORE_SUBSAMPLING_444;
    case GST_IMENCODE_SUBSAMPLING_422:
      return IMCORE_SUBSAMPLING_422;
    case GST_IMENCODE_SUBSAMPLING_420:
      return IMCORE_SUBSAMPLING_420;
    case GST_IMENCODE_SUBSAMPLING_GRAY:
      return IMCORE_SUBSAMPLING_GRAY;
    default:
      return GST_VIDEO_INFO_IS_GRAY (info) ? IMCORE_SUBSAMPLING_GRAY :
          IMCORE_SUBSAMPLING_420;
  }
}

static GstVideoResamplerMethod
gst_imencode_resampler (GstImencodeMethod m)
{
  switch (m) {
    case GST_IMENCODE_METHOD_NEAREST:
      return GST_VIDEO_RESAMPLER_METHOD_NEAREST;
    case GST_IMENCODE_METHOD_BICUBIC:
      return GST_VIDEO_RESAMPLER_METHOD_CUBIC;
    case GST_IMENCODE_METHOD_LANCZOS:
      return GST_VIDEO_RESAMPLER_METHOD_LANCZOS;
    default:
      return GST_VIDEO_RESAMPLER_METHOD_LINEAR;
  }
}

/* The input frames' size and pixel aspect ratio. */
static void
gst_imencode_frame_shape (GstImencode * self, GstImencodeFrameShape * frame)
{
  frame->width = GST_VIDEO_INFO_WIDTH (&self->in_info);
  frame->height = GST_VIDEO_INFO_HEIGHT (&self->in_info);
  frame->par_n = GST_VIDEO_INFO_PAR_N (&self->in_info);
  frame->par_d = GST_VIDEO_INFO_PAR_D (&self->in_info);
}

/* Plans the whole-frame image for @s into @image. FALSE (after a
 * warning) when there is nothing to encode. */
static gboolean
gst_imencode_plan_whole_frame (GstImencode * self,
    const GstImencodeSettings * s, GstImencodeImage * image)
{
  GstImencodeFrameShape frame;
  guint width, height;

  gst_imencode_frame_shape (self, &frame);
  width = frame.width;
  height = frame.height;
  if (gst_imencode_plan_frame (s, &frame, image))
    return TRUE;
  gst_imencode_warn_once (self, WARNED_EMPTY_CROP,
      "The crop rectangle lies outside the frame; no image is produced",
      "crop %u,%u %ux%u misses the %ux%u frame (crop-x/crop-y must be "
      "inside the frame; crop-width/crop-height 0 mean up to its edge)",
      s->crop_x, s->crop_y, s->crop_width, s->crop_height, width, height);
  return FALSE;
}

/* Fills self->images with the images @inbuf yields in region mode,
 * warning once about regions that could not be cut. */
static void
gst_imencode_plan_frame_regions (GstImencode * self,
    const GstImencodeSettings * s, GstBuffer * inbuf)
{
  GstImencodePlanSkipped skipped;
  GstImencodeFrameShape frame;

  gst_imencode_frame_shape (self, &frame);
  gst_imencode_regions_collect (inbuf, self->regions);
  gst_imencode_plan_regions (s, &frame,
      (const GstImencodeRegion *) self->regions->data, self->regions->len,
      self->images, &skipped);
  if (skipped.outside) {
    gst_imencode_warn_once (self, WARNED_ROI_OUTSIDE,
        "A region of interest lies outside the frame; it is skipped",
        "%u region(s) of this frame miss the %dx%d frame even after "
        "roi-margin", skipped.outside, GST_VIDEO_INFO_WIDTH (&self->in_info),
        GST_VIDEO_INFO_HEIGHT (&self->in_info));
  }
  if (skipped.empty_crop) {
    gst_imencode_warn_once (self, WARNED_ROI_EMPTY_CROP,
        "The crop rectangle lies outside a region of interest; the region "
        "is skipped", "crop %u,%u %ux%u (relative to each region) leaves "
        "nothing of %u region(s) of this frame", s->crop_x, s->crop_y,
        s->crop_width, s->crop_height, skipped.empty_crop);
  }
}

/* Refuses an output that breaks a limit (@why says which), once. */
static void
gst_imencode_refuse_size (GstImencode * self, const gchar * why)
{
  gst_imencode_warn_once (self, WARNED_TOO_LARGE,
      "The requested output size is too large; no image is produced", "%s",
      why);
}

/* Whether the negotiated size is the format's limit where @plan asked for
 * more. */
static gboolean
gst_imencode_clamped_to_limit (GstImencode * self, const ImcorePlan * plan)
{
  guint max = gst_imencode_output_max_side (self->neg.png);

  return (plan->out_width > max && self->neg.width == max) ||
      (plan->out_height > max && self->neg.height == max);
}

/* ---- encoding a frame: streaming thread, workers, in-order push ---- */

/* What the JSON event of @f says. */
static void
gst_imencode_frame_event (const GstImencodeFrame * f, GstImencodeEvent * ev)
{
  ev->pts = f->pts;
  ev->duration = f->duration;
  ev->utc = f->utc;
  ev->frame_width = GST_VIDEO_INFO_WIDTH (&f->info);
  ev->frame_height = GST_VIDEO_INFO_HEIGHT (&f->info);
  ev->box = f->job.plan.src;
  ev->image = &f->image;
  ev->png = f->job.png;
  ev->width = f->job.plan.out_width;
  ev->height = f->job.plan.out_height;
}

/* Encodes @f (worker thread, or the streaming thread with threads=1)
 * into an output buffer: sets f->outbuf, or f->failed and f->error.
 * Releases the input. */
static void
gst_imencode_frame_process (gpointer thread_state, gpointer job,
    gpointer user_data)
{
  GstImencode *self = user_data;
  GstImencodeWorker *worker = thread_state;
  GstImencodeFrame *f = job;
  GstImencodeEvent ev;
  GstVideoFrame frame;

  if (f->kind == GST_IMENCODE_JOB_RELEASE)
    return;
  if (!gst_video_frame_map (&frame, &f->info, f->inbuf, GST_MAP_READ)) {
    f->failed = WARNED_MAP;
    goto done;
  }
  if (f->text == GST_IMENCODE_TEXT_JSON)
    gst_imencode_frame_event (f, &ev);
  f->outbuf = gst_imencode_worker_encode_output (worker, &frame, &f->job,
      f->file_bound, f->text, &ev, self->outpools, &f->error);
  gst_video_frame_unmap (&frame);
  if (!f->outbuf)
    f->failed = WARNED_ENCODE;

done:
  gst_clear_buffer (&f->inbuf);
}

/* Releases what @f holds; for frames dropped by a flush. */
static void
gst_imencode_frame_discard (gpointer job, gpointer user_data)
{
  GstImencodeFrame *f = job;

  gst_clear_buffer (&f->inbuf);
  gst_clear_buffer (&f->outbuf);
  g_clear_error (&f->error);
}

/* Pushes the encoded @f (in input order), or warns about its failure. */
static GstFlowReturn
gst_imencode_frame_finish (gpointer job, gpointer user_data)
{
  GstImencode *self = user_data;
  GstImencodeFrame *f = job;
  GstBuffer *outbuf = f->outbuf;

  f->outbuf = NULL;
  if (f->kind == GST_IMENCODE_JOB_RELEASE) {
    /* a track's best view, encoded and kept earlier */
    outbuf = gst_imencode_tracks_take (&self->tracks, f->slot);
    return outbuf ? gst_pad_push (self->srcpad, outbuf) : GST_FLOW_OK;
  }
  if (!outbuf) {
    if (f->failed == WARNED_MAP) {
      gst_imencode_warn_once (self, WARNED_MAP,
          "Could not read an input frame; it is dropped",
          "the buffer does not hold a %s %dx%d frame",
          gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&f->info)),
          GST_VIDEO_INFO_WIDTH (&f->info), GST_VIDEO_INFO_HEIGHT (&f->info));
    } else {
      gst_imencode_warn_once (self, WARNED_ENCODE,
          "Could not encode a frame; it is dropped", "%s",
          f->error ? f->error->message : "unknown error");
    }
    gst_imencode_frame_discard (f, self);
    return GST_FLOW_OK;
  }

  GST_BUFFER_PTS (outbuf) = f->pts;
  GST_BUFFER_DTS (outbuf) = f->dts;
  GST_BUFFER_DURATION (outbuf) = f->duration;
  if (f->discont)
    GST_BUFFER_FLAG_SET (outbuf, GST_BUFFER_FLAG_DISCONT);
  gst_imencode_meta_add (outbuf, &f->job.plan,
      GST_VIDEO_INFO_WIDTH (&f->info), GST_VIDEO_INFO_HEIGHT (&f->info),
      f->image.is_region ? &f->image.region : NULL,
      f->job.png ? 0 : f->job.quality);
  gst_imencode_frame_discard (f, self);
  /* the frame-level warnings may come again; those about regions stay
   * quiet until the next flush, as good regions come with bad ones (a
   * region too large among them: one warning, not one per image) */
  g_atomic_int_and (&self->warned, WARNED_ROI_OUTSIDE |
      WARNED_ROI_EMPTY_CROP | WARNED_TRACKS_FULL |
      (f->image.is_region ? WARNED_TOO_LARGE : 0));
  if (f->kind == GST_IMENCODE_JOB_KEEP) {
    /* the track's best view so far: replaces the last one */
    gst_imencode_tracks_keep (&self->tracks, f->slot, outbuf);
    return GST_FLOW_OK;
  }
  return gst_pad_push (self->srcpad, outbuf);
}

static gpointer
gst_imencode_thread_init (gpointer user_data)
{
  return gst_imencode_worker_new ();
}

static void
gst_imencode_thread_clear (gpointer thread_state, gpointer user_data)
{
  gst_imencode_worker_free (thread_state);
}

static const GstImWorkPoolFuncs gst_imencode_pool_funcs = {
  gst_imencode_thread_init,
  gst_imencode_thread_clear,
  gst_imencode_frame_process,
  gst_imencode_frame_finish,
  gst_imencode_frame_discard,
};

/* The wall-clock time @buf was captured at, in ns since the Unix epoch,
 * from its GstReferenceTimestampMeta (timestamp/x-unix, or timestamp/x-ntp
 * as RTP sources add it); GST_CLOCK_TIME_NONE without one. */
static GstClockTime
gst_imencode_reference_utc (GstImencode * self, GstBuffer * buf)
{
  /* seconds from 1900 (NTP's epoch) to 1970 */
  const GstClockTime ntp_to_unix = G_GUINT64_CONSTANT (2208988800) *
      GST_SECOND;
  GstReferenceTimestampMeta *meta;

  meta = gst_buffer_get_reference_timestamp_meta (buf, self->unix_caps);
  if (meta)
    return meta->timestamp;
  meta = gst_buffer_get_reference_timestamp_meta (buf, self->ntp_caps);
  if (meta && meta->timestamp >= ntp_to_unix)
    return meta->timestamp - ntp_to_unix;
  return GST_CLOCK_TIME_NONE;
}

/* Hands @f to a worker, or processes and finishes it right here with
 * threads=1. @f's buffers go with it, whatever the return. */
static GstFlowReturn
gst_imencode_run_job (GstImencode * self, GstImencodeFrame * f)
{
  return gst_im_parallel_submit (self->par, f);
}

/* Pushes, in its turn, the candidate kept for track slot @slot. */
static GstFlowReturn
gst_imencode_release_slot (GstImencode * self, guint slot)
{
  GstImencodeFrame f;

  memset (&f, 0, sizeof (f));
  f.kind = GST_IMENCODE_JOB_RELEASE;
  f.slot = slot;
  return gst_imencode_run_job (self, &f);
}

/* Releases the candidates of the tracks that ended or timed out as of
 * stream time @now (every one with @eos). */
static GstFlowReturn
gst_imencode_release_tracks (GstImencode * self,
    const GstImencodeSettings * s, GstClockTime now, gboolean eos)
{
  GstFlowReturn ret = GST_FLOW_OK;
  guint n;

  if (self->tracks.n_tracks == 0)
    return GST_FLOW_OK;
  n = gst_imencode_tracks_expire (&self->tracks, s->roi_select, now,
      s->roi_best_timeout, eos, self->due_slots);
  for (guint i = 0; i < n && ret == GST_FLOW_OK; i++)
    ret = gst_imencode_release_slot (self, self->due_slots[i]);
  return ret;
}

/* What the chain knows of one input frame: built once at its top and
 * passed forward to planning and submission. */
typedef struct
{
  GstImencodeSettings s;        /* one consistent copy of the properties */
  GstBuffer *inbuf;
  GstImencodeGateResult gate;
  gboolean encode;              /* the gate lets it be encoded */
  GstClockTime stream_time;     /* of its PTS, or NONE */
  GstImencodeFrameShape shape;
  guint made;                   /* images submitted from it */
} GstImencodeFrameContext;

/* Encodes @image of the context's frame as one output buffer, to push
 * (@kind PUSH) or keep for track slot @slot (KEEP). */
static GstFlowReturn
gst_imencode_submit_image (GstImencode * self, GstImencodeFrameContext * ctx,
    const GstImencodeImage * image, GstImencodeJobKind kind, guint slot)
{
  const GstImencodeSettings *s = &ctx->s;
  GstBuffer *inbuf = ctx->inbuf;
  GstImencodeFrame f;
  GstImencodeJob *job = &f.job;
  gchar why[256];
  gsize bound;

  memset (&f, 0, sizeof (f));
  job->png = self->neg.png;
  job->quality = s->quality;
  job->subsampling = gst_imencode_subsampling (s, &self->in_info);
  job->compression_level = s->compression_level;
  job->method = gst_imencode_resampler (s->method);
  job->pad_argb = s->pad_color;
  job->plan = image->plan;

  bound = gst_imencode_output_check (&self->in_info, job, why,
      sizeof (why));
  if (bound == 0) {
    gst_imencode_refuse_size (self, why);
    return GST_FLOW_OK;
  }
  f.file_bound = bound;
  f.inbuf = gst_buffer_ref (inbuf);
  f.info = self->in_info;
  f.pts = GST_BUFFER_PTS (inbuf);
  f.dts = GST_BUFFER_DTS (inbuf);
  f.duration = GST_BUFFER_DURATION (inbuf);
  f.discont = GST_BUFFER_FLAG_IS_SET (inbuf, GST_BUFFER_FLAG_DISCONT);
  f.image = *image;
  f.kind = kind;
  f.slot = slot;
  f.text = self->neg.text;
  f.utc = f.text == GST_IMENCODE_TEXT_JSON ?
      gst_imencode_reference_utc (self, inbuf) : GST_CLOCK_TIME_NONE;
  ctx->made++;
  return gst_imencode_run_job (self, &f);
}

/* Region mode under roi-select first or best: every frame's regions go to
 * the tracks (seen, also on frames the gate skips), which say what to
 * encode, keep and release. */
static GstFlowReturn
gst_imencode_submit_tracked (GstImencode * self,
    GstImencodeFrameContext * ctx)
{
  GstImencodeImage *images = (GstImencodeImage *) self->images->data;
  GstFlowReturn ret = GST_FLOW_OK;

  if (gst_imencode_tracks_offer_frame (&self->tracks, ctx->s.roi_select,
          ctx->s.roi_best_timeout, images, self->images->len,
          ctx->shape.width, ctx->shape.height, ctx->stream_time, ctx->encode,
          self->steps)) {
    gst_imencode_warn_once (self, WARNED_TRACKS_FULL,
        "Too many tracks at once; the least recently seen is let go",
        "roi-select holds at most %u tracks; a new one evicts the track "
        "seen least recently (its best view so far is sent now)",
        MAX_TRACKS);
  }
  for (guint i = 0; i < self->steps->len && ret == GST_FLOW_OK; i++) {
    const GstImencodeTrackStep *step =
        &g_array_index (self->steps, GstImencodeTrackStep, i);

    if (step->action == GST_IMENCODE_TRACK_PUSH)
      ret = gst_imencode_submit_image (self, ctx, &images[step->image],
          GST_IMENCODE_JOB_PUSH, 0);
    else if (step->action == GST_IMENCODE_TRACK_KEEP)
      ret = gst_imencode_submit_image (self, ctx, &images[step->image],
          GST_IMENCODE_JOB_KEEP, step->slot);
    else
      ret = gst_imencode_release_slot (self, step->slot);
  }
  return ret;
}

/* The whole-frame image of the context's frame, at the size negotiated
 * for it. FALSE when there is nothing to encode (after a warning), or
 * *@ret is not OK. */
static gboolean
gst_imencode_plan_whole (GstImencode * self, GstImencodeFrameContext * ctx,
    GstImencodeImage * whole, GstFlowReturn * ret)
{
  ImcoreRect crop;
  gchar why[160];

  if (!gst_imencode_plan_whole_frame (self, &ctx->s, whole))
    return FALSE;
  *ret = gst_imencode_ensure_negotiated (self, &ctx->s, whole,
      ctx->stream_time);
  if (*ret != GST_FLOW_OK)
    return FALSE;
  if (self->neg.width == whole->plan.out_width &&
      self->neg.height == whole->plan.out_height)
    return TRUE;
  /* a size beyond the format's limit is fixated to the limit itself: that
   * is a refusal, not a choice of downstream's */
  if (gst_imencode_clamped_to_limit (self, &whole->plan)) {
    g_snprintf (why, sizeof (why), "%ux%u %s: the limit is %u pixels a "
        "side", whole->plan.out_width, whole->plan.out_height,
        self->neg.png ? "PNG" : "JPEG",
        gst_imencode_output_max_side (self->neg.png));
    gst_imencode_refuse_size (self, why);
    return FALSE;
  }
  /* downstream chose the size: the crop goes into it */
  crop = whole->plan.src;
  imcore_plan_output (&crop, self->neg.width, self->neg.height,
      (ImcoreAspectMode) ctx->s.aspect_mode, &whole->plan);
  return TRUE;
}

/* Encodes what the context's frame yields in its mode. */
static GstFlowReturn
gst_imencode_encode_frame (GstImencode * self, GstImencodeFrameContext * ctx)
{
  gboolean tracked = ctx->s.roi_filter &&
      ctx->s.roi_select != GST_IMENCODE_ROI_SELECT_EVERY;
  GstImencodeImage whole, *images;
  GstFlowReturn ret = GST_FLOW_OK;
  guint n_images;

  if (!ctx->s.roi_filter) {
    if (!ctx->encode || !gst_imencode_plan_whole (self, ctx, &whole, &ret))
      return ret;
    images = &whole;
    n_images = 1;
  } else {
    /* tracks see the regions of every frame, encoded or not */
    if (!ctx->encode && !tracked)
      return GST_FLOW_OK;
    gst_imencode_plan_frame_regions (self, &ctx->s, ctx->inbuf);
    if (ctx->encode)
      ret = gst_imencode_ensure_negotiated (self, &ctx->s, NULL,
          ctx->stream_time);
    if (ret != GST_FLOW_OK)
      return ret;
    if (tracked)
      return gst_imencode_submit_tracked (self, ctx);
    images = (GstImencodeImage *) self->images->data;
    n_images = self->images->len;
  }
  for (guint i = 0; i < n_images && ret == GST_FLOW_OK; i++) {
    if (ctx->gate == GST_IMENCODE_GATE_SNAPSHOT)
      images[i].reason = GST_IMENCODE_REASON_SNAPSHOT;
    ret = gst_imencode_submit_image (self, ctx, &images[i],
        GST_IMENCODE_JOB_PUSH, 0);
  }
  /* tracks left from roi-select first/best still end in their time */
  if (ret == GST_FLOW_OK && ctx->s.roi_filter)
    ret = gst_imencode_release_tracks (self, &ctx->s, ctx->stream_time,
        FALSE);
  return ret;
}

static GstFlowReturn
gst_imencode_chain (GstPad * pad, GstObject * parent, GstBuffer * inbuf)
{
  GstImencode *self = GST_IMENCODE (parent);
  GstImencodeFrameContext ctx;
  GstFlowReturn ret;
  gchar why[256];

  if (!self->have_info) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("received a buffer before caps"));
    gst_buffer_unref (inbuf);
    return GST_FLOW_NOT_NEGOTIATED;
  }

  memset (&ctx, 0, sizeof (ctx));
  gst_imencode_read_settings (self, &ctx.s);
  ctx.inbuf = inbuf;
  ret = gst_im_parallel_configure (self->par, ctx.s.threads,
      GST_VIDEO_INFO_SIZE (&self->in_info));
  if (ret != GST_FLOW_OK)
    goto out;

  if (!gst_im_video_buffer_holds_frame (&self->in_info, inbuf, why,
          sizeof (why))) {
    gst_imencode_warn_once (self, WARNED_MAP,
        "An input buffer does not hold the frame its caps describe; it is "
        "dropped", "%s (accepted: a buffer of at least the caps' frame "
        "size, or a GstVideoMeta of the caps' format and size whose planes "
        "lie inside the buffer)", why);
    goto out;
  }

  gst_imencode_frame_shape (self, &ctx.shape);
  ctx.stream_time = gst_imencode_gate_stream_time (&self->gate,
      GST_BUFFER_PTS (inbuf));
  ctx.gate = gst_imencode_gate_check (&self->gate, GST_BUFFER_PTS (inbuf),
      GST_BUFFER_DURATION (inbuf), ctx.s.max_rate_n, ctx.s.max_rate_d,
      ctx.s.on_demand);
  ctx.encode = ctx.gate == GST_IMENCODE_GATE_PASS ||
      ctx.gate == GST_IMENCODE_GATE_SNAPSHOT;
  if (!ctx.encode)
    GST_LOG_OBJECT (self, "frame %" GST_TIME_FORMAT " not encoded (%d)",
        GST_TIME_ARGS (GST_BUFFER_PTS (inbuf)), ctx.gate);

  ret = gst_imencode_encode_frame (self, &ctx);
  /* a snapshot request is answered by an image, not by a frame that
   * yields none (empty crop, no region, a refused size) */
  if (ctx.gate == GST_IMENCODE_GATE_SNAPSHOT && ctx.made > 0)
    gst_imencode_gate_take_snapshot (&self->gate);

out:
  gst_imencode_settings_clear (&ctx.s);
  gst_buffer_unref (inbuf);
  return ret;
}

/* ---- events and queries ---- */

static gboolean
gst_imencode_set_input_caps (GstImencode * self, GstCaps * caps)
{
  GstVideoInfo info;
  GstImencodeSettings s;
  GstImencodeImage whole;
  gboolean ok = TRUE;

  if (!gst_video_info_from_caps (&info, caps)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("cannot parse input caps %" GST_PTR_FORMAT, caps));
    return FALSE;
  }
  self->in_info = info;
  self->have_info = TRUE;
  gst_im_parallel_set_framerate (self->par, GST_VIDEO_INFO_FPS_N (&info),
      GST_VIDEO_INFO_FPS_D (&info));

  /* Threads for frames of this size (an ALLOCATION query follows). Set
   * the source caps now, so that the segment that follows goes out after
   * them; an empty crop waits for a frame that can be encoded. */
  gst_imencode_read_settings (self, &s);
  if (gst_im_parallel_configure (self->par, s.threads,
          GST_VIDEO_INFO_SIZE (&info)) != GST_FLOW_OK) {
    gst_imencode_settings_clear (&s);
    return FALSE;
  }
  if (s.roi_filter)
    ok = gst_imencode_ensure_negotiated (self, &s, NULL,
        GST_CLOCK_TIME_NONE) == GST_FLOW_OK;
  else if (gst_imencode_plan_whole_frame (self, &s, &whole))
    ok = gst_imencode_ensure_negotiated (self, &s, &whole,
        GST_CLOCK_TIME_NONE) == GST_FLOW_OK;
  gst_imencode_settings_clear (&s);
  return ok;
}

/* EOS: every track's best view goes out first; a downstream failure that
 * upstream never heard of becomes an error instead of a clean EOS. */
static gboolean
gst_imencode_sink_eos (GstImencode * self, GstEvent * event)
{
  GstFlowReturn ret = GST_FLOW_OK;

  if (self->tracks.n_tracks) {
    GstImencodeSettings s;

    gst_imencode_read_settings (self, &s);
    ret = gst_imencode_release_tracks (self, &s, GST_CLOCK_TIME_NONE, TRUE);
    gst_imencode_settings_clear (&s);
  }
  if (ret == GST_FLOW_OK || ret == GST_FLOW_FLUSHING)
    ret = gst_im_parallel_finish_stream (self->par);
  else
    gst_im_parallel_finish_stream (self->par);
  if (ret == GST_FLOW_NOT_LINKED || ret < GST_FLOW_EOS) {
    GST_ELEMENT_FLOW_ERROR (self, ret);
    gst_event_unref (event);
    return FALSE;
  }
  return gst_pad_push_event (self->srcpad, event);
}

static gboolean
gst_imencode_sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstImencode *self = GST_IMENCODE (parent);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:{
      GstCaps *caps;
      gboolean ok;

      gst_event_parse_caps (event, &caps);
      ok = gst_imencode_set_input_caps (self, caps);
      gst_event_unref (event);
      return ok;
    }
    case GST_EVENT_FLUSH_START:
      /* drop the frames in flight before downstream unblocks our push */
      gst_im_parallel_flush_start (self->par);
      break;
    case GST_EVENT_FLUSH_STOP:
      gst_im_parallel_flush_stop (self->par);
      g_atomic_int_set (&self->warned, 0);
      gst_imencode_gate_flush (&self->gate);
      /* the tracks and their candidates belong to the old position */
      gst_imencode_drop_tracks (self);
      break;
    case GST_EVENT_SEGMENT:{
      const GstSegment *segment;

      gst_event_parse_segment (event, &segment);
      gst_imencode_gate_set_segment (&self->gate, segment);
      return gst_im_parallel_send_event (self->par, event);
    }
    case GST_EVENT_EOS:
      return gst_imencode_sink_eos (self, event);
    default:
      /* in order with the frames, as GstVideoEncoder keeps them */
      if (GST_EVENT_IS_SERIALIZED (event))
        return gst_im_parallel_send_event (self->par, event);
      break;
  }
  return gst_pad_event_default (pad, parent, event);
}

static gboolean
gst_imencode_sink_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  GstImencode *self = GST_IMENCODE (parent);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:{
      GstCaps *filter, *caps;

      /* what downstream restricts besides type and size (framerate) */
      gst_query_parse_caps (query, &filter);
      caps = gst_im_pad_proxy_caps (pad, self->srcpad, filter);
      gst_query_set_caps_result (query, caps);
      gst_caps_unref (caps);
      return TRUE;
    }
    case GST_QUERY_ALLOCATION:{
      GstCaps *caps;
      GstVideoInfo info;
      guint in_flight;

      /* any strides and plane offsets: read through GstVideoMeta */
      gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL);
      /* frames in flight hold their buffers: ask upstream's pool for as
       * many as the running threads may hold */
      gst_query_parse_allocation (query, &caps, NULL);
      if (!caps || !gst_video_info_from_caps (&info, caps))
        return TRUE;
      in_flight = gst_im_parallel_get_max_in_flight (self->par);
      if (in_flight > 1)
        gst_query_add_allocation_pool (query, NULL, info.size, in_flight, 0);
      return TRUE;
    }
    default:
      /* a serialized query (drain...) follows the frames before it */
      if (GST_QUERY_IS_SERIALIZED (query))
        gst_im_parallel_wait (self->par);
      return gst_pad_query_default (pad, parent, query);
  }
}

static gboolean
gst_imencode_src_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstImencode *self = GST_IMENCODE (parent);

  gst_im_parallel_src_event (self->par, event);
  return gst_pad_event_default (pad, parent, event);
}

static gboolean
gst_imencode_src_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  GstImencode *self = GST_IMENCODE (parent);

  if (GST_QUERY_TYPE (query) == GST_QUERY_LATENCY)
    return gst_im_parallel_query_latency (self->par, self->sinkpad, query);
  return gst_pad_query_default (pad, parent, query);
}

/* ---- properties and signals ---- */

/* The "snapshot" action signal: any thread, any state. */
static void
gst_imencode_request_snapshot (GstImencode * self)
{
  GST_DEBUG_OBJECT (self, "snapshot requested");
  gst_imencode_gate_request_snapshot (&self->gate);
}

static void
gst_imencode_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstImencode *self = GST_IMENCODE (object);
  gboolean known;

  GST_OBJECT_LOCK (self);
  known = gst_imencode_properties_set (&self->props, prop_id, value);
  GST_OBJECT_UNLOCK (self);
  if (!known)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gst_imencode_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstImencode *self = GST_IMENCODE (object);
  gboolean known;

  GST_OBJECT_LOCK (self);
  known = gst_imencode_properties_get (&self->props, prop_id, value);
  GST_OBJECT_UNLOCK (self);
  if (!known)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}
