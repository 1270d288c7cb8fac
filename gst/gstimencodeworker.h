/* gst-imencode: one frame -> one encoded image, with reusable state
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IMENCODE_WORKER_H__
#define __GST_IMENCODE_WORKER_H__

#include <gst/video/video.h>

#include "gstimencodeannotate.h"
#include "gstimencodeevent.h"
#include "gstimoutputpools.h"
#include "gstimparallel.h"
#include "imcore.h"

G_BEGIN_DECLS

/* How an encoded image is wrapped in an output buffer. */
typedef enum
{
  GST_IMENCODE_TEXT_NONE,       /* the JPEG/PNG bytes */
  GST_IMENCODE_TEXT_BASE64,     /* their base64 text */
  GST_IMENCODE_TEXT_DATA_URI,   /* "data:image/...;base64," + the text */
  GST_IMENCODE_TEXT_JSON,       /* a JSON event with the base64 text */
} GstImencodeText;

/* Room for a capture time's Exif bytes (imcore_exif_tiff_size() is 108). */
#define GST_IMENCODE_EXIF_SIZE 128

/* Everything needed to encode one image file from one frame. */
typedef struct
{
  gboolean png;                 /* else JPEG */
  gint quality;
  ImcoreSubsampling subsampling;
  gint compression_level;
  GstVideoResamplerMethod method;
  gint opencv;                  /* an ImcoreResizeMethod, or -1: resize with
                                 * GstVideoConverter's @method */
  guint32 pad_argb;
  ImcorePlan plan;
  /* JPEG options (PNG ignores them) */
  gboolean progressive;
  gboolean optimize;
  guint restart_interval;       /* MCUs, 0..IMCORE_JPEG_MAX_RESTART */
  /* the capture time's Exif TIFF bytes (imcore_exif_write_tiff()) for the
   * file; exif_len 0: none */
  guint8 exif[GST_IMENCODE_EXIF_SIZE];
  gsize exif_len;
  /* the most bytes the OUTPUT buffer may have, its text included; 0: no
   * limit */
  guint max_bytes;
} GstImencodeJob;

/* Where gst_imencode_worker_encode() writes one file, and what it made. */
typedef struct
{
  guint8 *out;                  /* the caller's memory */
  gsize out_size;               /* its size: at least the smaller of
                                 * gst_imencode_worker_bound() and @budget */
  gsize budget;                 /* the most bytes the file may have; 0: no
                                 * limit */
  /* set by the encode */
  gsize len;                    /* the file's size */
  gint quality;                 /* JPEG: the quality used; PNG: 0 */
  gboolean over_budget;         /* failed only because no file fits */
} GstImencodeTarget;

/* Per-thread encoding state: the JPEG encoder handle, a cached video
 * converter and scratch memory, all reused from frame to frame. */
typedef struct _GstImencodeWorker GstImencodeWorker;

/* A new worker; never NULL (aborts only if GLib cannot allocate). */
GstImencodeWorker *gst_imencode_worker_new (void);

/* Lets @worker, the state of a worker thread of @par (NULL: of no pool),
 * share a large JPEG with @par's idle threads: the image is encoded in
 * slices (imcore_jpeg_slices_plan()) on this thread and the idle ones,
 * and joined; the file decodes to the same pixels. */
void gst_imencode_worker_set_parallel (GstImencodeWorker * worker,
    GstImParallel * par);

/* Frees @worker; NULL is allowed. */
void gst_imencode_worker_free (GstImencodeWorker * worker);

/* The most bytes gst_imencode_worker_encode() writes for @job on frames
 * that @in describes: the worst-case size of the image file (TurboJPEG's
 * or imcore_png_bound(), and the Exif bytes' marker or chunk). 0 if that
 * does not fit in memory. */
gsize gst_imencode_worker_bound (const GstVideoInfo * in,
    const GstImencodeJob * job);

/* Encodes the image @job describes from the mapped @frame into @t's out:
 * exactly one complete JPEG or PNG file (any text around it is the
 * caller's to write); sets @t's len and quality.
 * With a budget, a JPEG is the highest quality up to @job's that fits it
 * (imcore_budget_search(), starting from the worker's last choice for
 * images of the same size and settings), a PNG is encoded once; when no
 * file fits, returns FALSE with @t's over_budget set and @error set to a
 * sentence saying so.
 * @job->plan must lie inside the frame. Crops that need no scaling are
 * read through a pointer offset (planar YUV, gray, packed RGB), or, for a
 * JPEG of semi-planar or packed YUV, straight from the interleaved
 * samples a strip at a time; YUV of any colorimetry is converted to JFIF's
 * inside the JPEG encoder on the way. Anything else goes through one
 * GstVideoConverter pass into reused memory. A PNG of YUV is converted to
 * RGB by the core (imcore_image_yuv_to_rgb(): the exact inverse of the
 * input's matrix and range) from 4:4:4, which the converter makes unless
 * the input is an unscaled crop of Y444. With @job->opencv set, a scaled
 * image is resized by the core (imcore_image_resize(), as cv2.resize)
 * instead of the converter: packed RGB, gray and planar YUV the encoder
 * takes are resized as they are (each plane of YUV at its own size, so a
 * JPEG of I420 stays YUV), anything else is first converted, unscaled, to
 * the format the encoder is given. Allocates nothing once the worker has seen a job of the same
 * shape.
 * With @annot (NULL, or flags 0: none) the image is drawn on just before
 * the encoder reads it, always in memory of the worker's: the converter's
 * output, the RGB of a PNG of YUV, or, where the encoder would read the
 * frame itself (an unscaled crop), a copy of the crop; interleaved YUV
 * then goes through the converter. The frame is never written. On failure
 * returns FALSE and sets @error. */
gboolean gst_imencode_worker_encode (GstImencodeWorker * worker,
    const GstVideoFrame * frame, const GstImencodeJob * job,
    const GstImencodeAnnotation * annot, GstImencodeTarget * t,
    GError ** error);

/* Encodes @job from the mapped @frame, drawing @annot (NULL: nothing) on
 * it (as gst_imencode_worker_encode(),
 * into the worker's own memory, grown to @file_bound bytes as needed) and
 * puts the result in a buffer from @pools of exactly its size, as @text
 * wants it: the file's bytes, their base64 text or data URI, or the JSON
 * event @ev (JSON only; its size fields are the job's) with the base64
 * inside. With @job's max_bytes the whole buffer, text included, is at
 * most that: the file's budget is what its text leaves. Returns the
 * buffer and the JPEG quality used in *@quality (0 for PNG), or NULL with
 * @error set, and *@over_budget TRUE when that is only because nothing
 * fits max_bytes. */
GstBuffer *gst_imencode_worker_encode_output (GstImencodeWorker * worker,
    const GstVideoFrame * frame, const GstImencodeJob * job,
    const GstImencodeAnnotation * annot, gsize file_bound,
    GstImencodeText text, const GstImencodeEvent * ev,
    GstImOutputPools * pools, gint * quality, gboolean * over_budget,
    GError ** error);

/* ---- limits of one output image, all in one place ---- */

/* The longest side an output image of the format may have: 65500 for JPEG
 * (libjpeg-turbo's limit), 1000000 for PNG (libpng's default). */
guint gst_imencode_output_max_side (gboolean png);

/* Checks @job's output, from frames @in describes, against every limit:
 * sides, pixels (scratch memory), and a worst-case file an output buffer
 * can hold. Returns that worst case (gst_imencode_worker_bound()), or 0
 * with a sentence saying which limit the output breaks in @why (@why_size
 * bytes). */
gsize gst_imencode_output_check (const GstVideoInfo * in,
    const GstImencodeJob * job, gchar * why, gsize why_size);

G_END_DECLS

#endif /* __GST_IMENCODE_WORKER_H__ */
