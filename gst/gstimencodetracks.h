/* gst-imencode: images per tracked object (roi-select first, best,
 * improving)
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IMENCODE_TRACKS_H__
#define __GST_IMENCODE_TRACKS_H__

#include <gst/gst.h>

#include "gstimencodeplan.h"
#include "gstimencodesettings.h"

G_BEGIN_DECLS

/* A track unseen for this long (stream time) has ended. */
#define GST_IMENCODE_TRACK_UNSEEN GST_SECOND

/* Per-track selection state, streaming thread only. Plain data: the
 * element keeps the encoded candidates themselves, one per slot, where its
 * in-order finish stores and releases them; this only decides. Memory is
 * bounded: at most max tracks are held; a new track beyond that evicts
 * the one seen least recently. */
typedef struct
{
  gint64 id;
  guint slot;                   /* where its candidate is kept */
  GstClockTime period_start;    /* stream time its current best began */
  GstClockTime last_seen;       /* stream time */
  gboolean lost;                /* its tracker said so */
  gboolean has_candidate;       /* a view was kept in this period */
  gboolean sent_first;          /* first: its image was made */
  gboolean inside;              /* the candidate's box is inside the frame */
  gdouble score;                /* the candidate's visible area x confidence */
  gboolean has_shown;           /* improving: a view was pushed */
  gboolean shown_inside;        /* improving: the best pushed view's */
  gdouble shown_score;
  guint64 order;                /* first appearance, for release order */
} GstImencodeTrack;

typedef struct
{
  GstImencodeTrack *tracks;
  guint n_tracks, max_tracks;
  guint64 next_order;
  guint64 seen;                 /* offers, for tracks seen on untimed frames */
  /* the encoded candidate of each slot: touched only in output order (by
   * the job that keeps or releases it) or with no job running (flush,
   * stop) */
  GstBuffer **kept;
} GstImencodeTracks;

/* What to do with a region's image. */
typedef enum
{
  GST_IMENCODE_TRACK_DROP,      /* not wanted */
  GST_IMENCODE_TRACK_PUSH,      /* encode and push it now */
  GST_IMENCODE_TRACK_KEEP,      /* encode it and keep it as the track's
                                 * candidate in its slot (replacing any) */
} GstImencodeTrackAction;

/* Room for @max_tracks (>= 1) tracks, slots 0 .. max_tracks - 1. */
void gst_imencode_tracks_init (GstImencodeTracks * t, guint max_tracks);

/* Frees what @t holds. */
void gst_imencode_tracks_free (GstImencodeTracks * t);

/* Forgets every track (after a flush: their candidates are dropped by the
 * caller). */
void gst_imencode_tracks_clear (GstImencodeTracks * t);

/* Decides on @image (a region of a @frame_width x @frame_height frame at
 * stream time @now, GST_CLOCK_TIME_NONE if untimed) under @select (FIRST,
 * BEST or IMPROVING), and sets its reason. A region without a track id is
 * an object of its own: pushed at once. FIRST pushes a track's first view
 * only. BEST keeps a view when it beats the track's candidate: a box
 * inside the frame (not touching its edges) beats one cut by an edge, then
 * the larger visible area x confidence (1 when unknown) wins; a tie keeps
 * the earlier view. IMPROVING pushes, at once, each view that beats by
 * the same rule the best view pushed so far (the track's first view
 * included); it keeps nothing. With KEEP, *@slot is the
 * track's slot. When a new track finds no room, the track seen least
 * recently is evicted: *@evicted is set and, if it had a candidate,
 * *@release_slot is set to its slot (release it before the new candidate,
 * which may take the same slot) and TRUE returned in *@release. */
GstImencodeTrackAction gst_imencode_tracks_offer (GstImencodeTracks * t,
    GstImencodeRoiSelect select, GstImencodeImage * image, guint frame_width,
    guint frame_height, GstClockTime now, guint * slot, gboolean * evicted,
    gboolean * release, guint * release_slot);

/* Updates the track of @image (region mode, a frame the gate did not let
 * through at stream time @now) as seen, making it if it is new, without
 * any image: the gate decides what is encoded, not what is seen. Sets
 * *@evicted (and *@release, *@release_slot) as gst_imencode_tracks_offer()
 * does. */
void gst_imencode_tracks_see (GstImencodeTracks * t,
    const GstImencodeImage * image, GstClockTime now, gboolean * evicted,
    gboolean * release, guint * release_slot);

/* What to do for one image or kept candidate, in this order. */
typedef struct
{
  GstImencodeTrackAction action;        /* PUSH, KEEP, or DROP = release */
  guint image;                  /* PUSH, KEEP: index into the images */
  guint slot;                   /* KEEP, release: the track's slot */
} GstImencodeTrackStep;

/* The one call per region-mode frame under roi-select first or best:
 * offers the @n_images @images of a frame at stream time @now (encoded
 * when @encoded, else only seen) and fills @steps (a GArray of
 * GstImencodeTrackStep, cleared first) with what to do, in order: release
 * the candidates of tracks ended or renewed (@timeout) as of @now, then
 * each image's push or keep (a release of an evicted track's candidate
 * before it), then the candidates of tracks this frame reports lost.
 * Returns TRUE if a track was evicted to make room. */
gboolean gst_imencode_tracks_offer_frame (GstImencodeTracks * t,
    GstImencodeRoiSelect select, GstClockTime timeout,
    GstImencodeImage * images, guint n_images, guint frame_width,
    guint frame_height, GstClockTime now, gboolean encoded, GArray * steps);

/* Keeps @buffer (taken) as the candidate of @slot, replacing any. Output
 * order only. */
void gst_imencode_tracks_keep (GstImencodeTracks * t, guint slot,
    GstBuffer * buffer);

/* Takes the candidate of @slot (NULL if none). Output order only. */
GstBuffer *gst_imencode_tracks_take (GstImencodeTracks * t, guint slot);

/* Forgets every track and drops every kept candidate (a flush, or the
 * element stopping: no job runs). */
void gst_imencode_tracks_reset (GstImencodeTracks * t);

/* Ends tracks as of stream time @now (NONE: untimed, nothing ends by
 * time) and, with @eos, every track: a track lost, or unseen for
 * GST_IMENCODE_TRACK_UNSEEN, ends; with BEST, a track whose current best
 * began @timeout or more ago (0: never) starts a new one. Writes the slots
 * whose candidates are due, in the order their tracks appeared, to @slots
 * (room for max_tracks) and returns how many. */
guint gst_imencode_tracks_expire (GstImencodeTracks * t,
    GstImencodeRoiSelect select, GstClockTime now, GstClockTime timeout,
    gboolean eos, guint * slots);

/* Ends the current best period of every track that has a candidate (the
 * candidates are due now, e.g. before the output caps change, since they
 * were encoded for the old ones): writes their slots, in the order their
 * tracks appeared, to @slots (room for max_tracks) and returns how many.
 * The tracks go on, each with a new period from stream time @now (NONE:
 * the period keeps its start). */
guint gst_imencode_tracks_renew (GstImencodeTracks * t, GstClockTime now,
    guint * slots);

G_END_DECLS

#endif /* __GST_IMENCODE_TRACKS_H__ */
