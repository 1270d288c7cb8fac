/* gst-imencode: unit tests of src/imcore-scan.c
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The framing of JPEG and PNG files in byte streams, and of base64 records
 * in text. Expectations come from the formats: JPEG markers (ITU-T T.81
 * B.1: segments with a 2-byte length, stand-alone RSTn and TEM, FF 00
 * stuffing and FF fill bytes in entropy-coded data), PNG chunks (PNG spec
 * section 5: length, four ASCII letters, data, CRC; IEND last), and the
 * base64 text RFC 4648 defines. Real files come from TurboJPEG's
 * compressor and libpng's writer, whose lengths are the answer. Every case
 * is also fed in every 2-piece split and byte by byte: a scan that resumes
 * must give the answer of one that sees everything at once.
 */
#include "imcore.h"

#include <glib.h>
#include <png.h>
#include <string.h>
#include <turbojpeg.h>

/* ---- helpers ---- */

/* Scans @data (the first image's bytes at its start), fed in pieces: the
 * first @first bytes, then @step more each call (0: all the rest). Returns
 * the result of the last call, the length in *@image_len. */
static ImcoreScanResult
scan_fed (const guint8 * data, gsize len, gsize first, gsize step,
    gsize * image_len)
{
  ImcoreScan scan;
  ImcoreScanResult res;
  gsize have = MIN (first, len);

  imcore_scan_reset (&scan);
  *image_len = 0;
  for (;;) {
    res = imcore_scan_image (&scan, data, have, image_len);
    if (res != IMCORE_SCAN_MORE || have == len)
      return res;
    have = step ? MIN (have + step, len) : len;
  }
}

/* Asserts that @data scans to @want (and @want_len for COMPLETE and
 * BROKEN) however it is fed. */
static void
check_scan (const gchar * what, const guint8 * data, gsize len,
    ImcoreScanResult want, gsize want_len)
{
  for (gsize first = 0; first <= len; first++) {
    for (gsize step = 0; step <= 1; step++) {
      gsize got_len;
      ImcoreScanResult got;

      /* (byte by byte only once: from the first byte) */
      if (step == 1 && first > 1)
        continue;
      got = scan_fed (data, len, first, step, &got_len);
      if (got != want || ((want == IMCORE_SCAN_COMPLETE ||
                  want == IMCORE_SCAN_BROKEN) && got_len != want_len))
        g_error ("%s: fed %" G_GSIZE_FORMAT " then %s: result %d length %"
            G_GSIZE_FORMAT ", want %d length %" G_GSIZE_FORMAT, what, first,
            step ? "1 by 1" : "the rest", got, got_len, want, want_len);
    }
  }
}

static GByteArray *
bytes_of (const guint8 * data, gsize len)
{
  GByteArray *a = g_byte_array_new ();

  g_byte_array_append (a, data, len);
  return a;
}

/* A w x h JPEG from TurboJPEG (@accurate: with its accurate DCT). */
static GByteArray *
make_jpeg (int w, int h, int subsamp, gboolean accurate)
{
  tjhandle tj = tjInitCompress ();
  guint8 *rgb = g_malloc ((gsize) w * h * 3);
  unsigned char *jpeg = NULL;
  unsigned long size = 0;
  GByteArray *out;

  for (int i = 0; i < w * h * 3; i++)
    rgb[i] = (guint8) (i * 7 + (i / 3) % 5 * 40);
  g_assert_cmpint (tjCompress2 (tj, rgb, w, 0, h, TJPF_RGB, &jpeg, &size,
          subsamp, 90, accurate ? TJFLAG_ACCURATEDCT : 0), ==, 0);
  out = bytes_of (jpeg, size);
  tjFree (jpeg);
  tjDestroy (tj);
  g_free (rgb);
  return out;
}

static void
png_write_to_array (png_structp png, png_bytep data, size_t len)
{
  g_byte_array_append (png_get_io_ptr (png), data, len);
}

static void
png_flush_nothing (png_structp png)
{
}

/* A w x h 8-bit RGB PNG from libpng's writer, with a tEXt chunk holding
 * @text if not NULL, written in IDAT chunks of at most @idat bytes. */
static GByteArray *
make_png (guint w, guint h, const gchar * text, gsize idat)
{
  GByteArray *out = g_byte_array_new ();
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL,
      NULL, NULL);
  png_infop info = png_create_info_struct (png);
  guint8 *row = g_malloc (w * 3);

  g_assert_nonnull (png);
  g_assert_nonnull (info);
  png_set_write_fn (png, out, png_write_to_array, png_flush_nothing);
  png_set_compression_level (png, 0);
  png_set_compression_buffer_size (png, idat);
  png_set_IHDR (png, info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
      PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (text) {
    png_text t = { 0 };

    t.compression = PNG_TEXT_COMPRESSION_NONE;
    t.key = (png_charp) "note";
    t.text = (png_charp) text;
    png_set_text (png, info, &t, 1);
  }
  png_write_info (png, info);
  for (guint y = 0; y < h; y++) {
    for (guint x = 0; x < w * 3; x++)
      row[x] = (guint8) (x * 3 + y * 11);
    png_write_row (png, row);
  }
  png_write_end (png, info);
  png_destroy_write_struct (&png, &info);
  g_free (row);
  return out;
}

/* The offset of the first @n bytes @needle in @a at or after @from. */
static gsize
find (GByteArray * a, gsize from, const guint8 * needle, gsize n)
{
  for (gsize i = from; i + n <= a->len; i++)
    if (memcmp (a->data + i, needle, n) == 0)
      return i;
  g_error ("pattern not found");
  return 0;
}

/* ---- image kind and signatures ---- */

static void
test_image_kind (void)
{
  static const struct
  {
    const gchar *bytes;
    gsize len;
    ImcoreImageKind want;
  } cases[] = {
    {"\xff\xd8\xff", 3, IMCORE_IMAGE_JPEG},
    {"\xff\xd8\xff\xe0\x00\x10", 6, IMCORE_IMAGE_JPEG},
    {"\xff\xd8", 2, IMCORE_IMAGE_UNKNOWN},
    {"\xff\xd8\x00", 3, IMCORE_IMAGE_UNKNOWN},
    {"\x89PNG\r\n\x1a\n", 8, IMCORE_IMAGE_PNG},
    {"\x89PNG\r\n\x1a", 7, IMCORE_IMAGE_UNKNOWN},
    {"\x89PNG\n\r\x1a\n", 8, IMCORE_IMAGE_UNKNOWN},
    {"GIF89a", 6, IMCORE_IMAGE_UNKNOWN},
    {"", 0, IMCORE_IMAGE_UNKNOWN},
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (imcore_image_kind ((const guint8 *) cases[i].bytes,
            cases[i].len), ==, cases[i].want);
}

static void
test_find_start (void)
{
  static const struct
  {
    const gchar *bytes;
    gsize len, want;
  } cases[] = {
    {"abc\xff\xd8\xff", 6, 3},
    {"\xff\xd8\xffxyz", 6, 0},
    {"ab\xff\xd9\xff\xd8\xff", 7, 4},   /* EOI is no start */
    {"ab\xff\xd8\x00\xff\xd8\xff", 8, 5},       /* FF D8 00 is none */
    {"abcdef", 6, 6},
    {"", 0, 0},
    /* a signature that may complete with more bytes counts */
    {"abc\xff", 4, 3},
    {"abc\xff\xd8", 5, 3},
    {"abc\x89PN", 6, 3},
    {"abc\x89PX", 6, 6},
    {"abc\xff\x00", 5, 5},
    {"x\x89PNG\r\n\x1a\nIHDR", 13, 1},
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    gsize got = imcore_scan_find_start ((const guint8 *) cases[i].bytes,
        cases[i].len);

    if (got != cases[i].want)
      g_error ("find_start case %" G_GSIZE_FORMAT ": %" G_GSIZE_FORMAT
          ", want %" G_GSIZE_FORMAT, i, got, cases[i].want);
  }
}

/* ---- JPEG ---- */

/* Whole files from TurboJPEG end exactly at their EOI, whatever follows
 * (another JPEG, garbage), with any subsampling. (Restart markers, which
 * TurboJPEG 2.1 writes only when told by an environment variable, are in
 * the hand-made cases.) */
static void
test_jpeg_files (void)
{
  static const int samps[] = { TJSAMP_444, TJSAMP_420, TJSAMP_GRAY };
  static const guint8 tail[] = { 0xff, 0xd8, 0xff, 0xe0, 'x', 0, 1, 2 };

  for (gsize s = 0; s < G_N_ELEMENTS (samps); s++) {
    for (int accurate = 0; accurate < 2; accurate++) {
      GByteArray *j = make_jpeg (19 + accurate * 20, 11, samps[s], accurate);
      gsize len = j->len;
      gchar *what = g_strdup_printf ("jpeg samp %d size %d", samps[s],
          19 + accurate * 20);

      check_scan (what, j->data, len, IMCORE_SCAN_COMPLETE, len);
      g_byte_array_append (j, tail, sizeof (tail));
      check_scan (what, j->data, j->len, IMCORE_SCAN_COMPLETE, len);
      /* cut anywhere before its end: more is needed */
      for (gsize cut = 0; cut < len; cut += 1 + cut / 8)
        check_scan (what, j->data, cut, IMCORE_SCAN_MORE, 0);
      g_free (what);
      g_byte_array_unref (j);
    }
  }
}

/* Hand-made streams for what TurboJPEG does not write. */
static void
test_jpeg_markers (void)
{
#define SOI "\xff\xd8"
#define EOI "\xff\xd9"
#define SOS "\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
  static const struct
  {
    const gchar *what;
    const gchar *bytes;
    gsize len;
    ImcoreScanResult want;
    gsize want_len;
  } cases[] = {
    {"minimal", SOI EOI, 4, IMCORE_SCAN_COMPLETE, 4},
    {"EOI in a COM segment is data", SOI "\xff\xfe\x00\x06" EOI SOI EOI, 12,
        IMCORE_SCAN_COMPLETE, 12},
    {"stuffed FF 00 and RSTn in entropy data",
          SOI SOS "\x12\xff\x00\x34\xff\xd3\x56" EOI, 21,
        IMCORE_SCAN_COMPLETE, 21},
    {"fill FFs before a marker", SOI "\xff\xff\xff" EOI, 7,
        IMCORE_SCAN_COMPLETE, 7},
    {"fill FFs in entropy data", SOI SOS "\x12\xff\xff\xff" EOI, 18,
        IMCORE_SCAN_COMPLETE, 18},
    {"TEM stands alone", SOI "\xff\x01" EOI, 6, IMCORE_SCAN_COMPLETE, 6},
    {"a new SOI ends a cut image", SOI SOS "\x12\x34" SOI EOI, 18,
        IMCORE_SCAN_BROKEN, 14},
    {"a new SOI between segments", SOI "\xff\xfe\x00\x02" SOI EOI, 10,
        IMCORE_SCAN_BROKEN, 6},
    {"segment length below 2", SOI "\xff\xe0\x00\x01" EOI, 8,
        IMCORE_SCAN_BROKEN, 2},
    {"no marker where one must be", SOI "\xff\xfe\x00\x02\x00\x11" EOI, 10,
        IMCORE_SCAN_BROKEN, 6},
    {"segment longer than the data", SOI "\xff\xe0\x01\x00" "abc", 9,
        IMCORE_SCAN_MORE, 0},
    {"entropy data without its end", SOI SOS "\x12\x34\xff", 15,
        IMCORE_SCAN_MORE, 0},
    {"too short to tell", "\xff", 1, IMCORE_SCAN_MORE, 0},
    {"too short to tell 2", SOI, 2, IMCORE_SCAN_MORE, 0},
    {"FF D8 then no FF", SOI "\x00", 3, IMCORE_SCAN_NOT_IMAGE, 0},
    {"FF then not D8", "\xff\xd9\xff", 3, IMCORE_SCAN_NOT_IMAGE, 0},
    {"text", "hello", 5, IMCORE_SCAN_NOT_IMAGE, 0},
    {"nothing", "", 0, IMCORE_SCAN_MORE, 0},
  };
#undef SOI
#undef EOI
#undef SOS

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    check_scan (cases[i].what, (const guint8 *) cases[i].bytes, cases[i].len,
        cases[i].want, cases[i].want_len);
}

/* ---- PNG ---- */

static void
test_png_files (void)
{
  static const guint8 tail[] = { 0x89, 'P', 'N', 'G', 0, 0 };
  GByteArray *cases[] = {
    make_png (13, 7, NULL, 8192),
    make_png (40, 30, NULL, 64),        /* many small IDAT chunks */
    /* IEND (with its CRC) in a text chunk is data */
    make_png (5, 5, "IEND\xae\x42\x60\x82 IEND", 8192),
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    GByteArray *p = cases[i];
    gsize len = p->len;
    gchar *what = g_strdup_printf ("png %" G_GSIZE_FORMAT, i);

    if (i == 1)
      g_assert_cmpuint (find (p, find (p, 0, (const guint8 *) "IDAT", 4) + 1,
              (const guint8 *) "IDAT", 4), >, 0);
    check_scan (what, p->data, len, IMCORE_SCAN_COMPLETE, len);
    g_byte_array_append (p, tail, sizeof (tail));
    check_scan (what, p->data, p->len, IMCORE_SCAN_COMPLETE, len);
    for (gsize cut = 0; cut < len; cut += 1 + cut / 8)
      check_scan (what, p->data, cut, IMCORE_SCAN_MORE, 0);
    g_free (what);
    g_byte_array_unref (p);
  }
}

static void
test_png_chunks (void)
{
  GByteArray *good = make_png (3, 2, NULL, 8192);
  gsize idat = find (good, 8, (const guint8 *) "IDAT", 4) - 4;
  GByteArray *bad;

  /* a chunk type that is not four letters: broken at that chunk */
  bad = bytes_of (good->data, good->len);
  bad->data[idat + 5] = '1';
  check_scan ("type with a digit", bad->data, bad->len, IMCORE_SCAN_BROKEN,
      idat);
  g_byte_array_unref (bad);

  /* a length over 2^31 - 1 */
  bad = bytes_of (good->data, good->len);
  bad->data[idat] = 0x80;
  check_scan ("length over 2^31-1", bad->data, bad->len,
      IMCORE_SCAN_BROKEN, idat);
  g_byte_array_unref (bad);

  /* a length running past the data: more needed */
  bad = bytes_of (good->data, good->len);
  bad->data[idat + 1] = 0x10;
  check_scan ("length past the end", bad->data, bad->len, IMCORE_SCAN_MORE,
      0);
  g_byte_array_unref (bad);

  /* signature only, partial signature, wrong signature */
  check_scan ("signature only", good->data, 8, IMCORE_SCAN_MORE, 0);
  check_scan ("partial signature", good->data, 5, IMCORE_SCAN_MORE, 0);
  check_scan ("wrong signature", (const guint8 *) "\x89PNX\r\n\x1a\n", 8,
      IMCORE_SCAN_NOT_IMAGE, 0);
  check_scan ("wrong partial signature", (const guint8 *) "\x89PX", 3,
      IMCORE_SCAN_NOT_IMAGE, 0);
  g_byte_array_unref (good);
}

/* ---- base64 records in text ---- */

/* Splits @text fed in pieces of @step bytes (0: at once) and describes
 * what the splitter says: each record as "[<text>]", an invalid byte as
 * "!<offset>" (then the rest of its line is skipped, as imdecode does),
 * and the record still open at the end (if it has more than whitespace)
 * as "(<text>)" with "+" when it is at a group end. */
static gchar *
split_all (const gchar * text, gsize step)
{
  ImcoreBase64Splitter split;
  GString *out = g_string_new (NULL);
  gsize len = strlen (text), start = 0, off = 0;
  gboolean skipping = FALSE;

  imcore_base64_splitter_reset (&split);
  while (off < len) {
    gsize end = step ? MIN (off + step, len) : len;

    while (off < end) {
      size_t used;
      ImcoreSplitResult res;

      if (skipping) {
        if (text[off++] == '\n') {
          skipping = FALSE;
          start = off;
        }
        continue;
      }
      res = imcore_base64_split (&split, (const guint8 *) text + off,
          end - off, &used);
      off += used;
      if (res == IMCORE_SPLIT_END) {
        g_string_append_printf (out, "[%.*s]", (int) (off - start),
            text + start);
        start = off;
      } else if (res == IMCORE_SPLIT_INVALID) {
        g_string_append_printf (out, "!%" G_GSIZE_FORMAT, off);
        imcore_base64_splitter_restart (&split);
        skipping = TRUE;
      }
    }
  }
  if (!skipping && imcore_base64_splitter_in_record (&split))
    g_string_append_printf (out, "(%s%s)", text + start,
        imcore_base64_splitter_at_group_end (&split) ? "+" : "");
  return g_string_free (out, FALSE);
}

static void
test_base64_split (void)
{
  static const struct
  {
    const gchar *text, *want;
  } cases[] = {
    {"QUJD\nREVG\n", "[QUJD\n][REVG\n]"},
    {"QUJD\r\nREVG", "[QUJD\r\n](REVG+)"},
    {"QUJDRA==\n", "[QUJDRA==\n]"},
    /* two padded records on one line end at the padding */
    {"QQ==Qg==\n", "[QQ==][Qg==\n]"},
    {"QQ== \tQg==", "[QQ== \t](Qg==)"},
    /* unpadded record ends at its newline */
    {"QUJDRA\nQQ\n", "[QUJDRA\n][QQ\n]"},
    /* MIME lines: each a record of whole groups */
    {"QUJD REVG\nR0hJ\n", "[QUJD REVG\n][R0hJ\n]"},
    /* URL-safe */
    {"-_8\n", "[-_8\n]"},
    /* data URI prefixes, also with '=' and ';' in their parameters */
    {"data:image/png;base64,QUJD\n", "[data:image/png;base64,QUJD\n]"},
    {"data:text/plain;charset=utf-8;base64,QUJD",
        "(data:text/plain;charset=utf-8;base64,QUJD+)"},
    {"  data:a;base64,QQ==\n", "[  data:a;base64,QQ==\n]"},
    /* "data" not followed by ':' is base64 text */
    {"dataQUJD\n", "[dataQUJD\n]"},
    {"dat\n", "[dat\n]"},
    /* blank lines are no records (whitespace stays with the next one) */
    {"\n\r\n  \nQUJD\n", "[\n\r\n  \nQUJD\n]"},
    /* invalid bytes: where they are */
    {"QU:D\nQUJD\n", "!2[QUJD\n]"},
    {"Content-Type: image/jpeg\r\n\r\n", "!12"},
    {"QUJD\xff\xd8\n", "!4"},
    {"QQ==x:\n", "[QQ==]!5"},
    {"=QUJD\n", "!0"},
    {"data:text/plain,hello\n", "!15"},
    {"data:a\nQUJD\n", "!6[QUJD\n]"},
    /* groups: at a group end only with whole groups and no padding */
    {"QUJ", "(QUJ)"},
    {"QUJDRE", "(QUJDRE)"},
    {"QUJDREVG", "(QUJDREVG+)"},
    {"QUJDRA=", "(QUJDRA=)"},
    {"data:a;base64,", "(data:a;base64,)"},
    {"data", "(data)"},
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    for (gsize step = 0; step <= 3; step++) {
      gchar *got = split_all (cases[i].text, step);

      if (strcmp (got, cases[i].want) != 0)
        g_error ("split '%s' in pieces of %" G_GSIZE_FORMAT ": %s, want %s",
            cases[i].text, step, got, cases[i].want);
      g_free (got);
    }
  }
}

/* The prefix is bounded: a "data:" that runs on is invalid at
 * IMCORE_SPLIT_MAX_PREFIX bytes, not buffered without end. */
static void
test_base64_split_prefix_bound (void)
{
  GString *text = g_string_new ("data:");
  gchar *got, *want;

  while (text->len < IMCORE_SPLIT_MAX_PREFIX + 10)
    g_string_append_c (text, 'a');
  got = split_all (text->str, 0);
  want = g_strdup_printf ("!%d", IMCORE_SPLIT_MAX_PREFIX);
  g_assert_cmpstr (got, ==, want);
  g_free (want);
  g_free (got);
  g_string_free (text, TRUE);
}

/* Every record the splitter ends decodes with imcore_base64_decode() to
 * the bytes Python's/GLib's encoder started from; the text between group
 * ends does too. */
static void
test_base64_split_pieces_decode (void)
{
  GString *text = g_string_new (NULL);
  GByteArray *want = g_byte_array_new (), *got = g_byte_array_new ();
  ImcoreBase64Splitter split;
  gsize start = 0;

  for (guint r = 0; r < 20; r++) {
    guint8 raw[40];
    gchar *b64;

    for (guint i = 0; i < r * 2 + 1; i++)
      raw[i] = (guint8) (r * 31 + i * 7);
    g_byte_array_append (want, raw, r * 2 + 1);
    b64 = g_base64_encode (raw, r * 2 + 1);
    g_string_append_printf (text, "%s%s%s", r % 3 ? "" : "data:x;base64,",
        b64, r % 2 ? "\r\n" : "\n");
    g_free (b64);
  }

  imcore_base64_splitter_reset (&split);
  for (gsize off = 0; off < text->len;) {
    size_t used;
    ImcoreSplitResult res;
    gboolean flush;

    /* 5 bytes at a time, as from a socket */
    res = imcore_base64_split (&split, (const guint8 *) text->str + off,
        MIN (5, text->len - off), &used);
    g_assert_cmpint (res, !=, IMCORE_SPLIT_INVALID);
    off += used;
    flush = res == IMCORE_SPLIT_END ||
        imcore_base64_splitter_at_group_end (&split);
    if (flush) {
      const gchar *piece = text->str + start;
      gsize n = off - start, out_len = 0;
      guint8 out[64];

      while (n > 0 && g_ascii_isspace (*piece))
        piece++, n--;
      g_assert_cmpint (imcore_base64_decode (piece, n, out, sizeof (out), 0,
              &out_len, NULL), ==, IMCORE_OK);
      g_byte_array_append (got, out, out_len);
      start = off;
    }
  }
  g_assert_cmpmem (got->data, got->len, want->data, want->len);
  g_byte_array_unref (got);
  g_byte_array_unref (want);
  g_string_free (text, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/scan/image-kind", test_image_kind);
  g_test_add_func ("/core/scan/find-start", test_find_start);
  g_test_add_func ("/core/scan/jpeg-files", test_jpeg_files);
  g_test_add_func ("/core/scan/jpeg-markers", test_jpeg_markers);
  g_test_add_func ("/core/scan/png-files", test_png_files);
  g_test_add_func ("/core/scan/png-chunks", test_png_chunks);
  g_test_add_func ("/core/scan/base64-split", test_base64_split);
  g_test_add_func ("/core/scan/base64-split-prefix-bound",
      test_base64_split_prefix_bound);
  g_test_add_func ("/core/scan/base64-split-pieces-decode",
      test_base64_split_pieces_decode);
  return g_test_run ();
}
