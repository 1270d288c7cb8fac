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
