/* gst-imencode core: PNG encoding with libpng
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-png.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* libpng's largest IDAT chunk is its zlib buffer; ours is set to this. */
#define IMCORE_PNG_ZBUF_SIZE (256 * 1024)
/* The smallest IDAT size libpng could use, for the chunk-count bound. */
#define IMCORE_PNG_MIN_IDAT 8192

typedef struct
{
  uint8_t *out;
  size_t size;
  size_t len;
  bool overflow;
  char *error;                  /* where libpng's message goes, or NULL */
  size_t error_size;
  char warning[120];            /* libpng's last warning */
} PngSink;

ImcorePngColor
imcore_png_color_for (ImcorePixelFormat format)
{
  if (format == IMCORE_PIXEL_GRAY8)
    return IMCORE_PNG_GRAY;
  if (imcore_pixel_n_planes (format) != 1)
    return IMCORE_PNG_UNSUPPORTED;
  return imcore_pixel_has_alpha (format) ? IMCORE_PNG_RGBA : IMCORE_PNG_RGB;
}

static unsigned
png_channels (ImcorePngColor c)
{
  return c == IMCORE_PNG_GRAY ? 1 : c == IMCORE_PNG_RGB ? 3 : 4;
}

/* @a + @b into *@sum; false on overflow. */
static bool
add_u64 (uint64_t a, uint64_t b, uint64_t * sum)
{
  if (a > UINT64_MAX - b)
    return false;
  *sum = a + b;
  return true;
}

size_t
imcore_png_bound (ImcorePixelFormat format, uint32_t width, uint32_t height)
{
  ImcorePngColor color = imcore_png_color_for (format);
  uint64_t row, raw, z, chunks, total;

  if (color == IMCORE_PNG_UNSUPPORTED || width == 0 || height == 0 ||
      width > PNG_UINT_31_MAX || height > PNG_UINT_31_MAX)
    return 0;
  /* a filter byte and at most 4 bytes per pixel: below 2^34 */
  row = 1 + (uint64_t) width * png_channels (color);
  if (row > UINT64_MAX / height)
    return 0;
  raw = row * height;
  /* zlib stored blocks: 5 bytes per 16383-byte block, plus the 2-byte
   * header and the 4-byte Adler-32; rounded up generously. */
  if (!add_u64 (raw, raw / 16000 * 5, &z) || !add_u64 (z, 5 + 6 + 64, &z))
    return 0;
  chunks = z / IMCORE_PNG_MIN_IDAT + 1;
  /* signature 8, IHDR 25, IEND 12, and 12 bytes per IDAT chunk (chunks
   * is below 2^64 / 8192, so chunks * 12 cannot overflow) */
  if (!add_u64 (z, chunks * 12, &total) ||
      !add_u64 (total, 8 + 25 + 12, &total) || total > SIZE_MAX)
    return 0;
  return (size_t) total;
}

size_t
imcore_png_bound_exif (ImcorePixelFormat format, uint32_t width,
    uint32_t height, size_t exif_len)
{
  size_t bound = imcore_png_bound (format, width, height);

  if (bound == 0 || exif_len == 0)
    return bound;
  /* the chunk's length, type and CRC, 4 bytes each */
  if (exif_len > SIZE_MAX - 12 || bound > SIZE_MAX - 12 - exif_len)
    return 0;
  return bound + 12 + exif_len;
}

static void
png_sink_write (png_structp png, png_bytep data, size_t length)
{
  PngSink *sink = png_get_io_ptr (png);

  if (length > sink->size - sink->len) {
    /* not libpng's trouble: IMCORE_ERROR_NO_SPACE says it all */
    sink->overflow = true;
    png_longjmp (png, 1);
  }
  memcpy (sink->out + sink->len, data, length);
  sink->len += length;
}

static void
png_sink_flush (png_structp png)
{
}

static void
png_on_error (png_structp png, png_const_charp msg)
{
  PngSink *sink = png_get_error_ptr (png);

  /* the last warning often says what led to the error (libpng warns
   * "Image width exceeds user limit in IHDR", then fails with "Invalid
   * IHDR data") */
  if (sink && sink->error && sink->warning[0])
    snprintf (sink->error, sink->error_size, "%s (after libpng's warning: "
        "%s)", msg, sink->warning);
  else if (sink && sink->error)
    snprintf (sink->error, sink->error_size, "%s", msg);
  png_longjmp (png, 1);
}

static void
png_on_warning (png_structp png, png_const_charp msg)
{
  PngSink *sink = png_get_error_ptr (png);

  if (sink)
    snprintf (sink->warning, sizeof (sink->warning), "%s", msg);
}

/* Tells libpng how the caller's rows differ from the PNG's byte order. */
static void
png_set_input_layout (png_structp png, ImcorePixelFormat format)
{
  switch (format) {
    case IMCORE_PIXEL_BGR:
    case IMCORE_PIXEL_BGRA:
      png_set_bgr (png);
      break;
    case IMCORE_PIXEL_ARGB:
      png_set_swap_alpha (png);
      break;
    case IMCORE_PIXEL_ABGR:
      /* ABGR reversed is RGBA */
      png_set_swap_alpha (png);
      png_set_bgr (png);
      break;
    case IMCORE_PIXEL_RGBX:
      png_set_filler (png, 0, PNG_FILLER_AFTER);
      break;
    case IMCORE_PIXEL_BGRX:
      png_set_filler (png, 0, PNG_FILLER_AFTER);
      png_set_bgr (png);
      break;
    case IMCORE_PIXEL_XRGB:
      png_set_filler (png, 0, PNG_FILLER_BEFORE);
      break;
    case IMCORE_PIXEL_XBGR:
      png_set_filler (png, 0, PNG_FILLER_BEFORE);
      png_set_bgr (png);
      break;
    default:
      break;
  }
}

/* The zlib strategy for level 1, from how flat @img is: the share of zero
 * bytes that the UP filter leaves on a sample of rows (every 16th).
 * Measured on 1080p frames (bench/bench-png-level1.c): photo-like content
 * leaves ~5 % zeros and deflates fastest with Huffman coding only (1.3x
 * Z_RLE's speed for +0.6 % bytes); screen captures and test cards leave
 * 93-99.8 % and want the default matcher (1.2x faster and half the size
 * of Z_RLE, where Huffman-only is 2-28x larger). In between, Z_RLE, which
 * is never far off either way. */
static int
level1_strategy (const ImcoreImage * img)
{
  size_t row = (size_t) img->width * imcore_pixel_bytes (img->format);
  size_t zeros = 0, total = 0;

  for (uint32_t y = 1; y < img->height; y += 16) {
    const uint8_t *cur = img->planes[0] + (size_t) y * img->strides[0];
    const uint8_t *up = cur - img->strides[0];

    for (size_t i = 0; i < row; i++)
      zeros += cur[i] == up[i];
    total += row;
  }
  if (total == 0)
    return Z_RLE;
  if (zeros * 4 < total)
    return Z_HUFFMAN_ONLY;
  if (zeros * 4 > total * 3)
    return Z_DEFAULT_STRATEGY;
  return Z_RLE;
}

/* Arena alignment: what malloc guarantees on 64-bit targets. */
#define ARENA_ALIGN 16

static png_voidp
arena_malloc (png_structp png, png_alloc_size_t size)
{
  ImcorePngArena *arena = png_get_mem_ptr (png);
  size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t) (ARENA_ALIGN - 1);

  if (rounded < size || rounded > SIZE_MAX - arena->wanted)
    return NULL;
  arena->wanted += rounded;
  if (rounded <= arena->mem.size - arena->used) {
    png_voidp p = arena->mem.data + arena->used;

    arena->used += rounded;
    return p;
  }
  return malloc (size);
}

static void
arena_free (png_structp png, png_voidp p)
{
  ImcorePngArena *arena = png_get_mem_ptr (png);
  uint8_t *b = p;

  /* arena memory is all given back at once, by the next image */
  if (b && (!arena->mem.data || b < arena->mem.data ||
          b >= arena->mem.data + arena->mem.size))
    free (p);
}

void
imcore_png_arena_clear (ImcorePngArena * arena)
{
  imcore_scratch_clear (&arena->mem);
  arena->used = arena->wanted = 0;
  arena->error[0] = '\0';
}

const char *
imcore_png_arena_last_error (const ImcorePngArena * arena)
{
  return arena ? arena->error : "";
}

static ImcoreError encode (const ImcoreImage * img,
    const ImcorePngParams * params, ImcorePngArena * arena, uint8_t * out,
    size_t out_size, size_t *out_len);

ImcoreError
imcore_png_encode (const ImcoreImage * img, const ImcorePngParams * params,
    uint8_t * out, size_t out_size, size_t *out_len)
{
  return encode (img, params, NULL, out, out_size, out_len);
}

ImcoreError
imcore_png_encode_reusing (const ImcoreImage * img,
    const ImcorePngParams * params, ImcorePngArena * arena, uint8_t * out,
    size_t out_size, size_t *out_len)
{
  if (!arena)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  /* nothing of the last image's failure, whatever this one does */
  arena->error[0] = '\0';
  /* grow to what the last image needed (nothing of it is in use now) */
  if (arena->wanted > arena->mem.size) {
    imcore_scratch_clear (&arena->mem);
    /* without memory the arena just hands everything to malloc */
    imcore_scratch_get (&arena->mem, arena->wanted);
  }
  arena->used = arena->wanted = 0;
  return encode (img, params, arena, out, out_size, out_len);
}

static ImcoreError
encode (const ImcoreImage * img, const ImcorePngParams * params,
    ImcorePngArena * arena, uint8_t * out, size_t out_size, size_t *out_len)
{
  PngSink sink = { out, out_size, 0, false, NULL, 0, "" };
  png_structp png = NULL;
  png_infop info = NULL;
  ImcorePngColor color;
  int color_type, level;
  volatile ImcoreError err = IMCORE_OK;

  if (!img || !params || !out || !out_len || !img->planes[0] ||
      img->width == 0 || img->height == 0)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  level = params->compression_level;
  if (level < 0 || level > 9)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if ((params->exif_len && !params->exif) ||
      params->exif_len > IMCORE_PNG_MAX_EXIF)
    return IMCORE_ERROR_INVALID_ARGUMENT;
#ifndef PNG_WRITE_eXIf_SUPPORTED
  if (params->exif_len)
    return IMCORE_ERROR_UNSUPPORTED_FORMAT;
#endif
  color = imcore_png_color_for (img->format);
  if (color == IMCORE_PNG_UNSUPPORTED)
    return IMCORE_ERROR_UNSUPPORTED_FORMAT;
  if (img->width > PNG_UINT_31_MAX || img->height > PNG_UINT_31_MAX)
    return IMCORE_ERROR_TOO_LARGE;
  color_type = color == IMCORE_PNG_GRAY ? PNG_COLOR_TYPE_GRAY :
      color == IMCORE_PNG_RGB ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGBA;

  if (arena) {
    arena->error[0] = '\0';
    sink.error = arena->error;
    sink.error_size = sizeof (arena->error);
    png = png_create_write_struct_2 (PNG_LIBPNG_VER_STRING, &sink,
        png_on_error, png_on_warning, arena, arena_malloc, arena_free);
  } else {
    png = png_create_write_struct (PNG_LIBPNG_VER_STRING, &sink,
        png_on_error, png_on_warning);
  }
  if (!png)
    return IMCORE_ERROR_OUT_OF_MEMORY;
  info = png_create_info_struct (png);
  if (!info) {
    png_destroy_write_struct (&png, NULL);
    return IMCORE_ERROR_OUT_OF_MEMORY;
  }

  if (setjmp (png_jmpbuf (png))) {
    err = sink.overflow ? IMCORE_ERROR_NO_SPACE : IMCORE_ERROR_CODEC;
    goto done;
  }

  png_set_write_fn (png, &sink, png_sink_write, png_sink_flush);
  png_set_compression_buffer_size (png, IMCORE_PNG_ZBUF_SIZE);
  png_set_compression_level (png, level);
  if (level == 0) {
    png_set_filter (png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
  } else if (level == 1) {
    /* UP is as fast as SUB and never larger in our measurements */
    png_set_filter (png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
    png_set_compression_strategy (png, level1_strategy (img));
  }
  png_set_IHDR (png, info, img->width, img->height, 8, color_type,
      PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
      PNG_FILTER_TYPE_DEFAULT);
#ifdef PNG_WRITE_eXIf_SUPPORTED
  /* libpng copies the bytes (its prototype is not const) and writes the
   * chunk with the other chunks before IDAT */
  if (params->exif_len)
    png_set_eXIf_1 (png, info, (png_uint_32) params->exif_len,
        (png_bytep) params->exif);
#endif
  png_write_info (png, info);
  png_set_input_layout (png, img->format);

  for (uint32_t y = 0; y < img->height; y++)
    png_write_row (png, img->planes[0] + (size_t) y * img->strides[0]);
  png_write_end (png, NULL);
  *out_len = sink.len;

done:
  png_destroy_write_struct (&png, &info);
  return err;
}
