/* gst-imencode: which frames imencode encodes at all
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IMENCODE_GATE_H__
#define __GST_IMENCODE_GATE_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* The per-frame decision before any pixel is touched: frames outside the
 * segment are not encoded; max-rate keeps frames on a grid of slots
 * 1/max-rate apart in stream time, from the first frame kept: the first
 * frame at or past each next slot is let through, allowing half a frame
 * duration of timestamp jitter (so a camera at 10000000/333333 fps keeps
 * every frame under max-rate=30/1, and every third under 10/1); with
 * on-demand, a frame goes through only while snapshot requests are
 * pending, and takes one once it has made an image. Plain state, used by
 * the streaming thread only; the pending-snapshot counter is the only field other threads touch
 * (atomically, through gst_imencode_gate_request_snapshot()). */
typedef struct
{
  GstSegment segment;
  /* max-rate's grid: stream time of its first frame (GST_CLOCK_TIME_NONE:
   * no grid yet), the rate it was laid out for, and the index of the next
   * slot not yet taken */
  GstClockTime origin;
  gint rate_n, rate_d;
  guint64 next_slot;
  /* stream time of the last frame seen under a rate limit: its spacing to
   * the next one stands for a frame duration the buffers do not carry */
  GstClockTime prev_time;
  gint pending_snapshots;       /* atomic */
} GstImencodeGate;

typedef enum
{
  GST_IMENCODE_GATE_PASS,       /* encode it */
  GST_IMENCODE_GATE_SNAPSHOT,   /* encode it: a snapshot request took it */
  GST_IMENCODE_GATE_OUTSIDE_SEGMENT,
  GST_IMENCODE_GATE_RATE,       /* too soon after the last one */
  GST_IMENCODE_GATE_NO_REQUEST, /* on-demand and nothing requested */
} GstImencodeGateResult;

/* An open TIME segment, no frame seen, no snapshot requested. */
void gst_imencode_gate_init (GstImencodeGate * gate);

/* Back to an open TIME segment with no frame seen (a new stream); pending
 * snapshots are kept: they may be asked for before the stream starts. */
void gst_imencode_gate_reset (GstImencodeGate * gate);

/* A new segment (from a SEGMENT event); the rate limit's grid starts again
 * at the next frame. */
void gst_imencode_gate_set_segment (GstImencodeGate * gate,
    const GstSegment * segment);

/* After a flush: the rate limit starts again (the segment that follows
 * the flush replaces the old one). Pending snapshots are kept. */
void gst_imencode_gate_flush (GstImencodeGate * gate);

/* Counts one more snapshot request (any thread, any state). */
void gst_imencode_gate_request_snapshot (GstImencodeGate * gate);

/* Decides on a frame with timestamp @pts and @duration (either may be
 * GST_CLOCK_TIME_NONE: an untimed frame is inside any segment, and a rate
 * limit lets every untimed frame through; without a duration, the rate
 * limit takes the spacing of the frames for it), under a rate limit of
 * @rate_n/@rate_d frames per second (0 or an invalid fraction: none) and
 * @on_demand. With @on_demand, GST_IMENCODE_GATE_SNAPSHOT leaves the
 * request pending: the caller takes it with
 * gst_imencode_gate_take_snapshot() once the frame has given an image. */
GstImencodeGateResult gst_imencode_gate_check (GstImencodeGate * gate,
    GstClockTime pts, GstClockTime duration, gint rate_n, gint rate_d,
    gboolean on_demand);

/* Takes one pending snapshot request (streaming thread); FALSE if there
 * is none. */
gboolean gst_imencode_gate_take_snapshot (GstImencodeGate * gate);

/* The stream time of @pts in the current segment, or GST_CLOCK_TIME_NONE
 * (untimed frame, or a segment not in time). */
GstClockTime gst_imencode_gate_stream_time (const GstImencodeGate * gate,
    GstClockTime pts);

G_END_DECLS

#endif /* __GST_IMENCODE_GATE_H__ */
