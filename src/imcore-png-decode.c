/* gst-imencode core: PNG decoding with libpng
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-png.h"
#include "imcore-scan.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ImcorePngDecoder
{
  ImcoreScratch scratch;        /* RGB rows for gray output */
  png_bytep *rows;
  size_t n_rows;
  char error[200];
  char warning[120];            /* libpng's last warning in this image */
};

/* The compressed image being read by libpng. */
typedef struct
{
  const uint8_t *data;
  size_t len, pos;
} PngSource;

ImcorePngDecoder *
imcore_png_decoder_new (void)
{
  return calloc (1, sizeof (ImcorePngDecoder));
}

void
imcore_png_decoder_free (ImcorePngDecoder * dec)
{
  if (!dec)
    return;
  imcore_scratch_clear (&dec->scratch);
  free (dec->rows);
  free (dec);
}

const char *
imcore_png_decoder_last_error (ImcorePngDecoder * dec)
{
  return dec ? dec->error : "";
}

static uint32_t
be32 (const uint8_t * p)
{
  return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) |
      ((uint32_t) p[2] << 8) | p[3];
}

/* Reads the header at @data into @info; returns NULL, or what is wrong
 * with it. */
static const char *
header_problem (const uint8_t * data, size_t len, ImcorePngInfo * info,
    char *why, size_t why_size)
{
  unsigned depth, type;
  size_t pos;

  /* signature, then IHDR: length 13, "IHDR", 13 bytes, CRC */
  if (imcore_image_kind (data, len) != IMCORE_IMAGE_PNG)
    return "no PNG signature";
  if (len < 8 + 8 + 13 + 4)
    return "the data ends inside the IHDR chunk";
  if (be32 (data + 8) != 13 || memcmp (data + 12, "IHDR", 4) != 0)
    return "the first chunk is not a 13-byte IHDR";
  info->width = be32 (data + 16);
  info->height = be32 (data + 20);
  depth = data[24];
  type = data[25];
  if (info->width == 0 || info->height == 0 ||
      info->width > PNG_UINT_31_MAX || info->height > PNG_UINT_31_MAX) {
    snprintf (why, why_size, "IHDR: size %ux%u is not allowed (1 to 2^31-1 "
        "a side)", info->width, info->height);
    return why;
  }
  /* the combinations the PNG specification allows */
  switch (type) {
    case 0:                    /* gray */
      if (depth != 1 && depth != 2 && depth != 4 && depth != 8 && depth != 16)
        goto bad_depth;
      break;
    case 3:                    /* palette */
      if (depth != 1 && depth != 2 && depth != 4 && depth != 8)
        goto bad_depth;
      break;
    case 2:                    /* RGB */
    case 4:                    /* gray + alpha */
    case 6:                    /* RGBA */
      if (depth != 8 && depth != 16)
        goto bad_depth;
      break;
    default:
      snprintf (why, why_size, "IHDR: colour type %u does not exist", type);
      return why;
  }
  if (data[28] > 1) {
    snprintf (why, why_size, "IHDR: interlace method %u does not exist",
        data[28]);
    return why;
  }
  info->bit_depth = depth;
  info->color = (type & 2) != 0;
  info->palette = type == 3;
  info->alpha = (type & 4) != 0;
  info->interlaced = data[28] == 1;

  /* a tRNS chunk before the image data also means alpha */
  for (pos = 8 + 25; len - pos >= 12;) {
    uint32_t clen = be32 (data + pos);

    if (memcmp (data + pos + 4, "IDAT", 4) == 0)
      break;
    if (memcmp (data + pos + 4, "tRNS", 4) == 0)
      info->alpha = true;
    if (clen > len - pos - 12)
      break;
    pos += 12 + (size_t) clen;
  }
  return NULL;

bad_depth:
  snprintf (why, why_size, "IHDR: bit depth %u is not allowed for colour "
      "type %u", depth, type);
  return why;
}

ImcoreError
imcore_png_read_info (const uint8_t * data, size_t len, ImcorePngInfo * info)
{
  char why[120];

  if (!data || !info)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  return header_problem (data, len, info, why, sizeof (why)) ?
      IMCORE_ERROR_INVALID_INPUT : IMCORE_OK;
}

ImcoreError
imcore_png_decoder_read_info (ImcorePngDecoder * dec, const uint8_t * data,
    size_t len, ImcorePngInfo * info)
{
  const char *problem;

  if (!dec || !data || !info)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  dec->warning[0] = '\0';
  problem = header_problem (data, len, info, dec->error,
      sizeof (dec->error));
  if (!problem) {
    dec->error[0] = '\0';
    return IMCORE_OK;
  }
  if (problem != dec->error)
    snprintf (dec->error, sizeof (dec->error), "%s", problem);
  return IMCORE_ERROR_INVALID_INPUT;
}

bool
imcore_png_decode_accepts (ImcorePixelFormat format)
{
  return format == IMCORE_PIXEL_GRAY8 ||
      (imcore_pixel_n_planes (format) == 1 && imcore_pixel_bytes (format) >= 3);
}

static void
png_read_from_memory (png_structp png, png_bytep out, size_t n)
{
  PngSource *src = png_get_io_ptr (png);

  if (n > src->len - src->pos)
    png_error (png, "the PNG data ends early (truncated)");
  memcpy (out, src->data + src->pos, n);
  src->pos += n;
}

static void
png_on_error (png_structp png, png_const_charp msg)
{
  ImcorePngDecoder *dec = png_get_error_ptr (png);

  /* the last warning often says what led to the error */
  if (dec->warning[0])
    snprintf (dec->error, sizeof (dec->error), "%s (after libpng's "
        "warning: %s)", msg, dec->warning);
  else
    snprintf (dec->error, sizeof (dec->error), "%s", msg);
  png_longjmp (png, 1);
}

static void
png_on_warning (png_structp png, png_const_charp msg)
{
  ImcorePngDecoder *dec = png_get_error_ptr (png);

  /* benign ancillary-chunk problems: decoding goes on, the text is kept
   * for an error that may follow */
  snprintf (dec->warning, sizeof (dec->warning), "%s", msg);
}

/* Row-pointer array of @n entries, kept for the next image. */
static png_bytep *
row_pointers (ImcorePngDecoder * dec, size_t n)
{
  if (dec->n_rows < n) {
    png_bytep *p = realloc (dec->rows, n * sizeof (png_bytep));

    if (!p)
      return NULL;
    dec->rows = p;
    dec->n_rows = n;
  }
  return dec->rows;
}

/* Sets libpng's transformations so that rows come out as @format (GRAY8
 * from a colour image comes out as RGB, converted afterwards); returns the
 * bytes per pixel libpng will write. */
static unsigned
set_transforms (png_structp png, png_infop info, ImcorePixelFormat format,
    bool *rgb_for_gray)
{
  int depth = png_get_bit_depth (png, info);
  int type = png_get_color_type (png, info);
  bool color = (type & PNG_COLOR_MASK_COLOR) != 0;
  bool want_alpha = imcore_pixel_has_alpha (format);
  unsigned bpp = imcore_pixel_bytes (format);

  if (depth == 16)
    png_set_strip_16 (png);
  if (type == PNG_COLOR_TYPE_PALETTE)
    png_set_palette_to_rgb (png);       /* also turns tRNS into alpha */
  if (type == PNG_COLOR_TYPE_GRAY && depth < 8)
    png_set_expand_gray_1_2_4_to_8 (png);
  if (want_alpha && png_get_valid (png, info, PNG_INFO_tRNS))
    png_set_tRNS_to_alpha (png);

  *rgb_for_gray = format == IMCORE_PIXEL_GRAY8 && color;
  if (format == IMCORE_PIXEL_GRAY8 || bpp == 3) {
    /* no alpha wanted: drop what the image or tRNS expansion has */
    png_set_strip_alpha (png);
    if (format == IMCORE_PIXEL_GRAY8)
      return color ? 3 : 1;
  }
  if (!color)
    png_set_gray_to_rgb (png);
  if (format == IMCORE_PIXEL_BGR || format == IMCORE_PIXEL_BGRA ||
      format == IMCORE_PIXEL_BGRX || format == IMCORE_PIXEL_ABGR ||
      format == IMCORE_PIXEL_XBGR)
    png_set_bgr (png);
  if (bpp == 4) {
    bool first = format == IMCORE_PIXEL_ARGB || format == IMCORE_PIXEL_ABGR ||
        format == IMCORE_PIXEL_XRGB || format == IMCORE_PIXEL_XBGR;
    bool has_alpha = (type & PNG_COLOR_MASK_ALPHA) ||
        (png_get_valid (png, info, PNG_INFO_tRNS) &&
        (want_alpha || type == PNG_COLOR_TYPE_PALETTE));

    if (has_alpha && !want_alpha)
      png_set_strip_alpha (png);        /* padding formats: 255 instead */
    if (has_alpha && want_alpha) {
      if (first)
        png_set_swap_alpha (png);
    } else {
      png_set_filler (png, 0xff, first ? PNG_FILLER_BEFORE :
          PNG_FILLER_AFTER);
    }
  }
  return bpp;
}

/* Fails unless the 12 bytes libpng read last are an intact IEND chunk.
 * libpng 1.6.48 (Debian 13) no longer checks IEND's CRC; IEND carries no
 * data, so its bytes are fixed and compared whole. */
static void
check_iend (png_structp png)
{
  static const uint8_t iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D',
    0xae, 0x42, 0x60, 0x82
  };
  const PngSource *src = png_get_io_ptr (png);

  if (src->pos < sizeof (iend) ||
      memcmp (src->data + src->pos - sizeof (iend), iend, sizeof (iend)) != 0)
    png_error (png, "IEND chunk damaged");
}

/* Everything libpng may longjmp out of, after the error handler is set:
 * header, transformations, the rows, then gray from RGB if needed. Sets
 * *@err before a png_error() that is not about the data. */
static void
read_image (ImcorePngDecoder * dec, png_structp png, png_infop info,
    const ImcoreImage * dest, volatile ImcoreError * err)
{
  bool rgb_for_gray = false;
  unsigned bpp;
  uint8_t *rgb = NULL;
  png_bytep *rows;

  /* refuse what the caller did not size @dest for before any allocation */
  png_set_user_limits (png, dest->width, dest->height);
  png_read_info (png, info);
  if (png_get_image_width (png, info) != dest->width ||
      png_get_image_height (png, info) != dest->height) {
    *err = IMCORE_ERROR_INVALID_ARGUMENT;
    png_error (png, "the image size is not the destination's");
  }

  bpp = set_transforms (png, info, dest->format, &rgb_for_gray);
  png_set_interlace_handling (png);
  png_read_update_info (png, info);
  if (png_get_rowbytes (png, info) != (size_t) dest->width * bpp)
    png_error (png, "unexpected row size after transformations");

  rows = row_pointers (dec, dest->height);
  if (rows && rgb_for_gray && (size_t) dest->width <= SIZE_MAX / 3 /
      dest->height)
    rgb = imcore_scratch_get (&dec->scratch,
        (size_t) dest->width * 3 * dest->height);
  if (!rows || (rgb_for_gray && !rgb)) {
    *err = IMCORE_ERROR_OUT_OF_MEMORY;
    png_error (png, "out of memory");
  }
  for (uint32_t y = 0; y < dest->height; y++)
    rows[y] = rgb ? rgb + (size_t) y * dest->width * 3 :
        dest->planes[0] + (size_t) y * dest->strides[0];
  png_read_image (png, rows);
  png_read_end (png, NULL);
  check_iend (png);

  if (rgb) {
    /* BT.601 luma in 16-bit fixed point, rounded (Pillow's "L") */
    for (uint32_t y = 0; y < dest->height; y++) {
      const uint8_t *in = rgb + (size_t) y * dest->width * 3;
      uint8_t *out = dest->planes[0] + (size_t) y * dest->strides[0];

      for (uint32_t x = 0; x < dest->width; x++, in += 3)
        out[x] = (uint8_t) ((in[0] * 19595u + in[1] * 38470u +
                in[2] * 7471u + 0x8000u) >> 16);
    }
  }
}

ImcoreError
imcore_png_decode (ImcorePngDecoder * dec, const uint8_t * data, size_t len,
    const ImcoreImage * dest)
{
  PngSource src = { data, len, 0 };
  ImcorePngInfo hdr;
  png_structp png = NULL;
  png_infop info = NULL;
  volatile ImcoreError err = IMCORE_ERROR_INVALID_INPUT;

  if (!dec || !data || !dest)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  dec->error[0] = '\0';
  dec->warning[0] = '\0';
  if (!imcore_png_decode_accepts (dest->format))
    return IMCORE_ERROR_UNSUPPORTED_FORMAT;
  if (imcore_image_kind (data, len) != IMCORE_IMAGE_PNG) {
    snprintf (dec->error, sizeof (dec->error), "not a PNG signature");
    return IMCORE_ERROR_INVALID_INPUT;
  }
  /* A @dest of another size is the caller's mistake: say so before libpng,
   * whose user limits (below) take an image larger than them for corrupt
   * data. */
  if (imcore_png_read_info (data, len, &hdr) == IMCORE_OK &&
      (hdr.width != dest->width || hdr.height != dest->height)) {
    snprintf (dec->error, sizeof (dec->error), "the image is %ux%u, the "
        "destination %ux%u", hdr.width, hdr.height, dest->width,
        dest->height);
    return IMCORE_ERROR_INVALID_ARGUMENT;
  }

  png = png_create_read_struct (PNG_LIBPNG_VER_STRING, dec, png_on_error,
      png_on_warning);
  if (png)
    info = png_create_info_struct (png);
  if (!png || !info) {
    png_destroy_read_struct (&png, &info, NULL);
    return IMCORE_ERROR_OUT_OF_MEMORY;
  }
  if (setjmp (png_jmpbuf (png))) {
    png_destroy_read_struct (&png, &info, NULL);
    return err;
  }
  png_set_read_fn (png, &src, png_read_from_memory);
  read_image (dec, png, info, dest, &err);
  png_destroy_read_struct (&png, &info, NULL);
  return IMCORE_OK;
}
