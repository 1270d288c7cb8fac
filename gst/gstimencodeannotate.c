/* gst-imencode: what annotate draws on an image, and the drawing
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>
#include <time.h>

#ifdef HAVE_ANNOTATE_TEXT
#include <pango/pangocairo.h>
#endif

#include "gstimencodeannotate.h"

/* The streaming thread plans what an image shows (boxes in output pixels,
 * label fields, the time) into a GstImencodeAnnotation inside the job; the
 * worker that encodes the image draws it on its own copy of the pixels
 * (gstimencodeworker.c) with the core's rectangles and alpha blending
 * (src/imcore-draw.c) and, for text, Pango and Cairo: each text is laid
 * out once per image by a layout the thread keeps, rendered onto a Cairo
 * ARGB surface the thread keeps (grown when a text is larger), and
 * composited from there into RGB or YUV. */

/* Text is drawn this far from its background's edges, in pixels. */
#define TEXT_PAD 2

gboolean
gst_imencode_annotate_map_box (const ImcorePlan * plan, gint64 x, gint64 y,
    gint64 width, gint64 height, ImcoreDrawBox * out)
{
  gint64 e[4];

  if (!gst_imencode_plan_map_edges (plan, x, y, width, height, e))
    return FALSE;
  out->x0 = e[0];
  out->y0 = e[1];
  out->x1 = e[2];
  out->y1 = e[3];
  return TRUE;
}

void
gst_imencode_annotation_init (GstImencodeAnnotation * a,
    const GstImencodeSettings * s, const ImcorePlan * plan, GstClockTime utc)
{
  guint32 c = s->annotate_color;

  a->flags = s->annotate;
  a->n_boxes = 0;
  if (!a->flags)
    return;
  a->color.a = c >> 24;
  a->color.r = c >> 16;
  a->color.g = c >> 8;
  a->color.b = c;
  a->thickness = s->annotate_thickness ? s->annotate_thickness :
      MAX (2, plan->out_height / 240);
  a->utc = utc;
}

gboolean
gst_imencode_annotation_add_region (GstImencodeAnnotation * a,
    const ImcorePlan * plan, const GstImencodeRegion * r)
{
  GstImencodeAnnotateBox *b;

  if (!(a->flags & (GST_IMENCODE_ANNOTATE_BOXES |
              GST_IMENCODE_ANNOTATE_LABELS)))
    return TRUE;
  if (a->n_boxes == GST_IMENCODE_ANNOTATE_MAX_BOXES)
    return FALSE;
  b = &a->boxes[a->n_boxes];
  if (!gst_imencode_annotate_map_box (plan, r->x, r->y, r->width, r->height,
          &b->box))
    return TRUE;
  b->type = r->type;
  b->has_confidence = r->has_confidence;
  b->confidence = r->confidence;
  b->has_track_id = r->has_track_id;
  b->track_id = r->track_id;
  a->n_boxes++;
  return TRUE;
}

/* ---- drawing, in the encoding thread ---- */

#ifdef HAVE_ANNOTATE_TEXT
/* The printable ASCII characters, each rendered once (at one size, in one
 * text colour) and kept: labels and times are made of them, so that a
 * frame's texts cost no shaping and no rasterising, only compositing. */
#define FIRST_GLYPH 32
#define N_GLYPHS 95

/* A text of printable ASCII laid out on an image */
typedef struct
{
  gchar text[160];
  ImcoreDrawBox box;            /* its background, in image pixels */
  gsize offset;                 /* of its glyphs' image in text_mem */
  gint width;                   /* of that image (line_height high) */
} PreparedText;

typedef struct
{
  gboolean rendered;
  guint32 *argb;                /* premultiplied, width x height, or NULL */
  gint width;                   /* the character's advance */
} Glyph;
#endif

struct _GstImencodeAnnotator
{
#ifdef HAVE_ANNOTATE_TEXT
  /* made when the first text is drawn */
  PangoFontMap *fontmap;
  PangoContext *context;
  PangoLayout *layout;
  PangoFontDescription *font;
  gint font_px;                 /* the layout's font size, 0: not set */
  cairo_surface_t *surface;     /* ARGB32, at least as large as a text */
  cairo_t *cr;
  gint surface_width, surface_height;
  Glyph glyphs[N_GLYPHS];       /* at font_px in glyph_fg */
  gint line_height;             /* of the glyphs: a line's logical height */
  gint glyph_fg;                /* their colour: 0 black, 1 white, -1 none */
  /* the texts of the image being encoded, laid out by
   * gst_imencode_annotator_prepare() */
  PreparedText texts[GST_IMENCODE_ANNOTATE_MAX_BOXES + 1];
  guint n_texts;
  /* each prepared text's glyphs side by side, premultiplied ARGB: one
   * composite a text per group of rows */
  guint32 *text_mem;
  gsize text_mem_size;          /* in pixels */
#else
  gint unused;
#endif
};

GstImencodeAnnotator *
gst_imencode_annotator_new (void)
{
  GstImencodeAnnotator *an = g_new0 (GstImencodeAnnotator, 1);

#ifdef HAVE_ANNOTATE_TEXT
  an->glyph_fg = -1;
#endif
  return an;
}

#ifdef HAVE_ANNOTATE_TEXT
static void
clear_glyphs (GstImencodeAnnotator * an)
{
  for (guint i = 0; i < N_GLYPHS; i++) {
    g_free (an->glyphs[i].argb);
    an->glyphs[i].argb = NULL;
    an->glyphs[i].rendered = FALSE;
  }
  an->line_height = 0;
}
#endif

void
gst_imencode_annotator_free (GstImencodeAnnotator * an)
{
  if (!an)
    return;
#ifdef HAVE_ANNOTATE_TEXT
  clear_glyphs (an);
  g_free (an->text_mem);
  g_clear_pointer (&an->cr, cairo_destroy);
  g_clear_pointer (&an->surface, cairo_surface_destroy);
  g_clear_object (&an->layout);
  g_clear_object (&an->context);
  g_clear_object (&an->fontmap);
  g_clear_pointer (&an->font, pango_font_description_free);
#endif
  g_free (an);
}

#ifdef HAVE_ANNOTATE_TEXT
/* The part of @box inside a @width x @height image; FALSE if none */
static gboolean
clip_box (const ImcoreDrawBox * box, guint32 width, guint32 height,
    ImcoreRect * out)
{
  gint64 x0 = CLAMP (box->x0, 0, (gint64) width);
  gint64 x1 = CLAMP (box->x1, 0, (gint64) width);
  gint64 y0 = CLAMP (box->y0, 0, (gint64) height);
  gint64 y1 = CLAMP (box->y1, 0, (gint64) height);

  if (x1 <= x0 || y1 <= y0)
    return FALSE;
  out->x = (guint32) x0;
  out->y = (guint32) y0;
  out->width = (guint32) (x1 - x0);
  out->height = (guint32) (y1 - y0);
  return TRUE;
}

/* A box's label, "person 87% #42": what is known of type, confidence (a
 * whole percentage) and track id; "" when nothing is. */
static void
format_label (const GstImencodeAnnotateBox * b, gchar * text, gsize size)
{
  const gchar *type = b->type ? g_quark_to_string (b->type) : NULL;
  gsize n = 0;

  text[0] = '\0';
  if (type && type[0])
    n += g_snprintf (text + n, size - MIN (n, size), "%s", type);
  if (b->has_confidence && n < size)
    n += g_snprintf (text + n, size - n, "%s%.0f%%", n ? " " : "",
        floor (b->confidence * 100.0 + 0.5));
  if (b->has_track_id && n < size)
    g_snprintf (text + n, size - n, "%s#%" G_GINT64_FORMAT, n ? " " : "",
        b->track_id);
}

/* The text size for an image @height pixels high. */
static gint
font_pixels (guint32 height)
{
  return MAX (10, (gint) MIN (height / 54, 400));
}

static gboolean
ensure_text (GstImencodeAnnotator * an, guint32 image_height)
{
  gint px = font_pixels (image_height);

  if (!an->layout) {
    /* a font map per thread: Pango's are not to be shared across
     * threads */
    an->fontmap = pango_cairo_font_map_new ();
    an->context = pango_font_map_create_context (an->fontmap);
    an->layout = pango_layout_new (an->context);
    an->font = pango_font_description_from_string ("Sans Bold");
    pango_layout_set_single_paragraph_mode (an->layout, TRUE);
  }
  if (an->font_px != px) {
    pango_font_description_set_absolute_size (an->font, px * PANGO_SCALE);
    pango_layout_set_font_description (an->layout, an->font);
    an->font_px = px;
    clear_glyphs (an);
  }
  return TRUE;
}

/* Makes the surface at least @width x @height. */
static gboolean
ensure_surface (GstImencodeAnnotator * an, gint width, gint height)
{
  cairo_surface_t *surface;

  if (an->surface && width <= an->surface_width &&
      height <= an->surface_height)
    return TRUE;
  width = MAX (width, an->surface_width);
  height = MAX (height, an->surface_height);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy (surface);
    return FALSE;
  }
  g_clear_pointer (&an->cr, cairo_destroy);
  g_clear_pointer (&an->surface, cairo_surface_destroy);
  an->surface = surface;
  an->cr = cairo_create (surface);
  an->surface_width = width;
  an->surface_height = height;
  return cairo_status (an->cr) == CAIRO_STATUS_SUCCESS;
}

static gboolean draw_ascii_text (GstImencodeAnnotator * an,
    const ImcoreImage * img, const ImcoreYuvColorimetry * yuv,
    const GstImencodeAnnotation * a, const gchar * text, gint64 x, gint64 y,
    gboolean above, gboolean * drawn, GError ** error);

/* Draws @text on a background of @a's colour onto @img, its top-left
 * corner at (@x, @y) or, with @above, its bottom at @y (below @y when
 * there is no room above); moved inside the image. */
static gboolean
draw_text (GstImencodeAnnotator * an, const ImcoreImage * img,
    const ImcoreYuvColorimetry * yuv, const GstImencodeAnnotation * a,
    const gchar * text, gint64 x, gint64 y, gboolean above, GError ** error)
{
  const ImcoreDrawColor *c = &a->color;
  PangoRectangle ink, logical;
  gint w, h;
  gdouble luma, fg;
  ImcoreError err;
  gboolean drawn;

  if (!draw_ascii_text (an, img, yuv, a, text, x, y, above, &drawn, error))
    return FALSE;
  if (drawn)
    return TRUE;
  /* other characters: the whole text laid out by Pango */
  ensure_text (an, img->height);
  pango_layout_set_text (an->layout, text, -1);
  pango_layout_get_pixel_extents (an->layout, &ink, &logical);
  w = logical.width + 2 * TEXT_PAD;
  h = logical.height + 2 * TEXT_PAD;
  if (!ensure_surface (an, w, h)) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT,
        "cannot make a %dx%d Cairo surface for an annotation's text", w, h);
    return FALSE;
  }

  cairo_save (an->cr);
  cairo_set_operator (an->cr, CAIRO_OPERATOR_SOURCE);
  cairo_rectangle (an->cr, 0, 0, w, h);
  cairo_set_source_rgba (an->cr, c->r / 255.0, c->g / 255.0, c->b / 255.0,
      c->a / 255.0);
  cairo_fill (an->cr);
  cairo_restore (an->cr);
  /* opaque text, black on light colours, white on dark ones */
  luma = 0.299 * c->r + 0.587 * c->g + 0.114 * c->b;
  fg = luma >= 128.0 ? 0.0 : 1.0;
  cairo_set_source_rgb (an->cr, fg, fg, fg);
  cairo_move_to (an->cr, TEXT_PAD - logical.x, TEXT_PAD - logical.y);
  pango_cairo_show_layout (an->cr, an->layout);
  cairo_surface_flush (an->surface);

  if (above)
    y = y - h >= 0 ? y - h : y;
  if (x + w > (gint64) img->width)
    x = MAX ((gint64) img->width - w, 0);
  if (y + h > (gint64) img->height)
    y = MAX ((gint64) img->height - h, 0);
  err = imcore_draw_argb (img, yuv, x, y,
      (const guint32 *) cairo_image_surface_get_data (an->surface),
      cairo_image_surface_get_stride (an->surface), w, h);
  if (err != IMCORE_OK) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "cannot draw an annotation's text: %s", imcore_strerror (err));
    return FALSE;
  }
  return TRUE;
}

/* Renders printable ASCII character @c (at the layout's font, in @fg:
 * 0 black, 1 white) into its glyph, once. FALSE when Cairo fails. */
static gboolean
ensure_glyph (GstImencodeAnnotator * an, gchar c, gint fg)
{
  Glyph *g = &an->glyphs[c - FIRST_GLYPH];
  PangoRectangle ink, logical;
  const guint8 *data;
  gint stride;

  if (g->rendered)
    return TRUE;
  pango_layout_set_text (an->layout, &c, 1);
  pango_layout_get_pixel_extents (an->layout, &ink, &logical);
  if (an->line_height == 0)
    an->line_height = MAX (logical.height, 1);
  g->width = MAX (logical.width, 0);
  if (g->width > 0) {
    if (!ensure_surface (an, g->width, an->line_height))
      return FALSE;
    cairo_save (an->cr);
    cairo_set_operator (an->cr, CAIRO_OPERATOR_CLEAR);
    cairo_paint (an->cr);
    cairo_restore (an->cr);
    cairo_set_source_rgb (an->cr, fg, fg, fg);
    cairo_move_to (an->cr, -logical.x, -logical.y);
    pango_cairo_show_layout (an->cr, an->layout);
    cairo_surface_flush (an->surface);
    data = cairo_image_surface_get_data (an->surface);
    stride = cairo_image_surface_get_stride (an->surface);
    g->argb = g_new (guint32, (gsize) g->width * an->line_height);
    for (gint y = 0; y < an->line_height; y++)
      memcpy (g->argb + (gsize) y * g->width, data + (gsize) y * stride,
          (gsize) g->width * 4);
  }
  g->rendered = TRUE;
  return TRUE;
}

static gboolean
is_printable_ascii (const gchar * text)
{
  for (const gchar * p = text; *p; p++) {
    if (*p < FIRST_GLYPH || *p >= FIRST_GLYPH + N_GLYPHS)
      return FALSE;
  }
  return TRUE;
}

/* Lays out @text, printable ASCII, in @a's text colour for a @width x
 * @height image: its glyphs rendered (once), its background @box with its
 * top-left corner at (@x, @y) or, with @above, its bottom at @y (below @y
 * without room above), moved inside the image. */
static gboolean
layout_ascii_text (GstImencodeAnnotator * an, guint32 width, guint32 height,
    const GstImencodeAnnotation * a, const gchar * text, gint64 x, gint64 y,
    gboolean above, ImcoreDrawBox * box, GError ** error)
{
  const ImcoreDrawColor *c = &a->color;
  gint fg = 0.299 * c->r + 0.587 * c->g + 0.114 * c->b >= 128.0 ? 0 : 1;
  gint64 w = 2 * TEXT_PAD, h;

  ensure_text (an, height);
  if (fg != an->glyph_fg) {
    clear_glyphs (an);
    an->glyph_fg = fg;
  }
  for (const gchar * p = text; *p; p++) {
    if (!ensure_glyph (an, *p, fg)) {
      g_set_error (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_NO_SPACE_LEFT,
          "cannot make a Cairo surface for an annotation's text");
      return FALSE;
    }
    w += an->glyphs[*p - FIRST_GLYPH].width;
  }
  h = an->line_height + 2 * TEXT_PAD;
  if (above)
    y = y - h >= 0 ? y - h : y;
  if (x + w > (gint64) width)
    x = MAX ((gint64) width - w, 0);
  if (y + h > (gint64) height)
    y = MAX ((gint64) height - h, 0);
  box->x0 = x;
  box->y0 = y;
  box->x1 = x + w;
  box->y1 = y + h;
  return TRUE;
}

/* Paints @text as layout_ascii_text() placed it at @box, onto @img whose
 * first row is image row @y0: the background, then the glyphs. */
static ImcoreError
paint_ascii_text (GstImencodeAnnotator * an, const ImcoreImage * img,
    const ImcoreYuvColorimetry * yuv, const GstImencodeAnnotation * a,
    const gchar * text, const ImcoreDrawBox * box, gint64 y0)
{
  ImcoreDrawBox b = { box->x0, box->y0 - y0, box->x1, box->y1 - y0 };
  ImcoreError err;
  gint64 pen = b.x0 + TEXT_PAD;

  /* a strip of rows the text misses */
  if (b.y1 <= 0 || b.y0 >= (gint64) img->height)
    return IMCORE_OK;
  err = imcore_draw_fill (img, yuv, &b, a->color);
  for (const gchar * p = text; *p && err == IMCORE_OK; p++) {
    const Glyph *g = &an->glyphs[*p - FIRST_GLYPH];

    if (g->argb)
      err = imcore_draw_argb (img, yuv, pen, b.y0 + TEXT_PAD, g->argb,
          (gsize) g->width * 4, g->width, an->line_height);
    pen += g->width;
  }
  return err;
}

/* Puts each prepared text's glyphs side by side into an->text_mem (grown
 * as needed, never shrunk). */
static gboolean
compose_texts (GstImencodeAnnotator * an, GError ** error)
{
  gsize total = 0;

  for (guint i = 0; i < an->n_texts; i++) {
    PreparedText *t = &an->texts[i];

    t->offset = total;
    t->width = 0;
    for (const gchar * p = t->text; *p; p++)
      t->width += an->glyphs[*p - FIRST_GLYPH].width;
    /* (at most 159 glyphs of at most a few hundred pixels each) */
    total += (gsize) t->width * an->line_height;
  }
  if (total > an->text_mem_size) {
    g_free (an->text_mem);
    an->text_mem = g_try_new (guint32, total);
    an->text_mem_size = an->text_mem ? total : 0;
    if (!an->text_mem) {
      g_set_error (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_NO_SPACE_LEFT,
          "cannot allocate the annotation's texts");
      return FALSE;
    }
  }
  for (guint i = 0; i < an->n_texts; i++) {
    const PreparedText *t = &an->texts[i];
    guint32 *dst = an->text_mem + t->offset;
    gint pen = 0;

    for (const gchar * p = t->text; *p; p++) {
      const Glyph *g = &an->glyphs[*p - FIRST_GLYPH];

      for (gint y = 0; y < an->line_height; y++) {
        guint32 *row = dst + (gsize) y * t->width + pen;

        if (g->argb)
          memcpy (row, g->argb + (gsize) y * g->width, (gsize) g->width * 4);
        else
          memset (row, 0, (gsize) g->width * 4);
      }
      pen += g->width;
    }
  }
  return TRUE;
}

/* Paints prepared text @t onto @img, whose first row is image row @y0:
 * its background, then its glyphs in one composite. */
static ImcoreError
paint_prepared_text (GstImencodeAnnotator * an, const ImcoreImage * img,
    const ImcoreYuvColorimetry * yuv, const GstImencodeAnnotation * a,
    const PreparedText * t, gint64 y0)
{
  ImcoreDrawBox b = { t->box.x0, t->box.y0 - y0, t->box.x1, t->box.y1 - y0 };
  ImcoreError err;

  /* a group of rows the text misses */
  if (b.y1 <= 0 || b.y0 >= (gint64) img->height)
    return IMCORE_OK;
  err = imcore_draw_fill (img, yuv, &b, a->color);
  if (err == IMCORE_OK && t->width > 0)
    err = imcore_draw_argb (img, yuv, b.x0 + TEXT_PAD, b.y0 + TEXT_PAD,
        an->text_mem + t->offset, (gsize) t->width * 4, t->width,
        an->line_height);
  return err;
}

/* draw_text() for a text of printable ASCII only (FALSE with nothing
 * drawn and no error for any other): a background fill and the cached
 * glyphs composited one after the other (no kerning). */
static gboolean
draw_ascii_text (GstImencodeAnnotator * an, const ImcoreImage * img,
    const ImcoreYuvColorimetry * yuv, const GstImencodeAnnotation * a,
    const gchar * text, gint64 x, gint64 y, gboolean above,
    gboolean * drawn, GError ** error)
{
  ImcoreDrawBox box;
  ImcoreError err;

  *drawn = FALSE;
  if (!is_printable_ascii (text))
    return TRUE;
  if (!layout_ascii_text (an, img->width, img->height, a, text, x, y, above,
          &box, error))
    return FALSE;
  err = paint_ascii_text (an, img, yuv, a, text, &box, 0);
  if (err != IMCORE_OK) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "cannot draw an annotation's text: %s", imcore_strerror (err));
    return FALSE;
  }
  *drawn = TRUE;
  return TRUE;
}

/* "YYYY-MM-DD HH:MM:SS" of @utc (ns since the Unix epoch), UTC. */
static void
format_time (GstClockTime utc, gchar * text, gsize size)
{
  time_t secs = (time_t) (utc / GST_SECOND);
  struct tm tm;

  if (!gmtime_r (&secs, &tm) ||
      strftime (text, size, "%Y-%m-%d %H:%M:%S", &tm) == 0)
    g_strlcpy (text, "(no time)", size);
}
#endif

gboolean
gst_imencode_annotator_prepare (GstImencodeAnnotator * an,
    const GstImencodeAnnotation * a, guint32 width, guint32 height,
    gboolean * by_rows, GError ** error)
{
  *by_rows = TRUE;
#ifdef HAVE_ANNOTATE_TEXT
  an->n_texts = 0;
  if (a->flags & GST_IMENCODE_ANNOTATE_LABELS) {
    for (guint i = 0; i < a->n_boxes; i++) {
      const GstImencodeAnnotateBox *b = &a->boxes[i];
      PreparedText *t = &an->texts[an->n_texts];
      ImcoreRect r;

      format_label (b, t->text, sizeof (t->text));
      if (!t->text[0] || !clip_box (&b->box, width, height, &r))
        continue;
      if (!is_printable_ascii (t->text)) {
        *by_rows = FALSE;
        return TRUE;
      }
      if (!layout_ascii_text (an, width, height, a, t->text, r.x, r.y, TRUE,
              &t->box, error))
        return FALSE;
      an->n_texts++;
    }
  }
  if ((a->flags & GST_IMENCODE_ANNOTATE_TIME) &&
      GST_CLOCK_TIME_IS_VALID (a->utc)) {
    PreparedText *t = &an->texts[an->n_texts];

    format_time (a->utc, t->text, sizeof (t->text));
    if (!layout_ascii_text (an, width, height, a, t->text, 0, 0, FALSE,
            &t->box, error))
      return FALSE;
    an->n_texts++;
  }
  return compose_texts (an, error);
#else
  return TRUE;
#endif
}

gboolean
gst_imencode_annotator_draw_rows (GstImencodeAnnotator * an,
    const ImcoreImage * rows, guint32 y0, const ImcoreYuvColorimetry * yuv,
    const GstImencodeAnnotation * a)
{
  ImcoreError err = IMCORE_OK;

  if (a->flags & GST_IMENCODE_ANNOTATE_BOXES) {
    for (guint i = 0; i < a->n_boxes && err == IMCORE_OK; i++) {
      const ImcoreDrawBox *b = &a->boxes[i].box;
      ImcoreDrawBox shifted = { b->x0, b->y0 - y0, b->x1, b->y1 - y0 };

      if (shifted.y1 > 0 && shifted.y0 < (gint64) rows->height)
        err = imcore_draw_outline (rows, yuv, &shifted, a->thickness,
            a->color);
    }
  }
#ifdef HAVE_ANNOTATE_TEXT
  for (guint i = 0; i < an->n_texts && err == IMCORE_OK; i++)
    err = paint_prepared_text (an, rows, yuv, a, &an->texts[i], y0);
#endif
  return err == IMCORE_OK;
}

gboolean
gst_imencode_annotator_draw (GstImencodeAnnotator * an,
    const ImcoreImage * img, const ImcoreYuvColorimetry * yuv,
    const GstImencodeAnnotation * a, GError ** error)
{
  gboolean by_rows;

  if (!gst_imencode_annotator_prepare (an, a, img->width, img->height,
          &by_rows, error))
    return FALSE;
  if (by_rows) {
    if (gst_imencode_annotator_draw_rows (an, img, 0, yuv, a))
      return TRUE;
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "cannot draw the annotation on a %ux%u image", img->width,
        img->height);
    return FALSE;
  }
  /* a text that is not ASCII: each text laid out by Pango as it comes */
  if (a->flags & GST_IMENCODE_ANNOTATE_BOXES) {
    for (guint i = 0; i < a->n_boxes; i++) {
      if (imcore_draw_outline (img, yuv, &a->boxes[i].box, a->thickness,
              a->color) != IMCORE_OK) {
        g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
            "cannot draw an annotation's box");
        return FALSE;
      }
    }
  }
#ifdef HAVE_ANNOTATE_TEXT
  if (a->flags & GST_IMENCODE_ANNOTATE_LABELS) {
    for (guint i = 0; i < a->n_boxes; i++) {
      const GstImencodeAnnotateBox *b = &a->boxes[i];
      ImcoreRect r;
      gchar text[160];

      format_label (b, text, sizeof (text));
      if (!text[0] || !clip_box (&b->box, img->width, img->height, &r))
        continue;
      if (!draw_text (an, img, yuv, a, text, r.x, r.y, TRUE, error))
        return FALSE;
    }
  }
  if ((a->flags & GST_IMENCODE_ANNOTATE_TIME) && GST_CLOCK_TIME_IS_VALID
      (a->utc)) {
    gchar text[64];

    format_time (a->utc, text, sizeof (text));
    if (!draw_text (an, img, yuv, a, text, 0, 0, FALSE, error))
      return FALSE;
  }
#endif
  return TRUE;
}
