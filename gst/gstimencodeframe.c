/* gst-imencode: one frame's way through imencode, from plan to output
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstimencodeevent.h"
#include "gstimencodemeta.h"
#include "gstimencodeprivate.h"

#define GST_CAT_DEFAULT gst_imencode_debug

/* The chain builds a GstImencodeFrameContext and hands it here: the
 * images the frame yields are planned (whole frame, or regions through
 * roi-select's tracks), each becomes a GstImencodeFrame job that a worker
 * encodes (gstimencodeworker.c) and that is finished in input order:
 * pushed, kept as a track's best view, or a kept one released. */

static ImcoreSubsampling
gst_imencode_subsampling (const GstImencodeSettings * s,
    const GstVideoInfo * info)
{
  switch (s->subsampling) {
    case GST_IMENCODE_SUBSAMPLING_444:
      return IMCORE_SUBSAMPLING_444;
    case GST_IMENCODE_SUBSAMPLING_422:
      return IMCORE_SUBSAMPLING_422;
    case GST_IMENCODE_SUBSAMPLING_420:
      return IMCORE_SUBSAMPLING_420;
    case GST_IMENCODE_SUBSAMPLING_GRAY:
      return IMCORE_SUBSAMPLING_GRAY;
    default:
      return GST_VIDEO_INFO_IS_GRAY (info) ? IMCORE_SUBSAMPLING_GRAY :
          IMCORE_SUBSAMPLING_420;
  }
}

static GstVideoResamplerMethod
gst_imencode_resampler (GstImencodeMethod m)
{
  switch (m) {
    case GST_IMENCODE_METHOD_NEAREST:
      return GST_VIDEO_RESAMPLER_METHOD_NEAREST;
    case GST_IMENCODE_METHOD_BICUBIC:
      return GST_VIDEO_RESAMPLER_METHOD_CUBIC;
    case GST_IMENCODE_METHOD_LANCZOS:
      return GST_VIDEO_RESAMPLER_METHOD_LANCZOS;
    default:
      return GST_VIDEO_RESAMPLER_METHOD_LINEAR;
  }
}

/* The input frames' size and pixel aspect ratio. */
void
gst_imencode_frame_shape (GstImencode * self, GstImencodeFrameShape * frame)
{
  frame->width = GST_VIDEO_INFO_WIDTH (&self->in_info);
  frame->height = GST_VIDEO_INFO_HEIGHT (&self->in_info);
  frame->par_n = GST_VIDEO_INFO_PAR_N (&self->in_info);
  frame->par_d = GST_VIDEO_INFO_PAR_D (&self->in_info);
}

/* Plans the whole-frame image for @s into @image. FALSE (after a
 * warning) when there is nothing to encode. */
gboolean
gst_imencode_plan_whole_frame (GstImencode * self,
    const GstImencodeSettings * s, GstImencodeImage * image)
{
  GstImencodeFrameShape frame;
  guint width, height;

  gst_imencode_frame_shape (self, &frame);
  width = frame.width;
  height = frame.height;
  if (gst_imencode_plan_frame (s, &frame, image))
    return TRUE;
  gst_imencode_warn_once (self, WARNED_EMPTY_CROP,
      "The crop rectangle lies outside the frame; no image is produced",
      "crop %u,%u %ux%u misses the %ux%u frame (crop-x/crop-y must be "
      "inside the frame; crop-width/crop-height 0 mean up to its edge)",
      s->crop_x, s->crop_y, s->crop_width, s->crop_height, width, height);
  return FALSE;
}

/* Fills self->images with the images @inbuf yields in region mode,
 * warning once about regions that could not be cut. */
static void
gst_imencode_plan_frame_regions (GstImencode * self,
    const GstImencodeSettings * s, GstBuffer * inbuf)
{
  GstImencodePlanSkipped skipped;
  GstImencodeFrameShape frame;

  gst_imencode_frame_shape (self, &frame);
  gst_imencode_regions_collect (inbuf, self->regions);
  gst_imencode_plan_regions (s, &frame,
      (const GstImencodeRegion *) self->regions->data, self->regions->len,
      self->images, &skipped);
  if (skipped.outside) {
    gst_imencode_warn_once (self, WARNED_ROI_OUTSIDE,
        "A region of interest lies outside the frame; it is skipped",
        "%u region(s) of this frame miss the %dx%d frame even after "
        "roi-margin", skipped.outside, GST_VIDEO_INFO_WIDTH (&self->in_info),
        GST_VIDEO_INFO_HEIGHT (&self->in_info));
  }
  if (skipped.empty_crop) {
    gst_imencode_warn_once (self, WARNED_ROI_EMPTY_CROP,
        "The crop rectangle lies outside a region of interest; the region "
        "is skipped", "crop %u,%u %ux%u (relative to each region) leaves "
        "nothing of %u region(s) of this frame", s->crop_x, s->crop_y,
        s->crop_width, s->crop_height, skipped.empty_crop);
  }
}

/* Refuses an output that breaks a limit (@why says which), once. */
static void
gst_imencode_refuse_size (GstImencode * self, const gchar * why)
{
  gst_imencode_warn_once (self, WARNED_TOO_LARGE,
      "The requested output size is too large; no image is produced", "%s",
      why);
}

/* Whether the negotiated size is the format's limit where @plan asked for
 * more. */
static gboolean
gst_imencode_clamped_to_limit (GstImencode * self, const ImcorePlan * plan)
{
  guint max = gst_imencode_output_max_side (self->neg.png);

  return (plan->out_width > max && self->neg.width == max) ||
      (plan->out_height > max && self->neg.height == max);
}

/* ---- encoding a frame: streaming thread, workers, in-order push ---- */

/* What the JSON event of @f says. */
static void
gst_imencode_frame_event (const GstImencodeFrame * f, GstImencodeEvent * ev)
{
  ev->pts = f->pts;
  ev->duration = f->duration;
  ev->utc = f->utc;
  ev->frame_width = GST_VIDEO_INFO_WIDTH (&f->info);
  ev->frame_height = GST_VIDEO_INFO_HEIGHT (&f->info);
  ev->box = f->job.plan.src;
  ev->image = &f->image;
  ev->png = f->job.png;
  ev->width = f->job.plan.out_width;
  ev->height = f->job.plan.out_height;
  ev->tags = f->tags;
}

/* Encodes @f (worker thread, or the streaming thread with threads=1)
 * into an output buffer: sets f->outbuf, or f->failed and f->error.
 * Releases the input. */
static void
gst_imencode_frame_process (gpointer thread_state, gpointer job,
    gpointer user_data)
{
  GstImencode *self = user_data;
  GstImencodeWorker *worker = thread_state;
  GstImencodeFrame *f = job;
  GstImencodeEvent ev;
  GstVideoFrame frame;
  gboolean over_budget = FALSE;

  if (f->kind == GST_IMENCODE_JOB_RELEASE)
    return;
  if (!gst_video_frame_map (&frame, &f->info, f->inbuf, GST_MAP_READ)) {
    f->failed = WARNED_MAP;
    goto done;
  }
  if (f->text == GST_IMENCODE_TEXT_JSON)
    gst_imencode_frame_event (f, &ev);
  f->outbuf = gst_imencode_worker_encode_output (worker, &frame, &f->job,
      &f->annot, f->file_bound, f->text, &ev, self->outpools, &f->quality,
      &over_budget, &f->error);
  gst_video_frame_unmap (&frame);
  if (!f->outbuf)
    f->failed = over_budget ? WARNED_OVER_BUDGET : WARNED_ENCODE;

done:
  gst_clear_buffer (&f->inbuf);
}

/* Releases what @f holds; for frames dropped by a flush. */
static void
gst_imencode_frame_discard (gpointer job, gpointer user_data)
{
  GstImencodeFrame *f = job;

  gst_clear_buffer (&f->inbuf);
  gst_clear_buffer (&f->outbuf);
  g_clear_error (&f->error);
  g_clear_pointer (&f->tags, g_ref_string_release);
}

/* Pushes the encoded @f (in input order), or warns about its failure. */
static GstFlowReturn
gst_imencode_frame_finish (gpointer job, gpointer user_data)
{
  GstImencode *self = user_data;
  GstImencodeFrame *f = job;
  GstBuffer *outbuf = f->outbuf;

  f->outbuf = NULL;
  if (f->kind == GST_IMENCODE_JOB_RELEASE) {
    /* a track's best view, encoded and kept earlier */
    outbuf = gst_imencode_tracks_take (&self->tracks, f->slot);
    return outbuf ? gst_pad_push (self->srcpad, outbuf) : GST_FLOW_OK;
  }
  if (!outbuf) {
    if (f->failed == WARNED_MAP) {
      gst_imencode_warn_once (self, WARNED_MAP,
          "Could not read an input frame; it is dropped",
          "the buffer does not hold a %s %dx%d frame",
          gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&f->info)),
          GST_VIDEO_INFO_WIDTH (&f->info), GST_VIDEO_INFO_HEIGHT (&f->info));
    } else if (f->failed == WARNED_OVER_BUDGET) {
      /* one warning per run of such images: a pushed image re-arms it */
      gst_imencode_warn_once (self, WARNED_OVER_BUDGET,
          "An image does not fit max-bytes; it is dropped (raise max-bytes, "
          "or make the image smaller with width/height)", "%s (max-bytes=%u"
          " counts the whole output buffer, text included)",
          f->error ? f->error->message : "over budget", f->job.max_bytes);
    } else {
      gst_imencode_warn_once (self, WARNED_ENCODE,
          "Could not encode a frame; it is dropped", "%s",
          f->error ? f->error->message : "unknown error");
    }
    gst_imencode_frame_discard (f, self);
    return GST_FLOW_OK;
  }

  GST_BUFFER_PTS (outbuf) = f->pts;
  GST_BUFFER_DTS (outbuf) = f->dts;
  GST_BUFFER_DURATION (outbuf) = f->duration;
  if (f->discont)
    GST_BUFFER_FLAG_SET (outbuf, GST_BUFFER_FLAG_DISCONT);
  gst_imencode_meta_add (outbuf, &f->job.plan,
      GST_VIDEO_INFO_WIDTH (&f->info), GST_VIDEO_INFO_HEIGHT (&f->info),
      f->image.is_region ? &f->image.region : NULL, f->quality);
  gst_imencode_frame_discard (f, self);
  /* the frame-level warnings may come again; those about regions stay
   * quiet until the next flush, as good regions come with bad ones (a
   * region too large among them: one warning, not one per image) */
  g_atomic_int_and (&self->warned, WARNED_ROI_OUTSIDE |
      WARNED_ROI_EMPTY_CROP | WARNED_TRACKS_FULL | WARNED_ANNOTATE_BOXES |
      WARNED_EXIF_TIME |
      (f->image.is_region ? WARNED_TOO_LARGE : 0));
  if (f->kind == GST_IMENCODE_JOB_KEEP) {
    /* the track's best view so far: replaces the last one */
    gst_imencode_tracks_keep (&self->tracks, f->slot, outbuf);
    return GST_FLOW_OK;
  }
  return gst_pad_push (self->srcpad, outbuf);
}

static gpointer
gst_imencode_thread_init (gpointer user_data)
{
  GstImencode *self = user_data;
  GstImencodeWorker *worker = gst_imencode_worker_new ();

  gst_imencode_worker_set_parallel (worker, self->par);
  return worker;
}

static void
gst_imencode_thread_clear (gpointer thread_state, gpointer user_data)
{
  gst_imencode_worker_free (thread_state);
}

const GstImWorkPoolFuncs gst_imencode_frame_funcs = {
  gst_imencode_thread_init,
  gst_imencode_thread_clear,
  gst_imencode_frame_process,
  gst_imencode_frame_finish,
  gst_imencode_frame_discard,
};

/* The wall-clock time @buf was captured at, in ns since the Unix epoch,
 * from its GstReferenceTimestampMeta (timestamp/x-unix, or timestamp/x-ntp
 * as RTP sources add it); GST_CLOCK_TIME_NONE without one. */
static GstClockTime
gst_imencode_reference_utc (GstImencode * self, GstBuffer * buf)
{
  /* seconds from 1900 (NTP's epoch) to 1970 */
  const GstClockTime ntp_to_unix = G_GUINT64_CONSTANT (2208988800) *
      GST_SECOND;
  GstReferenceTimestampMeta *meta;

  meta = gst_buffer_get_reference_timestamp_meta (buf, self->unix_caps);
  if (meta)
    return meta->timestamp;
  meta = gst_buffer_get_reference_timestamp_meta (buf, self->ntp_caps);
  if (meta && meta->timestamp >= ntp_to_unix)
    return meta->timestamp - ntp_to_unix;
  return GST_CLOCK_TIME_NONE;
}

/* Makes the Exif bytes of the context's frame once (exif=true): the time
 * of its reference timestamp, else the system's UTC clock now, as the
 * frame reaches imencode. */
static void
gst_imencode_frame_exif (GstImencode * self, GstImencodeFrameContext * ctx)
{
  GstClockTime utc;

  if (ctx->exif_made)
    return;
  ctx->exif_made = TRUE;
  ctx->exif_len = 0;
  utc = gst_imencode_reference_utc (self, ctx->inbuf);
  if (!GST_CLOCK_TIME_IS_VALID (utc))
    utc = (GstClockTime) g_get_real_time () * GST_USECOND;
  if (utc > G_MAXINT64 || imcore_exif_write_tiff ((gint64) utc, ctx->exif,
          sizeof (ctx->exif), &ctx->exif_len) != IMCORE_OK) {
    ctx->exif_len = 0;
    gst_imencode_warn_once (self, WARNED_EXIF_TIME,
        "The frame's capture time cannot be written as Exif; its images "
        "have no Exif", "time %" G_GUINT64_FORMAT " ns after 1970 is past "
        "what Exif's four-digit years and a 64-bit clock hold", utc);
  }
}

/* Hands @f to a worker, or processes and finishes it right here with
 * threads=1. @f's buffers go with it, whatever the return. */
static GstFlowReturn
gst_imencode_run_job (GstImencode * self, GstImencodeFrame * f)
{
  return gst_im_parallel_submit (self->par, f);
}

/* Pushes, in its turn, the candidate kept for track slot @slot. */
GstFlowReturn
gst_imencode_release_slot (GstImencode * self, guint slot)
{
  GstImencodeFrame f;

  memset (&f, 0, sizeof (f));
  f.kind = GST_IMENCODE_JOB_RELEASE;
  f.slot = slot;
  return gst_imencode_run_job (self, &f);
}

/* Releases the candidates of the tracks that ended or timed out as of
 * stream time @now (every one with @eos). */
GstFlowReturn
gst_imencode_release_tracks (GstImencode * self,
    const GstImencodeSettings * s, GstClockTime now, gboolean eos)
{
  GstFlowReturn ret = GST_FLOW_OK;
  guint n;

  if (self->tracks.n_tracks == 0)
    return GST_FLOW_OK;
  n = gst_imencode_tracks_expire (&self->tracks, s->roi_select, now,
      s->roi_best_timeout, eos, self->due_slots);
  for (guint i = 0; i < n && ret == GST_FLOW_OK; i++)
    ret = gst_imencode_release_slot (self, self->due_slots[i]);
  return ret;
}


/* The time annotate shows on the context's frame: its reference
 * timestamp, else the system clock now, when it is first asked for (the
 * frame's arrival: images are planned as it arrives). */
static GstClockTime
gst_imencode_annotate_utc (GstImencode * self, GstImencodeFrameContext * ctx)
{
  if (ctx->annotate_utc == 0) {
    ctx->annotate_utc = gst_imencode_reference_utc (self, ctx->inbuf);
    if (!GST_CLOCK_TIME_IS_VALID (ctx->annotate_utc))
      ctx->annotate_utc = (GstClockTime) g_get_real_time () * GST_USECOND;
  }
  return ctx->annotate_utc;
}

/* Plans what annotate draws on @image of the context's frame into @a: a
 * region image's own box, or on a whole frame every region that passes
 * min-confidence. */
static void
gst_imencode_plan_annotation (GstImencode * self,
    GstImencodeFrameContext * ctx, const GstImencodeImage * image,
    GstImencodeAnnotation * a)
{
  const GstImencodeSettings *s = &ctx->s;
  gboolean full = FALSE;

  gst_imencode_annotation_init (a, s, &image->plan,
      s->annotate & GST_IMENCODE_ANNOTATE_TIME ?
      gst_imencode_annotate_utc (self, ctx) : GST_CLOCK_TIME_NONE);
  if (!(s->annotate & (GST_IMENCODE_ANNOTATE_BOXES |
              GST_IMENCODE_ANNOTATE_LABELS)))
    return;
  if (image->is_region) {
    gst_imencode_annotation_add_region (a, &image->plan, &image->region);
    return;
  }
  gst_imencode_regions_collect (ctx->inbuf, self->regions);
  for (guint i = 0; i < self->regions->len && !full; i++) {
    const GstImencodeRegion *r =
        &g_array_index (self->regions, GstImencodeRegion, i);

    if (r->has_confidence && r->confidence < s->min_confidence)
      continue;
    if (s->roi_min_size > 0 && (r->width < (gint64) s->roi_min_size ||
            r->height < (gint64) s->roi_min_size))
      continue;
    full = !gst_imencode_annotation_add_region (a, &image->plan, r);
  }
  if (full) {
    gst_imencode_warn_once (self, WARNED_ANNOTATE_BOXES,
        "Too many regions on a frame to annotate; the first are drawn",
        "annotate draws at most %u boxes an image; this frame has %u "
        "regions", GST_IMENCODE_ANNOTATE_MAX_BOXES, self->regions->len);
  }
}

/* Encodes @image of the context's frame as one output buffer, to push
 * (@kind PUSH) or keep for track slot @slot (KEEP). */
static GstFlowReturn
gst_imencode_submit_image (GstImencode * self, GstImencodeFrameContext * ctx,
    const GstImencodeImage * image, GstImencodeJobKind kind, guint slot)
{
  const GstImencodeSettings *s = &ctx->s;
  GstBuffer *inbuf = ctx->inbuf;
  GstImencodeFrame f;
  GstImencodeJob *job = &f.job;
  gchar why[256];
  gsize bound;

  memset (&f, 0, sizeof (f));
  job->png = self->neg.png;
  job->quality = s->quality;
  job->subsampling = gst_imencode_subsampling (s, &self->in_info);
  job->compression_level = s->compression_level;
  job->method = gst_imencode_resampler (s->method);
  job->opencv = s->method == GST_IMENCODE_METHOD_OPENCV_LINEAR ?
      IMCORE_RESIZE_OPENCV_LINEAR : s->method ==
      GST_IMENCODE_METHOD_OPENCV_AREA ? IMCORE_RESIZE_OPENCV_AREA : -1;
  job->pad_argb = s->pad_color;
  job->plan = image->plan;
  job->progressive = s->progressive;
  job->optimize = s->optimize;
  job->restart_interval = s->restart_interval;
  job->max_bytes = s->max_bytes;
  if (s->exif) {
    gst_imencode_frame_exif (self, ctx);
    memcpy (job->exif, ctx->exif, ctx->exif_len);
    job->exif_len = ctx->exif_len;
  }

  bound = gst_imencode_output_check (&self->in_info, job, why,
      sizeof (why));
  if (bound == 0) {
    gst_imencode_refuse_size (self, why);
    return GST_FLOW_OK;
  }
  f.file_bound = bound;
  f.inbuf = gst_buffer_ref (inbuf);
  f.info = self->in_info;
  f.pts = GST_BUFFER_PTS (inbuf);
  f.dts = GST_BUFFER_DTS (inbuf);
  f.duration = GST_BUFFER_DURATION (inbuf);
  f.discont = GST_BUFFER_FLAG_IS_SET (inbuf, GST_BUFFER_FLAG_DISCONT);
  f.image = *image;
  f.kind = kind;
  f.slot = slot;
  f.text = self->neg.text;
  f.utc = f.text == GST_IMENCODE_TEXT_JSON ?
      gst_imencode_reference_utc (self, inbuf) : GST_CLOCK_TIME_NONE;
  if (s->annotate)
    gst_imencode_plan_annotation (self, ctx, image, &f.annot);
  f.tags = f.text == GST_IMENCODE_TEXT_JSON && s->tags ?
      g_ref_string_acquire (s->tags) : NULL;
  ctx->made++;
  return gst_imencode_run_job (self, &f);
}

/* Region mode under roi-select first or best: every frame's regions go to
 * the tracks (seen, also on frames the gate skips), which say what to
 * encode, keep and release. */
static GstFlowReturn
gst_imencode_submit_tracked (GstImencode * self,
    GstImencodeFrameContext * ctx)
{
  GstImencodeImage *images = (GstImencodeImage *) self->images->data;
  GstFlowReturn ret = GST_FLOW_OK;

  if (gst_imencode_tracks_offer_frame (&self->tracks, ctx->s.roi_select,
          ctx->s.roi_best_timeout, images, self->images->len,
          ctx->shape.width, ctx->shape.height, ctx->stream_time, ctx->encode,
          self->steps)) {
    gst_imencode_warn_once (self, WARNED_TRACKS_FULL,
        "Too many tracks at once; the least recently seen is let go",
        "roi-select holds at most %u tracks; a new one evicts the track "
        "seen least recently (its best view so far is sent now)",
        MAX_TRACKS);
  }
  for (guint i = 0; i < self->steps->len && ret == GST_FLOW_OK; i++) {
    const GstImencodeTrackStep *step =
        &g_array_index (self->steps, GstImencodeTrackStep, i);

    if (step->action == GST_IMENCODE_TRACK_PUSH)
      ret = gst_imencode_submit_image (self, ctx, &images[step->image],
          GST_IMENCODE_JOB_PUSH, 0);
    else if (step->action == GST_IMENCODE_TRACK_KEEP)
      ret = gst_imencode_submit_image (self, ctx, &images[step->image],
          GST_IMENCODE_JOB_KEEP, step->slot);
    else
      ret = gst_imencode_release_slot (self, step->slot);
  }
  return ret;
}

/* The whole-frame image of the context's frame, at the size negotiated
 * for it. FALSE when there is nothing to encode (after a warning), or
 * *@ret is not OK. */
static gboolean
gst_imencode_plan_whole (GstImencode * self, GstImencodeFrameContext * ctx,
    GstImencodeImage * whole, GstFlowReturn * ret)
{
  ImcoreRect crop;
  gchar why[160];

  if (!gst_imencode_plan_whole_frame (self, &ctx->s, whole))
    return FALSE;
  *ret = gst_imencode_ensure_negotiated (self, &ctx->s, whole,
      ctx->stream_time);
  if (*ret != GST_FLOW_OK)
    return FALSE;
  if (self->neg.width == whole->plan.out_width &&
      self->neg.height == whole->plan.out_height)
    return TRUE;
  /* a size beyond the format's limit is fixated to the limit itself: that
   * is a refusal, not a choice of downstream's */
  if (gst_imencode_clamped_to_limit (self, &whole->plan)) {
    g_snprintf (why, sizeof (why), "%ux%u %s: the limit is %u pixels a "
        "side", whole->plan.out_width, whole->plan.out_height,
        self->neg.png ? "PNG" : "JPEG",
        gst_imencode_output_max_side (self->neg.png));
    gst_imencode_refuse_size (self, why);
    return FALSE;
  }
  /* downstream chose the size: the crop goes into it */
  crop = whole->plan.src;
  imcore_plan_output (&crop, self->neg.width, self->neg.height,
      (ImcoreAspectMode) ctx->s.aspect_mode, &whole->plan);
  return TRUE;
}

/* Encodes what the context's frame yields in its mode. */
GstFlowReturn
gst_imencode_encode_frame (GstImencode * self, GstImencodeFrameContext * ctx)
{
  gboolean tracked = ctx->s.roi_filter &&
      ctx->s.roi_select != GST_IMENCODE_ROI_SELECT_EVERY;
  GstImencodeImage whole, *images;
  GstFlowReturn ret = GST_FLOW_OK;
  guint n_images;

  if (!ctx->s.roi_filter) {
    if (!ctx->encode || !gst_imencode_plan_whole (self, ctx, &whole, &ret))
      return ret;
    images = &whole;
    n_images = 1;
  } else {
    /* tracks see the regions of every frame, encoded or not */
    if (!ctx->encode && !tracked)
      return GST_FLOW_OK;
    gst_imencode_plan_frame_regions (self, &ctx->s, ctx->inbuf);
    if (ctx->encode)
      ret = gst_imencode_ensure_negotiated (self, &ctx->s, NULL,
          ctx->stream_time);
    if (ret != GST_FLOW_OK)
      return ret;
    if (tracked)
      return gst_imencode_submit_tracked (self, ctx);
    images = (GstImencodeImage *) self->images->data;
    n_images = self->images->len;
  }
  for (guint i = 0; i < n_images && ret == GST_FLOW_OK; i++) {
    if (ctx->gate == GST_IMENCODE_GATE_SNAPSHOT)
      images[i].reason = GST_IMENCODE_REASON_SNAPSHOT;
    ret = gst_imencode_submit_image (self, ctx, &images[i],
        GST_IMENCODE_JOB_PUSH, 0);
  }
  /* tracks left from roi-select first/best still end in their time */
  if (ret == GST_FLOW_OK && ctx->s.roi_filter)
    ret = gst_imencode_release_tracks (self, &ctx->s, ctx->stream_time,
        FALSE);
  return ret;
}

