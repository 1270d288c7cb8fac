/* gst-imencode core: PNG encoding with libdeflate
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The file is written in place into the caller's buffer: signature, IHDR
 * and eXIf first, then libdeflate compresses the filtered rows (kept in
 * the arena) into one zlib stream right after the first IDAT header. A
 * stream longer than the IDAT size is cut into chunks afterwards, moving
 * the pieces up from the last one, so that no second copy of the stream
 * is needed.
 */
#include "imcore-png.h"
#include "imcore-pngfilter.h"

#include <libdeflate.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define PNG_SIGNATURE_SIZE 8
#define CHUNK_OVERHEAD 12       /* length, type, CRC */
#define IHDR_SIZE (CHUNK_OVERHEAD + 13)
#define IEND_SIZE CHUNK_OVERHEAD

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

/* Bytes deflate reads for a @width x @height image of @channels samples a
 * pixel: a filter byte and the samples, per row. 0 if it does not fit in
 * size_t. */
static size_t
filtered_size (unsigned channels, uint32_t width, uint32_t height)
{
  /* at most 1 + 4 (2^31 - 1): below 2^34 */
  uint64_t row = 1 + (uint64_t) width * channels;

  if (row > UINT64_MAX / height || row * height > SIZE_MAX)
    return 0;
  return (size_t) (row * height);
}

size_t
imcore_png_bound_exif (ImcorePixelFormat format, uint32_t width,
    uint32_t height, size_t exif_len)
{
  ImcorePngColor color = imcore_png_color_for (format);
  uint64_t z, chunks, total;
  size_t raw;

  if (color == IMCORE_PNG_UNSUPPORTED || width == 0 || height == 0 ||
      width > IMCORE_PNG_MAX_CHUNK_SIZE || height > IMCORE_PNG_MAX_CHUNK_SIZE
      || exif_len > IMCORE_PNG_MAX_CHUNK_SIZE)
    return 0;
  raw = filtered_size (png_channels (color), width, height);
  /* libdeflate's bound adds a little to its argument; keep it far from
   * wrapping */
  if (raw == 0 || raw > SIZE_MAX / 2)
    return 0;
  /* with no compressor: the worst case of any libdeflate level; level 1's
   * own deflate (0 when the stream is too long for it, and then
   * libdeflate writes it) */
  z = libdeflate_zlib_compress_bound (NULL, raw);
  if (imcore_deflate_zlib_bound (raw) > z)
    z = imcore_deflate_zlib_bound (raw);
  if (z < raw)
    return 0;
  /* IDATs of at least IMCORE_PNG_MIN_IDAT_SIZE (chunks < 2^64 / 8192, so
   * chunks * 12 cannot overflow) */
  chunks = z / IMCORE_PNG_MIN_IDAT_SIZE + 1;
  if (!add_u64 (z, chunks * CHUNK_OVERHEAD, &total) ||
      !add_u64 (total, PNG_SIGNATURE_SIZE + IHDR_SIZE + IEND_SIZE, &total))
    return 0;
  if (exif_len > 0 && !add_u64 (total, CHUNK_OVERHEAD + exif_len, &total))
    return 0;
  if (total > SIZE_MAX)
    return 0;
  return (size_t) total;
}

size_t
imcore_png_bound (ImcorePixelFormat format, uint32_t width, uint32_t height)
{
  return imcore_png_bound_exif (format, width, height, 0);
}

void
imcore_png_arena_clear (ImcorePngArena * arena)
{
  imcore_scratch_clear (&arena->filtered);
  imcore_scratch_clear (&arena->lines);
  imcore_scratch_clear (&arena->spill);
  for (unsigned i = 0; i < 10; i++) {
    libdeflate_free_compressor (arena->compressors[i]);
    arena->compressors[i] = NULL;
  }
  imcore_deflate_free (arena->deflate);
  arena->deflate = NULL;
  arena->allocations = 0;
  arena->error[0] = '\0';
}

const char *
imcore_png_arena_last_error (const ImcorePngArena * arena)
{
  return arena ? arena->error : "";
}

/* At least @size bytes of @s, counting a growth in @arena */
static uint8_t *
arena_get (ImcorePngArena * arena, ImcoreScratch * s, size_t size)
{
  if (size > s->size)
    arena->allocations++;
  return imcore_scratch_get (s, size);
}

/* ---- chunks ---- */

static void
put_be32 (uint8_t * p, uint32_t v)
{
  p[0] = (uint8_t) (v >> 24);
  p[1] = (uint8_t) (v >> 16);
  p[2] = (uint8_t) (v >> 8);
  p[3] = (uint8_t) v;
}

/* The CRC of a chunk whose type is at @type, followed by @len data
 * bytes, written after them */
static void
put_crc (uint8_t * type, size_t len)
{
  put_be32 (type + 4 + len, libdeflate_crc32 (0, type, 4 + len));
}

/* Writes a whole chunk of @type with the @len bytes at @data (which may
 * already be in place) at @p; returns the byte after it. */
static uint8_t *
put_chunk (uint8_t * p, const char *type, const uint8_t * data, size_t len)
{
  put_be32 (p, (uint32_t) len);
  memcpy (p + 4, type, 4);
  if (len > 0 && data != p + 8)
    memcpy (p + 8, data, len);
  put_crc (p + 4, len);
  return p + 8 + len + 4;
}

/* The @z bytes of zlib stream at @data (right after the first IDAT's
 * length and type) made into IDAT chunks of at most @chunk bytes; the
 * caller's buffer has room for all the headers. The pieces move up by 12
 * bytes per chunk before them, the last first, so each is moved before
 * the headers around it are written over the bytes it came from. Returns
 * the byte after the last chunk. */
static uint8_t *
put_idat_chunks (uint8_t * data, size_t z, size_t chunk)
{
  size_t n = z == 0 ? 1 : (z - 1) / chunk + 1;

  for (size_t i = n; i-- > 0;) {
    size_t len = i == n - 1 ? z - i * chunk : chunk;
    uint8_t *to = data + i * (chunk + CHUNK_OVERHEAD);

    if (i > 0)
      memmove (to, data + i * chunk, len);
    put_be32 (to - 8, (uint32_t) len);
    memcpy (to - 4, "IDAT", 4);
    put_crc (to - 4, len);
  }
  return data + (n - 1) * (chunk + CHUNK_OVERHEAD) + (z - (n - 1) * chunk)
      + 4;
}

/* ---- rows in PNG order ---- */

/* Where each PNG sample of a @format pixel is in its memory: offsets of R,
 * G, B (and A) or gray. */
static void
sample_offsets (ImcorePixelFormat format, uint8_t off[4])
{
  static const struct
  {
    ImcorePixelFormat format;
    uint8_t off[4];
  } table[] = {
    {IMCORE_PIXEL_GRAY8, {0, 0, 0, 0}},
    {IMCORE_PIXEL_RGB, {0, 1, 2, 0}},
    {IMCORE_PIXEL_BGR, {2, 1, 0, 0}},
    {IMCORE_PIXEL_RGBA, {0, 1, 2, 3}},
    {IMCORE_PIXEL_BGRA, {2, 1, 0, 3}},
    {IMCORE_PIXEL_ARGB, {1, 2, 3, 0}},
    {IMCORE_PIXEL_ABGR, {3, 2, 1, 0}},
    {IMCORE_PIXEL_RGBX, {0, 1, 2, 0}},
    {IMCORE_PIXEL_BGRX, {2, 1, 0, 0}},
    {IMCORE_PIXEL_XRGB, {1, 2, 3, 0}},
    {IMCORE_PIXEL_XBGR, {3, 2, 1, 0}},
  };

  memset (off, 0, 4);
  for (size_t i = 0; i < sizeof (table) / sizeof (table[0]); i++) {
    if (table[i].format == format)
      memcpy (off, table[i].off, 4);
  }
}

/* Whether @format's rows are already the PNG's samples in order */
static bool
is_png_order (ImcorePixelFormat format)
{
  return format == IMCORE_PIXEL_GRAY8 || format == IMCORE_PIXEL_RGB ||
      format == IMCORE_PIXEL_RGBA;
}

/* One row of @width pixels of @bpp bytes at @src into PNG order at @dst
 * (@channels samples a pixel, taken at @off). */
static void
to_png_order (const uint8_t * src, unsigned bpp, const uint8_t off[4],
    unsigned channels, uint32_t width, uint8_t * dst)
{
  if (channels == 3) {
    for (uint32_t x = 0; x < width; x++, src += bpp, dst += 3) {
      dst[0] = src[off[0]];
      dst[1] = src[off[1]];
      dst[2] = src[off[2]];
    }
  } else {
    for (uint32_t x = 0; x < width; x++, src += bpp, dst += 4) {
      dst[0] = src[off[0]];
      dst[1] = src[off[1]];
      dst[2] = src[off[2]];
      dst[3] = src[off[3]];
    }
  }
}

/* ---- filters ---- */

/* What the rows are filtered with, and from what */
typedef struct
{
  const ImcoreImage *img;
  unsigned channels;            /* PNG samples a pixel */
  unsigned bpp;                 /* bytes a pixel in @img */
  size_t row;                   /* PNG bytes a row, filter byte aside */
  uint8_t off[4];               /* sample_offsets() of @img */
  bool direct;                  /* @img's rows are in PNG order already */
  bool avx2;
  const uint8_t *zeros;         /* @row zero bytes: above the first row */
  uint8_t *conv[2];             /* converted rows, by the parity of y */
} RowSource;

/* Row @y of the image in PNG order (converted into a buffer of its own
 * when @img's layout is not). */
static const uint8_t *
png_row (const RowSource * rs, uint32_t y)
{
  const uint8_t *src = rs->img->planes[0] + (size_t) y * rs->img->strides[0];

  if (rs->direct)
    return src;
  to_png_order (src, rs->bpp, rs->off, rs->channels, rs->img->width,
      rs->conv[y & 1]);
  return rs->conv[y & 1];
}

/* The filter type of row @cur (above it @prev) under @filters */
static unsigned
row_type (const RowSource * rs, ImcorePngFilters filters,
    const uint8_t * cur, const uint8_t * prev)
{
  uint64_t costs[IMCORE_PNG_FILTER_N_TYPES];
  unsigned type = 0;

  /* ImcorePngFilters NONE..PAETH are the PNG types 0..4 */
  if (filters != IMCORE_PNG_FILTERS_ADAPTIVE)
    return (unsigned) filters - IMCORE_PNG_FILTERS_NONE;
  imcore_png_filter_costs (cur, prev, rs->row, rs->channels, costs,
      rs->avx2);
  for (unsigned t = 1; t < IMCORE_PNG_FILTER_N_TYPES; t++) {
    if (costs[t] < costs[type])
      type = t;
  }
  return type;
}

/* Filters rows [@y0, @y1) into @dest (1 + row bytes each); returns the
 * byte after them. */
static uint8_t *
filter_rows (const RowSource * rs, ImcorePngFilters filters, uint32_t y0,
    uint32_t y1, uint8_t * dest)
{
  const uint8_t *prev = y0 == 0 ? rs->zeros : png_row (rs, y0 - 1);

  for (uint32_t y = y0; y < y1; y++) {
    const uint8_t *cur = png_row (rs, y);
    unsigned type = row_type (rs, filters, cur, prev);

    dest[0] = (uint8_t) type;
    imcore_png_filter_row (type, cur, prev, rs->row, rs->channels, dest + 1,
        rs->avx2);
    dest += 1 + rs->row;
    prev = cur;
  }
  return dest;
}

/* The per-image choice tries the candidates on a sample of the image:
 * strips of SAMPLE_STRIP rows, one in the middle of every SAMPLE_PERIOD
 * rows (3 %), at least SAMPLE_MIN_STRIPS of them; the whole image when
 * that would be most of it. */
#define SAMPLE_STRIP 8u
#define SAMPLE_PERIOD 256u
#define SAMPLE_MIN_STRIPS 4u

/* Rows between the starts of two strips; 0 for the whole image */
static uint32_t
sample_period (uint32_t height)
{
  uint32_t period = height / SAMPLE_MIN_STRIPS;

  if (period > SAMPLE_PERIOD)
    period = SAMPLE_PERIOD;
  return period < 4 * SAMPLE_STRIP ? 0 : period;
}

/* Rows in the sample of an image of @height rows */
static uint32_t
sample_rows (uint32_t height)
{
  uint32_t period = sample_period (height);

  /* every strip is whole: it starts at (k + 1/2) period <= height - 8 */
  return period ? height / period * SAMPLE_STRIP : height;
}

/* Filters the sample of the image with @filters into @dest; returns its
 * size. */
static size_t
filter_sample (const RowSource * rs, ImcorePngFilters filters,
    uint8_t * dest)
{
  uint32_t h = rs->img->height, period = sample_period (h);
  uint8_t *p = dest;

  if (period == 0)
    return (size_t) (filter_rows (rs, filters, 0, h, dest) - dest);
  for (uint32_t k = 0; k < h / period; k++) {
    uint32_t y = k * period + period / 2;

    p = filter_rows (rs, filters, y, y + SAMPLE_STRIP, p);
  }
  return (size_t) (p - dest);
}

/* The filters of the image at levels 2-9, when they are left to us: per
 * image, the candidate whose filtered sample @comp deflates smallest (ties
 * to the first). Measured on 1080p frames (bench/README.md, "PNG on
 * libdeflate"; libdeflate levels): no choice is best everywhere. At
 * libdeflate's level 1, SUB is the smallest fixed filter on the generated
 * photo-like scene, the per-row choice 0.6 % larger and UP 3.4 %; on
 * photo-like noise over gradients the per-row choice is 3 % smaller than
 * SUB or UP; on a test card UP and PAETH are 2.6x smaller than SUB; on a
 * screen capture PAETH or the per-row choice are smallest at libdeflate
 * levels 1-2, no filter at all at 6-9. The sum-of-magnitudes heuristic
 * ranks UP before SUB on the scene, so the sample is compressed for real.
 * (Level 1 takes the per-row choice without a trial: never far from the
 * best, and a trial would cost a tenth of its time.) */
static ImcorePngFilters
choose_filters (const RowSource * rs, struct libdeflate_compressor *comp,
    uint8_t * sample, uint8_t * trial, size_t trial_size)
{
  /* whole-image AVG and PAETH are left out: never more than 1 % smaller
   * than the per-row choice in those measurements, and each trial costs
   * 3 % of the image's deflate */
  static const ImcorePngFilters cand[] = {
    IMCORE_PNG_FILTERS_SUB, IMCORE_PNG_FILTERS_UP,
    IMCORE_PNG_FILTERS_ADAPTIVE, IMCORE_PNG_FILTERS_NONE,
  };
  ImcorePngFilters best = cand[0];
  size_t best_size = SIZE_MAX;

  for (size_t i = 0; i < sizeof (cand) / sizeof (cand[0]); i++) {
    size_t len = filter_sample (rs, cand[i], sample);
    size_t z = libdeflate_zlib_compress (comp, sample, len, trial,
        trial_size);

    /* 0: larger than the bound, which cannot happen */
    if (z != 0 && z < best_size) {
      best = cand[i];
      best_size = z;
    }
  }
  return best;
}

/* ---- the encoder ---- */

/* The libdeflate level of compression level @level (0, 2-9; and 1 for the
 * streams imcore-deflate.c cannot take) */
static int
libdeflate_level (int level)
{
  return level == 2 ? 1 : level;
}

/* The zlib stream of the @len bytes at @in into @out (@out_size bytes),
 * by @comp, or by the arena's own deflate when @comp is NULL; its length,
 * or 0 if it did not fit */
static size_t
deflate_rows (ImcorePngArena * arena, struct libdeflate_compressor *comp,
    const uint8_t * in, size_t len, uint8_t * out, size_t out_size)
{
  if (comp)
    return libdeflate_zlib_compress (comp, in, len, out, out_size);
  return imcore_deflate_zlib (arena->deflate, in, len, out, out_size);
}

static ImcoreError
fail (ImcorePngArena * arena, ImcoreError err, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Returns @err, with the message in @arena */
static ImcoreError
fail (ImcorePngArena * arena, ImcoreError err, const char *fmt, ...)
{
  va_list args;

  va_start (args, fmt);
  vsnprintf (arena->error, sizeof (arena->error), fmt, args);
  va_end (args);
  return err;
}

/* Whether @p starts with a TIFF header's byte order and magic number */
static bool
is_tiff_header (const uint8_t * p, size_t len)
{
  return len >= 8 && (memcmp (p, "II*\0", 4) == 0 ||
      memcmp (p, "MM\0*", 4) == 0);
}

static ImcoreError
encode (const ImcoreImage * img, const ImcorePngParams * params,
    ImcorePngArena * arena, uint8_t * out, size_t out_size, size_t *out_len)
{
  ImcorePngColor color;
  struct libdeflate_compressor *comp;
  ImcorePngFilters filters;
  RowSource rs;
  unsigned channels;
  uint32_t n_sample;
  size_t row, raw, head, avail, bound, z, chunk, n_chunks, total, sample,
      trial;
  uint8_t *filtered, *lines, ihdr[13], *p;
  int level;

  if (!img || !params || !out || !out_len || !img->planes[0] ||
      img->width == 0 || img->height == 0)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  level = params->compression_level;
  if (level < 0 || level > 9)
    return fail (arena, IMCORE_ERROR_INVALID_ARGUMENT, "compression level "
        "%d is not one of 0..9", level);
  if ((unsigned) params->filters >= IMCORE_PNG_FILTERS_N)
    return fail (arena, IMCORE_ERROR_INVALID_ARGUMENT, "filters %d is not an "
        "ImcorePngFilters value", (int) params->filters);
  if (params->idat_size != 0 && (params->idat_size < IMCORE_PNG_MIN_IDAT_SIZE
          || params->idat_size > IMCORE_PNG_MAX_CHUNK_SIZE))
    return fail (arena, IMCORE_ERROR_INVALID_ARGUMENT, "IDAT size %u is not "
        "in %u..%u", params->idat_size, IMCORE_PNG_MIN_IDAT_SIZE,
        IMCORE_PNG_MAX_CHUNK_SIZE);
  if ((params->exif_len > 0) != (params->exif != NULL))
    return fail (arena, IMCORE_ERROR_INVALID_ARGUMENT, "eXIf: data and "
        "length must be given together");
  if (params->exif_len > IMCORE_PNG_MAX_CHUNK_SIZE)
    return fail (arena, IMCORE_ERROR_TOO_LARGE, "eXIf: %zu bytes exceed the "
        "PNG chunk limit of %u", params->exif_len, IMCORE_PNG_MAX_CHUNK_SIZE);
  if (params->exif && !is_tiff_header (params->exif, params->exif_len))
    return fail (arena, IMCORE_ERROR_INVALID_ARGUMENT, "eXIf: the data must "
        "start with a TIFF header (\"II*\\0\" or \"MM\\0*\"), without JPEG's "
        "\"Exif\\0\\0\"");
  color = imcore_png_color_for (img->format);
  if (color == IMCORE_PNG_UNSUPPORTED)
    return IMCORE_ERROR_UNSUPPORTED_FORMAT;
  if (img->width > IMCORE_PNG_MAX_DIMENSION ||
      img->height > IMCORE_PNG_MAX_DIMENSION)
    return fail (arena, IMCORE_ERROR_TOO_LARGE, "IHDR: %ux%u exceeds the "
        "user limit of %u pixels a side (libpng's default for readers)",
        img->width, img->height, IMCORE_PNG_MAX_DIMENSION);
  if (img->height > 1 && img->strides[0] < (size_t) img->width *
      imcore_pixel_bytes (img->format))
    return fail (arena, IMCORE_ERROR_INVALID_ARGUMENT, "stride %zu is "
        "shorter than a row of %u pixels", img->strides[0], img->width);

  channels = png_channels (color);
  row = (size_t) img->width * channels;
  raw = filtered_size (channels, img->width, img->height);
  if (raw == 0)
    return IMCORE_ERROR_TOO_LARGE;
  head = PNG_SIGNATURE_SIZE + IHDR_SIZE;
  if (params->exif)
    head += CHUNK_OVERHEAD + params->exif_len;
  /* the first IDAT's header, its CRC and IEND at the very least */
  if (out_size < head || out_size - head < 8 + 4 + IEND_SIZE)
    return IMCORE_ERROR_NO_SPACE;

  /* level 1: our deflate, unless the stream is too long for it */
  comp = NULL;
  if (level == 1 && imcore_deflate_zlib_bound (raw) != 0) {
    if (!arena->deflate) {
      arena->deflate = imcore_deflate_new ();
      if (!arena->deflate)
        return IMCORE_ERROR_OUT_OF_MEMORY;
      arena->allocations++;
    }
  } else {
    comp = arena->compressors[level];
    if (!comp) {
      comp = libdeflate_alloc_compressor (libdeflate_level (level));
      if (!comp)
        return IMCORE_ERROR_OUT_OF_MEMORY;
      arena->compressors[level] = comp;
      arena->allocations++;
    }
  }

  /* the lines: a zero row, two converted rows, the filtered sample and
   * its deflated trial */
  n_sample = params->filters == IMCORE_PNG_FILTERS_AUTO && level > 1 ?
      sample_rows (img->height) : 0;
  sample = (size_t) n_sample * (1 + row);
  trial = sample ? libdeflate_zlib_compress_bound (comp, sample) : 0;
  if (row > SIZE_MAX / 4 || trial < sample || sample > SIZE_MAX - 3 * row
      || trial > SIZE_MAX - 3 * row - sample)
    return IMCORE_ERROR_TOO_LARGE;
  filtered = arena_get (arena, &arena->filtered, raw);
  lines = arena_get (arena, &arena->lines, 3 * row + sample + trial);
  if (!filtered || !lines)
    return IMCORE_ERROR_OUT_OF_MEMORY;

  memset (&rs, 0, sizeof (rs));
  rs.img = img;
  rs.channels = channels;
  rs.bpp = imcore_pixel_bytes (img->format);
  rs.row = row;
  sample_offsets (img->format, rs.off);
  rs.direct = is_png_order (img->format);
  rs.avx2 = imcore_png_filter_use_avx2 (params->flags & IMCORE_PNG_PORTABLE);
  memset (lines, 0, row);
  rs.zeros = lines;
  rs.conv[0] = lines + row;
  rs.conv[1] = lines + 2 * row;

  if (params->filters != IMCORE_PNG_FILTERS_AUTO)
    filters = params->filters;
  else if (level == 0)
    filters = IMCORE_PNG_FILTERS_NONE;  /* stored: nothing to gain */
  else if (level == 1)
    filters = IMCORE_PNG_FILTERS_ADAPTIVE;
  else
    filters = choose_filters (&rs, comp, lines + 3 * row,
        lines + 3 * row + sample, trial);
  filter_rows (&rs, filters, 0, img->height, filtered);

  memcpy (out, "\x89PNG\r\n\x1a\n", PNG_SIGNATURE_SIZE);
  put_be32 (ihdr, img->width);
  put_be32 (ihdr + 4, img->height);
  ihdr[8] = 8;                  /* bit depth */
  ihdr[9] = color == IMCORE_PNG_GRAY ? 0 : color == IMCORE_PNG_RGB ? 2 : 6;
  ihdr[10] = 0;                 /* deflate */
  ihdr[11] = 0;                 /* adaptive filtering, the only method */
  ihdr[12] = 0;                 /* not interlaced */
  p = put_chunk (out + PNG_SIGNATURE_SIZE, "IHDR", ihdr, sizeof (ihdr));
  if (params->exif)
    p = put_chunk (p, "eXIf", params->exif, params->exif_len);

  /* the stream right after the first IDAT's header; room kept for its CRC
   * and IEND (more IDAT headers are checked for below) */
  avail = out_size - head - 8 - 4 - IEND_SIZE;
  bound = comp ? libdeflate_zlib_compress_bound (comp, raw) :
      imcore_deflate_zlib_bound (raw);
  z = deflate_rows (arena, comp, filtered, raw, p + 8, avail);
  if (z == 0 && avail < bound) {
    /* both deflates may need a few bytes of slack beyond their output to
     * write it in place: a buffer just large enough takes the stream
     * through memory of ours (which the bound never needs) */
    uint8_t *spill = arena_get (arena, &arena->spill, bound);

    if (!spill)
      return IMCORE_ERROR_OUT_OF_MEMORY;
    z = deflate_rows (arena, comp, filtered, raw, spill, bound);
    if (z > avail)
      return IMCORE_ERROR_NO_SPACE;
    memcpy (p + 8, spill, z);
  }
  if (z == 0)
    return IMCORE_ERROR_NO_SPACE;
  chunk = params->idat_size ? params->idat_size : IMCORE_PNG_MAX_CHUNK_SIZE;
  n_chunks = (z - 1) / chunk + 1;
  /* head + z + IEND_SIZE fit in the buffer, so they cannot overflow */
  if (n_chunks > (SIZE_MAX - head - z - IEND_SIZE) / CHUNK_OVERHEAD)
    return IMCORE_ERROR_NO_SPACE;
  total = head + n_chunks * CHUNK_OVERHEAD + z + IEND_SIZE;
  if (total > out_size)
    return IMCORE_ERROR_NO_SPACE;
  p = put_idat_chunks (p + 8, z, chunk);
  p = put_chunk (p, "IEND", NULL, 0);
  *out_len = (size_t) (p - out);
  return IMCORE_OK;
}

ImcoreError
imcore_png_encode (const ImcoreImage * img, const ImcorePngParams * params,
    uint8_t * out, size_t out_size, size_t *out_len)
{
  ImcorePngArena arena;
  ImcoreError err;

  memset (&arena, 0, sizeof (arena));
  err = encode (img, params, &arena, out, out_size, out_len);
  imcore_png_arena_clear (&arena);
  return err;
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
  return encode (img, params, arena, out, out_size, out_len);
}
