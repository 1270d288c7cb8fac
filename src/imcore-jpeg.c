/* gst-imencode core: JPEG encoding with libjpeg-turbo
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-jpeg.h"

#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
/* after stdio.h, which it needs */
#include <jpeglib.h>
#include <jerror.h>

#include "imcore-exif.h"
#include "imcore-yuvconv.h"

/* libjpeg's error manager, with where to jump to */
typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf jump;
} EncoderErrorMgr;

struct ImcoreJpegEncoder
{
  /* libjpeg's own API, one compressor for every image. YUV goes in as raw
   * (already subsampled) data, one iMCU row (8 or 16 lines) at a time from
   * @strip; packed RGB and GRAY8 as scanlines, which libjpeg-turbo
   * converts, as TurboJPEG's tjCompress2() does (the same settings: the
   * same file). TurboJPEG itself is not used: its 2.1 API sets restart
   * intervals and Huffman optimisation only through process-wide
   * environment variables, writes no APP1 marker, and with
   * TJFLAG_NOREALLOC trusts the buffer to hold the bound, so it cannot
   * stop at a byte budget. */
  struct jpeg_compress_struct cinfo;
  /* A second compressor for files with optimised Huffman tables
   * (optimize, and progressive, which libjpeg always optimises): libjpeg
   * writes the tables it computes into the compressor's own tables, and
   * jpeg_set_defaults() leaves tables that exist as they are, so a
   * baseline file after an optimised one would be coded with the
   * optimised image's tables (missing codes: a corrupt file). Tables that
   * are optimised are computed anew for every image, so each compressor
   * keeps what it needs. Made at the first such file. */
  struct jpeg_compress_struct cinfo_opt;
  bool have_opt;
  EncoderErrorMgr err;
  struct jpeg_destination_mgr dest;
  uint8_t *out;
  size_t out_size;
  bool no_space;                /* the output filled up */
  /* libjpeg asks for more room as soon as the output is full, before it
   * knows whether another byte follows; its next bytes go here, and a file
   * that wrote any of them did not fit */
  uint8_t spill[16];
  bool spilling;
  /* one iMCU row of converted or padded samples, and the luma terms */
  ImcoreScratch strip;
  JSAMPROW rows[3][16];
  /* the colorimetry map of the last YUV image, and its colorimetry */
  ImcoreYuvConv conv;
  ImcoreYuvColorimetry conv_from;
  bool conv_valid;

  char error[JMSG_LENGTH_MAX];
};

static void
encoder_error_exit (j_common_ptr cinfo)
{
  ImcoreJpegEncoder *enc = cinfo->client_data;

  (*cinfo->err->format_message) (cinfo, enc->error);
  longjmp (enc->err.jump, 1);
}

/* Warnings and traces go nowhere: a library has no stderr. */
static void
encoder_output_message (j_common_ptr cinfo)
{
}

static void
dest_init (j_compress_ptr cinfo)
{
  ImcoreJpegEncoder *enc = cinfo->client_data;

  enc->dest.next_output_byte = enc->out;
  enc->dest.free_in_buffer = enc->out_size;
  enc->spilling = false;
}

/* The output is full: a file that ends here fits exactly, so the next
 * bytes go to the spill; when that fills too, fail rather than suspend.
 * Cannot happen with a bound-sized buffer, only under a byte budget. */
static boolean
dest_full (j_compress_ptr cinfo)
{
  ImcoreJpegEncoder *enc = cinfo->client_data;

  if (!enc->spilling) {
    enc->spilling = true;
    enc->dest.next_output_byte = enc->spill;
    enc->dest.free_in_buffer = sizeof (enc->spill);
    return TRUE;
  }
  enc->no_space = true;
  cinfo->err->msg_code = JERR_BUFFER_SIZE;
  (*cinfo->err->error_exit) ((j_common_ptr) cinfo);
  return FALSE;
}

static void
dest_term (j_compress_ptr cinfo)
{
}

/* Makes @cinfo, one of @enc's compressors, writing to @enc's destination
 * and failing through @enc's error manager. libjpeg reports running out
 * of memory here through error_exit. */
static bool
create_compressor (ImcoreJpegEncoder * enc, j_compress_ptr cinfo)
{
  cinfo->err = jpeg_std_error (&enc->err.pub);
  enc->err.pub.error_exit = encoder_error_exit;
  enc->err.pub.output_message = encoder_output_message;
  cinfo->client_data = enc;
  if (setjmp (enc->err.jump)) {
    jpeg_destroy_compress (cinfo);
    return false;
  }
  jpeg_create_compress (cinfo);
  enc->dest.init_destination = dest_init;
  enc->dest.empty_output_buffer = dest_full;
  enc->dest.term_destination = dest_term;
  cinfo->dest = &enc->dest;
  return true;
}

/* The compressor for a file with @params, or NULL when out of memory */
static j_compress_ptr
compressor_for (ImcoreJpegEncoder * enc, const ImcoreJpegParams * params)
{
  if (!params->optimize && !params->progressive)
    return &enc->cinfo;
  if (!enc->have_opt)
    enc->have_opt = create_compressor (enc, &enc->cinfo_opt);
  return enc->have_opt ? &enc->cinfo_opt : NULL;
}

ImcoreJpegEncoder *
imcore_jpeg_encoder_new (void)
{
  ImcoreJpegEncoder *enc = calloc (1, sizeof (*enc));

  if (!enc)
    return NULL;
  if (!create_compressor (enc, &enc->cinfo)) {
    free (enc);
    return NULL;
  }
  return enc;
}

void
imcore_jpeg_encoder_free (ImcoreJpegEncoder * enc)
{
  if (!enc)
    return;
  jpeg_destroy_compress (&enc->cinfo);
  if (enc->have_opt)
    jpeg_destroy_compress (&enc->cinfo_opt);
  imcore_scratch_clear (&enc->strip);
  free (enc);
}

const char *
imcore_jpeg_encoder_last_error (ImcoreJpegEncoder * enc)
{
  return enc ? enc->error : "";
}

static int
tj_subsampling (ImcoreSubsampling s)
{
  switch (s) {
    case IMCORE_SUBSAMPLING_444:
      return TJSAMP_444;
    case IMCORE_SUBSAMPLING_422:
      return TJSAMP_422;
    case IMCORE_SUBSAMPLING_420:
      return TJSAMP_420;
    case IMCORE_SUBSAMPLING_GRAY:
      return TJSAMP_GRAY;
  }
  return -1;
}

size_t
imcore_jpeg_bound (uint32_t width, uint32_t height,
    ImcoreSubsampling subsampling)
{
  static const unsigned mcu[4][2] = { {8, 8}, {16, 8}, {16, 16}, {8, 8} };
  int samp = tj_subsampling (subsampling);
  uint64_t pw, ph, bound;
  unsigned long n;

  if (samp < 0 || width == 0 || height == 0 ||
      width > IMCORE_JPEG_MAX_DIMENSION || height > IMCORE_JPEG_MAX_DIMENSION)
    return 0;
  /* tjBufSize()'s formula in 64 bits: TurboJPEG 2.1 computes it in int and
   * wraps for the largest images, and NOREALLOC trusts its result. */
  pw = ((uint64_t) width + mcu[subsampling][0] - 1) / mcu[subsampling][0] *
      mcu[subsampling][0];
  ph = ((uint64_t) height + mcu[subsampling][1] - 1) / mcu[subsampling][1] *
      mcu[subsampling][1];
  bound = pw * ph * 2 + 2048;
  if (subsampling != IMCORE_SUBSAMPLING_GRAY)
    bound += pw * ph * 256 / (mcu[subsampling][0] * mcu[subsampling][1]);
  n = tjBufSize ((int) width, (int) height, samp);
  if (n == (unsigned long) -1 || n != bound || bound > SIZE_MAX)
    return 0;
  return (size_t) bound;
}

size_t
imcore_jpeg_bound_params (uint32_t width, uint32_t height,
    const ImcoreJpegParams * params)
{
  size_t bound;

  if (!params || (params->exif_len && !params->exif) ||
      params->exif_len > IMCORE_JPEG_MAX_EXIF)
    return 0;
  bound = imcore_jpeg_bound (width, height, params->subsampling);
  if (bound == 0 || params->exif_len == 0)
    return bound;
  /* marker, length, "Exif\0\0", the TIFF bytes */
  if (bound > SIZE_MAX - 10 - params->exif_len)
    return 0;
  return bound + 10 + params->exif_len;
}

/* libjpeg-turbo's colour space for packed RGB or GRAY8 @f, as TurboJPEG
 * maps its pixel formats; JCS_UNKNOWN for the others */
static J_COLOR_SPACE
scanline_color_space (ImcorePixelFormat f)
{
  switch (f) {
    case IMCORE_PIXEL_GRAY8:
      return JCS_GRAYSCALE;
    case IMCORE_PIXEL_RGB:
      return JCS_EXT_RGB;
    case IMCORE_PIXEL_BGR:
      return JCS_EXT_BGR;
    case IMCORE_PIXEL_RGBA:
      return JCS_EXT_RGBA;
    case IMCORE_PIXEL_BGRA:
      return JCS_EXT_BGRA;
    case IMCORE_PIXEL_ARGB:
      return JCS_EXT_ARGB;
    case IMCORE_PIXEL_ABGR:
      return JCS_EXT_ABGR;
    case IMCORE_PIXEL_RGBX:
      return JCS_EXT_RGBX;
    case IMCORE_PIXEL_BGRX:
      return JCS_EXT_BGRX;
    case IMCORE_PIXEL_XRGB:
      return JCS_EXT_XRGB;
    case IMCORE_PIXEL_XBGR:
      return JCS_EXT_XBGR;
    default:
      return JCS_UNKNOWN;
  }
}

static ImcoreSubsampling
planar_subsampling (ImcorePixelFormat f)
{
  switch (f) {
    case IMCORE_PIXEL_I420:
      return IMCORE_SUBSAMPLING_420;
    case IMCORE_PIXEL_I422:
      return IMCORE_SUBSAMPLING_422;
    case IMCORE_PIXEL_I444:
      return IMCORE_SUBSAMPLING_444;
    default:
      return IMCORE_SUBSAMPLING_GRAY;
  }
}

bool
imcore_jpeg_accepts (ImcorePixelFormat format, ImcoreSubsampling subsampling)
{
  if (tj_subsampling (subsampling) < 0)
    return false;
  /* libjpeg makes no colour JPEG from gray samples */
  if (format == IMCORE_PIXEL_GRAY8)
    return subsampling == IMCORE_SUBSAMPLING_GRAY;
  if (scanline_color_space (format) != JCS_UNKNOWN)
    return true;
  if (imcore_pixel_n_planes (format) != 3)
    return false;
  return subsampling == IMCORE_SUBSAMPLING_GRAY ||
      planar_subsampling (format) == subsampling;
}

/* ---- YUV through libjpeg's raw-data interface ---- */

/* Where the samples of a YUV image lie; the pointers are at its first
 * pixel (a crop is applied before). */
typedef enum
{
  YUV_PLANAR,                   /* Y, U, V planes, chroma shifted by hs, vs */
  YUV_SEMI_PLANAR,              /* Y, then a plane of chroma pairs (4:2:0) */
  YUV_PACKED,                   /* 4:2:2 macropixels */
} YuvLayout;

typedef struct
{
  YuvLayout layout;
  uint32_t width, height;
  /* planar: Y, U, V; semi-planar: Y, pairs; packed: the first pixel's two
   * bytes, and the macropixel holding its chroma (same rows) */
  const uint8_t *planes[3];
  size_t strides[3];
  unsigned hs, vs;              /* chroma shifts of the source */
  bool v_first;                 /* semi-planar: V is a pair's first byte */
  unsigned y_offset, u_offset, v_offset;        /* packed */
} YuvSource;

/* The JPEG's components as libjpeg reads them */
typedef struct
{
  unsigned n;                   /* 1 (gray) or 3 */
  unsigned jhs, jvs;            /* the JPEG's chroma shifts */
  uint32_t width[3], height[3]; /* samples */
  uint32_t padded[3];           /* samples libjpeg reads a row: whole blocks */
  unsigned rows[3];             /* rows of an iMCU row */
  size_t pitch[3];              /* of its rows in the strip */
  size_t offset[3];             /* of its rows in the strip */
  size_t strip_size;            /* luma terms first, then the rows */
} JpegLayout;

static void
jpeg_shifts (ImcoreSubsampling s, unsigned *hs, unsigned *vs)
{
  *hs = s == IMCORE_SUBSAMPLING_420 || s == IMCORE_SUBSAMPLING_422;
  *vs = s == IMCORE_SUBSAMPLING_420;
}

static void
plan_layout (const YuvSource * src, ImcoreSubsampling samp, JpegLayout * l)
{
  /* luma terms: one per chroma sample of a source row (a pixel at 4:4:4),
   * and a vector's worth of slack */
  size_t offset = ((size_t) src->width + 32) * sizeof (int16_t);

  memset (l, 0, sizeof (*l));
  l->n = samp == IMCORE_SUBSAMPLING_GRAY ? 1 : 3;
  jpeg_shifts (samp, &l->jhs, &l->jvs);
  for (unsigned c = 0; c < l->n; c++) {
    unsigned hs = c ? l->jhs : 0, vs = c ? l->jvs : 0;

    l->width[c] = (src->width + (1u << hs) - 1) >> hs;
    l->height[c] = (src->height + (1u << vs) - 1) >> vs;
    l->padded[c] = (l->width[c] + 7) / 8 * 8;
    l->rows[c] = c ? 8 : 8u << l->jvs;
    offset = (offset + 31) / 32 * 32;
    l->pitch[c] = ((size_t) l->padded[c] + 31) / 32 * 32;
    l->offset[c] = offset;
    offset += l->pitch[c] * l->rows[c];
  }
  l->strip_size = offset;
}

/* Repeats the last of @n samples up to @padded */
static void
pad_row (uint8_t * row, uint32_t n, uint32_t padded)
{
  if (padded > n)
    memset (row + n, row[n - 1], padded - n);
}

static const uint8_t *
source_row (const YuvSource * src, unsigned plane, uint32_t row)
{
  return src->planes[plane] + (size_t) row * src->strides[plane];
}

/* Luma row @y of @src into @dst with the luma terms @lterm (NULL: the
 * flat one) of chroma shifted by @lshift */
static void
convert_luma_row (const YuvSource * src, const ImcoreYuvConv * conv,
    uint32_t y, const int16_t * lterm, unsigned lshift, uint8_t * dst,
    uint32_t padded)
{
  const uint8_t *row = source_row (src, 0, y);

  if (src->layout == YUV_PACKED)
    imcore_yuvconv_luma_packed (conv, row, src->y_offset, lterm, src->width,
        dst);
  else if (conv->identity)
    memcpy (dst, row, src->width);
  else
    imcore_yuvconv_luma (conv, row, lterm, lshift, src->width, dst);
  pad_row (dst, src->width, padded);
}

/* Chroma row @sc of a planar or semi-planar @src into @cb, @cr (NULL if
 * not wanted) and @lterm (NULL if not wanted) */
static void
convert_chroma_row (const YuvSource * src, const ImcoreYuvConv * conv,
    uint32_t sc, uint32_t n, uint8_t * cb, uint8_t * cr, int16_t * lterm)
{
  if (src->layout == YUV_SEMI_PLANAR) {
    imcore_yuvconv_chroma_pairs (conv, source_row (src, 1, sc), src->v_first,
        n, cb, cr, lterm);
  } else if (conv->identity && !lterm) {
    if (cb)
      memcpy (cb, source_row (src, 1, sc), n);
    if (cr)
      memcpy (cr, source_row (src, 2, sc), n);
  } else {
    imcore_yuvconv_chroma_planar (conv, source_row (src, 1, sc),
        source_row (src, 2, sc), n, cb, cr, lterm);
  }
}

/* Converts (or, for JFIF input, copies) iMCU row @m of @src into the strip
 * and points enc->rows at it. JFIF planes are copied too: libjpeg reading
 * its 8x8 blocks straight out of frame-sized planes measured 8-13 % slower
 * (bench-jpeg-yuv, thread CPU time) than a sequential copy of each iMCU row
 * into the cache-resident strip first. */
static void
fill_imcu_row (ImcoreJpegEncoder * enc, const YuvSource * src,
    const ImcoreYuvConv * conv, const JpegLayout * l, uint32_t m)
{
  uint8_t *strip = enc->strip.data;
  int16_t *lterm = conv->cross ? (int16_t *) strip : NULL;
  uint32_t y0 = m * l->rows[0], cy0 = m * 8;
  uint32_t valid[3];

  for (unsigned c = 0; c < l->n; c++) {
    uint32_t first = c ? cy0 : y0;

    valid[c] = l->height[c] - first < l->rows[c] ? l->height[c] - first :
        l->rows[c];
    /* rows past the image repeat its last one */
    for (unsigned r = 0; r < l->rows[c]; r++)
      enc->rows[c][r] = strip + l->offset[c] +
          (size_t) (r < valid[c] ? r : valid[c] - 1) * l->pitch[c];
  }

  if (src->layout != YUV_PACKED) {
    /* each source chroma row: the JPEG's chroma row (same subsampling)
     * and the terms of the luma rows it covers */
    unsigned svs = src->vs;
    bool chroma = l->n == 3;

    for (uint32_t sc = y0 >> svs; sc <= (y0 + valid[0] - 1) >> svs; sc++) {
      /* with chroma the JPEG's subsampling is the source's: row sc of
       * the source is row j of the strip */
      uint32_t j = chroma ? sc - cy0 : 0, ya = sc << svs, yb = (sc + 1) << svs;

      if (chroma || lterm)
        convert_chroma_row (src, conv, sc, (src->width + (1u << src->hs) - 1)
            >> src->hs, chroma ? enc->rows[1][j] : NULL,
            chroma ? enc->rows[2][j] : NULL, lterm);
      if (chroma) {
        pad_row (enc->rows[1][j], l->width[1], l->padded[1]);
        pad_row (enc->rows[2][j], l->width[2], l->padded[2]);
      }
      for (uint32_t y = ya < y0 ? y0 : ya; y < yb && y < y0 + valid[0]; y++)
        convert_luma_row (src, conv, y, lterm, src->hs, enc->rows[0][y - y0],
            l->padded[0]);
    }
    return;
  }

  /* packed 4:2:2: chroma of each row, or of two rows averaged; luma terms
   * from each row's own chroma */
  for (uint32_t r = 0; r < valid[0]; r++) {
    uint32_t y = y0 + r;
    const uint8_t *mp = source_row (src, 1, y);
    uint8_t *cb = NULL, *cr = NULL;

    if (l->n == 3 && l->jvs == 0) {
      cb = enc->rows[1][r];
      cr = enc->rows[2][r];
    } else if (l->n == 3 && (r & 1) == 0) {
      /* 4:2:0: this row and the next, if there is one */
      uint32_t j = r >> 1;

      imcore_yuvconv_chroma_packed (conv, mp, y + 1 < src->height ?
          source_row (src, 1, y + 1) : NULL, src->u_offset, src->v_offset,
          l->width[1], enc->rows[1][j], enc->rows[2][j], NULL);
      pad_row (enc->rows[1][j], l->width[1], l->padded[1]);
      pad_row (enc->rows[2][j], l->width[2], l->padded[2]);
    }
    if (cb || lterm)
      imcore_yuvconv_chroma_packed (conv, mp, NULL, src->u_offset,
          src->v_offset, (src->width + 1) / 2, cb, cr, lterm);
    if (cb) {
      pad_row (cb, l->width[1], l->padded[1]);
      pad_row (cr, l->width[2], l->padded[2]);
    }
    convert_luma_row (src, conv, y, lterm, 1, enc->rows[0][r], l->padded[0]);
  }
}

/* Where libjpeg writes: the caller's @out, up to the byte budget if
 * @params has one */
static void
set_output (ImcoreJpegEncoder * enc, const ImcoreJpegParams * params,
    uint8_t * out, size_t out_size)
{
  enc->out = out;
  enc->out_size = params->max_bytes && params->max_bytes < out_size ?
      params->max_bytes : out_size;
  enc->no_space = false;
}

/* The size of the file just finished, or NO_SPACE if it went on into the
 * spill */
static ImcoreError
output_length (ImcoreJpegEncoder * enc, size_t *out_len)
{
  if (!enc->spilling) {
    *out_len = enc->out_size - enc->dest.free_in_buffer;
    return IMCORE_OK;
  }
  if (enc->dest.free_in_buffer < sizeof (enc->spill))
    return IMCORE_ERROR_NO_SPACE;
  *out_len = enc->out_size;
  return IMCORE_OK;
}

/* TurboJPEG's settings (tjCompress2() and tjCompressFromYUVPlanes() in
 * libjpeg-turbo 2.1), so that the default options make the same file as
 * TurboJPEG does: defaults, baseline quality tables, the fast forward DCT
 * below quality 96, no Huffman optimisation, the subsampling's sampling
 * factors; then @params' options, none of which changes a coefficient.
 * Calls libjpeg, which may longjmp. */
static void
set_parameters (j_compress_ptr cinfo, const ImcoreJpegParams * params,
    uint32_t width, uint32_t height, J_COLOR_SPACE in_color_space,
    int in_components)
{
  unsigned hs, vs;

  cinfo->image_width = width;
  cinfo->image_height = height;
  cinfo->input_components = in_components;
  cinfo->in_color_space = in_color_space;
  jpeg_set_defaults (cinfo);
  jpeg_set_quality (cinfo, params->quality, TRUE);
  cinfo->dct_method = params->quality >= 96 ? JDCT_ISLOW : JDCT_IFAST;
  jpeg_set_colorspace (cinfo, params->subsampling == IMCORE_SUBSAMPLING_GRAY ?
      JCS_GRAYSCALE : JCS_YCbCr);
  jpeg_shifts (params->subsampling, &hs, &vs);
  cinfo->comp_info[0].h_samp_factor = 1 + hs;
  cinfo->comp_info[0].v_samp_factor = 1 + vs;
  for (int c = 1; c < cinfo->num_components; c++)
    cinfo->comp_info[c].h_samp_factor = cinfo->comp_info[c].v_samp_factor = 1;
  /* after the colour space: the scans depend on the components */
  if (params->progressive)
    jpeg_simple_progression (cinfo);
  cinfo->optimize_coding = params->optimize ? TRUE : FALSE;
  cinfo->restart_interval = params->restart_interval;
}

/* The APP1 Exif marker, if @params has Exif bytes. Must come after
 * jpeg_start_compress() (which writes SOI and the JFIF APP0 marker) and
 * before the first rows. Calls libjpeg, which may longjmp. */
static void
write_exif (j_compress_ptr cinfo, const ImcoreJpegParams * params)
{
  static const uint8_t id[IMCORE_EXIF_APP1_ID_LEN] = IMCORE_EXIF_APP1_ID;

  if (params->exif_len == 0)
    return;
  jpeg_write_m_header (cinfo, JPEG_APP0 + 1,
      (unsigned) (IMCORE_EXIF_APP1_ID_LEN + params->exif_len));
  for (unsigned i = 0; i < IMCORE_EXIF_APP1_ID_LEN; i++)
    jpeg_write_m_byte (cinfo, id[i]);
  for (size_t i = 0; i < params->exif_len; i++)
    jpeg_write_m_byte (cinfo, params->exif[i]);
}

/* Hands iMCU row @m, as fill_imcu_row() left it in the strip, to
 * @params' rows hook, then pads its rows again (the hook may have changed
 * their last samples). */
static void
call_rows_hook (ImcoreJpegEncoder * enc, const YuvSource * src,
    const ImcoreJpegParams * params, const JpegLayout * l, uint32_t m)
{
  uint32_t y0 = m * l->rows[0];
  ImcoreImage rows;

  memset (&rows, 0, sizeof (rows));
  rows.format = l->n == 1 ? IMCORE_PIXEL_GRAY8 : l->jvs ? IMCORE_PIXEL_I420 :
      l->jhs ? IMCORE_PIXEL_I422 : IMCORE_PIXEL_I444;
  rows.width = src->width;
  rows.height = src->height - y0 < l->rows[0] ? src->height - y0 :
      l->rows[0];
  for (unsigned c = 0; c < l->n; c++) {
    rows.planes[c] = enc->rows[c][0];
    rows.strides[c] = l->pitch[c];
  }
  params->rows_hook (params->rows_hook_data, &rows, y0);
  for (unsigned c = 0; c < l->n; c++) {
    uint32_t first = c ? m * 8 : y0;
    uint32_t valid = l->height[c] - first < l->rows[c] ?
        l->height[c] - first : l->rows[c];

    for (uint32_t r = 0; r < valid; r++)
      pad_row (enc->rows[c][r], l->width[c], l->padded[c]);
  }
}

/* Encodes @src as a JFIF JPEG with @params into the caller's @out, which
 * holds at least the bound (or the budget). */
static ImcoreError
encode_yuv (ImcoreJpegEncoder * enc, const YuvSource * src,
    const ImcoreJpegParams * params, uint8_t * out, size_t out_size,
    size_t *out_len)
{
  j_compress_ptr cinfo = compressor_for (enc, params);
  const ImcoreYuvConv *conv = &enc->conv;
  JpegLayout l;
  JSAMPARRAY planes[3] = { enc->rows[0], enc->rows[1], enc->rows[2] };
  uint32_t imcu_rows;

  /* the map's tables take a few microseconds: kept while the colorimetry
   * stays */
  if (!enc->conv_valid || enc->conv_from.kr != params->yuv.kr ||
      enc->conv_from.kb != params->yuv.kb ||
      enc->conv_from.limited_range != params->yuv.limited_range) {
    ImcoreError err = imcore_yuvconv_init (&enc->conv, &params->yuv, 0);

    enc->conv_valid = err == IMCORE_OK;
    if (err != IMCORE_OK)
      return err;
    enc->conv_from = params->yuv;
  }
  plan_layout (src, params->subsampling, &l);
  if (!cinfo || !imcore_scratch_get (&enc->strip, l.strip_size))
    return IMCORE_ERROR_OUT_OF_MEMORY;
  imcu_rows = (src->height + l.rows[0] - 1) / l.rows[0];

  set_output (enc, params, out, out_size);
  if (setjmp (enc->err.jump)) {
    jpeg_abort_compress (cinfo);
    return enc->no_space ? IMCORE_ERROR_NO_SPACE : IMCORE_ERROR_CODEC;
  }
  set_parameters (cinfo, params, src->width, src->height, JCS_RGB, 3);
  cinfo->raw_data_in = TRUE;
  jpeg_start_compress (cinfo, TRUE);
  write_exif (cinfo, params);
  for (unsigned c = 0; c < l.n; c++) {
    if (cinfo->comp_info[c].width_in_blocks * 8 != l.padded[c] ||
        (unsigned) cinfo->comp_info[c].v_samp_factor * 8 != l.rows[c]) {
      snprintf (enc->error, sizeof (enc->error), "libjpeg laid out "
          "component %u unexpectedly", c);
      jpeg_abort_compress (cinfo);
      return IMCORE_ERROR_CODEC;
    }
  }
  for (uint32_t m = 0; m < imcu_rows; m++) {
    fill_imcu_row (enc, src, conv, &l, m);
    if (params->rows_hook)
      call_rows_hook (enc, src, params, &l, m);
    jpeg_write_raw_data (cinfo, planes, l.rows[0]);
  }
  jpeg_finish_compress (cinfo);
  return output_length (enc, out_len);
}

/* Encodes the packed RGB or GRAY8 @img with @params into the caller's
 * @out, which holds at least the bound (or the budget): libjpeg-turbo
 * converts the pixels to YCbCr (or gray) as it reads the rows. */
static ImcoreError
encode_scanlines (ImcoreJpegEncoder * enc, const ImcoreImage * img,
    const ImcoreJpegParams * params, uint8_t * out, size_t out_size,
    size_t *out_len)
{
  j_compress_ptr cinfo = compressor_for (enc, params);
  J_COLOR_SPACE cs = scanline_color_space (img->format);
  JSAMPROW rows[16];

  if (!cinfo)
    return IMCORE_ERROR_OUT_OF_MEMORY;
  set_output (enc, params, out, out_size);
  if (setjmp (enc->err.jump)) {
    jpeg_abort_compress (cinfo);
    return enc->no_space ? IMCORE_ERROR_NO_SPACE : IMCORE_ERROR_CODEC;
  }
  set_parameters (cinfo, params, img->width, img->height, cs,
      (int) imcore_pixel_bytes (img->format));
  cinfo->raw_data_in = FALSE;
  jpeg_start_compress (cinfo, TRUE);
  write_exif (cinfo, params);
  while (cinfo->next_scanline < cinfo->image_height) {
    JDIMENSION y = cinfo->next_scanline, n = 0;

    /* libjpeg only reads the rows */
    for (; n < 16 && y + n < cinfo->image_height; n++)
      rows[n] = (JSAMPROW) (img->planes[0] + (size_t) (y + n) *
          img->strides[0]);
    jpeg_write_scanlines (cinfo, rows, n);
  }
  jpeg_finish_compress (cinfo);
  return output_length (enc, out_len);
}

/* The checks of @params' options */
static bool
options_valid (const ImcoreJpegParams * params)
{
  return params->restart_interval <= IMCORE_JPEG_MAX_RESTART &&
      params->exif_len <= IMCORE_JPEG_MAX_EXIF &&
      (params->exif_len == 0 || params->exif);
}

/* The size checks every encode makes, last, for a @width x @height image:
 * the output holds the bound, or with a budget the smaller of the two */
static ImcoreError
check_bound (const ImcoreJpegParams * params, uint32_t width,
    uint32_t height, size_t out_size)
{
  size_t bound = imcore_jpeg_bound_params (width, height, params);

  if (bound == 0)
    return IMCORE_ERROR_TOO_LARGE;
  if (params->max_bytes && params->max_bytes < bound)
    bound = params->max_bytes;
  if (out_size < bound)
    return IMCORE_ERROR_NO_SPACE;
  return IMCORE_OK;
}

ImcoreError
imcore_jpeg_encode (ImcoreJpegEncoder * enc, const ImcoreImage * img,
    const ImcoreJpegParams * params, uint8_t * out, size_t out_size,
    size_t *out_len)
{
  ImcoreError err;

  if (!enc || !img || !params || !out || !out_len)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  enc->error[0] = '\0';
  if (imcore_pixel_n_planes (img->format) == 0)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  for (unsigned i = 0; i < imcore_pixel_n_planes (img->format); i++) {
    if (!img->planes[i])
      return IMCORE_ERROR_INVALID_ARGUMENT;
  }
  if (params->quality < 1 || params->quality > 100 || img->width == 0 ||
      img->height == 0 || !options_valid (params))
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if (!imcore_jpeg_accepts (img->format, params->subsampling))
    return IMCORE_ERROR_UNSUPPORTED_FORMAT;
  err = check_bound (params, img->width, img->height, out_size);
  if (err != IMCORE_OK)
    return err;

  if (scanline_color_space (img->format) == JCS_UNKNOWN) {
    YuvSource src;

    memset (&src, 0, sizeof (src));
    src.layout = YUV_PLANAR;
    src.width = img->width;
    src.height = img->height;
    for (unsigned i = 0; i < 3; i++) {
      src.planes[i] = img->planes[i];
      src.strides[i] = img->strides[i];
    }
    imcore_pixel_chroma_shift (img->format, &src.hs, &src.vs);
    return encode_yuv (enc, &src, params, out, out_size, out_len);
  }
  return encode_scanlines (enc, img, params, out, out_size, out_len);
}

bool
imcore_jpeg_accepts_interleaved (bool packed, ImcoreSubsampling subsampling)
{
  switch (subsampling) {
    case IMCORE_SUBSAMPLING_420:
    case IMCORE_SUBSAMPLING_GRAY:
      return true;
    case IMCORE_SUBSAMPLING_422:
      return packed;
    default:
      return false;
  }
}

ImcoreError
imcore_jpeg_encode_interleaved (ImcoreJpegEncoder * enc,
    const ImcoreInterleavedYuv * src, const ImcoreRect * rect,
    const ImcoreJpegParams * params, uint8_t * out, size_t out_size,
    size_t *out_len)
{
  YuvSource s;
  ImcoreError err;

  if (!enc || !src || !rect || !params || !out || !out_len)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  enc->error[0] = '\0';
  if (!imcore_interleaved_offsets_valid (src) || !src->planes[0] ||
      (!src->packed && !src->planes[1]) || params->quality < 1 ||
      params->quality > 100 || !options_valid (params) || rect->width == 0 ||
      rect->height == 0 ||
      rect->x > src->width || rect->width > src->width - rect->x ||
      rect->y > src->height || rect->height > src->height - rect->y)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if (!imcore_jpeg_accepts_interleaved (src->packed, params->subsampling))
    return IMCORE_ERROR_UNSUPPORTED_FORMAT;
  err = check_bound (params, rect->width, rect->height, out_size);
  if (err != IMCORE_OK)
    return err;

  memset (&s, 0, sizeof (s));
  s.width = rect->width;
  s.height = rect->height;
  s.hs = 1;
  if (src->packed) {
    const uint8_t *row = src->planes[0] + (size_t) rect->y * src->strides[0];

    s.layout = YUV_PACKED;
    s.planes[0] = row + 2 * (size_t) rect->x;
    s.planes[1] = row + 4 * (size_t) (rect->x / 2);
    s.strides[0] = s.strides[1] = src->strides[0];
    s.y_offset = src->y_offset;
    s.u_offset = src->u_offset;
    s.v_offset = src->v_offset;
  } else {
    s.layout = YUV_SEMI_PLANAR;
    s.vs = 1;
    s.planes[0] = src->planes[0] + (size_t) rect->y * src->strides[0] +
        rect->x;
    s.planes[1] = src->planes[1] + (size_t) (rect->y / 2) * src->strides[1] +
        2 * (size_t) (rect->x / 2);
    s.strides[0] = src->strides[0];
    s.strides[1] = src->strides[1];
    s.v_first = src->v_offset < src->u_offset;
  }
  return encode_yuv (enc, &s, params, out, out_size, out_len);
}
