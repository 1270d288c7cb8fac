/* gst-imencode core: JPEG decoding with libjpeg-turbo
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-jpeg.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

/* Warnings (a truncated stream is one) are errors: no partial image is
 * ever passed off as a whole one. LIMITSCANS refuses progressive JPEGs
 * built to take minutes to decode. */
#define DECODE_FLAGS (TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS)

struct ImcoreJpegDecoder
{
  tjhandle tj;
  bool tj_used;                 /* tj has read a stream since it was made */
  ImcoreScratch scratch;
  char error[200];
};

ImcoreJpegDecoder *
imcore_jpeg_decoder_new (void)
{
  ImcoreJpegDecoder *dec = calloc (1, sizeof (*dec));

  if (!dec)
    return NULL;
  dec->tj = tjInitDecompress ();
  if (!dec->tj) {
    free (dec);
    return NULL;
  }
  return dec;
}

void
imcore_jpeg_decoder_free (ImcoreJpegDecoder * dec)
{
  if (!dec)
    return;
  tjDestroy (dec->tj);
  imcore_scratch_clear (&dec->scratch);
  free (dec);
}

const char *
imcore_jpeg_decoder_last_error (ImcoreJpegDecoder * dec)
{
  return dec ? dec->error : "";
}

/* Replaces the TurboJPEG handle with a new one (the old one is kept if
 * that fails). */
static void
renew_tj (ImcoreJpegDecoder * dec)
{
  tjhandle fresh = tjInitDecompress ();

  if (fresh) {
    tjDestroy (dec->tj);
    dec->tj = fresh;
    dec->tj_used = false;
  }
}

/* Keeps TurboJPEG's message and replaces the handle: after a failure
 * inside libjpeg its state is left mid-stream, and the next header read
 * would continue from there and report a garbage size. */
static ImcoreError
tj_failed (ImcoreJpegDecoder * dec)
{
  snprintf (dec->error, sizeof (dec->error), "%s", tjGetErrorStr2 (dec->tj));
  renew_tj (dec);
  return IMCORE_ERROR_INVALID_INPUT;
}

/* Walks the marker segments before the first scan: whether there is a
 * frame header (SOFn), and whether it is progressive. */
static bool
find_frame_header (const uint8_t * data, size_t len, bool *progressive)
{
  bool sof = false;

  *progressive = false;
  for (size_t i = 2; i + 3 < len && data[i] == 0xff;) {
    unsigned marker = data[i + 1];
    size_t seg = ((size_t) data[i + 2] << 8) | data[i + 3];

    if (marker == 0xff) {       /* fill byte */
      i++;
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 &&
        marker != 0xc8 && marker != 0xcc) {
      sof = true;
      *progressive = marker == 0xc2 || marker == 0xc6 || marker == 0xca ||
          marker == 0xce;
    }
    if (marker == 0xda || seg < 2)
      break;
    i += 2 + seg;
  }
  return sof;
}

/* The TurboJPEG header fields of @data; false (error set) if unreadable.
 * A stream cut before its frame header is refused here: TurboJPEG would
 * report the size of a frame it has not seen. */
static bool
read_header (ImcoreJpegDecoder * dec, const uint8_t * data, size_t len,
    int *w, int *h, int *samp, int *cs)
{
  bool progressive;

  if (!find_frame_header (data, len, &progressive)) {
    snprintf (dec->error, sizeof (dec->error), "no frame header (SOF) "
        "before the image data");
    return false;
  }
  /* A tables-only stream (EOI before any SOF: the walk above takes an EOI
   * for a segment) makes libjpeg-turbo 2.1 return success without writing
   * the fields: 0x0 is then refused below, not whatever was there. */
  *w = *h = 0;
  *samp = *cs = -1;
  /* Each image starts from a new handle: libjpeg keeps Huffman and
   * quantization tables from one image to the next (for abbreviated
   * streams), so a JPEG without its own (Motion-JPEG frames often leave
   * out the standard Huffman tables) would be decoded with the tables of
   * whatever image came before. */
  if (dec->tj_used)
    renew_tj (dec);
  dec->tj_used = true;
  if (len == 0 || len > (unsigned long) -1 ||
      tjDecompressHeader3 (dec->tj, data, (unsigned long) len, w, h, samp,
          cs) != 0) {
    tj_failed (dec);
    return false;
  }
  if (*w <= 0 || *h <= 0 || *w > (int) IMCORE_JPEG_MAX_DIMENSION ||
      *h > (int) IMCORE_JPEG_MAX_DIMENSION) {
    snprintf (dec->error, sizeof (dec->error), "bad image size %dx%d", *w,
        *h);
    return false;
  }
  return true;
}

ImcoreError
imcore_jpeg_read_info (ImcoreJpegDecoder * dec, const uint8_t * data,
    size_t len, ImcoreJpegInfo * info)
{
  int w, h, samp, cs;

  if (!dec || !data || !info)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  dec->error[0] = '\0';
  if (!read_header (dec, data, len, &w, &h, &samp, &cs))
    return IMCORE_ERROR_INVALID_INPUT;
  info->width = (uint32_t) w;
  info->height = (uint32_t) h;
  info->gray = cs == TJCS_GRAY;
  info->cmyk = cs == TJCS_CMYK || cs == TJCS_YCCK;
  find_frame_header (data, len, &info->progressive);
  return IMCORE_OK;
}

bool
imcore_scaled_size (uint32_t width, uint32_t height, unsigned denom,
    uint32_t * scaled_width, uint32_t * scaled_height)
{
  if (denom != 1 && denom != 2 && denom != 4 && denom != 8)
    return false;
  *scaled_width = (uint32_t) (((uint64_t) width + denom - 1) / denom);
  *scaled_height = (uint32_t) (((uint64_t) height + denom - 1) / denom);
  return true;
}

static int
tj_pixel_format (ImcorePixelFormat format)
{
  switch (format) {
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

bool
imcore_jpeg_decode_accepts (const ImcoreJpegInfo * info,
    ImcorePixelFormat format)
{
  if (format == IMCORE_PIXEL_I420 || format == IMCORE_PIXEL_GRAY8)
    return !info->cmyk;
  return tj_pixel_format (format) >= 0;
}

/* Horizontal and vertical chroma factors of a TurboJPEG subsampling. */
static void
chroma_factors (int samp, unsigned *fx, unsigned *fy)
{
  switch (samp) {
    case TJSAMP_422:
      *fx = 2, *fy = 1;
      break;
    case TJSAMP_420:
      *fx = 2, *fy = 2;
      break;
    case TJSAMP_440:
      *fx = 1, *fy = 2;
      break;
    case TJSAMP_411:
      *fx = 4, *fy = 1;
      break;
    default:
      *fx = 1, *fy = 1;
      break;
  }
}

/* I420 from a JPEG whose planes do not fit @dest as they are: decoded into
 * scratch planes, luma copied, chroma averaged onto the 4:2:0 grid (a box
 * over the luma pixels each output sample covers), or 128 for gray. */
static ImcoreError
decode_i420_via_scratch (ImcoreJpegDecoder * dec, const uint8_t * data,
    size_t len, int samp, const ImcoreImage * dest)
{
  const uint32_t w = dest->width, h = dest->height;
  const bool gray = samp == TJSAMP_GRAY;
  const int ncomp = gray ? 1 : 3;
  int strides[3];
  size_t offsets[3], total = 0;
  uint8_t *planes[3], *buf;
  unsigned fx, fy;

  for (int c = 0; c < ncomp; c++) {
    int pw = tjPlaneWidth (c, (int) w, samp);
    int ph = tjPlaneHeight (c, (int) h, samp);

    if (pw <= 0 || ph <= 0)
      return tj_failed (dec);
    strides[c] = pw;
    offsets[c] = total;
    total += (size_t) pw * (size_t) ph;
  }
  buf = imcore_scratch_get (&dec->scratch, total);
  if (!buf)
    return IMCORE_ERROR_OUT_OF_MEMORY;
  for (int c = 0; c < ncomp; c++)
    planes[c] = buf + offsets[c];
  if (tjDecompressToYUVPlanes (dec->tj, data, (unsigned long) len, planes,
          (int) w, strides, (int) h, DECODE_FLAGS) != 0)
    return tj_failed (dec);

  for (uint32_t y = 0; y < h; y++)
    memcpy (dest->planes[0] + (size_t) y * dest->strides[0],
        planes[0] + (size_t) y * strides[0], w);

  chroma_factors (samp, &fx, &fy);
  for (int c = 1; c < 3; c++) {
    const uint32_t cw = (w + 1) / 2, ch = (h + 1) / 2;

    for (uint32_t cy = 0; cy < ch; cy++) {
      uint8_t *out = dest->planes[c] + (size_t) cy * dest->strides[c];

      if (gray) {
        memset (out, 128, cw);
        continue;
      }
      for (uint32_t cx = 0; cx < cw; cx++) {
        /* the luma pixels this sample covers, clipped to the image */
        uint32_t x0 = 2 * cx, y0 = 2 * cy;
        uint32_t x1 = x0 + 1 < w ? x0 + 1 : x0;
        uint32_t y1 = y0 + 1 < h ? y0 + 1 : y0;
        const uint8_t *row0 = planes[c] + (size_t) (y0 / fy) * strides[c];
        const uint8_t *row1 = planes[c] + (size_t) (y1 / fy) * strides[c];
        unsigned sum = row0[x0 / fx] + row0[x1 / fx] + row1[x0 / fx] +
            row1[x1 / fx];

        out[cx] = (uint8_t) ((sum + 2) / 4);
      }
    }
  }
  return IMCORE_OK;
}

/* Packed RGB from a CMYK JPEG: decoded as CMYK into scratch, then
 * R = C'K'/255 etc. (Adobe's inverted CMYK, as Photoshop and Pillow write
 * it), rounded like Pillow's MULDIV255. */
static ImcoreError
decode_cmyk (ImcoreJpegDecoder * dec, const uint8_t * data, size_t len,
    const ImcoreImage * dest)
{
  const uint32_t w = dest->width, h = dest->height;
  const unsigned bpp = imcore_pixel_bytes (dest->format);
  int ri, gi, bi, ai = -1;
  uint8_t *cmyk;

  switch (dest->format) {
    case IMCORE_PIXEL_RGB:
      ri = 0, gi = 1, bi = 2;
      break;
    case IMCORE_PIXEL_BGR:
      ri = 2, gi = 1, bi = 0;
      break;
    case IMCORE_PIXEL_RGBA:
    case IMCORE_PIXEL_RGBX:
      ri = 0, gi = 1, bi = 2, ai = 3;
      break;
    case IMCORE_PIXEL_BGRA:
    case IMCORE_PIXEL_BGRX:
      ri = 2, gi = 1, bi = 0, ai = 3;
      break;
    case IMCORE_PIXEL_ARGB:
    case IMCORE_PIXEL_XRGB:
      ai = 0, ri = 1, gi = 2, bi = 3;
      break;
    case IMCORE_PIXEL_ABGR:
    case IMCORE_PIXEL_XBGR:
      ai = 0, bi = 1, gi = 2, ri = 3;
      break;
    default:
      return IMCORE_ERROR_UNSUPPORTED_FORMAT;
  }
  if ((size_t) w > SIZE_MAX / 4 / h)
    return IMCORE_ERROR_TOO_LARGE;
  cmyk = imcore_scratch_get (&dec->scratch, (size_t) w * h * 4);
  if (!cmyk)
    return IMCORE_ERROR_OUT_OF_MEMORY;
  if (tjDecompress2 (dec->tj, data, (unsigned long) len, cmyk, (int) w,
          (int) w * 4, (int) h, TJPF_CMYK, DECODE_FLAGS) != 0)
    return tj_failed (dec);

  for (uint32_t y = 0; y < h; y++) {
    const uint8_t *in = cmyk + (size_t) y * w * 4;
    uint8_t *out = dest->planes[0] + (size_t) y * dest->strides[0];

    for (uint32_t x = 0; x < w; x++, in += 4, out += bpp) {
      unsigned k = in[3], t;

#define MUL255(a) (t = (a) * k + 128, (uint8_t) ((t + (t >> 8)) >> 8))
      out[ri] = MUL255 (in[0]);
      out[gi] = MUL255 (in[1]);
      out[bi] = MUL255 (in[2]);
#undef MUL255
      if (ai >= 0)
        out[ai] = 255;
    }
  }
  return IMCORE_OK;
}

ImcoreError
imcore_jpeg_decode (ImcoreJpegDecoder * dec, const uint8_t * data,
    size_t len, unsigned denom, const ImcoreImage * dest)
{
  ImcoreJpegInfo info;
  uint32_t sw, sh;
  int w, h, samp, cs;

  if (!dec || !data || !dest)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  dec->error[0] = '\0';
  if (!read_header (dec, data, len, &w, &h, &samp, &cs))
    return IMCORE_ERROR_INVALID_INPUT;
  info.width = (uint32_t) w;
  info.height = (uint32_t) h;
  info.gray = cs == TJCS_GRAY;
  info.cmyk = cs == TJCS_CMYK || cs == TJCS_YCCK;
  info.progressive = false;
  if (!imcore_scaled_size (info.width, info.height, denom, &sw, &sh))
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if (dest->width != sw || dest->height != sh)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if (!imcore_jpeg_decode_accepts (&info, dest->format))
    return IMCORE_ERROR_UNSUPPORTED_FORMAT;
  for (unsigned p = 0; p < imcore_pixel_n_planes (dest->format); p++)
    if (dest->strides[p] > INT_MAX)
      return IMCORE_ERROR_TOO_LARGE;

  if (info.cmyk)
    return decode_cmyk (dec, data, len, dest);

  if (dest->format == IMCORE_PIXEL_I420) {
    /* straight into the frame when its planes are what TurboJPEG writes:
     * 4:2:0 with even sizes (odd ones are padded to the MCU) */
    if (samp == TJSAMP_420 && sw % 2 == 0 && sh % 2 == 0) {
      uint8_t *planes[3] = { dest->planes[0], dest->planes[1],
        dest->planes[2]
      };
      int strides[3] = { (int) dest->strides[0], (int) dest->strides[1],
        (int) dest->strides[2]
      };

      if (tjDecompressToYUVPlanes (dec->tj, data, (unsigned long) len,
              planes, (int) sw, strides, (int) sh, DECODE_FLAGS) != 0)
        return tj_failed (dec);
      return IMCORE_OK;
    }
    return decode_i420_via_scratch (dec, data, len, samp, dest);
  }

  if (tjDecompress2 (dec->tj, data, (unsigned long) len, dest->planes[0],
          (int) sw, (int) dest->strides[0], (int) sh,
          tj_pixel_format (dest->format), DECODE_FLAGS) != 0)
    return tj_failed (dec);
  return IMCORE_OK;
}
