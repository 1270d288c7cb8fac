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

#include "gstimencodeelements.h"
#include "gstimencodeprivate.h"
#include "gstimpad.h"
#include "gstimvideo.h"

GST_DEBUG_CATEGORY (gst_imencode_debug);
#define GST_CAT_DEFAULT gst_imencode_debug

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
      "imencode", sizeof (GstImencodeFrame), &gst_imencode_frame_funcs);
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
GstFlowReturn
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
