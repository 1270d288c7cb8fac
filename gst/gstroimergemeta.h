/* gst-imencode: roimerge's copy of a detector's regions onto a frame
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_ROI_MERGE_META_H__
#define __GST_ROI_MERGE_META_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* The two picture sizes a box is mapped between: the regions stream's
 * (where the detector found it) and the frame's. All four are > 0. */
typedef struct
{
  guint from_width, from_height;
  guint to_width, to_height;
} GstRoiMergeScale;

/* What one copy did, for logs and tests. */
typedef struct
{
  guint rois;                   /* GstVideoRegionOfInterestMeta added */
  guint detections;             /* analytics object detections added */
  guint others;                 /* analytics tracking/classification added */
  guint dropped;                /* boxes empty once clipped to the frame */
  guint unsupported;            /* analytics metadata of other kinds */
} GstRoiMergeCopied;

/* Maps the half-open span [@lo, @hi) of a picture @from pixels long onto
 * one @to pixels long: the span is clipped to [0, @from], each end scaled
 * by @to / @from and rounded to the nearest pixel (halves up), in 64 bits.
 * Writes the mapped ends to @out_lo and @out_hi (@out_lo <= @out_hi <=
 * @to) and returns whether the result is non-empty. @from and @to > 0. */
gboolean gst_roi_merge_scale_span (gint64 lo, gint64 hi, guint from,
    guint to, guint * out_lo, guint * out_hi);

/* Whether @regions carries anything gst_roi_merge_copy_regions() copies
 * (a GstVideoRegionOfInterestMeta, or a non-empty analytics relation
 * meta), so a frame is made writable only when there is something to add. */
gboolean gst_roi_merge_has_regions (GstBuffer * regions);

/* Adds to @frame (writable) a copy of every GstVideoRegionOfInterestMeta of
 * @regions, in the order they were attached, with its roi_type, id,
 * parent_id and a copy of every parameter structure, its box mapped by
 * @scale (gst_roi_merge_scale_span() on each axis); a box empty after
 * clipping is left out. When built with the analytics library, the object
 * detections (label, confidence, box mapped the same way; a rotated box of
 * GStreamer >= 1.26 keeps its angle, its centre and size scaled), tracking
 * and classification metadata of @regions' GstAnalyticsRelationMeta are
 * added to @frame's relation meta (made if it has none) with the relations
 * among them; other kinds of analytics metadata are not copied. @frame's
 * own metas are kept. Returns what was done in @copied (may be NULL). */
void gst_roi_merge_copy_regions (GstBuffer * frame, GstBuffer * regions,
    const GstRoiMergeScale * scale, GstRoiMergeCopied * copied);

G_END_DECLS

#endif /* __GST_ROI_MERGE_META_H__ */
