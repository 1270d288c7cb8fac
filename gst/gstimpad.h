/* gst-imencode: source pad helpers shared by the elements
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IM_PAD_H__
#define __GST_IM_PAD_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* Elements that learn their source caps only from data (an encoder that
 * negotiates on the first frame, a decoder that typefinds) must not let a
 * segment or tag event overtake the caps event: sticky events go out in
 * the order stream-start, caps, segment. This keeps the serialized events
 * that arrive before the caps, in order, until they can be pushed. Used
 * from the streaming thread only. */
typedef struct
{
  GList *events;                /* newest first */
} GstImHeldEvents;

/* Takes @event and returns TRUE if it has to wait for caps on @srcpad: a
 * serialized event other than stream-start, caps, EOS and flush-stop while
 * @srcpad has no caps. Otherwise returns FALSE and leaves @event to the
 * caller. */
gboolean gst_im_held_events_hold (GstImHeldEvents * held, GstPad * srcpad,
    GstEvent * event);

/* Pushes the held events on @srcpad in their arrival order. */
void gst_im_held_events_push (GstImHeldEvents * held, GstPad * srcpad);

/* Drops the held events (flush, state change, dispose). */
void gst_im_held_events_clear (GstImHeldEvents * held);
/* The caps @sinkpad accepts given what is downstream of @srcpad (a CAPS
 * query's answer, as gst_video_encoder_proxy_getcaps() gives): the sink
 * template, restricted by the framerates that downstream allows for any
 * output the source template can carry, then by @filter (NULL allowed).
 * Type and size are not proxied: the element converts those. Caller owns
 * the result. */
GstCaps *gst_im_pad_proxy_caps (GstPad * sinkpad, GstPad * srcpad,
    GstCaps * filter);

G_END_DECLS

#endif /* __GST_IM_PAD_H__ */
