/* gst-imencode: roimerge's copy of a detector's regions onto a frame
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include <gst/video/video.h>
#ifdef HAVE_GST_ANALYTICS
#include <gst/analytics/analytics.h>
#endif

#include "gstroimergemeta.h"

gboolean
gst_roi_merge_scale_span (gint64 lo, gint64 hi, guint from, guint to,
    guint * out_lo, guint * out_hi)
{
  lo = CLAMP (lo, 0, (gint64) from);
  hi = CLAMP (hi, 0, (gint64) from);
  if (hi < lo)
    hi = lo;
  /* both ends are in [0, from]: the results are in [0, to] */
  *out_lo = (guint) gst_util_uint64_scale_round ((guint64) lo, to, from);
  *out_hi = (guint) gst_util_uint64_scale_round ((guint64) hi, to, from);
  return *out_hi > *out_lo;
}

/* Maps the box (@x, @y, @w, @h) of the regions picture onto the frame;
 * FALSE when nothing of it is left inside the frame. */
static gboolean
gst_roi_merge_scale_box (const GstRoiMergeScale * s, gint64 x, gint64 y,
    gint64 w, gint64 h, guint * ox, guint * oy, guint * ow, guint * oh)
{
  guint x0, x1, y0, y1;

  if (!gst_roi_merge_scale_span (x, x + w, s->from_width, s->to_width, &x0,
          &x1) ||
      !gst_roi_merge_scale_span (y, y + h, s->from_height, s->to_height, &y0,
          &y1))
    return FALSE;
  *ox = x0;
  *oy = y0;
  *ow = x1 - x0;
  *oh = y1 - y0;
  return TRUE;
}

static gint
gst_roi_merge_compare_seqnum (gconstpointer a, gconstpointer b)
{
  guint64 sa = gst_meta_get_seqnum (*(GstMeta * const *) a);
  guint64 sb = gst_meta_get_seqnum (*(GstMeta * const *) b);

  return sa < sb ? -1 : sa > sb;
}

static void
gst_roi_merge_copy_roi_metas (GstBuffer * frame, GstBuffer * regions,
    const GstRoiMergeScale * s, GstRoiMergeCopied * copied)
{
  GPtrArray *metas = g_ptr_array_new ();
  gpointer state = NULL;
  GstMeta *meta;

  while ((meta = gst_buffer_iterate_meta_filtered (regions, &state,
              GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE)))
    g_ptr_array_add (metas, meta);
  /* attachment order, whatever order the buffer keeps its metas in, so
   * that consumers that go by it (imencode) see the detector's order */
  g_ptr_array_sort (metas, gst_roi_merge_compare_seqnum);

  for (guint i = 0; i < metas->len; i++) {
    GstVideoRegionOfInterestMeta *from = g_ptr_array_index (metas, i);
    GstVideoRegionOfInterestMeta *to;
    guint x, y, w, h;

    if (!gst_roi_merge_scale_box (s, from->x, from->y, from->w, from->h, &x,
            &y, &w, &h)) {
      copied->dropped++;
      continue;
    }
    to = gst_buffer_add_video_region_of_interest_meta_id (frame,
        from->roi_type, x, y, w, h);
    to->id = from->id;
    to->parent_id = from->parent_id;
    for (GList * l = from->params; l; l = l->next)
      gst_video_region_of_interest_meta_add_param (to,
          gst_structure_copy (l->data));
    copied->rois++;
  }
  g_ptr_array_unref (metas);
}

#ifdef HAVE_GST_ANALYTICS_ORIENTED_OD
/* One end of a rotated box, scaled without clipping (a rotated box is not
 * clipped: its corners are not where its axis-aligned box says). */
static gint
gst_roi_merge_scale_coordinate (gint v, guint from, guint to)
{
  gdouble r = floor ((gdouble) v * to / from + 0.5);

  return (gint) CLAMP (r, (gdouble) G_MININT, (gdouble) G_MAXINT);
}
#endif

#ifdef HAVE_GST_ANALYTICS
/* Adds a copy of detection @od to @to with its box mapped by @s; FALSE if
 * the box is empty once clipped (then nothing is added). */
static gboolean
gst_roi_merge_copy_od (GstAnalyticsRelationMeta * to, GstAnalyticsODMtd * od,
    const GstRoiMergeScale * s, GstAnalyticsMtd * added)
{
  GQuark label = gst_analytics_od_mtd_get_obj_type (od);
  gint x, y, w, h;
  guint ox, oy, ow, oh;
  gfloat confidence = 0.0f;

#ifdef HAVE_GST_ANALYTICS_ORIENTED_OD
  gfloat angle = 0.0f;

  if (!gst_analytics_od_mtd_get_oriented_location (od, &x, &y, &w, &h,
          &angle, &confidence))
    return FALSE;
  if (angle != 0.0f) {
    gint rx = gst_roi_merge_scale_coordinate (x, s->from_width, s->to_width);
    gint ry = gst_roi_merge_scale_coordinate (y, s->from_height,
        s->to_height);
    gint rw = gst_roi_merge_scale_coordinate (w, s->from_width, s->to_width);
    gint rh = gst_roi_merge_scale_coordinate (h, s->from_height,
        s->to_height);

    return gst_analytics_relation_meta_add_oriented_od_mtd (to, label, rx, ry,
        rw, rh, angle, confidence, (GstAnalyticsODMtd *) added);
  }
#else
  if (!gst_analytics_od_mtd_get_location (od, &x, &y, &w, &h, &confidence))
    return FALSE;
#endif
  if (!gst_roi_merge_scale_box (s, x, y, w, h, &ox, &oy, &ow, &oh))
    return FALSE;
  /* the box lies in the frame, whose sides come from caps ints */
  return gst_analytics_relation_meta_add_od_mtd (to, label, (gint) ox,
      (gint) oy, (gint) ow, (gint) oh, confidence,
      (GstAnalyticsODMtd *) added);
}

static gboolean
gst_roi_merge_copy_tracking (GstAnalyticsRelationMeta * to,
    GstAnalyticsTrackingMtd * trk, GstAnalyticsMtd * added)
{
  guint64 id;
  GstClockTime first_seen, last_seen;
  gboolean lost;
  GstAnalyticsTrackingMtd *copy = (GstAnalyticsTrackingMtd *) added;

  if (!gst_analytics_tracking_mtd_get_info (trk, &id, &first_seen,
          &last_seen, &lost) ||
      !gst_analytics_relation_meta_add_tracking_mtd (to, id, first_seen,
          copy))
    return FALSE;
  gst_analytics_tracking_mtd_update_last_seen (copy, last_seen);
  if (lost)
    gst_analytics_tracking_mtd_set_lost (copy);
  return TRUE;
}

static gboolean
gst_roi_merge_copy_cls (GstAnalyticsRelationMeta * to,
    GstAnalyticsClsMtd * cls, GstAnalyticsMtd * added)
{
  gsize n = gst_analytics_cls_mtd_get_length (cls);
  gfloat *levels;
  GQuark *quarks;
  gboolean ok;

  /* g_new checks n * size */
  levels = g_new (gfloat, MAX (n, 1));
  quarks = g_new (GQuark, MAX (n, 1));
  for (gsize i = 0; i < n; i++) {
    levels[i] = gst_analytics_cls_mtd_get_level (cls, i);
    quarks[i] = gst_analytics_cls_mtd_get_quark (cls, i);
  }
  ok = gst_analytics_relation_meta_add_cls_mtd (to, n, levels, quarks,
      (GstAnalyticsClsMtd *) added);
  g_free (levels);
  g_free (quarks);
  return ok;
}

/* A copied analytics metadata: its id in the regions buffer's relation
 * meta and in the frame's. */
typedef struct
{
  guint from_id;
  guint to_id;
} GstRoiMergeMtdPair;

static void
gst_roi_merge_copy_analytics (GstBuffer * frame, GstBuffer * regions,
    const GstRoiMergeScale * s, GstRoiMergeCopied * copied)
{
  GstAnalyticsRelationMeta *from, *to = NULL;
  GstAnalyticsMtd mtd;
  GArray *pairs;
  gpointer state = NULL;

  from = gst_buffer_get_analytics_relation_meta (regions);
  if (!from || gst_analytics_relation_get_length (from) == 0)
    return;
  pairs = g_array_new (FALSE, FALSE, sizeof (GstRoiMergeMtdPair));
  while (gst_analytics_relation_meta_iterate (from, &state,
          GST_ANALYTICS_MTD_TYPE_ANY, &mtd)) {
    GstAnalyticsMtdType type = gst_analytics_mtd_get_mtd_type (&mtd);
    GstRoiMergeMtdPair pair;
    GstAnalyticsMtd added;
    gboolean ok;

    if (type != gst_analytics_od_mtd_get_mtd_type () &&
        type != gst_analytics_tracking_mtd_get_mtd_type () &&
        type != gst_analytics_cls_mtd_get_mtd_type ()) {
      /* e.g. segmentation masks, which would need their pixels scaled */
      copied->unsupported++;
      continue;
    }
    if (!to) {
      to = gst_buffer_get_analytics_relation_meta (frame);
      if (!to)
        to = gst_buffer_add_analytics_relation_meta (frame);
      if (!to)
        break;
    }
    if (type == gst_analytics_od_mtd_get_mtd_type ()) {
      ok = gst_roi_merge_copy_od (to, (GstAnalyticsODMtd *) & mtd, s, &added);
      if (ok)
        copied->detections++;
      else
        copied->dropped++;
    } else if (type == gst_analytics_tracking_mtd_get_mtd_type ()) {
      ok = gst_roi_merge_copy_tracking (to, (GstAnalyticsTrackingMtd *) & mtd,
          &added);
      copied->others += ok;
    } else {
      ok = gst_roi_merge_copy_cls (to, (GstAnalyticsClsMtd *) & mtd, &added);
      copied->others += ok;
    }
    if (!ok)
      continue;
    pair.from_id = gst_analytics_mtd_get_id (&mtd);
    pair.to_id = gst_analytics_mtd_get_id (&added);
    g_array_append_val (pairs, pair);
  }

  /* the relations among what was copied, in both directions */
  for (guint i = 0; i < pairs->len; i++) {
    const GstRoiMergeMtdPair *a = &g_array_index (pairs, GstRoiMergeMtdPair,
        i);

    for (guint j = 0; j < pairs->len; j++) {
      const GstRoiMergeMtdPair *b = &g_array_index (pairs,
          GstRoiMergeMtdPair, j);
      GstAnalyticsRelTypes rel;

      if (i == j)
        continue;
      rel = gst_analytics_relation_meta_get_relation (from, a->from_id,
          b->from_id);
      if (rel != GST_ANALYTICS_REL_TYPE_NONE)
        gst_analytics_relation_meta_set_relation (to, rel, a->to_id,
            b->to_id);
    }
  }
  g_array_unref (pairs);
}
#endif

gboolean
gst_roi_merge_has_regions (GstBuffer * regions)
{
#ifdef HAVE_GST_ANALYTICS
  GstAnalyticsRelationMeta *rmeta;

  rmeta = gst_buffer_get_analytics_relation_meta (regions);
  if (rmeta && gst_analytics_relation_get_length (rmeta) > 0)
    return TRUE;
#endif
  return gst_buffer_get_meta (regions,
      GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE) != NULL;
}

void
gst_roi_merge_copy_regions (GstBuffer * frame, GstBuffer * regions,
    const GstRoiMergeScale * scale, GstRoiMergeCopied * copied)
{
  GstRoiMergeCopied none;

  if (!copied)
    copied = &none;
  memset (copied, 0, sizeof (*copied));
  gst_roi_merge_copy_roi_metas (frame, regions, scale, copied);
#ifdef HAVE_GST_ANALYTICS
  gst_roi_merge_copy_analytics (frame, regions, scale, copied);
#endif
}
