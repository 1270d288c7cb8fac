/* gst-imencode: what annotate draws on an image, and the drawing
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IMENCODE_ANNOTATE_H__
#define __GST_IMENCODE_ANNOTATE_H__

#include <gst/gst.h>

#include "gstimencodeplan.h"
#include "gstimencodesettings.h"
#include "imcore.h"

G_BEGIN_DECLS

/* Boxes one image outlines at most (the first ones in region order): an
 * annotation lives inside each job, in the work pool's fixed slots. */
#define GST_IMENCODE_ANNOTATE_MAX_BOXES 64

/* One box to outline (and label), in output pixels. */
typedef struct
{
  ImcoreDrawBox box;            /* rounded, not clipped */
  GQuark type;
  gboolean has_confidence;
  gdouble confidence;
  gboolean has_track_id;
  gint64 track_id;
} GstImencodeAnnotateBox;

/* What to draw on one image, planned by the streaming thread (no
 * metadata, no pointers: a job copies it into its slot), drawn by the
 * worker that encodes the image. */
typedef struct
{
  GstImencodeAnnotateFlags flags;       /* 0: nothing to draw */
  ImcoreDrawColor color;
  guint thickness;              /* resolved: never 0 */
  GstClockTime utc;             /* ns since the Unix epoch, for time */
  guint n_boxes;
  GstImencodeAnnotateBox boxes[GST_IMENCODE_ANNOTATE_MAX_BOXES];
} GstImencodeAnnotation;

/* Maps the detector box (@x, @y, @width, @height), in frame pixels, into
 * the output image of @plan: through the crop (@plan->src), the resize and
 * the letterbox (@plan->dest), each edge rounded to the nearest pixel
 * (halves up), not clipped. FALSE for an empty box, or a value beyond
 * +-IMCORE_RECT_COORD_LIMIT. (The JSON event's image_box is this box
 * clipped to the image.) */
gboolean gst_imencode_annotate_map_box (const ImcorePlan * plan, gint64 x,
    gint64 y, gint64 width, gint64 height, ImcoreDrawBox * out);

/* Starts @a for an image of @plan under the settings @s: flags, colour,
 * the outline width (annotate-thickness, or max(2, height / 240)), @utc
 * for the time; no boxes yet. Clears @a when @s draws nothing. */
void gst_imencode_annotation_init (GstImencodeAnnotation * a,
    const GstImencodeSettings * s, const ImcorePlan * plan,
    GstClockTime utc);

/* Adds region @r's box, mapped through @plan, when @a draws boxes or
 * labels. FALSE when the image holds GST_IMENCODE_ANNOTATE_MAX_BOXES
 * boxes already (it is not added). */
gboolean gst_imencode_annotation_add_region (GstImencodeAnnotation * a,
    const ImcorePlan * plan, const GstImencodeRegion * r);

/* Per-thread drawing state: for text, a Pango font map and layout and a
 * Cairo surface reused from label to label. */
typedef struct _GstImencodeAnnotator GstImencodeAnnotator;

/* A new annotator; never NULL. */
GstImencodeAnnotator *gst_imencode_annotator_new (void);

/* Frees @an; NULL is allowed. */
void gst_imencode_annotator_free (GstImencodeAnnotator * an);

/* Draws @a onto @img, the whole output image (imencode's own copy),
 * whose samples follow @yuv when it is planar YUV (NULL otherwise):
 * outlines, then labels, then the time. Labels and time are skipped in a
 * build without Pango and Cairo. FALSE with @error set when a text cannot
 * be rendered (Cairo out of memory). */
gboolean gst_imencode_annotator_draw (GstImencodeAnnotator * an,
    const ImcoreImage * img, const ImcoreYuvColorimetry * yuv,
    const GstImencodeAnnotation * a, GError ** error);

/* Lays out @a's texts for a @width x @height image (glyphs rendered,
 * positions found) for gst_imencode_annotator_draw_rows(), which can then
 * draw the image a group of rows at a time. Sets *@by_rows FALSE when a
 * text needs Pango's layout of the whole text (characters other than
 * printable ASCII): draw with gst_imencode_annotator_draw() then. FALSE
 * with @error set when a text cannot be rendered. */
gboolean gst_imencode_annotator_prepare (GstImencodeAnnotator * an,
    const GstImencodeAnnotation * a, guint32 width, guint32 height,
    gboolean * by_rows, GError ** error);

/* Draws what gst_imencode_annotator_prepare() laid out of @a onto @rows,
 * image rows @y0 .. @y0 + @rows->height - 1 (whose samples follow @yuv
 * when planar YUV), as gst_imencode_annotator_draw() draws the whole
 * image: called for every group of rows in turn, the image ends up the
 * same. Groups of subsampled YUV must start on a chroma row. FALSE if the
 * core refused to draw (a bad view). */
gboolean gst_imencode_annotator_draw_rows (GstImencodeAnnotator * an,
    const ImcoreImage * rows, guint32 y0, const ImcoreYuvColorimetry * yuv,
    const GstImencodeAnnotation * a);

G_END_DECLS

#endif /* __GST_IMENCODE_ANNOTATE_H__ */
