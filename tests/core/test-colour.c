/* gst-imencode: unit tests of the JPEG encoder's YUV input and colorimetry
 * conversion (src/imcore-yuvconv.c and the YUV path of src/imcore-jpeg.c)
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Expectations come from the definitions, computed here sample by sample
 * in double precision: code values of BT.601 / BT.709 / BT.2020 (limited:
 * Y = 16 + 219 E'Y, C = 128 + 224 E'P; full: Y = 255 E'Y, C = 128 + 255
 * E'P), their luma coefficients back to R'G'B', and JFIF's (ITU-T T.871)
 * full-range BT.601 forward. The JPEGs the encoder writes are read back
 * with libjpeg-turbo's TurboJPEG decompressor, to the JPEG's own Y, Cb and
 * Cr planes (no colour conversion or upsampling in between), and compared
 * with those expectations plane by plane. test_discriminates() shows that
 * the comparison fails for a wrong matrix, a wrong range, swapped chroma
 * and a strip off by one row.
 *
 * The conversion PNGs of YUV go through (imcore_image_yuv_to_rgb()) is
 * checked on every (Y, U, V) against the inverse of the same definitions.
 *
 * Every plane is its own allocation with padded rows of garbage, so a
 * wrong stride shows; /colour/no-overread puts the last row of each plane
 * against an inaccessible page.
 */

#include "guarded.h"
#include "imcore.h"
#include "imcore-yuvconv.h"

#include <glib.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <turbojpeg.h>


/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

typedef struct
{
  uint64_t s;
} Rng;

static uint32_t
rng_next (Rng * r)
{
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return (uint32_t) ((r->s * 0x2545f4914f6cdd1dull) >> 32);
}

/* *INDENT-OFF* */
static gboolean check (gboolean ok, const char *what, const char *fmt, ...)
    G_GNUC_PRINTF (3, 4);
/* *INDENT-ON* */

/* A failed check names its case and the test goes on, so that one run
 * lists every broken combination. */
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

/* ------------------------------------------------------------------ */
/* The definitions                                                     */
/* ------------------------------------------------------------------ */

typedef struct
{
  const char *name;
  ImcoreYuvColorimetry c;
} Colorimetry;

static const Colorimetry colorimetries[] = {
  {"bt601-full", {0.299, 0.114, false}},        /* JFIF's own */
  {"bt601-limited", {0.299, 0.114, true}},
  {"bt709-limited", {0.2126, 0.0722, true}},
  {"bt709-full", {0.2126, 0.0722, false}},
  {"bt2020-limited", {0.2627, 0.0593, true}},
};

/* R'G'B' in 0..1 (exact, unclamped) of the sample (@Y, @U, @V) coded
 * under @c, by the definition */
static void
ref_rgb01 (const ImcoreYuvColorimetry * c, double Y, double U, double V,
    double rgb[3])
{
  double ey, epb, epr;

  /* code values to E'Y in 0..1 and E'Pb, E'Pr in -0.5..0.5 */
  if (c->limited_range) {
    ey = (Y - 16.0) / 219.0;
    epb = (U - 128.0) / 224.0;
    epr = (V - 128.0) / 224.0;
  } else {
    ey = Y / 255.0;
    epb = (U - 128.0) / 255.0;
    epr = (V - 128.0) / 255.0;
  }
  /* E'Y = Kr R + (1 - Kr - Kb) G + Kb B, E'Pb = (B - E'Y) / (2 (1 - Kb)),
   * E'Pr = (R - E'Y) / (2 (1 - Kr)), solved for R'G'B' */
  rgb[0] = ey + 2.0 * (1.0 - c->kr) * epr;
  rgb[2] = ey + 2.0 * (1.0 - c->kb) * epb;
  rgb[1] = (ey - c->kr * rgb[0] - c->kb * rgb[2]) / (1.0 - c->kr - c->kb);
}

/* JFIF's Y, Cb, Cr code values (exact, unclamped) of the sample (@Y, @U,
 * @V) coded under @c. */
static void
ref_jfif (const ImcoreYuvColorimetry * c, double Y, double U, double V,
    double out[3])
{
  double rgb[3], y;

  ref_rgb01 (c, Y, U, V, rgb);
  /* T.871: Y = 0.299 R + 0.587 G + 0.114 B, Cb = (B - Y) / 1.772 + 128,
   * Cr = (R - Y) / 1.402 + 128, on 0..255 */
  y = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
  out[0] = 255.0 * y;
  out[1] = 128.0 + 255.0 * (rgb[2] - y) / 1.772;
  out[2] = 128.0 + 255.0 * (rgb[0] - y) / 1.402;
}

/* The code value a sample of exact value @v is stored as */
static int
code_of (double v)
{
  return v <= 0.0 ? 0 : v >= 255.0 ? 255 : (int) floor (v + 0.5);
}

/* How far @v is from the nearest half: rounding may go either way when
 * this is tiny, and fixed-point arithmetic is allowed to differ there. */
static double
distance_from_half (double v)
{
  double f = v - floor (v);

  return fabs (f - 0.5);
}

/* The kernels' accuracy: an output may differ from the exact value rounded
 * only when the exact value is this close to a half, and then by 1. */
#define TIE_WINDOW 0.03

/* ------------------------------------------------------------------ */
/* Row kernels against the definitions, on every input                 */
/* ------------------------------------------------------------------ */

typedef struct
{
  const char *name;
  unsigned flags;
} Impl;

static const Impl impls[] = {
  {"default", 0},
  {"portable", IMCORE_YUVCONV_PORTABLE},
};

/* Checks one output against the exact value; tallies in @worst, @off */
static gboolean
check_sample (int got, double exact, const char *what, const char *comp,
    int y, int u, int v, double *worst, guint64 * off)
{
  int want = code_of (exact);
  /* clamped: compare with the clamped exact value */
  double e = exact < 0.0 ? 0.0 : exact > 255.0 ? 255.0 : exact;

  if (fabs (got - e) > *worst)
    *worst = fabs (got - e);
  if (got == want)
    return TRUE;
  (*off)++;
  return check (ABS (got - want) == 1 && exact > -0.5 && exact < 255.5 &&
      distance_from_half (exact) < TIE_WINDOW, what, "%s of (%d, %d, %d) is "
      "%d, exactly %.4f", comp, y, u, v, got, exact);
}

static void
test_kernels_exhaustive (gconstpointer data)
{
  const Colorimetry *cm = data;
  uint8_t *u = g_malloc (65536), *v = g_malloc (65536);
  uint8_t *cb[2], *cr[2], *ys = g_malloc (256), *out = g_malloc (256);
  int16_t *lterm[2], *lrow = g_new (int16_t, 256);
  ImcoreYuvConv conv[2];
  gboolean identity = !cm->c.limited_range && cm->c.kr == 0.299 &&
      cm->c.kb == 0.114;

  for (int i = 0; i < 65536; i++) {
    u[i] = (uint8_t) (i & 0xff);
    v[i] = (uint8_t) (i >> 8);
  }
  for (int i = 0; i < 256; i++)
    ys[i] = (uint8_t) i;

  for (unsigned k = 0; k < G_N_ELEMENTS (impls); k++) {
    gchar *what = g_strdup_printf ("%s %s", cm->name, impls[k].name);
    double worst = 0.0;
    guint64 off = 0, fails = 0;

    g_assert_cmpint (imcore_yuvconv_init (&conv[k], &cm->c, impls[k].flags),
        ==, IMCORE_OK);
    check (conv[k].identity == identity, what, "identity %d", identity);
    cb[k] = g_malloc (65536);
    cr[k] = g_malloc (65536);
    lterm[k] = g_new (int16_t, 65536);
    imcore_yuvconv_chroma_planar (&conv[k], u, v, 65536, cb[k], cr[k],
        lterm[k]);

    /* chroma: every (U, V) */
    for (int i = 0; i < 65536 && fails < 5; i++) {
      double e[3];

      ref_jfif (&cm->c, 128, u[i], v[i], e);
      fails += !check_sample (cb[k][i], e[1], what, "Cb", -1, u[i], v[i],
          &worst, &off);
      fails += !check_sample (cr[k][i], e[2], what, "Cr", -1, u[i], v[i],
          &worst, &off);
    }
    /* luma: every Y with every (U, V), through L */
    for (int i = 0; i < 65536 && fails < 5; i++) {
      for (int j = 0; j < 256; j++)
        lrow[j] = lterm[k][i];
      imcore_yuvconv_luma (&conv[k], ys, lrow, 0, 256, out);
      for (int y = 0; y < 256 && fails < 5; y++) {
        double e[3];

        ref_jfif (&cm->c, y, u[i], v[i], e);
        fails += !check_sample (out[y], e[0], what, "Y", y, u[i], v[i],
            &worst, &off);
      }
    }
    /* without chroma terms, the flat L must be every sample's L */
    if (!conv[k].cross) {
      for (int i = 0; i < 65536; i++) {
        if (lterm[k][i] != conv[k].l_const) {
          check (FALSE, what, "L of (%d, %d) is %d, not the flat %d", u[i],
              v[i], lterm[k][i], conv[k].l_const);
          break;
        }
      }
      imcore_yuvconv_luma (&conv[k], ys, NULL, 0, 256, out);
      for (int y = 0; y < 256; y++) {
        double e[3];

        ref_jfif (&cm->c, y, 128, 128, e);
        check_sample (out[y], e[0], what, "Y (flat L)", y, 128, 128, &worst,
            &off);
      }
    }
    if (identity)
      check (off == 0 && worst < 1e-6, what, "JFIF to JFIF changed %"
          G_GUINT64_FORMAT " samples", off);
    g_test_message ("%s (%s): worst %.4f from exact, %" G_GUINT64_FORMAT
        " of %d outputs off the exact value rounded", what,
        imcore_yuvconv_implementation (&conv[k]), worst, off,
        65536 * 2 + 65536 * 256);
    g_free (what);
  }
  /* the two implementations: the same bytes */
  check (memcmp (cb[0], cb[1], 65536) == 0 && memcmp (cr[0], cr[1], 65536)
      == 0 && memcmp (lterm[0], lterm[1], 65536 * 2) == 0, cm->name,
      "AVX2 and portable chroma differ");
  for (int i = 0; i < 65536; i += 257) {
    uint8_t o2[256];

    for (int j = 0; j < 256; j++)
      lrow[j] = lterm[0][i];
    imcore_yuvconv_luma (&conv[0], ys, lrow, 0, 256, out);
    imcore_yuvconv_luma (&conv[1], ys, lrow, 0, 256, o2);
    if (!check (memcmp (out, o2, 256) == 0, cm->name, "AVX2 and portable "
            "luma differ for L %d", lrow[0]))
      break;
  }

  for (unsigned k = 0; k < 2; k++) {
    g_free (cb[k]);
    g_free (cr[k]);
    g_free (lterm[k]);
  }
  g_free (u);
  g_free (v);
  g_free (ys);
  g_free (out);
  g_free (lrow);
}

/* The interleaved layouts' kernels give what the planar ones give on the
 * samples this test takes out of the interleaved rows itself; every
 * length, so that vector tails and bodies are both covered; nothing
 * outside the @n outputs is written. */
#define GUARD 48
#define GUARD_BYTE 0xa7

static gboolean
guard_intact (const uint8_t * p, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    if (p[i] != GUARD_BYTE)
      return FALSE;
  }
  return TRUE;
}

static void
test_kernels_layouts (void)
{
  static const struct
  {
    const char *name;
    unsigned y, u, v;
  } packed[] = {
    {"YUY2", 0, 1, 3}, {"UYVY", 1, 0, 2}, {"YVYU", 0, 3, 1},
    {"VYUY", 1, 2, 0},
  };
  const uint32_t max = 200;
  Rng rng = { 77 };

  for (size_t c = 0; c < G_N_ELEMENTS (colorimetries); c++) {
    for (unsigned k = 0; k < G_N_ELEMENTS (impls); k++) {
      ImcoreYuvConv conv;
      gchar *what = g_strdup_printf ("%s %s", colorimetries[c].name,
          impls[k].name);

      g_assert_cmpint (imcore_yuvconv_init (&conv, &colorimetries[c].c,
              impls[k].flags), ==, IMCORE_OK);
      for (uint32_t n = 0; n <= max; n += n < 70 ? 1 : 13) {
        uint8_t *rows = g_malloc (8 * max + 8);
        uint8_t *u = g_malloc (max + 1), *v = g_malloc (max + 1);
        uint8_t *y = g_malloc (2 * max + 1);
        uint8_t want_b[GUARD + 200 + GUARD], want_r[GUARD + 200 + GUARD];
        uint8_t got_b[GUARD + 200 + GUARD], got_r[GUARD + 200 + GUARD];
        int16_t want_l[200 + 16], got_l[200 + 16];
        uint8_t want_y[2 * 200 + 2], got_y[GUARD + 2 * 200 + GUARD];
        int16_t ldup[2 * 200 + 2];

        for (uint32_t i = 0; i < 8 * max + 8; i++)
          rows[i] = (uint8_t) rng_next (&rng);

        /* semi-planar, both orders */
        for (int vf = 0; vf < 2; vf++) {
          for (uint32_t i = 0; i < n; i++) {
            u[i] = rows[2 * i + vf];
            v[i] = rows[2 * i + !vf];
          }
          imcore_yuvconv_chroma_planar (&conv, u, v, n, want_b, want_r,
              want_l);
          memset (got_b, GUARD_BYTE, sizeof (got_b));
          memset (got_r, GUARD_BYTE, sizeof (got_r));
          imcore_yuvconv_chroma_pairs (&conv, rows, vf, n, got_b + GUARD,
              got_r + GUARD, got_l);
          check (memcmp (want_b, got_b + GUARD, n) == 0 &&
              memcmp (want_r, got_r + GUARD, n) == 0 &&
              memcmp (want_l, got_l, n * 2) == 0, what, "pairs v_first=%d "
              "n=%u differ from planar", vf, n);
          check (guard_intact (got_b, GUARD) && guard_intact (got_b + GUARD +
                  n, GUARD) && guard_intact (got_r + GUARD + n, GUARD), what,
              "pairs n=%u wrote outside its samples", n);
          /* L alone, and chroma alone */
          memset (got_l, 0, sizeof (got_l));
          imcore_yuvconv_chroma_pairs (&conv, rows, vf, n, NULL, NULL,
              got_l);
          memset (got_b, GUARD_BYTE, sizeof (got_b));
          imcore_yuvconv_chroma_pairs (&conv, rows, vf, n, got_b + GUARD,
              got_r + GUARD, NULL);
          check (memcmp (want_l, got_l, n * 2) == 0 &&
              memcmp (want_b, got_b + GUARD, n) == 0, what, "pairs n=%u "
              "with NULL outputs differ", n);
        }

        /* packed, every byte order, one row and two rows averaged */
        for (size_t p = 0; p < G_N_ELEMENTS (packed); p++) {
          for (int two = 0; two < 2; two++) {
            const uint8_t *r0 = rows, *r1 = rows + 4 * max + 4;

            for (uint32_t i = 0; i < n; i++) {
              u[i] = r0[4 * i + packed[p].u];
              v[i] = r0[4 * i + packed[p].v];
              if (two) {
                u[i] = (uint8_t) ((u[i] + r1[4 * i + packed[p].u] + 1) / 2);
                v[i] = (uint8_t) ((v[i] + r1[4 * i + packed[p].v] + 1) / 2);
              }
            }
            imcore_yuvconv_chroma_planar (&conv, u, v, n, want_b, want_r,
                want_l);
            memset (got_b, GUARD_BYTE, sizeof (got_b));
            memset (got_r, GUARD_BYTE, sizeof (got_r));
            imcore_yuvconv_chroma_packed (&conv, r0, two ? r1 : NULL,
                packed[p].u, packed[p].v, n, got_b + GUARD, got_r + GUARD,
                got_l);
            check (memcmp (want_b, got_b + GUARD, n) == 0 &&
                memcmp (want_r, got_r + GUARD, n) == 0 &&
                memcmp (want_l, got_l, n * 2) == 0, what, "%s%s n=%u "
                "differs from planar", packed[p].name, two ? " averaged" : "",
                n);
            check (guard_intact (got_b + GUARD + n, GUARD) &&
                guard_intact (got_r + GUARD + n, GUARD), what, "%s n=%u "
                "wrote past its samples", packed[p].name, n);
          }
          /* luma of 2n pixels of this layout, each pair with its L */
          for (uint32_t i = 0; i < 2 * n; i++) {
            y[i] = rows[2 * i + packed[p].y];
            ldup[i] = want_l[i / 2];
          }
          imcore_yuvconv_luma (&conv, y, ldup, 0, 2 * n, want_y);
          memset (got_y, GUARD_BYTE, sizeof (got_y));
          imcore_yuvconv_luma_packed (&conv, rows, packed[p].y,
              conv.cross ? want_l : NULL, 2 * n, got_y + GUARD);
          check (memcmp (want_y, got_y + GUARD, 2 * n) == 0, what, "%s luma "
              "of %u pixels differs from planar", packed[p].name, 2 * n);
          check (guard_intact (got_y + GUARD + 2 * n, GUARD) &&
              guard_intact (got_y, GUARD), what, "%s luma wrote outside",
              packed[p].name);
          /* an odd number of pixels: the last one's L is the last one */
          if (n > 0) {
            imcore_yuvconv_luma_packed (&conv, rows, packed[p].y,
                conv.cross ? want_l : NULL, 2 * n - 1, got_y + GUARD);
            check (memcmp (want_y, got_y + GUARD, 2 * n - 1) == 0 &&
                got_y[GUARD + 2 * n - 1] == want_y[2 * n - 1], what,
                "%s luma of %u pixels", packed[p].name, 2 * n - 1);
          }
        }

        /* planar luma: L shared by two samples equals L duplicated */
        for (uint32_t i = 0; i < 2 * n; i++) {
          y[i] = rows[i];
          ldup[i] = want_l[i / 2];
        }
        imcore_yuvconv_luma (&conv, y, ldup, 0, 2 * n, want_y);
        memset (got_y, GUARD_BYTE, sizeof (got_y));
        imcore_yuvconv_luma (&conv, y, conv.cross ? want_l : NULL, 1, 2 * n,
            got_y + GUARD);
        check (memcmp (want_y, got_y + GUARD, 2 * n) == 0, what, "luma with "
            "hshift 1 over %u differs", 2 * n);
        check (guard_intact (got_y + GUARD + 2 * n, GUARD), what,
            "luma wrote past %u", 2 * n);

        g_free (rows);
        g_free (u);
        g_free (v);
        g_free (y);
      }
      g_free (what);
    }
  }
}

/* The AVX2 kernels and the portable ones: the same bytes on random rows
 * of every layout, whole vectors and tails */
static void
test_kernels_agree (void)
{
  ImcoreYuvConv a, p;
  Rng rng = { 4242 };

  for (size_t c = 0; c < G_N_ELEMENTS (colorimetries); c++) {
    const uint32_t n = 997;
    uint8_t *rows = g_malloc (8 * n), b[2][997], r[2][997], yv[2][2 * 997];
    int16_t l[2][997];

    g_assert_cmpint (imcore_yuvconv_init (&a, &colorimetries[c].c, 0), ==,
        IMCORE_OK);
    g_assert_cmpint (imcore_yuvconv_init (&p, &colorimetries[c].c,
            IMCORE_YUVCONV_PORTABLE), ==, IMCORE_OK);
    if (!a.avx2) {
      g_test_message ("no AVX2 here: only the portable kernels run");
      g_free (rows);
      continue;
    }
    for (int round = 0; round < 20; round++) {
      for (uint32_t i = 0; i < 8 * n; i++)
        rows[i] = (uint8_t) rng_next (&rng);
      for (int k = 0; k < 2; k++) {
        const ImcoreYuvConv *conv = k ? &p : &a;

        imcore_yuvconv_chroma_packed (conv, rows, rows + 4 * n, 1, 3, n,
            b[k], r[k], l[k]);
        imcore_yuvconv_luma_packed (conv, rows + 1, 1, l[k], 2 * n - 1,
            yv[k]);
      }
      check (memcmp (b[0], b[1], n) == 0 && memcmp (r[0], r[1], n) == 0 &&
          memcmp (l[0], l[1], 2 * n) == 0 && memcmp (yv[0], yv[1],
              2 * n - 1) == 0, colorimetries[c].name,
          "AVX2 and portable differ on random packed rows");
    }
    g_free (rows);
  }
}

/* ------------------------------------------------------------------ */
/* Test images                                                         */
/* ------------------------------------------------------------------ */

/* The layouts the encoder takes YUV in */
typedef enum
{
  LAYOUT_I420,
  LAYOUT_I422,
  LAYOUT_I444,
  LAYOUT_NV12,
  LAYOUT_NV21,
  LAYOUT_YUY2,
  LAYOUT_UYVY,
  LAYOUT_YVYU,
  N_LAYOUTS
} Layout;

static const char *layout_names[] = {
  "I420", "I422", "I444", "NV12", "NV21", "YUY2", "UYVY", "YVYU",
};

static gboolean
layout_planar (Layout l)
{
  return l <= LAYOUT_I444;
}

static gboolean
layout_packed (Layout l)
{
  return l >= LAYOUT_YUY2;
}

/* Chroma shifts of the source */
static void
layout_shifts (Layout l, unsigned *hs, unsigned *vs)
{
  *hs = l != LAYOUT_I444;
  *vs = l == LAYOUT_I420 || l == LAYOUT_NV12 || l == LAYOUT_NV21;
}

/* Byte offsets of Y (first of a pair), U and V: packed in a macropixel,
 * semi-planar U and V in a pair */
static void
layout_offsets (Layout l, unsigned *y, unsigned *u, unsigned *v)
{
  switch (l) {
    case LAYOUT_NV21:
      *y = 0, *u = 1, *v = 0;
      break;
    case LAYOUT_YUY2:
      *y = 0, *u = 1, *v = 3;
      break;
    case LAYOUT_UYVY:
      *y = 1, *u = 0, *v = 2;
      break;
    case LAYOUT_YVYU:
      *y = 0, *u = 3, *v = 1;
      break;
    default:
      *y = 0, *u = 0, *v = 1;
      break;
  }
}

/* A YUV frame of @fw x @fh in @layout: each plane its own allocation of
 * padded rows (the padding garbage), samples random. Accessors below read
 * samples by their definition of the layout. */
typedef struct
{
  Layout layout;
  uint32_t fw, fh;
  uint8_t *mem[3];
  uint8_t *planes[3];
  size_t strides[3];
  unsigned n_planes;
} Frame;

static Frame *
frame_new (Layout layout, uint32_t fw, uint32_t fh, Rng * rng)
{
  Frame *f = g_new0 (Frame, 1);
  unsigned hs, vs;

  f->layout = layout;
  f->fw = fw;
  f->fh = fh;
  layout_shifts (layout, &hs, &vs);
  f->n_planes = layout_planar (layout) ? 3 : layout_packed (layout) ? 1 : 2;
  for (unsigned i = 0; i < f->n_planes; i++) {
    size_t row, rows;

    if (layout_packed (layout)) {
      row = 4 * (size_t) ((fw + 1) / 2);
      rows = fh;
    } else if (i == 0) {
      row = fw;
      rows = fh;
    } else {
      row = ((fw + (1u << hs) - 1) >> hs) * (f->n_planes == 2 ? 2 : 1);
      rows = (fh + (1u << vs) - 1) >> vs;
    }
    /* an odd amount of padding, different per plane */
    f->strides[i] = row + 3 + 7 * i + (rng_next (rng) % 5);
    f->mem[i] = g_malloc (f->strides[i] * rows + 16);
    f->planes[i] = f->mem[i] + 5;       /* not at the allocation's start */
    for (size_t k = 0; k < f->strides[i] * rows + 11; k++)
      f->planes[i][k] = (uint8_t) rng_next (rng);
  }
  return f;
}

static void
frame_free (Frame * f)
{
  for (unsigned i = 0; i < f->n_planes; i++)
    g_free (f->mem[i]);
  g_free (f);
}

/* The samples of pixel (@x, @y), from the layout's definition: Y, and the
 * chroma stored with it (4:2:x: of its pair or block) */
static void
frame_pixel (const Frame * f, uint32_t x, uint32_t y, int *Y, int *U, int *V)
{
  unsigned hs, vs, yo, uo, vo;

  layout_shifts (f->layout, &hs, &vs);
  layout_offsets (f->layout, &yo, &uo, &vo);
  if (layout_packed (f->layout)) {
    const uint8_t *mp = f->planes[0] + y * f->strides[0] + 4 * (x / 2);

    *Y = mp[yo + 2 * (x & 1)];
    *U = mp[uo];
    *V = mp[vo];
  } else if (layout_planar (f->layout)) {
    *Y = f->planes[0][y * f->strides[0] + x];
    *U = f->planes[1][(y >> vs) * f->strides[1] + (x >> hs)];
    *V = f->planes[2][(y >> vs) * f->strides[2] + (x >> hs)];
  } else {
    const uint8_t *pair = f->planes[1] + (y >> 1) * f->strides[1] +
        2 * (x >> 1);

    *Y = f->planes[0][y * f->strides[0] + x];
    *U = pair[uo];
    *V = pair[vo];
  }
}

/* ------------------------------------------------------------------ */
/* Encoding and the reference planes                                   */
/* ------------------------------------------------------------------ */

static int
tj_samp (ImcoreSubsampling s)
{
  switch (s) {
    case IMCORE_SUBSAMPLING_444:
      return TJSAMP_444;
    case IMCORE_SUBSAMPLING_422:
      return TJSAMP_422;
    case IMCORE_SUBSAMPLING_420:
      return TJSAMP_420;
    default:
      return TJSAMP_GRAY;
  }
}

static const char *
samp_name (ImcoreSubsampling s)
{
  static const char *names[] = { "444", "422", "420", "gray" };

  return names[s];
}

/* Encodes the part @rect of @f with @cm and @samp through the layout's
 * entry point; the JPEG, or NULL after reporting. */
static uint8_t *
encode (ImcoreJpegEncoder * enc, const Frame * f, const ImcoreRect * rect,
    const ImcoreYuvColorimetry * cm, ImcoreSubsampling samp, int quality,
    size_t *len, const char *what)
{
  ImcoreJpegParams params = { quality, samp, *cm };
  size_t bound = imcore_jpeg_bound (rect->width, rect->height, samp);
  uint8_t *out = g_malloc (bound);
  ImcoreError err;

  *len = 0;
  if (layout_planar (f->layout)) {
    ImcoreImage img;
    unsigned hs, vs;

    /* the crop as a caller makes it: pointer offsets, chroma from the
     * sample covering (x, y) */
    layout_shifts (f->layout, &hs, &vs);
    memset (&img, 0, sizeof (img));
    img.format = f->layout == LAYOUT_I420 ? IMCORE_PIXEL_I420 :
        f->layout == LAYOUT_I422 ? IMCORE_PIXEL_I422 : IMCORE_PIXEL_I444;
    img.width = rect->width;
    img.height = rect->height;
    img.planes[0] = f->planes[0] + rect->y * f->strides[0] + rect->x;
    for (unsigned i = 1; i < 3; i++)
      img.planes[i] = f->planes[i] + (rect->y >> vs) * f->strides[i] +
          (rect->x >> hs);
    for (unsigned i = 0; i < 3; i++)
      img.strides[i] = f->strides[i];
    err = imcore_jpeg_encode (enc, &img, &params, out, bound, len);
  } else {
    ImcoreInterleavedYuv yuv;

    memset (&yuv, 0, sizeof (yuv));
    yuv.packed = layout_packed (f->layout);
    yuv.width = f->fw;
    yuv.height = f->fh;
    for (unsigned i = 0; i < f->n_planes; i++) {
      yuv.planes[i] = f->planes[i];
      yuv.strides[i] = f->strides[i];
    }
    layout_offsets (f->layout, &yuv.y_offset, &yuv.u_offset, &yuv.v_offset);
    err = imcore_jpeg_encode_interleaved (enc, &yuv, rect, &params, out,
        bound, len);
  }
  if (!check (err == IMCORE_OK, what, "encode: %s (%s)",
          imcore_strerror (err), imcore_jpeg_encoder_last_error (enc))) {
    g_free (out);
    return NULL;
  }
  check (*len > 4 && *len <= bound && out[0] == 0xff && out[1] == 0xd8 &&
      out[*len - 2] == 0xff && out[*len - 1] == 0xd9, what, "not a whole "
      "JPEG: %zu bytes", *len);
  return out;
}

/* Planes of a JPEG-sized image, tight rows of w samples, as TurboJPEG
 * lays them out (padded to whole chroma samples); the image's own samples
 * are the first rw x rh. */
typedef struct
{
  unsigned n;
  int w[3], h[3];
  int rw[3], rh[3];
  uint8_t *p[3];
} Planes;

static void
planes_alloc (Planes * p, uint32_t w, uint32_t h, ImcoreSubsampling samp)
{
  int ts = tj_samp (samp);

  memset (p, 0, sizeof (*p));
  p->n = samp == IMCORE_SUBSAMPLING_GRAY ? 1 : 3;
  for (unsigned i = 0; i < p->n; i++) {
    unsigned hs = i && samp != IMCORE_SUBSAMPLING_444;
    unsigned vs = i && samp == IMCORE_SUBSAMPLING_420;

    p->w[i] = tjPlaneWidth ((int) i, (int) w, ts);
    p->h[i] = tjPlaneHeight ((int) i, (int) h, ts);
    p->rw[i] = (int) ((w + (1u << hs) - 1) >> hs);
    p->rh[i] = (int) ((h + (1u << vs) - 1) >> vs);
    p->p[i] = g_malloc0 ((size_t) p->w[i] * p->h[i]);
  }
}

static void
planes_clear (Planes * p)
{
  for (unsigned i = 0; i < 3; i++)
    g_clear_pointer (&p->p[i], g_free);
}

/* The JPEG's own planes, by TurboJPEG's decompressor */
static gboolean
decode_planes (tjhandle dec, const uint8_t * jpeg, size_t len, uint32_t w,
    uint32_t h, ImcoreSubsampling samp, Planes * p, const char *what)
{
  int hw = 0, hh = 0, hs = -1, hc = -1;

  planes_alloc (p, w, h, samp);
  if (!check (tjDecompressHeader3 (dec, jpeg, len, &hw, &hh, &hs, &hc) == 0,
          what, "header: %s", tjGetErrorStr2 (dec)) ||
      !check ((uint32_t) hw == w && (uint32_t) hh == h && hs == tj_samp (samp)
          && hc == (samp == IMCORE_SUBSAMPLING_GRAY ? TJCS_GRAY :
              TJCS_YCbCr), what, "header says %dx%d subsampling %d "
          "colourspace %d", hw, hh, hs, hc) ||
      !check (tjDecompressToYUVPlanes (dec, jpeg, len, p->p, (int) w, p->w,
              (int) h, TJFLAG_ACCURATEDCT) == 0, what, "decode: %s",
          tjGetErrorStr2 (dec))) {
    planes_clear (p);
    return FALSE;
  }
  return TRUE;
}

/* How the reference may be made wrong, to show that the comparison
 * notices */
typedef enum
{
  REF_RIGHT,
  REF_OTHER_MATRIX,             /* BT.601 <-> BT.709 */
  REF_OTHER_RANGE,              /* limited <-> full */
  REF_CHROMA_SWAPPED,
  REF_ROW_SHIFTED,              /* rows of the second iMCU row from one up */
  N_REF_KINDS
} RefKind;

/* The planes a JPEG of @rect of @f must hold, from the definitions: luma
 * of each pixel with the chroma stored with it; chroma of each JPEG sample
 * from the source sample at its place (packed 4:2:2 to 4:2:0: the two
 * rows' samples averaged, half up, an odd last row alone). Chroma of a
 * crop starts at the source sample covering (x, y). */
static void
reference_planes (const Frame * f, const ImcoreRect * rect,
    const ImcoreYuvColorimetry * cm, ImcoreSubsampling samp, RefKind kind,
    Planes * p)
{
  ImcoreYuvColorimetry c = *cm;
  unsigned shs, svs, jvs = samp == IMCORE_SUBSAMPLING_420;
  unsigned mcu_rows = 8u << jvs;

  if (kind == REF_OTHER_MATRIX) {
    gboolean is601 = c.kr == 0.299;

    c.kr = is601 ? 0.2126 : 0.299;
    c.kb = is601 ? 0.0722 : 0.114;
  } else if (kind == REF_OTHER_RANGE) {
    c.limited_range = !c.limited_range;
  }
  planes_alloc (p, rect->width, rect->height, samp);
  layout_shifts (f->layout, &shs, &svs);
  for (int y = 0; y < p->rh[0]; y++) {
    /* the second strip's rows each from the row above: one strip off */
    int sy = kind == REF_ROW_SHIFTED && y >= (int) mcu_rows && y < (int)
        (2 * mcu_rows) ? y - 1 : y;

    for (int x = 0; x < p->rw[0]; x++) {
      int Y, U, V;
      double e[3];

      /* chroma of a crop starts at the sample covering its corner: pixel
       * x of the crop takes the chroma of source pixel (x0 & ~1) + x when
       * chroma is halved horizontally, and likewise for rows */
      uint32_t cx = shs ? (rect->x & ~1u) + x : rect->x + x;
      uint32_t cy = svs ? (rect->y & ~1u) + sy : rect->y + sy;
      int dummy;

      frame_pixel (f, rect->x + x, rect->y + sy, &Y, &U, &V);
      frame_pixel (f, cx, cy, &dummy, &U, &V);
      ref_jfif (&c, Y, U, V, e);
      p->p[0][y * p->w[0] + x] = (uint8_t) code_of (e[0]);
    }
  }
  for (unsigned i = 1; i < p->n; i++) {
    for (int cy = 0; cy < p->rh[i]; cy++) {
      for (int cx = 0; cx < p->rw[i]; cx++) {
        /* the source pixel where this chroma sample sits */
        uint32_t px = (rect->x >> shs << shs) + ((uint32_t) cx << shs);
        uint32_t py = (rect->y >> svs << svs) + ((uint32_t) cy << jvs);
        int Y, U, V;
        double e[3];

        if (layout_packed (f->layout)) {
          py = rect->y + ((uint32_t) cy << jvs);
          frame_pixel (f, px, py, &Y, &U, &V);
          if (jvs && py + 1 < rect->y + rect->height) {
            int U2, V2;

            frame_pixel (f, px, py + 1, &Y, &U2, &V2);
            U = (U + U2 + 1) / 2;
            V = (V + V2 + 1) / 2;
          }
        } else {
          frame_pixel (f, px, py, &Y, &U, &V);
        }
        ref_jfif (&c, Y, U, V, e);
        if (kind == REF_CHROMA_SWAPPED)
          p->p[i][cy * p->w[i] + cx] = (uint8_t) code_of (e[3 - i]);
        else
          p->p[i][cy * p->w[i] + cx] = (uint8_t) code_of (e[i]);
      }
    }
  }
}

/* JPEG at quality 100 with the accurate DCT: what the decoder returns is
 * within this of what went in */
#define JPEG_TOLERANCE 3

/* Whether @got matches @want to within the JPEG's own error: no sample
 * further than JPEG_TOLERANCE, and on average within 0.75 (a systematic
 * error of 1 fails). @detail gets the worst place. */
static gboolean
planes_match (const Planes * got, const Planes * want, gchar ** detail)
{
  for (unsigned i = 0; i < want->n; i++) {
    int worst = 0, wx = 0, wy = 0;
    guint64 sum = 0;

    for (int y = 0; y < want->rh[i]; y++) {
      for (int x = 0; x < want->rw[i]; x++) {
        int d = ABS ((int) got->p[i][y * got->w[i] + x] -
            (int) want->p[i][y * want->w[i] + x]);

        sum += (guint64) d;
        if (d > worst) {
          worst = d;
          wx = x;
          wy = y;
        }
      }
    }
    if (worst > JPEG_TOLERANCE || sum > 0.75 * want->rw[i] * want->rh[i]) {
      *detail = g_strdup_printf ("plane %u: %d off at (%d,%d), mean %.2f", i,
          worst, wx, wy, (double) sum / (want->rw[i] * want->rh[i]));
      return FALSE;
    }
  }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* JPEGs against the definitions                                       */
/* ------------------------------------------------------------------ */

static const ImcoreSubsampling planar_samps[][2] = {
  {IMCORE_SUBSAMPLING_420, IMCORE_SUBSAMPLING_GRAY},
  {IMCORE_SUBSAMPLING_422, IMCORE_SUBSAMPLING_GRAY},
  {IMCORE_SUBSAMPLING_444, IMCORE_SUBSAMPLING_GRAY},
};

/* The subsamplings a layout encodes to */
static unsigned
layout_samps (Layout l, ImcoreSubsampling out[3])
{
  if (layout_planar (l)) {
    out[0] = planar_samps[l][0];
    out[1] = planar_samps[l][1];
    return 2;
  }
  out[0] = IMCORE_SUBSAMPLING_420;
  out[1] = IMCORE_SUBSAMPLING_GRAY;
  if (!layout_packed (l))
    return 2;
  out[2] = IMCORE_SUBSAMPLING_422;
  return 3;
}

/* Frame sizes and the crops taken from them: odd sizes and offsets, one
 * strip and several, partial last strips, a single pixel */
static const struct
{
  uint32_t fw, fh;
  ImcoreRect rect;
} shapes[] = {
  {37, 21, {0, 0, 37, 21}},
  {37, 21, {3, 5, 31, 15}},
  {70, 53, {1, 2, 65, 49}},
  {64, 48, {0, 0, 64, 48}},
  {48, 32, {16, 0, 32, 32}},
  {97, 40, {0, 1, 97, 39}},
  {9, 9, {8, 8, 1, 1}},
  {2, 3, {0, 0, 2, 3}},
};

static void
test_jpeg_layout (gconstpointer data)
{
  Layout layout = GPOINTER_TO_INT (data);
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  tjhandle dec = tjInitDecompress ();
  Rng rng = { 1000 + layout };
  ImcoreSubsampling samps[3];
  unsigned n_samps = layout_samps (layout, samps);

  for (size_t s = 0; s < G_N_ELEMENTS (shapes); s++) {
    Frame *f = frame_new (layout, shapes[s].fw, shapes[s].fh, &rng);
    const ImcoreRect *rect = &shapes[s].rect;

    for (size_t c = 0; c < G_N_ELEMENTS (colorimetries); c++) {
      for (unsigned k = 0; k < n_samps; k++) {
        gchar *what = g_strdup_printf ("%s %ux%u crop %u,%u %ux%u %s %s",
            layout_names[layout], f->fw, f->fh, rect->x, rect->y,
            rect->width, rect->height, colorimetries[c].name,
            samp_name (samps[k]));
        uint8_t *jpeg;
        size_t len;
        Planes got, want;
        gchar *detail = NULL;

        jpeg = encode (enc, f, rect, &colorimetries[c].c, samps[k], 100,
            &len, what);
        if (jpeg && decode_planes (dec, jpeg, len, rect->width, rect->height,
                samps[k], &got, what)) {
          reference_planes (f, rect, &colorimetries[c].c, samps[k],
              REF_RIGHT, &want);
          if (!planes_match (&got, &want, &detail))
            check (FALSE, what, "decoded planes differ from the "
                "definition's: %s", detail);
          g_free (detail);
          planes_clear (&want);
          planes_clear (&got);
        }
        g_free (jpeg);
        g_free (what);
      }
    }
    frame_free (f);
  }
  tjDestroy (dec);
  imcore_jpeg_encoder_free (enc);
}

/* The comparison above tells a right encoding from wrong ones: each kind
 * of wrong reference must fail to match what the encoder wrote. A wrong
 * coefficient, a range left unexpanded, swapped chroma or an off-by-one
 * strip in the encoder would fail test_jpeg_layout() the same way. */
static void
test_discriminates (void)
{
  static const Layout layouts[] = { LAYOUT_I420, LAYOUT_NV12, LAYOUT_YUY2 };
  static const char *kinds[] = { "right", "other matrix", "other range",
    "chroma swapped", "a strip one row off"
  };
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  tjhandle dec = tjInitDecompress ();
  Rng rng = { 99 };
  /* the camera and decoder colorimetries */
  const Colorimetry *cms[] = { &colorimetries[1], &colorimetries[2] };

  for (size_t l = 0; l < G_N_ELEMENTS (layouts); l++) {
    Frame *f = frame_new (layouts[l], 70, 53, &rng);
    ImcoreRect rect = { 1, 2, 65, 49 };

    for (size_t c = 0; c < G_N_ELEMENTS (cms); c++) {
      gchar *what = g_strdup_printf ("discriminates %s %s",
          layout_names[layouts[l]], cms[c]->name);
      Planes got;
      size_t len;
      uint8_t *jpeg = encode (enc, f, &rect, &cms[c]->c,
          IMCORE_SUBSAMPLING_420, 100, &len, what);

      if (jpeg && decode_planes (dec, jpeg, len, rect.width, rect.height,
              IMCORE_SUBSAMPLING_420, &got, what)) {
        for (RefKind k = REF_RIGHT; k < N_REF_KINDS; k++) {
          Planes want;
          gchar *detail = NULL;
          gboolean match;

          reference_planes (f, &rect, &cms[c]->c, IMCORE_SUBSAMPLING_420, k,
              &want);
          match = planes_match (&got, &want, &detail);
          check (match == (k == REF_RIGHT), what, "a reference with %s %s",
              kinds[k], match ? "matches" : "does not match");
          g_test_message ("%s, reference with %s: %s", what, kinds[k],
              detail ? detail : "match");
          g_free (detail);
          planes_clear (&want);
        }
        planes_clear (&got);
      }
      g_free (jpeg);
      g_free (what);
    }
    frame_free (f);
  }
  tjDestroy (dec);
  imcore_jpeg_encoder_free (enc);
}

/* JFIF planes give the bytes TurboJPEG's own tjCompressFromYUVPlanes()
 * gives: the libjpeg path changed nothing for input that needs no
 * conversion (quality below 96: fast DCT, from 96: accurate). TurboJPEG
 * reads subsampled planes as if padded to whole chroma samples, so the
 * test gives it planes so padded (by repeating the edge, which is what the
 * encoder does internally). */
static void
test_jfif_same_bytes (void)
{
  static const struct
  {
    ImcorePixelFormat format;
    ImcoreSubsampling samp;
  } cases[] = {
    {IMCORE_PIXEL_I420, IMCORE_SUBSAMPLING_420},
    {IMCORE_PIXEL_I422, IMCORE_SUBSAMPLING_422},
    {IMCORE_PIXEL_I444, IMCORE_SUBSAMPLING_444},
    {IMCORE_PIXEL_I420, IMCORE_SUBSAMPLING_GRAY},
  };
  static const uint32_t sizes[][2] = {
    {1, 1}, {7, 5}, {16, 16}, {17, 33}, {64, 8}, {48, 17}, {40, 24},
    {641, 35}, {96, 64},
  };
  static const int qualities[] = { 50, 85, 95, 96, 100 };
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  tjhandle tj = tjInitCompress ();
  Rng rng = { 5 };

  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++) {
    for (size_t s = 0; s < G_N_ELEMENTS (sizes); s++) {
      uint32_t w = sizes[s][0], h = sizes[s][1];
      unsigned hs = cases[c].format != IMCORE_PIXEL_I444;
      unsigned vs = cases[c].format == IMCORE_PIXEL_I420;
      /* padded to whole chroma samples, as TurboJPEG reads them */
      uint32_t pw = (w + (1u << hs) - 1) >> hs << hs;
      uint32_t ph = (h + (1u << vs) - 1) >> vs << vs;
      uint32_t cw = pw >> hs, ch = ph >> vs;
      size_t strides[3] = { pw + 9, cw + 3, cw + 5 };
      uint8_t *planes[3];
      ImcoreImage img;

      planes[0] = g_malloc (strides[0] * ph);
      planes[1] = g_malloc (strides[1] * ch);
      planes[2] = g_malloc (strides[2] * ch);
      for (unsigned i = 0; i < 3; i++) {
        for (size_t k = 0; k < strides[i] * (i ? ch : ph); k++)
          planes[i][k] = (uint8_t) rng_next (&rng);
      }
      for (uint32_t y = 0; y < ph; y++) {
        uint8_t *row = planes[0] + y * strides[0];

        if (y >= h)
          memcpy (row, planes[0] + (h - 1) * strides[0], pw);
        if (pw > w)
          row[w] = row[w - 1];
      }
      memset (&img, 0, sizeof (img));
      img.format = cases[c].format;
      img.width = w;
      img.height = h;
      for (unsigned i = 0; i < 3; i++) {
        img.planes[i] = planes[i];
        img.strides[i] = strides[i];
      }
      for (size_t q = 0; q < G_N_ELEMENTS (qualities); q++) {
        ImcoreJpegParams params = { qualities[q], cases[c].samp,
          IMCORE_YUV_JFIF
        };
        size_t bound = imcore_jpeg_bound (w, h, cases[c].samp), len = 0;
        uint8_t *a = g_malloc (bound), *b = g_malloc (bound);
        unsigned long blen = bound;
        unsigned char *bp = b;
        const unsigned char *tp[3] = { planes[0], planes[1], planes[2] };
        int ts[3] = { (int) strides[0], (int) strides[1], (int) strides[2] };
        gchar *what = g_strdup_printf ("JFIF %s %ux%u q%d",
            samp_name (cases[c].samp), w, h, qualities[q]);

        g_assert_cmpint (imcore_jpeg_encode (enc, &img, &params, a, bound,
                &len), ==, IMCORE_OK);
        if (check (tjCompressFromYUVPlanes (tj, tp, (int) w, ts, (int) h,
                    tj_samp (cases[c].samp), &bp, &blen, qualities[q],
                    TJFLAG_NOREALLOC) == 0, what, "TurboJPEG: %s",
                tjGetErrorStr2 (tj)))
          check (len == blen && memcmp (a, b, len) == 0, what, "%zu bytes, "
              "TurboJPEG %lu, or different bytes", len, blen);
        g_free (what);
        g_free (a);
        g_free (b);
      }
      for (unsigned i = 0; i < 3; i++)
        g_free (planes[i]);
    }
  }
  tjDestroy (tj);
  imcore_jpeg_encoder_free (enc);
}

/* imcore_jpeg_encode_interleaved() refuses what it cannot do and is not
 * harmed by it */
static void
test_interleaved_errors (void)
{
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  Rng rng = { 3 };
  Frame *nv = frame_new (LAYOUT_NV12, 32, 16, &rng);
  Frame *yu = frame_new (LAYOUT_YUY2, 32, 16, &rng);
  ImcoreInterleavedYuv s, p;
  ImcoreRect all = { 0, 0, 32, 16 };
  ImcoreJpegParams params = { 85, IMCORE_SUBSAMPLING_420, IMCORE_YUV_JFIF };
  size_t bound = imcore_jpeg_bound (32, 16, IMCORE_SUBSAMPLING_444);
  uint8_t *out = g_malloc (bound);
  size_t len = 12345;

  memset (&s, 0, sizeof (s));
  s.width = 32;
  s.height = 16;
  s.planes[0] = nv->planes[0];
  s.planes[1] = nv->planes[1];
  s.strides[0] = nv->strides[0];
  s.strides[1] = nv->strides[1];
  s.u_offset = 0;
  s.v_offset = 1;
  memset (&p, 0, sizeof (p));
  p.packed = true;
  p.width = 32;
  p.height = 16;
  p.planes[0] = yu->planes[0];
  p.strides[0] = yu->strides[0];
  p.y_offset = 0;
  p.u_offset = 1;
  p.v_offset = 3;

  g_assert_true (imcore_jpeg_accepts_interleaved (false,
          IMCORE_SUBSAMPLING_420));
  g_assert_true (imcore_jpeg_accepts_interleaved (false,
          IMCORE_SUBSAMPLING_GRAY));
  g_assert_false (imcore_jpeg_accepts_interleaved (false,
          IMCORE_SUBSAMPLING_422));
  g_assert_false (imcore_jpeg_accepts_interleaved (false,
          IMCORE_SUBSAMPLING_444));
  g_assert_true (imcore_jpeg_accepts_interleaved (true,
          IMCORE_SUBSAMPLING_422));
  g_assert_false (imcore_jpeg_accepts_interleaved (true,
          IMCORE_SUBSAMPLING_444));
  g_assert_false (imcore_jpeg_accepts_interleaved (true,
          (ImcoreSubsampling) 7));

#define REFUSES(e, src, rect, prm, size) \
  g_assert_cmpint (imcore_jpeg_encode_interleaved (enc, src, rect, prm, out, \
          size, &len), ==, e)
  REFUSES (IMCORE_ERROR_INVALID_ARGUMENT, NULL, &all, &params, bound);
  REFUSES (IMCORE_ERROR_INVALID_ARGUMENT, &s, NULL, &params, bound);
  REFUSES (IMCORE_ERROR_INVALID_ARGUMENT, &s, &all, NULL, bound);
  g_assert_cmpint (imcore_jpeg_encode_interleaved (NULL, &s, &all, &params,
          out, bound, &len), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  {
    ImcoreRect outside = { 1, 0, 32, 16 }, empty = { 0, 0, 0, 16 };
    ImcoreRect below = { 0, 16, 1, 1 };

    REFUSES (IMCORE_ERROR_INVALID_ARGUMENT, &s, &outside, &params, bound);
    REFUSES (IMCORE_ERROR_INVALID_ARGUMENT, &s, &empty, &params, bound);
    REFUSES (IMCORE_ERROR_INVALID_ARGUMENT, &p, &below, &params, bound);
  }
  {
    ImcoreInterleavedYuv bad = s;

    bad.v_offset = 0;           /* U and V in one byte */
    REFUSES (IMCORE_ERROR_INVALID_ARGUMENT, &bad, &all, &params, bound);
    bad = p;
    bad.u_offset = 2;           /* a Y byte */
    REFUSES (IMCORE_ERROR_INVALID_ARGUMENT, &bad, &all, &params, bound);
    bad = s;
    bad.planes[1] = NULL;
    REFUSES (IMCORE_ERROR_INVALID_ARGUMENT, &bad, &all, &params, bound);
  }
  params.quality = 0;
  REFUSES (IMCORE_ERROR_INVALID_ARGUMENT, &s, &all, &params, bound);
  params.quality = 85;
  memset (&params.yuv, 0, sizeof (params.yuv));
  REFUSES (IMCORE_ERROR_INVALID_ARGUMENT, &s, &all, &params, bound);
  params.yuv = IMCORE_YUV_JFIF;
  params.subsampling = IMCORE_SUBSAMPLING_422;
  REFUSES (IMCORE_ERROR_UNSUPPORTED_FORMAT, &s, &all, &params, bound);
  params.subsampling = IMCORE_SUBSAMPLING_444;
  REFUSES (IMCORE_ERROR_UNSUPPORTED_FORMAT, &p, &all, &params, bound);
  params.subsampling = IMCORE_SUBSAMPLING_420;
  REFUSES (IMCORE_ERROR_NO_SPACE, &s, &all, &params,
      imcore_jpeg_bound (32, 16, IMCORE_SUBSAMPLING_420) - 1);
  g_assert_cmpuint (len, ==, 12345);
#undef REFUSES

  /* and still works */
  g_assert_cmpint (imcore_jpeg_encode_interleaved (enc, &p, &all, &params,
          out, bound, &len), ==, IMCORE_OK);
  g_assert_cmpuint (len, >, 100);
  g_assert_cmpstr (imcore_jpeg_encoder_last_error (enc), ==, "");

  g_free (out);
  frame_free (nv);
  frame_free (yu);
  imcore_jpeg_encoder_free (enc);
}

/* An encoder moves between colorimetries, layouts and sizes without
 * carrying anything over: each image encodes as by a fresh encoder. */
static void
test_encoder_reuse (void)
{
  ImcoreJpegEncoder *used = imcore_jpeg_encoder_new ();
  Rng rng = { 8 };
  static const struct
  {
    Layout layout;
    uint32_t w, h;
    size_t c;
    ImcoreSubsampling samp;
  } seq[] = {
    {LAYOUT_I420, 641, 35, 2, IMCORE_SUBSAMPLING_420},
    {LAYOUT_YUY2, 33, 17, 1, IMCORE_SUBSAMPLING_422},
    {LAYOUT_I420, 16, 16, 0, IMCORE_SUBSAMPLING_420},
    {LAYOUT_NV21, 99, 71, 3, IMCORE_SUBSAMPLING_GRAY},
    {LAYOUT_I444, 8, 8, 4, IMCORE_SUBSAMPLING_444},
    {LAYOUT_I420, 641, 35, 2, IMCORE_SUBSAMPLING_420},
  };

  for (size_t i = 0; i < G_N_ELEMENTS (seq); i++) {
    ImcoreJpegEncoder *fresh = imcore_jpeg_encoder_new ();
    Frame *f = frame_new (seq[i].layout, seq[i].w, seq[i].h, &rng);
    ImcoreRect all = { 0, 0, seq[i].w, seq[i].h };
    gchar *what = g_strdup_printf ("reuse step %zu", i);
    size_t la, lb;
    uint8_t *a = encode (used, f, &all, &colorimetries[seq[i].c].c,
        seq[i].samp, 90, &la, what);
    uint8_t *b = encode (fresh, f, &all, &colorimetries[seq[i].c].c,
        seq[i].samp, 90, &lb, what);

    if (a && b)
      check (la == lb && memcmp (a, b, la) == 0, what, "a used encoder "
          "wrote different bytes");
    g_free (a);
    g_free (b);
    g_free (what);
    frame_free (f);
    imcore_jpeg_encoder_free (fresh);
  }
  imcore_jpeg_encoder_free (used);
}

/* ------------------------------------------------------------------ */
/* Reading past the caller's planes                                    */
/* ------------------------------------------------------------------ */

#ifdef G_OS_UNIX
typedef struct
{
  const char *name;
  Layout layout;
  uint32_t fw, fh;
  ImcoreRect rect;              /* touching the right and bottom edges */
  size_t colorimetry;
  ImcoreSubsampling samp;
} GuardCase;

static const GuardCase guard_cases[] = {
  {"NV12-641x479-bt709", LAYOUT_NV12, 641, 479, {0, 0, 641, 479}, 2,
      IMCORE_SUBSAMPLING_420},
  {"NV12-crop-jfif", LAYOUT_NV12, 641, 479, {5, 3, 636, 476}, 0,
      IMCORE_SUBSAMPLING_420},
  {"NV21-gray-bt601", LAYOUT_NV21, 67, 33, {1, 1, 66, 32}, 1,
      IMCORE_SUBSAMPLING_GRAY},
  {"YUY2-641x479-bt601-420", LAYOUT_YUY2, 641, 479, {0, 0, 641, 479}, 1,
      IMCORE_SUBSAMPLING_420},
  {"YUY2-crop-bt709-422", LAYOUT_YUY2, 97, 33, {3, 2, 94, 31}, 2,
      IMCORE_SUBSAMPLING_422},
  {"UYVY-641x479-bt709-420", LAYOUT_UYVY, 641, 479, {0, 0, 641, 479}, 2,
      IMCORE_SUBSAMPLING_420},
  {"UYVY-crop-jfif-gray", LAYOUT_UYVY, 65, 17, {1, 0, 64, 17}, 0,
      IMCORE_SUBSAMPLING_GRAY},
  {"I420-641x479-bt709", LAYOUT_I420, 641, 479, {0, 0, 641, 479}, 2,
      IMCORE_SUBSAMPLING_420},
  {"I422-crop-bt2020", LAYOUT_I422, 99, 31, {2, 1, 97, 30}, 4,
      IMCORE_SUBSAMPLING_422},
  {"I444-65x9-bt709-full", LAYOUT_I444, 65, 9, {0, 0, 65, 9}, 3,
      IMCORE_SUBSAMPLING_444},
};

static void
guard_run (const GuardCase * gc)
{
  Frame f;
  GuardedBuf g[3];
  Rng rng = { 17 };
  unsigned hs, vs;
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  size_t len;
  uint8_t *jpeg;

  /* tight rows, each plane's last row ending at the guard */
  memset (&f, 0, sizeof (f));
  f.layout = gc->layout;
  f.fw = gc->fw;
  f.fh = gc->fh;
  layout_shifts (gc->layout, &hs, &vs);
  f.n_planes = layout_planar (gc->layout) ? 3 : layout_packed (gc->layout) ?
      1 : 2;
  for (unsigned i = 0; i < f.n_planes; i++) {
    size_t row, rows;

    if (layout_packed (gc->layout)) {
      row = 4 * (size_t) ((gc->fw + 1) / 2);
      rows = gc->fh;
    } else if (i == 0) {
      row = gc->fw;
      rows = gc->fh;
    } else {
      row = ((gc->fw + (1u << hs) - 1) >> hs) * (f.n_planes == 2 ? 2 : 1);
      rows = (gc->fh + (1u << vs) - 1) >> vs;
    }
    f.strides[i] = row;
    f.planes[i] = guarded_alloc (&g[i], row * rows);
    for (size_t k = 0; k < row * rows; k++)
      f.planes[i][k] = (uint8_t) rng_next (&rng);
  }
  jpeg = encode (enc, &f, &gc->rect, &colorimetries[gc->colorimetry].c,
      gc->samp, 90, &len, gc->name);
  g_assert_nonnull (jpeg);
  g_free (jpeg);
  for (unsigned i = 0; i < f.n_planes; i++)
    guarded_free (&g[i]);
  imcore_jpeg_encoder_free (enc);
}
#endif

static void
test_no_overread (gconstpointer data)
{
#ifdef G_OS_UNIX
  const GuardCase *gc = data;

  if (g_test_subprocess ()) {
    guard_run (gc);
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  if (!g_test_trap_has_passed ())
    g_printerr ("FAIL no-overread %s: the encoder read past the end of the "
        "planes it was given (or failed)\n", gc->name);
  g_test_trap_assert_passed ();
#else
  g_test_skip ("needs mmap guard pages");
#endif
}

/* ------------------------------------------------------------------ */
/* imcore_image_yuv_to_rgb(): YUV to R'G'B' for PNGs                    */
/* ------------------------------------------------------------------ */

/* R'G'B' code values (exact, unclamped) of the sample (@Y, @U, @V) coded
 * under @c, by the definition. */
static void
ref_rgb (const ImcoreYuvColorimetry * c, double Y, double U, double V,
    double out[3])
{
  ref_rgb01 (c, Y, U, V, out);
  for (int i = 0; i < 3; i++)
    out[i] *= 255.0;
}

/* Every (Y, U, V): an I444 image per Y with U along its rows and V down
 * its columns, rows padded with garbage in source and destination. Each
 * output is the exact value rounded and clamped, or within 1 of it when
 * the exact value is within 1/256 of a half; limited-range white and
 * black are 255 and 0; the destination's padding is not written. */
static void
test_yuv_to_rgb_exhaustive (gconstpointer data)
{
  const Colorimetry *cm = data;
  const size_t pad = 13, ystride = 256 + pad, rgbstride = 3 * 256 + pad;
  guint8 *yp = g_malloc (256 * ystride), *up = g_malloc (256 * ystride);
  guint8 *vp = g_malloc (256 * ystride), *rgb = g_malloc (256 * rgbstride);
  ImcoreImage src = { IMCORE_PIXEL_I444, 256, 256, {yp, up, vp},
  {ystride, ystride, ystride}
  };
  ImcoreImage dst = { IMCORE_PIXEL_RGB, 256, 256, {rgb}, {rgbstride} };
  guint64 off_by_one = 0;

  for (size_t r = 0; r < 256; r++) {
    for (size_t x = 0; x < ystride; x++) {
      up[r * ystride + x] = x < 256 ? x : 0xa5;
      vp[r * ystride + x] = x < 256 ? r : 0x5a;
    }
  }
  for (int Y = 0; Y < 256; Y++) {
    memset (yp, 0xc3, 256 * ystride);
    for (size_t r = 0; r < 256; r++)
      memset (yp + r * ystride, Y, 256);
    memset (rgb, 0x77, 256 * rgbstride);
    g_assert_cmpint (imcore_image_yuv_to_rgb (&src, &cm->c, &dst), ==,
        IMCORE_OK);
    for (int V = 0; V < 256; V++) {
      const guint8 *row = rgb + (size_t) V * rgbstride;

      for (size_t x = 3 * 256; x < rgbstride; x++) {
        if (!check (row[x] == 0x77, cm->name, "padding byte %zu of row %d "
                "written (Y %d)", x, V, Y))
          goto out;
      }
      for (int U = 0; U < 256; U++) {
        double exact[3];

        ref_rgb (&cm->c, Y, U, V, exact);
        for (int i = 0; i < 3; i++) {
          double e = CLAMP (exact[i], 0.0, 255.0);
          long want = lround (floor (e + 0.5));
          int got = row[3 * U + i];
          gboolean near_half = fabs (e - floor (e) - 0.5) < 1.0 / 256;

          if (got == want)
            continue;
          if (!check (near_half && labs (got - want) == 1, cm->name,
                  "YUV (%d, %d, %d) channel %d: %d, exact %.4f", Y, U, V, i,
                  got, exact[i]))
            goto out;
          off_by_one++;
        }
      }
    }
  }
  if (cm->c.limited_range) {
    guint8 px[3] = { 235, 128, 128 }, out[3];
    ImcoreImage one = { IMCORE_PIXEL_I444, 1, 1, {px, px + 1, px + 2},
    {1, 1, 1}
    }, o = { IMCORE_PIXEL_RGB, 1, 1, {out}, {3} };

    g_assert_cmpint (imcore_image_yuv_to_rgb (&one, &cm->c, &o), ==,
        IMCORE_OK);
    g_assert_true (out[0] == 255 && out[1] == 255 && out[2] == 255);
    px[0] = 16;
    g_assert_cmpint (imcore_image_yuv_to_rgb (&one, &cm->c, &o), ==,
        IMCORE_OK);
    g_assert_true (out[0] == 0 && out[1] == 0 && out[2] == 0);
  }
  g_test_message ("%s: %" G_GUINT64_FORMAT " of 50331648 outputs off by one "
      "(exact value within 1/256 of a half)", cm->name, off_by_one);
out:
  g_free (yp);
  g_free (up);
  g_free (vp);
  g_free (rgb);
}

/* What imcore_image_yuv_to_rgb() refuses. */
static void
test_yuv_to_rgb_refuses (void)
{
  guint8 px[4] = { 0 }, out[6];
  ImcoreImage i444 = { IMCORE_PIXEL_I444, 1, 1, {px, px + 1, px + 2},
  {1, 1, 1}
  }, i420 = { IMCORE_PIXEL_I420, 1, 1, {px, px + 1, px + 2}, {1, 1, 1} };
  ImcoreImage rgb = { IMCORE_PIXEL_RGB, 1, 1, {out}, {3} };
  ImcoreImage bgr = { IMCORE_PIXEL_BGR, 1, 1, {out}, {3} };
  ImcoreImage wide = { IMCORE_PIXEL_RGB, 2, 1, {out}, {6} };
  ImcoreYuvColorimetry ok = { 0.299, 0.114, true };
  ImcoreYuvColorimetry no_matrix = { 0.6, 0.4, true };
  ImcoreYuvColorimetry tiny_kg = { 0.5, 0.49999, true };

  g_assert_cmpint (imcore_image_yuv_to_rgb (&i444, &ok, &rgb), ==, IMCORE_OK);
  g_assert_cmpint (imcore_image_yuv_to_rgb (&i420, &ok, &rgb), ==,
      IMCORE_ERROR_UNSUPPORTED_FORMAT);
  g_assert_cmpint (imcore_image_yuv_to_rgb (&i444, &ok, &bgr), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_image_yuv_to_rgb (&i444, &ok, &wide), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_image_yuv_to_rgb (&i444, &no_matrix, &rgb), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_image_yuv_to_rgb (&i444, &tiny_kg, &rgb), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_image_yuv_to_rgb (NULL, &ok, &rgb), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  /* NaN passes every "<=" and ">=" test: it must be refused, not turned
   * into garbage coefficients */
  {
    ImcoreYuvColorimetry nan_kr = { NAN, 0.114, true };
    ImcoreYuvColorimetry nan_kb = { 0.299, NAN, false };
    ImcoreImage i420_out = i420;

    g_assert_cmpint (imcore_image_yuv_to_rgb (&i444, &nan_kr, &rgb), ==,
        IMCORE_ERROR_INVALID_ARGUMENT);
    g_assert_cmpint (imcore_image_yuv_to_rgb (&i444, &nan_kb, &rgb), ==,
        IMCORE_ERROR_INVALID_ARGUMENT);
    i420_out.planes[0] = out;
    i420_out.planes[1] = out + 1;
    i420_out.planes[2] = out + 2;
    g_assert_cmpint (imcore_image_yuv_to_jfif (&i420, &nan_kr, &i420_out),
        ==, IMCORE_ERROR_INVALID_ARGUMENT);
    g_assert_cmpint (imcore_image_yuv_to_jfif (&i420, &nan_kb, &i420_out),
        ==, IMCORE_ERROR_INVALID_ARGUMENT);
  }
}

/* Widths that leave a tail after the vector steps, random samples, each
 * output against the formula (as the exhaustive test judges it), and
 * nothing written past 3 x width. */
static void
test_yuv_to_rgb_widths (void)
{
  const ImcoreYuvColorimetry c = { 0.2126, 0.0722, true };
  GRand *rand = g_rand_new_with_seed (4711);

  for (guint w = 1; w <= 70; w++) {
    const guint h = 3, stride = w + 5, rgbstride = 3 * w + 7;
    guint8 *planes[3], *rgb = g_malloc (h * rgbstride);
    ImcoreImage src = { IMCORE_PIXEL_I444, w, h, {NULL}, {stride, stride,
            stride}
    };
    ImcoreImage dst = { IMCORE_PIXEL_RGB, w, h, {rgb}, {rgbstride} };

    for (int p = 0; p < 3; p++) {
      planes[p] = g_malloc (h * stride);
      for (guint i = 0; i < h * stride; i++)
        planes[p][i] = (guint8) g_rand_int_range (rand, 0, 256);
      src.planes[p] = planes[p];
    }
    memset (rgb, 0x77, h * rgbstride);
    g_assert_cmpint (imcore_image_yuv_to_rgb (&src, &c, &dst), ==, IMCORE_OK);
    for (guint y = 0; y < h; y++) {
      const guint8 *row = rgb + y * rgbstride;

      for (guint x = 3 * w; x < rgbstride; x++)
        g_assert_cmpuint (row[x], ==, 0x77);
      for (guint x = 0; x < w; x++) {
        double exact[3];

        ref_rgb (&c, planes[0][y * stride + x], planes[1][y * stride + x],
            planes[2][y * stride + x], exact);
        for (int i = 0; i < 3; i++) {
          double e = CLAMP (exact[i], 0.0, 255.0);
          long want = lround (floor (e + 0.5));
          gboolean near_half = fabs (e - floor (e) - 0.5) < 1.0 / 256;
          long got = row[3 * x + i];

          if (got != want && !(near_half && labs (got - want) == 1))
            g_error ("width %u, (%u, %u) channel %d: %ld, exact %.4f", w, x,
                y, i, got, exact[i]);
        }
      }
    }
    for (int p = 0; p < 3; p++)
      g_free (planes[p]);
    g_free (rgb);
  }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (size_t c = 0; c < G_N_ELEMENTS (colorimetries); c++) {
    gchar *path = g_strdup_printf ("/colour/kernels/exhaustive/%s",
        colorimetries[c].name);

    g_test_add_data_func (path, &colorimetries[c], test_kernels_exhaustive);
    g_free (path);
  }
  for (size_t c = 0; c < G_N_ELEMENTS (colorimetries); c++) {
    gchar *path = g_strdup_printf ("/colour/yuv-to-rgb/exhaustive/%s",
        colorimetries[c].name);

    g_test_add_data_func (path, &colorimetries[c],
        test_yuv_to_rgb_exhaustive);
    g_free (path);
  }
  g_test_add_func ("/colour/yuv-to-rgb/refuses", test_yuv_to_rgb_refuses);
  g_test_add_func ("/colour/yuv-to-rgb/widths", test_yuv_to_rgb_widths);
  g_test_add_func ("/colour/kernels/layouts", test_kernels_layouts);
  g_test_add_func ("/colour/kernels/avx2-equals-portable",
      test_kernels_agree);
  for (int l = 0; l < N_LAYOUTS; l++) {
    gchar *path = g_strdup_printf ("/colour/jpeg/%s", layout_names[l]);

    g_test_add_data_func (path, GINT_TO_POINTER (l), test_jpeg_layout);
    g_free (path);
  }
  g_test_add_func ("/colour/jpeg/discriminates", test_discriminates);
  g_test_add_func ("/colour/jpeg/jfif-same-bytes-as-turbojpeg",
      test_jfif_same_bytes);
  g_test_add_func ("/colour/jpeg/interleaved-errors",
      test_interleaved_errors);
  g_test_add_func ("/colour/jpeg/encoder-reuse", test_encoder_reuse);
#ifdef G_OS_UNIX
  for (size_t i = 0; i < G_N_ELEMENTS (guard_cases); i++) {
    gchar *path = g_strdup_printf ("/colour/no-overread/%s",
        guard_cases[i].name);

    g_test_add_data_func (path, &guard_cases[i], test_no_overread);
    g_free (path);
  }
#endif
  return g_test_run ();
}
