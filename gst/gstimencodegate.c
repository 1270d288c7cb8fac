/* gst-imencode: which frames imencode encodes at all
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstimencodegate.h"

void
gst_imencode_gate_init (GstImencodeGate * gate)
{
  gst_imencode_gate_reset (gate);
  g_atomic_int_set (&gate->pending_snapshots, 0);
}

void
gst_imencode_gate_reset (GstImencodeGate * gate)
{
  gst_segment_init (&gate->segment, GST_FORMAT_TIME);
  gate->last_time = GST_CLOCK_TIME_NONE;
}

void
gst_imencode_gate_set_segment (GstImencodeGate * gate,
    const GstSegment * segment)
{
  gst_segment_copy_into (segment, &gate->segment);
  gate->last_time = GST_CLOCK_TIME_NONE;
}

void
gst_imencode_gate_flush (GstImencodeGate * gate)
{
  gate->last_time = GST_CLOCK_TIME_NONE;
}

void
gst_imencode_gate_request_snapshot (GstImencodeGate * gate)
{
  g_atomic_int_inc (&gate->pending_snapshots);
}

gboolean
gst_imencode_gate_take_snapshot (GstImencodeGate * gate)
{
  gint n;

  do {
    n = g_atomic_int_get (&gate->pending_snapshots);
    if (n <= 0)
      return FALSE;
  } while (!g_atomic_int_compare_and_exchange (&gate->pending_snapshots, n,
          n - 1));
  return TRUE;
}

GstImencodeGateResult
gst_imencode_gate_check (GstImencodeGate * gate, GstClockTime pts,
    GstClockTime duration, gint rate_n, gint rate_d, gboolean on_demand)
{
  GstClockTime stream_time = GST_CLOCK_TIME_NONE, interval = 0;
  gboolean limited = rate_n > 0 && rate_d > 0;

  if (GST_CLOCK_TIME_IS_VALID (pts) &&
      gate->segment.format == GST_FORMAT_TIME) {
    GstClockTime stop = GST_CLOCK_TIME_NONE;

    if (GST_CLOCK_TIME_IS_VALID (duration) && duration <= G_MAXUINT64 - pts)
      stop = pts + duration;
    if (!gst_segment_clip (&gate->segment, GST_FORMAT_TIME, pts, stop, NULL,
            NULL))
      return GST_IMENCODE_GATE_OUTSIDE_SEGMENT;
    stream_time = gst_segment_to_stream_time (&gate->segment,
        GST_FORMAT_TIME, pts);
  }

  if (limited && GST_CLOCK_TIME_IS_VALID (stream_time)) {
    GstClockTime since;

    /* rounded down: timestamps of a stream at exactly max-rate (rounded
     * down themselves) all pass */
    interval = gst_util_uint64_scale_int (GST_SECOND, rate_d, rate_n);
    if (GST_CLOCK_TIME_IS_VALID (gate->last_time)) {
      /* reverse playback runs stream time backwards */
      since = stream_time >= gate->last_time ?
          stream_time - gate->last_time : gate->last_time - stream_time;
      if (since < interval)
        return GST_IMENCODE_GATE_RATE;
    }
  }

  if (on_demand && g_atomic_int_get (&gate->pending_snapshots) <= 0)
    return GST_IMENCODE_GATE_NO_REQUEST;

  if (limited && GST_CLOCK_TIME_IS_VALID (stream_time))
    gate->last_time = stream_time;
  return on_demand ? GST_IMENCODE_GATE_SNAPSHOT : GST_IMENCODE_GATE_PASS;
}

GstClockTime
gst_imencode_gate_stream_time (const GstImencodeGate * gate,
    GstClockTime pts)
{
  if (!GST_CLOCK_TIME_IS_VALID (pts) || gate->segment.format != GST_FORMAT_TIME)
    return GST_CLOCK_TIME_NONE;
  return gst_segment_to_stream_time (&gate->segment, GST_FORMAT_TIME, pts);
}
