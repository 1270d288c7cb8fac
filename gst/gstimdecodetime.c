/* gst-imencode: imdecode's TIME segment and timestamps on its source pad
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstimdecodeprivate.h"

#define GST_CAT_DEFAULT gst_imdecode_debug

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
void
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
gboolean
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
GstEvent *
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
void
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
gboolean
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
gboolean
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
