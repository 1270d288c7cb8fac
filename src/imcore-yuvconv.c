/* gst-imencode core: YUV of any colorimetry to JFIF's, one row at a time
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-yuvconv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* As in imcore-base64.c: AVX2 kernels compiled with a target attribute and
 * chosen at run time, so the library needs no -mavx2. */
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define IMCORE_YUVCONV_HAVE_AVX2 1
#include <immintrin.h>
#define IMCORE_TARGET_AVX2 __attribute__ ((target ("avx2")))
#define ALWAYS_INLINE __attribute__ ((always_inline))
#else
#define IMCORE_YUVCONV_HAVE_AVX2 0
#endif

#define Q14 16384.0
/* 128 in Q7 and half of Q7's unit, for rounding */
#define CHROMA_CONST (128 * 128 + 64)

/* ---- the arithmetic, as the AVX2 instructions do it ---- */

static inline int32_t
sat16 (int32_t v)
{
  return v < -32768 ? -32768 : v > 32767 ? 32767 : v;
}

static inline uint8_t
clamp8 (int32_t v)
{
  return (uint8_t) (v < 0 ? 0 : v > 255 ? 255 : v);
}

/* pmulhrsw of a centred sample 256 (@s - 128) and a weight */
static inline int16_t
product (int32_t s, int32_t w)
{
  return (int16_t) ((((s - 128) * 256) * w + (1 << 14)) >> 15);
}

/* The tables of the portable kernels */
static void
fill_tables (ImcoreYuvConv * c)
{
  const int16_t *uw[3] = { &c->cb_weight[0], &c->cr_weight[0],
    &c->l_weight[0]
  };
  const int16_t *vw[3] = { &c->cb_weight[1], &c->cr_weight[1],
    &c->l_weight[1]
  };

  for (int s = 0; s < 256; s++) {
    c->y_term[s] = product (s, c->y_gain);
    c->y_map[s] = clamp8 (sat16 (c->y_term[s] + c->l_const) >> 7);
    for (int k = 0; k < 3; k++) {
      c->u_term[k][s] = product (s, *uw[k]);
      c->v_term[k][s] = product (s, *vw[k]);
    }
    /* without cross terms m (Vc, BV) and m (Uc, RU) are 0 */
    c->cb_map[s] = clamp8 (sat16 (c->u_term[0][s] + CHROMA_CONST) >> 7);
    c->cr_map[s] = clamp8 (sat16 (c->v_term[1][s] + CHROMA_CONST) >> 7);
  }
}

/* ---- the map ---- */

/* JFIF's (Y, Pb, Pr), Y in 0..1 and Pb, Pr in -0.5..0.5, of the colour
 * whose (Y, Pb, Pr) under luma coefficients @kr, @kb are @in: through
 * R'G'B' (Y = Kr R + Kg G + Kb B, Pb = (B - Y) / (2 (1 - Kb)),
 * Pr = (R - Y) / (2 (1 - Kr))), then BT.601's forward matrix. */
static void
to_bt601 (double kr, double kb, const double in[3], double out[3])
{
  double kg = 1.0 - kr - kb;
  double r = in[0] + 2.0 * (1.0 - kr) * in[2];
  double b = in[0] + 2.0 * (1.0 - kb) * in[1];
  double g = (in[0] - kr * r - kb * b) / kg;
  double y = 0.299 * r + 0.587 * g + 0.114 * b;

  out[0] = y;
  out[1] = (b - y) / 1.772;
  out[2] = (r - y) / 1.402;
}

static bool
cpu_has_avx2 (void)
{
#if IMCORE_YUVCONV_HAVE_AVX2
  return __builtin_cpu_supports ("avx2");
#else
  return false;
#endif
}

/* @v in Q14, or false if it does not fit an int16 */
static bool
to_q14 (double v, int16_t * q)
{
  double r = round (v * Q14);

  if (!(r > -32768.0 && r < 32768.0))
    return false;
  *q = (int16_t) r;
  return true;
}

ImcoreError
imcore_yuvconv_init (ImcoreYuvConv * conv, const ImcoreYuvColorimetry * from,
    unsigned flags)
{
  /* m[i][j]: JFIF component i per unit of input component j */
  double m[3][3], yscale, cscale, yoff, lk;
  ImcoreYuvConv c;

  if (!conv || !from || !(from->kr > 0.0) || !(from->kb > 0.0) ||
      !(from->kr + from->kb < 1.0))
    return IMCORE_ERROR_INVALID_ARGUMENT;

  for (int j = 0; j < 3; j++) {
    double unit[3] = { 0.0, 0.0, 0.0 }, col[3];

    unit[j] = 1.0;
    to_bt601 (from->kr, from->kb, unit, col);
    for (int i = 0; i < 3; i++)
      m[i][j] = col[i];
  }
  /* Code values: Y = yoff + yrange Y, C = 128 + crange P in; 255 Y and
   * 128 + 255 P out. So Y' = a (Y - yoff) + b (U - 128) + c (V - 128)
   * with a = m00 255 / yrange (m00 is 1: grey stays grey), b = m01 255 /
   * crange, and Cb - 128, Cr - 128 likewise from U - 128, V - 128 (m10 and
   * m20 are 0). */
  yscale = from->limited_range ? 255.0 / 219.0 : 1.0;
  cscale = from->limited_range ? 255.0 / 224.0 : 1.0;
  yoff = from->limited_range ? 16.0 : 0.0;
  memset (&c, 0, sizeof (c));
  if (!to_q14 (m[0][0] * yscale, &c.y_gain) ||
      !to_q14 (m[0][1] * cscale, &c.l_weight[0]) ||
      !to_q14 (m[0][2] * cscale, &c.l_weight[1]) ||
      !to_q14 (m[1][1] * cscale, &c.cb_weight[0]) ||
      !to_q14 (m[1][2] * cscale, &c.cb_weight[1]) ||
      !to_q14 (m[2][1] * cscale, &c.cr_weight[0]) ||
      !to_q14 (m[2][2] * cscale, &c.cr_weight[1]) || c.y_gain <= 0)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  /* the luma offset in Q7, with the gain as rounded so that Y and L agree,
   * and half a unit to round the final >> 7 */
  lk = round (c.y_gain * (128.0 - yoff) / 128.0) + 64.0;
  /* |m (Uc, w)| <= |w|: the sums of two products must not saturate, nor
   * L itself */
  if (abs (c.l_weight[0]) + abs (c.l_weight[1]) + fabs (lk) > 32767.0 ||
      abs (c.cb_weight[0]) + abs (c.cb_weight[1]) > 32767 ||
      abs (c.cr_weight[0]) + abs (c.cr_weight[1]) > 32767)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  c.l_const = (int16_t) lk;
  c.cross = c.l_weight[0] || c.l_weight[1] || c.cb_weight[1] ||
      c.cr_weight[0];
  c.identity = !c.cross && c.y_gain == 16384 && c.l_const == 16448 &&
      c.cb_weight[0] == 16384 && c.cr_weight[1] == 16384;
  c.avx2 = !(flags & IMCORE_YUVCONV_PORTABLE) && cpu_has_avx2 ();
  fill_tables (&c);
  *conv = c;
  return IMCORE_OK;
}

const char *
imcore_yuvconv_implementation (const ImcoreYuvConv * conv)
{
  return conv->avx2 ? "avx2" : "portable";
}

/* ---- portable kernels: tables of the same products ---- */

static inline uint8_t *
offset8 (uint8_t * p, uint32_t i)
{
  return p ? p + i : NULL;
}

static inline int16_t *
offset16 (int16_t * p, uint32_t i)
{
  return p ? p + i : NULL;
}

/* Chroma sample @i, (@u, @v), through the cross map into the outputs that
 * are wanted (@cb and @cr both or neither). The saturations of the
 * definition change nothing here: imcore_yuvconv_init() made sure that
 * the sums fit 16 bits, and a saturated sum clamps to what the wider one
 * does. */
static inline void
cross_one (const ImcoreYuvConv * conv, unsigned u, unsigned v, uint8_t * cb,
    uint8_t * cr, int16_t * lterm, uint32_t i)
{
  if (cb) {
    cb[i] = clamp8 ((conv->u_term[0][u] + conv->v_term[0][v] +
            CHROMA_CONST) >> 7);
    cr[i] = clamp8 ((conv->u_term[1][u] + conv->v_term[1][v] +
            CHROMA_CONST) >> 7);
  }
  if (lterm)
    lterm[i] = (int16_t) (conv->u_term[2][u] + conv->v_term[2][v] +
        conv->l_const);
}

/* Without cross terms L is the same for all */
static void
flat_terms (const ImcoreYuvConv * conv, int16_t * lterm, uint32_t n)
{
  for (uint32_t i = 0; lterm && i < n; i++)
    lterm[i] = conv->l_const;
}

/* In the kernels below @cb and @cr are both set or both NULL. Each case
 * has its own loop, so that the common ones are plain table lookups. */

static void
chroma_planar_c (const ImcoreYuvConv * conv, const uint8_t * u,
    const uint8_t * v, uint32_t n, uint8_t * cb, uint8_t * cr,
    int16_t * lterm)
{
  if (!conv->cross) {
    for (uint32_t i = 0; cb && i < n; i++) {
      cb[i] = conv->cb_map[u[i]];
      cr[i] = conv->cr_map[v[i]];
    }
    flat_terms (conv, lterm, n);
    return;
  }
  for (uint32_t i = 0; i < n; i++)
    cross_one (conv, u[i], v[i], cb, cr, lterm, i);
}

static void
chroma_pairs_c (const ImcoreYuvConv * conv, const uint8_t * pairs,
    bool v_first, uint32_t n, uint8_t * cb, uint8_t * cr, int16_t * lterm)
{
  unsigned uo = v_first ? 1 : 0, vo = uo ^ 1;

  if (!conv->cross) {
    for (uint32_t i = 0; cb && i < n; i++) {
      cb[i] = conv->cb_map[pairs[2 * i + uo]];
      cr[i] = conv->cr_map[pairs[2 * i + vo]];
    }
    flat_terms (conv, lterm, n);
    return;
  }
  for (uint32_t i = 0; i < n; i++)
    cross_one (conv, pairs[2 * i + uo], pairs[2 * i + vo], cb, cr, lterm, i);
}

static void
chroma_packed_c (const ImcoreYuvConv * conv, const uint8_t * row0,
    const uint8_t * row1, unsigned uo, unsigned vo, uint32_t n, uint8_t * cb,
    uint8_t * cr, int16_t * lterm)
{
  for (uint32_t i = 0; i < n; i++) {
    const uint8_t *p0 = row0 + 4 * (size_t) i;
    unsigned u = p0[uo], v = p0[vo];

    if (row1) {
      const uint8_t *p1 = row1 + 4 * (size_t) i;

      u = (u + p1[uo] + 1) >> 1;
      v = (v + p1[vo] + 1) >> 1;
    }
    if (conv->cross) {
      cross_one (conv, u, v, cb, cr, lterm, i);
    } else {
      if (cb) {
        cb[i] = conv->cb_map[u];
        cr[i] = conv->cr_map[v];
      }
      if (lterm)
        lterm[i] = conv->l_const;
    }
  }
}

static void
luma_c (const ImcoreYuvConv * conv, const uint8_t * y, size_t step,
    const int16_t * lterm, unsigned hshift, uint32_t n, uint8_t * out)
{
  const int16_t *t = conv->y_term;

  if (!lterm && step == 1) {
    for (uint32_t i = 0; i < n; i++)
      out[i] = conv->y_map[y[i]];
  } else if (!lterm) {
    for (uint32_t i = 0; i < n; i++)
      out[i] = conv->y_map[y[2 * i]];
  } else if (hshift) {
    /* as in cross_one(), no saturation needed before the clamp */
    for (uint32_t i = 0; i < n; i++)
      out[i] = clamp8 ((t[y[i * step]] + lterm[i >> 1]) >> 7);
  } else {
    for (uint32_t i = 0; i < n; i++)
      out[i] = clamp8 ((t[y[i * step]] + lterm[i]) >> 7);
  }
}

/* ---- AVX2 kernels: the same operations, 32 samples at a time ---- */

#if IMCORE_YUVCONV_HAVE_AVX2

/* 32 bytes to (x - 128) 256 in 16-bit lanes: @lo gets samples 0-7 and
 * 16-23, @hi 8-15 and 24-31 (unpack works within 128-bit lanes;
 * packus_epi16 (lo, hi) puts them back in order) */
IMCORE_TARGET_AVX2 static inline void
centre32 (const uint8_t * p, __m256i * lo, __m256i * hi)
{
  __m256i s = _mm256_xor_si256 (_mm256_loadu_si256 ((const __m256i *) p),
      _mm256_set1_epi8 ((char) 0x80));
  __m256i zero = _mm256_setzero_si256 ();

  *lo = _mm256_unpacklo_epi8 (zero, s);
  *hi = _mm256_unpackhi_epi8 (zero, s);
}

/* Y' or a chroma output from its 16-bit sum before the final shift */
IMCORE_TARGET_AVX2 static inline __m256i
luma16 (__m256i yc, __m256i gain, __m256i l)
{
  return _mm256_srai_epi16 (_mm256_adds_epi16 (_mm256_mulhrs_epi16 (yc,
              gain), l), 7);
}

/* sat16 (sat16 (m (uc, w0) + m (vc, w1)) + k) */
IMCORE_TARGET_AVX2 static inline __m256i
weigh16 (__m256i uc, __m256i vc, __m256i w0, __m256i w1, __m256i k)
{
  return _mm256_adds_epi16 (_mm256_adds_epi16 (_mm256_mulhrs_epi16 (uc, w0),
          _mm256_mulhrs_epi16 (vc, w1)), k);
}

IMCORE_TARGET_AVX2 static uint32_t
luma_avx2 (const ImcoreYuvConv * conv, const uint8_t * y,
    const int16_t * lterm, unsigned hshift, uint32_t n, uint8_t * out)
{
  __m256i gain = _mm256_set1_epi16 (conv->y_gain);
  __m256i flat = _mm256_set1_epi16 (conv->l_const);
  __m256i a, b;
  uint32_t i = 0;

  if (!lterm) {
    for (; i + 32 <= n; i += 32) {
      centre32 (y + i, &a, &b);
      _mm256_storeu_si256 ((__m256i *) (out + i),
          _mm256_packus_epi16 (luma16 (a, gain, flat), luma16 (b, gain,
                  flat)));
    }
  } else if (hshift) {
    for (; i + 32 <= n; i += 32) {
      /* L 0-15 for samples 0-31: duplicated by unpacking with itself,
       * which lands them where centre32() put the samples */
      __m256i l = _mm256_loadu_si256 ((const __m256i *) (lterm + i / 2));

      centre32 (y + i, &a, &b);
      _mm256_storeu_si256 ((__m256i *) (out + i),
          _mm256_packus_epi16 (luma16 (a, gain, _mm256_unpacklo_epi16 (l, l)),
              luma16 (b, gain, _mm256_unpackhi_epi16 (l, l))));
    }
  } else {
    for (; i + 32 <= n; i += 32) {
      __m256i l0 = _mm256_loadu_si256 ((const __m256i *) (lterm + i));
      __m256i l1 = _mm256_loadu_si256 ((const __m256i *) (lterm + i + 16));

      centre32 (y + i, &a, &b);
      _mm256_storeu_si256 ((__m256i *) (out + i),
          _mm256_packus_epi16 (luma16 (a, gain,
                  _mm256_permute2x128_si256 (l0, l1, 0x20)), luma16 (b, gain,
                  _mm256_permute2x128_si256 (l0, l1, 0x31))));
    }
  }
  return i;
}

/* Shuffle for 16-bit lanes of 2-byte groups: the byte at @offset of each
 * group into the lane's high byte, 0 in the low one */
IMCORE_TARGET_AVX2 static inline __m256i
high_byte_of_groups (unsigned offset)
{
  return _mm256_add_epi8 (_mm256_set1_epi16 ((short) ((offset << 8) |
              0x80)), _mm256_setr_epi8 (0, 0, 0, 2, 0, 4, 0, 6, 0, 8, 0, 10,
          0, 12, 0, 14, 0, 0, 0, 2, 0, 4, 0, 6, 0, 8, 0, 10, 0, 12, 0, 14));
}

IMCORE_TARGET_AVX2 static uint32_t
luma_packed_avx2 (const ImcoreYuvConv * conv, const uint8_t * pixels,
    unsigned y_offset, const int16_t * lterm, uint32_t n, uint8_t * out)
{
  const __m256i bias = _mm256_set1_epi16 ((short) 0x8000);
  __m256i gain = _mm256_set1_epi16 (conv->y_gain);
  __m256i flat = _mm256_set1_epi16 (conv->l_const);
  __m256i take_y = high_byte_of_groups (y_offset);
  uint32_t i;

  for (i = 0; i + 32 <= n; i += 32) {
    const uint8_t *p = pixels + 2 * (size_t) i;
    /* samples 0-15 and 16-31, in order */
    __m256i a = _mm256_xor_si256 (_mm256_shuffle_epi8 (_mm256_loadu_si256
            ((const __m256i *) p), take_y), bias);
    __m256i b = _mm256_xor_si256 (_mm256_shuffle_epi8 (_mm256_loadu_si256
            ((const __m256i *) (p + 32)), take_y), bias);
    __m256i la = flat, lb = flat;

    if (lterm) {
      __m256i l = _mm256_loadu_si256 ((const __m256i *) (lterm + i / 2));
      __m256i l0 = _mm256_unpacklo_epi16 (l, l);
      __m256i l1 = _mm256_unpackhi_epi16 (l, l);

      la = _mm256_permute2x128_si256 (l0, l1, 0x20);
      lb = _mm256_permute2x128_si256 (l0, l1, 0x31);
    }
    /* packus leaves 0-7, 16-23 | 8-15, 24-31 */
    _mm256_storeu_si256 ((__m256i *) (out + i),
        _mm256_permute4x64_epi64 (_mm256_packus_epi16 (luma16 (a, gain, la),
                luma16 (b, gain, lb)), 0xd8));
  }
  return i;
}

/* The map's weights, each broadcast; @v_first swaps the inputs' roles */
typedef struct
{
  __m256i bu, bv, ru, rv, lu, lv, lk, ck;
} Weights;

IMCORE_TARGET_AVX2 static inline void
weights_setup (const ImcoreYuvConv * conv, Weights * w)
{
  w->bu = _mm256_set1_epi16 (conv->cb_weight[0]);
  w->bv = _mm256_set1_epi16 (conv->cb_weight[1]);
  w->ru = _mm256_set1_epi16 (conv->cr_weight[0]);
  w->rv = _mm256_set1_epi16 (conv->cr_weight[1]);
  w->lu = _mm256_set1_epi16 (conv->l_weight[0]);
  w->lv = _mm256_set1_epi16 (conv->l_weight[1]);
  w->lk = _mm256_set1_epi16 (conv->l_const);
  w->ck = _mm256_set1_epi16 (CHROMA_CONST);
}

/* Cb and Cr (shifted, still 16 bits) of 16 centred samples */
IMCORE_TARGET_AVX2 static inline __m256i
cb16 (bool cross, const Weights * w, __m256i uc, __m256i vc)
{
  /* without cross terms the other input's weight is 0 */
  return cross ? _mm256_srai_epi16 (weigh16 (uc, vc, w->bu, w->bv,
          w->ck), 7) : luma16 (uc, w->bu, w->ck);
}

IMCORE_TARGET_AVX2 static inline __m256i
cr16 (bool cross, const Weights * w, __m256i uc, __m256i vc)
{
  return cross ? _mm256_srai_epi16 (weigh16 (uc, vc, w->ru, w->rv,
          w->ck), 7) : luma16 (vc, w->rv, w->ck);
}

IMCORE_TARGET_AVX2 static inline __m256i
l16 (bool cross, const Weights * w, __m256i uc, __m256i vc)
{
  return cross ? weigh16 (uc, vc, w->lu, w->lv, w->lk) : w->lk;
}

/* In the kernels below @cb and @cr are both set or both NULL. */

IMCORE_TARGET_AVX2 static inline ALWAYS_INLINE uint32_t
chroma_planar_loop (const ImcoreYuvConv * conv, bool cross,
    const uint8_t * u, const uint8_t * v, uint32_t n, uint8_t * cb,
    uint8_t * cr, int16_t * lterm)
{
  Weights w;
  uint32_t i;

  weights_setup (conv, &w);
  for (i = 0; i + 32 <= n; i += 32) {
    __m256i u0, u1, v0, v1;

    /* lanes: samples 0-7, 16-23 | 8-15, 24-31; packus puts them back */
    centre32 (u + i, &u0, &u1);
    centre32 (v + i, &v0, &v1);
    if (cb) {
      _mm256_storeu_si256 ((__m256i *) (cb + i),
          _mm256_packus_epi16 (cb16 (cross, &w, u0, v0), cb16 (cross, &w, u1,
                  v1)));
      _mm256_storeu_si256 ((__m256i *) (cr + i),
          _mm256_packus_epi16 (cr16 (cross, &w, u0, v0), cr16 (cross, &w, u1,
                  v1)));
    }
    if (lterm) {
      __m256i l0 = l16 (cross, &w, u0, v0), l1 = l16 (cross, &w, u1, v1);

      _mm256_storeu_si256 ((__m256i *) (lterm + i),
          _mm256_permute2x128_si256 (l0, l1, 0x20));
      _mm256_storeu_si256 ((__m256i *) (lterm + i + 16),
          _mm256_permute2x128_si256 (l0, l1, 0x31));
    }
  }
  return i;
}

IMCORE_TARGET_AVX2 static inline ALWAYS_INLINE uint32_t
chroma_pairs_loop (const ImcoreYuvConv * conv, bool cross,
    const uint8_t * pairs, bool v_first, uint32_t n, uint8_t * cb,
    uint8_t * cr, int16_t * lterm)
{
  const __m256i bias = _mm256_set1_epi8 ((char) 0x80);
  const __m256i high = _mm256_set1_epi16 ((short) 0xff00);
  Weights w;
  uint32_t i;

  weights_setup (conv, &w);
  for (i = 0; i + 32 <= n; i += 32) {
    const uint8_t *p = pairs + 2 * (size_t) i;
    __m256i s0 = _mm256_xor_si256 (_mm256_loadu_si256 ((const __m256i *) p),
        bias);
    __m256i s1 = _mm256_xor_si256 (_mm256_loadu_si256 ((const __m256i *)
            (p + 32)), bias);
    /* pairs 0-15 and 16-31: a pair's first byte to the high byte of its
     * 16-bit lane by a shift, the second by a mask; samples in order */
    __m256i f0 = _mm256_slli_epi16 (s0, 8), f1 = _mm256_slli_epi16 (s1, 8);
    __m256i g0 = _mm256_and_si256 (s0, high), g1 = _mm256_and_si256 (s1, high);
    __m256i u0 = v_first ? g0 : f0, u1 = v_first ? g1 : f1;
    __m256i v0 = v_first ? f0 : g0, v1 = v_first ? f1 : g1;

    /* packus leaves 0-7, 16-23 | 8-15, 24-31 */
    if (cb) {
      _mm256_storeu_si256 ((__m256i *) (cb + i),
          _mm256_permute4x64_epi64 (_mm256_packus_epi16 (cb16 (cross, &w, u0,
                      v0), cb16 (cross, &w, u1, v1)), 0xd8));
      _mm256_storeu_si256 ((__m256i *) (cr + i),
          _mm256_permute4x64_epi64 (_mm256_packus_epi16 (cr16 (cross, &w, u0,
                      v0), cr16 (cross, &w, u1, v1)), 0xd8));
    }
    if (lterm) {
      _mm256_storeu_si256 ((__m256i *) (lterm + i), l16 (cross, &w, u0, v0));
      _mm256_storeu_si256 ((__m256i *) (lterm + i + 16), l16 (cross, &w, u1,
              v1));
    }
  }
  return i;
}

/* 8 macropixels at @p, averaged with those at @q if not NULL, centred:
 * the U of each into the high byte of 16-bit lanes 0-3, V into 4-7, per
 * 128-bit lane */
IMCORE_TARGET_AVX2 static inline __m256i
macropixels8 (const uint8_t * p, const uint8_t * q, __m256i take)
{
  __m256i m = _mm256_loadu_si256 ((const __m256i *) p);

  if (q)
    m = _mm256_avg_epu8 (m, _mm256_loadu_si256 ((const __m256i *) q));
  return _mm256_shuffle_epi8 (_mm256_xor_si256 (m,
          _mm256_set1_epi8 ((char) 0x80)), take);
}

IMCORE_TARGET_AVX2 static inline ALWAYS_INLINE uint32_t
chroma_packed_loop (const ImcoreYuvConv * conv, bool cross,
    const uint8_t * row0, const uint8_t * row1, unsigned uo, unsigned vo,
    uint32_t n, uint8_t * cb, uint8_t * cr, int16_t * lterm)
{
  __m256i take = _mm256_setr_epi8 (-1, uo, -1, uo + 4, -1, uo + 8, -1,
      uo + 12, -1, vo, -1, vo + 4, -1, vo + 8, -1, vo + 12, -1, uo, -1,
      uo + 4, -1, uo + 8, -1, uo + 12, -1, vo, -1, vo + 4, -1, vo + 8, -1,
      vo + 12);
  /* bytes by 4: 0-3, 8-11, 16-19, 24-27 | 4-7, 12-15, 20-23, 28-31 */
  const __m256i order = _mm256_setr_epi32 (0, 4, 1, 5, 2, 6, 3, 7);
  Weights w;
  uint32_t i;

  weights_setup (conv, &w);
  for (i = 0; i + 32 <= n; i += 32) {
    const uint8_t *p = row0 + 4 * (size_t) i;
    const uint8_t *q = row1 ? row1 + 4 * (size_t) i : NULL;
    __m256i s0 = macropixels8 (p, q, take);
    __m256i s1 = macropixels8 (p + 32, q ? q + 32 : NULL, take);
    __m256i s2 = macropixels8 (p + 64, q ? q + 64 : NULL, take);
    __m256i s3 = macropixels8 (p + 96, q ? q + 96 : NULL, take);
    /* samples 0-3, 8-11 | 4-7, 12-15, and the same from 16 */
    __m256i u0 = _mm256_unpacklo_epi64 (s0, s1);
    __m256i v0 = _mm256_unpackhi_epi64 (s0, s1);
    __m256i u1 = _mm256_unpacklo_epi64 (s2, s3);
    __m256i v1 = _mm256_unpackhi_epi64 (s2, s3);

    if (cb) {
      _mm256_storeu_si256 ((__m256i *) (cb + i),
          _mm256_permutevar8x32_epi32 (_mm256_packus_epi16 (cb16 (cross, &w,
                      u0, v0), cb16 (cross, &w, u1, v1)), order));
      _mm256_storeu_si256 ((__m256i *) (cr + i),
          _mm256_permutevar8x32_epi32 (_mm256_packus_epi16 (cr16 (cross, &w,
                      u0, v0), cr16 (cross, &w, u1, v1)), order));
    }
    if (lterm) {
      _mm256_storeu_si256 ((__m256i *) (lterm + i),
          _mm256_permute4x64_epi64 (l16 (cross, &w, u0, v0), 0xd8));
      _mm256_storeu_si256 ((__m256i *) (lterm + i + 16),
          _mm256_permute4x64_epi64 (l16 (cross, &w, u1, v1), 0xd8));
    }
  }
  return i;
}

/* Each kernel compiled twice, with and without cross terms: stores
 * through uint8_t pointers may alias anything, so a test of conv->cross
 * inside the loop would be made on every iteration. */

IMCORE_TARGET_AVX2 static uint32_t
chroma_planar_avx2 (const ImcoreYuvConv * conv, const uint8_t * u,
    const uint8_t * v, uint32_t n, uint8_t * cb, uint8_t * cr,
    int16_t * lterm)
{
  return conv->cross ? chroma_planar_loop (conv, true, u, v, n, cb, cr,
      lterm) : chroma_planar_loop (conv, false, u, v, n, cb, cr, lterm);
}

IMCORE_TARGET_AVX2 static uint32_t
chroma_pairs_avx2 (const ImcoreYuvConv * conv, const uint8_t * pairs,
    bool v_first, uint32_t n, uint8_t * cb, uint8_t * cr, int16_t * lterm)
{
  return conv->cross ? chroma_pairs_loop (conv, true, pairs, v_first, n, cb,
      cr, lterm) : chroma_pairs_loop (conv, false, pairs, v_first, n, cb, cr,
      lterm);
}

IMCORE_TARGET_AVX2 static uint32_t
chroma_packed_avx2 (const ImcoreYuvConv * conv, const uint8_t * row0,
    const uint8_t * row1, unsigned uo, unsigned vo, uint32_t n, uint8_t * cb,
    uint8_t * cr, int16_t * lterm)
{
  return conv->cross ? chroma_packed_loop (conv, true, row0, row1, uo, vo, n,
      cb, cr, lterm) : chroma_packed_loop (conv, false, row0, row1, uo, vo,
      n, cb, cr, lterm);
}

#endif /* IMCORE_YUVCONV_HAVE_AVX2 */

/* ---- entry points: AVX2 for whole vectors, the rest in C ---- */

void
imcore_yuvconv_chroma_planar (const ImcoreYuvConv * conv, const uint8_t * u,
    const uint8_t * v, uint32_t n, uint8_t * cb, uint8_t * cr,
    int16_t * lterm)
{
  uint32_t i = 0;

#if IMCORE_YUVCONV_HAVE_AVX2
  if (conv->avx2)
    i = chroma_planar_avx2 (conv, u, v, n, cb, cr, lterm);
#endif
  chroma_planar_c (conv, u + i, v + i, n - i, offset8 (cb, i), offset8 (cr,
          i), offset16 (lterm, i));
}

void
imcore_yuvconv_chroma_pairs (const ImcoreYuvConv * conv,
    const uint8_t * pairs, bool v_first, uint32_t n, uint8_t * cb,
    uint8_t * cr, int16_t * lterm)
{
  uint32_t i = 0;

#if IMCORE_YUVCONV_HAVE_AVX2
  if (conv->avx2)
    i = chroma_pairs_avx2 (conv, pairs, v_first, n, cb, cr, lterm);
#endif
  chroma_pairs_c (conv, pairs + 2 * (size_t) i, v_first, n - i,
      offset8 (cb, i), offset8 (cr, i), offset16 (lterm, i));
}

void
imcore_yuvconv_chroma_packed (const ImcoreYuvConv * conv,
    const uint8_t * row0, const uint8_t * row1, unsigned u_offset,
    unsigned v_offset, uint32_t n, uint8_t * cb, uint8_t * cr,
    int16_t * lterm)
{
  uint32_t i = 0;

#if IMCORE_YUVCONV_HAVE_AVX2
  if (conv->avx2)
    i = chroma_packed_avx2 (conv, row0, row1, u_offset, v_offset, n, cb, cr,
        lterm);
#endif
  chroma_packed_c (conv, row0 + 4 * (size_t) i,
      row1 ? row1 + 4 * (size_t) i : NULL, u_offset, v_offset, n - i,
      offset8 (cb, i), offset8 (cr, i), offset16 (lterm, i));
}

void
imcore_yuvconv_luma (const ImcoreYuvConv * conv, const uint8_t * y,
    const int16_t * lterm, unsigned hshift, uint32_t n, uint8_t * out)
{
  uint32_t i = 0;

#if IMCORE_YUVCONV_HAVE_AVX2
  if (conv->avx2)
    i = luma_avx2 (conv, y, lterm, hshift, n, out);
#endif
  /* i is a multiple of 32: the tail's L starts at lterm[i >> hshift] */
  luma_c (conv, y + i, 1, lterm ? lterm + (i >> hshift) : NULL, hshift,
      n - i, out + i);
}

void
imcore_yuvconv_luma_packed (const ImcoreYuvConv * conv,
    const uint8_t * pixels, unsigned y_offset, const int16_t * lterm,
    uint32_t n, uint8_t * out)
{
  uint32_t i = 0;

#if IMCORE_YUVCONV_HAVE_AVX2
  if (conv->avx2)
    i = luma_packed_avx2 (conv, pixels, y_offset, lterm, n, out);
#endif
  luma_c (conv, pixels + 2 * (size_t) i + y_offset, 2,
      lterm ? lterm + i / 2 : NULL, 1, n - i, out + i);
}
