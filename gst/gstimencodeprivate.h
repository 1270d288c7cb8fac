/* gst-imencode: imencode's state, shared by its element and frame files
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IMENCODE_PRIVATE_H__
#define __GST_IMENCODE_PRIVATE_H__

/* Not installed: the element (gstimencode.c: pads, events, queries,
 * state) and the way a frame goes from plan to output buffers
 * (gstimencodeframe.c) share the element's instance struct here. */

#include "gstimencode.h"
#include "gstimencodegate.h"
#include "gstimencodenegotiate.h"
#include "gstimencodeplan.h"
#include "gstimencodesettings.h"
#include "gstimencodetracks.h"
#include "gstimencodeworker.h"
#include "gstimoutputpools.h"
#include "gstimparallel.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gst_imencode_debug);

/* Tracks held at once by roi-select first/best (each best one keeps one
 * encoded image); a new track beyond that evicts the least recently seen. */
#define MAX_TRACKS 256

/* Warnings posted once until the condition clears. */
typedef enum
{
  WARNED_EMPTY_CROP = 1 << 0,
  WARNED_TOO_LARGE = 1 << 1,
  WARNED_ENCODE = 1 << 2,
  WARNED_MAP = 1 << 3,
  WARNED_ROI_OUTSIDE = 1 << 4,
  WARNED_ROI_EMPTY_CROP = 1 << 5,
  WARNED_TRACKS_FULL = 1 << 6,
  WARNED_ANNOTATE_BOXES = 1 << 7,
  /* delivery */
  WARNED_OVER_BUDGET = 1 << 16, /* an image does not fit max-bytes */
  WARNED_EXIF_TIME = 1 << 17,   /* a time Exif cannot hold */
} GstImencodeWarned;

/* What a job does when its turn comes. */
typedef enum
{
  GST_IMENCODE_JOB_PUSH,        /* push the encoded image */
  GST_IMENCODE_JOB_KEEP,        /* keep it as a track's candidate */
  GST_IMENCODE_JOB_RELEASE,     /* push a track's kept candidate, if any */
} GstImencodeJobKind;

/* One frame on its way through the encoder: filled by the streaming
 * thread, encoded by a worker (or the streaming thread with threads=1),
 * pushed in input order. Lives in the work pool's slots. */
typedef struct
{
  GstBuffer *inbuf;             /* released as soon as it is encoded */
  GstVideoInfo info;
  GstImencodeJob job;           /* the file to encode */
  GstImencodeText text;         /* what the output buffer holds of it */
  GstClockTime pts, dts, duration;
  gboolean discont;
  GstImencodeJobKind kind;
  guint slot;                   /* KEEP and RELEASE: the track's slot */
  GstImencodeImage image;       /* the region it shows, if any */
  GstClockTime utc;             /* the frame's reference time, for JSON */
  gchar *tags;                  /* GRefString: the tags property, for JSON */
  gsize file_bound;             /* worst-case size of the encoded file */
  /* a worst-case sized buffer from the output pool, then the result */
  GstBuffer *outbuf;
  gint quality;                 /* the JPEG quality used (0: PNG) */
  GstImencodeWarned failed;     /* no outbuf: which warning */
  GError *error;
  GstImencodeAnnotation annot;  /* what annotate draws on it */
} GstImencodeFrame;

struct _GstImencode
{
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;

  /* under the object lock */
  GstImencodeProperties props;

  /* streaming thread only, but for the gate's snapshot counter */
  GstImencodeGate gate;
  GstVideoInfo in_info;
  gboolean have_info;
  GstImencodeNegotiated neg;
  gboolean negotiated;
  gboolean refused;             /* refused_req failed, an error was posted */
  GstImencodeRequest refused_req;
  GArray *regions;              /* GstImencodeRegion, reused per frame */
  GArray *images;               /* GstImencodeImage, reused per frame */
  GstImencodeTracks tracks;     /* roi-select first/best, with the kept
                                 * best views (touched in output order) */
  GArray *steps;                /* GstImencodeTrackStep, reused per frame */
  guint due_slots[MAX_TRACKS];  /* scratch for gst_imencode_tracks_expire */

  GstCaps *unix_caps, *ntp_caps;        /* reference timestamp kinds */
  GstImParallel *par;           /* encoding threads, events in order */
  GstImOutputPools *outpools;   /* output buffers by size class */

  /* any thread, atomically */
  guint warned;
};

/* Posts a warning once until a frame is encoded again. Called from the
 * streaming thread and from the worker that pushes. */
#define gst_imencode_warn_once(self, flag, text, ...) G_STMT_START {     \
  if (!(g_atomic_int_or (&(self)->warned, (flag)) & (flag))) {            \
    GST_ELEMENT_WARNING_WITH_DETAILS ((self), STREAM, ENCODE, (text),     \
        (__VA_ARGS__), ("imencode-warning", G_TYPE_UINT, (guint) (flag),  \
            NULL));                                                       \
  }                                                                       \
} G_STMT_END

/* What the chain knows of one input frame: built once at its top and
 * passed forward to planning and submission. */
typedef struct
{
  GstImencodeSettings s;        /* one consistent copy of the properties */
  GstBuffer *inbuf;
  GstImencodeGateResult gate;
  gboolean encode;              /* the gate lets it be encoded */
  GstClockTime stream_time;     /* of its PTS, or NONE */
  GstImencodeFrameShape shape;
  guint made;                   /* images submitted from it */
  GstClockTime annotate_utc;    /* annotate's time once known, 0 before */
  /* exif: the capture time's Exif bytes, made for the frame's first image
   * and shared by all its images */
  gboolean exif_made;
  guint8 exif[GST_IMENCODE_EXIF_SIZE];
  gsize exif_len;
} GstImencodeFrameContext;

/* ---- gstimencodeframe.c ---- */

/* The work pool's functions for GstImencodeFrame jobs. */
extern const GstImWorkPoolFuncs gst_imencode_frame_funcs;

/* The input frames' size and pixel aspect ratio. */
void gst_imencode_frame_shape (GstImencode * self,
    GstImencodeFrameShape * frame);

/* Plans the whole-frame image for @s into @image. FALSE (after a
 * warning) when there is nothing to encode. */
gboolean gst_imencode_plan_whole_frame (GstImencode * self,
    const GstImencodeSettings * s, GstImencodeImage * image);

/* Encodes what the context's frame yields in its mode (whole frame,
 * regions, roi-select), negotiating first when needed. Streaming
 * thread. */
GstFlowReturn gst_imencode_encode_frame (GstImencode * self,
    GstImencodeFrameContext * ctx);

/* Pushes, in its turn, the candidate kept for track slot @slot. */
GstFlowReturn gst_imencode_release_slot (GstImencode * self, guint slot);

/* Releases the candidates of the tracks that ended or timed out as of
 * stream time @now (every one with @eos). */
GstFlowReturn gst_imencode_release_tracks (GstImencode * self,
    const GstImencodeSettings * s, GstClockTime now, gboolean eos);

/* ---- gstimencode.c ---- */

/* Negotiates again when the request @s and @image (NULL in region mode)
 * make changed or downstream asked for it, after the frames in flight
 * and the tracks' kept best views (the tracks then start new best periods
 * at stream time @now) have gone out under the old caps. */
GstFlowReturn gst_imencode_ensure_negotiated (GstImencode * self,
    const GstImencodeSettings * s, const GstImencodeImage * image,
    GstClockTime now);

G_END_DECLS

#endif /* __GST_IMENCODE_PRIVATE_H__ */
