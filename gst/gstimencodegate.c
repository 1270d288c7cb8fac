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
  gst_imencode_gate_flush (gate);
}

void
gst_imencode_gate_set_segment (GstImencodeGate * gate,
    const GstSegment * segment)
{
  gst_segment_copy_into (segment, &gate->segment);
  gst_imencode_gate_flush (gate);
}

void
gst_imencode_gate_flush (GstImencodeGate * gate)
{
  gate->origin = GST_CLOCK_TIME_NONE;
  gate->rate_n = gate->rate_d = 0;
  gate->next_slot = 0;
  gate->prev_time = GST_CLOCK_TIME_NONE;
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

static GstClockTime
gst_imencode_gate_distance (GstClockTime a, GstClockTime b)
{
  return a >= b ? a - b : b - a;
}

/* max-rate's grid: slot k lies k/max-rate after the first frame kept (the
 * origin), in stream time. A frame is kept when it is at or past the next
 * slot not yet taken, or less than half a frame before it; it takes every
 * slot it reaches, so a late frame never lets a burst through. Distances
 * from the origin are absolute: reverse playback runs stream time
 * backwards. Slot times are exact fractions (k * GST_SECOND * rate_d /
 * rate_n), so rates such as 10000000/333333 accumulate no rounding. */
static gboolean
gst_imencode_gate_on_grid (GstImencodeGate * gate, GstClockTime stream_time,
    GstClockTime duration, gint rate_n, gint rate_d)
{
  /* GST_SECOND * G_MAXINT fits in 64 bits */
  guint64 slot_num = GST_SECOND * (guint64) rate_d;
  GstClockTime jitter, reached;
  guint64 slot;

  /* the buffer's duration, else the spacing of the last two frames seen */
  if (!GST_CLOCK_TIME_IS_VALID (duration) &&
      GST_CLOCK_TIME_IS_VALID (gate->prev_time))
    duration = gst_imencode_gate_distance (stream_time, gate->prev_time);
  gate->prev_time = stream_time;
  /* less than half a frame, and never more than half a slot, so a bogus
   * duration or a gap in the stream shifts the grid by less than a slot */
  jitter = GST_CLOCK_TIME_IS_VALID (duration) ? duration / 2 : 0;
  jitter = MIN (jitter, gst_util_uint64_scale (GST_SECOND / 2, rate_d,
          rate_n));
  if (jitter > 0)
    jitter--;

  /* a new rate starts a new grid at this frame */
  if (!GST_CLOCK_TIME_IS_VALID (gate->origin) || rate_n != gate->rate_n ||
      rate_d != gate->rate_d) {
    gate->origin = stream_time;
    gate->rate_n = rate_n;
    gate->rate_d = rate_d;
    gate->next_slot = 1;
    return TRUE;
  }

  reached = gst_imencode_gate_distance (stream_time, gate->origin);
  reached = reached <= G_MAXUINT64 - jitter ? reached + jitter : G_MAXUINT64;
  /* both scalings saturate at G_MAXUINT64, far beyond any stream time */
  if (reached < gst_util_uint64_scale_ceil (gate->next_slot, slot_num,
          rate_n))
    return FALSE;
  slot = gst_util_uint64_scale (reached, rate_n, slot_num);
  gate->next_slot = slot < G_MAXUINT64 ? slot + 1 : slot;
  return TRUE;
}

GstImencodeGateResult
gst_imencode_gate_check (GstImencodeGate * gate, GstClockTime pts,
    GstClockTime duration, gint rate_n, gint rate_d, gboolean on_demand)
{
  GstClockTime stream_time = GST_CLOCK_TIME_NONE;
  gboolean limited = rate_n > 0 && rate_d > 0;
  /* the grid as it was, for a frame that on-demand then refuses */
  GstClockTime origin = gate->origin;
  gint grid_n = gate->rate_n, grid_d = gate->rate_d;
  guint64 next_slot = gate->next_slot;

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

  if (limited && GST_CLOCK_TIME_IS_VALID (stream_time) &&
      !gst_imencode_gate_on_grid (gate, stream_time, duration, rate_n, rate_d))
    return GST_IMENCODE_GATE_RATE;

  if (on_demand && g_atomic_int_get (&gate->pending_snapshots) <= 0) {
    /* not encoded: the grid's slot stays free for the next frame */
    gate->origin = origin;
    gate->rate_n = grid_n;
    gate->rate_d = grid_d;
    gate->next_slot = next_slot;
    return GST_IMENCODE_GATE_NO_REQUEST;
  }
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
