/* gst-imencode: source pad helpers shared by the elements
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstimpad.h"

gboolean
gst_im_held_events_hold (GstImHeldEvents * held, GstPad * srcpad,
    GstEvent * event)
{
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_STREAM_START:
    case GST_EVENT_CAPS:
    case GST_EVENT_EOS:
    case GST_EVENT_FLUSH_STOP:
      return FALSE;
    default:
      break;
  }
  if (!GST_EVENT_IS_SERIALIZED (event) || gst_pad_has_current_caps (srcpad))
    return FALSE;
  held->events = g_list_prepend (held->events, event);
  return TRUE;
}

void
gst_im_held_events_push (GstImHeldEvents * held, GstPad * srcpad)
{
  GList *events = g_list_reverse (held->events);

  held->events = NULL;
  for (GList * l = events; l; l = l->next)
    gst_pad_push_event (srcpad, l->data);
  g_list_free (events);
}

void
gst_im_held_events_clear (GstImHeldEvents * held)
{
  g_list_free_full (held->events, (GDestroyNotify) gst_event_unref);
  held->events = NULL;
}

GstCaps *
gst_im_pad_proxy_caps (GstPad * sinkpad, GstPad * srcpad, GstCaps * filter)
{
  GstCaps *templ, *src_templ, *allowed, *rates, *result;

  templ = gst_pad_get_pad_template_caps (sinkpad);
  src_templ = gst_pad_get_pad_template_caps (srcpad);
  allowed = gst_pad_peer_query_caps (srcpad, src_templ);
  gst_caps_unref (src_templ);

  if (!allowed || gst_caps_is_any (allowed)) {
    result = gst_caps_ref (templ);
  } else {
    /* one structure per allowed output: the framerate it allows, or any */
    rates = gst_caps_new_empty ();
    for (guint i = 0; i < gst_caps_get_size (allowed); i++) {
      const GstStructure *st = gst_caps_get_structure (allowed, i);
      const GValue *rate = gst_structure_get_value (st, "framerate");

      for (guint j = 0; j < gst_caps_get_size (templ); j++) {
        GstStructure *r = gst_structure_new_empty (gst_structure_get_name
            (gst_caps_get_structure (templ, j)));

        if (rate)
          gst_structure_set_value (r, "framerate", rate);
        rates = gst_caps_merge_structure (rates, r);
      }
    }
    result = gst_caps_intersect (templ, rates);
    gst_caps_unref (rates);
  }
  gst_clear_caps (&allowed);
  gst_caps_unref (templ);

  if (filter) {
    GstCaps *filtered = gst_caps_intersect_full (filter, result,
        GST_CAPS_INTERSECT_FIRST);

    gst_caps_unref (result);
    result = filtered;
  }
  return result;
}
