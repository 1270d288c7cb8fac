/* gst-imencode: unit tests of the core's JPEG and PNG decoders
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The expected pixels never come from the decoders under test:
 *
 * - PNG: the test writes its own files with libpng's writer from sample
 *   arrays it knows (gradients along different axes per channel, solid
 *   blocks near the top-left corner, no symmetry), in every colour type and
 *   bit depth, with and without tRNS and Adam7, and derives what each
 *   format must hold from those samples and the PNG specification: samples
 *   scaled to 8 bits (16-bit ones keep their high byte), palette and tRNS
 *   expanded (a tRNS colour matches on all 16 bits), alpha 255 where the
 *   image has none, alpha dropped (not composited) where the format has
 *   none, BT.601 gray from colour, gray replicated into RGB.
 * - JPEG: the test encodes its images with TurboJPEG and decodes them with
 *   TurboJPEG's own tjDecompress2() and tjDecompressToYUVPlanes() (default
 *   DCT and upsampling, as the decoder uses), then places the channels
 *   itself, in the byte order the format names give.
 *
 * Destination rows are padded with a canary byte that must survive every
 * call, good input or bad; each plane is its own allocation of exactly
 * stride x rows bytes so that AddressSanitizer sees any access past it, and
 * /core/decode/no-overrun puts planes against an inaccessible page to catch
 * writes by the (uninstrumented) codec libraries as well.
 *
 * Bad input (every truncation, bit flips, random bytes, rewritten headers)
 * must fail with IMCORE_ERROR_INVALID_INPUT, or INVALID_ARGUMENT when the
 * damage changed the image size in the header, or UNSUPPORTED_FORMAT when
 * it turned a JPEG into CMYK for a format CMYK cannot go to, or succeed;
 * it must never crash or touch the padding. Truncated files must fail.
 * After each damaged JPEG the decoder must read and decode the intact file
 * again exactly, and no image may use tables left by an earlier one
 * (/core/decode/jpeg/tables-per-image): libjpeg keeps state in its handle.
 *
 * Assertions are non-fatal: a run lists every broken case.
 */

#include "guarded.h"
#include "imcore.h"

#include <glib.h>
#include <png.h>
#include <stdarg.h>
#include <string.h>
#include <turbojpeg.h>


/* libjpeg-turbo 2.1's tjDecompressToYUVPlanes() reads up to 3 bytes past a
 * temporary buffer of its own when it decodes a 4:1:1 JPEG at 1/8: it
 * copies rows as wide as the padded luma plane out of rows as wide as the
 * scaled blocks. The extra bytes land in plane padding that nobody reads,
 * but AddressSanitizer sees the memcpy() and would stop the run, both in
 * the reference decode here and in the decoder's I420 path. Reports from
 * memory functions called inside that one function are ignored; the core's
 * own code stays checked, and writes past the destination planes are
 * caught by the canaries and guard pages as well. */
const char *__asan_default_suppressions (void);

const char *
__asan_default_suppressions (void)
{
  return "interceptor_via_fun:tjDecompressToYUVPlanes\n";
}

/* ------------------------------------------------------------------ */
/* Shared helpers                                                      */
/* ------------------------------------------------------------------ */

/* xorshift64*: deterministic, so a failure reproduces run after run */
typedef struct
{
  uint64_t s;
} TestRng;

static void
rng_init (TestRng * rng, uint64_t seed)
{
  rng->s = seed ? seed : 0x9e3779b97f4a7c15ull;
}

static uint32_t
rng_next (TestRng * rng)
{
  rng->s ^= rng->s >> 12;
  rng->s ^= rng->s << 25;
  rng->s ^= rng->s >> 27;
  return (uint32_t) ((rng->s * 0x2545f4914f6cdd1dull) >> 32);
}

/* Records a failed check with the case it belongs to and goes on, so that
 * table-driven loops report every broken combination. */
/* *INDENT-OFF* */
static gboolean check (gboolean ok, const char *what, const char *fmt, ...)
    G_GNUC_PRINTF (3, 4);
/* *INDENT-ON* */

static gboolean
check (gboolean ok, const char *what, const char *fmt, ...)
{
  va_list ap;
  gchar *msg;

  if (ok)
    return TRUE;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_printerr ("FAIL %s: %s\n", what, msg);
  g_free (msg);
  g_test_fail ();
  return FALSE;
}

static void
put_be32 (uint8_t * p, uint32_t v)
{
  p[0] = (uint8_t) (v >> 24);
  p[1] = (uint8_t) (v >> 16);
  p[2] = (uint8_t) (v >> 8);
  p[3] = (uint8_t) v;
}

static uint32_t
get_be32 (const uint8_t * p)
{
  return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) |
      ((uint32_t) p[2] << 8) | p[3];
}

/* BT.601 luma in 16-bit fixed point, rounded: what GRAY8 holds for a
 * colour PNG */
static uint8_t
luma601 (unsigned r, unsigned g, unsigned b)
{
  return (uint8_t) ((r * 19595u + g * 38470u + b * 7471u + 0x8000u) >> 16);
}

/* ------------------------------------------------------------------ */
/* Formats and destination images                                      */
/* ------------------------------------------------------------------ */

/* The formats the decoders write, with the byte position of each channel
 * written down here from the header's "named by their byte order in
 * memory", not taken from the core. */
typedef struct
{
  ImcorePixelFormat format;
  const char *name;
  unsigned bpp;
  int r, g, b;                  /* -1 for GRAY8 */
  int a;                        /* -1: no alpha */
} FormatInfo;

static const FormatInfo formats[] = {
  {IMCORE_PIXEL_GRAY8, "GRAY8", 1, -1, -1, -1, -1},
  {IMCORE_PIXEL_RGB, "RGB", 3, 0, 1, 2, -1},
  {IMCORE_PIXEL_BGR, "BGR", 3, 2, 1, 0, -1},
  {IMCORE_PIXEL_RGBA, "RGBA", 4, 0, 1, 2, 3},
  {IMCORE_PIXEL_BGRA, "BGRA", 4, 2, 1, 0, 3},
  {IMCORE_PIXEL_ARGB, "ARGB", 4, 1, 2, 3, 0},
  {IMCORE_PIXEL_ABGR, "ABGR", 4, 3, 2, 1, 0},
  {IMCORE_PIXEL_RGBX, "RGBx", 4, 0, 1, 2, -1},
  {IMCORE_PIXEL_BGRX, "BGRx", 4, 2, 1, 0, -1},
  {IMCORE_PIXEL_XRGB, "xRGB", 4, 1, 2, 3, -1},
  {IMCORE_PIXEL_XBGR, "xBGR", 4, 3, 2, 1, -1},
};

static const FormatInfo *
format_info (ImcorePixelFormat format)
{
  for (size_t i = 0; i < G_N_ELEMENTS (formats); i++) {
    if (formats[i].format == format)
      return &formats[i];
  }
  return NULL;
}

static const char *
format_name (ImcorePixelFormat format)
{
  const FormatInfo *fi = format_info (format);

  if (fi)
    return fi->name;
  switch (format) {
    case IMCORE_PIXEL_I420:
      return "I420";
    case IMCORE_PIXEL_I422:
      return "I422";
    case IMCORE_PIXEL_I444:
      return "I444";
    default:
      return "invalid";
  }
}

#define CANARY 0x5c

/* A destination image: each plane its own allocation of exactly stride x
 * rows bytes, filled with CANARY, rows followed by @pad bytes of padding. */
typedef struct
{
  ImcoreImage img;
  unsigned n_planes;
  uint8_t *mem[3];
  size_t row[3];                /* bytes of pixels in a row */
  uint32_t rows[3];
} Dest;

/* The planes of a @format image of @w x @h: how many, their row bytes and
 * rows. An invalid format gets one plane of 4 bytes a pixel. */
static void
dest_layout (Dest * d, ImcorePixelFormat format, uint32_t w, uint32_t h)
{
  const FormatInfo *fi = format_info (format);

  memset (d, 0, sizeof (*d));
  d->img.format = format;
  d->img.width = w;
  d->img.height = h;
  if (format == IMCORE_PIXEL_I420 || format == IMCORE_PIXEL_I422 ||
      format == IMCORE_PIXEL_I444) {
    uint32_t cw = format == IMCORE_PIXEL_I444 ? w : (w + 1) / 2;
    uint32_t ch = format == IMCORE_PIXEL_I420 ? (h + 1) / 2 : h;

    d->n_planes = 3;
    d->row[0] = w;
    d->rows[0] = h;
    d->row[1] = d->row[2] = cw;
    d->rows[1] = d->rows[2] = ch;
  } else {
    d->n_planes = 1;
    d->row[0] = (size_t) w * (fi ? fi->bpp : 4);
    d->rows[0] = h;
  }
}

static void
dest_init (Dest * d, ImcorePixelFormat format, uint32_t w, uint32_t h,
    size_t pad)
{
  dest_layout (d, format, w, h);
  for (unsigned i = 0; i < d->n_planes; i++) {
    size_t stride = d->row[i] + pad;
    size_t size = stride * d->rows[i];

    d->mem[i] = g_malloc (size ? size : 1);
    memset (d->mem[i], CANARY, size);
    d->img.planes[i] = d->mem[i];
    d->img.strides[i] = stride;
  }
}

static void
dest_clear (Dest * d)
{
  for (unsigned i = 0; i < d->n_planes; i++)
    g_free (d->mem[i]);
  memset (d, 0, sizeof (*d));
}

/* Whether the bytes between the end of each row and the next stride are
 * still CANARY. */
static gboolean
dest_padding_intact (const Dest * d)
{
  for (unsigned i = 0; i < d->n_planes; i++) {
    for (uint32_t y = 0; y < d->rows[i]; y++) {
      const uint8_t *p = d->mem[i] + (size_t) y * d->img.strides[i];

      for (size_t x = d->row[i]; x < d->img.strides[i]; x++) {
        if (p[x] != CANARY)
          return FALSE;
      }
    }
  }
  return TRUE;
}

/* Whether nothing at all was written. */
static gboolean
dest_untouched (const Dest * d)
{
  for (unsigned i = 0; i < d->n_planes; i++) {
    size_t size = d->img.strides[i] * d->rows[i];

    for (size_t j = 0; j < size; j++) {
      if (d->mem[i][j] != CANARY)
        return FALSE;
    }
  }
  return TRUE;
}

/* Whether @d (GRAY8 or packed, described by @fi) holds @rgba (4 bytes a
 * pixel, tightly packed), or @gray for GRAY8; the value of the X byte of
 * padding formats is not specified. Reports the first difference. */
static gboolean
dest_matches (const Dest * d, const FormatInfo * fi, const uint8_t * rgba,
    const uint8_t * gray, const char *what)
{
  const uint32_t w = d->img.width, h = d->img.height;

  for (uint32_t y = 0; y < h; y++) {
    const uint8_t *row = d->mem[0] + (size_t) y * d->img.strides[0];

    for (uint32_t x = 0; x < w; x++) {
      const uint8_t *px = row + (size_t) x * fi->bpp;
      const uint8_t *e = rgba + ((size_t) y * w + x) * 4;
      const int pos[4] = { fi->r, fi->g, fi->b, fi->a };

      if (fi->r < 0) {
        uint8_t want = gray[(size_t) y * w + x];

        if (px[0] != want)
          return check (FALSE, what, "pixel (%u, %u) is %u, expected %u", x,
              y, px[0], want);
        continue;
      }
      for (int c = 0; c < 4; c++) {
        if (pos[c] >= 0 && px[pos[c]] != e[c])
          return check (FALSE, what, "pixel (%u, %u) %c is %u, expected %u",
              x, y, "RGBA"[c], px[pos[c]], e[c]);
      }
    }
  }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* PNG test images                                                     */
/* ------------------------------------------------------------------ */

/* One PNG colour type and bit depth, with or without a tRNS chunk. */
typedef struct
{
  const char *name;
  int color_type;               /* PNG_COLOR_TYPE_* */
  int depth;
  gboolean trns;
} PngKind;

static const PngKind tpng_kinds[] = {
  {"gray1", PNG_COLOR_TYPE_GRAY, 1, FALSE},
  {"gray2", PNG_COLOR_TYPE_GRAY, 2, FALSE},
  {"gray4", PNG_COLOR_TYPE_GRAY, 4, FALSE},
  {"gray8", PNG_COLOR_TYPE_GRAY, 8, FALSE},
  {"gray16", PNG_COLOR_TYPE_GRAY, 16, FALSE},
  {"gray1-trns", PNG_COLOR_TYPE_GRAY, 1, TRUE},
  {"gray2-trns", PNG_COLOR_TYPE_GRAY, 2, TRUE},
  {"gray4-trns", PNG_COLOR_TYPE_GRAY, 4, TRUE},
  {"gray8-trns", PNG_COLOR_TYPE_GRAY, 8, TRUE},
  {"gray16-trns", PNG_COLOR_TYPE_GRAY, 16, TRUE},
  {"graya8", PNG_COLOR_TYPE_GRAY_ALPHA, 8, FALSE},
  {"graya16", PNG_COLOR_TYPE_GRAY_ALPHA, 16, FALSE},
  {"rgb8", PNG_COLOR_TYPE_RGB, 8, FALSE},
  {"rgb16", PNG_COLOR_TYPE_RGB, 16, FALSE},
  {"rgb8-trns", PNG_COLOR_TYPE_RGB, 8, TRUE},
  {"rgb16-trns", PNG_COLOR_TYPE_RGB, 16, TRUE},
  {"rgba8", PNG_COLOR_TYPE_RGBA, 8, FALSE},
  {"rgba16", PNG_COLOR_TYPE_RGBA, 16, FALSE},
  {"palette1", PNG_COLOR_TYPE_PALETTE, 1, FALSE},
  {"palette2", PNG_COLOR_TYPE_PALETTE, 2, FALSE},
  {"palette4", PNG_COLOR_TYPE_PALETTE, 4, FALSE},
  {"palette8", PNG_COLOR_TYPE_PALETTE, 8, FALSE},
  {"palette1-trns", PNG_COLOR_TYPE_PALETTE, 1, TRUE},
  {"palette2-trns", PNG_COLOR_TYPE_PALETTE, 2, TRUE},
  {"palette4-trns", PNG_COLOR_TYPE_PALETTE, 4, TRUE},
  {"palette8-trns", PNG_COLOR_TYPE_PALETTE, 8, TRUE},
};

static const uint32_t tpng_sizes[][2] = {
  {1, 1}, {3, 5}, {17, 9}, {64, 33},
};

static const PngKind *
tpng_kind (const char *name)
{
  for (size_t i = 0; i < G_N_ELEMENTS (tpng_kinds); i++) {
    if (strcmp (tpng_kinds[i].name, name) == 0)
      return &tpng_kinds[i];
  }
  g_assert_not_reached ();
  return NULL;
}

static unsigned
tpng_channels (int color_type)
{
  switch (color_type) {
    case PNG_COLOR_TYPE_GRAY_ALPHA:
      return 2;
    case PNG_COLOR_TYPE_RGB:
      return 3;
    case PNG_COLOR_TYPE_RGBA:
      return 4;
    default:                   /* gray, palette */
      return 1;
  }
}

/* Entries in the palette of a @depth-bit palette image: fewer than the
 * depth allows where it can, so that the image uses a partial palette */
static unsigned
tpng_palette_size (int depth)
{
  switch (depth) {
    case 1:
      return 2;
    case 2:
      return 3;
    case 4:
      return 11;
    default:
      return 200;
  }
}

/* Solid blocks near the top-left corner, 16-bit R, G, B, A and gray. */
typedef struct
{
  uint32_t x0, y0, x1, y1;
  uint16_t rgba[4];
  uint16_t gray;
} PngBlock;

static const PngBlock tpng_blocks[] = {
  {1, 0, 3, 2, {0xeb12, 0x1480, 0x19ff, 0x0000}, 0xc0de},
  {0, 2, 2, 4, {0x10aa, 0xe001, 0x2233, 0xffff}, 0x0f0f},
  {5, 1, 9, 3, {0x3456, 0x9abc, 0xf00d, 0x8001}, 0x7fff},
  {10, 4, 16, 8, {0xfe00, 0xfeff, 0x00ff, 0x4c4c}, 0x8000},
};

/* 16-bit R, G, B, A and gray of pixel (@x, @y): R rises along x, G along
 * y, B falls along x, A and gray mix both; low bytes vary too, so that
 * keeping the high byte and rounding give different results. */
static void
tpng_pattern16 (uint32_t x, uint32_t y, uint32_t w, uint32_t h,
    uint16_t rgba[4], uint16_t * gray)
{
  for (size_t i = 0; i < G_N_ELEMENTS (tpng_blocks); i++) {
    const PngBlock *b = &tpng_blocks[i];

    if (x >= b->x0 && x < b->x1 && y >= b->y0 && y < b->y1) {
      memcpy (rgba, b->rgba, sizeof (b->rgba));
      *gray = b->gray;
      return;
    }
  }
  rgba[0] = (uint16_t) ((uint64_t) x * 65535 / w + y * 2053u);
  rgba[1] = (uint16_t) ((uint64_t) y * 65535 / h + x * 389u + x * y * 97u);
  rgba[2] = (uint16_t) (65535u - (uint64_t) x * 50000 / w + y * 917u);
  rgba[3] = (uint16_t) (x * 9973u + y * 30011u + 0x1234u);
  *gray = (uint16_t) ((uint64_t) (x + 1) * 40000 / w +
      (uint64_t) y * 25000 / h + x * y * 131u);
}

static void
tpng_palette_entry (unsigned i, png_color * c)
{
  c->red = (png_byte) (i * 53 + 17);
  c->green = (png_byte) (255 - i * 29);
  c->blue = (png_byte) (i * i * 7 + 90);
}

/* The raw samples of pixel (@x, @y) at the kind's depth, in the order the
 * colour type stores them; a palette index in s[0]. */
static void
tpng_raw_samples (const PngKind * k, uint32_t x, uint32_t y, uint32_t w,
    uint32_t h, uint16_t s[4])
{
  const unsigned shift = k->color_type == PNG_COLOR_TYPE_PALETTE ? 0 :
      16 - (unsigned) k->depth;
  uint16_t rgba[4], gray;

  tpng_pattern16 (x, y, w, h, rgba, &gray);
  memset (s, 0, 4 * sizeof (s[0]));
  switch (k->color_type) {
    case PNG_COLOR_TYPE_GRAY:
      s[0] = gray >> shift;
      break;
    case PNG_COLOR_TYPE_GRAY_ALPHA:
      s[0] = gray >> shift;
      s[1] = rgba[3] >> shift;
      break;
    case PNG_COLOR_TYPE_RGB:
    case PNG_COLOR_TYPE_RGBA:
      for (unsigned c = 0; c < tpng_channels (k->color_type); c++)
        s[c] = rgba[c] >> shift;
      break;
    default:
      s[0] = (uint16_t) ((x * 7 + y * 3 + (x / 3) * (y / 2)) %
          tpng_palette_size (k->depth));
      break;
  }
}

/* A sample of @depth bits scaled to 8 bits as the PNG specification says
 * (s * 255 / (2^depth - 1), exact for 1, 2 and 4 bits), 16-bit samples
 * keeping their high byte */
static uint8_t
tpng_to8 (uint16_t s, int depth)
{
  if (depth == 16)
    return (uint8_t) (s >> 8);
  return (uint8_t) (s * 255u / ((1u << depth) - 1));
}

typedef struct
{
  const PngKind *kind;
  uint32_t w, h;
  gboolean interlaced;
  GByteArray *file;
  uint8_t *rgba;                /* 8-bit R, G, B, A, 255 without alpha */
  uint8_t *gray;                /* what GRAY8 must hold */
} PngImage;

static void
tpng_write_mem (png_structp png, png_bytep data, size_t n)
{
  g_byte_array_append (png_get_io_ptr (png), data, (guint) n);
}

static void
tpng_flush_mem (png_structp png)
{
}

static void
tpng_write_failed (png_structp png, png_const_charp msg)
{
  g_error ("libpng could not write a test image: %s", msg);
}

/* Packs the raw samples @s (4 per pixel) into PNG rows and has libpng's
 * writer make a file of them. */
static GByteArray *
tpng_write_file (const PngKind * k, uint32_t w, uint32_t h,
    gboolean interlaced, const uint16_t * s, const png_color * palette,
    unsigned n_palette, const uint8_t * trans_alpha, unsigned n_trans,
    const png_color_16 * trans_color)
{
  const unsigned nch = tpng_channels (k->color_type);
  const size_t rowbytes = ((size_t) w * nch * (size_t) k->depth + 7) / 8;
  GByteArray *file = g_byte_array_new ();
  uint8_t *buf = g_malloc0 (rowbytes * h);
  png_bytep *rows = g_new (png_bytep, h);
  png_structp png;
  png_infop info;

  for (uint32_t y = 0; y < h; y++) {
    uint8_t *row = buf + (size_t) y * rowbytes;

    rows[y] = row;
    for (uint32_t x = 0; x < w; x++) {
      for (unsigned c = 0; c < nch; c++) {
        uint16_t v = s[((size_t) y * w + x) * 4 + c];
        size_t j = (size_t) x * nch + c;

        if (k->depth == 16) {
          row[2 * j] = (uint8_t) (v >> 8);
          row[2 * j + 1] = (uint8_t) v;
        } else if (k->depth == 8) {
          row[j] = (uint8_t) v;
        } else {
          /* the leftmost pixel in the high-order bits */
          size_t bit = j * (size_t) k->depth;

          row[bit / 8] |= (uint8_t) (v << (8 - k->depth - bit % 8));
        }
      }
    }
  }

  png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL,
      tpng_write_failed, NULL);
  g_assert_nonnull (png);
  info = png_create_info_struct (png);
  g_assert_nonnull (info);
  png_set_write_fn (png, file, tpng_write_mem, tpng_flush_mem);
  /* a small buffer: larger images are split over several IDAT chunks */
  png_set_compression_buffer_size (png, 256);
  png_set_IHDR (png, info, w, h, k->depth, k->color_type,
      interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
      PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  /* a chunk before PLTE and tRNS, which imcore_png_read_info() must skip
   * (gAMA changes nothing unless the reader asks for gamma correction) */
  if (k->trns)
    png_set_gAMA_fixed (png, info, 45455);
  if (palette)
    png_set_PLTE (png, info, palette, (int) n_palette);
  if (k->trns) {
    png_set_tRNS (png, info, trans_alpha, (int) n_trans,
        palette ? NULL : trans_color);
  }
  png_write_info (png, info);
  png_write_image (png, rows);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  g_free (rows);
  g_free (buf);
  return file;
}

static PngImage *
tpng_new (const PngKind * k, uint32_t w, uint32_t h, gboolean interlaced)
{
  const gboolean is_palette = k->color_type == PNG_COLOR_TYPE_PALETTE;
  const size_t n = (size_t) w * h;
  PngImage *pi = g_new0 (PngImage, 1);
  uint16_t *s = g_new (uint16_t, n * 4);
  png_color palette[256];
  uint8_t trans_alpha[256];
  unsigned n_palette = 0, n_trans = 0;
  png_color_16 trans;

  pi->kind = k;
  pi->w = w;
  pi->h = h;
  pi->interlaced = interlaced;
  for (uint32_t y = 0; y < h; y++) {
    for (uint32_t x = 0; x < w; x++)
      tpng_raw_samples (k, x, y, w, h, s + ((size_t) y * w + x) * 4);
  }

  memset (&trans, 0, sizeof (trans));
  if (is_palette) {
    n_palette = tpng_palette_size (k->depth);
    for (unsigned i = 0; i < n_palette; i++)
      tpng_palette_entry (i, &palette[i]);
    if (k->trns) {
      /* all entries but the last have an alpha; entry 0 is clear */
      n_trans = n_palette > 1 ? n_palette - 1 : 1;
      for (unsigned i = 0; i < n_trans; i++)
        trans_alpha[i] = (uint8_t) (i ? i * 97 + 13 : 0);
    }
  } else if (k->trns) {
    /* the centre pixel's colour is transparent; the last pixel gets the
     * same colour with the lowest bit of one sample flipped, which must
     * stay opaque: tRNS matches whole samples, 16 bits of them too */
    const uint16_t *t = s + ((size_t) (h / 2) * w + w / 2) * 4;
    uint16_t *last = s + (n - 1) * 4;

    trans.gray = trans.red = t[0];
    trans.green = t[1];
    trans.blue = t[2];
    if (last != t) {
      memcpy (last, t, 4 * sizeof (t[0]));
      if (k->color_type == PNG_COLOR_TYPE_GRAY)
        last[0] ^= 1;
      else
        last[2] ^= 1;
    }
  }

  pi->file = tpng_write_file (k, w, h, interlaced, s,
      is_palette ? palette : NULL, n_palette, trans_alpha, n_trans, &trans);

  /* what every format must hold, from the samples and the specification */
  pi->rgba = g_malloc (n * 4);
  pi->gray = g_malloc (n);
  for (size_t i = 0; i < n; i++) {
    const uint16_t *p = s + i * 4;
    uint8_t *e = pi->rgba + i * 4;

    switch (k->color_type) {
      case PNG_COLOR_TYPE_GRAY:
        e[0] = e[1] = e[2] = tpng_to8 (p[0], k->depth);
        e[3] = k->trns && p[0] == trans.gray ? 0 : 255;
        break;
      case PNG_COLOR_TYPE_GRAY_ALPHA:
        e[0] = e[1] = e[2] = tpng_to8 (p[0], k->depth);
        e[3] = tpng_to8 (p[1], k->depth);
        break;
      case PNG_COLOR_TYPE_RGB:
        for (int c = 0; c < 3; c++)
          e[c] = tpng_to8 (p[c], k->depth);
        e[3] = k->trns && p[0] == trans.red && p[1] == trans.green &&
            p[2] == trans.blue ? 0 : 255;
        break;
      case PNG_COLOR_TYPE_RGBA:
        for (int c = 0; c < 4; c++)
          e[c] = tpng_to8 (p[c], k->depth);
        break;
      default:
        e[0] = palette[p[0]].red;
        e[1] = palette[p[0]].green;
        e[2] = palette[p[0]].blue;
        e[3] = p[0] < n_trans ? trans_alpha[p[0]] : 255;
        break;
    }
    pi->gray[i] = (k->color_type & PNG_COLOR_MASK_COLOR) ?
        luma601 (e[0], e[1], e[2]) : e[0];
  }
  g_free (s);
  return pi;
}

static void
tpng_free (PngImage * pi)
{
  g_byte_array_unref (pi->file);
  g_free (pi->rgba);
  g_free (pi->gray);
  g_free (pi);
}

static gchar *
tpng_name (const PngImage * pi)
{
  return g_strdup_printf ("png %s %ux%u%s", pi->kind->name, pi->w, pi->h,
      pi->interlaced ? " interlaced" : "");
}

/* CRC-32 of PNG chunks (ISO 3309, reflected, polynomial 0xedb88320) */
static uint32_t
tpng_crc (const uint8_t * p, size_t n)
{
  uint32_t c = 0xffffffffu;

  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++)
      c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return c ^ 0xffffffffu;
}

static void
tpng_append_chunk (GByteArray * a, const char *type, const uint8_t * data,
    uint32_t len)
{
  uint8_t be[4];
  size_t start;

  put_be32 (be, len);
  g_byte_array_append (a, be, 4);
  start = a->len;
  g_byte_array_append (a, (const guint8 *) type, 4);
  if (len)
    g_byte_array_append (a, data, len);
  put_be32 (be, tpng_crc (a->data + start, (size_t) len + 4));
  g_byte_array_append (a, be, 4);
}

static const uint8_t tpng_signature[8] = {
  0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
};

/* A PNG start: the signature and an IHDR with a valid CRC. */
static GByteArray *
tpng_start (uint32_t w, uint32_t h, unsigned depth, unsigned color_type,
    unsigned interlace)
{
  GByteArray *a = g_byte_array_new ();
  uint8_t ihdr[13];

  g_byte_array_append (a, tpng_signature, 8);
  put_be32 (ihdr, w);
  put_be32 (ihdr + 4, h);
  ihdr[8] = (uint8_t) depth;
  ihdr[9] = (uint8_t) color_type;
  ihdr[10] = 0;                 /* deflate */
  ihdr[11] = 0;                 /* adaptive filtering */
  ihdr[12] = (uint8_t) interlace;
  tpng_append_chunk (a, "IHDR", ihdr, 13);
  return a;
}

/* Where byte @pos of a PNG lies. */
typedef enum
{
  PNG_AT_SIGNATURE,
  PNG_AT_LENGTH,
  PNG_AT_TYPE,
  PNG_AT_DATA,
  PNG_AT_CRC,
  PNG_AT_END,                   /* past the last whole chunk */
} PngRegion;

static PngRegion
tpng_region (const uint8_t * png, size_t len, size_t pos, gboolean * critical)
{
  size_t p = 8;

  *critical = FALSE;
  if (pos < 8)
    return PNG_AT_SIGNATURE;
  while (len - p >= 12) {
    size_t clen = get_be32 (png + p);

    if (pos < p + 12 + clen) {
      /* bit 5 of the first type letter: 0 (upper case) is critical */
      *critical = (png[p + 4] & 0x20) == 0;
      if (pos < p + 4)
        return PNG_AT_LENGTH;
      if (pos < p + 8)
        return PNG_AT_TYPE;
      if (pos < p + 8 + clen)
        return PNG_AT_DATA;
      return PNG_AT_CRC;
    }
    p += 12 + clen;
  }
  return PNG_AT_END;
}

/* ------------------------------------------------------------------ */
/* PNG tests                                                           */
/* ------------------------------------------------------------------ */

static void
test_png_accepts (void)
{
  for (int f = 0; f < IMCORE_PIXEL_N_FORMATS; f++) {
    gboolean want = format_info ((ImcorePixelFormat) f) != NULL;

    check (imcore_png_decode_accepts ((ImcorePixelFormat) f) == want,
        format_name ((ImcorePixelFormat) f), "png accepts: %d, expected %d",
        !want, want);
  }
  check (!imcore_png_decode_accepts (IMCORE_PIXEL_N_FORMATS), "N_FORMATS",
      "png accepts an invalid format");
}

/* What imcore_png_read_info() must say about @pi. */
static void
tpng_check_info (const PngImage * pi, const char *what)
{
  const PngKind *k = pi->kind;
  ImcorePngInfo info;
  ImcoreError err;

  memset (&info, 0xa5, sizeof (info));
  err = imcore_png_read_info (pi->file->data, pi->file->len, &info);
  if (!check (err == IMCORE_OK, what, "read_info returned %s",
          imcore_strerror (err)))
    return;
  check (info.width == pi->w && info.height == pi->h, what,
      "read_info size %ux%u", info.width, info.height);
  check (info.bit_depth == (unsigned) k->depth, what, "read_info depth %u",
      info.bit_depth);
  check (info.color == ((k->color_type & PNG_COLOR_MASK_COLOR) != 0), what,
      "read_info color %d", info.color);
  check (info.palette == (k->color_type == PNG_COLOR_TYPE_PALETTE), what,
      "read_info palette %d", info.palette);
  check (info.alpha == ((k->color_type & PNG_COLOR_MASK_ALPHA) || k->trns),
      what, "read_info alpha %d", info.alpha);
  check (info.interlaced == pi->interlaced, what, "read_info interlaced %d",
      info.interlaced);
}

/* Decodes @pi into every format, with tight and padded rows. */
static void
tpng_check_decode (ImcorePngDecoder * dec, const PngImage * pi,
    const char *name)
{
  static const size_t pads[] = { 0, 13 };

  for (size_t f = 0; f < G_N_ELEMENTS (formats); f++) {
    for (size_t p = 0; p < G_N_ELEMENTS (pads); p++) {
      gchar *what = g_strdup_printf ("%s -> %s stride +%zu", name,
          formats[f].name, pads[p]);
      ImcoreError err;
      Dest d;

      dest_init (&d, formats[f].format, pi->w, pi->h, pads[p]);
      err = imcore_png_decode (dec, pi->file->data, pi->file->len, &d.img);
      if (check (err == IMCORE_OK, what, "decode returned %s (%s)",
              imcore_strerror (err), imcore_png_decoder_last_error (dec)))
        dest_matches (&d, &formats[f], pi->rgba, pi->gray, what);
      check (dest_padding_intact (&d), what, "the row padding was written");
      dest_clear (&d);
      g_free (what);
    }
  }
}

/* One colour type and depth: every size, interlaced and not, every
 * format. */
static void
test_png_kind (gconstpointer data)
{
  const PngKind *k = data;
  ImcorePngDecoder *dec = imcore_png_decoder_new ();

  g_assert_nonnull (dec);
  for (size_t s = 0; s < G_N_ELEMENTS (tpng_sizes); s++) {
    for (int il = 0; il < 2; il++) {
      PngImage *pi = tpng_new (k, tpng_sizes[s][0], tpng_sizes[s][1], il);
      gchar *name = tpng_name (pi);

      tpng_check_info (pi, name);
      tpng_check_decode (dec, pi, name);
      g_free (name);
      tpng_free (pi);
    }
  }
  imcore_png_decoder_free (dec);
}

static void
tpng_expect_info (const GByteArray * a, uint32_t w, uint32_t h,
    unsigned depth, gboolean color, gboolean palette, gboolean alpha,
    gboolean interlaced, const char *what)
{
  ImcorePngInfo info;
  ImcoreError err = imcore_png_read_info (a->data, a->len, &info);

  if (!check (err == IMCORE_OK, what, "read_info returned %s",
          imcore_strerror (err)))
    return;
  check (info.width == w && info.height == h, what, "size %ux%u",
      info.width, info.height);
  check (info.bit_depth == depth, what, "depth %u", info.bit_depth);
  check (info.color == color, what, "color %d", info.color);
  check (info.palette == palette, what, "palette %d", info.palette);
  check (info.alpha == alpha, what, "alpha %d", info.alpha);
  check (info.interlaced == interlaced, what, "interlaced %d", info.interlaced);
}

/* Hand-made headers: sizes no one could allocate are read without
 * decoding, tRNS counts only before the image data, and IHDRs the
 * specification does not allow are refused. */
static void
test_png_read_info (void)
{
  static const uint8_t plte[9] = { 1, 2, 3, 40, 50, 60, 200, 100, 0 };
  static const uint8_t trns[1] = { 0 };
  static const uint8_t ok_types[][2] = {
    {0, 1}, {0, 2}, {0, 4}, {0, 8}, {0, 16}, {2, 8}, {2, 16}, {3, 1},
    {3, 2}, {3, 4}, {3, 8}, {4, 8}, {4, 16}, {6, 8}, {6, 16},
  };
  static const uint8_t bad_types[][2] = {
    {0, 0}, {0, 3}, {0, 32}, {2, 1}, {2, 4}, {3, 16}, {4, 4}, {6, 1},
    {1, 8}, {5, 8}, {7, 8}, {255, 8},
  };
  ImcorePngDecoder *dec = imcore_png_decoder_new ();
  ImcorePngInfo info;
  GByteArray *a;
  gint64 t0;

  /* 60000 x 60000 RGB: 10 GB of pixels */
  t0 = g_get_monotonic_time ();
  a = tpng_start (60000, 60000, 8, 2, 0);
  tpng_append_chunk (a, "IEND", NULL, 0);
  tpng_expect_info (a, 60000, 60000, 8, TRUE, FALSE, FALSE, FALSE,
      "huge RGB header");
  {
    Dest d;
    ImcoreError err;

    /* the size is refused before libpng allocates anything for it */
    dest_init (&d, IMCORE_PIXEL_RGBA, 1, 1, 3);
    err = imcore_png_decode (dec, a->data, a->len, &d.img);
    check (err == IMCORE_ERROR_INVALID_ARGUMENT, "huge RGB into 1x1",
        "decode returned %s", imcore_strerror (err));
    check (dest_untouched (&d), "huge RGB into 1x1", "dest written");
    dest_clear (&d);
  }
  g_byte_array_unref (a);

  /* 4-bit palette, tRNS, Adam7 */
  a = tpng_start (60000, 60000, 4, 3, 1);
  tpng_append_chunk (a, "PLTE", plte, sizeof (plte));
  tpng_append_chunk (a, "tRNS", trns, sizeof (trns));
  tpng_append_chunk (a, "IDAT", NULL, 0);
  tpng_append_chunk (a, "IEND", NULL, 0);
  tpng_expect_info (a, 60000, 60000, 4, TRUE, TRUE, TRUE, TRUE,
      "huge palette header");
  g_byte_array_unref (a);

  /* a tRNS after the image data is not one */
  a = tpng_start (60000, 60000, 16, 0, 0);
  tpng_append_chunk (a, "IDAT", NULL, 0);
  tpng_append_chunk (a, "tRNS", trns, sizeof (trns));
  tpng_append_chunk (a, "IEND", NULL, 0);
  tpng_expect_info (a, 60000, 60000, 16, FALSE, FALSE, FALSE, FALSE,
      "tRNS after IDAT");
  g_byte_array_unref (a);
  check (g_get_monotonic_time () - t0 < 2 * G_USEC_PER_SEC, "huge headers",
      "reading them took %" G_GINT64_FORMAT " us",
      g_get_monotonic_time () - t0);

  /* a tRNS whose length runs past the end of the data: still a tRNS, and
   * nothing is read past the end (the copy is exactly that long) */
  a = tpng_start (5, 5, 8, 2, 0);
  {
    static const uint8_t cut[12] = {
      0, 0, 0x03, 0xe8, 't', 'R', 'N', 'S', 0, 1, 2, 3
    };
    uint8_t *copy;

    g_byte_array_append (a, cut, sizeof (cut));
    copy = g_memdup2 (a->data, a->len);
    if (check (imcore_png_read_info (copy, a->len, &info) == IMCORE_OK,
            "tRNS cut short", "read_info failed"))
      check (info.alpha, "tRNS cut short", "no alpha");
    g_free (copy);
  }
  g_byte_array_unref (a);

  for (size_t i = 0; i < G_N_ELEMENTS (ok_types); i++) {
    gchar *what = g_strdup_printf ("IHDR type %u depth %u", ok_types[i][0],
        ok_types[i][1]);

    a = tpng_start (3, 2, ok_types[i][1], ok_types[i][0], 0);
    tpng_expect_info (a, 3, 2, ok_types[i][1], (ok_types[i][0] & 2) != 0,
        ok_types[i][0] == 3, (ok_types[i][0] & 4) != 0, FALSE, what);
    g_byte_array_unref (a);
    g_free (what);
  }
  for (size_t i = 0; i < G_N_ELEMENTS (bad_types) + 5; i++) {
    gchar *what;
    ImcoreError err;

    if (i < G_N_ELEMENTS (bad_types)) {
      what = g_strdup_printf ("IHDR type %u depth %u", bad_types[i][0],
          bad_types[i][1]);
      a = tpng_start (3, 2, bad_types[i][1], bad_types[i][0], 0);
    } else {
      static const uint32_t sizes[][3] = {
        {0, 5, 0}, {5, 0, 0}, {0x80000000u, 5, 0}, {5, 0xffffffffu, 0},
        {5, 5, 2},
      };
      const uint32_t *sz = sizes[i - G_N_ELEMENTS (bad_types)];

      what = g_strdup_printf ("IHDR %ux%u interlace %u", sz[0], sz[1], sz[2]);
      a = tpng_start (sz[0], sz[1], 8, 2, sz[2]);
    }
    err = imcore_png_read_info (a->data, a->len, &info);
    check (err == IMCORE_ERROR_INVALID_INPUT, what, "read_info returned %s",
        imcore_strerror (err));
    g_byte_array_unref (a);
    g_free (what);
  }

  /* not a PNG start: another signature, an IHDR of another length, a
   * first chunk that is not IHDR, every length short of the IHDR's CRC */
  a = tpng_start (3, 2, 8, 2, 0);
  for (size_t i = 0; i < 4; i++) {
    GByteArray *b = g_byte_array_new ();
    ImcoreError err;

    g_byte_array_append (b, a->data, a->len);
    if (i == 0)
      b->data[0] = 0x88;
    else if (i == 1)
      b->data[11] = 12;
    else if (i == 2)
      b->data[12] = 'i';
    else
      b->data[7] = '\r';
    err = imcore_png_read_info (b->data, b->len, &info);
    check (err == IMCORE_ERROR_INVALID_INPUT, "not a PNG start",
        "case %zu: read_info returned %s", i, imcore_strerror (err));
    g_byte_array_unref (b);
  }
  for (size_t len = 0; len < a->len; len++) {
    uint8_t *copy = g_memdup2 (a->data, len ? len : 1);
    ImcoreError err = imcore_png_read_info (copy, len, &info);

    check (err == IMCORE_ERROR_INVALID_INPUT, "short PNG start",
        "%zu bytes: read_info returned %s", len, imcore_strerror (err));
    g_free (copy);
  }
  check (imcore_png_read_info (a->data, a->len, &info) == IMCORE_OK,
      "PNG start", "the whole start is refused");
  g_byte_array_unref (a);
  imcore_png_decoder_free (dec);
}

static void
test_png_size_mismatch (void)
{
  static const uint32_t sizes[][2] = {
    {16, 9}, {18, 9}, {17, 8}, {17, 10}, {1, 1}, {9, 17}, {64, 64},
  };
  static const ImcorePixelFormat fmts[] = {
    IMCORE_PIXEL_RGBA, IMCORE_PIXEL_RGB, IMCORE_PIXEL_GRAY8,
    IMCORE_PIXEL_XBGR,
  };
  ImcorePngDecoder *dec = imcore_png_decoder_new ();

  for (int il = 0; il < 2; il++) {
    PngImage *pi = tpng_new (tpng_kind (il ? "palette4-trns" : "rgb16"),
        17, 9, il);

    for (size_t s = 0; s < G_N_ELEMENTS (sizes); s++) {
      for (size_t f = 0; f < G_N_ELEMENTS (fmts); f++) {
        gchar *what = g_strdup_printf ("png 17x9 %s into %ux%u %s",
            pi->kind->name, sizes[s][0], sizes[s][1], format_name (fmts[f]));
        ImcoreError err;
        Dest d;

        dest_init (&d, fmts[f], sizes[s][0], sizes[s][1], 3);
        err = imcore_png_decode (dec, pi->file->data, pi->file->len, &d.img);
        check (err == IMCORE_ERROR_INVALID_ARGUMENT, what,
            "decode returned %s", imcore_strerror (err));
        check (dest_untouched (&d), what, "the destination was written");
        dest_clear (&d);
        g_free (what);
      }
    }
    tpng_free (pi);
  }
  imcore_png_decoder_free (dec);
}

static void
test_png_unsupported (void)
{
  static const ImcorePixelFormat fmts[] = {
    IMCORE_PIXEL_I420, IMCORE_PIXEL_I422, IMCORE_PIXEL_I444,
    IMCORE_PIXEL_N_FORMATS,
  };
  ImcorePngDecoder *dec = imcore_png_decoder_new ();
  PngImage *pi = tpng_new (tpng_kind ("rgba8"), 17, 9, FALSE);

  for (size_t f = 0; f < G_N_ELEMENTS (fmts); f++) {
    ImcoreError err;
    Dest d;

    dest_init (&d, fmts[f], 17, 9, 3);
    err = imcore_png_decode (dec, pi->file->data, pi->file->len, &d.img);
    check (err == IMCORE_ERROR_UNSUPPORTED_FORMAT, format_name (fmts[f]),
        "png decode returned %s", imcore_strerror (err));
    check (dest_untouched (&d), format_name (fmts[f]),
        "the destination was written");
    dest_clear (&d);
  }
  tpng_free (pi);
  imcore_png_decoder_free (dec);
}

/* Decodes the @len bytes of damaged PNG data at @data (an allocation of
 * exactly @len bytes) into a padded @format image of @w x @h, and checks
 * what any input may do: INVALID_INPUT or OK; nothing written when the
 * header claims another size (INVALID_ARGUMENT, or INVALID_INPUT when the
 * damaged IHDR fails its CRC check first); never the padding. @must_fail:
 * damage the decoder has to notice. */
static ImcoreError
tpng_decode_damaged (ImcorePngDecoder * dec, const uint8_t * data, size_t len,
    ImcorePixelFormat format, uint32_t w, uint32_t h, gboolean must_fail,
    const char *what)
{
  ImcorePngInfo info;
  gboolean other_size;
  ImcoreError err;
  Dest d;

  other_size = imcore_png_read_info (data, len, &info) == IMCORE_OK &&
      (info.width != w || info.height != h);
  dest_init (&d, format, w, h, 3);
  err = imcore_png_decode (dec, data, len, &d.img);
  if (other_size) {
    check (err == IMCORE_ERROR_INVALID_ARGUMENT ||
        err == IMCORE_ERROR_INVALID_INPUT, what,
        "the header says %ux%u, decode into %ux%u returned %s", info.width,
        info.height, w, h, imcore_strerror (err));
    check (dest_untouched (&d), what, "written while the header claims "
        "another size");
  } else {
    check (err == IMCORE_OK || err == IMCORE_ERROR_INVALID_INPUT, what,
        "decode returned %s", imcore_strerror (err));
  }
  if (must_fail)
    check (err != IMCORE_OK, what, "the damage went unnoticed");
  if (err == IMCORE_ERROR_INVALID_INPUT)
    check (imcore_png_decoder_last_error (dec)[0] != '\0', what,
        "INVALID_INPUT without a message");
  check (dest_padding_intact (&d), what, "the row padding was written");
  dest_clear (&d);
  return err;
}

/* A few PNGs for the damage tests, and formats that take the decoder's
 * different paths: alpha kept, alpha dropped, gray via RGB, filler. */
static const struct
{
  const char *kind;
  uint32_t w, h;
  gboolean interlaced;
} tpng_damage_cases[] = {
  {"rgb8", 17, 9, FALSE},
  {"palette2-trns", 17, 9, TRUE},
  {"gray16-trns", 3, 5, FALSE},
  {"graya16", 17, 9, TRUE},
  {"rgba16", 64, 33, TRUE},
  {"palette8", 64, 33, FALSE},
};

static const ImcorePixelFormat damage_formats[] = {
  IMCORE_PIXEL_RGBA, IMCORE_PIXEL_RGB, IMCORE_PIXEL_GRAY8,
  IMCORE_PIXEL_XBGR,
};

/* Every truncation (every 7th byte in larger files, every one of the last
 * 64 bytes) must fail. */
static void
test_png_truncated (void)
{
  ImcorePngDecoder *dec = imcore_png_decoder_new ();
  static const uint8_t zero[1] = { 0 };
  unsigned n = 0;

  for (size_t c = 0; c < G_N_ELEMENTS (tpng_damage_cases); c++) {
    PngImage *pi = tpng_new (tpng_kind (tpng_damage_cases[c].kind),
        tpng_damage_cases[c].w, tpng_damage_cases[c].h,
        tpng_damage_cases[c].interlaced);
    gchar *name = tpng_name (pi);
    const size_t len = pi->file->len;
    const size_t step = len <= 2048 ? 1 : 7;

    for (size_t cut = 0; cut < len; cut += cut + 64 < len ? step : 1) {
      ImcorePixelFormat f = damage_formats[cut % 4];
      gchar *what = g_strdup_printf ("%s cut to %zu of %zu bytes -> %s",
          name, cut, len, format_name (f));
      uint8_t *copy = cut ? g_memdup2 (pi->file->data, cut) : NULL;
      ImcoreError err;

      err = tpng_decode_damaged (dec, copy ? copy : zero, cut, f, pi->w,
          pi->h, TRUE, what);
      check (err == IMCORE_ERROR_INVALID_INPUT, what, "decode returned %s",
          imcore_strerror (err));
      n++;
      g_free (copy);
      g_free (what);
    }
    /* the decoder still works */
    tpng_check_decode (dec, pi, name);
    g_free (name);
    tpng_free (pi);
  }
  g_test_message ("%u truncated PNGs", n);
  imcore_png_decoder_free (dec);
}

/* One bit flipped at a time: in the signature, or in the data or CRC of a
 * critical chunk, the decoder must notice; elsewhere (lengths, types,
 * ancillary chunks, whose CRC errors libpng only warns about) anything but
 * a crash goes. */
static void
test_png_bit_flips (void)
{
  ImcorePngDecoder *dec = imcore_png_decoder_new ();
  unsigned n = 0, ok = 0;

  for (size_t c = 0; c < G_N_ELEMENTS (tpng_damage_cases); c++) {
    PngImage *pi = tpng_new (tpng_kind (tpng_damage_cases[c].kind),
        tpng_damage_cases[c].w, tpng_damage_cases[c].h,
        tpng_damage_cases[c].interlaced);
    gchar *name = tpng_name (pi);
    const size_t len = pi->file->len;
    uint8_t *copy = g_memdup2 (pi->file->data, len);
    /* every bit of small files, one bit a byte of larger ones */
    const unsigned bits = len <= 600 ? 8 : 1;

    for (size_t pos = 0; pos < len; pos++) {
      gboolean critical;
      PngRegion region = tpng_region (pi->file->data, len, pos, &critical);
      gboolean must_fail = region == PNG_AT_SIGNATURE ||
          (critical && (region == PNG_AT_DATA || region == PNG_AT_CRC));

      for (unsigned b = 0; b < bits; b++) {
        unsigned bit = bits == 8 ? b : (unsigned) (pos % 8);
        ImcorePixelFormat f = damage_formats[(pos + b) % 4];
        gchar *what = g_strdup_printf ("%s bit %u of byte %zu flipped -> %s",
            name, bit, pos, format_name (f));

        copy[pos] ^= (uint8_t) (1u << bit);
        if (tpng_decode_damaged (dec, copy, len, f, pi->w, pi->h, must_fail,
                what) == IMCORE_OK)
          ok++;
        copy[pos] ^= (uint8_t) (1u << bit);
        n++;
        g_free (what);
      }
    }
    tpng_check_decode (dec, pi, name);
    g_free (copy);
    g_free (name);
    tpng_free (pi);
  }
  g_test_message ("%u PNGs with a flipped bit, %u decoded", n, ok);
  imcore_png_decoder_free (dec);
}

/* A bad CRC on any IDAT chunk, or an IDAT byte changed under a good one,
 * must fail, for every kind of image. */
static void
test_png_bad_idat_crc (void)
{
  ImcorePngDecoder *dec = imcore_png_decoder_new ();
  unsigned n = 0;

  for (size_t k = 0; k < G_N_ELEMENTS (tpng_kinds); k++) {
    for (int il = 0; il < 2; il++) {
      PngImage *pi = tpng_new (&tpng_kinds[k], 64, 33, il);
      gchar *name = tpng_name (pi);
      const size_t len = pi->file->len;
      uint8_t *copy = g_memdup2 (pi->file->data, len);

      for (size_t p = 8; len - p >= 12; p += 12 + get_be32 (copy + p)) {
        const size_t clen = get_be32 (copy + p);

        if (memcmp (copy + p + 4, "IDAT", 4) != 0)
          continue;
        for (int t = 0; t < 2; t++) {
          /* the CRC's last bit, or a data bit in the middle */
          size_t pos = t == 0 ? p + 8 + clen + 3 : p + 8 + clen / 2;
          ImcorePixelFormat f = damage_formats[n % 4];
          gchar *what;

          if (t == 1 && clen == 0)
            continue;
          what = g_strdup_printf ("%s IDAT at %zu, %s -> %s", name, p,
              t == 0 ? "bad CRC" : "data changed", format_name (f));
          copy[pos] ^= 1;
          tpng_decode_damaged (dec, copy, len, f, pi->w, pi->h, TRUE, what);
          copy[pos] ^= 1;
          n++;
          g_free (what);
        }
      }
      g_free (copy);
      g_free (name);
      tpng_free (pi);
    }
  }
  g_test_message ("%u PNGs with a bad IDAT", n);
  imcore_png_decoder_free (dec);
}

/* Random bytes, a signature followed by random bytes, a valid IHDR
 * followed by random chunks with valid CRCs, and real image data under
 * IHDRs rewritten to every other colour type, depth, interlacing and a
 * few sizes. */
static void
test_png_random (void)
{
  static const char *chunk_types[] = {
    "PLTE", "tRNS", "IDAT", "IEND", "gAMA", "zzZz", "IHDR",
  };
  static const uint8_t types[][2] = {
    {0, 1}, {0, 2}, {0, 4}, {0, 8}, {0, 16}, {2, 8}, {2, 16}, {3, 1},
    {3, 2}, {3, 4}, {3, 8}, {4, 8}, {4, 16}, {6, 8}, {6, 16},
  };
  static const char *sources[] = {
    "rgb8", "palette4-trns", "gray16-trns", "rgba16", "gray1",
  };
  static const uint32_t sizes[][2] = { {17, 9}, {9, 17}, {16, 9}, {34, 9} };
  ImcorePngDecoder *dec = imcore_png_decoder_new ();
  static const uint8_t zero[1] = { 0 };
  unsigned n = 0, ok = 0;
  TestRng rng;

  rng_init (&rng, 0x706e67);
  for (int i = 0; i < 1500; i++) {
    const int mode = i % 3;
    GByteArray *a;
    uint8_t *copy;
    uint32_t w = 1 + rng_next (&rng) % 20, h = 1 + rng_next (&rng) % 20;
    ImcorePixelFormat f = formats[rng_next (&rng) %
        G_N_ELEMENTS (formats)].format;
    gchar *what;

    if (mode == 2) {
      const uint8_t *t = types[rng_next (&rng) % G_N_ELEMENTS (types)];

      a = tpng_start (w, h, t[1], t[0], rng_next (&rng) % 2);
      for (uint32_t c = rng_next (&rng) % 6; c > 0; c--) {
        uint8_t data[64];
        uint32_t clen = rng_next (&rng) % sizeof (data);

        for (uint32_t j = 0; j < clen; j++)
          data[j] = (uint8_t) rng_next (&rng);
        tpng_append_chunk (a, chunk_types[rng_next (&rng) %
                G_N_ELEMENTS (chunk_types)], data, clen);
      }
    } else {
      uint32_t len = rng_next (&rng) % 300;

      a = g_byte_array_new ();
      if (mode == 1)
        g_byte_array_append (a, tpng_signature, 8);
      for (uint32_t j = 0; j < len; j++) {
        uint8_t byte = (uint8_t) rng_next (&rng);

        g_byte_array_append (a, &byte, 1);
      }
    }
    what = g_strdup_printf ("random PNG %d (%s) %ux%u -> %s", i,
        mode == 0 ? "bytes" : mode == 1 ? "signature, bytes" : "chunks", w,
        h, format_name (f));
    copy = a->len ? g_memdup2 (a->data, a->len) : NULL;
    /* random bytes never make a whole PNG: a signature is missing, or
     * IDAT and IEND */
    if (tpng_decode_damaged (dec, copy ? copy : zero, a->len, f, w, h,
            mode != 2, what) == IMCORE_OK)
      ok++;
    n++;
    g_free (copy);
    g_free (what);
    g_byte_array_unref (a);
  }

  for (size_t s = 0; s < G_N_ELEMENTS (sources); s++) {
    PngImage *pi = tpng_new (tpng_kind (sources[s]), 17, 9, s % 2);
    uint8_t *copy = g_memdup2 (pi->file->data, pi->file->len);

    for (size_t t = 0; t < G_N_ELEMENTS (types); t++) {
      for (unsigned il = 0; il < 2; il++) {
        for (size_t z = 0; z < G_N_ELEMENTS (sizes); z++) {
          ImcorePixelFormat f = damage_formats[(t + il + z) % 4];
          gchar *what = g_strdup_printf ("%s as type %u depth %u%s %ux%u "
              "-> %s", sources[s], types[t][0], types[t][1],
              il ? " interlaced" : "", sizes[z][0], sizes[z][1],
              format_name (f));

          put_be32 (copy + 16, sizes[z][0]);
          put_be32 (copy + 20, sizes[z][1]);
          copy[24] = types[t][1];
          copy[25] = types[t][0];
          copy[28] = (uint8_t) il;
          put_be32 (copy + 29, tpng_crc (copy + 12, 17));
          if (tpng_decode_damaged (dec, copy, pi->file->len, f, sizes[z][0],
                  sizes[z][1], FALSE, what) == IMCORE_OK)
            ok++;
          n++;
          g_free (what);
        }
      }
    }
    tpng_check_decode (dec, pi, sources[s]);
    g_free (copy);
    tpng_free (pi);
  }
  g_test_message ("%u random PNGs, %u decoded", n, ok);
  imcore_png_decoder_free (dec);
}

/* ------------------------------------------------------------------ */
/* JPEG test images and TurboJPEG's own decodes of them                */
/* ------------------------------------------------------------------ */

typedef struct
{
  const char *name;
  int samp;                     /* TJSAMP_* */
  int flags;                    /* more tjCompress2() flags */
  gboolean cmyk;                /* from TJPF_CMYK pixels (a YCCK JPEG) */
} JpegKind;

static const JpegKind jpeg_kinds[] = {
  {"444", TJSAMP_444, 0, FALSE},
  {"422", TJSAMP_422, 0, FALSE},
  {"420", TJSAMP_420, 0, FALSE},
  {"440", TJSAMP_440, 0, FALSE},
  {"411", TJSAMP_411, 0, FALSE},
  {"gray", TJSAMP_GRAY, 0, FALSE},
  {"progressive-420", TJSAMP_420, TJFLAG_PROGRESSIVE, FALSE},
  {"progressive-gray", TJSAMP_GRAY, TJFLAG_PROGRESSIVE, FALSE},
  {"cmyk-444", TJSAMP_444, 0, TRUE},
  {"cmyk-420", TJSAMP_420, 0, TRUE},
  {"cmyk-progressive-422", TJSAMP_422, TJFLAG_PROGRESSIVE, TRUE},
};

static const uint32_t jpeg_sizes[][2] = {
  {1, 1}, {2, 2}, {7, 5}, {16, 16}, {17, 9}, {33, 31}, {64, 48}, {131, 67},
};

static const unsigned denoms[] = { 1, 2, 4, 8 };

static const JpegKind *
jpeg_kind (const char *name)
{
  for (size_t i = 0; i < G_N_ELEMENTS (jpeg_kinds); i++) {
    if (strcmp (jpeg_kinds[i].name, name) == 0)
      return &jpeg_kinds[i];
  }
  g_assert_not_reached ();
  return NULL;
}

/* A JPEG of the pattern (high bytes of the PNG pattern: R, G, B, or C, M,
 * Y and K from alpha), made by TurboJPEG; tjFree() it. A new compressor
 * each time: libjpeg-turbo 2.1 writes a corrupt baseline JPEG with a
 * compressor that made a progressive one before. */
static uint8_t *
jpeg_make (const JpegKind * k, uint32_t w, uint32_t h, size_t *len)
{
  tjhandle tjc = tjInitCompress ();
  const unsigned ps = k->cmyk ? 4 : 3;
  uint8_t *src = g_malloc ((size_t) w * h * ps);
  unsigned char *out = NULL;
  unsigned long out_len = 0;

  for (uint32_t y = 0; y < h; y++) {
    for (uint32_t x = 0; x < w; x++) {
      uint8_t *px = src + ((size_t) y * w + x) * ps;
      uint16_t rgba[4], gray;

      tpng_pattern16 (x, y, w, h, rgba, &gray);
      for (unsigned c = 0; c < ps; c++)
        px[c] = (uint8_t) (rgba[c] >> 8);
    }
  }
  if (tjCompress2 (tjc, src, (int) w, 0, (int) h,
          k->cmyk ? TJPF_CMYK : TJPF_RGB, &out, &out_len, k->samp, 90,
          k->flags) != 0)
    g_error ("TurboJPEG could not encode a test image: %s",
        tjGetErrorStr2 (tjc));
  tjDestroy (tjc);
  g_free (src);
  *len = out_len;
  return out;
}

/* TurboJPEG's own decode of @jpeg to @pf at @sw x @sh, rows packed */
static uint8_t *
tj_decode (tjhandle tjd, const uint8_t * jpeg, size_t len, int pf,
    uint32_t sw, uint32_t sh)
{
  uint8_t *out = g_malloc ((size_t) sw * sh * (size_t) tjPixelSize[pf]);

  if (tjDecompress2 (tjd, jpeg, (unsigned long) len, out, (int) sw, 0,
          (int) sh, pf, TJFLAG_STOPONWARNING) != 0)
    g_error ("TurboJPEG could not decode a test image: %s",
        tjGetErrorStr2 (tjd));
  return out;
}

/* What a decode at @sw x @sh must give, all from TurboJPEG. */
typedef struct
{
  uint32_t sw, sh;
  int samp;
  uint8_t *rgba;                /* R, G, B, alpha 255 */
  uint8_t *gray;                /* TJPF_GRAY; NULL for CMYK */
  uint8_t *planes[3];           /* tjDecompressToYUVPlanes(); not CMYK */
  int pw[3], ph[3];
} JpegRef;

static void
jpeg_ref_init (JpegRef * ref, tjhandle tjd, const uint8_t * jpeg,
    size_t len, gboolean cmyk, int samp, uint32_t sw, uint32_t sh)
{
  const size_t n = (size_t) sw * sh;

  memset (ref, 0, sizeof (*ref));
  ref->sw = sw;
  ref->sh = sh;
  ref->samp = samp;
  ref->rgba = g_malloc (n * 4);
  if (cmyk) {
    /* Adobe's inverted CMYK: R = C'K'/255 rounded to nearest, which the
     * header's ((t = a * k + 128) + (t >> 8)) >> 8 equals for all bytes */
    uint8_t *px = tj_decode (tjd, jpeg, len, TJPF_CMYK, sw, sh);

    for (size_t i = 0; i < n; i++) {
      const unsigned k = px[i * 4 + 3];

      for (int c = 0; c < 3; c++)
        ref->rgba[i * 4 + c] = (uint8_t) ((2 * px[i * 4 + c] * k + 255) / 510);
      ref->rgba[i * 4 + 3] = 255;
    }
    g_free (px);
    return;
  }

  {
    uint8_t *rgb = tj_decode (tjd, jpeg, len, TJPF_RGB, sw, sh);

    for (size_t i = 0; i < n; i++) {
      memcpy (ref->rgba + i * 4, rgb + i * 3, 3);
      ref->rgba[i * 4 + 3] = 255;
    }
    g_free (rgb);
  }
  ref->gray = tj_decode (tjd, jpeg, len, TJPF_GRAY, sw, sh);

  {
    int strides[3] = { 0, 0, 0 };

    for (int c = 0; c < (samp == TJSAMP_GRAY ? 1 : 3); c++) {
      ref->pw[c] = tjPlaneWidth (c, (int) sw, samp);
      ref->ph[c] = tjPlaneHeight (c, (int) sh, samp);
      g_assert_cmpint (ref->pw[c], >, 0);
      g_assert_cmpint (ref->ph[c], >, 0);
      strides[c] = ref->pw[c];
      ref->planes[c] = g_malloc ((size_t) ref->pw[c] * ref->ph[c]);
    }
    if (tjDecompressToYUVPlanes (tjd, jpeg, (unsigned long) len,
            ref->planes, (int) sw, strides, (int) sh,
            TJFLAG_STOPONWARNING) != 0)
      g_error ("TurboJPEG could not decode a test image to YUV: %s",
          tjGetErrorStr2 (tjd));
  }
}

static void
jpeg_ref_clear (JpegRef * ref)
{
  g_free (ref->rgba);
  g_free (ref->gray);
  for (int c = 0; c < 3; c++)
    g_free (ref->planes[c]);
  memset (ref, 0, sizeof (*ref));
}

/* I420 from a JPEG: luma is TurboJPEG's; chroma is 128 for a gray JPEG,
 * TurboJPEG's own planes for 4:2:0 of even size, and otherwise within 2
 * of the mean of the JPEG's chroma samples over the 2x2 luma pixels (fewer
 * at the right and bottom edges: clipped ones are counted again) each
 * output sample covers. */
static gboolean
jpeg_i420_matches (const Dest * d, const JpegRef * ref, const char *what)
{
  const uint32_t sw = ref->sw, sh = ref->sh;
  const uint32_t cw = (sw + 1) / 2, ch = (sh + 1) / 2;
  const gboolean exact = ref->samp == TJSAMP_420 && sw % 2 == 0 && sh % 2 == 0;
  /* luma pixels per chroma sample in the JPEG */
  const unsigned fx = (unsigned) tjMCUWidth[ref->samp] / 8;
  const unsigned fy = (unsigned) tjMCUHeight[ref->samp] / 8;

  for (uint32_t y = 0; y < sh; y++) {
    for (uint32_t x = 0; x < sw; x++) {
      uint8_t got = d->mem[0][(size_t) y * d->img.strides[0] + x];
      uint8_t want = ref->planes[0][(size_t) y * ref->pw[0] + x];

      if (got != want)
        return check (FALSE, what, "Y (%u, %u) is %u, expected %u", x, y,
            got, want);
    }
  }
  for (int c = 1; c < 3; c++) {
    for (uint32_t cy = 0; cy < ch; cy++) {
      for (uint32_t cx = 0; cx < cw; cx++) {
        int got = d->mem[c][(size_t) cy * d->img.strides[c] + cx];
        int sum4 = 0;

        if (ref->samp == TJSAMP_GRAY) {
          if (got != 128)
            return check (FALSE, what, "%c (%u, %u) of a gray JPEG is %d",
                "YUV"[c], cx, cy, got);
          continue;
        }
        if (exact) {
          int want = ref->planes[c][(size_t) cy * ref->pw[c] + cx];

          if (got != want)
            return check (FALSE, what, "%c (%u, %u) is %d, expected %d",
                "YUV"[c], cx, cy, got, want);
          continue;
        }
        for (unsigned dy = 0; dy < 2; dy++) {
          for (unsigned dx = 0; dx < 2; dx++) {
            uint32_t x = MIN (2 * cx + dx, sw - 1);
            uint32_t y = MIN (2 * cy + dy, sh - 1);

            sum4 += ref->planes[c][(size_t) (y / fy) * ref->pw[c] + x / fx];
          }
        }
        if (ABS (4 * got - sum4) > 8)
          return check (FALSE, what, "%c (%u, %u) is %d, the mean of the "
              "JPEG's samples is %.2f", "YUV"[c], cx, cy, got, sum4 / 4.0);
      }
    }
  }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* JPEG tests                                                          */
/* ------------------------------------------------------------------ */

static void
test_jpeg_accepts (void)
{
  ImcoreJpegInfo info;

  for (int cmyk = 0; cmyk < 2; cmyk++) {
    for (int gray = 0; gray < 2; gray++) {
      memset (&info, 0, sizeof (info));
      info.width = info.height = 16;
      info.cmyk = cmyk;
      info.gray = gray && !cmyk;
      for (int f = 0; f <= IMCORE_PIXEL_N_FORMATS; f++) {
        const FormatInfo *fi = format_info ((ImcorePixelFormat) f);
        gboolean want;
        gchar *what;

        if (fi && fi->format != IMCORE_PIXEL_GRAY8)
          want = TRUE;          /* packed RGB */
        else if (f == IMCORE_PIXEL_GRAY8 || f == IMCORE_PIXEL_I420)
          want = !cmyk;
        else
          want = FALSE;         /* I422, I444, invalid */
        what = g_strdup_printf ("jpeg accepts %s (%s)",
            format_name ((ImcorePixelFormat) f),
            cmyk ? "cmyk" : gray ? "gray" : "colour");
        check (imcore_jpeg_decode_accepts (&info, (ImcorePixelFormat) f) ==
            want, what, "expected %d", want);
        g_free (what);
      }
    }
  }
}

/* imcore_scaled_size() is TurboJPEG's TJSCALED() for 1/1, 1/2, 1/4, 1/8,
 * and refuses other denominators. */
static void
test_jpeg_scaled_size (void)
{
  static const uint32_t big[] = { 65535, 65534, 65529, 65528, 40001 };
  uint32_t sw, sh;

  for (uint32_t i = 0; i < 100 + G_N_ELEMENTS (big); i++) {
    uint32_t w = i < 100 ? i + 1 : big[i - 100];
    uint32_t h = i < 100 ? 2 * i + 3 : big[i - 100] - 1;

    for (size_t d = 0; d < G_N_ELEMENTS (denoms); d++) {
      tjscalingfactor sf = { 1, (int) denoms[d] };

      sw = sh = 0;
      if (!check (imcore_scaled_size (w, h, denoms[d], &sw, &sh),
              "scaled size", "1/%u refused", denoms[d]))
        continue;
      check (sw == (uint32_t) TJSCALED ((int) w, sf) &&
          sh == (uint32_t) TJSCALED ((int) h, sf), "scaled size",
          "%ux%u at 1/%u: %ux%u, TurboJPEG says %dx%d", w, h, denoms[d], sw,
          sh, TJSCALED ((int) w, sf), TJSCALED ((int) h, sf));
    }
  }
  for (unsigned d = 0; d <= 16; d++) {
    if (d == 1 || d == 2 || d == 4 || d == 8)
      continue;
    check (!imcore_scaled_size (100, 100, d, &sw, &sh), "scaled size",
        "1/%u accepted", d);
  }
}

/* Decodes @jpeg at 1/@denom into every format, with tight and padded
 * rows, and compares with @ref. */
static void
jpeg_check_decode (ImcoreJpegDecoder * dec, const uint8_t * jpeg,
    size_t len, unsigned denom, gboolean cmyk, const JpegRef * ref,
    const char *name)
{
  static const size_t pads[] = { 0, 5 };
  ImcoreJpegInfo info;

  memset (&info, 0, sizeof (info));
  info.cmyk = cmyk;
  for (size_t f = 0; f <= G_N_ELEMENTS (formats); f++) {
    const FormatInfo *fi = f < G_N_ELEMENTS (formats) ? &formats[f] : NULL;
    ImcorePixelFormat format = fi ? fi->format : IMCORE_PIXEL_I420;
    const gboolean accepted = !cmyk || (fi && fi->r >= 0);

    check (imcore_jpeg_decode_accepts (&info, format) == accepted, name,
        "accepts %s: %d", format_name (format), !accepted);
    for (size_t p = 0; p < G_N_ELEMENTS (pads); p++) {
      gchar *what = g_strdup_printf ("%s 1/%u -> %s stride +%zu", name,
          denom, format_name (format), pads[p]);
      ImcoreError err;
      Dest d;

      dest_init (&d, format, ref->sw, ref->sh, pads[p]);
      err = imcore_jpeg_decode (dec, jpeg, len, denom, &d.img);
      if (!accepted) {
        check (err == IMCORE_ERROR_UNSUPPORTED_FORMAT, what,
            "decode returned %s", imcore_strerror (err));
        check (dest_untouched (&d), what, "refused, but written");
      } else if (check (err == IMCORE_OK, what, "decode returned %s (%s)",
              imcore_strerror (err), imcore_jpeg_decoder_last_error (dec))) {
        if (fi)
          dest_matches (&d, fi, ref->rgba, ref->gray, what);
        else
          jpeg_i420_matches (&d, ref, what);
      }
      check (dest_padding_intact (&d), what, "the row padding was written");
      dest_clear (&d);
      g_free (what);
    }
  }
}

/* One kind of JPEG: every size, every scale, every format. */
static void
test_jpeg_kind (gconstpointer data)
{
  const JpegKind *k = data;
  tjhandle tjd = tjInitDecompress ();
  ImcoreJpegDecoder *dec = imcore_jpeg_decoder_new ();

  g_assert_nonnull (tjd);
  g_assert_nonnull (dec);
  for (size_t s = 0; s < G_N_ELEMENTS (jpeg_sizes); s++) {
    const uint32_t w = jpeg_sizes[s][0], h = jpeg_sizes[s][1];
    gchar *name = g_strdup_printf ("jpeg %s %ux%u", k->name, w, h);
    size_t len;
    uint8_t *jpeg = jpeg_make (k, w, h, &len);
    int hw, hh, hsamp, hcs;
    ImcoreJpegInfo info;
    ImcoreError err;

    g_assert_cmpint (tjDecompressHeader3 (tjd, jpeg, (unsigned long) len,
            &hw, &hh, &hsamp, &hcs), ==, 0);
    g_assert_cmpint (hsamp, ==, k->samp);
    if (k->cmyk)
      g_assert_true (hcs == TJCS_YCCK || hcs == TJCS_CMYK);
    else
      g_assert_cmpint (hcs, ==, k->samp == TJSAMP_GRAY ? TJCS_GRAY :
          TJCS_YCbCr);

    memset (&info, 0xa5, sizeof (info));
    err = imcore_jpeg_read_info (dec, jpeg, len, &info);
    if (check (err == IMCORE_OK, name, "read_info returned %s",
            imcore_strerror (err))) {
      check (info.width == w && info.height == h, name, "read_info size "
          "%ux%u", info.width, info.height);
      check (info.gray == (k->samp == TJSAMP_GRAY), name, "gray %d", info.gray);
      check (info.cmyk == k->cmyk, name, "cmyk %d", info.cmyk);
      check (info.progressive == ((k->flags & TJFLAG_PROGRESSIVE) != 0),
          name, "progressive %d", info.progressive);
    }

    for (size_t d = 0; d < G_N_ELEMENTS (denoms); d++) {
      uint32_t sw, sh;
      JpegRef ref;

      g_assert_true (imcore_scaled_size (w, h, denoms[d], &sw, &sh));
      jpeg_ref_init (&ref, tjd, jpeg, len, k->cmyk, k->samp, sw, sh);
      jpeg_check_decode (dec, jpeg, len, denoms[d], k->cmyk, &ref, name);
      jpeg_ref_clear (&ref);
    }
    tjFree (jpeg);
    g_free (name);
  }
  imcore_jpeg_decoder_free (dec);
  tjDestroy (tjd);
}

/* Offset of the first marker @code (0xffXX) before the scan, or 0. */
static size_t
jpeg_find_marker (const uint8_t * jpeg, size_t len, unsigned code)
{
  for (size_t i = 2; i + 4 <= len && jpeg[i] == 0xff;) {
    if (jpeg[i + 1] == code)
      return i;
    if (jpeg[i + 1] == 0xda)
      break;
    i += 2 + (((size_t) jpeg[i + 2] << 8) | jpeg[i + 3]);
  }
  return 0;
}

/* Headers claiming 60000 x 60000 are read without decoding anything; the
 * flags follow the frame type and components; non-JPEGs are refused. */
static void
test_jpeg_read_info (void)
{
  static const char *kinds[] = { "444", "gray", "progressive-420",
    "cmyk-444"
  };
  ImcoreJpegDecoder *dec = imcore_jpeg_decoder_new ();
  static const uint8_t zero[1] = { 0 };
  ImcoreJpegInfo info;
  ImcoreError err;
  gint64 t0 = g_get_monotonic_time ();

  for (size_t i = 0; i < G_N_ELEMENTS (kinds); i++) {
    const JpegKind *k = jpeg_kind (kinds[i]);
    size_t len;
    uint8_t *jpeg = jpeg_make (k, 8, 8, &len);
    size_t sof = jpeg_find_marker (jpeg, len,
        (k->flags & TJFLAG_PROGRESSIVE) ? 0xc2 : 0xc0);
    gchar *what = g_strdup_printf ("jpeg %s claiming 60000x60000", k->name);

    g_assert_cmpuint (sof, >, 0);
    /* FF Cn, length, precision, height, width */
    jpeg[sof + 5] = jpeg[sof + 7] = 60000 >> 8;
    jpeg[sof + 6] = jpeg[sof + 8] = 60000 & 0xff;
    err = imcore_jpeg_read_info (dec, jpeg, len, &info);
    if (check (err == IMCORE_OK, what, "read_info returned %s",
            imcore_strerror (err))) {
      check (info.width == 60000 && info.height == 60000, what, "%ux%u",
          info.width, info.height);
      check (info.gray == (k->samp == TJSAMP_GRAY) && info.cmyk == k->cmyk &&
          info.progressive == ((k->flags & TJFLAG_PROGRESSIVE) != 0), what,
          "gray %d cmyk %d progressive %d", info.gray, info.cmyk,
          info.progressive);
    }
    /* another size is refused before anything is decoded */
    for (size_t d = 0; d < G_N_ELEMENTS (denoms); d++) {
      Dest dest;

      dest_init (&dest, IMCORE_PIXEL_RGB, 8, 8, 3);
      err = imcore_jpeg_decode (dec, jpeg, len, denoms[d], &dest.img);
      check (err == IMCORE_ERROR_INVALID_ARGUMENT, what,
          "decode into 8x8 at 1/%u returned %s", denoms[d],
          imcore_strerror (err));
      check (dest_untouched (&dest), what, "dest written");
      dest_clear (&dest);
    }
    tjFree (jpeg);
    g_free (what);
  }
  check (g_get_monotonic_time () - t0 < 2 * G_USEC_PER_SEC, "huge headers",
      "took %" G_GINT64_FORMAT " us", g_get_monotonic_time () - t0);

  /* An EOI before the frame header: a tables-only stream to libjpeg, for
   * which TurboJPEG 2.1 reports success without a size. Read right after a
   * good header, so that a decoder using the fields TurboJPEG did not
   * write would find that image's size in them. */
  {
    size_t len;
    uint8_t *jpeg = jpeg_make (jpeg_kind ("420"), 17, 9, &len);
    size_t dqt = jpeg_find_marker (jpeg, len, 0xdb);
    uint8_t *tables_only = g_memdup2 (jpeg, len);

    g_assert_cmpuint (dqt, >, 0);
    tables_only[dqt + 1] = 0xd9;
    for (int i = 0; i < 3; i++) {
      Dest d;

      check (imcore_jpeg_read_info (dec, jpeg, len, &info) == IMCORE_OK,
          "jpeg 420 17x9", "read_info failed");
      err = imcore_jpeg_read_info (dec, tables_only, len, &info);
      check (err == IMCORE_ERROR_INVALID_INPUT, "EOI before SOF",
          "read_info returned %s (%ux%u)", imcore_strerror (err), info.width,
          info.height);
      dest_init (&d, IMCORE_PIXEL_RGB, 17, 9, 3);
      err = imcore_jpeg_decode (dec, tables_only, len, 1, &d.img);
      check (err == IMCORE_ERROR_INVALID_INPUT, "EOI before SOF",
          "decode into 17x9 returned %s", imcore_strerror (err));
      check (dest_padding_intact (&d), "EOI before SOF", "padding written");
      dest_clear (&d);
    }
    g_free (tables_only);
    tjFree (jpeg);
  }

  /* not JPEG headers */
  {
    static const uint8_t soi_only[2] = { 0xff, 0xd8 };
    static const uint8_t soi_eoi[4] = { 0xff, 0xd8, 0xff, 0xd9 };
    static const uint8_t png_sig[8] = {
      0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
    };
    const struct
    {
      const uint8_t *data;
      size_t len;
    } bad[] = {
      {zero, 0}, {zero, 1}, {soi_only, 2}, {soi_eoi, 4}, {png_sig, 8},
    };

    for (size_t i = 0; i < G_N_ELEMENTS (bad); i++) {
      uint8_t *copy = g_memdup2 (bad[i].data, bad[i].len ? bad[i].len : 1);

      err = imcore_jpeg_read_info (dec, copy, bad[i].len, &info);
      check (err == IMCORE_ERROR_INVALID_INPUT, "not a JPEG",
          "case %zu: read_info returned %s", i, imcore_strerror (err));
      check (imcore_jpeg_decoder_last_error (dec)[0] != '\0', "not a JPEG",
          "case %zu: no message", i);
      g_free (copy);
    }
  }
  imcore_jpeg_decoder_free (dec);
}

/* A copy of @jpeg without its marker segments @code before the scan. */
static uint8_t *
jpeg_without (const uint8_t * jpeg, size_t len, unsigned code, size_t *out_len)
{
  GByteArray *a = g_byte_array_new ();
  size_t i = 2;

  g_byte_array_append (a, jpeg, 2);
  while (i + 4 <= len && jpeg[i] == 0xff && jpeg[i + 1] != 0xda) {
    size_t seg = 2 + (((size_t) jpeg[i + 2] << 8) | jpeg[i + 3]);

    if (jpeg[i + 1] != code)
      g_byte_array_append (a, jpeg + i, (guint) seg);
    i += seg;
  }
  g_byte_array_append (a, jpeg + i, (guint) (len - i));
  *out_len = a->len;
  return g_byte_array_free (a, FALSE);
}

/* Every image is decoded on its own: libjpeg keeps Huffman and
 * quantization tables from image to image, so a JPEG that leaves its
 * standard Huffman tables out (as Motion-JPEG frames do) must decode as on
 * a new decoder even after one with optimized tables (a progressive JPEG),
 * and one without quantization tables must fail instead of borrowing the
 * last image's. */
static void
test_jpeg_tables_per_image (void)
{
  ImcoreJpegDecoder *dec = imcore_jpeg_decoder_new ();
  tjhandle tjd = tjInitDecompress ();
  size_t len, prog_len, no_dht_len, no_dqt_len;
  uint8_t *jpeg = jpeg_make (jpeg_kind ("420"), 33, 31, &len);
  uint8_t *prog = jpeg_make (jpeg_kind ("progressive-420"), 33, 31,
      &prog_len);
  uint8_t *no_dht = jpeg_without (jpeg, len, 0xc4, &no_dht_len);
  uint8_t *no_dqt = jpeg_without (jpeg, len, 0xdb, &no_dqt_len);
  JpegRef ref;

  g_assert_cmpuint (no_dht_len, <, len);
  g_assert_cmpuint (no_dqt_len, <, len);
  /* the file as written, with its standard tables */
  jpeg_ref_init (&ref, tjd, jpeg, len, FALSE, TJSAMP_420, 33, 31);
  for (int i = 0; i < 3; i++) {
    ImcoreError err;
    Dest d;

    dest_init (&d, IMCORE_PIXEL_RGB, 33, 31, 3);
    err = imcore_jpeg_decode (dec, prog, prog_len, 1, &d.img);
    check (err == IMCORE_OK, "progressive 33x31", "decode returned %s",
        imcore_strerror (err));
    err = imcore_jpeg_decode (dec, no_dht, no_dht_len, 1, &d.img);
    if (check (err == IMCORE_OK, "no DHT after a progressive JPEG",
            "decode returned %s (%s)", imcore_strerror (err),
            imcore_jpeg_decoder_last_error (dec)))
      dest_matches (&d, format_info (IMCORE_PIXEL_RGB), ref.rgba, NULL,
          "no DHT after a progressive JPEG");
    err = imcore_jpeg_decode (dec, jpeg, len, 1, &d.img);
    check (err == IMCORE_OK, "420 33x31", "decode returned %s",
        imcore_strerror (err));
    err = imcore_jpeg_decode (dec, no_dqt, no_dqt_len, 1, &d.img);
    check (err == IMCORE_ERROR_INVALID_INPUT, "no DQT after a JPEG",
        "decode returned %s", imcore_strerror (err));
    dest_clear (&d);
  }
  jpeg_ref_clear (&ref);
  g_free (no_dqt);
  g_free (no_dht);
  tjFree (prog);
  tjFree (jpeg);
  tjDestroy (tjd);
  imcore_jpeg_decoder_free (dec);
}

static void
test_jpeg_size_mismatch (void)
{
  static const int deltas[][2] = {
    {-1, 0}, {1, 0}, {0, -1}, {0, 1}, {8, 8},
  };
  static const ImcorePixelFormat fmts[] = {
    IMCORE_PIXEL_RGB, IMCORE_PIXEL_I420, IMCORE_PIXEL_GRAY8,
    IMCORE_PIXEL_ABGR,
  };
  static const char *kinds[] = { "420", "cmyk-444" };
  ImcoreJpegDecoder *dec = imcore_jpeg_decoder_new ();

  for (size_t i = 0; i < G_N_ELEMENTS (kinds); i++) {
    const JpegKind *k = jpeg_kind (kinds[i]);
    size_t len;
    uint8_t *jpeg = jpeg_make (k, 33, 17, &len);

    for (size_t d = 0; d < G_N_ELEMENTS (denoms); d++) {
      uint32_t sw, sh;

      g_assert_true (imcore_scaled_size (33, 17, denoms[d], &sw, &sh));
      for (size_t s = 0; s <= G_N_ELEMENTS (deltas); s++) {
        /* the last case: the full size at a scale that is not 1 */
        uint32_t w = s < G_N_ELEMENTS (deltas) ? sw + deltas[s][0] : 33;
        uint32_t h = s < G_N_ELEMENTS (deltas) ? sh + deltas[s][1] : 17;

        if (w == 0 || h == 0 || (w == sw && h == sh))
          continue;
        for (size_t f = 0; f < G_N_ELEMENTS (fmts); f++) {
          gchar *what = g_strdup_printf ("jpeg %s 33x17 at 1/%u into %ux%u "
              "%s", k->name, denoms[d], w, h, format_name (fmts[f]));
          ImcoreError err;
          Dest dest;

          dest_init (&dest, fmts[f], w, h, 3);
          err = imcore_jpeg_decode (dec, jpeg, len, denoms[d], &dest.img);
          check (err == IMCORE_ERROR_INVALID_ARGUMENT, what,
              "decode returned %s", imcore_strerror (err));
          check (dest_untouched (&dest), what, "the destination was written");
          dest_clear (&dest);
          g_free (what);
        }
      }
    }
    tjFree (jpeg);
  }
  imcore_jpeg_decoder_free (dec);
}

static void
test_jpeg_unsupported (void)
{
  static const ImcorePixelFormat fmts[] = {
    IMCORE_PIXEL_I422, IMCORE_PIXEL_I444, IMCORE_PIXEL_N_FORMATS,
    IMCORE_PIXEL_GRAY8, IMCORE_PIXEL_I420,
  };
  ImcoreJpegDecoder *dec = imcore_jpeg_decoder_new ();

  for (int cmyk = 0; cmyk < 2; cmyk++) {
    size_t len;
    uint8_t *jpeg = jpeg_make (jpeg_kind (cmyk ? "cmyk-420" : "422"),
        17, 9, &len);

    /* GRAY8 and I420 only for CMYK */
    for (size_t f = 0; f < G_N_ELEMENTS (fmts) - (cmyk ? 0 : 2); f++) {
      gchar *what = g_strdup_printf ("jpeg %s -> %s", cmyk ? "cmyk" : "422",
          format_name (fmts[f]));
      ImcoreError err;
      Dest d;

      dest_init (&d, fmts[f], 17, 9, 3);
      err = imcore_jpeg_decode (dec, jpeg, len, 1, &d.img);
      check (err == IMCORE_ERROR_UNSUPPORTED_FORMAT, what,
          "decode returned %s", imcore_strerror (err));
      check (dest_untouched (&d), what, "the destination was written");
      dest_clear (&d);
      g_free (what);
    }
    tjFree (jpeg);
  }
  imcore_jpeg_decoder_free (dec);
}

/* Decodes the @len bytes of damaged JPEG data at @data (an allocation of
 * exactly @len bytes) at 1/@denom into a padded @format image of @w x @h,
 * and checks what any input may do: INVALID_INPUT if the header cannot be
 * read; INVALID_ARGUMENT, with nothing written, if it claims another
 * size; UNSUPPORTED_FORMAT, nothing written, if it became a CMYK JPEG and
 * @format cannot take one; else OK or INVALID_INPUT. Never the padding.
 * @must_fail: damage the decoder has to notice. */
static ImcoreError
jpeg_decode_damaged (ImcoreJpegDecoder * dec, const uint8_t * data,
    size_t len, unsigned denom, ImcorePixelFormat format, uint32_t w,
    uint32_t h, gboolean must_fail, const char *what)
{
  ImcoreJpegInfo info;
  ImcoreError info_err, err;
  gboolean other_size = FALSE, refused = FALSE;
  uint32_t sw = 0, sh = 0;
  Dest d;

  info_err = imcore_jpeg_read_info (dec, data, len, &info);
  if (info_err == IMCORE_OK) {
    g_assert_true (imcore_scaled_size (info.width, info.height, denom, &sw,
            &sh));
    other_size = sw != w || sh != h;
    refused = !other_size && !imcore_jpeg_decode_accepts (&info, format);
  }
  dest_init (&d, format, w, h, 3);
  err = imcore_jpeg_decode (dec, data, len, denom, &d.img);
  if (info_err != IMCORE_OK) {
    check (err == IMCORE_ERROR_INVALID_INPUT, what, "read_info returned %s, "
        "decode %s", imcore_strerror (info_err), imcore_strerror (err));
  } else if (other_size || refused) {
    check (err == (other_size ? IMCORE_ERROR_INVALID_ARGUMENT :
            IMCORE_ERROR_UNSUPPORTED_FORMAT), what, "the header says %ux%u%s,"
        " decode into %ux%u returned %s", info.width, info.height,
        info.cmyk ? " CMYK" : "", w, h, imcore_strerror (err));
    check (dest_untouched (&d), what, "refused, but written");
  } else {
    check (err == IMCORE_OK || err == IMCORE_ERROR_INVALID_INPUT, what,
        "decode returned %s", imcore_strerror (err));
  }
  if (must_fail)
    check (err != IMCORE_OK, what, "the damage went unnoticed");
  if (err == IMCORE_ERROR_INVALID_INPUT)
    check (imcore_jpeg_decoder_last_error (dec)[0] != '\0', what,
        "INVALID_INPUT without a message");
  check (dest_padding_intact (&d), what, "the row padding was written");
  dest_clear (&d);
  return err;
}

static const struct
{
  const char *kind;
  uint32_t w, h;
} jpeg_damage_cases[] = {
  {"420", 17, 9},
  {"411", 33, 31},
  {"gray", 7, 5},
  {"progressive-420", 33, 31},
  {"progressive-gray", 16, 16},
  {"cmyk-420", 16, 16},
  {"444", 131, 67},
};

static const ImcorePixelFormat jpeg_damage_formats[] = {
  IMCORE_PIXEL_RGB, IMCORE_PIXEL_I420, IMCORE_PIXEL_GRAY8,
  IMCORE_PIXEL_XBGR, IMCORE_PIXEL_BGRA,
};

/* Picks a format for the @i-th damaged decode; CMYK only goes to packed
 * RGB. */
static ImcorePixelFormat
jpeg_damage_format (const JpegKind * k, size_t i)
{
  ImcorePixelFormat f =
      jpeg_damage_formats[i % G_N_ELEMENTS (jpeg_damage_formats)];

  if (k->cmyk && (f == IMCORE_PIXEL_I420 || f == IMCORE_PIXEL_GRAY8))
    f = IMCORE_PIXEL_RGBA;
  return f;
}

/* After damaged input the decoder must read and decode the intact @jpeg as
 * if nothing had happened: TurboJPEG's state must not leak from one image
 * into the next. @ref8: TurboJPEG's decode at 1/8. */
static void
jpeg_check_recovered (ImcoreJpegDecoder * dec, const uint8_t * jpeg,
    size_t len, uint32_t w, uint32_t h, const JpegRef * ref8, const char *what)
{
  ImcoreJpegInfo info;
  ImcoreError err;
  Dest d;

  err = imcore_jpeg_read_info (dec, jpeg, len, &info);
  if (!check (err == IMCORE_OK && info.width == w && info.height == h, what,
          "then the intact file's header: %s (%s)", imcore_strerror (err),
          imcore_jpeg_decoder_last_error (dec)))
    return;
  dest_init (&d, IMCORE_PIXEL_RGB, ref8->sw, ref8->sh, 0);
  err = imcore_jpeg_decode (dec, jpeg, len, 8, &d.img);
  if (check (err == IMCORE_OK, what, "then the intact file: %s (%s)",
          imcore_strerror (err), imcore_jpeg_decoder_last_error (dec)))
    dest_matches (&d, format_info (IMCORE_PIXEL_RGB), ref8->rgba, NULL, what);
  dest_clear (&d);
}

/* Every truncation (every 3rd byte in larger files, every one of the last
 * 64 bytes) must fail: TJFLAG_STOPONWARNING turns "premature end of data"
 * into an error. */
static void
test_jpeg_truncated (void)
{
  ImcoreJpegDecoder *dec = imcore_jpeg_decoder_new ();
  tjhandle tjd = tjInitDecompress ();
  static const uint8_t zero[1] = { 0 };
  unsigned n = 0;

  for (size_t c = 0; c < G_N_ELEMENTS (jpeg_damage_cases); c++) {
    const JpegKind *k = jpeg_kind (jpeg_damage_cases[c].kind);
    const uint32_t w = jpeg_damage_cases[c].w, h = jpeg_damage_cases[c].h;
    size_t len;
    uint8_t *jpeg = jpeg_make (k, w, h, &len);
    const size_t step = len <= 2048 ? 1 : 3;
    uint32_t sw8, sh8;
    JpegRef ref8;

    imcore_scaled_size (w, h, 8, &sw8, &sh8);
    jpeg_ref_init (&ref8, tjd, jpeg, len, k->cmyk, k->samp, sw8, sh8);

    for (size_t cut = 0; cut < len; cut += cut + 64 < len ? step : 1) {
      uint8_t *copy = cut ? g_memdup2 (jpeg, cut) : NULL;

      /* RGB at full size, then another format at another scale */
      for (int t = 0; t < 2; t++) {
        unsigned denom = t ? denoms[(cut / 2) % 4] : 1;
        ImcorePixelFormat f = t ? jpeg_damage_format (k, cut) :
            IMCORE_PIXEL_RGB;
        uint32_t sw, sh;
        gchar *what;
        ImcoreError err;

        imcore_scaled_size (w, h, denom, &sw, &sh);
        what = g_strdup_printf ("jpeg %s %ux%u cut to %zu of %zu bytes, 1/%u"
            " -> %s", k->name, w, h, cut, len, denom, format_name (f));
        err = jpeg_decode_damaged (dec, copy ? copy : zero, cut, denom, f, sw,
            sh, TRUE, what);
        check (err == IMCORE_ERROR_INVALID_INPUT, what, "decode returned %s",
            imcore_strerror (err));
        jpeg_check_recovered (dec, jpeg, len, w, h, &ref8, what);
        n++;
        g_free (what);
      }
      g_free (copy);
    }
    jpeg_ref_clear (&ref8);
    tjFree (jpeg);
  }
  g_test_message ("%u truncated JPEG decodes", n);
  tjDestroy (tjd);
  imcore_jpeg_decoder_free (dec);
}

/* One bit flipped at a time, everywhere. */
static void
test_jpeg_bit_flips (void)
{
  ImcoreJpegDecoder *dec = imcore_jpeg_decoder_new ();
  tjhandle tjd = tjInitDecompress ();
  unsigned n = 0, ok = 0;

  for (size_t c = 0; c < G_N_ELEMENTS (jpeg_damage_cases); c++) {
    const JpegKind *k = jpeg_kind (jpeg_damage_cases[c].kind);
    const uint32_t w = jpeg_damage_cases[c].w, h = jpeg_damage_cases[c].h;
    size_t len;
    uint8_t *jpeg = jpeg_make (k, w, h, &len);
    uint8_t *copy = g_memdup2 (jpeg, len);
    uint32_t sw8, sh8;
    JpegRef ref8;
    /* every bit of small files, one bit a byte of larger ones */
    const unsigned bits = len <= 800 ? 8 : 1;

    imcore_scaled_size (w, h, 8, &sw8, &sh8);
    jpeg_ref_init (&ref8, tjd, jpeg, len, k->cmyk, k->samp, sw8, sh8);
    for (size_t pos = 0; pos < len; pos++) {
      for (unsigned b = 0; b < bits; b++) {
        unsigned bit = bits == 8 ? b : (unsigned) (pos % 8);
        unsigned denom = (pos + b) % 3 ? 1 : 8;
        ImcorePixelFormat f = jpeg_damage_format (k, pos + b);
        uint32_t sw, sh;
        gchar *what;

        imcore_scaled_size (w, h, denom, &sw, &sh);
        what = g_strdup_printf ("jpeg %s %ux%u bit %u of byte %zu flipped, "
            "1/%u -> %s", k->name, w, h, bit, pos, denom, format_name (f));
        copy[pos] ^= (uint8_t) (1u << bit);
        if (jpeg_decode_damaged (dec, copy, len, denom, f, sw, sh, FALSE,
                what) == IMCORE_OK)
          ok++;
        copy[pos] ^= (uint8_t) (1u << bit);
        jpeg_check_recovered (dec, jpeg, len, w, h, &ref8, what);
        n++;
        g_free (what);
      }
    }
    jpeg_ref_clear (&ref8);
    g_free (copy);
    tjFree (jpeg);
  }
  g_test_message ("%u JPEGs with a flipped bit, %u decoded", n, ok);
  tjDestroy (tjd);
  imcore_jpeg_decoder_free (dec);
}

/* Random bytes; SOI and random bytes; a real header up to the scan
 * followed by random entropy-coded data, with and without EOI. */
static void
test_jpeg_random (void)
{
  ImcoreJpegDecoder *dec = imcore_jpeg_decoder_new ();
  tjhandle tjd = tjInitDecompress ();
  static const uint8_t zero[1] = { 0 };
  unsigned n = 0, ok = 0;
  TestRng rng;

  rng_init (&rng, 0x6a706567);
  for (size_t c = 0; c < G_N_ELEMENTS (jpeg_damage_cases); c++) {
    const JpegKind *k = jpeg_kind (jpeg_damage_cases[c].kind);
    const uint32_t w = jpeg_damage_cases[c].w, h = jpeg_damage_cases[c].h;
    size_t len, sos, header_len;
    uint8_t *jpeg = jpeg_make (k, w, h, &len);
    uint32_t sw8, sh8;
    JpegRef ref8;

    imcore_scaled_size (w, h, 8, &sw8, &sh8);
    jpeg_ref_init (&ref8, tjd, jpeg, len, k->cmyk, k->samp, sw8, sh8);

    sos = jpeg_find_marker (jpeg, len, 0xda);
    g_assert_cmpuint (sos, >, 0);
    header_len = sos + 2 + (((size_t) jpeg[sos + 2] << 8) | jpeg[sos + 3]);

    for (int i = 0; i < 300; i++) {
      const int mode = i % 3;
      const uint32_t extra = rng_next (&rng) % 700;
      GByteArray *a = g_byte_array_new ();
      unsigned denom = denoms[rng_next (&rng) % 4];
      ImcorePixelFormat f = jpeg_damage_format (k, rng_next (&rng));
      uint32_t sw, sh;
      uint8_t *copy;
      gchar *what;

      if (mode == 1) {
        static const uint8_t soi[2] = { 0xff, 0xd8 };

        g_byte_array_append (a, soi, 2);
      } else if (mode == 2) {
        g_byte_array_append (a, jpeg, (guint) header_len);
      }
      for (uint32_t j = 0; j < extra; j++) {
        uint8_t byte = (uint8_t) rng_next (&rng);

        g_byte_array_append (a, &byte, 1);
      }
      if (mode == 2 && rng_next (&rng) % 2) {
        static const uint8_t eoi[2] = { 0xff, 0xd9 };

        g_byte_array_append (a, eoi, 2);
      }
      imcore_scaled_size (w, h, denom, &sw, &sh);
      what = g_strdup_printf ("jpeg %s %ux%u %s + %u random bytes, 1/%u -> "
          "%s", k->name, w, h, mode == 0 ? "nothing" : mode == 1 ? "SOI" :
          "header", extra, denom, format_name (f));
      copy = a->len ? g_memdup2 (a->data, a->len) : NULL;
      if (jpeg_decode_damaged (dec, copy ? copy : zero, a->len, denom, f, sw,
              sh, FALSE, what) == IMCORE_OK)
        ok++;
      jpeg_check_recovered (dec, jpeg, len, w, h, &ref8, what);
      n++;
      g_free (copy);
      g_free (what);
      g_byte_array_unref (a);
    }
    jpeg_ref_clear (&ref8);
    tjFree (jpeg);
  }
  g_test_message ("%u random JPEGs, %u decoded", n, ok);
  tjDestroy (tjd);
  imcore_jpeg_decoder_free (dec);
}

/* ------------------------------------------------------------------ */
/* Both decoders                                                       */
/* ------------------------------------------------------------------ */

static void
test_decode_arguments (void)
{
  ImcoreJpegDecoder *jdec = imcore_jpeg_decoder_new ();
  ImcorePngDecoder *pdec = imcore_png_decoder_new ();
  PngImage *pi = tpng_new (tpng_kind ("rgb8"), 17, 9, FALSE);
  const uint8_t *png = pi->file->data;
  const size_t png_len = pi->file->len;
  ImcoreJpegInfo jinfo;
  ImcorePngInfo pinfo;
  size_t jpeg_len;
  uint8_t *jpeg = jpeg_make (jpeg_kind ("420"), 17, 9, &jpeg_len);
  Dest d;

  dest_init (&d, IMCORE_PIXEL_RGB, 17, 9, 3);

  check (imcore_jpeg_read_info (NULL, jpeg, jpeg_len, &jinfo) ==
      IMCORE_ERROR_INVALID_ARGUMENT, "jpeg read_info", "NULL decoder");
  check (imcore_jpeg_read_info (jdec, NULL, jpeg_len, &jinfo) ==
      IMCORE_ERROR_INVALID_ARGUMENT, "jpeg read_info", "NULL data");
  check (imcore_jpeg_read_info (jdec, jpeg, jpeg_len, NULL) ==
      IMCORE_ERROR_INVALID_ARGUMENT, "jpeg read_info", "NULL info");
  check (imcore_jpeg_read_info (jdec, jpeg, 0, &jinfo) ==
      IMCORE_ERROR_INVALID_INPUT, "jpeg read_info", "zero length");
  check (imcore_jpeg_decode (NULL, jpeg, jpeg_len, 1, &d.img) ==
      IMCORE_ERROR_INVALID_ARGUMENT, "jpeg decode", "NULL decoder");
  check (imcore_jpeg_decode (jdec, NULL, jpeg_len, 1, &d.img) ==
      IMCORE_ERROR_INVALID_ARGUMENT, "jpeg decode", "NULL data");
  check (imcore_jpeg_decode (jdec, jpeg, jpeg_len, 1, NULL) ==
      IMCORE_ERROR_INVALID_ARGUMENT, "jpeg decode", "NULL dest");
  check (imcore_jpeg_decode (jdec, jpeg, 0, 1, &d.img) ==
      IMCORE_ERROR_INVALID_INPUT, "jpeg decode", "zero length");
  for (unsigned denom = 0; denom <= 16; denom += 3) {
    check (imcore_jpeg_decode (jdec, jpeg, jpeg_len, denom, &d.img) ==
        IMCORE_ERROR_INVALID_ARGUMENT, "jpeg decode", "1/%u accepted", denom);
  }
  check (dest_untouched (&d), "jpeg decode", "written on bad arguments");
  check (strcmp (imcore_jpeg_decoder_last_error (NULL), "") == 0,
      "jpeg last_error", "not \"\" for NULL");
  imcore_jpeg_decoder_free (NULL);

  check (imcore_png_read_info (NULL, png_len, &pinfo) ==
      IMCORE_ERROR_INVALID_ARGUMENT, "png read_info", "NULL data");
  check (imcore_png_read_info (png, png_len, NULL) ==
      IMCORE_ERROR_INVALID_ARGUMENT, "png read_info", "NULL info");
  check (imcore_png_read_info (png, 0, &pinfo) ==
      IMCORE_ERROR_INVALID_INPUT, "png read_info", "zero length");
  check (imcore_png_decode (NULL, png, png_len, &d.img) ==
      IMCORE_ERROR_INVALID_ARGUMENT, "png decode", "NULL decoder");
  check (imcore_png_decode (pdec, NULL, png_len, &d.img) ==
      IMCORE_ERROR_INVALID_ARGUMENT, "png decode", "NULL data");
  check (imcore_png_decode (pdec, png, png_len, NULL) ==
      IMCORE_ERROR_INVALID_ARGUMENT, "png decode", "NULL dest");
  check (imcore_png_decode (pdec, png, 0, &d.img) ==
      IMCORE_ERROR_INVALID_INPUT, "png decode", "zero length");
  check (dest_untouched (&d), "png decode", "written on bad arguments");
  check (strcmp (imcore_png_decoder_last_error (NULL), "") == 0,
      "png last_error", "not \"\" for NULL");
  imcore_png_decoder_free (NULL);

  /* both still decode */
  check (imcore_jpeg_decode (jdec, jpeg, jpeg_len, 1, &d.img) == IMCORE_OK,
      "jpeg decode", "fails after bad calls");
  check (imcore_png_decode (pdec, png, png_len, &d.img) == IMCORE_OK,
      "png decode", "fails after bad calls");
  check (strcmp (imcore_png_decoder_last_error (pdec), "") == 0 &&
      strcmp (imcore_jpeg_decoder_last_error (jdec), "") == 0,
      "last_error", "a message is left after a success");

  dest_clear (&d);
  tjFree (jpeg);
  tpng_free (pi);
  imcore_png_decoder_free (pdec);
  imcore_jpeg_decoder_free (jdec);
}

#ifdef G_OS_UNIX
/* Decodes into planes with rows exactly as long as the image's, each
 * plane's last byte right before an inaccessible page; returns the error. */
static ImcoreError
guarded_decode (ImcoreJpegDecoder * jdec, ImcorePngDecoder * pdec,
    const uint8_t * data, size_t len, unsigned denom, ImcorePixelFormat f,
    uint32_t w, uint32_t h)
{
  GuardedBuf bufs[3];
  ImcoreError err;
  Dest d;

  dest_layout (&d, f, w, h);
  for (unsigned i = 0; i < d.n_planes; i++) {
    d.img.planes[i] = guarded_alloc (&bufs[i], d.row[i] * d.rows[i]);
    d.img.strides[i] = d.row[i];
  }
  err = jdec ? imcore_jpeg_decode (jdec, data, len, denom, &d.img) :
      imcore_png_decode (pdec, data, len, &d.img);
  for (unsigned i = 0; i < d.n_planes; i++)
    guarded_free (&bufs[i]);
  return err;
}

static void
no_overrun_run (void)
{
  static const char *jkinds[] = { "420", "411", "440", "gray", "cmyk-420" };
  static const char *pkinds[] = {
    "rgba16", "palette2-trns", "gray16-trns", "graya8", "gray1",
  };
  ImcoreJpegDecoder *jdec = imcore_jpeg_decoder_new ();
  ImcorePngDecoder *pdec = imcore_png_decoder_new ();

  for (size_t i = 0; i < G_N_ELEMENTS (jkinds); i++) {
    const JpegKind *k = jpeg_kind (jkinds[i]);
    size_t len;
    uint8_t *jpeg = jpeg_make (k, 17, 9, &len);

    for (size_t d = 0; d < G_N_ELEMENTS (denoms); d++) {
      uint32_t sw, sh;

      imcore_scaled_size (17, 9, denoms[d], &sw, &sh);
      for (size_t f = 0; f <= G_N_ELEMENTS (formats); f++) {
        ImcorePixelFormat format = f < G_N_ELEMENTS (formats) ?
            formats[f].format : IMCORE_PIXEL_I420;

        if (k->cmyk && (format == IMCORE_PIXEL_GRAY8 ||
                format == IMCORE_PIXEL_I420))
          continue;
        g_assert_cmpint (guarded_decode (jdec, NULL, jpeg, len, denoms[d],
                format, sw, sh), ==, IMCORE_OK);
      }
    }
    tjFree (jpeg);
  }
  for (size_t i = 0; i < G_N_ELEMENTS (pkinds); i++) {
    PngImage *pi = tpng_new (tpng_kind (pkinds[i]), 17, 9, i % 2);

    for (size_t f = 0; f < G_N_ELEMENTS (formats); f++) {
      g_assert_cmpint (guarded_decode (NULL, pdec, pi->file->data,
              pi->file->len, 1, formats[f].format, 17, 9), ==, IMCORE_OK);
    }
    tpng_free (pi);
  }
  imcore_png_decoder_free (pdec);
  imcore_jpeg_decoder_free (jdec);
}
#endif

/* Writes past the last row would hit an inaccessible page: run in a
 * subprocess, so that a crash is a failure rather than the end of the
 * run. */
static void
test_no_overrun (void)
{
#ifdef G_OS_UNIX
  if (g_test_subprocess ()) {
    no_overrun_run ();
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  if (!g_test_trap_has_passed ())
    g_printerr ("FAIL no-overrun: a decoder wrote past the end of the "
        "planes it was given (or failed)\n");
  g_test_trap_assert_passed ();
#else
  g_test_skip ("needs mmap guard pages");
#endif
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_set_nonfatal_assertions ();

  g_test_add_func ("/core/decode/png/accepts", test_png_accepts);
  for (size_t i = 0; i < G_N_ELEMENTS (tpng_kinds); i++) {
    gchar *path = g_strdup_printf ("/core/decode/png/%s", tpng_kinds[i].name);

    g_test_add_data_func (path, &tpng_kinds[i], test_png_kind);
    g_free (path);
  }
  g_test_add_func ("/core/decode/png/read-info", test_png_read_info);
  g_test_add_func ("/core/decode/png/size-mismatch", test_png_size_mismatch);
  g_test_add_func ("/core/decode/png/unsupported", test_png_unsupported);
  g_test_add_func ("/core/decode/png/truncated", test_png_truncated);
  g_test_add_func ("/core/decode/png/bit-flips", test_png_bit_flips);
  g_test_add_func ("/core/decode/png/bad-idat", test_png_bad_idat_crc);
  g_test_add_func ("/core/decode/png/random", test_png_random);

  g_test_add_func ("/core/decode/jpeg/accepts", test_jpeg_accepts);
  g_test_add_func ("/core/decode/jpeg/scaled-size", test_jpeg_scaled_size);
  for (size_t i = 0; i < G_N_ELEMENTS (jpeg_kinds); i++) {
    gchar *path = g_strdup_printf ("/core/decode/jpeg/%s",
        jpeg_kinds[i].name);

    g_test_add_data_func (path, &jpeg_kinds[i], test_jpeg_kind);
    g_free (path);
  }
  g_test_add_func ("/core/decode/jpeg/read-info", test_jpeg_read_info);
  g_test_add_func ("/core/decode/jpeg/tables-per-image",
      test_jpeg_tables_per_image);
  g_test_add_func ("/core/decode/jpeg/size-mismatch", test_jpeg_size_mismatch);
  g_test_add_func ("/core/decode/jpeg/unsupported", test_jpeg_unsupported);
  g_test_add_func ("/core/decode/jpeg/truncated", test_jpeg_truncated);
  g_test_add_func ("/core/decode/jpeg/bit-flips", test_jpeg_bit_flips);
  g_test_add_func ("/core/decode/jpeg/random", test_jpeg_random);

  g_test_add_func ("/core/decode/arguments", test_decode_arguments);
  g_test_add_func ("/core/decode/no-overrun", test_no_overrun);

  return g_test_run ();
}
