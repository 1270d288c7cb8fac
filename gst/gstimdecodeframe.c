/* gst-imencode: one image's way through imdecode, from its bytes to a frame
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstimdecodeprivate.h"
#include "gstimvideo.h"

#define GST_CAT_DEFAULT gst_imdecode_debug

void
gst_imdecode_decoder_free (GstImdecodeDecoder * d)
{
  if (!d)
    return;
  imcore_jpeg_decoder_free (d->jpeg);
  imcore_png_decoder_free (d->png);
  if (d->convert)
    gst_video_converter_free (d->convert);
  gst_clear_buffer (&d->mid_buf);
  g_free (d);
}

/* A thread's decoders, or NULL when out of memory. */
GstImdecodeDecoder *
gst_imdecode_decoder_new (void)
{
  GstImdecodeDecoder *d = g_new0 (GstImdecodeDecoder, 1);

  d->jpeg = imcore_jpeg_decoder_new ();
  d->png = imcore_png_decoder_new ();
  if (!d->jpeg || !d->png) {
    gst_imdecode_decoder_free (d);
    return NULL;
  }
  return d;
}


/* Whether the buffers of the active @pool hold frames of out_info in a
 * layout we decode into (looked at in one buffer): with a GstVideoMeta,
 * of the frame's format and size, in any layout when downstream reads the
 * meta (@video_meta: frames are mapped through it) or else in the
 * default one; without a meta, the default layout, so at least the
 * default frame's size. */
static gboolean
gst_imdecode_pool_layout_ok (GstImdecode * self, GstBufferPool * pool,
    gboolean video_meta)
{
  const GstVideoInfo *info = &self->out_info;
  GstBuffer *buf = NULL;
  GstVideoMeta *meta;
  gboolean ok;

  if (gst_buffer_pool_acquire_buffer (pool, &buf, NULL) != GST_FLOW_OK)
    return FALSE;
  meta = gst_buffer_get_video_meta (buf);
  if (!meta) {
    ok = gst_buffer_get_size (buf) >= GST_VIDEO_INFO_SIZE (info);
  } else {
    ok = meta->format == GST_VIDEO_INFO_FORMAT (info) &&
        meta->width == (guint) GST_VIDEO_INFO_WIDTH (info) &&
        meta->height == (guint) GST_VIDEO_INFO_HEIGHT (info) &&
        meta->n_planes == GST_VIDEO_INFO_N_PLANES (info);
    for (guint i = 0; ok && !video_meta && i < meta->n_planes; i++)
      ok = meta->offset[i] == GST_VIDEO_INFO_PLANE_OFFSET (info, i) &&
          meta->stride[i] == GST_VIDEO_INFO_PLANE_STRIDE (info, i);
  }
  gst_buffer_unref (buf);
  return ok;
}

/* Configures and activates downstream's @pool (an allocation query's
 * answer of @size, @min and @max buffers) for frames of @caps: FALSE when
 * it cannot hold the @in_flight frames being decoded besides the @min
 * downstream keeps, refuses the configuration, or gives buffers of a
 * layout we do not decode into (then it is left inactive). */
static gboolean
gst_imdecode_use_downstream_pool (GstImdecode * self, GstBufferPool * pool,
    GstCaps * caps, guint size, guint min, guint max, guint in_flight,
    gboolean video_meta)
{
  GstStructure *config;
  guint need;

  if (gst_buffer_pool_is_active (pool) && !gst_buffer_pool_set_active (pool,
          FALSE))
    return FALSE;
  /* downstream's own plus ours; (guint64: both come from outside) */
  need = (guint) MIN ((guint64) min + in_flight, G_MAXUINT);
  size = MAX (size, (guint) GST_VIDEO_INFO_SIZE (&self->out_info));
  config = gst_buffer_pool_get_config (pool);
  gst_buffer_pool_config_set_params (config, caps, size, min, max);
  if (video_meta && gst_buffer_pool_has_option (pool,
          GST_BUFFER_POOL_OPTION_VIDEO_META))
    gst_buffer_pool_config_add_option (config,
        GST_BUFFER_POOL_OPTION_VIDEO_META);
  if (!gst_buffer_pool_set_config (pool, config)) {
    /* the pool changed it: take its changes if they keep to ours */
    config = gst_buffer_pool_get_config (pool);
    if (!gst_buffer_pool_config_validate_params (config, caps, size, min,
            max) || !gst_buffer_pool_config_get_params (config, NULL, NULL,
            NULL, &max) || !gst_buffer_pool_set_config (pool, config)) {
      GST_DEBUG_OBJECT (self, "downstream's pool refuses our configuration");
      return FALSE;
    }
  }
  if (max != 0 && max < need) {
    GST_DEBUG_OBJECT (self, "downstream's pool holds %u frames, %u needed "
        "(%u in flight, %u kept downstream)", max, need, in_flight, min);
    return FALSE;
  }
  if (!gst_buffer_pool_set_active (pool, TRUE))
    return FALSE;
  if (!gst_imdecode_pool_layout_ok (self, pool, video_meta)) {
    GST_DEBUG_OBJECT (self, "downstream's pool gives frames in a layout "
        "downstream does not say (no GstVideoMeta support)");
    gst_buffer_pool_set_active (pool, FALSE);
    return FALSE;
  }
  return TRUE;
}

/* Asks downstream how to allocate frames of @caps (taken), as video
 * decoders do on negotiation, for @in_flight frames in flight: downstream's
 * pool when it offers one that holds them and gives frames we decode into
 * (through their GstVideoMeta when downstream reads it), else a pool of
 * our own with downstream's allocator and parameters. Either way steady
 * decoding allocates nothing: frames come back when downstream is done
 * with them. */
gboolean
gst_imdecode_decide_allocation (GstImdecode * self, GstCaps * caps,
    guint in_flight)
{
  GstQuery *query = gst_query_new_allocation (caps, TRUE);
  GstAllocator *allocator = NULL;
  GstBufferPool *pool = NULL;
  GstAllocationParams params;
  GstStructure *config;
  guint size = 0, min = 0, max = 0;
  gboolean video_meta, ok;

  gst_imdecode_drop_pool (self);
  gst_allocation_params_init (&params);
  if (!gst_pad_peer_query (self->srcpad, query))
    GST_DEBUG_OBJECT (self, "downstream answers no ALLOCATION query");
  video_meta = gst_query_find_allocation_meta (query, GST_VIDEO_META_API_TYPE,
      NULL);
  if (gst_query_get_n_allocation_params (query) > 0)
    gst_query_parse_nth_allocation_param (query, 0, &allocator, &params);
  if (gst_query_get_n_allocation_pools (query) > 0)
    gst_query_parse_nth_allocation_pool (query, 0, &pool, &size, &min, &max);
  gst_query_unref (query);

  if (pool && gst_imdecode_use_downstream_pool (self, pool, caps, size, min,
          max, in_flight, video_meta)) {
    GST_DEBUG_OBJECT (self, "decoding into downstream's pool %"
        GST_PTR_FORMAT, pool);
    self->pool = pool;
    self->pool_in_flight = in_flight;
    ok = TRUE;
    goto done;
  }
  gst_clear_object (&pool);
  self->pool = gst_video_buffer_pool_new ();
  self->pool_in_flight = G_MAXUINT;
  config = gst_buffer_pool_get_config (self->pool);
  gst_buffer_pool_config_set_params (config, caps,
      GST_VIDEO_INFO_SIZE (&self->out_info), 2, 0);
  gst_buffer_pool_config_set_allocator (config, allocator, &params);
  if (video_meta)
    gst_buffer_pool_config_add_option (config,
        GST_BUFFER_POOL_OPTION_VIDEO_META);
  ok = gst_buffer_pool_set_config (self->pool, config) &&
      gst_buffer_pool_set_active (self->pool, TRUE);
  if (!ok) {
    gst_imdecode_drop_pool (self);
    GST_ELEMENT_ERROR (self, RESOURCE, FAILED, (NULL),
        ("cannot set up a pool of %" G_GSIZE_FORMAT "-byte frames",
            GST_VIDEO_INFO_SIZE (&self->out_info)));
    self->negotiated = FALSE;
  }

done:
  if (allocator)
    gst_object_unref (allocator);
  gst_caps_unref (caps);
  return ok;
}


/* ---- decoding ---- */

/* Refused input: a warning saying @what and that the stream goes on, or
 * with @strict an error. Called in output order. */
GstFlowReturn
gst_imdecode_refuse (GstImdecode * self, gboolean strict, const gchar * what,
    const gchar * detail)
{
  if (strict) {
    GST_ELEMENT_ERROR (self, STREAM, DECODE, ("%s", what),
        ("%s (strict=true)", detail));
    return GST_FLOW_ERROR;
  }
  GST_ELEMENT_WARNING (self, STREAM, DECODE, ("%s", what), ("%s", detail));
  self->discont = TRUE;
  return GST_FLOW_OK;
}

/* A refused image: gst_imdecode_refuse(), saying the image was dropped. */
GstFlowReturn
gst_imdecode_refuse_image (GstImdecode * self, gboolean strict,
    const gchar * what, const gchar * detail)
{
  gchar *msg = strict ? g_strdup (what) :
      g_strdup_printf ("%s; image dropped", what);
  GstFlowReturn ret = gst_imdecode_refuse (self, strict, msg, detail);

  g_free (msg);
  return ret;
}

/* Converts the full frame @src into @dest (size and format), caching the
 * converter in @d for the next image of the same kind. FALSE if
 * GstVideoConverter cannot convert between the two (nothing is written
 * then). */
static gboolean
gst_imdecode_convert (GstImdecodeDecoder * d, GstVideoFrame * src,
    GstVideoFrame * dest)
{
  if (!d->convert || !gst_video_info_is_equal (&d->convert_in, &src->info)
      || !gst_video_info_is_equal (&d->convert_out, &dest->info)) {
    g_clear_pointer (&d->convert, gst_video_converter_free);
    d->convert_in = src->info;
    d->convert_out = dest->info;
    d->convert = gst_video_converter_new (&d->convert_in, &d->convert_out,
        gst_structure_new ("config",
            GST_VIDEO_CONVERTER_OPT_RESAMPLER_METHOD,
            GST_TYPE_VIDEO_RESAMPLER_METHOD, GST_VIDEO_RESAMPLER_METHOD_CUBIC,
            /* one image per thread already: no threads of its own */
            GST_VIDEO_CONVERTER_OPT_THREADS, G_TYPE_UINT, 1, NULL));
    if (!d->convert)
      return FALSE;
  }
  gst_video_converter_frame (d->convert, src, dest);
  return TRUE;
}

/* Decodes @data (a JPEG if @is_jpeg, else a PNG) with @d into the mapped
 * @frame, directly when the core writes its format at that size, else
 * through an intermediate frame and one conversion. Returns the core's
 * error and leaves a message in @detail. */
static ImcoreError
gst_imdecode_decode_into (GstImdecodeDecoder * d, gboolean is_jpeg,
    const ImcoreJpegInfo * jinfo, guint width, guint height, guint denom,
    const guint8 * data, gsize len, GstVideoFrame * frame, gchar ** detail)
{
  GstVideoFormat out_fmt = GST_VIDEO_FRAME_FORMAT (frame);
  ImcorePixelFormat core_fmt = gst_im_video_pixel_format (out_fmt);
  GstVideoFormat mid_fmt;
  GstVideoInfo mid_info;
  GstVideoFrame mid;
  ImcoreImage img;
  ImcoreError err;
  guint mid_w, mid_h;
  gboolean direct;

  if (is_jpeg)
    direct = imcore_jpeg_decode_accepts (jinfo, core_fmt);
  else
    direct = denom == 1 && imcore_png_decode_accepts (core_fmt);

  if (direct) {
    gst_im_video_frame_view (frame, &img);
    err = is_jpeg ? imcore_jpeg_decode (d->jpeg, data, len, denom, &img)
        : imcore_png_decode (d->png, data, len, &img);
    goto done;
  }

  /* JPEG: CMYK to gray or I420, at the DCT-scaled size, via RGB. PNG:
   * decoded at full size in the output format (RGB for I420), then
   * resampled and converted. */
  mid_fmt = core_fmt == IMCORE_PIXEL_I420 || is_jpeg ?
      GST_VIDEO_FORMAT_RGB : out_fmt;
  if (is_jpeg)
    imcore_scaled_size (width, height, denom, &mid_w, &mid_h);
  else
    mid_w = width, mid_h = height;
  gst_video_info_set_format (&mid_info, mid_fmt, mid_w, mid_h);
  /* GstVideoConverter converts frames, not rates: both sides must have the
   * output's framerate (and interlacing, progressive on both) */
  GST_VIDEO_INFO_FPS_N (&mid_info) = GST_VIDEO_INFO_FPS_N (&frame->info);
  GST_VIDEO_INFO_FPS_D (&mid_info) = GST_VIDEO_INFO_FPS_D (&frame->info);
  /* kept for the next image of the same size and format */
  if (!d->mid_buf || !gst_video_info_is_equal (&d->mid_info, &mid_info)) {
    gst_clear_buffer (&d->mid_buf);
    d->mid_info = mid_info;
    d->mid_buf = gst_buffer_new_allocate (NULL, mid_info.size, NULL);
  }
  if (!d->mid_buf || !gst_video_frame_map (&mid, &d->mid_info, d->mid_buf,
          GST_MAP_READWRITE)) {
    gst_clear_buffer (&d->mid_buf);
    *detail = g_strdup_printf ("cannot allocate a %ux%u intermediate frame",
        mid_w, mid_h);
    return IMCORE_ERROR_OUT_OF_MEMORY;
  }
  gst_im_video_frame_view (&mid, &img);
  err = is_jpeg ? imcore_jpeg_decode (d->jpeg, data, len, denom, &img)
      : imcore_png_decode (d->png, data, len, &img);
  if (err == IMCORE_OK && !gst_imdecode_convert (d, &mid, frame)) {
    gst_video_frame_unmap (&mid);
    *detail = g_strdup_printf ("GstVideoConverter cannot convert %s %ux%u "
        "to %s %ux%u", gst_video_format_to_string (mid_fmt), mid_w, mid_h,
        gst_video_format_to_string (out_fmt), GST_VIDEO_FRAME_WIDTH (frame),
        GST_VIDEO_FRAME_HEIGHT (frame));
    return IMCORE_ERROR_UNSUPPORTED_FORMAT;
  }
  gst_video_frame_unmap (&mid);

done:
  if (err != IMCORE_OK) {
    const gchar *lib = is_jpeg ? imcore_jpeg_decoder_last_error (d->jpeg)
        : imcore_png_decoder_last_error (d->png);

    *detail = g_strdup_printf ("%s%s%s", imcore_strerror (err),
        lib[0] ? ": " : "", lib);
  }
  return err;
}

/* ---- jobs: one image each ---- */

/* Releases what @job holds. */
static void
gst_imdecode_job_clear (GstImdecodeJob * job)
{
  gst_clear_buffer (&job->outbuf);
  if (job->owns_data)
    g_free ((gpointer) job->data);
  job->data = NULL;
  g_clear_pointer (&job->detail, g_free);
}

/* GstImWorkPoolFuncs.process: decodes @job's image into its frame, with
 * the decoders of the thread it runs in (@thread_state; NULL when they
 * could not be made). */
static void
gst_imdecode_job_process (gpointer thread_state, gpointer data,
    gpointer user_data)
{
  GstImdecodeDecoder *d = thread_state;
  GstImdecodeJob *job = data;
  GstVideoFrame frame;

  if (!d) {
    job->err = IMCORE_ERROR_OUT_OF_MEMORY;
    job->detail = g_strdup ("cannot create the JPEG and PNG decoders of a "
        "decoder thread (out of memory)");
    return;
  }
  if (!gst_video_frame_map (&frame, &job->info, job->outbuf, GST_MAP_WRITE)) {
    job->map_failed = TRUE;
    return;
  }
  job->err = gst_imdecode_decode_into (d, job->is_jpeg, &job->jinfo,
      job->width, job->height, job->denom, job->data, job->len, &frame,
      &job->detail);
  gst_video_frame_unmap (&frame);
}

/* GstImWorkPoolFuncs.finish: in input order, pushes @job's frame with its
 * timestamps (DISCONT after anything dropped), or refuses the image. */
static GstFlowReturn
gst_imdecode_job_finish (gpointer data, gpointer user_data)
{
  GstImdecode *self = user_data;
  GstImdecodeJob *job = data;
  GstBuffer *outbuf;
  GstFlowReturn ret;

  if (job->map_failed) {
    GST_ELEMENT_ERROR (self, RESOURCE, NO_SPACE_LEFT, (NULL),
        ("cannot allocate a %ux%u frame", GST_VIDEO_INFO_WIDTH (&job->info),
            GST_VIDEO_INFO_HEIGHT (&job->info)));
    self->discont |= job->discont;
    self->settle_last = GST_IM_INPUT_IMAGE_REFUSED;
    gst_imdecode_job_clear (job);
    return GST_FLOW_ERROR;
  }
  if (job->err != IMCORE_OK) {
    gchar *what = g_strdup_printf ("Corrupt or unsupported %s image (%ux%u)",
        job->is_jpeg ? "JPEG" : "PNG", job->width, job->height);

    self->discont |= job->discont;
    ret = gst_imdecode_refuse_image (self, job->strict, what, job->detail);
    g_free (what);
    self->settle_last = GST_IM_INPUT_IMAGE_CORRUPT;
    gst_imdecode_job_clear (job);
    return ret;
  }

  outbuf = g_steal_pointer (&job->outbuf);
  GST_BUFFER_PTS (outbuf) = job->pts;
  GST_BUFFER_DTS (outbuf) = job->dts;
  GST_BUFFER_DURATION (outbuf) = job->duration;
  /* (upstream's offsets count bytes, not frames) */
  GST_BUFFER_OFFSET (outbuf) = GST_BUFFER_OFFSET_NONE;
  GST_BUFFER_OFFSET_END (outbuf) = GST_BUFFER_OFFSET_NONE;
  if (self->discont || job->discont) {
    GST_BUFFER_FLAG_SET (outbuf, GST_BUFFER_FLAG_DISCONT);
    self->discont = FALSE;
  }
  self->settle_decoded = TRUE;
  self->settle_last = GST_IM_INPUT_IMAGE_DECODED;
  gst_imdecode_job_clear (job);
  return gst_pad_push (self->srcpad, outbuf);
}

/* GstImWorkPoolFuncs.discard: a flush or the pool's end drops @job. */
static void
gst_imdecode_job_discard (gpointer data, gpointer user_data)
{
  GstImdecode *self = user_data;

  self->settle_last = GST_IM_INPUT_IMAGE_REFUSED;
  gst_imdecode_job_clear (data);
}

static gpointer
gst_imdecode_thread_init (gpointer user_data)
{
  return gst_imdecode_decoder_new ();
}

static void
gst_imdecode_thread_clear (gpointer thread_state, gpointer user_data)
{
  gst_imdecode_decoder_free (thread_state);
}

const GstImWorkPoolFuncs gst_imdecode_pool_funcs = {
  gst_imdecode_thread_init,
  gst_imdecode_thread_clear,
  gst_imdecode_job_process,
  gst_imdecode_job_finish,
  gst_imdecode_job_discard,
};

/* Hands @job to a worker, or decodes and finishes it right here with
 * threads=1; sets *@outcome. What @job holds goes with it, whatever the
 * return. */
GstFlowReturn
gst_imdecode_run_job (GstImdecode * self, GstImdecodeJob * job,
    GstImInputOutcome * outcome)
{
  GstFlowReturn ret;

  if (gst_im_parallel_get_n_threads (self->par) <= 1) {
    ret = gst_im_parallel_submit (self->par, job);
    *outcome = self->settle_last;
    self->settle_decoded = FALSE;
    return ret;
  }
  /* the bytes outlive the input buffer on a worker */
  job->data = g_memdup2 (job->data, job->len);
  job->owns_data = TRUE;
  ret = gst_im_parallel_submit (self->par, job);
  *outcome = ret == GST_FLOW_OK ? GST_IM_INPUT_IMAGE_PENDING :
      GST_IM_INPUT_IMAGE_REFUSED;
  return ret;
}

/* GstImInputSettleFunc: waits for the images in flight. */
GstFlowReturn
gst_imdecode_settle (gpointer user_data, gboolean * decoded_any,
    GstImInputOutcome * last)
{
  GstImdecode *self = user_data;
  GstFlowReturn ret = gst_im_parallel_drain (self->par);

  *decoded_any = self->settle_decoded;
  *last = self->settle_last;
  self->settle_decoded = FALSE;
  return ret;
}

/* An image refused in the streaming thread, after the frames of the images
 * before it; @discont as handed to gst_imdecode_image(). */
GstFlowReturn
gst_imdecode_refuse_now (GstImdecode * self, gboolean discont,
    const gchar * what, const gchar * detail)
{
  GstFlowReturn ret = gst_im_parallel_drain (self->par);

  if (ret != GST_FLOW_OK)
    return ret;
  /* kept until a frame goes out */
  self->discont |= discont;
  return gst_imdecode_refuse_image (self, self->current.strict, what, detail);
}
