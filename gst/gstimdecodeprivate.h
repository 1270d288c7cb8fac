/* gst-imdecode: imdecode's state, shared by its element, image and time files
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IMDECODE_PRIVATE_H__
#define __GST_IMDECODE_PRIVATE_H__

/* Not installed: the element (gstimdecode.c: pads, events, queries,
 * negotiation, state), an image's way from its bytes to a pushed frame
 * (gstimdecodeframe.c: the decoders, the jobs on the threads, the output
 * pool from downstream's ALLOCATION answer) and the source pad's TIME
 * segment and timestamps (gstimdecodetime.c) share the instance here. */

#include <gst/video/video.h>

#include "gstimdecode.h"
#include "gstimdecodeinput.h"
#include "gstimparallel.h"
#include "imcore.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gst_imdecode_debug);

/* The properties, copied under the object lock once per image. */
typedef struct
{
  GstImdecodeScale scale;
  guint64 max_pixels;
  gboolean strict;
  guint threads;
  GstImdecodeFraming framing;
} GstImdecodeSettings;

/* One thread's decoders and scratch: the streaming thread's (headers, and
 * every image with threads=1) and each worker's. */
typedef struct
{
  ImcoreJpegDecoder *jpeg;
  ImcorePngDecoder *png;
  GstVideoConverter *convert;
  GstVideoInfo convert_in, convert_out;
  GstBuffer *mid_buf;           /* decoded image before conversion */
  GstVideoInfo mid_info;
} GstImdecodeDecoder;

/* One image whose header was read: framed and negotiated in the streaming
 * thread, decoded by a worker (or the streaming thread with threads=1),
 * pushed in input order. Lives in the work pool's slots. */
typedef struct
{
  const guint8 *data;           /* the image's bytes */
  gsize len;
  gboolean owns_data;           /* a copy (threads), freed with the job */
  gboolean is_jpeg;
  ImcoreJpegInfo jinfo;
  guint width, height;          /* full size */
  guint denom;
  gboolean strict;
  GstVideoInfo info;            /* of the output frame */
  GstBuffer *outbuf;            /* from the output pool; the frame */
  GstClockTime pts, dts, duration;
  gboolean discont;             /* anything dropped before, or upstream's */
  /* the decode's result */
  gboolean map_failed;
  ImcoreError err;
  gchar *detail;
} GstImdecodeJob;

struct _GstImdecode
{
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;

  /* under the object lock */
  GstImdecodeSettings settings;

  /* streaming thread only (fps_n, fps_d: written under the object lock) */
  GstImdecodeSettings current;  /* copied for each buffer */
  GstImInput input;             /* bytes, records, text to images */
  gint fps_n, fps_d;
  gboolean caps_framed;         /* the sink caps say each buffer holds
                                 * whole images (parsed=true) or is a
                                 * base64 record */
  GstFlowReturn failed;         /* GST_FLOW_ERROR once an error was posted
                                 * (strict=true), until a flush */
  GstVideoInfo out_info;        /* valid when negotiated */
  gboolean negotiated;
  GstBufferPool *pool;          /* output frames of out_info */
  guint pool_in_flight;         /* the frames in flight it was taken for
                                 * (G_MAXUINT: ours, unbounded) */
  GstImdecodeDecoder *dec;      /* headers */
  GstImParallel *par;           /* decoding threads, events in order */

  /* segments and timestamps (streaming thread; written under the object
   * lock, which seeks take to read them) */
  GstFormat in_format;          /* of upstream's last segment */
  GstSegment out_segment;       /* the TIME segment of the source pad */
  gboolean need_segment;        /* none went out since the start or a
                                 * flush */
  GstClockTime stamp_base;      /* untimestamped images are stamped from
                                 * here (NONE: not at all) */
  guint64 stamp_count;          /* images since stamp_base */
  /* a TIME seek made a seek to byte 0 upstream: the TIME segment for the
   * segment it brings (object lock) */
  gboolean seek_pending;
  guint32 seek_seqnum;
  GstSegment seek_segment;

  /* in output order: changed by finish, or by the streaming thread with
   * no image in flight */
  gboolean discont;             /* the next frame follows a drop */
  gboolean settle_decoded;      /* a frame went out since the last settle */
  GstImInputOutcome settle_last;        /* of the last image finished */
};

/* The work pool's functions for GstImdecodeJob jobs. */
extern const GstImWorkPoolFuncs gst_imdecode_pool_funcs;

/* Frees a thread's decoders; NULL allowed. */
void gst_imdecode_decoder_free (GstImdecodeDecoder * d);

/* A thread's decoders, or NULL when out of memory. */
GstImdecodeDecoder *gst_imdecode_decoder_new (void);

/* Asks downstream how to allocate frames of @caps (taken), as video
 * decoders do on negotiation, for @in_flight frames in flight: downstream's
 * pool when it offers one that holds them and gives frames we decode into
 * (through their GstVideoMeta when downstream reads it), else a pool of
 * our own with downstream's allocator and parameters. Either way steady
 * decoding allocates nothing: frames come back when downstream is done
 * with them. */
gboolean gst_imdecode_decide_allocation (GstImdecode * self, GstCaps * caps,
    guint in_flight);

/* Refused input: a warning saying @what and that the stream goes on, or
 * with @strict an error. Called in output order. */
GstFlowReturn gst_imdecode_refuse (GstImdecode * self, gboolean strict,
    const gchar * what, const gchar * detail);

/* A refused image: gst_imdecode_refuse(), saying the image was dropped. */
GstFlowReturn gst_imdecode_refuse_image (GstImdecode * self, gboolean strict,
    const gchar * what, const gchar * detail);

/* Hands @job to a worker, or decodes and finishes it right here with
 * threads=1; sets *@outcome. What @job holds goes with it, whatever the
 * return. */
GstFlowReturn gst_imdecode_run_job (GstImdecode * self, GstImdecodeJob * job,
    GstImInputOutcome * outcome);

/* GstImInputSettleFunc: waits for the images in flight. */
GstFlowReturn gst_imdecode_settle (gpointer user_data, gboolean * decoded_any,
    GstImInputOutcome * last);

/* An image refused in the streaming thread, after the frames of the images
 * before it; @discont as handed to gst_imdecode_image(). */
GstFlowReturn gst_imdecode_refuse_now (GstImdecode * self, gboolean discont,
    const gchar * what, const gchar * detail);

/* The timestamps of the next image, which starts in @timing (NULL: none):
 * upstream's when it has a PTS (with a frame's duration at the input
 * caps' framerate when it has none), else stamped: one frame duration
 * after the last image at the input caps' framerate, or, without one,
 * the stamp base for the first image of the segment and none for the
 * others. */
void gst_imdecode_stamp (GstImdecode * self, GstBuffer * timing,
    GstClockTime * pts, GstClockTime * dts, GstClockTime * duration);

/* Clips an image of @pts and @duration to the output segment, as video
 * decoders do: FALSE when it lies outside (then *@past_end says whether
 * it comes after the segment's end), else TRUE with the part inside. */
gboolean gst_imdecode_clip (GstImdecode * self, GstClockTime * pts,
    GstClockTime * duration, gboolean * past_end);

/* Takes upstream's segment @event and returns the TIME segment to send for
 * it: upstream's own when it is in TIME; else (filesrc's BYTES) one from
 * 0, or the one a TIME seek asked for when this segment is that seek's
 * restart from byte 0. Images without timestamps are stamped from the
 * segment's start, or from 0 for a segment that is not in TIME (the
 * stamps count images from the start of the bytes). */
GstEvent *gst_imdecode_time_segment (GstImdecode * self, GstEvent * event);

/* Sends the output segment if none went out since the start or a flush
 * (upstream sent none): frames always follow a TIME segment. Called with
 * no frame in flight. */
void gst_imdecode_ensure_segment (GstImdecode * self);

/* A seek on the source pad. Upstream gets it first. A flushing TIME seek
 * that upstream refuses because it works in bytes (filesrc) is made into a
 * seek to byte 0: the stamps of untimestamped images count images from the
 * start of the bytes, so no other byte offset has a known time. The
 * segment upstream then sends becomes the seek's TIME segment, and the
 * images before its start are dropped (clipped) without being decoded.
 * Only forward rate 1.0 from a set position, as video decoders do. */
gboolean gst_imdecode_seek (GstImdecode * self, GstEvent * event);

/* The SEEKING query in TIME when upstream works in bytes: seekable (by
 * gst_imdecode_seek()) when upstream can seek to byte 0. */
gboolean gst_imdecode_seeking_query (GstImdecode * self, GstPad * pad,
    GstQuery * query);

/* gstimdecode.c: deactivates and drops the output pool. */
void gst_imdecode_drop_pool (GstImdecode * self);

G_END_DECLS

#endif /* __GST_IMDECODE_PRIVATE_H__ */
