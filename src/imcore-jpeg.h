/* gst-imencode core: JPEG encoding with libjpeg-turbo
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef IMCORE_JPEG_H
#define IMCORE_JPEG_H

#include "imcore-image.h"

/* JPEG chroma subsampling. */
typedef enum
{
  IMCORE_SUBSAMPLING_444 = 0,
  IMCORE_SUBSAMPLING_422,
  IMCORE_SUBSAMPLING_420,
  IMCORE_SUBSAMPLING_GRAY,
} ImcoreSubsampling;

/* Largest JPEG dimension (the format stores 16-bit sizes). */
#define IMCORE_JPEG_MAX_DIMENSION 65535u

typedef struct
{
  int quality;                  /* 1..100, libjpeg scale */
  ImcoreSubsampling subsampling;
  /* Planar YUV input only, and required there (a zeroed value is
   * refused): how its samples encode colour. Anything but
   * IMCORE_YUV_JFIF is converted to it (range and matrix) in the
   * encoder's scratch before encoding, so decoders show the right colours. */
  ImcoreYuvColorimetry yuv;
} ImcoreJpegParams;

/* One encoder: a libjpeg-turbo handle and scratch memory. Not thread-safe;
 * use one per thread. */
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

/* Whether @format can be encoded by imcore_jpeg_encode() with
 * @subsampling without a conversion by the caller: packed RGB formats
 * always; GRAY8 only with GRAY; planar YUV when its own subsampling equals @subsampling, or
 * when @subsampling is GRAY (only the Y plane is read). */
bool imcore_jpeg_accepts (ImcorePixelFormat format,
    ImcoreSubsampling subsampling);

/* Encodes @img as a baseline JFIF JPEG into the caller's @out of @out_size
 * bytes, which must be at least imcore_jpeg_bound() for the image
 * (IMCORE_ERROR_NO_SPACE otherwise). Packed RGB input is converted to
 * YCbCr (BT.601, full range) by libjpeg-turbo; planar YUV planes are
 * encoded as they are, without an RGB round trip. On success writes the
 * byte count to @out_len. The only memory the encoder allocates is scratch
 * for colorimetry conversion, kept and reused across calls. */
ImcoreError imcore_jpeg_encode (ImcoreJpegEncoder * enc,
    const ImcoreImage * img, const ImcoreJpegParams * params, uint8_t * out,
    size_t out_size, size_t *out_len);

/* The message libjpeg-turbo gave for the last IMCORE_ERROR_CODEC of @enc,
 * or "" if none. Valid until the next call on @enc. */
const char *imcore_jpeg_encoder_last_error (ImcoreJpegEncoder * enc);

#endif /* IMCORE_JPEG_H */
