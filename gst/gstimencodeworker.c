/* gst-imencode: one frame -> one encoded image, with reusable state
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstimencodeworker.h"

#include <string.h>

#include "gstimbase64.h"
#include "gstimvideo.h"

GST_DEBUG_CATEGORY_EXTERN (gst_imencode_debug);
#define GST_CAT_DEFAULT gst_imencode_debug

/* Outputs larger than this many pixels are refused: their scratch memory
 * alone would be gigabytes. */
#define MAX_OUTPUT_PIXELS (G_GUINT64_CONSTANT (1) << 28)

/* Encoded files larger than this are refused: an output buffer (a
 * GstBufferPool's) holds at most 2 GiB. */
#define MAX_ENCODED_BYTES ((gsize) 1 << 30)

/* GstVideoScaler keeps, for each tap of its vertical scaler, a line of 16
 * bytes a pixel (4 samples of 32 bits), with up to 128 taps (its default
 * max-taps): 2 KiB per pixel of width. Beyond this budget the taps are
 * fewer (a coarser downscale of outlandishly wide images) so that a
 * 1000000-pixel-wide PNG does not take gigabytes. */
#define SCALER_LINES_BUDGET (G_GUINT64_CONSTANT (64) << 20)
#define SCALER_DEFAULT_MAX_TAPS 128

/* One JPEG is cut into this many slices per thread that takes part, so
 * that a thread that starts late (a vCPU woken from idle) or a slice of
 * more detail does not leave the others waiting; at most MAX_SLICES */
#define SLICES_PER_THREAD 4
#define MAX_SLICES 32

/* JPEGs smaller than this are not sliced (see bench/README.md) */
#define SLICE_MIN_PIXELS (G_GUINT64_CONSTANT (1) << 19)

struct _GstImencodeWorker
{
  ImcoreJpegEncoder *jpeg;

  /* the pool whose worker thread this is, to share large JPEGs with; and
   * the slices other threads encode for this one (slice 0 goes straight
   * into the target) */
  GstImParallel *par;
  ImcoreScratch slices[MAX_SLICES];

  /* the converter and what it was made for */
  GstVideoConverter *convert;
  GstVideoInfo convert_in;
  GstVideoInfo convert_out;
  ImcoreRect convert_src;
  ImcoreRect convert_dest;
  GstVideoResamplerMethod convert_method;
  guint32 convert_pad;
  GstBuffer *convert_buf;       /* converter output, convert_out sized */
  GstBuffer *aligned_buf;       /* an input frame copied to the default
                                 * layout (strides multiples of 4) */

  /* the PNG encoder's memory and compressors, reused from image to image */
  ImcorePngArena png_arena;

  /* a PNG's RGB pixels converted from YUV (converts_to_rgb()) */
  ImcoreScratch rgb;

  /* method opencv-*: the resized image and the resizer's working rows */
  ImcoreScratch resized;
  ImcoreScratch resize_rows;

  /* the file is encoded here, then copied (or written as text) into an
   * output buffer of its size */
  guint8 *encoded;
  gsize encoded_size;
  guint8 *head;                 /* a JSON event's head */
  gsize head_size;

  /* annotate: the drawing state (made on the first annotated image), and
   * a copy of a crop the encoder would otherwise read from the frame */
  GstImencodeAnnotator *annotator;
  ImcoreScratch annotated;

  /* max-bytes: the quality search's state for this thread's images, and
   * what it was for (a job unlike the last one starts afresh) */
  ImcoreBudgetState budget;
  guint budget_max_bytes;
  gint budget_quality;
  guint budget_width, budget_height;
  GstImencodeText budget_text;
};

GstImencodeWorker *
gst_imencode_worker_new (void)
{
  return g_new0 (GstImencodeWorker, 1);
}

void
gst_imencode_worker_set_parallel (GstImencodeWorker * w, GstImParallel * par)
{
  w->par = par;
}

static void
gst_imencode_worker_drop_converter (GstImencodeWorker * w)
{
  g_clear_pointer (&w->convert, gst_video_converter_free);
  gst_clear_buffer (&w->convert_buf);
}

void
gst_imencode_worker_free (GstImencodeWorker * w)
{
  if (!w)
    return;
  imcore_jpeg_encoder_free (w->jpeg);
  for (guint i = 0; i < MAX_SLICES; i++)
    imcore_scratch_clear (&w->slices[i]);
  gst_imencode_worker_drop_converter (w);
  gst_clear_buffer (&w->aligned_buf);
  imcore_png_arena_clear (&w->png_arena);
  imcore_scratch_clear (&w->rgb);
  imcore_scratch_clear (&w->resized);
  imcore_scratch_clear (&w->resize_rows);
  g_free (w->encoded);
  g_free (w->head);
  gst_imencode_annotator_free (w->annotator);
  imcore_scratch_clear (&w->annotated);
  g_free (w);
}

/* Whether two infos convert the same way (strides aside, which the
 * converter reads from each frame). */
static gboolean
same_conversion_input (const GstVideoInfo * a, const GstVideoInfo * b)
{
  return GST_VIDEO_INFO_FORMAT (a) == GST_VIDEO_INFO_FORMAT (b) &&
      GST_VIDEO_INFO_WIDTH (a) == GST_VIDEO_INFO_WIDTH (b) &&
      GST_VIDEO_INFO_HEIGHT (a) == GST_VIDEO_INFO_HEIGHT (b) &&
      GST_VIDEO_INFO_CHROMA_SITE (a) == GST_VIDEO_INFO_CHROMA_SITE (b) &&
      gst_video_colorimetry_is_equal (&a->colorimetry, &b->colorimetry);
}

static gboolean
same_rect (const ImcoreRect * a, const ImcoreRect * b)
{
  return a->x == b->x && a->y == b->y && a->width == b->width &&
      a->height == b->height;
}

/* Whether a PNG of @job is made of @in's YUV samples by the core's
 * conversion (imcore_image_yuv_to_rgb()) from planar 4:4:4 in @in's own
 * colorimetry, which GstVideoConverter makes when the frame is not Y444
 * already: GstVideoConverter's own 8-bit YUV to RGB matrix (GStreamer
 * 1.22) is off by up to 2 or 3 (limited-range white came out 253). */
static gboolean
converts_to_rgb (const GstVideoInfo * in, const GstImencodeJob * job)
{
  return job->png && GST_VIDEO_INFO_IS_YUV (in);
}

/* The layout the converter writes for @job when the frame cannot be read
 * directly: the input's own layout when the encoder takes it (packed RGB,
 * gray), else planar YUV of the JPEG's subsampling (4:4:4 for a PNG of
 * YUV, see converts_to_rgb()), else RGB for PNG. */
static GstVideoFormat
intermediate_format (const GstVideoInfo * in, const GstImencodeJob * job)
{
  ImcorePixelFormat pf = gst_im_video_pixel_format (GST_VIDEO_INFO_FORMAT
      (in));
  gboolean packed = pf != IMCORE_PIXEL_N_FORMATS &&
      imcore_pixel_n_planes (pf) == 1;

  if (converts_to_rgb (in, job))
    return GST_VIDEO_FORMAT_Y444;
  if (job->png) {
    if (packed)
      return GST_VIDEO_INFO_FORMAT (in);
    return GST_VIDEO_INFO_HAS_ALPHA (in) ? GST_VIDEO_FORMAT_RGBA :
        GST_VIDEO_FORMAT_RGB;
  }
  if (packed && imcore_jpeg_accepts (pf, job->subsampling))
    return GST_VIDEO_INFO_FORMAT (in);
  if (GST_VIDEO_INFO_IS_RGB (in))
    return GST_VIDEO_FORMAT_RGB;
  switch (job->subsampling) {
    case IMCORE_SUBSAMPLING_444:
      return GST_VIDEO_FORMAT_Y444;
    case IMCORE_SUBSAMPLING_422:
      return GST_VIDEO_FORMAT_Y42B;
    default:
      /* gray reads only the Y plane of I420 */
      return GST_VIDEO_FORMAT_I420;
  }
}

/* Makes sure w->convert turns @p's source rectangle of @in into an
 * @out_format image of @p's output size, with @job's method and border. */
static gboolean
ensure_converter (GstImencodeWorker * w, const GstVideoInfo * in,
    GstVideoFormat out_format, const ImcorePlan * p,
    const GstImencodeJob * job, GError ** error)
{
  GstVideoInfo out, progressive;
  GstStructure *config;
  guint64 line_bytes;
  gint max_taps;

  /* An interlaced frame is converted as the one (woven) picture it is,
   * as the paths without a converter encode it: GstVideoConverter would
   * scale it field by field, which fails (criticals) for odd heights and
   * for slivers without a second field. */
  if (GST_VIDEO_INFO_IS_INTERLACED (in)) {
    progressive = *in;
    GST_VIDEO_INFO_INTERLACE_MODE (&progressive) =
        GST_VIDEO_INTERLACE_MODE_PROGRESSIVE;
    in = &progressive;
  }

  gst_video_info_set_format (&out, out_format, p->out_width, p->out_height);
  /* the converter insists that these match */
  GST_VIDEO_INFO_FPS_N (&out) = GST_VIDEO_INFO_FPS_N (in);
  GST_VIDEO_INFO_FPS_D (&out) = GST_VIDEO_INFO_FPS_D (in);
  GST_VIDEO_INFO_INTERLACE_MODE (&out) = GST_VIDEO_INFO_INTERLACE_MODE (in);
  /* YUV stays in the input's colorimetry: the JPEG encoder expands the
   * range itself, and the converter's fast paths need equal colorimetry. */
  if (GST_VIDEO_INFO_IS_YUV (in) && GST_VIDEO_INFO_IS_YUV (&out)) {
    out.colorimetry = in->colorimetry;
    out.chroma_site = in->chroma_site;
  } else if (GST_VIDEO_INFO_IS_GRAY (in) && GST_VIDEO_INFO_IS_YUV (&out)) {
    /* the converter copies gray into Y as it is: full range */
    out.colorimetry.range = GST_VIDEO_COLOR_RANGE_0_255;
    out.colorimetry.matrix = GST_VIDEO_COLOR_MATRIX_BT601;
  }

  if (w->convert && same_conversion_input (in, &w->convert_in) &&
      gst_video_info_is_equal (&out, &w->convert_out) &&
      same_rect (&p->src, &w->convert_src) &&
      same_rect (&p->dest, &w->convert_dest) &&
      job->method == w->convert_method && job->pad_argb == w->convert_pad)
    return TRUE;

  gst_imencode_worker_drop_converter (w);

  /* GstVideoScaler's 2-tap horizontal paths step through a line in 16.16
   * fixed point, ((in - 1) << 16) / (out - 1) - 1: more than 65536 times
   * wider, the step is negative and they read far outside the line (a
   * crash in GStreamer 1.22). No image is stretched that far on purpose. */
  if (p->src.width >= 2 && (guint64) p->dest.width - 1 >
      (guint64) (p->src.width - 1) << 16) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "cannot stretch %u pixels to %u: GstVideoConverter scales at most "
        "65536 times wider", p->src.width, p->dest.width);
    return FALSE;
  }

  /* (a letterbox's lines span the whole output, borders included) */
  line_bytes = 16 * (guint64) MAX (p->src.width, p->out_width);
  max_taps = (gint) CLAMP (SCALER_LINES_BUDGET / line_bytes, 1,
      SCALER_DEFAULT_MAX_TAPS);

  config = gst_structure_new ("GstVideoConverter",
      GST_VIDEO_CONVERTER_OPT_SRC_X, G_TYPE_INT, (gint) p->src.x,
      GST_VIDEO_CONVERTER_OPT_SRC_Y, G_TYPE_INT, (gint) p->src.y,
      GST_VIDEO_CONVERTER_OPT_SRC_WIDTH, G_TYPE_INT, (gint) p->src.width,
      GST_VIDEO_CONVERTER_OPT_SRC_HEIGHT, G_TYPE_INT, (gint) p->src.height,
      GST_VIDEO_CONVERTER_OPT_DEST_X, G_TYPE_INT, (gint) p->dest.x,
      GST_VIDEO_CONVERTER_OPT_DEST_Y, G_TYPE_INT, (gint) p->dest.y,
      GST_VIDEO_CONVERTER_OPT_DEST_WIDTH, G_TYPE_INT, (gint) p->dest.width,
      GST_VIDEO_CONVERTER_OPT_DEST_HEIGHT, G_TYPE_INT, (gint) p->dest.height,
      GST_VIDEO_CONVERTER_OPT_FILL_BORDER, G_TYPE_BOOLEAN, TRUE,
      GST_VIDEO_CONVERTER_OPT_BORDER_ARGB, G_TYPE_UINT, job->pad_argb,
      GST_VIDEO_CONVERTER_OPT_RESAMPLER_METHOD,
      GST_TYPE_VIDEO_RESAMPLER_METHOD, job->method,
      GST_VIDEO_CONVERTER_OPT_DITHER_METHOD, GST_TYPE_VIDEO_DITHER_METHOD,
      GST_VIDEO_DITHER_NONE, GST_VIDEO_RESAMPLER_OPT_MAX_TAPS, G_TYPE_INT,
      max_taps, NULL);

  w->convert = gst_video_converter_new ((GstVideoInfo *) in, &out, config);
  if (!w->convert) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "cannot convert %s %dx%d to %s %ux%u",
        gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (in)),
        GST_VIDEO_INFO_WIDTH (in), GST_VIDEO_INFO_HEIGHT (in),
        gst_video_format_to_string (out_format), p->out_width,
        p->out_height);
    return FALSE;
  }
  w->convert_buf = gst_buffer_new_allocate (NULL, out.size, NULL);
  if (!w->convert_buf) {
    gst_imencode_worker_drop_converter (w);
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT,
        "cannot allocate %" G_GSIZE_FORMAT " bytes for a converted frame",
        out.size);
    return FALSE;
  }
  w->convert_in = *in;
  w->convert_out = out;
  w->convert_src = p->src;
  w->convert_dest = p->dest;
  w->convert_method = job->method;
  w->convert_pad = job->pad_argb;
  return TRUE;
}

/* The pixel layout the encoder is given for @job: RGB converted from YUV
 * for a PNG, else what the converter writes, which for the packed layouts
 * the encoders take directly is the input's own. */
static ImcorePixelFormat
encoder_input_format (const GstVideoInfo * in, const GstImencodeJob * job)
{
  if (converts_to_rgb (in, job))
    return IMCORE_PIXEL_RGB;
  return gst_im_video_pixel_format (intermediate_format (in, job));
}

gsize
gst_imencode_worker_bound (const GstVideoInfo * in,
    const GstImencodeJob * job)
{
  ImcoreJpegParams p = { 0 };

  if (job->png)
    return imcore_png_bound_exif (encoder_input_format (in, job),
        job->plan.out_width, job->plan.out_height, job->exif_len);
  p.subsampling = job->subsampling;
  p.exif = job->exif_len ? job->exif : NULL;
  p.exif_len = job->exif_len;
  return imcore_jpeg_bound_params (job->plan.out_width,
      job->plan.out_height, &p);
}

/* What the encoder reads: a view of planes or packed pixels, or the part
 * @rect of interleaved YUV (JPEG only) */
typedef struct
{
  const ImcoreImage *img;
  const ImcoreInterleavedYuv *yuv;
  const ImcoreRect *rect;
  /* drawn on each iMCU row in the JPEG encoder's strip (YUV to JPEG, after
   * gst_imencode_annotator_prepare()), or NULL */
  const GstImencodeAnnotation *annot;
} EncodeSource;

/* What the JPEG encoder's rows hook draws with */
typedef struct
{
  GstImencodeAnnotator *annotator;
  const GstImencodeAnnotation *annot;
  gboolean failed;
} RowsHook;

/* Draws the annotation on iMCU row @rows (image rows from @y), which the
 * encoder has converted to JFIF's colorimetry. */
static void
draw_rows_hook (void *user_data, const ImcoreImage * rows, uint32_t y)
{
  RowsHook *h = user_data;
  const ImcoreYuvColorimetry jfif = IMCORE_YUV_JFIF;

  if (!gst_imencode_annotator_draw_rows (h->annotator, rows, y, &jfif,
          h->annot))
    h->failed = TRUE;
}

/* One JPEG of the quality search (imcore_budget_search()'s callback). */
typedef struct
{
  GstImencodeWorker *w;
  const EncodeSource *src;
  ImcoreJpegParams params;
} BudgetEncode;

static ImcoreError
budget_encode (void *user_data, int quality, uint8_t * out, size_t out_size,
    size_t *out_len)
{
  BudgetEncode *b = user_data;

  b->params.quality = quality;
  /* stops as soon as the file is over */
  b->params.max_bytes = out_size;
  if (b->src->img)
    return imcore_jpeg_encode (b->w->jpeg, b->src->img, &b->params, out,
        out_size, out_len);
  return imcore_jpeg_encode_interleaved (b->w->jpeg, b->src->yuv,
      b->src->rect, &b->params, out, out_size, out_len);
}

/* One JPEG encoded in slices by several threads (encode_sliced()) */
typedef struct
{
  const EncodeSource *src;
  ImcoreJpegParams params;      /* the file's, without a rows hook */
  const ImcoreJpegSlices *slices;
  /* the owner's annotator, prepared for the image: drawing rows only
   * reads it, so every thread draws its slice's rows with it */
  GstImencodeAnnotator *annotator;
  guint8 *out[MAX_SLICES];
  gsize out_size[MAX_SLICES];
  gsize len[MAX_SLICES];
  ImcoreError err[MAX_SLICES];
  gboolean draw_failed[MAX_SLICES];
} SliceWork;

/* Encodes slice @part of @data's JPEG with the running thread's encoder
 * (a GstImWorkPoolPartFunc) */
static void
encode_slice_part (gpointer thread_state, guint part, gpointer data)
{
  GstImencodeWorker *w = thread_state;
  SliceWork *sw = data;
  ImcoreJpegParams params = sw->params;
  RowsHook hook = { sw->annotator, sw->src->annot, FALSE };
  ImcoreError err;

  if (sw->src->annot) {
    params.rows_hook = draw_rows_hook;
    params.rows_hook_data = &hook;
  }
  if (!w->jpeg && !(w->jpeg = imcore_jpeg_encoder_new ()))
    err = IMCORE_ERROR_OUT_OF_MEMORY;
  else if (sw->src->img)
    err = imcore_jpeg_encode_slice (w->jpeg, sw->src->img, &params,
        sw->slices, part, sw->out[part], sw->out_size[part], &sw->len[part]);
  else
    err = imcore_jpeg_encode_interleaved_slice (w->jpeg, sw->src->yuv,
        sw->src->rect, &params, sw->slices, part, sw->out[part],
        sw->out_size[part], &sw->len[part]);
  sw->err[part] = err;
  sw->draw_failed[part] = hook.failed;
}

/* How many slices @w's JPEG of @width x @height with @params is cut into
 * (@slices): SLICES_PER_THREAD for this thread and each idle one, for
 * images large enough that it pays; 1 when it is not cut */
static guint
plan_slices (GstImencodeWorker * w, guint width, guint height,
    const ImcoreJpegParams * params, ImcoreJpegSlices * slices)
{
  guint idle;

  if (!w->par || (guint64) width * height < SLICE_MIN_PIXELS)
    return 1;
  idle = gst_im_parallel_idle_threads (w->par);
  GST_LOG ("%ux%u JPEG, %u idle threads", width, height, idle);
  if (idle == 0)
    return 1;
  return imcore_jpeg_slices_plan (width, height, params,
      MIN (SLICES_PER_THREAD * (idle + 1), MAX_SLICES), slices);
}

/* Encodes the JPEG of @src with @params in @slices, shared with idle
 * threads, into @t's output (*@n: its size). FALSE when any part failed
 * (out of memory, a drawing): the caller encodes it whole, whose errors
 * say what went wrong. */
static gboolean
encode_sliced (GstImencodeWorker * w, const EncodeSource * src,
    const ImcoreJpegParams * params, const ImcoreJpegSlices * slices,
    GstImencodeTarget * t, size_t *n)
{
  guint width = src->img ? src->img->width : src->rect->width;
  SliceWork sw;
  ImcoreError err;

  memset (&sw, 0, sizeof (sw));
  sw.src = src;
  sw.params = *params;
  sw.params.rows_hook = NULL;
  sw.params.rows_hook_data = NULL;
  sw.slices = slices;
  sw.annotator = w->annotator;
  sw.out[0] = t->out;
  sw.out_size[0] = t->out_size;
  for (guint i = 1; i < slices->n_slices; i++) {
    sw.out_size[i] = imcore_jpeg_slice_bound (width, &sw.params, slices, i);
    sw.out[i] = sw.out_size[i] ?
        imcore_scratch_get (&w->slices[i], sw.out_size[i]) : NULL;
    if (!sw.out[i]) {
      GST_DEBUG ("no memory for slice %u of %u: encoding whole", i,
          slices->n_slices);
      return FALSE;
    }
  }
  gst_im_parallel_share (w->par, w, slices->n_slices, encode_slice_part, &sw);
  for (guint i = 0; i < slices->n_slices; i++) {
    if (sw.err[i] != IMCORE_OK || sw.draw_failed[i]) {
      GST_DEBUG ("slice %u of %u failed (%s%s): encoding whole", i,
          slices->n_slices, imcore_strerror (sw.err[i]),
          sw.draw_failed[i] ? ", drawing" : "");
      return FALSE;
    }
  }
  *n = sw.len[0];
  err = imcore_jpeg_join_slices (slices, (const uint8_t * const *) sw.out,
      sw.len, t->out, t->out_size, n);
  if (err != IMCORE_OK)
    GST_DEBUG ("joining %u slices failed (%s): encoding whole",
        slices->n_slices, imcore_strerror (err));
  return err == IMCORE_OK;
}

/* Encodes @src, whose samples @info describes, into @t (see
 * gst_imencode_worker_encode()). */
static gboolean
encode_image (GstImencodeWorker * w, const EncodeSource * src,
    const GstVideoInfo * info, const GstImencodeJob * job,
    GstImencodeTarget * t, GError ** error)
{
  ImcoreError err;
  const char *detail;
  guint width = src->img ? src->img->width : src->rect->width;
  guint height = src->img ? src->img->height : src->rect->height;
  size_t n = 0;
  RowsHook hook = { w->annotator, src->annot, FALSE };

  t->quality = 0;
  if (job->png) {
    ImcorePngParams params = { job->compression_level };

    params.exif = job->exif_len ? job->exif : NULL;
    params.exif_len = job->exif_len;
    err = imcore_png_encode_reusing (src->img, &params, &w->png_arena,
        t->out, t->budget ? MIN (t->out_size, t->budget) : t->out_size, &n);
    if (err == IMCORE_ERROR_NO_SPACE && t->budget) {
      t->over_budget = TRUE;
      g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_ENCODE,
          "a %ux%u PNG is larger than the %" G_GSIZE_FORMAT " bytes "
          "max-bytes leaves for the file", width, height, t->budget);
      return FALSE;
    }
  } else {
    BudgetEncode b;
    ImcoreBudgetResult r;
    ImcoreJpegSlices slices;

    memset (&b, 0, sizeof (b));
    b.w = w;
    b.src = src;
    b.params.quality = job->quality;
    b.params.subsampling = job->subsampling;
    b.params.yuv = gst_im_video_yuv_colorimetry (info);
    b.params.progressive = job->progressive;
    b.params.optimize = job->optimize;
    b.params.restart_interval = job->restart_interval;
    b.params.exif = job->exif_len ? job->exif : NULL;
    b.params.exif_len = job->exif_len;
    if (src->annot) {
      b.params.rows_hook = draw_rows_hook;
      b.params.rows_hook_data = &hook;
    }

    if (!w->jpeg && !(w->jpeg = imcore_jpeg_encoder_new ())) {
      err = IMCORE_ERROR_OUT_OF_MEMORY;
    } else if (t->budget) {
      err = imcore_budget_search (&w->budget, job->quality, t->budget,
          budget_encode, &b, t->out, t->out_size, &r);
      if (err == IMCORE_ERROR_NO_SPACE) {
        t->over_budget = TRUE;
        g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_ENCODE,
            "a %ux%u JPEG is larger than the %" G_GSIZE_FORMAT " bytes "
            "max-bytes leaves for the file, even at quality 1", width,
            height, t->budget);
        return FALSE;
      }
      n = r.len;
      t->quality = r.quality;
    } else if (plan_slices (w, width, height, &b.params, &slices) > 1 &&
        encode_sliced (w, src, &b.params, &slices, t, &n)) {
      err = IMCORE_OK;
      t->quality = job->quality;
    } else if (src->img) {
      err = imcore_jpeg_encode (w->jpeg, src->img, &b.params, t->out,
          t->out_size, &n);
      t->quality = job->quality;
    } else {
      err = imcore_jpeg_encode_interleaved (w->jpeg, src->yuv, src->rect,
          &b.params, t->out, t->out_size, &n);
      t->quality = job->quality;
    }
  }
  if (err == IMCORE_OK && hook.failed) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "cannot draw the annotation on a JPEG's rows");
    return FALSE;
  }
  if (err != IMCORE_OK) {
    /* the codec's own words, "" when the failure was not the codec's */
    if (job->png)
      detail = imcore_png_arena_last_error (&w->png_arena);
    else
      detail = w->jpeg ? imcore_jpeg_encoder_last_error (w->jpeg) : "";
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_ENCODE,
        "%s encoding of a %ux%u image failed: %s%s%s",
        job->png ? "PNG" : "JPEG", width, height,
        imcore_strerror (err), detail[0] ? " " : "", detail);
    return FALSE;
  }
  t->len = n;
  return TRUE;
}

/* Paints the pixels of the RGB image @rgb outside @dest in @argb's colour
 * (0xAARRGGBB, alpha unused). */
static void
fill_outside (const ImcoreImage * rgb, const ImcoreRect * dest, guint32 argb)
{
  const guint8 c[3] = { argb >> 16, argb >> 8, argb };

  for (guint32 y = 0; y < rgb->height; y++) {
    guint8 *row = rgb->planes[0] + (gsize) y * rgb->strides[0];
    gboolean inside = y >= dest->y && y - dest->y < dest->height;

    for (guint32 x = 0; x < rgb->width; x++) {
      if (inside && x == dest->x) {
        x += dest->width - 1;
        continue;
      }
      memcpy (row + 3 * (gsize) x, c, 3);
    }
  }
}

/* Draws @annot (NULL or flags 0: nothing) on @img, the whole output
 * image in the worker's memory, whose samples @info describes when they
 * are planar YUV. */
static gboolean
annotate_image (GstImencodeWorker * w, const ImcoreImage * img,
    const GstVideoInfo * info, const GstImencodeAnnotation * annot,
    GError ** error)
{
  ImcoreYuvColorimetry c = gst_im_video_yuv_colorimetry (info);

  if (!annot || !annot->flags)
    return TRUE;
  if (!w->annotator)
    w->annotator = gst_imencode_annotator_new ();
  return gst_imencode_annotator_draw (w->annotator, img,
      imcore_pixel_n_planes (img->format) == 3 ? &c : NULL, annot, error);
}

/* Encodes the PNG of @job from @yuv, the I444 samples, in @in's
 * colorimetry, of the plan's destination rectangle: converted to RGB in
 * the worker's memory by the core, the border around the rectangle (a
 * letterbox) painted in the pad colour, @annot drawn on it. */
static gboolean
encode_png_of_yuv (GstImencodeWorker * w, const ImcoreImage * yuv,
    const GstVideoInfo * in, const GstImencodeJob * job,
    const GstImencodeAnnotation * annot, GstImencodeTarget * t,
    GError ** error)
{
  ImcoreYuvColorimetry c = gst_im_video_yuv_colorimetry (in);
  const ImcorePlan *p = &job->plan;
  ImcoreImage rgb, inside;
  EncodeSource src = { &rgb, NULL, NULL, NULL };
  ImcoreError err;
  gsize size = imcore_image_size (IMCORE_PIXEL_RGB, p->out_width,
      p->out_height);
  guint8 *mem = size ? imcore_scratch_get (&w->rgb, size) : NULL;

  if (!mem) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT,
        "cannot allocate %ux%u RGB pixels", p->out_width, p->out_height);
    return FALSE;
  }
  err = imcore_image_init_packed (&rgb, IMCORE_PIXEL_RGB, p->out_width,
      p->out_height, mem, size);
  if (err == IMCORE_OK)
    err = imcore_image_crop (&rgb, &p->dest, &inside);
  if (err == IMCORE_OK)
    err = imcore_image_yuv_to_rgb (yuv, &c, &inside);
  if (err != IMCORE_OK) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "cannot convert %ux%u YUV to RGB: %s", yuv->width, yuv->height,
        imcore_strerror (err));
    return FALSE;
  }
  if (!imcore_plan_is_identity (p))
    fill_outside (&rgb, &p->dest, job->pad_argb);
  if (!annotate_image (w, &rgb, in, annot, error))
    return FALSE;
  return encode_image (w, &src, in, job, t, error);
}

/* Whether a JPEG of @job can read the mapped @frame's interleaved samples
 * (semi-planar or packed YUV) directly: an unscaled crop, in a subsampling
 * the encoder makes of them. Fills @yuv then. */
static gboolean
reads_interleaved (const GstVideoFrame * frame, const GstImencodeJob * job,
    ImcoreInterleavedYuv * yuv)
{
  return !job->png && imcore_plan_is_identity (&job->plan) &&
      gst_im_video_frame_interleaved (frame, yuv) &&
      imcore_jpeg_accepts_interleaved (yuv->packed, job->subsampling);
}

/* Whether every plane of @frame has a stride that is a multiple of 4. */
static gboolean
strides_aligned (const GstVideoFrame * frame)
{
  for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (frame); p++) {
    if (GST_VIDEO_FRAME_PLANE_STRIDE (frame, p) % 4 != 0)
      return FALSE;
  }
  return TRUE;
}

/* Maps @copy: @frame's samples copied into the default layout of its
 * format and size, in memory the worker keeps. */
static gboolean
copy_aligned (GstImencodeWorker * w, const GstVideoFrame * frame,
    GstVideoFrame * copy)
{
  GstVideoInfo info;

  if (!gst_video_info_set_interlaced_format (&info,
          GST_VIDEO_FRAME_FORMAT (frame),
          GST_VIDEO_INFO_INTERLACE_MODE (&frame->info),
          GST_VIDEO_FRAME_WIDTH (frame), GST_VIDEO_FRAME_HEIGHT (frame)))
    return FALSE;
  if (w->aligned_buf && gst_buffer_get_size (w->aligned_buf) < info.size)
    gst_clear_buffer (&w->aligned_buf);
  if (!w->aligned_buf)
    w->aligned_buf = gst_buffer_new_allocate (NULL, info.size, NULL);
  if (!w->aligned_buf || !gst_video_frame_map (copy, &info, w->aligned_buf,
          GST_MAP_READWRITE))
    return FALSE;
  gst_im_video_frame_copy_samples (copy, frame);
  return TRUE;
}

/* Whether @annot (flags set) can be drawn on a @width x @height JPEG's
 * rows in the encoder's strip: its texts laid out beforehand. */
static gboolean
draws_in_strip (GstImencodeWorker * w, const GstImencodeAnnotation * annot,
    guint32 width, guint32 height, gboolean * ok, GError ** error)
{
  gboolean by_rows = FALSE;

  if (!w->annotator)
    w->annotator = gst_imencode_annotator_new ();
  *ok = gst_imencode_annotator_prepare (w->annotator, annot, width, height,
      &by_rows, error);
  return *ok && by_rows;
}

/* Copies @img, a view into the frame, into the worker's memory as
 * @copy, for drawing. */
static gboolean
copy_for_drawing (GstImencodeWorker * w, const ImcoreImage * img,
    ImcoreImage * copy, GError ** error)
{
  gsize size = imcore_image_size (img->format, img->width, img->height);
  guint8 *mem = size ? imcore_scratch_get (&w->annotated, size) : NULL;

  if (!mem || imcore_image_init_packed (copy, img->format, img->width,
          img->height, mem, size) != IMCORE_OK ||
      imcore_draw_copy_image (img, copy) != IMCORE_OK) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT,
        "cannot copy a %ux%u image to draw on", img->width, img->height);
    return FALSE;
  }
  return TRUE;
}

/* Runs the converter on the mapped @frame for @job into @fmt, mapping the
 * result as @conv_frame (unmap it after use): scaled as @job->plan says,
 * or, for an unscaled plan, the crop at its own size, of which @inner is
 * then the part to encode (@conv says which plan was converted). */
static gboolean
convert_frame (GstImencodeWorker * w, const GstVideoFrame * frame,
    const GstImencodeJob * job, GstVideoFormat fmt, ImcorePlan * conv,
    ImcoreRect * inner, GstVideoFrame * conv_frame, GError ** error)
{
  const GstVideoInfo *in = &frame->info;
  GstVideoFrame woven, copy;
  gboolean aligned;

  *conv = job->plan;
  if (imcore_plan_is_identity (conv)) {
    /* The converter rounds a source rectangle to the chroma grid, which
     * would move luma by a pixel: convert the aligned rectangle around the
     * crop and take the crop from the result by pointer offset. */
    guint hs = GST_VIDEO_FORMAT_INFO_W_SUB (in->finfo, 1);
    guint vs = GST_VIDEO_FORMAT_INFO_H_SUB (in->finfo, 1);

    inner->x = conv->src.x & ((1u << hs) - 1);
    inner->y = conv->src.y & ((1u << vs) - 1);
    inner->width = conv->src.width;
    inner->height = conv->src.height;
    conv->src.x -= inner->x;
    conv->src.y -= inner->y;
    conv->src.width += inner->x;
    conv->src.height += inner->y;
    conv->out_width = conv->dest.width = conv->src.width;
    conv->out_height = conv->dest.height = conv->src.height;
  } else if (converts_to_rgb (in, job)) {
    /* scaled to the destination rectangle only: the border is painted in
     * RGB (encode_png_of_yuv()), exactly the pad colour */
    conv->dest.x = conv->dest.y = 0;
    conv->out_width = conv->dest.width;
    conv->out_height = conv->dest.height;
  }
  if (!ensure_converter (w, in, fmt, conv, job, error))
    return FALSE;
  if (!gst_video_frame_map (conv_frame, &w->convert_out, w->convert_buf,
          GST_MAP_READWRITE)) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "cannot map the conversion buffer");
    return FALSE;
  }
  /* The converter's same-size fast paths (packed 4:2:2 to planar, 4:4:4
   * to 4:2:2) fault on rows whose stride is not a multiple of 4 (tight
   * rows in a GstVideoMeta; GStreamer 1.22): such a frame is converted
   * from a copy in the default layout. */
  aligned = strides_aligned (frame);
  if (!aligned && !copy_aligned (w, frame, &copy)) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "cannot copy a frame whose strides are not multiples of 4");
    gst_video_frame_unmap (conv_frame);
    return FALSE;
  }
  /* progressive, as the converter was made (ensure_converter) */
  woven = aligned ? *frame : copy;
  GST_VIDEO_INFO_INTERLACE_MODE (&woven.info) =
      GST_VIDEO_INTERLACE_MODE_PROGRESSIVE;
  woven.flags &= ~(GST_VIDEO_FRAME_FLAG_INTERLACED | GST_VIDEO_FRAME_FLAG_TFF |
      GST_VIDEO_FRAME_FLAG_RFF | GST_VIDEO_FRAME_FLAG_ONEFIELD);
  gst_video_converter_frame (w->convert, &woven, conv_frame);
  if (!aligned)
    gst_video_frame_unmap (&copy);
  return TRUE;
}

/* The colour @argb (0xAARRGGBB) as the samples of @format: each channel
 * in its place, alpha where the format has one, X bytes 0xff, gray the
 * red channel (pad-color asks for a grey with GRAY8); for planar YUV, Y, U,
 * V in @c. */
static void
pad_samples (ImcorePixelFormat format, guint32 argb,
    const ImcoreYuvColorimetry * c, guint8 * out)
{
  guint8 a = argb >> 24, r = argb >> 16, g = argb >> 8, b = argb;

  switch (format) {
    case IMCORE_PIXEL_GRAY8:
      out[0] = r;
      break;
    case IMCORE_PIXEL_RGB:
      out[0] = r, out[1] = g, out[2] = b;
      break;
    case IMCORE_PIXEL_BGR:
      out[0] = b, out[1] = g, out[2] = r;
      break;
    case IMCORE_PIXEL_RGBA:
    case IMCORE_PIXEL_RGBX:
      out[0] = r, out[1] = g, out[2] = b;
      out[3] = format == IMCORE_PIXEL_RGBA ? a : 0xff;
      break;
    case IMCORE_PIXEL_BGRA:
    case IMCORE_PIXEL_BGRX:
      out[0] = b, out[1] = g, out[2] = r;
      out[3] = format == IMCORE_PIXEL_BGRA ? a : 0xff;
      break;
    case IMCORE_PIXEL_ARGB:
    case IMCORE_PIXEL_XRGB:
      out[0] = format == IMCORE_PIXEL_ARGB ? a : 0xff;
      out[1] = r, out[2] = g, out[3] = b;
      break;
    case IMCORE_PIXEL_ABGR:
    case IMCORE_PIXEL_XBGR:
      out[0] = format == IMCORE_PIXEL_ABGR ? a : 0xff;
      out[1] = b, out[2] = g, out[3] = r;
      break;
    default:{
      /* planar YUV in the frame's matrix and range */
      gdouble y = c->kr * r + (1.0 - c->kr - c->kb) * g + c->kb * b;
      gdouble u = (b - y) / (2.0 * (1.0 - c->kb));
      gdouble v = (r - y) / (2.0 * (1.0 - c->kr));

      if (c->limited_range) {
        y = 16.0 + y * 219.0 / 255.0;
        u *= 224.0 / 255.0;
        v *= 224.0 / 255.0;
      }
      out[0] = (guint8) CLAMP (y + 0.5, 0.0, 255.0);
      out[1] = (guint8) CLAMP (u + 128.5, 0.0, 255.0);
      out[2] = (guint8) CLAMP (v + 128.5, 0.0, 255.0);
      break;
    }
  }
}

/* Fills the plane @p of @img outside @dest with the sample(s) @px of
 * @n bytes, @dest in the plane's own pixels. */
static void
fill_plane_outside (guint8 * plane, gsize stride, guint32 width,
    guint32 height, const ImcoreRect * dest, const guint8 * px, guint n)
{
  for (guint32 y = 0; y < height; y++) {
    guint8 *row = plane + (gsize) y * stride;
    gboolean inside = y >= dest->y && y - dest->y < dest->height;

    for (guint32 x = 0; x < width; x++) {
      if (inside && x >= dest->x && x - dest->x < dest->width)
        continue;
      memcpy (row + (gsize) x * n, px, n);
    }
  }
}

/* Paints @img (the output image) outside @dest, where the resized picture
 * lies, in @job's pad colour. */
static void
fill_border (const ImcoreImage * img, const ImcoreRect * dest,
    const GstImencodeJob * job, const ImcoreYuvColorimetry * c)
{
  guint8 px[4];
  guint hs, vs;

  pad_samples (img->format, job->pad_argb, c, px);
  if (imcore_pixel_n_planes (img->format) == 1) {
    fill_plane_outside (img->planes[0], img->strides[0], img->width,
        img->height, dest, px, imcore_pixel_bytes (img->format));
    return;
  }
  imcore_pixel_chroma_shift (img->format, &hs, &vs);
  for (guint p = 0; p < 3; p++) {
    guint h = p ? hs : 0, v = p ? vs : 0;
    /* the chroma samples the picture's crop view starts at and covers */
    ImcoreRect d = { dest->x >> h, dest->y >> v,
      (guint32) (((guint64) dest->width + (1u << h) - 1) >> h),
      (guint32) (((guint64) dest->height + (1u << v) - 1) >> v)
    };

    fill_plane_outside (img->planes[p], img->strides[p],
        (guint32) (((guint64) img->width + (1u << h) - 1) >> h),
        (guint32) (((guint64) img->height + (1u << v) - 1) >> v), &d, &px[p],
        1);
  }
}

/* Whether the encoder of @job takes @format as it is (then it is resized
 * in it): a PNG of YUV needs 4:4:4 (see converts_to_rgb()). */
static gboolean
encoder_takes (ImcorePixelFormat format, const GstVideoInfo * in,
    const GstImencodeJob * job)
{
  if (converts_to_rgb (in, job))
    return format == IMCORE_PIXEL_I444;
  if (job->png)
    return imcore_png_color_for (format) != IMCORE_PNG_UNSUPPORTED;
  return imcore_jpeg_accepts (format, job->subsampling);
}

/* Encodes a scaled @job with the core's cv2.resize (job->opencv): the
 * source rectangle, read in place or converted unscaled to what the
 * encoder takes, resized into the worker's memory, the border (letterbox)
 * in the pad colour. */
static gboolean
encode_opencv (GstImencodeWorker * w, const GstVideoFrame * frame,
    const GstImencodeJob * job, const GstImencodeAnnotation * annot,
    GstImencodeTarget * t, GError ** error)
{
  const GstVideoInfo *in = &frame->info, *src_info = in;
  const ImcorePlan *p = &job->plan;
  ImcoreYuvColorimetry c = gst_im_video_yuv_colorimetry (in);
  ImcoreImage whole, src, dst, inside;
  EncodeSource es = { &dst, NULL, NULL };
  GstVideoFrame conv_frame;
  gboolean converted = FALSE, yuv_png = converts_to_rgb (in, job), ok;
  ImcorePlan conv;
  ImcoreRect inner;
  ImcoreError err;
  guint32 ow, oh;
  gsize size;
  guint8 *mem;

  if (!(gst_im_video_frame_view (frame, &whole) &&
          encoder_takes (whole.format, in, job) &&
          imcore_image_crop (&whole, &p->src, &src) == IMCORE_OK)) {
    /* converted, unscaled, to the encoder's input format */
    GstImencodeJob unscaled = *job;

    unscaled.plan.dest = (ImcoreRect) {
    0, 0, p->src.width, p->src.height};
    unscaled.plan.out_width = p->src.width;
    unscaled.plan.out_height = p->src.height;
    if (!convert_frame (w, frame, &unscaled, intermediate_format (in, job),
            &conv, &inner, &conv_frame, error))
      return FALSE;
    converted = TRUE;
    src_info = &conv_frame.info;
    if (!gst_im_video_frame_view (&conv_frame, &whole) ||
        imcore_image_crop (&whole, &inner, &src) != IMCORE_OK) {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
          "no core layout for the converted %s",
          gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (src_info)));
      gst_video_frame_unmap (&conv_frame);
      return FALSE;
    }
  }
  /* a PNG of YUV: the picture alone, its border painted in RGB */
  ow = yuv_png ? p->dest.width : p->out_width;
  oh = yuv_png ? p->dest.height : p->out_height;
  size = imcore_image_size (src.format, ow, oh);
  mem = size ? imcore_scratch_get (&w->resized, size) : NULL;
  err = mem ? imcore_image_init_packed (&dst, src.format, ow, oh, mem, size)
      : IMCORE_ERROR_OUT_OF_MEMORY;
  if (err == IMCORE_OK) {
    if (yuv_png)
      inside = dst;
    else
      err = imcore_image_crop (&dst, &p->dest, &inside);
  }
  if (err == IMCORE_OK)
    err = imcore_image_resize (&src, &inside, (ImcoreResizeMethod) job->opencv,
        &w->resize_rows);
  if (converted)
    gst_video_frame_unmap (&conv_frame);
  if (err != IMCORE_OK) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "cannot resize %ux%u to %ux%u: %s", p->src.width, p->src.height,
        p->dest.width, p->dest.height, imcore_strerror (err));
    return FALSE;
  }
  if (yuv_png)
    return encode_png_of_yuv (w, &dst, in, job, annot, t, error);
  if (!imcore_plan_is_identity (p) && (p->dest.width != ow ||
          p->dest.height != oh))
    fill_border (&dst, &p->dest, job, &c);
  /* the resized image is the worker's own: drawn on in place */
  ok = annotate_image (w, &dst, src_info, annot, error) &&
      encode_image (w, &es, src_info, job, t, error);
  return ok;
}

gboolean
gst_imencode_worker_encode (GstImencodeWorker * w,
    const GstVideoFrame * frame, const GstImencodeJob * job,
    const GstImencodeAnnotation * annot, GstImencodeTarget * t,
    GError ** error)
{
  gboolean drawing = annot && annot->flags;
  const GstVideoInfo *in = &frame->info;
  ImcoreInterleavedYuv yuv;
  ImcoreImage whole, img;
  EncodeSource src = { &img, NULL, NULL, NULL };
  ImcorePlan conv;
  ImcoreRect inner;
  GstVideoFrame conv_frame;
  GstVideoFormat fmt;
  gboolean ok;

  if (job->opencv >= 0 && !imcore_plan_is_identity (&job->plan))
    return encode_opencv (w, frame, job, annot, t, error);
  if (imcore_plan_is_identity (&job->plan) &&
      gst_im_video_frame_view (frame, &whole) &&
      (job->png ? imcore_png_color_for (whole.format) != IMCORE_PNG_UNSUPPORTED
          : imcore_jpeg_accepts (whole.format, job->subsampling)) &&
      imcore_image_crop (&whole, &job->plan.src, &img) == IMCORE_OK) {
    /* zero-copy: the encoder reads the frame through a pointer offset;
     * annotated, YUV to JPEG is drawn in the encoder's strip, anything
     * else on a copy of the crop */
    if (drawing && !job->png && imcore_pixel_n_planes (img.format) == 3) {
      gboolean ok;

      if (draws_in_strip (w, annot, img.width, img.height, &ok, error)) {
        src.annot = annot;
        return encode_image (w, &src, in, job, t, error);
      }
      if (!ok)
        return FALSE;
    }
    if (drawing) {
      ImcoreImage copy;
      EncodeSource csrc = { &copy, NULL, NULL, NULL };

      if (!copy_for_drawing (w, &img, &copy, error) ||
          !annotate_image (w, &copy, in, annot, error))
        return FALSE;
      return encode_image (w, &csrc, in, job, t, error);
    }
    return encode_image (w, &src, in, job, t, error);
  }
  if (converts_to_rgb (in, job) && imcore_plan_is_identity (&job->plan) &&
      gst_im_video_frame_view (frame, &whole) &&
      whole.format == IMCORE_PIXEL_I444 &&
      imcore_image_crop (&whole, &job->plan.src, &img) == IMCORE_OK) {
    /* the core converts the crop of 4:4:4 input to RGB itself */
    return encode_png_of_yuv (w, &img, in, job, annot, t, error);
  }
  if (reads_interleaved (frame, job, &yuv)) {
    /* the encoder takes the crop's samples apart a strip at a time, and
     * the annotation is drawn there (else: through the converter, into
     * the worker's memory) */
    EncodeSource isrc = { NULL, &yuv, &job->plan.src, NULL };
    gboolean ok = TRUE;

    if (!drawing || draws_in_strip (w, annot, job->plan.src.width,
            job->plan.src.height, &ok, error)) {
      isrc.annot = drawing ? annot : NULL;
      return encode_image (w, &isrc, in, job, t, error);
    }
    if (!ok)
      return FALSE;
  }

  fmt = intermediate_format (in, job);
  if (!convert_frame (w, frame, job, fmt, &conv, &inner, &conv_frame, error))
    return FALSE;
  ok = gst_im_video_frame_view (&conv_frame, &whole);
  if (ok && imcore_plan_is_identity (&conv))
    ok = imcore_image_crop (&whole, &inner, &img) == IMCORE_OK;
  else
    img = whole;
  if (!ok)
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "no core layout for %s", gst_video_format_to_string (fmt));
  else if (converts_to_rgb (in, job))
    ok = encode_png_of_yuv (w, &img, in, job, annot, t, error);
  else
    ok = annotate_image (w, &img, &conv_frame.info, annot, error) &&
        encode_image (w, &src, &conv_frame.info, job, t, error);
  gst_video_frame_unmap (&conv_frame);
  return ok;
}

/* Makes *@mem hold at least @size bytes (without keeping its contents). */
static gboolean
ensure_scratch (guint8 ** mem, gsize * mem_size, gsize size)
{
  if (*mem_size >= size)
    return TRUE;
  g_free (*mem);
  *mem = g_try_malloc (size);
  *mem_size = *mem ? size : 0;
  return *mem != NULL;
}

/* Starts the quality search afresh when @job's images are unlike the
 * last ones this thread encoded under a budget. */
static void
budget_follow (GstImencodeWorker * w, const GstImencodeJob * job,
    GstImencodeText text)
{
  if (w->budget_max_bytes == job->max_bytes &&
      w->budget_quality == job->quality &&
      w->budget_width == job->plan.out_width &&
      w->budget_height == job->plan.out_height && w->budget_text == text)
    return;
  memset (&w->budget, 0, sizeof (w->budget));
  w->budget_max_bytes = job->max_bytes;
  w->budget_quality = job->quality;
  w->budget_width = job->plan.out_width;
  w->budget_height = job->plan.out_height;
  w->budget_text = text;
}

GstBuffer *
gst_imencode_worker_encode_output (GstImencodeWorker * w,
    const GstVideoFrame * frame, const GstImencodeJob * job,
    const GstImencodeAnnotation * annot, gsize file_bound,
    GstImencodeText text, const GstImencodeEvent * ev,
    GstImOutputPools * pools, gint * quality, gboolean * over_budget,
    GError ** error)
{
  GstImBase64Format format = { 0 };
  GstImencodeTarget t = { 0 };
  GstBuffer *out;
  GstMapInfo map;
  gsize n, head = 0, body, len, scratch;

  *quality = 0;
  *over_budget = FALSE;
  if (text == GST_IMENCODE_TEXT_DATA_URI)
    format.data_uri_type = job->png ? "image/png" : "image/jpeg";

  /* the JSON head first: it depends only on the event, and under a budget
   * its length decides how much is left for the image */
  if (text == GST_IMENCODE_TEXT_JSON) {
    if (ensure_scratch (&w->head, &w->head_size,
            gst_imencode_event_head_bound (ev)))
      head = gst_imencode_event_write_head (ev, w->head, w->head_size);
    if (head == 0) {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
          "no memory for the event");
      return NULL;
    }
  }

  /* the budget of the file itself: what its text leaves of max-bytes */
  if (job->max_bytes) {
    if (text == GST_IMENCODE_TEXT_NONE) {
      t.budget = job->max_bytes;
    } else {
      /* the data URI's prefix (the text of 3 bytes is 4 characters), or
       * the rest of the JSON event */
      gsize overhead = text == GST_IMENCODE_TEXT_JSON ?
          head + GST_IMENCODE_EVENT_TAIL_LEN :
          gst_im_base64_text_len (3, &format) - 4;

      t.budget = imcore_budget_base64_file_bytes (job->max_bytes, overhead);
    }
    if (t.budget == 0) {
      *over_budget = TRUE;
      g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_ENCODE,
          "the text around a %ux%u %s takes all of max-bytes",
          job->plan.out_width, job->plan.out_height,
          job->png ? "PNG" : "JPEG");
      return NULL;
    }
    budget_follow (w, job, text);
  }

  /* the file first, into the worker's memory (under a budget it need not
   * be larger than that); its text, if any, straight into the output */
  scratch = t.budget ? MIN (file_bound, t.budget) : file_bound;
  if (!ensure_scratch (&w->encoded, &w->encoded_size, scratch)) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "cannot allocate %" G_GSIZE_FORMAT " bytes to encode into", scratch);
    return NULL;
  }
  t.out = w->encoded;
  t.out_size = w->encoded_size;
  if (!gst_imencode_worker_encode (w, frame, job, annot, &t, error)) {
    *over_budget = t.over_budget;
    return NULL;
  }
  n = t.len;
  *quality = t.quality;

  body = n;
  if (text != GST_IMENCODE_TEXT_NONE)
    body = gst_im_base64_text_len (n, &format);
  len = head + body + (head ? GST_IMENCODE_EVENT_TAIL_LEN : 0);
  /* the file's budget came from the text's: never over */
  if (job->max_bytes && len > job->max_bytes) {
    g_critical ("%" G_GSIZE_FORMAT " bytes of output over max-bytes=%u",
        len, job->max_bytes);
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "%" G_GSIZE_FORMAT " bytes of output over max-bytes=%u", len,
        job->max_bytes);
    return NULL;
  }
  out = body == G_MAXSIZE ? NULL : gst_im_output_pools_acquire (pools, len);
  if (!out || !gst_buffer_map (out, &map, GST_MAP_WRITE)) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "cannot get an output buffer of %" G_GSIZE_FORMAT " bytes", len);
    gst_clear_buffer (&out);
    return NULL;
  }
  if (text == GST_IMENCODE_TEXT_NONE) {
    memcpy (map.data, w->encoded, n);
  } else {
    /* (no head outside JSON: w->head may never have been allocated) */
    if (head)
      memcpy (map.data, w->head, head);
    gst_im_base64_write (w->encoded, n, &format, map.data + head);
    if (head)
      memcpy (map.data + head + body, GST_IMENCODE_EVENT_TAIL,
          GST_IMENCODE_EVENT_TAIL_LEN);
  }
  gst_buffer_unmap (out, &map);
  return out;
}

guint
gst_imencode_output_max_side (gboolean png)
{
  return png ? IMCORE_PNG_MAX_DIMENSION : IMCORE_JPEG_MAX_DIMENSION;
}

gsize
gst_imencode_output_check (const GstVideoInfo * in,
    const GstImencodeJob * job, gchar * why, gsize why_size)
{
  const gchar *kind = job->png ? "PNG" : "JPEG";
  guint w = job->plan.out_width, h = job->plan.out_height;
  guint max = gst_imencode_output_max_side (job->png);
  gsize bound;

  if (w > max || h > max || (guint64) w * h > MAX_OUTPUT_PIXELS) {
    g_snprintf (why, why_size, "%ux%u %s: the limit is %u pixels a side "
        "and %" G_GUINT64_FORMAT " pixels in all", w, h, kind, max,
        MAX_OUTPUT_PIXELS);
    return 0;
  }
  /* the worst case of the file itself, which the encoding thread encodes
   * into its own memory first */
  bound = gst_imencode_worker_bound (in, job);
  if (bound == 0 || bound > MAX_ENCODED_BYTES) {
    g_snprintf (why, why_size, "%ux%u %s: its worst-case encoded size of %"
        G_GSIZE_FORMAT " bytes is more than an output buffer can hold", w, h,
        kind, bound);
    return 0;
  }
  return bound;
}
