/* gst-imencode core: JPEG encoding with libjpeg-turbo
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-jpeg.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

struct ImcoreJpegEncoder
{
  tjhandle tj;
  ImcoreScratch scratch;        /* range-expanded copy of planar input */
  char error[200];
};

ImcoreJpegEncoder *
imcore_jpeg_encoder_new (void)
{
  ImcoreJpegEncoder *enc = calloc (1, sizeof (*enc));

  if (!enc)
    return NULL;
  enc->tj = tjInitCompress ();
  if (!enc->tj) {
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
  tjDestroy (enc->tj);
  imcore_scratch_clear (&enc->scratch);
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

static int
tj_pixel_format (ImcorePixelFormat f)
{
  switch (f) {
    case IMCORE_PIXEL_GRAY8:
      return TJPF_GRAY;
    case IMCORE_PIXEL_RGB:
      return TJPF_RGB;
    case IMCORE_PIXEL_BGR:
      return TJPF_BGR;
    case IMCORE_PIXEL_RGBA:
      return TJPF_RGBA;
    case IMCORE_PIXEL_BGRA:
      return TJPF_BGRA;
    case IMCORE_PIXEL_ARGB:
      return TJPF_ARGB;
    case IMCORE_PIXEL_ABGR:
      return TJPF_ABGR;
    case IMCORE_PIXEL_RGBX:
      return TJPF_RGBX;
    case IMCORE_PIXEL_BGRX:
      return TJPF_BGRX;
    case IMCORE_PIXEL_XRGB:
      return TJPF_XRGB;
    case IMCORE_PIXEL_XBGR:
      return TJPF_XBGR;
    default:
      return -1;
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
  if (tj_pixel_format (format) >= 0)
    return true;
  if (imcore_pixel_n_planes (format) != 3)
    return false;
  return subsampling == IMCORE_SUBSAMPLING_GRAY ||
      planar_subsampling (format) == subsampling;
}

/* Makes JFIF-colorimetry copies of the planes in the encoder's scratch and
 * points @img at them. TurboJPEG reads subsampled luma as if padded to
 * whole chroma samples, so odd sizes get a replicated last column and row
 * that the caller's planes may not have. */
static ImcoreError
convert_into_scratch (ImcoreJpegEncoder * enc, ImcoreImage * img,
    const ImcoreYuvColorimetry * from)
{
  ImcoreImage copy;
  unsigned hs, vs;
  uint32_t pw, ph;
  size_t luma, need;
  ImcoreError err;

  imcore_pixel_chroma_shift (img->format, &hs, &vs);
  pw = img->width + (hs && (img->width & 1));
  ph = img->height + (vs && (img->height & 1));
  need = imcore_image_size (img->format, img->width, img->height);
  luma = (size_t) pw * ph;
  if (need == 0 || need > SIZE_MAX - luma)
    return IMCORE_ERROR_TOO_LARGE;
  need += luma;                 /* room for the padded luma plane */
  if (!imcore_scratch_get (&enc->scratch, need))
    return IMCORE_ERROR_OUT_OF_MEMORY;
  err = imcore_image_init_packed (&copy, img->format, img->width, img->height,
      enc->scratch.data + luma, enc->scratch.size - luma);
  if (err != IMCORE_OK)
    return err;
  copy.planes[0] = enc->scratch.data;
  copy.strides[0] = pw;
  err = imcore_image_yuv_to_jfif (img, from, &copy);
  if (err != IMCORE_OK)
    return err;
  if (pw > img->width) {
    for (uint32_t y = 0; y < img->height; y++)
      copy.planes[0][(size_t) y * pw + img->width] =
          copy.planes[0][(size_t) y * pw + img->width - 1];
  }
  if (ph > img->height)
    memcpy (copy.planes[0] + (size_t) img->height * pw,
        copy.planes[0] + (size_t) (img->height - 1) * pw, pw);
  *img = copy;
  return IMCORE_OK;
}

static bool
strides_fit_int (const ImcoreImage * img)
{
  for (unsigned i = 0; i < imcore_pixel_n_planes (img->format); i++) {
    if (img->strides[i] > INT_MAX)
      return false;
  }
  return true;
}

ImcoreError
imcore_jpeg_encode (ImcoreJpegEncoder * enc, const ImcoreImage * img,
    const ImcoreJpegParams * params, uint8_t * out, size_t out_size,
    size_t *out_len)
{
  const int flags = TJFLAG_NOREALLOC;
  unsigned char *dst = out;
  unsigned long len = out_size;
  ImcoreImage src;
  size_t bound;
  int samp, pf, r;

  if (!enc || !img || !params || !out || !out_len)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  enc->error[0] = '\0';
  if (params->quality < 1 || params->quality > 100 ||
      img->width == 0 || img->height == 0 ||
      imcore_pixel_n_planes (img->format) == 0)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  for (unsigned i = 0; i < imcore_pixel_n_planes (img->format); i++) {
    if (!img->planes[i])
      return IMCORE_ERROR_INVALID_ARGUMENT;
  }
  if (!imcore_jpeg_accepts (img->format, params->subsampling))
    return IMCORE_ERROR_UNSUPPORTED_FORMAT;
  bound = imcore_jpeg_bound (img->width, img->height, params->subsampling);
  if (bound == 0 || !strides_fit_int (img))
    return IMCORE_ERROR_TOO_LARGE;
  /* TJFLAG_NOREALLOC trusts the buffer to hold tjBufSize() bytes. */
  if (out_size < bound)
    return IMCORE_ERROR_NO_SPACE;

  samp = tj_subsampling (params->subsampling);
  src = *img;
  pf = tj_pixel_format (img->format);

  if (pf >= 0) {
    r = tjCompress2 (enc->tj, src.planes[0], (int) src.width,
        (int) src.strides[0], (int) src.height, pf, &dst, &len, samp,
        params->quality, flags);
  } else {
    const unsigned char *planes[3];
    int strides[3];

    unsigned hs, vs;

    imcore_pixel_chroma_shift (src.format, &hs, &vs);
    if (!imcore_yuv_is_jfif (&params->yuv) ||
        (params->subsampling != IMCORE_SUBSAMPLING_GRAY &&
            ((hs && (src.width & 1)) || (vs && (src.height & 1))))) {
      ImcoreError err = convert_into_scratch (enc, &src, &params->yuv);

      if (err != IMCORE_OK)
        return err;
    }
    for (unsigned i = 0; i < 3; i++) {
      planes[i] = src.planes[i];
      strides[i] = (int) src.strides[i];
    }
    r = tjCompressFromYUVPlanes (enc->tj, planes, (int) src.width, strides,
        (int) src.height, samp, &dst, &len, params->quality, flags);
  }

  if (r != 0) {
    snprintf (enc->error, sizeof (enc->error), "%s",
        tjGetErrorStr2 (enc->tj));
    return IMCORE_ERROR_CODEC;
  }
  if (dst != out || len > out_size) {
    /* cannot happen with NOREALLOC and a bound-sized buffer */
    snprintf (enc->error, sizeof (enc->error), "encoder overran its buffer");
    return IMCORE_ERROR_CODEC;
  }
  *out_len = len;
  return IMCORE_OK;
}
