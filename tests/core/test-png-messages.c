/* gst-imencode: what the PNG encoder and decoder say when they fail
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A refused image or argument must be explained in the encoder's message
 * (the elements put it in the debug part of theirs), a failure inside
 * libpng's decoder must keep libpng's text, and a refused PNG header must say
 * what is wrong with it, by the rules of the PNG specification (section
 * 11.2.2, IHDR: the allowed colour type and bit depth pairs).
 */
#include "imcore.h"

#include <glib.h>
#include <png.h>
#include <zlib.h>
#include <string.h>

/* Readers built on libpng refuse images wider or taller than its user
 * limit, PNG_USER_WIDTH_MAX / PNG_USER_HEIGHT_MAX (1000000), so the
 * encoder does too (IMCORE_ERROR_TOO_LARGE), saying which limit in the
 * arena's message; a refused argument says which and why; a success or
 * IMCORE_ERROR_NO_SPACE (which says it all) leaves "", whatever the
 * image before said. */
static void
test_encoder_says_why (void)
{
  const guint32 w = PNG_USER_WIDTH_MAX + 1;
  guint8 *row = g_malloc0 (w);
  ImcoreImage wide = { IMCORE_PIXEL_GRAY8, w, 1, {row}, {w} };
  ImcoreImage tall = { IMCORE_PIXEL_GRAY8, 1, PNG_USER_HEIGHT_MAX + 1,
    {row}, {0}
  };
  guint8 small_px[4] = { 1, 2, 3, 4 };
  ImcoreImage small = { IMCORE_PIXEL_GRAY8, 2, 2, {small_px}, {2} };
  ImcorePngParams params = { 1 }, bad_level = { 10 };
  ImcorePngParams jpeg_exif = { 1 };
  ImcorePngArena arena;
  gsize bound = imcore_png_bound (IMCORE_PIXEL_GRAY8, w, 1), n = 0;
  guint8 *out = g_malloc (bound);
  const gchar *msg;

  memset (&arena, 0, sizeof (arena));
  g_assert_cmpint (imcore_png_encode_reusing (&wide, &params, &arena, out,
          bound, &n), ==, IMCORE_ERROR_TOO_LARGE);
  msg = imcore_png_arena_last_error (&arena);
  if (!strstr (msg, "IHDR") || !strstr (msg, "1000001x1") ||
      !strstr (msg, "user limit of 1000000"))
    g_error ("the width limit is not explained: '%s'", msg);
  tall.strides[0] = 1;
  g_assert_cmpint (imcore_png_encode_reusing (&tall, &params, &arena, out,
          bound, &n), ==, IMCORE_ERROR_TOO_LARGE);
  msg = imcore_png_arena_last_error (&arena);
  if (!strstr (msg, "1x1000001"))
    g_error ("the height limit is not explained: '%s'", msg);

  g_assert_cmpint (imcore_png_encode_reusing (&small, &bad_level, &arena,
          out, bound, &n), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  msg = imcore_png_arena_last_error (&arena);
  if (!strstr (msg, "compression level 10"))
    g_error ("the level is not named: '%s'", msg);

  /* JPEG's APP1 payload starts with "Exif\0\0"; eXIf holds the TIFF
   * data alone */
  jpeg_exif.exif = (const guint8 *) "Exif\0\0MM\0*\0\0\0\x08";
  jpeg_exif.exif_len = 14;
  g_assert_cmpint (imcore_png_encode_reusing (&small, &jpeg_exif, &arena,
          out, bound, &n), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  msg = imcore_png_arena_last_error (&arena);
  if (!strstr (msg, "TIFF header"))
    g_error ("the Exif refusal is not explained: '%s'", msg);

  g_assert_cmpint (imcore_png_encode_reusing (&small, &params, &arena, out,
          bound, &n), ==, IMCORE_OK);
  g_assert_cmpstr (imcore_png_arena_last_error (&arena), ==, "");

  g_assert_cmpint (imcore_png_encode_reusing (&small, &bad_level, &arena,
          out, bound, &n), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_png_encode_reusing (&small, &params, &arena, out,
          10, &n), ==, IMCORE_ERROR_NO_SPACE);
  g_assert_cmpstr (imcore_png_arena_last_error (&arena), ==, "");

  imcore_png_arena_clear (&arena);
  g_free (out);
  g_free (row);
}

/* A CRC-checked chunk with its CRC. */
static void
put_chunk (GByteArray * png, const gchar * type, const guint8 * data,
    guint32 len)
{
  guint8 be[4] = { len >> 24, len >> 16, len >> 8, len };
  guint32 crc = crc32 (0, (const guint8 *) type, 4);

  crc = crc32 (crc, data, len);
  g_byte_array_append (png, be, 4);
  g_byte_array_append (png, (const guint8 *) type, 4);
  g_byte_array_append (png, data, len);
  be[0] = crc >> 24, be[1] = crc >> 16, be[2] = crc >> 8, be[3] = crc;
  g_byte_array_append (png, be, 4);
}

/* A PNG signature and an IHDR chunk of @w x @h, @depth and @type,
 * interlace method @interlace. */
static GByteArray *
png_with_ihdr (guint32 w, guint32 h, guint8 depth, guint8 type,
    guint8 interlace)
{
  static const guint8 sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
    '\n'
  };
  guint8 ihdr[13] = { w >> 24, w >> 16, w >> 8, w, h >> 24, h >> 16, h >> 8,
    h, depth, type, 0, 0, interlace
  };
  GByteArray *png = g_byte_array_new ();

  g_byte_array_append (png, sig, 8);
  put_chunk (png, "IHDR", ihdr, 13);
  put_chunk (png, "IEND", NULL, 0);
  return png;
}

static void
test_decoder_header_says_why (void)
{
  static const struct
  {
    guint32 w, h;
    guint8 depth, type, interlace;
    const gchar *why;
  } cases[] = {
    /* allowed: gray 1/2/4/8/16, RGB 8/16, palette 1/2/4/8, gray+alpha
     * 8/16, RGBA 8/16 */
    {4, 4, 4, 2, 0, "bit depth 4 is not allowed for colour type 2"},
    {4, 4, 16, 3, 0, "bit depth 16 is not allowed for colour type 3"},
    {4, 4, 3, 0, 0, "bit depth 3 is not allowed for colour type 0"},
    {4, 4, 2, 4, 0, "bit depth 2 is not allowed for colour type 4"},
    {4, 4, 8, 5, 0, "colour type 5 does not exist"},
    {4, 4, 8, 2, 2, "interlace method 2 does not exist"},
    {0, 4, 8, 2, 0, "size 0x4"},
    {4, 0x80000000u, 8, 2, 0, "size 4x2147483648"},
  };
  ImcorePngDecoder *dec = imcore_png_decoder_new ();
  ImcorePngInfo info;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    GByteArray *png = png_with_ihdr (cases[i].w, cases[i].h, cases[i].depth,
        cases[i].type, cases[i].interlace);
    const gchar *msg;

    g_assert_cmpint (imcore_png_decoder_read_info (dec, png->data, png->len,
            &info), ==, IMCORE_ERROR_INVALID_INPUT);
    /* the plain reader agrees */
    g_assert_cmpint (imcore_png_read_info (png->data, png->len, &info), ==,
        IMCORE_ERROR_INVALID_INPUT);
    msg = imcore_png_decoder_last_error (dec);
    if (!strstr (msg, cases[i].why))
      g_error ("case %" G_GSIZE_FORMAT ": '%s' lacks '%s'", i, msg,
          cases[i].why);
    g_byte_array_unref (png);
  }

  {
    /* good headers read, and leave no message */
    GByteArray *png = png_with_ihdr (3, 5, 16, 6, 1);

    g_assert_cmpint (imcore_png_decoder_read_info (dec, png->data, png->len,
            &info), ==, IMCORE_OK);
    g_assert_cmpstr (imcore_png_decoder_last_error (dec), ==, "");
    g_assert_cmpuint (info.width, ==, 3);
    g_assert_cmpuint (info.height, ==, 5);
    g_assert_true (info.alpha && info.color && info.interlaced);
    /* cut inside IHDR; no signature */
    g_assert_cmpint (imcore_png_decoder_read_info (dec, png->data, 20,
            &info), ==, IMCORE_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (imcore_png_decoder_last_error (dec), "IHDR"));
    g_assert_cmpint (imcore_png_decoder_read_info (dec, png->data + 1,
            png->len - 1, &info), ==, IMCORE_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (imcore_png_decoder_last_error (dec),
            "signature"));
    g_byte_array_unref (png);
  }
  imcore_png_decoder_free (dec);
}

/* A 2x2 gray PNG with a tEXt chunk whose CRC is wrong (libpng warns and
 * goes on: an ancillary chunk) and an IDAT cut short (an error): the
 * decoder's message has libpng's error and its warning. */
static void
test_decoder_keeps_libpng_warning (void)
{
  static const guint8 rows[] = { 0, 10, 20, 0, 30, 40 };
  guint8 z[64];
  uLongf zlen = sizeof (z);
  GByteArray *png = png_with_ihdr (2, 2, 8, 0, 0);
  GByteArray *text_chunk = g_byte_array_new ();
  ImcorePngDecoder *dec = imcore_png_decoder_new ();
  guint8 out[4];
  ImcoreImage dest = { IMCORE_PIXEL_GRAY8, 2, 2, {out}, {2} };
  const gchar *msg;

  g_assert_cmpint (compress (z, &zlen, rows, sizeof (rows)), ==, Z_OK);
  /* drop IEND, then tEXt (CRC broken), IDAT without its last 3 bytes */
  g_byte_array_set_size (png, png->len - 12);
  put_chunk (text_chunk, "tEXt", (const guint8 *) "k\0value", 7);
  text_chunk->data[text_chunk->len - 1] ^= 0xff;
  g_byte_array_append (png, text_chunk->data, text_chunk->len);
  put_chunk (png, "IDAT", z, zlen - 3);
  put_chunk (png, "IEND", NULL, 0);

  g_assert_cmpint (imcore_png_decode (dec, png->data, png->len, &dest), ==,
      IMCORE_ERROR_INVALID_INPUT);
  msg = imcore_png_decoder_last_error (dec);
  if (!strstr (msg, "warning") || !strstr (msg, "tEXt"))
    g_error ("libpng's warning lost: '%s'", msg);

  g_byte_array_unref (text_chunk);
  g_byte_array_unref (png);
  imcore_png_decoder_free (dec);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/png-messages/encoder-says-why",
      test_encoder_says_why);
  g_test_add_func ("/core/png-messages/decoder-header-says-why",
      test_decoder_header_says_why);
  g_test_add_func ("/core/png-messages/decoder-keeps-libpng-warning",
      test_decoder_keeps_libpng_warning);
  return g_test_run ();
}
