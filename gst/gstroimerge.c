/* gst-imencode: the roimerge element
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-roimerge
 * @title: roimerge
 *
 * Brings a detector's regions, found on a scaled-down copy of the video,
 * back onto the full-size frames. Analytics pipelines detect on a small
 * copy (`tee ! videoscale ! detector`) because models take 640x640 or
 * less, while snapshots and crops should come from the full-resolution
 * frames: roimerge joins the two branches again.
 *
 * Pads: `sink` takes the frames that go on; `regions` takes the detector's
 * output, video/x-raw of any size and memory, whose buffers carry
 * GstVideoRegionOfInterestMeta and, when the plugin is built with
 * GStreamer's analytics library (1.24 and later), GstAnalyticsRelationMeta.
 * The source pad has the `sink` pad's caps.
 *
 * Every `sink` frame leaves, in order and unmodified (same memory, same
 * timestamps, its own metas), with a copy of the regions of the `regions`
 * buffer at the same running time: the one nearest in running time within
 * `tolerance`, the earlier one on a tie. Boxes are scaled from the regions
 * stream's width and height (its caps, as they were for that buffer) to
 * the frame's: each edge to the nearest pixel, clipped to the frame; a box
 * left empty is dropped. ROI metas keep their type, id, parent id and every
 * parameter structure (`detection`, `object_id`, ...); analytics object
 * detections keep their label and confidence, and tracking and
 * classification metadata are copied with their relations to them.
 *
 * A frame for which the detector has no buffer (it skips frames, a leaky
 * queue dropped one) leaves without new regions as soon as the `regions`
 * pad has a buffer later than the frame, or has reached EOS, or was not
 * linked when the pipeline started. On a live pipeline a frame waits at
 * most until its running time plus the pipeline latency plus the
 * `latency` property of GstAggregator (which this element inherits; raise
 * it by the detector's processing time when the detector does not report
 * its latency) plus `tolerance`, which the element adds to the latency it
 * reports.
 *
 * The frames of the `sink` pad decide the stream: their caps and segment
 * go downstream, their EOS ends it (the regions still queued are dropped),
 * a flushing seek forgets the regions held from before it. Put a queue
 * before each pad (after the tee, after the detector): without their room
 * GstAggregator cannot configure a live latency, and frames then wait for
 * the detector without a deadline.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! \
 *     video/x-raw,width=1920,height=1080 ! tee name=t \
 *   t. ! queue ! videoscale ! video/x-raw,width=640,height=360 ! \
 *     DETECTOR ! queue ! m.regions \
 *   t. ! queue ! m.sink \
 *   roimerge name=m ! imencode roi-type=person roi-select=best \
 *     encoding=json ! fdsink async=false
 * ]|
 * where DETECTOR is any element that attaches region metas: DL
 * Streamer's gvadetect (ROI metas), GStreamer 1.26's `onnxinference !
 * ssdobjectdetector` (analytics detections). `async=false` on a sink that
 * only gets a buffer now and then keeps it from holding a live pipeline
 * in PAUSED. With a detector that retimestamps its output by a few
 * milliseconds, allow for it with `tolerance`:
 * |[
 * ... ! roimerge name=m tolerance=5000000 ! ...
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstimencodeelements.h"
#include "gstroimerge.h"
#include "gstroimergemeta.h"

GST_DEBUG_CATEGORY_STATIC (gst_roi_merge_debug);
#define GST_CAT_DEFAULT gst_roi_merge_debug

#define DEFAULT_TOLERANCE 0
/* tolerance is added to the reported latency: one hour is beyond any use
 * and keeps every latency sum far from overflowing */
#define MAX_TOLERANCE (3600 * GST_SECOND)

enum
{
  PROP_0,
  PROP_TOLERANCE,
};

struct _GstRoiMerge
{
  GstAggregator parent;

  GstAggregatorPad *sinkpad;
  GstAggregatorPad *regionspad;

  /* under the object lock */
  GstClockTime tolerance;

  /* atomic: the regions pad was not linked at READY->PAUSED and was given
   * an EOS of our own, so that no frame waits for it */
  gint regions_fed_eos;
  /* atomic: the frames have ended, so the output has: the regions pad
   * refuses what still comes (GStreamer >= 1.24's GstAggregator no longer
   * does at EOS, which would leave the detector branch blocked) */
  gint frames_ended;

  /* aggregate thread (the source pad's task): the state of each pad as of
   * the item at the head of its queue, serialized events being handled
   * there in order with the buffers */
  GstCaps *frame_caps;
  guint frame_width, frame_height;
  guint regions_width, regions_height;  /* 0 before regions caps */
  /* the latest regions buffer at or before the frame at the head of the
   * sink queue, with its running time and its picture's size */
  GstBuffer *held;
  GstClockTime held_time;
  guint held_width, held_height;
  gboolean warned_no_size;
};

#define gst_roi_merge_parent_class parent_class
G_DEFINE_TYPE (GstRoiMerge, gst_roi_merge, GST_TYPE_AGGREGATOR);
GST_ELEMENT_REGISTER_DEFINE (roimerge, "roimerge", GST_RANK_NONE,
    GST_TYPE_ROI_MERGE);

#define ROI_MERGE_CAPS "video/x-raw(ANY), width = (int) [ 1, MAX ], " \
    "height = (int) [ 1, MAX ]"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (ROI_MERGE_CAPS));

static GstStaticPadTemplate regions_template =
GST_STATIC_PAD_TEMPLATE ("regions", GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (ROI_MERGE_CAPS));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (ROI_MERGE_CAPS));

static void gst_roi_merge_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_roi_merge_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static void gst_roi_merge_finalize (GObject * object);
static GstStateChangeReturn gst_roi_merge_change_state (GstElement * element,
    GstStateChange transition);
static GstFlowReturn gst_roi_merge_aggregate (GstAggregator * agg,
    gboolean timeout);
static GstClockTime gst_roi_merge_get_next_time (GstAggregator * agg);
static gboolean gst_roi_merge_sink_event (GstAggregator * agg,
    GstAggregatorPad * pad, GstEvent * event);
static gboolean gst_roi_merge_sink_query (GstAggregator * agg,
    GstAggregatorPad * pad, GstQuery * query);
static GstFlowReturn gst_roi_merge_update_src_caps (GstAggregator * agg,
    GstCaps * downstream_caps, GstCaps ** ret);
static GstFlowReturn gst_roi_merge_flush (GstAggregator * agg);
static gboolean gst_roi_merge_start (GstAggregator * agg);
static gboolean gst_roi_merge_stop (GstAggregator * agg);

static void
gst_roi_merge_class_init (GstRoiMergeClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstAggregatorClass *agg_class = GST_AGGREGATOR_CLASS (klass);

  gobject_class->set_property = gst_roi_merge_set_property;
  gobject_class->get_property = gst_roi_merge_get_property;
  gobject_class->finalize = gst_roi_merge_finalize;

  g_object_class_install_property (gobject_class, PROP_TOLERANCE,
      g_param_spec_uint64 ("tolerance", "Tolerance",
          "A regions buffer matches a frame whose running time is at most "
          "this many nanoseconds away (the nearest one wins). 0: the same "
          "running time only, as when both branches keep the camera's "
          "timestamps. Raise it for a detector branch that retimestamps "
          "(e.g. 5000000 for 5 ms); it adds to the latency reported on live "
          "pipelines (at most 1 hour)",
          0, MAX_TOLERANCE, DEFAULT_TOLERANCE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  gst_element_class_add_static_pad_template_with_gtype (element_class,
      &sink_template, GST_TYPE_AGGREGATOR_PAD);
  gst_element_class_add_static_pad_template_with_gtype (element_class,
      &regions_template, GST_TYPE_AGGREGATOR_PAD);
  gst_element_class_add_static_pad_template_with_gtype (element_class,
      &src_template, GST_TYPE_AGGREGATOR_PAD);
  gst_element_class_set_static_metadata (element_class,
      "Regions of interest merger", "Filter/Video/Analytics",
      "Copies the regions of interest (ROI and analytics metas) of a "
      "detector's scaled-down stream onto the full-size frames with the same "
      "running time, boxes scaled to the frames",
      "gst-imencode contributors");

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_roi_merge_change_state);

  agg_class->aggregate = GST_DEBUG_FUNCPTR (gst_roi_merge_aggregate);
  agg_class->get_next_time = GST_DEBUG_FUNCPTR (gst_roi_merge_get_next_time);
  agg_class->sink_event = GST_DEBUG_FUNCPTR (gst_roi_merge_sink_event);
  agg_class->sink_query = GST_DEBUG_FUNCPTR (gst_roi_merge_sink_query);
  agg_class->update_src_caps =
      GST_DEBUG_FUNCPTR (gst_roi_merge_update_src_caps);
  agg_class->flush = GST_DEBUG_FUNCPTR (gst_roi_merge_flush);
  agg_class->start = GST_DEBUG_FUNCPTR (gst_roi_merge_start);
  agg_class->stop = GST_DEBUG_FUNCPTR (gst_roi_merge_stop);

  GST_DEBUG_CATEGORY_INIT (gst_roi_merge_debug, "roimerge", 0,
      "Regions of a scaled copy onto the full-size frames");
}

static GstAggregatorPad *
gst_roi_merge_add_sink_pad (GstRoiMerge * self, const gchar * name)
{
  GstPadTemplate *templ =
      gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (self), name);
  GstAggregatorPad *pad = g_object_new (GST_TYPE_AGGREGATOR_PAD, "name", name,
      "direction", GST_PAD_SINK, "template", templ, NULL);

  gst_element_add_pad (GST_ELEMENT (self), GST_PAD (pad));
  return pad;
}

/* Once the frames have ended, buffers on the regions pad are refused
 * with EOS, as by a pad at EOS, instead of waiting for room in a queue
 * that nothing empties any more. */
static GstPadProbeReturn
gst_roi_merge_regions_probe (GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  GstRoiMerge *self = user_data;

  if (!g_atomic_int_get (&self->frames_ended))
    return GST_PAD_PROBE_OK;
  gst_mini_object_unref (GST_PAD_PROBE_INFO_DATA (info));
  GST_PAD_PROBE_INFO_DATA (info) = NULL;
  GST_PAD_PROBE_INFO_FLOW_RETURN (info) = GST_FLOW_EOS;
  return GST_PAD_PROBE_HANDLED;
}

static void
gst_roi_merge_init (GstRoiMerge * self)
{
  self->sinkpad = gst_roi_merge_add_sink_pad (self, "sink");
  self->regionspad = gst_roi_merge_add_sink_pad (self, "regions");
  gst_pad_add_probe (GST_PAD (self->regionspad),
      GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
      gst_roi_merge_regions_probe, self, NULL);
  self->tolerance = DEFAULT_TOLERANCE;
  self->held_time = GST_CLOCK_TIME_NONE;
}

/* Forgets the regions buffer held and what the pads' caps said. */
static void
gst_roi_merge_reset (GstRoiMerge * self, gboolean caps_too)
{
  gst_clear_buffer (&self->held);
  self->held_time = GST_CLOCK_TIME_NONE;
  g_atomic_int_set (&self->frames_ended, 0);
  if (!caps_too)
    return;
  gst_clear_caps (&self->frame_caps);
  self->frame_width = self->frame_height = 0;
  self->regions_width = self->regions_height = 0;
  self->warned_no_size = FALSE;
}

static void
gst_roi_merge_finalize (GObject * object)
{
  gst_roi_merge_reset (GST_ROI_MERGE (object), TRUE);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static gboolean
gst_roi_merge_start (GstAggregator * agg)
{
  gst_roi_merge_reset (GST_ROI_MERGE (agg), TRUE);
  return TRUE;
}

static gboolean
gst_roi_merge_stop (GstAggregator * agg)
{
  gst_roi_merge_reset (GST_ROI_MERGE (agg), TRUE);
  return TRUE;
}

static GstFlowReturn
gst_roi_merge_flush (GstAggregator * agg)
{
  /* the held regions are from before the seek */
  gst_roi_merge_reset (GST_ROI_MERGE (agg), FALSE);
  return GST_FLOW_OK;
}

/* A regions pad nobody linked never gets data: it is ended at once, so
 * that GstAggregator, which waits for every sink pad, lets frames pass. */
static void
gst_roi_merge_end_unlinked_regions (GstRoiMerge * self, gboolean start)
{
  GstPad *pad = GST_PAD (self->regionspad);

  if (gst_pad_is_linked (pad)) {
    g_atomic_int_set (&self->regions_fed_eos, 0);
    return;
  }
  GST_INFO_OBJECT (self, "regions pad not linked: frames will not wait");
  g_atomic_int_set (&self->regions_fed_eos, 1);
  if (start)
    gst_pad_send_event (pad, gst_event_new_stream_start ("roimerge-unlinked"));
  gst_pad_send_event (pad, gst_event_new_eos ());
}

static GstStateChangeReturn
gst_roi_merge_change_state (GstElement * element, GstStateChange transition)
{
  GstRoiMerge *self = GST_ROI_MERGE (element);
  GstStateChangeReturn ret;

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;
  /* the pads are active now */
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
    gst_roi_merge_end_unlinked_regions (self, TRUE);
  return ret;
}

/* The running time of @buf's PTS in @pad's segment, or
 * GST_CLOCK_TIME_NONE. */
static GstClockTime
gst_roi_merge_running_time (GstAggregatorPad * pad, GstBuffer * buf)
{
  GstClockTime rt = GST_CLOCK_TIME_NONE;

  if (!GST_BUFFER_PTS_IS_VALID (buf))
    return rt;
  GST_OBJECT_LOCK (pad);
  if (pad->segment.format == GST_FORMAT_TIME)
    rt = gst_segment_to_running_time (&pad->segment, GST_FORMAT_TIME,
        GST_BUFFER_PTS (buf));
  GST_OBJECT_UNLOCK (pad);
  return rt;
}

static gboolean
gst_roi_merge_caps_size (GstCaps * caps, guint * width, guint * height)
{
  const GstStructure *s;
  gint w = 0, h = 0;

  if (!caps || gst_caps_get_size (caps) < 1)
    return FALSE;
  s = gst_caps_get_structure (caps, 0);
  if (!gst_structure_get_int (s, "width", &w) ||
      !gst_structure_get_int (s, "height", &h) || w < 1 || h < 1)
    return FALSE;
  *width = (guint) w;
  *height = (guint) h;
  return TRUE;
}

static gboolean
gst_roi_merge_sink_event (GstAggregator * agg, GstAggregatorPad * pad,
    GstEvent * event)
{
  GstRoiMerge *self = GST_ROI_MERGE (agg);
  gboolean is_sink = pad == self->sinkpad;
  gboolean forward_to_unlinked = FALSE;
  gboolean ret;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:{
      GstCaps *caps;
      guint w, h;

      gst_event_parse_caps (event, &caps);
      if (!gst_roi_merge_caps_size (caps, &w, &h)) {
        /* the templates require both: only a broken upstream gets here */
        GST_ELEMENT_ERROR (self, STREAM, FORMAT, (NULL),
            ("caps on %s without width and height: %" GST_PTR_FORMAT,
                GST_PAD_NAME (pad), caps));
        gst_event_unref (event);
        return FALSE;
      }
      if (is_sink) {
        gst_caps_replace (&self->frame_caps, caps);
        self->frame_width = w;
        self->frame_height = h;
        /* the source caps follow: negotiated before the next frame */
        gst_pad_mark_reconfigure (GST_AGGREGATOR_SRC_PAD (agg));
      } else {
        GST_DEBUG_OBJECT (self, "regions are %ux%u from now on", w, h);
        self->regions_width = w;
        self->regions_height = h;
      }
      break;
    }
    case GST_EVENT_SEGMENT:
      if (is_sink) {
        const GstSegment *segment;

        gst_event_parse_segment (event, &segment);
        if (segment->format != GST_FORMAT_TIME) {
          GST_ELEMENT_ERROR (self, STREAM, FORMAT, (NULL),
              ("roimerge matches frames by running time and needs a TIME "
                  "segment on its sink pad, got %s",
                  gst_format_get_name (segment->format)));
          gst_event_unref (event);
          return FALSE;
        }
        /* frames leave with their own timestamps, in their own segment */
        gst_aggregator_update_segment (agg, segment);
      }
      break;
    case GST_EVENT_STREAM_START:
      /* a new stream after EOS (GstAggregator >= 1.24 goes on then) */
      if (is_sink)
        g_atomic_int_set (&self->frames_ended, 0);
      break;
    case GST_EVENT_TAG:
      if (!is_sink) {
        /* the detector branch's tags do not describe the output */
        gst_event_unref (event);
        return TRUE;
      }
      break;
    case GST_EVENT_FLUSH_START:
    case GST_EVENT_FLUSH_STOP:
      /* GstAggregator finishes a flush once every sink pad has seen it: an
       * unlinked regions pad sees the frames' flush */
      forward_to_unlinked = is_sink &&
          g_atomic_int_get (&self->regions_fed_eos) &&
          !gst_pad_is_linked (GST_PAD (self->regionspad));
      break;
    default:
      break;
  }

  if (forward_to_unlinked)
    gst_event_ref (event);
  ret = GST_AGGREGATOR_CLASS (parent_class)->sink_event (agg, pad, event);
  if (forward_to_unlinked) {
    gboolean stop = GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP;

    gst_pad_send_event (GST_PAD (self->regionspad), event);
    /* a flush clears EOS: end it again */
    if (stop)
      gst_roi_merge_end_unlinked_regions (self, FALSE);
  }
  return ret;
}

static gboolean
gst_roi_merge_sink_query (GstAggregator * agg, GstAggregatorPad * pad,
    GstQuery * query)
{
  GstRoiMerge *self = GST_ROI_MERGE (agg);

  if (GST_QUERY_TYPE (query) == GST_QUERY_CAPS) {
    GstCaps *filter, *templ, *caps;

    gst_query_parse_caps (query, &filter);
    templ = gst_pad_get_pad_template_caps (GST_PAD (pad));
    if (pad == self->sinkpad) {
      /* frames go out as they come: what downstream takes */
      caps = gst_pad_peer_query_caps (GST_AGGREGATOR_SRC_PAD (agg), templ);
      gst_caps_unref (templ);
    } else {
      /* the detector's stream only needs a size */
      caps = templ;
    }
    if (filter) {
      GstCaps *both = gst_caps_intersect_full (filter, caps,
          GST_CAPS_INTERSECT_FIRST);

      gst_caps_unref (caps);
      caps = both;
    }
    gst_query_set_caps_result (query, caps);
    gst_caps_unref (caps);
    return TRUE;
  }
  return GST_AGGREGATOR_CLASS (parent_class)->sink_query (agg, pad, query);
}

static GstFlowReturn
gst_roi_merge_update_src_caps (GstAggregator * agg, GstCaps * downstream_caps,
    GstCaps ** ret)
{
  GstRoiMerge *self = GST_ROI_MERGE (agg);

  if (!self->frame_caps)
    return GST_AGGREGATOR_FLOW_NEED_DATA;
  if (!gst_caps_can_intersect (self->frame_caps, downstream_caps)) {
    GST_WARNING_OBJECT (self, "downstream does not take %" GST_PTR_FORMAT,
        self->frame_caps);
    return GST_FLOW_NOT_NEGOTIATED;
  }
  *ret = gst_caps_ref (self->frame_caps);
  return GST_FLOW_OK;
}

/* The live deadline of the frame at the head of the sink queue: its
 * running time (GstAggregator adds the latency, tolerance included). */
static GstClockTime
gst_roi_merge_get_next_time (GstAggregator * agg)
{
  GstRoiMerge *self = GST_ROI_MERGE (agg);
  GstBuffer *frame = gst_aggregator_pad_peek_buffer (self->sinkpad);
  GstClockTime rt;

  if (!frame) {
    /* an ended stream is finished at once; otherwise wait for data */
    return gst_aggregator_pad_is_eos (self->sinkpad) ? 0 :
        GST_CLOCK_TIME_NONE;
  }
  rt = gst_roi_merge_running_time (self->sinkpad, frame);
  gst_buffer_unref (frame);
  /* a frame without a running time is matched with nothing: no wait */
  return GST_CLOCK_TIME_IS_VALID (rt) ? rt : 0;
}

/* Takes the regions buffers up to running time @t off the regions queue,
 * keeping the latest as held; returns the first one after @t (a
 * reference, with its running time in @after_time), or NULL when the queue
 * has no buffer at its head. */
static GstBuffer *
gst_roi_merge_take_regions_until (GstRoiMerge * self, GstClockTime t,
    GstClockTime * after_time)
{
  GstBuffer *buf;

  while ((buf = gst_aggregator_pad_peek_buffer (self->regionspad))) {
    GstClockTime r = gst_roi_merge_running_time (self->regionspad, buf);

    if (GST_CLOCK_TIME_IS_VALID (r) && r > t) {
      *after_time = r;
      return buf;
    }
    gst_buffer_unref (buf);
    buf = gst_aggregator_pad_pop_buffer (self->regionspad);
    if (!GST_CLOCK_TIME_IS_VALID (r)) {
      GST_LOG_OBJECT (self, "regions buffer without a running time dropped");
      gst_clear_buffer (&buf);
      continue;
    }
    gst_clear_buffer (&self->held);
    self->held = buf;
    self->held_time = r;
    self->held_width = self->regions_width;
    self->held_height = self->regions_height;
  }
  return NULL;
}

/* Adds the regions of @regions (a picture of @width x @height) to @frame;
 * returns the frame to push. */
static GstBuffer *
gst_roi_merge_apply (GstRoiMerge * self, GstBuffer * frame,
    GstBuffer * regions, guint width, guint height)
{
  GstRoiMergeScale scale;
  GstRoiMergeCopied copied;

  if (!gst_roi_merge_has_regions (regions))
    return frame;
  if (width == 0 || height == 0 || self->frame_width == 0 ||
      self->frame_height == 0) {
    if (!self->warned_no_size) {
      GST_ELEMENT_WARNING (self, STREAM, FORMAT, (NULL),
          ("regions or frames came without caps: their boxes cannot be "
              "scaled, so frames leave without them; set caps with width "
              "and height on both pads"));
      self->warned_no_size = TRUE;
    }
    return frame;
  }
  scale.from_width = width;
  scale.from_height = height;
  scale.to_width = self->frame_width;
  scale.to_height = self->frame_height;
  /* a frame shared with other branches is copied (not its memory), so
   * they do not see the metas added */
  frame = gst_buffer_make_writable (frame);
  gst_roi_merge_copy_regions (frame, regions, &scale, &copied);
  GST_LOG_OBJECT (self, "%" GST_TIME_FORMAT ": %u ROI metas, %u detections, "
      "%u related metadata added, %u empty boxes dropped, %u analytics "
      "metadata of unsupported kinds left out",
      GST_TIME_ARGS (GST_BUFFER_PTS (frame)), copied.rois, copied.detections,
      copied.others, copied.dropped, copied.unsupported);
  return frame;
}

static GstFlowReturn
gst_roi_merge_aggregate (GstAggregator * agg, gboolean timeout)
{
  GstRoiMerge *self = GST_ROI_MERGE (agg);
  GstBuffer *frame, *after = NULL, *match = NULL;
  GstClockTime t, after_time = GST_CLOCK_TIME_NONE, tolerance;
  guint match_width = 0, match_height = 0;

  frame = gst_aggregator_pad_peek_buffer (self->sinkpad);
  if (!frame) {
    if (!gst_aggregator_pad_is_eos (self->sinkpad))
      return GST_AGGREGATOR_FLOW_NEED_DATA;
    /* the end: refuse the regions still coming, drop those queued (which
     * lets a push waiting for room return) */
    g_atomic_int_set (&self->frames_ended, 1);
    while (gst_aggregator_pad_drop_buffer (self->regionspad));
    return GST_FLOW_EOS;
  }
  t = gst_roi_merge_running_time (self->sinkpad, frame);
  gst_buffer_unref (frame);

  GST_OBJECT_LOCK (self);
  tolerance = self->tolerance;
  GST_OBJECT_UNLOCK (self);

  if (GST_CLOCK_TIME_IS_VALID (t)) {
    gboolean held_ok, after_ok;

    after = gst_roi_merge_take_regions_until (self, t, &after_time);
    /* a later buffer could still be nearer, unless one is past @t already,
     * the regions have ended, the live deadline has passed or the held one
     * is exact */
    if (!after && !timeout &&
        !gst_aggregator_pad_is_eos (self->regionspad) &&
        !(self->held && self->held_time == t))
      return GST_AGGREGATOR_FLOW_NEED_DATA;

    held_ok = self->held && t - self->held_time <= tolerance;
    after_ok = after && after_time - t <= tolerance;
    if (held_ok && (!after_ok || t - self->held_time <= after_time - t)) {
      match = self->held;
      match_width = self->held_width;
      match_height = self->held_height;
    } else if (after_ok) {
      /* at the head of the queue: the caps handled last are its own */
      match = after;
      match_width = self->regions_width;
      match_height = self->regions_height;
    }
  }

  frame = gst_aggregator_pad_pop_buffer (self->sinkpad);
  if (!frame) {
    /* flushed meanwhile */
    gst_clear_buffer (&after);
    return GST_FLOW_FLUSHING;
  }
  if (GST_BUFFER_FLAG_IS_SET (frame, GST_BUFFER_FLAG_GAP) &&
      gst_buffer_get_size (frame) == 0) {
    /* a GAP event on the sink pad, which GstAggregator made a buffer of:
     * no frame to carry regions */
    gst_buffer_unref (frame);
    gst_clear_buffer (&after);
    return GST_FLOW_OK;
  }
  if (match)
    frame = gst_roi_merge_apply (self, frame, match, match_width,
        match_height);
  gst_clear_buffer (&after);

  gst_aggregator_selected_samples (agg, GST_BUFFER_PTS (frame),
      GST_BUFFER_DTS (frame), GST_BUFFER_DURATION (frame), NULL);
  if (GST_BUFFER_PTS_IS_VALID (frame)) {
    GST_OBJECT_LOCK (self);
    GST_AGGREGATOR_PAD (GST_AGGREGATOR_SRC_PAD (agg))->segment.position =
        GST_BUFFER_PTS (frame);
    GST_OBJECT_UNLOCK (self);
  }
  return gst_aggregator_finish_buffer (agg, frame);
}

static void
gst_roi_merge_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstRoiMerge *self = GST_ROI_MERGE (object);

  switch (prop_id) {
    case PROP_TOLERANCE:{
      GstClockTime tolerance = g_value_get_uint64 (value);

      GST_OBJECT_LOCK (self);
      self->tolerance = tolerance;
      GST_OBJECT_UNLOCK (self);
      /* a frame may wait this much longer for its regions */
      gst_aggregator_set_latency (GST_AGGREGATOR (self), tolerance,
          tolerance);
      break;
    }
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_roi_merge_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstRoiMerge *self = GST_ROI_MERGE (object);

  switch (prop_id) {
    case PROP_TOLERANCE:
      GST_OBJECT_LOCK (self);
      g_value_set_uint64 (value, self->tolerance);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}
