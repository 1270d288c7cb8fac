/* gst-imencode: which images a frame yields, and how each is cut
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IMENCODE_PLAN_H__
#define __GST_IMENCODE_PLAN_H__

#include <gst/gst.h>

#include "gstimencodesettings.h"
#include "imcore.h"

G_BEGIN_DECLS

/* Why an image was made (the "reason" of a JSON event). */
typedef enum
{
  GST_IMENCODE_REASON_FRAME,    /* whole-frame mode */
  GST_IMENCODE_REASON_REGION,   /* region mode, every region */
  GST_IMENCODE_REASON_FIRST,    /* roi-select=first: a track's first view */
  GST_IMENCODE_REASON_BEST,     /* roi-select=best: a track's best view */
  GST_IMENCODE_REASON_SNAPSHOT, /* on-demand, taken by a snapshot request */
  GST_IMENCODE_REASON_IMPROVING,        /* roi-select=improving: a view
                                         * better than the track's best */
} GstImencodeReason;

/* Classes kept per region (the most confident first). */
#define GST_IMENCODE_MAX_CLASSES 16

/* One class of a classification related to a region. */
typedef struct
{
  GQuark label;
  gfloat confidence;
} GstImencodeClassLevel;

/* A region of interest on a frame, as its metadata describes it. */
typedef struct
{
  gint id;                      /* the ROI meta's or the detection's id */
  GQuark type;                  /* roi_type or the detection's label */
  gint64 x, y, width, height;   /* the detector's box; may stick out */
  gboolean has_confidence;
  gdouble confidence;
  gboolean has_track_id;
  gint64 track_id;
  gboolean track_lost;          /* its tracker reports the track lost */
  guint64 order;                /* creation order among the frame's metas */
  guint n_classes;              /* classification related to it */
  GstImencodeClassLevel classes[GST_IMENCODE_MAX_CLASSES];
} GstImencodeRegion;

/* One image to make from a frame. */
typedef struct
{
  ImcorePlan plan;              /* pixels read, output size */
  GstImencodeReason reason;
  gboolean is_region;           /* @region is set */
  GstImencodeRegion region;
} GstImencodeImage;

/* Clears @regions (a GArray of GstImencodeRegion, reused from frame to
 * frame) and appends the regions @buffer's metadata describes, in the
 * order they were attached: every GstVideoRegionOfInterestMeta
 * (confidence from a "detection" parameter structure's "confidence"
 * field, track id from an "object_id" structure's "id" field) and, when
 * built with the analytics library, every object detection of a
 * GstAnalyticsRelationMeta (label, confidence, and the id of a tracking
 * metadata related to it in either direction). A confidence that is not a
 * finite number is unknown (has_confidence FALSE). A detection with the id of
 * a ROI meta and a box overlapping its box by at least half (intersection
 * over union) is the same object: it adds only what the ROI meta lacks.
 * Each detection's classes are those of the classification metadata
 * (GstAnalyticsClsMtd) related to it in either direction, at most
 * GST_IMENCODE_MAX_CLASSES, the most confident first (classes whose
 * confidence is not a finite number are left out). */
void gst_imencode_regions_collect (GstBuffer * buffer, GArray * regions);

/* The frame the images are cut from: its size and pixel aspect ratio
 * (1/1 when unknown). */
typedef struct
{
  guint width, height;
  gint par_n, par_d;
} GstImencodeFrameShape;

/* Counts of what gst_imencode_plan_regions() left out, for warnings. */
typedef struct
{
  guint outside;                /* grown box entirely outside the frame */
  guint empty_crop;             /* crop-* left nothing of the region */
} GstImencodePlanSkipped;

/* Plans the whole-frame image of @frame for @s: crop-*, then
 * width/height/aspect-mode. With only one of width and height set, the
 * other keeps the crop's displayed shape: its pixel aspect ratio counts,
 * and the image has square pixels. FALSE when the crop lies outside. */
gboolean gst_imencode_plan_frame (const GstImencodeSettings * s,
    const GstImencodeFrameShape * frame, GstImencodeImage * image);

/* Clears @images (a GArray of GstImencodeImage) and appends one image per
 * region of @regions (@n_regions) that @s->roi_filter (non-NULL) matches
 * and whose confidence, where known, is at least @s->min_confidence, and
 * whose detector box is at least @s->roi_min_size pixels wide and high, in
 * region order: the box grown by @s->roi_margin on every side and clipped
 * to @frame, then crop-* taken relative to it, then width/height/aspect-mode
 * as gst_imencode_plan_frame() does. Counts the regions left out for lying
 * outside the frame in @skipped (may be NULL). */
void gst_imencode_plan_regions (const GstImencodeSettings * s,
    const GstImencodeFrameShape * frame, const GstImencodeRegion * regions,
    guint n_regions, GArray * images, GstImencodePlanSkipped * skipped);

/* Maps the edges of the detector box (@x, @y, @width, @height, in frame
 * pixels) into the pixels of the image @plan makes, through the crop
 * (@plan->src), the resize and the letterbox (@plan->dest): @edges gets
 * left, top, right, bottom (exclusive), each rounded to the nearest pixel
 * (halves away from zero), not clipped. FALSE for an empty box, an empty
 * source, or a value beyond +-IMCORE_RECT_COORD_LIMIT. */
gboolean gst_imencode_plan_map_edges (const ImcorePlan * plan, gint64 x,
    gint64 y, gint64 width, gint64 height, gint64 edges[4]);

/* Maps the detector box (@x, @y, @width, @height, in frame pixels; it may
 * stick out of the frame) into the pixels of the image @plan makes: the
 * part of the box inside @plan->src, scaled into @plan->dest (so through
 * crop, resize and letterbox), each edge rounded to the nearest pixel.
 * The result lies inside @plan->dest, hence inside the image. FALSE (@out
 * zeroed) when the box is empty or misses @plan->src. */
gboolean gst_imencode_plan_map_box (const ImcorePlan * plan, gint64 x,
    gint64 y, gint64 width, gint64 height, ImcoreRect * out);

G_END_DECLS

#endif /* __GST_IMENCODE_PLAN_H__ */
