/* gst-imencode: which images a frame yields, and how each is cut
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

#include "gstimencodeplan.h"

/* An integer field of any GStreamer integer type; FALSE if absent. */
static gboolean
gst_imencode_structure_get_integer (const GstStructure * s,
    const gchar * field, gint64 * out)
{
  const GValue *v = gst_structure_get_value (s, field);

  if (!v)
    return FALSE;
  if (G_VALUE_HOLDS_INT (v))
    *out = g_value_get_int (v);
  else if (G_VALUE_HOLDS_UINT (v))
    *out = g_value_get_uint (v);
  else if (G_VALUE_HOLDS_INT64 (v))
    *out = g_value_get_int64 (v);
  else if (G_VALUE_HOLDS_UINT64 (v) && g_value_get_uint64 (v) <= G_MAXINT64)
    *out = (gint64) g_value_get_uint64 (v);
  else
    return FALSE;
  return TRUE;
}

/* Sets @r's confidence from a detector's @confidence. One that is not a
 * finite number (NaN, infinite) is unknown: it would pass every
 * min-confidence, win every best-view comparison and reach the meta and
 * the JSON event as text no parser reads. */
static void
gst_imencode_region_set_confidence (GstImencodeRegion * r, gdouble confidence)
{
  r->has_confidence = isfinite (confidence);
  r->confidence = r->has_confidence ? confidence : 0.0;
}

static void
gst_imencode_region_from_roi_meta (GstVideoRegionOfInterestMeta * meta,
    GstImencodeRegion * r)
{
  GstStructure *param;
  gdouble confidence;

  memset (r, 0, sizeof (*r));
  r->id = meta->id;
  r->type = meta->roi_type;
  r->x = meta->x;
  r->y = meta->y;
  r->width = meta->w;
  r->height = meta->h;
  r->order = gst_meta_get_seqnum ((GstMeta *) meta);
  param = gst_video_region_of_interest_meta_get_param (meta, "detection");
  if (param && gst_structure_get_double (param, "confidence", &confidence))
    gst_imencode_region_set_confidence (r, confidence);
  param = gst_video_region_of_interest_meta_get_param (meta, "object_id");
  if (param)
    r->has_track_id = gst_imencode_structure_get_integer (param, "id",
        &r->track_id);
}

static gint
gst_imencode_region_compare_order (gconstpointer a, gconstpointer b)
{
  const GstImencodeRegion *ra = a, *rb = b;

  return ra->order < rb->order ? -1 : ra->order > rb->order;
}

#ifdef HAVE_GST_ANALYTICS
/* Whether @a and @b cover mostly the same pixels (intersection over union
 * at least one half): ids alone do not tell the same object, as a ROI
 * meta's id is 0 unless its producer sets one. */
static gboolean
gst_imencode_regions_overlap (const GstImencodeRegion * a,
    const GstImencodeRegion * b)
{
  gint64 ix = MIN (a->x + a->width, b->x + b->width) - MAX (a->x, b->x);
  gint64 iy = MIN (a->y + a->height, b->y + b->height) - MAX (a->y, b->y);
  gdouble inter, uni;

  if (ix <= 0 || iy <= 0)
    return FALSE;
  inter = (gdouble) ix * iy;
  uni = (gdouble) a->width * a->height + (gdouble) b->width * b->height -
      inter;
  return inter >= 0.5 * uni;
}

/* The id of a tracking metadata related to detection @od_id in either
 * direction (RELATE_TO or CONTAIN, as trackers differ). */
static gboolean
gst_imencode_analytics_track_id (GstAnalyticsRelationMeta * rmeta,
    guint od_id, gint64 * track_id, gboolean * track_lost)
{
  const GstAnalyticsRelTypes linked = GST_ANALYTICS_REL_TYPE_RELATE_TO |
      GST_ANALYTICS_REL_TYPE_CONTAIN;
  GstAnalyticsTrackingMtd trk;
  gpointer state = NULL;

  while (gst_analytics_relation_meta_iterate (rmeta, &state,
          gst_analytics_tracking_mtd_get_mtd_type (), &trk)) {
    guint64 id;
    GstClockTime first_seen, last_seen;
    gboolean lost;

    if (!(gst_analytics_relation_meta_get_relation (rmeta, od_id,
                trk.id) & linked) &&
        !(gst_analytics_relation_meta_get_relation (rmeta, trk.id,
                od_id) & linked))
      continue;
    if (!gst_analytics_tracking_mtd_get_info (&trk, &id, &first_seen,
            &last_seen, &lost) || id > G_MAXINT64)
      continue;
    *track_id = (gint64) id;
    *track_lost = lost;
    return TRUE;
  }
  return FALSE;
}

/* Whether metadata @a and @b are related in either direction. */
static gboolean
gst_imencode_analytics_related (GstAnalyticsRelationMeta * rmeta, guint a,
    guint b)
{
  const GstAnalyticsRelTypes linked = GST_ANALYTICS_REL_TYPE_RELATE_TO |
      GST_ANALYTICS_REL_TYPE_CONTAIN | GST_ANALYTICS_REL_TYPE_IS_PART_OF;

  return (gst_analytics_relation_meta_get_relation (rmeta, a, b) & linked) ||
      (gst_analytics_relation_meta_get_relation (rmeta, b, a) & linked);
}

/* Adds @c to @r's classes, kept sorted by confidence (highest first) and
 * at most GST_IMENCODE_MAX_CLASSES long. */
static void
gst_imencode_region_add_class (GstImencodeRegion * r, GQuark label,
    gfloat confidence)
{
  guint i;

  if (!label || !isfinite (confidence))
    return;
  i = MIN (r->n_classes, GST_IMENCODE_MAX_CLASSES - 1);
  if (r->n_classes == GST_IMENCODE_MAX_CLASSES &&
      r->classes[i].confidence >= confidence)
    return;
  for (; i > 0 && r->classes[i - 1].confidence < confidence; i--)
    r->classes[i] = r->classes[i - 1];
  r->classes[i].label = label;
  r->classes[i].confidence = confidence;
  if (r->n_classes < GST_IMENCODE_MAX_CLASSES)
    r->n_classes++;
}

/* The classes of the classification metadata related to detection
 * @od_id, into @r. */
static void
gst_imencode_analytics_classes (GstAnalyticsRelationMeta * rmeta,
    guint od_id, GstImencodeRegion * r)
{
  GstAnalyticsClsMtd cls;
  gpointer state = NULL;

  while (gst_analytics_relation_meta_iterate (rmeta, &state,
          gst_analytics_cls_mtd_get_mtd_type (), &cls)) {
    gsize n;

    if (!gst_imencode_analytics_related (rmeta, od_id, cls.id))
      continue;
    n = gst_analytics_cls_mtd_get_length (&cls);
    for (gsize i = 0; i < n; i++)
      gst_imencode_region_add_class (r, gst_analytics_cls_mtd_get_quark (&cls,
              i), gst_analytics_cls_mtd_get_level (&cls, i));
  }
}

/* Appends the object detections of @buffer's relation meta, or completes
 * the ROI region already collected with the same id. */
static void
gst_imencode_regions_collect_analytics (GstBuffer * buffer,
    GArray * regions, guint n_roi)
{
  GstAnalyticsRelationMeta *rmeta;
  GstAnalyticsODMtd od;
  gpointer state = NULL;
  guint64 order = G_MAXUINT32;

  rmeta = gst_buffer_get_analytics_relation_meta (buffer);
  if (!rmeta)
    return;
  while (gst_analytics_relation_meta_iterate (rmeta, &state,
          gst_analytics_od_mtd_get_mtd_type (), &od)) {
    GstImencodeRegion r, *same = NULL;
    gint x, y, w, h;
    gfloat confidence;

    if (!gst_analytics_od_mtd_get_location (&od, &x, &y, &w, &h,
            &confidence))
      continue;
    memset (&r, 0, sizeof (r));
    r.id = (gint) od.id;
    r.type = gst_analytics_od_mtd_get_obj_type (&od);
    r.x = x;
    r.y = y;
    r.width = w;
    r.height = h;
    for (guint i = 0; i < n_roi && !same; i++) {
      GstImencodeRegion *roi = &g_array_index (regions, GstImencodeRegion, i);

      if (roi->id >= 0 && (guint) roi->id == od.id &&
          gst_imencode_regions_overlap (roi, &r))
        same = roi;
    }
    gst_imencode_region_set_confidence (&r, confidence);
    r.has_track_id = gst_imencode_analytics_track_id (rmeta, od.id,
        &r.track_id, &r.track_lost);
    gst_imencode_analytics_classes (rmeta, od.id, &r);
    /* after every ROI meta, in the relation meta's order */
    r.order = order++;
    if (!same) {
      g_array_append_val (regions, r);
      continue;
    }
    if (!same->has_confidence && r.has_confidence) {
      same->has_confidence = TRUE;
      same->confidence = r.confidence;
    }
    if (!same->has_track_id && r.has_track_id) {
      same->has_track_id = TRUE;
      same->track_id = r.track_id;
      same->track_lost = r.track_lost;
    }
    if (same->type == 0)
      same->type = r.type;
    if (same->n_classes == 0) {
      same->n_classes = r.n_classes;
      memcpy (same->classes, r.classes, sizeof (r.classes));
    }
  }
}
#endif

void
gst_imencode_regions_collect (GstBuffer * buffer, GArray * regions)
{
  GstMeta *meta;
  gpointer state = NULL;

  g_array_set_size (regions, 0);
  while ((meta = gst_buffer_iterate_meta_filtered (buffer, &state,
              GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
    GstImencodeRegion r;

    gst_imencode_region_from_roi_meta ((GstVideoRegionOfInterestMeta *) meta,
        &r);
    g_array_append_val (regions, r);
  }
  /* attachment order, whatever order the buffer keeps its metas in */
  g_array_sort (regions, gst_imencode_region_compare_order);
#ifdef HAVE_GST_ANALYTICS
  gst_imencode_regions_collect_analytics (buffer, regions, regions->len);
#endif
}

/* Plans the output for the source rectangle @crop of @frame. */
static void
gst_imencode_plan_output (const GstImencodeSettings * s,
    const GstImencodeFrameShape * frame, const ImcoreRect * crop,
    GstImencodeImage * image)
{
  guint width = s->width, height = s->height;
  gint par_n = frame->par_n, par_d = frame->par_d;

  /* one side given: the other from the crop's displayed shape, which is
   * crop width x par_n / par_d by crop height */
  if ((width == 0) != (height == 0) && par_n > 0 && par_d > 0 &&
      par_n != par_d) {
    guint64 side;

    /* a side of up to 2^32 times a product of up to 2^62: the 64-bit
     * helper's 128-bit intermediate, saturating */
    if (height == 0) {
      side = gst_util_uint64_scale_round (width,
          (guint64) crop->height * par_d, (guint64) crop->width * par_n);
      height = (guint) CLAMP (side, 1, G_MAXUINT);
    } else {
      side = gst_util_uint64_scale_round (height,
          (guint64) crop->width * par_n, (guint64) crop->height * par_d);
      width = (guint) CLAMP (side, 1, G_MAXUINT);
    }
  }
  imcore_plan_output (crop, width, height, (ImcoreAspectMode) s->aspect_mode,
      &image->plan);
}

gboolean
gst_imencode_plan_frame (const GstImencodeSettings * s,
    const GstImencodeFrameShape * frame, GstImencodeImage * image)
{
  ImcoreRect bounds = { 0, 0, frame->width, frame->height };
  ImcoreRect crop;

  memset (image, 0, sizeof (*image));
  image->reason = GST_IMENCODE_REASON_FRAME;
  if (!imcore_rect_clip_crop (&bounds, s->crop_x, s->crop_y, s->crop_width,
          s->crop_height, &crop))
    return FALSE;
  gst_imencode_plan_output (s, frame, &crop, image);
  return TRUE;
}

void
gst_imencode_plan_regions (const GstImencodeSettings * s,
    const GstImencodeFrameShape * shape, const GstImencodeRegion * regions,
    guint n_regions, GArray * images, GstImencodePlanSkipped * skipped)
{
  ImcoreRect frame = { 0, 0, shape->width, shape->height };
  GstImencodePlanSkipped none;

  if (!skipped)
    skipped = &none;
  memset (skipped, 0, sizeof (*skipped));
  g_array_set_size (images, 0);
  for (guint i = 0; i < n_regions; i++) {
    const GstImencodeRegion *r = &regions[i];
    ImcoreRect box, crop;
    GstImencodeImage image;

    if (!gst_imencode_roi_filter_matches (s->roi_filter, r->type))
      continue;
    if (r->has_confidence && r->confidence < s->min_confidence)
      continue;
    /* before margin: the detector's own box */
    if (s->roi_min_size > 0 && (r->width < (gint64) s->roi_min_size ||
            r->height < (gint64) s->roi_min_size))
      continue;
    if (!imcore_rect_grow_clip (&frame, r->x, r->y, r->width, r->height,
            s->roi_margin, &box)) {
      skipped->outside++;
      continue;
    }
    if (!imcore_rect_clip_crop (&box, s->crop_x, s->crop_y, s->crop_width,
            s->crop_height, &crop)) {
      skipped->empty_crop++;
      continue;
    }
    memset (&image, 0, sizeof (image));
    image.reason = GST_IMENCODE_REASON_REGION;
    image.is_region = TRUE;
    image.region = *r;
    gst_imencode_plan_output (s, shape, &crop, &image);
    g_array_append_val (images, image);
  }
}

/* round (@v * @num / @den) for |@v| <= 2^41 and @num, @den < 2^32,
 * halves away from zero (the 64-bit helper's 128-bit intermediate) */
static gint64
gst_imencode_scale_round_signed (gint64 v, guint32 num, guint32 den)
{
  guint64 m = gst_util_uint64_scale_round (v < 0 ? (guint64) - v :
      (guint64) v, num, den);

  return v < 0 ? -(gint64) m : (gint64) m;
}

gboolean
gst_imencode_plan_map_edges (const ImcorePlan * plan, gint64 x, gint64 y,
    gint64 width, gint64 height, gint64 edges[4])
{
  const ImcoreRect *s = &plan->src, *d = &plan->dest;

  if (width <= 0 || height <= 0 || s->width == 0 || s->height == 0 ||
      ABS (x) > IMCORE_RECT_COORD_LIMIT || ABS (y) > IMCORE_RECT_COORD_LIMIT
      || width > IMCORE_RECT_COORD_LIMIT || height > IMCORE_RECT_COORD_LIMIT)
    return FALSE;
  /* each edge: its offset from the source rectangle, scaled to the
   * destination's size, from the destination's corner */
  edges[0] = d->x + gst_imencode_scale_round_signed (x - s->x, d->width,
      s->width);
  edges[1] = d->y + gst_imencode_scale_round_signed (y - s->y, d->height,
      s->height);
  edges[2] = d->x + gst_imencode_scale_round_signed (x + width - s->x,
      d->width, s->width);
  edges[3] = d->y + gst_imencode_scale_round_signed (y + height - s->y,
      d->height, s->height);
  return TRUE;
}

gboolean
gst_imencode_plan_map_box (const ImcorePlan * plan, gint64 x, gint64 y,
    gint64 width, gint64 height, ImcoreRect * out)
{
  const ImcoreRect *src = &plan->src;
  gint64 x0, y0, x1, y1, e[4];

  memset (out, 0, sizeof (*out));
  if (width <= 0 || height <= 0 || x > G_MAXINT64 - width ||
      y > G_MAXINT64 - height)
    return FALSE;
  /* the part of the box inside the source rectangle, whose edges map
   * inside the destination */
  x0 = MAX (x, (gint64) src->x);
  y0 = MAX (y, (gint64) src->y);
  x1 = MIN (x + width, (gint64) src->x + src->width);
  y1 = MIN (y + height, (gint64) src->y + src->height);
  if (x0 >= x1 || y0 >= y1 ||
      !gst_imencode_plan_map_edges (plan, x0, y0, x1 - x0, y1 - y0, e))
    return FALSE;
  out->x = e[0];
  out->y = e[1];
  out->width = e[2] - e[0];
  out->height = e[3] - e[1];
  return TRUE;
}
