/* gst-imencode core: PNG encoding with libpng
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef IMCORE_PNG_H
#define IMCORE_PNG_H

#include "imcore-image.h"

/* Largest PNG dimension written: libpng's default user limit (the format
 * itself would take 2^31 - 1). */
#define IMCORE_PNG_MAX_DIMENSION 1000000u

typedef struct
{
  /* zlib level 0..9. 0 stores; 1 is tuned for speed (UP filter, and a
   * zlib strategy chosen from how flat the image is: Huffman-only for
   * photo-like content, run-length matching in between, the default
   * matcher for flat screen-like content); 2..9 use libpng's adaptive
   * filters and trade more time for smaller files. */
  int compression_level;
  /* Appended, so that initializers listing the field above still work. */
  /* Exif TIFF bytes (imcore_exif_write_tiff()), written as an eXIf chunk
   * before the image data; NULL or @exif_len 0: none. At most
   * IMCORE_PNG_MAX_EXIF bytes. The caller adds the chunk to the bound:
   * imcore_png_bound_exif(). */
  const uint8_t *exif;
  size_t exif_len;
} ImcorePngParams;

/* Largest Exif payload written (an eXIf chunk could hold 2^31 - 1 bytes;
 * a capture time takes about a hundred). */
#define IMCORE_PNG_MAX_EXIF 65535u



/* The PNG colour type written for @format: gray for GRAY8, RGBA for formats
 * with alpha, RGB for the other packed formats; planar YUV is refused. */
typedef enum
{
  IMCORE_PNG_GRAY,
  IMCORE_PNG_RGB,
  IMCORE_PNG_RGBA,
  IMCORE_PNG_UNSUPPORTED,
} ImcorePngColor;

/* The colour type imcore_png_encode() writes for @format. */
ImcorePngColor imcore_png_color_for (ImcorePixelFormat format);

/* Worst-case size of the PNG imcore_png_encode() writes for a @format
 * image of @width x @height at any level (stored deflate blocks plus chunk
 * overhead). 0 on overflow or for an unsupported @format. */
size_t imcore_png_bound (ImcorePixelFormat format, uint32_t width,
    uint32_t height);

/* imcore_png_bound() with an eXIf chunk of @exif_len bytes (0: none):
 * plus the chunk's length, type and CRC. 0 on overflow. */
size_t imcore_png_bound_exif (ImcorePixelFormat format, uint32_t width,
    uint32_t height, size_t exif_len);

/* Encodes @img (GRAY8 or a packed RGB format; X bytes are dropped, alpha
 * kept) as an 8-bit non-interlaced PNG into the caller's @out of @out_size
 * bytes; IMCORE_ERROR_NO_SPACE if it does not fit (imcore_png_bound() is
 * always enough, imcore_png_bound_exif() with Exif).
 * Exif bytes over IMCORE_PNG_MAX_EXIF, or NULL with a length, fail with
 * IMCORE_ERROR_INVALID_ARGUMENT; a libpng built without eXIf support with
 * IMCORE_ERROR_UNSUPPORTED_FORMAT. On success writes the byte count to
 * @out_len. libpng allocates its own state for the duration of the call. */
ImcoreError imcore_png_encode (const ImcoreImage * img,
    const ImcorePngParams * params, uint8_t * out, size_t out_size,
    size_t *out_len);

/* Working memory for libpng and zlib, kept from one
 * imcore_png_encode_reusing() call to the next, so that encoding images of
 * one shape over and over allocates nothing once it has grown. Zero it
 * before the first use; free it with imcore_png_arena_clear(). One arena
 * per thread. */
typedef struct
{
  ImcoreScratch mem;
  size_t used;                  /* bytes handed out during this image */
  size_t wanted;                /* what this image asked for in all */
  char error[200];              /* libpng's message for the last failure */
} ImcorePngArena;

/* As imcore_png_encode(), with libpng's and zlib's memory taken from
 * @arena: whatever does not fit is allocated as usual for this image, and
 * the arena grows to hold it all from the next image on. */
ImcoreError imcore_png_encode_reusing (const ImcoreImage * img,
    const ImcorePngParams * params, ImcorePngArena * arena, uint8_t * out,
    size_t out_size, size_t *out_len);

/* Frees the memory of @arena and zeroes it. */
void imcore_png_arena_clear (ImcorePngArena * arena);

/* libpng's message for the last imcore_png_encode_reusing() with @arena
 * that failed in libpng ("" after a success or a failure of ours, such as
 * IMCORE_ERROR_NO_SPACE, which says it all). */
const char *imcore_png_arena_last_error (const ImcorePngArena * arena);

/* ---- decoding ---- */

/* What a PNG's IHDR (and the chunks before the image data) say, learnt
 * before any pixel is decoded. */
typedef struct
{
  uint32_t width, height;
  unsigned bit_depth;           /* 1, 2, 4, 8 or 16 */
  bool color;                   /* RGB or palette, else gray */
  bool palette;
  bool alpha;                   /* an alpha channel or a tRNS chunk */
  bool interlaced;              /* Adam7 */
} ImcorePngInfo;

typedef struct ImcorePngDecoder ImcorePngDecoder;

/* A new decoder (scratch memory and the last error message, reused from
 * image to image); one per thread. NULL when out of memory. */
ImcorePngDecoder *imcore_png_decoder_new (void);

/* Frees @dec; NULL is allowed. */
void imcore_png_decoder_free (ImcorePngDecoder * dec);

/* libpng's (or our) message for the last failure of @dec (or ""), with
 * the last warning libpng gave before it, if any. */
const char *imcore_png_decoder_last_error (ImcorePngDecoder * dec);

/* Reads the signature, IHDR and the chunks up to the first IDAT of the @len
 * bytes at @data into @info, without libpng and without decoding pixels.
 * IMCORE_ERROR_INVALID_INPUT if that much is not a valid PNG start. */
ImcoreError imcore_png_read_info (const uint8_t * data, size_t len,
    ImcorePngInfo * info);

/* imcore_png_read_info(), leaving in @dec's last error what is wrong with
 * the header when it fails ("IHDR: bit depth 3 is not allowed for colour
 * type 2"...). */
ImcoreError imcore_png_decoder_read_info (ImcorePngDecoder * dec,
    const uint8_t * data, size_t len, ImcorePngInfo * info);

/* Whether imcore_png_decode() writes @format: packed RGB in any order,
 * with alpha (from the image's alpha or tRNS, else 255) or padding, and
 * GRAY8 (colour to gray with BT.601 weights, as Pillow and OpenCV do). */
bool imcore_png_decode_accepts (ImcorePixelFormat format);

/* Decodes the PNG of @len bytes at @data into @dest (accepted format, the
 * image's size): any bit depth (16-bit samples keep their high byte),
 * palette, gray, alpha, tRNS, Adam7 interlacing. Alpha is dropped, not
 * composited, for formats without it. Truncated or corrupt data (CRC
 * errors included) fail with IMCORE_ERROR_INVALID_INPUT; @dest may then
 * hold part of an image. */
ImcoreError imcore_png_decode (ImcorePngDecoder * dec, const uint8_t * data,
    size_t len, const ImcoreImage * dest);

#endif /* IMCORE_PNG_H */
