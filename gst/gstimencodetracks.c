/* gst-imencode: one image per tracked object (roi-select first and best)
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstimencodetracks.h"

void
gst_imencode_tracks_init (GstImencodeTracks * t, guint max_tracks)
{
  memset (t, 0, sizeof (*t));
  t->max_tracks = MAX (max_tracks, 1);
  t->tracks = g_new0 (GstImencodeTrack, t->max_tracks);
  t->kept = g_new0 (GstBuffer *, t->max_tracks);
}

void
gst_imencode_tracks_free (GstImencodeTracks * t)
{
  if (t->kept)
    gst_imencode_tracks_reset (t);
  g_clear_pointer (&t->tracks, g_free);
  g_clear_pointer (&t->kept, g_free);
  t->n_tracks = 0;
}

void
gst_imencode_tracks_reset (GstImencodeTracks * t)
{
  t->n_tracks = 0;
  for (guint i = 0; i < t->max_tracks; i++)
    gst_clear_buffer (&t->kept[i]);
}

void
gst_imencode_tracks_keep (GstImencodeTracks * t, guint slot,
    GstBuffer * buffer)
{
  gst_clear_buffer (&t->kept[slot]);
  t->kept[slot] = buffer;
}

GstBuffer *
gst_imencode_tracks_take (GstImencodeTracks * t, guint slot)
{
  return g_steal_pointer (&t->kept[slot]);
}

void
gst_imencode_tracks_clear (GstImencodeTracks * t)
{
  t->n_tracks = 0;
}

static GstImencodeTrack *
find_track (GstImencodeTracks * t, gint64 id)
{
  for (guint i = 0; i < t->n_tracks; i++) {
    if (t->tracks[i].id == id)
      return &t->tracks[i];
  }
  return NULL;
}

/* A slot no track holds; there is one while n_tracks < max_tracks. */
static guint
free_slot (GstImencodeTracks * t)
{
  for (guint slot = 0; slot < t->max_tracks; slot++) {
    gboolean used = FALSE;

    for (guint i = 0; i < t->n_tracks && !used; i++)
      used = t->tracks[i].slot == slot;
    if (!used)
      return slot;
  }
  g_return_val_if_reached (0);
}

static void
remove_track (GstImencodeTracks * t, GstImencodeTrack * track)
{
  guint i = (guint) (track - t->tracks);

  memmove (&t->tracks[i], &t->tracks[i + 1],
      (t->n_tracks - i - 1) * sizeof (GstImencodeTrack));
  t->n_tracks--;
}

/* Whether the detector's box stays off the frame's edges. */
static gboolean
box_inside (const GstImencodeRegion * r, guint frame_width,
    guint frame_height)
{
  return r->x > 0 && r->y > 0 && r->x + r->width < (gint64) frame_width &&
      r->y + r->height < (gint64) frame_height;
}

/* The track of @r (which has a track id), made if new (evicting the one
 * seen least recently when full), marked seen at @now. */
static GstImencodeTrack *
see_track (GstImencodeTracks * t, const GstImencodeRegion * r,
    GstClockTime now, gboolean * evicted, gboolean * release,
    guint * release_slot)
{
  GstImencodeTrack *track;

  t->seen++;
  track = find_track (t, r->track_id);
  if (!track) {
    if (t->n_tracks == t->max_tracks) {
      /* evict the track seen least recently */
      GstImencodeTrack *oldest = &t->tracks[0];

      for (guint i = 1; i < t->n_tracks; i++) {
        if (t->tracks[i].last_seen < oldest->last_seen)
          oldest = &t->tracks[i];
      }
      *evicted = TRUE;
      if (oldest->has_candidate) {
        *release = TRUE;
        *release_slot = oldest->slot;
      }
      remove_track (t, oldest);
    }
    track = &t->tracks[t->n_tracks];
    memset (track, 0, sizeof (*track));
    track->id = r->track_id;
    track->slot = free_slot (t);
    track->period_start = now;
    track->order = t->next_order++;
    t->n_tracks++;
  }
  track->last_seen = GST_CLOCK_TIME_IS_VALID (now) ? now : t->seen;
  track->lost = r->track_lost;
  return track;
}

GstImencodeTrackAction
gst_imencode_tracks_offer (GstImencodeTracks * t,
    GstImencodeRoiSelect select, GstImencodeImage * image, guint frame_width,
    guint frame_height, GstClockTime now, guint * slot, gboolean * evicted,
    gboolean * release, guint * release_slot)
{
  const GstImencodeRegion *r = &image->region;
  GstImencodeTrack *track;
  gboolean inside;
  gdouble score;

  *evicted = *release = FALSE;
  if (select == GST_IMENCODE_ROI_SELECT_FIRST)
    image->reason = GST_IMENCODE_REASON_FIRST;
  else if (select == GST_IMENCODE_ROI_SELECT_IMPROVING)
    image->reason = GST_IMENCODE_REASON_IMPROVING;
  else
    image->reason = GST_IMENCODE_REASON_BEST;
  if (!r->has_track_id)
    return GST_IMENCODE_TRACK_PUSH;

  track = see_track (t, r, now, evicted, release, release_slot);
  if (select == GST_IMENCODE_ROI_SELECT_FIRST) {
    if (track->sent_first)
      return GST_IMENCODE_TRACK_DROP;
    track->sent_first = TRUE;
    return GST_IMENCODE_TRACK_PUSH;
  }

  inside = box_inside (r, frame_width, frame_height);
  score = (gdouble) image->plan.src.width * image->plan.src.height *
      (r->has_confidence ? r->confidence : 1.0);
  if (select == GST_IMENCODE_ROI_SELECT_IMPROVING) {
    /* best's rule against the best view pushed so far; nothing kept, so
     * nothing to release when the track ends */
    if (track->has_shown && (track->shown_inside > inside ||
            (track->shown_inside == inside && track->shown_score >= score)))
      return GST_IMENCODE_TRACK_DROP;
    track->has_shown = TRUE;
    track->shown_inside = inside;
    track->shown_score = score;
    return GST_IMENCODE_TRACK_PUSH;
  }
  if (track->has_candidate && (track->inside > inside ||
          (track->inside == inside && track->score >= score)))
    return GST_IMENCODE_TRACK_DROP;
  track->has_candidate = TRUE;
  track->inside = inside;
  track->score = score;
  *slot = track->slot;
  return GST_IMENCODE_TRACK_KEEP;
}

void
gst_imencode_tracks_see (GstImencodeTracks * t,
    const GstImencodeImage * image, GstClockTime now, gboolean * evicted,
    gboolean * release, guint * release_slot)
{
  *evicted = *release = FALSE;
  if (image->region.has_track_id)
    see_track (t, &image->region, now, evicted, release, release_slot);
}

/* Sorts the @n track indices at @idx by the tracks' first appearance
 * (insertion sort: at most max_tracks, and usually one or two). */
static void
sort_by_order (guint * idx, guint n, const GstImencodeTrack * tracks)
{
  for (guint i = 1; i < n; i++) {
    guint v = idx[i], j = i;

    for (; j > 0 && tracks[idx[j - 1]].order > tracks[v].order; j--)
      idx[j] = idx[j - 1];
    idx[j] = v;
  }
}

/* Whether @span or more has passed from @start to @now (both valid).
 * Subtracts instead of adding, so a span near G_MAXUINT64 (a timeout of
 * "practically never") cannot wrap around to a small sum. */
static gboolean
stream_time_elapsed (GstClockTime start, GstClockTime now, GstClockTime span)
{
  return now >= start && now - start >= span;
}

/* Whether @track has ended as of @now (valid when @timed). */
static gboolean
track_ended (const GstImencodeTrack * track, GstClockTime now,
    gboolean timed, gboolean eos)
{
  return eos || track->lost || (timed &&
      GST_CLOCK_TIME_IS_VALID (track->last_seen) &&
      stream_time_elapsed (track->last_seen, now, GST_IMENCODE_TRACK_UNSEEN));
}

/* Whether @track's current best period is over as of @now. */
static gboolean
track_renewed (const GstImencodeTrack * track, GstImencodeRoiSelect select,
    GstClockTime now, gboolean timed, GstClockTime timeout)
{
  return select == GST_IMENCODE_ROI_SELECT_BEST && timeout > 0 && timed &&
      track->has_candidate && GST_CLOCK_TIME_IS_VALID (track->period_start)
      && stream_time_elapsed (track->period_start, now, timeout);
}

guint
gst_imencode_tracks_expire (GstImencodeTracks * t,
    GstImencodeRoiSelect select, GstClockTime now, GstClockTime timeout,
    gboolean eos, guint * slots)
{
  gboolean timed = GST_CLOCK_TIME_IS_VALID (now);
  guint n = 0;

  /* the indices of the tracks due, sorted by appearance, then their slots
   * in their place */
  for (guint i = 0; i < t->n_tracks; i++) {
    GstImencodeTrack *track = &t->tracks[i];

    if ((track_ended (track, now, timed, eos) && track->has_candidate) ||
        track_renewed (track, select, now, timed, timeout))
      slots[n++] = i;
  }
  sort_by_order (slots, n, t->tracks);
  for (guint k = 0; k < n; k++)
    slots[k] = t->tracks[slots[k]].slot;

  /* then forget the ended tracks and start the renewed ones again */
  for (guint i = 0; i < t->n_tracks;) {
    GstImencodeTrack *track = &t->tracks[i];

    if (track_ended (track, now, timed, eos)) {
      remove_track (t, track);
      continue;
    }
    if (track_renewed (track, select, now, timed, timeout)) {
      track->has_candidate = FALSE;
      track->period_start = now;
    }
    i++;
  }
  return n;
}

guint
gst_imencode_tracks_renew (GstImencodeTracks * t, GstClockTime now,
    guint * slots)
{
  guint n = 0;

  for (guint i = 0; i < t->n_tracks; i++) {
    if (t->tracks[i].has_candidate)
      slots[n++] = i;
  }
  sort_by_order (slots, n, t->tracks);
  for (guint k = 0; k < n; k++) {
    GstImencodeTrack *track = &t->tracks[slots[k]];

    track->has_candidate = FALSE;
    if (GST_CLOCK_TIME_IS_VALID (now))
      track->period_start = now;
    slots[k] = track->slot;
  }
  return n;
}

/* Appends a release of each of the @n slots at @slots to @steps. */
static void
append_releases (GArray * steps, const guint * slots, guint n)
{
  for (guint i = 0; i < n; i++) {
    GstImencodeTrackStep step = { GST_IMENCODE_TRACK_DROP, 0, slots[i] };

    g_array_append_val (steps, step);
  }
}

gboolean
gst_imencode_tracks_offer_frame (GstImencodeTracks * t,
    GstImencodeRoiSelect select, GstClockTime timeout,
    GstImencodeImage * images, guint n_images, guint frame_width,
    guint frame_height, GstClockTime now, gboolean encoded, GArray * steps)
{
  guint *due = g_newa (guint, t->max_tracks);
  gboolean any_evicted = FALSE;
  guint n;

  g_array_set_size (steps, 0);
  /* tracks gone or whose best period is over as of this frame first, so
   * that this frame counts in the new period */
  n = gst_imencode_tracks_expire (t, select, now, timeout, FALSE, due);
  append_releases (steps, due, n);
  for (guint i = 0; i < n_images; i++) {
    GstImencodeTrackStep step = { GST_IMENCODE_TRACK_DROP, i, 0 };
    gboolean evicted, release;
    guint release_slot = 0;

    if (encoded) {
      step.action = gst_imencode_tracks_offer (t, select, &images[i],
          frame_width, frame_height, now, &step.slot, &evicted, &release,
          &release_slot);
    } else {
      gst_imencode_tracks_see (t, &images[i], now, &evicted, &release,
          &release_slot);
    }
    any_evicted |= evicted;
    if (release)
      append_releases (steps, &release_slot, 1);
    if (step.action != GST_IMENCODE_TRACK_DROP)
      g_array_append_val (steps, step);
  }
  /* and tracks this frame reported lost */
  n = gst_imencode_tracks_expire (t, select, now, timeout, FALSE, due);
  append_releases (steps, due, n);
  return any_evicted;
}
