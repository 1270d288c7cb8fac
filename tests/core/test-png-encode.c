/* gst-imencode: the PNG encoder against the PNG specification, libpng's
 * reader and Pillow
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * - Every layout x odd sizes x every level (and every filter choice):
 *   libpng's reader gives back the pixels exactly; the input ends at an
 *   inaccessible page, so a read past it faults.
 * - The file's structure, walked here with zlib's CRC-32: signature, IHDR
 *   first, eXIf (when asked for) before the first IDAT, IDATs in a row and
 *   no larger than asked, IEND last; every CRC right.
 * - Level 0: the zlib stream is stored blocks only (RFC 1951 BTYPE 00),
 *   and what they hold is every row behind filter byte 0, as the pixels
 *   are (from the layout's name: RGBA has R at the lowest address).
 * - The row filters: AVX2 and portable kernels equal to the formulas of
 *   PNG section 9.2 written out here, and whole files identical on both
 *   paths (IMCORE_PNG_PORTABLE).
 * - Incompressible pixels at every level fit in a buffer of exactly the
 *   bound.
 * - Pillow reads the same files (pixels exact, and the Exif blob given
 *   to the encoder back from the eXIf chunk), in one /usr/bin/python3 run;
 *   skipped without Python or Pillow.
 */
#include "imcore.h"
#include "imcore-pngfilter.h"
#include "guarded.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <png.h>
#include <string.h>
#include <zlib.h>

typedef struct
{
  const char *name;             /* byte order in memory, X ignored */
  ImcorePixelFormat format;
  unsigned bpp;
} Layout;

static const Layout layouts[] = {
  {"G", IMCORE_PIXEL_GRAY8, 1},
  {"RGB", IMCORE_PIXEL_RGB, 3}, {"BGR", IMCORE_PIXEL_BGR, 3},
  {"RGBA", IMCORE_PIXEL_RGBA, 4}, {"BGRA", IMCORE_PIXEL_BGRA, 4},
  {"ARGB", IMCORE_PIXEL_ARGB, 4}, {"ABGR", IMCORE_PIXEL_ABGR, 4},
  {"RGBX", IMCORE_PIXEL_RGBX, 4}, {"BGRX", IMCORE_PIXEL_BGRX, 4},
  {"XRGB", IMCORE_PIXEL_XRGB, 4}, {"XBGR", IMCORE_PIXEL_XBGR, 4},
};

/* The PNG samples of a pixel of @l, in PNG order: G, or R G B, or
 * R G B A; their byte offsets in @off. */
static unsigned
png_samples (const Layout * l, unsigned off[4])
{
  const char *order = l->name[0] == 'G' ? "G" : strchr (l->name, 'A') ?
      "RGBA" : "RGB";
  unsigned n = (unsigned) strlen (order);

  for (unsigned i = 0; i < n; i++)
    off[i] = (unsigned) (strchr (l->name, order[i]) - l->name);
  return n;
}

/* An image of @l: smooth ramps, a coloured block and grain (or, with
 * @noise, random bytes), no symmetry; rows padded by @pad bytes; the last
 * row ends at an inaccessible page. */
typedef struct
{
  ImcoreImage img;
  GuardedBuf guard;
  const Layout *layout;
} TestImage;

static void
test_image_init (TestImage * t, const Layout * l, uint32_t w, uint32_t h,
    size_t pad, gboolean noise, guint32 seed)
{
  size_t stride = (size_t) w * l->bpp + pad;
  size_t size = stride * (h - 1) + (size_t) w * l->bpp;
  GRand *rand = g_rand_new_with_seed (seed);
  uint8_t *p = guarded_alloc (&t->guard, size);

  t->layout = l;
  memset (&t->img, 0, sizeof (t->img));
  t->img.format = l->format;
  t->img.width = w;
  t->img.height = h;
  t->img.planes[0] = p;
  t->img.strides[0] = stride;
  for (uint32_t y = 0; y < h; y++) {
    for (uint32_t x = 0; x < w; x++) {
      for (unsigned c = 0; c < l->bpp; c++) {
        guint32 r = g_rand_int (rand);
        uint8_t v = (uint8_t) (x * (3 + c) + y * (5 + 2 * c) + 40 * c +
            (r & 7));

        if (x > w / 3 && x < w / 2 && y > h / 4 && y < h / 2)
          v = (uint8_t) (200 - 60 * c);
        p[y * stride + (size_t) x * l->bpp + c] = noise ? (uint8_t) r : v;
      }
    }
  }
  g_rand_free (rand);
}

static void
test_image_clear (TestImage * t)
{
  guarded_free (&t->guard);
}

/* The pixels a reader must get: tight rows of the PNG samples */
static uint8_t *
expected_pixels (const TestImage * t, unsigned *channels)
{
  unsigned off[4], n = png_samples (t->layout, off);
  uint32_t w = t->img.width, h = t->img.height;
  uint8_t *out = g_malloc ((size_t) w * h * n);

  for (uint32_t y = 0; y < h; y++) {
    const uint8_t *row = t->img.planes[0] + y * t->img.strides[0];

    for (uint32_t x = 0; x < w; x++) {
      for (unsigned c = 0; c < n; c++)
        out[((size_t) y * w + x) * n + c] = row[x * t->layout->bpp + off[c]];
    }
  }
  *channels = n;
  return out;
}

static uint32_t
be32 (const uint8_t * p)
{
  return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 |
      (uint32_t) p[2] << 8 | p[3];
}

/* What check_structure() found */
typedef struct
{
  guint n_idat;
  guint32 max_idat;
  guint8 *zlib;                 /* the IDATs' data joined */
  gsize zlib_len;
  const guint8 *exif;           /* inside the file */
  guint32 exif_len;
} Structure;

/* Walks the chunks of @png: signature, IHDR of @w x @h with @color_type,
 * eXIf (if any) before IDAT, IDATs in a row, IEND last, every CRC right.
 * Fails the test otherwise. */
static void
check_structure (const guint8 * png, gsize len, guint32 w, guint32 h,
    guint color_type, Structure * st)
{
  static const guint8 sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
    '\n'
  };
  gsize pos = 8;
  gboolean idat_done = FALSE, iend = FALSE;
  guint index = 0;

  memset (st, 0, sizeof (*st));
  g_assert_cmpuint (len, >=, 8 + 25 + 12);
  g_assert_cmpmem (png, 8, sig, 8);
  while (pos < len) {
    guint32 n, crc;
    const guint8 *type;

    g_assert_false (iend);      /* nothing after IEND */
    g_assert_cmpuint (len - pos, >=, 12);
    n = be32 (png + pos);
    g_assert_cmpuint (n, <=, 0x7fffffffu);
    g_assert_cmpuint (len - pos - 12, >=, n);
    type = png + pos + 4;
    crc = crc32 (0, type, 4 + n);
    g_assert_cmphex (be32 (type + 4 + n), ==, crc);
    if (index == 0) {
      g_assert_cmpmem (type, 4, "IHDR", 4);
      g_assert_cmpuint (n, ==, 13);
      g_assert_cmpuint (be32 (type + 4), ==, w);
      g_assert_cmpuint (be32 (type + 8), ==, h);
      g_assert_cmpuint (type[12], ==, 8);
      g_assert_cmpuint (type[13], ==, color_type);
      g_assert_cmpuint (type[14], ==, 0);
      g_assert_cmpuint (type[15], ==, 0);
      g_assert_cmpuint (type[16], ==, 0);
    } else if (memcmp (type, "IDAT", 4) == 0) {
      g_assert_false (idat_done);
      st->n_idat++;
      st->max_idat = MAX (st->max_idat, n);
      st->zlib = g_realloc (st->zlib, st->zlib_len + n);
      memcpy (st->zlib + st->zlib_len, type + 4, n);
      st->zlib_len += n;
    } else {
      if (st->n_idat > 0)
        idat_done = TRUE;
      if (memcmp (type, "eXIf", 4) == 0) {
        g_assert_cmpuint (st->n_idat, ==, 0);
        g_assert_null (st->exif);
        st->exif = type + 4;
        st->exif_len = n;
      } else {
        g_assert_cmpmem (type, 4, "IEND", 4);
        g_assert_cmpuint (n, ==, 0);
        iend = TRUE;
      }
    }
    pos += 12 + n;
    index++;
  }
  g_assert_true (iend);
  g_assert_cmpuint (st->n_idat, >, 0);
}

/* Decodes @png with libpng's simplified reader into tight rows of
 * @channels samples; NULL if libpng refuses it. */
static uint8_t *
libpng_decode (const uint8_t * png, gsize len, unsigned channels,
    guint32 w, guint32 h)
{
  png_image pi;
  uint8_t *out;

  memset (&pi, 0, sizeof (pi));
  pi.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory (&pi, png, len))
    return NULL;
  g_assert_cmpuint (pi.width, ==, w);
  g_assert_cmpuint (pi.height, ==, h);
  pi.format = channels == 1 ? PNG_FORMAT_GRAY : channels == 3 ?
      PNG_FORMAT_RGB : PNG_FORMAT_RGBA;
  out = g_malloc (PNG_IMAGE_SIZE (pi));
  if (!png_image_finish_read (&pi, NULL, out, 0, NULL)) {
    g_free (out);
    return NULL;
  }
  return out;
}

/* Files kept for Pillow: path, expected pixels in a file beside it */
static GPtrArray *pillow_cases;
static gchar *pillow_dir;

static void
keep_for_pillow (const gchar * name, const uint8_t * png, gsize len,
    const uint8_t * pixels, gsize n_pixels, const gchar * mode,
    guint32 w, guint32 h, const uint8_t * exif, gsize exif_len)
{
  gchar *png_path = g_build_filename (pillow_dir, name, NULL);
  gchar *raw_path = g_strconcat (png_path, ".raw", NULL);
  gchar *exif_path = g_strconcat (png_path, ".exif", NULL);

  g_assert_true (g_file_set_contents (png_path, (const gchar *) png, len,
          NULL));
  g_assert_true (g_file_set_contents (raw_path, (const gchar *) pixels,
          n_pixels, NULL));
  if (exif)
    g_assert_true (g_file_set_contents (exif_path, (const gchar *) exif,
            exif_len, NULL));
  g_ptr_array_add (pillow_cases, g_strdup_printf ("%s %s %u %u %d",
          png_path, mode, w, h, exif != NULL));
  g_free (png_path);
  g_free (raw_path);
  g_free (exif_path);
}

/* Encodes @t with @params into a buffer of exactly the bound, checks the
 * structure and libpng's pixels; returns the file (free it) and its
 * length. */
static uint8_t *
encode_and_check (const TestImage * t, const ImcorePngParams * params,
    gsize * out_len, Structure * st)
{
  unsigned channels, off[4];
  gsize bound = imcore_png_bound_exif (t->img.format, t->img.width,
      t->img.height, params->exif_len);
  uint8_t *out = g_malloc (bound), *want, *got;
  ImcoreError err;
  guint color_type;

  g_assert_cmpuint (bound, >, 0);
  err = imcore_png_encode (&t->img, params, out, bound, out_len);
  if (err != IMCORE_OK)
    g_error ("%s %ux%u level %d filters %d: %s", t->layout->name,
        t->img.width, t->img.height, params->compression_level,
        params->filters, imcore_strerror (err));
  channels = png_samples (t->layout, off);
  color_type = channels == 1 ? 0 : channels == 3 ? 2 : 6;
  check_structure (out, *out_len, t->img.width, t->img.height, color_type,
      st);
  want = expected_pixels (t, &channels);
  got = libpng_decode (out, *out_len, channels, t->img.width,
      t->img.height);
  if (!got)
    g_error ("%s %ux%u level %d: libpng cannot read it", t->layout->name,
        t->img.width, t->img.height, params->compression_level);
  if (memcmp (got, want, (gsize) t->img.width * t->img.height * channels))
    g_error ("%s %ux%u level %d filters %d: libpng reads other pixels",
        t->layout->name, t->img.width, t->img.height,
        params->compression_level, params->filters);
  g_free (got);
  g_free (want);
  return out;
}

static const guint32 odd_sizes[][2] = {
  {1, 1}, {2, 1}, {1, 3}, {5, 3}, {33, 7}, {31, 40}, {97, 301},
};

/* Every layout x size x level, AUTO filters; the files at levels 0, 1 and
 * 9 of the largest size go to Pillow too */
static void
test_layouts_sizes_levels (void)
{
  for (gsize l = 0; l < G_N_ELEMENTS (layouts); l++) {
    for (gsize s = 0; s < G_N_ELEMENTS (odd_sizes); s++) {
      TestImage t;

      test_image_init (&t, &layouts[l], odd_sizes[s][0], odd_sizes[s][1],
          s % 3, FALSE, (guint32) (l * 100 + s));
      for (int level = 0; level <= 9; level++) {
        ImcorePngParams params = { level };
        Structure st;
        gsize len;
        uint8_t *png = encode_and_check (&t, &params, &len, &st);

        if (s == G_N_ELEMENTS (odd_sizes) - 1 &&
            (level == 0 || level == 1 || level == 9)) {
          unsigned channels;
          uint8_t *want = expected_pixels (&t, &channels);
          gchar *name = g_strdup_printf ("%s-%ux%u-level%d.png",
              layouts[l].name, t.img.width, t.img.height, level);

          keep_for_pillow (name, png, len, want, (gsize) t.img.width *
              t.img.height * channels, channels == 1 ? "L" : channels == 3 ?
              "RGB" : "RGBA", t.img.width, t.img.height, NULL, 0);
          g_free (name);
          g_free (want);
        }
        g_free (st.zlib);
        g_free (png);
      }
      test_image_clear (&t);
    }
  }
}

/* Every filter choice, on both kernel paths: the same file */
static void
test_filters_avx2_and_portable_agree (void)
{
  if (!imcore_png_filter_use_avx2 (false))
    g_test_message ("no AVX2 here: both runs take the portable kernels");
  for (gsize l = 0; l < G_N_ELEMENTS (layouts); l++) {
    TestImage t;

    test_image_init (&t, &layouts[l], 77, 45, 3, FALSE, (guint32) l);
    for (int f = 0; f < IMCORE_PNG_FILTERS_N; f++) {
      ImcorePngParams fast = { 6, (ImcorePngFilters) f };
      ImcorePngParams portable = { 6, (ImcorePngFilters) f,
        IMCORE_PNG_PORTABLE
      };
      Structure st1, st2;
      gsize n1, n2;
      uint8_t *a = encode_and_check (&t, &fast, &n1, &st1);
      uint8_t *b = encode_and_check (&t, &portable, &n2, &st2);

      if (n1 != n2 || memcmp (a, b, n1) != 0)
        g_error ("%s filters %d: AVX2 and portable files differ",
            layouts[l].name, f);
      g_free (st1.zlib);
      g_free (st2.zlib);
      g_free (a);
      g_free (b);
    }
    test_image_clear (&t);
  }
}

/* PNG section 9.2-9.4, written out: the filtered byte @i of @cur */
static uint8_t
spec_filter (unsigned type, const uint8_t * cur, const uint8_t * prev,
    gsize i, unsigned bpp)
{
  int x = cur[i], a = i >= bpp ? cur[i - bpp] : 0, b = prev[i];
  int c = i >= bpp ? prev[i - bpp] : 0, p, pa, pb, pc, pr;

  switch (type) {
    case 0:
      return (uint8_t) x;
    case 1:
      return (uint8_t) (x - a);
    case 2:
      return (uint8_t) (x - b);
    case 3:
      return (uint8_t) (x - (a + b) / 2);
    default:
      p = a + b - c;
      pa = ABS (p - a);
      pb = ABS (p - b);
      pc = ABS (p - c);
      pr = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      return (uint8_t) (x - pr);
  }
}

/* The kernels on random rows of every length up to 200 (every vector
 * remainder), bpp 1, 3, 4, both paths, against spec_filter(); the costs
 * against the sums of the spec's bytes. Edge values (0, 255, equal
 * neighbours) are frequent, so Paeth's ties are exercised. */
static void
test_filter_kernels_match_the_spec (void)
{
  static const unsigned bpps[] = { 1, 3, 4 };
  GRand *rand = g_rand_new_with_seed (42);
  gboolean paths[2] = { FALSE, imcore_png_filter_use_avx2 (false) };

  for (guint it = 0; it < 60; it++) {
    for (gsize n = 1; n <= 200; n++) {
      unsigned bpp = bpps[(it + n) % 3];
      uint8_t cur[200], prev[200], out[200];

      for (gsize i = 0; i < n; i++) {
        guint32 r = g_rand_int (rand);

        cur[i] = (r & 3) == 0 ? 0 : (r & 3) == 1 ? 255 : (uint8_t) (r >> 8);
        prev[i] = (r & 0x3000) == 0 ? cur[i] : (uint8_t) (r >> 16);
      }
      for (guint p = 0; p < 2; p++) {
        uint64_t costs[IMCORE_PNG_FILTER_N_TYPES];

        if (p == 1 && !paths[1])
          continue;
        imcore_png_filter_costs (cur, prev, n, bpp, costs, paths[p]);
        for (unsigned type = 0; type < IMCORE_PNG_FILTER_N_TYPES; type++) {
          uint64_t sum = 0;

          imcore_png_filter_row (type, cur, prev, n, bpp, out, paths[p]);
          for (gsize i = 0; i < n; i++) {
            uint8_t want = spec_filter (type, cur, prev, i, bpp);

            if (out[i] != want)
              g_error ("%s filter %u, n %zu, bpp %u, byte %zu: %u, the spec "
                  "says %u", p ? "AVX2" : "portable", type, n, bpp, i,
                  out[i], want);
            sum += want < 128 ? want : 256 - want;
          }
          g_assert_cmpuint (costs[type], ==, sum);
        }
      }
    }
  }
  g_rand_free (rand);
}

/* Level 0: stored blocks only, holding each row behind filter type 0 */
static void
test_level0_is_stored (void)
{
  TestImage t;
  ImcorePngParams params = { 0 };
  Structure st;
  gsize len, pos = 2, n_raw = 0;
  uint8_t *png, *raw;
  unsigned off[4], channels = png_samples (&layouts[3], off);
  gboolean final = FALSE;

  /* RGBA, 300 x 100: 120100 bytes, several 64 KiB blocks at the most */
  test_image_init (&t, &layouts[3], 300, 100, 0, TRUE, 7);
  png = encode_and_check (&t, &params, &len, &st);
  raw = g_malloc (st.zlib_len);
  /* zlib header (RFC 1950): CM 8, check bits */
  g_assert_cmpuint (st.zlib[0] & 0x0f, ==, 8);
  g_assert_cmpuint ((st.zlib[0] << 8 | st.zlib[1]) % 31, ==, 0);
  while (!final) {
    guint16 n, nn;

    g_assert_cmpuint (st.zlib_len - pos, >=, 5);
    final = st.zlib[pos] & 1;
    /* BTYPE 00, the other bits of the byte padding */
    g_assert_cmpuint ((st.zlib[pos] >> 1) & 3, ==, 0);
    n = st.zlib[pos + 1] | st.zlib[pos + 2] << 8;
    nn = st.zlib[pos + 3] | st.zlib[pos + 4] << 8;
    g_assert_cmpuint (n, ==, (guint16) ~ nn);
    g_assert_cmpuint (st.zlib_len - pos - 5, >=, n);
    memcpy (raw + n_raw, st.zlib + pos + 5, n);
    n_raw += n;
    pos += 5 + n;
  }
  /* the Adler-32 and nothing after it */
  g_assert_cmpuint (st.zlib_len - pos, ==, 4);
  g_assert_cmphex (be32 (st.zlib + pos), ==, adler32 (1, raw, n_raw));
  g_assert_cmpuint (n_raw, ==, (gsize) t.img.height * (1 + 300 * channels));
  for (guint32 y = 0; y < t.img.height; y++) {
    const uint8_t *r = raw + (gsize) y * (1 + 300 * channels);
    const uint8_t *src = t.img.planes[0] + y * t.img.strides[0];

    g_assert_cmpuint (r[0], ==, 0);
    for (guint32 x = 0; x < 300; x++) {
      for (unsigned c = 0; c < channels; c++)
        g_assert_cmpuint (r[1 + x * channels + c], ==, src[x * 4 + off[c]]);
    }
  }
  g_free (raw);
  g_free (st.zlib);
  g_free (png);
  test_image_clear (&t);
}

/* IDATs cut at the size asked for (a stream of ~600 KB in 8 KiB chunks),
 * one IDAT by default; both read back exactly */
static void
test_idat_chunks (void)
{
  TestImage t;
  ImcorePngParams small = { 1 }, whole = { 1 };
  Structure st;
  gsize len;
  uint8_t *png;

  test_image_init (&t, &layouts[1], 500, 400, 5, TRUE, 8);
  small.idat_size = IMCORE_PNG_MIN_IDAT_SIZE;
  png = encode_and_check (&t, &small, &len, &st);
  g_assert_cmpuint (st.max_idat, ==, IMCORE_PNG_MIN_IDAT_SIZE);
  g_assert_cmpuint (st.n_idat, ==, (st.zlib_len - 1) /
      IMCORE_PNG_MIN_IDAT_SIZE + 1);
  g_assert_cmpuint (st.n_idat, >, 70);
  g_free (st.zlib);
  g_free (png);

  small.idat_size = 100000;
  png = encode_and_check (&t, &small, &len, &st);
  g_assert_cmpuint (st.max_idat, ==, 100000);
  g_assert_cmpuint (st.n_idat, ==, (st.zlib_len - 1) / 100000 + 1);
  g_free (st.zlib);
  g_free (png);

  png = encode_and_check (&t, &whole, &len, &st);
  g_assert_cmpuint (st.n_idat, ==, 1);
  g_free (st.zlib);
  g_free (png);

  /* sizes out of range are refused */
  small.idat_size = IMCORE_PNG_MIN_IDAT_SIZE - 1;
  png = g_malloc (imcore_png_bound (t.img.format, 500, 400));
  g_assert_cmpint (imcore_png_encode (&t.img, &small, png,
          imcore_png_bound (t.img.format, 500, 400), &len), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  small.idat_size = 0x80000000u;
  g_assert_cmpint (imcore_png_encode (&t.img, &small, png,
          imcore_png_bound (t.img.format, 500, 400), &len), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  g_free (png);
  test_image_clear (&t);
}

/* A small big-endian Exif profile: IFD0 with Make "gst-imencode" and a
 * pointer to an Exif IFD with DateTimeOriginal */
static const guint8 exif_blob[] = {
  'M', 'M', 0, 42, 0, 0, 0, 8,
  /* IFD0: 2 entries */
  0, 2,
  0x01, 0x0f, 0, 2, 0, 0, 0, 13, 0, 0, 0, 38,   /* Make, ASCII, 13 */
  0x87, 0x69, 0, 4, 0, 0, 0, 1, 0, 0, 0, 51,    /* ExifIFD */
  0, 0, 0, 0,
  'g', 's', 't', '-', 'i', 'm', 'e', 'n', 'c', 'o', 'd', 'e', 0,
  /* Exif IFD at 51: 1 entry */
  0, 1,
  0x90, 0x03, 0, 2, 0, 0, 0, 20, 0, 0, 0, 69,   /* DateTimeOriginal */
  0, 0, 0, 0,
  '2', '0', '2', '6', ':', '1', '2', ':', '0', '7', ' ', '1', '9', ':',
  '3', '0', ':', '0', '0', 0,
};

/* eXIf before the first IDAT, with the given bytes; the bound counts it;
 * Pillow reads it back (test_pillow_reads_them) */
static void
test_exif_chunk (void)
{
  TestImage t;
  ImcorePngParams params = { 1 };
  Structure st;
  gsize len, bound;
  uint8_t *png, *want, *small;
  unsigned channels;
  ImcoreError err;

  test_image_init (&t, &layouts[1], 65, 33, 0, FALSE, 9);
  params.exif = exif_blob;
  params.exif_len = sizeof (exif_blob);
  png = encode_and_check (&t, &params, &len, &st);
  g_assert_nonnull (st.exif);
  g_assert_cmpmem (st.exif, st.exif_len, exif_blob, sizeof (exif_blob));
  want = expected_pixels (&t, &channels);
  keep_for_pillow ("exif.png", png, len, want, (gsize) 65 * 33 * 3, "RGB",
      65, 33, exif_blob, sizeof (exif_blob));
  g_free (want);
  g_free (st.zlib);

  /* the bound without the chunk may be too small; with it never */
  bound = imcore_png_bound_exif (t.img.format, 65, 33, sizeof (exif_blob));
  g_assert_cmpuint (bound, ==, imcore_png_bound (t.img.format, 65, 33) +
      12 + sizeof (exif_blob));
  small = g_malloc (len - 1);
  err = imcore_png_encode (&t.img, &params, small, len - 1, &len);
  g_assert_cmpint (err, ==, IMCORE_ERROR_NO_SPACE);
  g_free (small);

  /* data without length or the other way round */
  params.exif_len = 0;
  g_assert_cmpint (imcore_png_encode (&t.img, &params, png, bound, &len), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  params.exif = NULL;
  params.exif_len = 8;
  g_assert_cmpint (imcore_png_encode (&t.img, &params, png, bound, &len), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  g_free (png);
  test_image_clear (&t);
}

/* Random bytes in every colour type at every level in exactly the bound */
static void
test_bound_holds_at_every_level (void)
{
  static const gsize pick[] = { 0, 1, 3, 8 };   /* G, RGB, RGBA, BGRX */

  for (gsize i = 0; i < G_N_ELEMENTS (pick); i++) {
    TestImage t;

    test_image_init (&t, &layouts[pick[i]], 211, 67, 0, TRUE, 10 + i);
    for (int level = 0; level <= 9; level++) {
      ImcorePngParams params = { level };
      Structure st;
      gsize len;
      uint8_t *png = encode_and_check (&t, &params, &len, &st);

      g_free (st.zlib);
      g_free (png);
    }
    test_image_clear (&t);
  }
}

/* Pillow on the files the tests above kept: pixels exact, Exif back */
static void
test_pillow_reads_them (void)
{
  static const char script[] =
      "import sys\n"
      "from PIL import Image\n"
      "bad = 0\n"
      "for line in open(sys.argv[1]):\n"
      "    path, mode, w, h, exif = line.split()\n"
      "    im = Image.open(path)\n"
      "    im.load()\n"
      "    if im.mode != mode or im.size != (int(w), int(h)):\n"
      "        print(path, 'mode/size', im.mode, im.size); bad += 1\n"
      "    elif im.tobytes() != open(path + '.raw', 'rb').read():\n"
      "        print(path, 'pixels differ'); bad += 1\n"
      "    if exif == '1':\n"
      "        want = open(path + '.exif', 'rb').read()\n"
      "        got = im.info.get('exif', b'')\n"
      "        if got.startswith(b'Exif\\x00\\x00'):\n"
      "            got = got[6:]\n"
      "        tags = im.getexif()\n"
      "        if got != want or tags.get(0x010f) != 'gst-imencode' or \\\n"
      "                tags.get_ifd(0x8769).get(0x9003) != \\\n"
      "                '2026:12:07 19:30:00':\n"
      "            print(path, 'exif', got, dict(tags)); bad += 1\n"
      "print('checked', sum(1 for _ in open(sys.argv[1])), 'bad', bad)\n"
      "sys.exit(1 if bad else 0)\n";
  gchar *list = g_build_filename (pillow_dir, "cases.txt", NULL);
  gchar *py = g_build_filename (pillow_dir, "check.py", NULL);
  gchar *joined, *out = NULL, *err = NULL;
  gchar *argv[] = { (gchar *) "/usr/bin/python3", py, list, NULL };
  gint status = 0;

  if (!g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE) ||
      !g_spawn_command_line_sync ("/usr/bin/python3 -c 'import PIL'", NULL,
          NULL, &status, NULL) || status != 0) {
    g_test_skip ("/usr/bin/python3 with Pillow is not available");
    goto out;
  }
  g_assert_cmpuint (pillow_cases->len, >, 0);
  g_ptr_array_add (pillow_cases, NULL);
  joined = g_strjoinv ("\n", (gchar **) pillow_cases->pdata);
  g_ptr_array_remove_index (pillow_cases, pillow_cases->len - 1);
  g_assert_true (g_file_set_contents (list, joined, -1, NULL));
  g_free (joined);
  g_assert_true (g_file_set_contents (py, script, -1, NULL));
  g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
          &out, &err, &status, NULL));
  g_test_message ("Pillow: %s%s", out, err);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("Pillow disagrees:\n%s%s", out, err);
out:
  g_free (out);
  g_free (err);
  g_free (list);
  g_free (py);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  pillow_cases = g_ptr_array_new_with_free_func (g_free);
  pillow_dir = g_dir_make_tmp ("test-png-encode-XXXXXX", NULL);
  g_assert_nonnull (pillow_dir);
  g_test_add_func ("/png-encode/filter-kernels-match-the-spec",
      test_filter_kernels_match_the_spec);
  g_test_add_func ("/png-encode/layouts-sizes-levels",
      test_layouts_sizes_levels);
  g_test_add_func ("/png-encode/filters-avx2-and-portable-agree",
      test_filters_avx2_and_portable_agree);
  g_test_add_func ("/png-encode/level0-is-stored", test_level0_is_stored);
  g_test_add_func ("/png-encode/idat-chunks", test_idat_chunks);
  g_test_add_func ("/png-encode/exif-chunk", test_exif_chunk);
  g_test_add_func ("/png-encode/bound-holds-at-every-level",
      test_bound_holds_at_every_level);
  /* last: reads the files the others kept */
  g_test_add_func ("/png-encode/pillow-reads-them", test_pillow_reads_them);
  ret = g_test_run ();
  {
    GDir *dir = g_dir_open (pillow_dir, 0, NULL);
    const gchar *name;

    while (dir && (name = g_dir_read_name (dir))) {
      gchar *path = g_build_filename (pillow_dir, name, NULL);

      g_unlink (path);
      g_free (path);
    }
    if (dir)
      g_dir_close (dir);
    g_rmdir (pillow_dir);
  }
  g_free (pillow_dir);
  g_ptr_array_free (pillow_cases, TRUE);
  return ret;
}
