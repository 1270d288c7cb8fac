/* gst-imencode: the JSON event around an encoded image (encoding=json)
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <time.h>

#include "gstimencodeevent.h"
#include "imcore-json.h"

/* Everything but the region's type name and the utc stamp: 12 numbers of
 * at most 20 digits, the keys and punctuation (under 400 bytes). */
#define EVENT_FIXED_BOUND 1024
#define UTC_BOUND 64

const gchar *
gst_imencode_reason_name (GstImencodeReason reason)
{
  switch (reason) {
    case GST_IMENCODE_REASON_REGION:
      return "region";
    case GST_IMENCODE_REASON_FIRST:
      return "first";
    case GST_IMENCODE_REASON_BEST:
      return "best";
    case GST_IMENCODE_REASON_SNAPSHOT:
      return "snapshot";
    case GST_IMENCODE_REASON_IMPROVING:
      return "improving";
    default:
      return "frame";
  }
}

gsize
gst_imencode_event_head_bound (const GstImencodeEvent * ev)
{
  gsize bound = EVENT_FIXED_BOUND + UTC_BOUND;

  if (ev->image && ev->image->is_region && ev->image->region.type)
    bound += imcore_json_string_bound (strlen (g_quark_to_string
            (ev->image->region.type)));
  if (ev->image && ev->image->is_region) {
    const GstImencodeRegion *r = &ev->image->region;

    /* image_box: 4 numbers of at most 10 digits and the keys */
    bound += 128;
    /* each class: the label, a number of at most 20 characters, the keys */
    for (guint i = 0; i < r->n_classes; i++)
      bound += imcore_json_string_bound (strlen (g_quark_to_string
              (r->classes[i].label))) + 64;
  }
  if (ev->tags)
    bound += strlen (ev->tags) + 16;
  return bound;
}

static void
write_time (ImcoreJsonWriter * w, GstClockTime t)
{
  if (GST_CLOCK_TIME_IS_VALID (t))
    imcore_json_uint (w, t);
  else
    imcore_json_raw (w, "null");
}

static void
write_rect_fields (ImcoreJsonWriter * w, gint64 x, gint64 y, gint64 width,
    gint64 height)
{
  imcore_json_raw (w, "\"x\":");
  imcore_json_int (w, x);
  imcore_json_raw (w, ",\"y\":");
  imcore_json_int (w, y);
  imcore_json_raw (w, ",\"width\":");
  imcore_json_int (w, width);
  imcore_json_raw (w, ",\"height\":");
  imcore_json_int (w, height);
}

/* ISO 8601 in UTC with milliseconds, e.g. 2026-12-01T14:52:08.123Z. */
static void
write_utc (ImcoreJsonWriter * w, GstClockTime utc)
{
  time_t secs = (time_t) (utc / GST_SECOND);
  guint ms = (guint) ((utc % GST_SECOND) / GST_MSECOND);
  struct tm tm;
  char text[UTC_BOUND];
  size_t n;

  if (!gmtime_r (&secs, &tm)) {
    imcore_json_raw (w, "null");
    return;
  }
  n = strftime (text, sizeof (text), "%Y-%m-%dT%H:%M:%S", &tm);
  if (n == 0 || n + 6 > sizeof (text)) {
    imcore_json_raw (w, "null");
    return;
  }
  g_snprintf (text + n, sizeof (text) - n, ".%03uZ", ms);
  imcore_json_string (w, text);
}

static void
write_roi (ImcoreJsonWriter * w, const GstImencodeRegion * r,
    const ImcorePlan * plan)
{
  ImcoreRect box;

  imcore_json_raw (w, ",\"roi\":{\"id\":");
  imcore_json_int (w, r->id);
  if (r->type) {
    imcore_json_raw (w, ",\"type\":");
    imcore_json_string (w, g_quark_to_string (r->type));
  }
  if (r->has_confidence) {
    imcore_json_raw (w, ",\"confidence\":");
    imcore_json_double (w, r->confidence);
  }
  if (r->has_track_id) {
    imcore_json_raw (w, ",\"track_id\":");
    imcore_json_int (w, r->track_id);
  }
  imcore_json_raw (w, ",");
  write_rect_fields (w, r->x, r->y, r->width, r->height);
  if (gst_imencode_plan_map_box (plan, r->x, r->y, r->width, r->height,
          &box)) {
    imcore_json_raw (w, ",\"image_box\":{");
    write_rect_fields (w, box.x, box.y, box.width, box.height);
    imcore_json_raw (w, "}");
  }
  if (r->n_classes > 0) {
    imcore_json_raw (w, ",\"classes\":[");
    for (guint i = 0; i < r->n_classes; i++) {
      imcore_json_raw (w, i ? ",{\"label\":" : "{\"label\":");
      imcore_json_string (w, g_quark_to_string (r->classes[i].label));
      imcore_json_raw (w, ",\"confidence\":");
      imcore_json_double (w, r->classes[i].confidence);
      imcore_json_raw (w, "}");
    }
    imcore_json_raw (w, "]");
  }
  imcore_json_raw (w, "}");
}

gsize
gst_imencode_event_write_head (const GstImencodeEvent * ev, guint8 * out,
    gsize size)
{
  ImcoreJsonWriter w;

  imcore_json_init (&w, (char *) out, size);
  imcore_json_raw (&w, "{\"pts\":");
  write_time (&w, ev->pts);
  imcore_json_raw (&w, ",\"duration\":");
  write_time (&w, ev->duration);
  imcore_json_raw (&w, ",\"frame\":{\"width\":");
  imcore_json_uint (&w, ev->frame_width);
  imcore_json_raw (&w, ",\"height\":");
  imcore_json_uint (&w, ev->frame_height);
  imcore_json_raw (&w, "},\"box\":{");
  write_rect_fields (&w, ev->box.x, ev->box.y, ev->box.width,
      ev->box.height);
  imcore_json_raw (&w, "}");
  if (ev->image && ev->image->is_region)
    write_roi (&w, &ev->image->region, &ev->image->plan);
  imcore_json_raw (&w, ",\"reason\":");
  imcore_json_string (&w, gst_imencode_reason_name (ev->image ?
          ev->image->reason : GST_IMENCODE_REASON_FRAME));
  if (GST_CLOCK_TIME_IS_VALID (ev->utc)) {
    imcore_json_raw (&w, ",\"utc\":");
    write_utc (&w, ev->utc);
  }
  if (ev->tags) {
    /* checked and made compact when the property was set */
    imcore_json_raw (&w, ",\"tags\":");
    imcore_json_raw (&w, ev->tags);
  }
  imcore_json_raw (&w, ",\"image\":{\"mime_type\":");
  imcore_json_raw (&w, ev->png ? "\"image/png\"" : "\"image/jpeg\"");
  imcore_json_raw (&w, ",\"width\":");
  imcore_json_uint (&w, ev->width);
  imcore_json_raw (&w, ",\"height\":");
  imcore_json_uint (&w, ev->height);
  imcore_json_raw (&w, ",\"data\":\"");
  return imcore_json_ok (&w) ? w.len : 0;
}
