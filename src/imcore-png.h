/* gst-imencode core: PNG encoding (libdeflate) and decoding (libpng)
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The encoder writes the file itself: signature, IHDR, an optional eXIf,
 * the IDAT chunk(s) of one zlib stream made from the filtered rows, IEND.
 * Compression levels (ImcorePngParams):
 *
 *   0    stored deflate blocks (a valid PNG, no compression), no filter
 *   1    the fastest: runs and Huffman codes (imcore-deflate.h, zlib's
 *        Z_RLE strategy, OpenCV's default); the filter chosen row by row
 *        (the smallest sum of magnitudes, libpng's heuristic)
 *   2    libdeflate level 1 (matches at any distance)
 *   3-9  libdeflate level 3-9 (the same number: libdeflate's levels are
 *        on zlib's scale)
 *
 * At 2-9 the filters are one for the image (None, SUB or UP) or the
 * choice row by row, whichever deflates a sample of the image (strips of
 * 8 rows, 3 % of a large one) smallest. libdeflate's level 2 (between its
 * 1 and 3 in size and time) and 10-12 (near-optimal parsing, several
 * times slower than 9) are not used. Level 1 streams of 2 GiB or more go
 * to libdeflate level 1. Filters run AVX2 kernels where the CPU has them,
 * with portable twins writing the same bytes (imcore-pngfilter.h).
 */
#ifndef IMCORE_PNG_H
#define IMCORE_PNG_H

#include "imcore-deflate.h"
#include "imcore-image.h"

/* Largest PNG dimension written: libpng's default user limit, which
 * readers built on libpng apply (the format itself would take
 * 2^31 - 1). */
#define IMCORE_PNG_MAX_DIMENSION 1000000u

/* The smallest IDAT chunk an ImcorePngParams may ask for. */
#define IMCORE_PNG_MIN_IDAT_SIZE 8192u
/* The largest chunk the PNG format allows (and the default IDAT size: one
 * IDAT for any zlib stream below 2 GiB). */
#define IMCORE_PNG_MAX_CHUNK_SIZE 0x7fffffffu

/* How the encoder filters rows. */
typedef enum
{
  IMCORE_PNG_FILTERS_AUTO = 0,  /* by level: see the top of this file */
  IMCORE_PNG_FILTERS_NONE,      /* every row with one type */
  IMCORE_PNG_FILTERS_SUB,
  IMCORE_PNG_FILTERS_UP,
  IMCORE_PNG_FILTERS_AVG,
  IMCORE_PNG_FILTERS_PAETH,
  IMCORE_PNG_FILTERS_ADAPTIVE,  /* per row, smallest sum of magnitudes */
  IMCORE_PNG_FILTERS_N
} ImcorePngFilters;

/* Flags of ImcorePngParams */
#define IMCORE_PNG_PORTABLE (1u << 0)   /* no AVX2 filters, even if present */

/* What to write. Zero-initialise it and set what you need: { level } is a
 * plain PNG at that level. */
typedef struct
{
  int compression_level;        /* 0..9, see the top of this file */
  ImcorePngFilters filters;     /* AUTO unless measuring */
  unsigned flags;               /* 0 or IMCORE_PNG_PORTABLE */
  /* An eXIf chunk (PNG extensions 1.5.0), written before the image data:
   * @exif_len bytes of an Exif profile starting with its TIFF header ("II*\0"
   * or "MM\0*"; no "Exif\0\0" prefix, unlike JPEG's APP1), at most
   * IMCORE_PNG_MAX_CHUNK_SIZE. NULL / 0 for none. The caller adds the
   * chunk to the bound: imcore_png_bound_exif(). */
  const uint8_t *exif;
  size_t exif_len;
  /* Largest IDAT chunk: 0 for IMCORE_PNG_MAX_CHUNK_SIZE, else at least
   * IMCORE_PNG_MIN_IDAT_SIZE. */
  uint32_t idat_size;
} ImcorePngParams;

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
 * image of @width x @height, without eXIf, at any level and IDAT size
 * (libdeflate's bound for any compressor, plus the chunks). 0 on overflow
 * or for an unsupported @format. */
size_t imcore_png_bound (ImcorePixelFormat format, uint32_t width,
    uint32_t height);

/* imcore_png_bound() with an eXIf chunk of @exif_len bytes (0: none).
 * 0 on overflow. */
size_t imcore_png_bound_exif (ImcorePixelFormat format, uint32_t width,
    uint32_t height, size_t exif_len);

/* Encodes @img (GRAY8 or a packed RGB format; X bytes are dropped, alpha
 * kept) as an 8-bit non-interlaced PNG into the caller's @out of @out_size
 * bytes; IMCORE_ERROR_NO_SPACE if it does not fit (imcore_png_bound() is
 * always enough, imcore_png_bound_exif() with Exif); @out may then hold
 * part of a file. On success writes the byte count to @out_len. Allocates
 * its working memory (a filtered copy of the image and a compressor) for
 * the duration of the call: imcore_png_encode_reusing() keeps it. */
ImcoreError imcore_png_encode (const ImcoreImage * img,
    const ImcorePngParams * params, uint8_t * out, size_t out_size,
    size_t *out_len);

struct libdeflate_compressor;

/* Working memory kept from one imcore_png_encode_reusing() call to the
 * next, so that encoding images of one shape over and over allocates
 * nothing once it has grown: the filtered rows (deflate's input), a few
 * converted rows, and one libdeflate compressor per level used. Zero it
 * before the first use; free it with imcore_png_arena_clear(). One arena
 * per thread. */
typedef struct
{
  ImcoreScratch filtered;       /* one filter byte + the row, per row */
  ImcoreScratch lines;          /* a zero row, two rows in PNG order, the
                                 * sample the filters are chosen on */
  ImcoreScratch spill;          /* the stream, only when the caller's
                                 * buffer is below the bound */
  struct libdeflate_compressor *compressors[10];        /* by level */
  ImcoreDeflate *deflate;       /* level 1 */
  unsigned allocations;         /* how many times it grew: a buffer or a
                                 * compressor (tests read it) */
  char error[200];              /* what the last failure was about */
} ImcorePngArena;

/* As imcore_png_encode(), with the working memory taken from @arena, which
 * grows (keeping what it had) when this image needs more. */
ImcoreError imcore_png_encode_reusing (const ImcoreImage * img,
    const ImcorePngParams * params, ImcorePngArena * arena, uint8_t * out,
    size_t out_size, size_t *out_len);

/* Frees the memory of @arena and zeroes it. */
void imcore_png_arena_clear (ImcorePngArena * arena);

/* What was wrong when the last imcore_png_encode_reusing() with @arena
 * failed, where the error code alone does not say it: the limit a size
 * exceeds, the argument refused ("" after a success or
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
