/* gst-imencode core: JPEG encoding with libjpeg-turbo
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef IMCORE_JPEG_H
#define IMCORE_JPEG_H

#include "imcore-image.h"
#include "imcore-interleaved.h"

/* JPEG chroma subsampling. */
typedef enum
{
  IMCORE_SUBSAMPLING_444 = 0,
  IMCORE_SUBSAMPLING_422,
  IMCORE_SUBSAMPLING_420,
  IMCORE_SUBSAMPLING_GRAY,
} ImcoreSubsampling;

/* Largest JPEG dimension: libjpeg-turbo's JPEG_MAX_DIMENSION (the format
 * itself would store up to 65535). */
#define IMCORE_JPEG_MAX_DIMENSION 65500u

typedef struct
{
  int quality;                  /* 1..100, libjpeg scale */
  ImcoreSubsampling subsampling;
  /* YUV input only (planar or interleaved), and required there (a zeroed
   * value is refused): how its samples encode colour. Anything but
   * IMCORE_YUV_JFIF is converted to it (range and matrix) on the way into
   * libjpeg, a few rows at a time, so that decoders show the right
   * colours; see imcore_jpeg_encode(). */
  ImcoreYuvColorimetry yuv;

  /* Options, appended so that callers listing the fields above in an
   * initializer get today's baseline file, byte for byte. None changes a
   * decoded pixel. */
  bool progressive;             /* SOF2, jpeg_simple_progression()'s scans */
  bool optimize;                /* Huffman tables optimised for the image */
  /* a restart marker every this many MCUs, 0..IMCORE_JPEG_MAX_RESTART;
   * 0: none */
  unsigned restart_interval;
  /* Exif TIFF bytes (imcore_exif_write_tiff()), written as an APP1 "Exif"
   * marker right after the JFIF APP0 marker; NULL or @exif_len 0: none.
   * At most IMCORE_JPEG_MAX_EXIF bytes. */
  const uint8_t *exif;
  size_t exif_len;
  /* 0: the output buffer must hold imcore_jpeg_bound_params() bytes, as
   * it always did. Otherwise a byte budget: a file larger than this fails
   * with IMCORE_ERROR_NO_SPACE as soon as it passes the budget (or, when
   * libjpeg holds the whole file back, progressive or optimize, at the
   * end), and the output buffer need only hold the smaller of the budget
   * and the bound. See imcore-budget.h. */
  size_t max_bytes;
  /* YUV input only, optional (NULL: none): called with each iMCU row (8
   * or 16 image rows) once it is converted to JFIF's colorimetry and just
   * before libjpeg reads it, with a planar view of it (I420, I422 or I444
   * as the JPEG's subsampling; GRAY8 for gray) whose first row is image
   * row @y. The callback may change those samples (e.g. draw on them);
   * what it writes is what is encoded. Nothing else of the image is
   * written. */
  void (*rows_hook) (void *user_data, const ImcoreImage * rows, uint32_t y);
  void *rows_hook_data;
} ImcoreJpegParams;

/* Largest restart interval (MCUs): the DRI marker's 16 bits. */
#define IMCORE_JPEG_MAX_RESTART 65535u

/* Largest Exif payload: an APP1 marker holds 65533 bytes, of which the
 * "Exif\0\0" identifier takes 6. */
#define IMCORE_JPEG_MAX_EXIF 65527u

/* One encoder: libjpeg compressors and a few rows of scratch memory, all
 * reused from image to image. Not thread-safe; use one per thread. */
typedef struct ImcoreJpegEncoder ImcoreJpegEncoder;

/* A new encoder, or NULL when out of memory. */
ImcoreJpegEncoder *imcore_jpeg_encoder_new (void);

/* Frees @enc and its scratch; NULL is allowed. */
void imcore_jpeg_encoder_free (ImcoreJpegEncoder * enc);

/* Worst-case size of a baseline JPEG of @width x @height with
 * @subsampling: an output buffer of this size never overflows.
 * 0 if the size is out of JPEG's range, too large for libjpeg-turbo 2.1's
 * own (int) size arithmetic (around 46000x46000 at 4:4:4), or an argument
 * is invalid. */
size_t imcore_jpeg_bound (uint32_t width, uint32_t height,
    ImcoreSubsampling subsampling);

/* Worst-case size of a JPEG of @width x @height with @params (its
 * subsampling and Exif bytes; the other options never make a file larger
 * than this): imcore_jpeg_bound() plus the APP1 marker. 0 as
 * imcore_jpeg_bound(), or for a NULL @params or too many Exif bytes. */
size_t imcore_jpeg_bound_params (uint32_t width, uint32_t height,
    const ImcoreJpegParams * params);

/* Whether @format can be encoded by imcore_jpeg_encode() with
 * @subsampling without a conversion by the caller: packed RGB formats
 * always; GRAY8 only with GRAY; planar YUV when its own subsampling equals @subsampling, or
 * when @subsampling is GRAY (only the Y plane is read). */
bool imcore_jpeg_accepts (ImcorePixelFormat format,
    ImcoreSubsampling subsampling);

/* Encodes @img as a JFIF JPEG (baseline, or with @params' options) into
 * the caller's @out of @out_size bytes, which must be at least
 * imcore_jpeg_bound_params() for the image, or with a byte budget
 * (@params' max_bytes) the smaller of that and the budget
 * (IMCORE_ERROR_NO_SPACE otherwise, before anything is written; under a
 * budget also for a file that does not fit it). Packed RGB input is
 * converted to YCbCr (BT.601, full range) by libjpeg-turbo as it reads
 * the rows, with TurboJPEG's settings: the default options give
 * tjCompress2()'s file byte for byte. Planar YUV goes
 * to libjpeg as raw data, without an RGB round trip: each iMCU row (8 or
 * 16 lines) is converted to JFIF's colorimetry (JFIF input: copied) and
 * padded into the encoder's cache-resident strip just before libjpeg
 * reads it; no converted copy of the image exists. The conversion to
 * JFIF is exact to within 1 code value (see imcore-yuvconv.h); luma of a
 * pixel takes in the chroma sample it is stored with (4:2:0: the one of
 * its 2x2 block). Colorimetries whose map does not fit the converter fail
 * with IMCORE_ERROR_INVALID_ARGUMENT. JFIF input gives the same bytes as
 * TurboJPEG's tjCompressFromYUVPlanes(): the fast integer DCT below
 * quality 96, the accurate one from 96. On success writes the byte count
 * to @out_len. Allocates only when the strip must grow, at the first
 * optimised or progressive file (a second libjpeg compressor), and
 * libjpeg's own per-image workspace. Options out of range (restart
 * interval, Exif size, Exif NULL with a length) fail with
 * IMCORE_ERROR_INVALID_ARGUMENT. */
ImcoreError imcore_jpeg_encode (ImcoreJpegEncoder * enc,
    const ImcoreImage * img, const ImcoreJpegParams * params, uint8_t * out,
    size_t out_size, size_t *out_len);

/* Whether imcore_jpeg_encode_interleaved() makes a @subsampling JPEG of
 * interleaved YUV: semi-planar (@packed false) to 4:2:0 or gray, packed
 * 4:2:2 to 4:2:2, 4:2:0 or gray. */
bool imcore_jpeg_accepts_interleaved (bool packed,
    ImcoreSubsampling subsampling);

/* Encodes the part @rect of the semi-planar (NV12, NV21) or packed 4:2:2
 * (YUY2, UYVY, YVYU) image @src like imcore_jpeg_encode() does planar YUV,
 * reading the interleaved samples straight into the strip (no planar copy
 * of the image is made). Chroma comes from the sample covering (x, y) of
 * @rect, as imcore_interleaved_view() and imcore_image_crop() take it;
 * packed 4:2:2 to 4:2:0 averages the chroma of each two rows (half up, an
 * odd last row alone), while luma takes in its own row's chroma. Errors:
 * IMCORE_ERROR_INVALID_ARGUMENT (NULLs, @rect not inside @src, bad
 * offsets, quality, colorimetry, options), IMCORE_ERROR_UNSUPPORTED_FORMAT
 * (see imcore_jpeg_accepts_interleaved()), IMCORE_ERROR_TOO_LARGE,
 * IMCORE_ERROR_NO_SPACE (@out_size below the bound of @rect's size, or
 * the budget, as imcore_jpeg_encode(); a file over the budget),
 * IMCORE_ERROR_OUT_OF_MEMORY, IMCORE_ERROR_CODEC. */
ImcoreError imcore_jpeg_encode_interleaved (ImcoreJpegEncoder * enc,
    const ImcoreInterleavedYuv * src, const ImcoreRect * rect,
    const ImcoreJpegParams * params, uint8_t * out, size_t out_size,
    size_t *out_len);

/* The message libjpeg-turbo gave for the last IMCORE_ERROR_CODEC of @enc,
 * or "" if none. Valid until the next call on @enc. */
const char *imcore_jpeg_encoder_last_error (ImcoreJpegEncoder * enc);

/* ---- decoding ---- */

/* What a JPEG's header says, learnt before any pixel is decoded. */
typedef struct
{
  uint32_t width, height;       /* full size */
  bool gray;                    /* one component */
  bool cmyk;                    /* CMYK or YCCK: decoded through CMYK */
  bool progressive;
} ImcoreJpegInfo;

typedef struct ImcoreJpegDecoder ImcoreJpegDecoder;

/* A new decoder: a TurboJPEG handle and scratch memory, reused from image
 * to image; one per thread. NULL when out of memory. */
ImcoreJpegDecoder *imcore_jpeg_decoder_new (void);

/* Frees @dec; NULL is allowed. */
void imcore_jpeg_decoder_free (ImcoreJpegDecoder * dec);

/* libjpeg-turbo's message for the last failure of @dec (or ""). */
const char *imcore_jpeg_decoder_last_error (ImcoreJpegDecoder * dec);

/* Reads the header of the @len bytes at @data into @info without
 * decoding pixels. IMCORE_ERROR_INVALID_INPUT if it is not a JPEG header
 * libjpeg-turbo can read. */
ImcoreError imcore_jpeg_read_info (ImcoreJpegDecoder * dec,
    const uint8_t * data, size_t len, ImcoreJpegInfo * info);

/* The size of a @width x @height image decoded at 1/@denom (1, 2, 4 or 8),
 * rounded up as libjpeg's DCT scaling does; false for another @denom. */
bool imcore_scaled_size (uint32_t width, uint32_t height, unsigned denom,
    uint32_t * scaled_width, uint32_t * scaled_height);

/* Whether imcore_jpeg_decode() can write @format for a JPEG like @info:
 * packed RGB in any order, with or without alpha/padding (alpha is 255),
 * GRAY8 (the luma; BT.601 weights for colour JPEGs), and I420 (the JPEG's
 * own YCbCr, full-range BT.601, chroma resampled to 4:2:0 when the JPEG is
 * subsampled otherwise; no colour conversion). CMYK JPEGs go to packed RGB
 * only. */
bool imcore_jpeg_decode_accepts (const ImcoreJpegInfo * info,
    ImcorePixelFormat format);

/* Decodes the JPEG of @len bytes at @data, scaled by 1/@denom in the DCT
 * domain, into @dest, whose format imcore_jpeg_decode_accepts() and whose
 * size is exactly imcore_scaled_size() of the image's. Truncated or
 * corrupt data (libjpeg-turbo warnings included) and progressive JPEGs
 * with more than 500 scans fail with IMCORE_ERROR_INVALID_INPUT; @dest may
 * then hold part of an image. CMYK is taken as Adobe's inverted CMYK:
 * R = C'K'/255 with the stored values C', K'. */
ImcoreError imcore_jpeg_decode (ImcoreJpegDecoder * dec, const uint8_t * data,
    size_t len, unsigned denom, const ImcoreImage * dest);

#endif /* IMCORE_JPEG_H */
