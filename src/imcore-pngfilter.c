/* gst-imencode core: PNG row filters, AVX2 and portable
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-pngfilter.h"

#include <stdlib.h>

/* As in imcore-yuvconv.c: AVX2 kernels compiled with a target attribute
 * and chosen at run time, so the library needs no -mavx2. */
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define IMCORE_PNGFILTER_HAVE_AVX2 1
#include <immintrin.h>
#define IMCORE_TARGET_AVX2 __attribute__ ((target ("avx2")))
#else
#define IMCORE_PNGFILTER_HAVE_AVX2 0
#endif

bool
imcore_png_filter_use_avx2 (bool portable)
{
#if IMCORE_PNGFILTER_HAVE_AVX2
  return !portable && __builtin_cpu_supports ("avx2");
#else
  return false;
#endif
}

/* ---- portable kernels: the specification's arithmetic, byte by byte ---- */

/* The Paeth predictor of PNG section 9.4: of a, b, c the one closest to
 * a + b - c, ties in the order a, b, c. */
static inline unsigned
paeth_predictor (unsigned a, unsigned b, unsigned c)
{
  int pa = abs ((int) b - (int) c);
  int pb = abs ((int) a - (int) c);
  int pc = abs ((int) a + (int) b - 2 * (int) c);

  if (pa <= pb && pa <= pc)
    return a;
  return pb <= pc ? b : c;
}

/* The predictor of @type for byte @i of @cur. */
static inline unsigned
predictor (unsigned type, const uint8_t * cur, const uint8_t * prev,
    size_t i, unsigned bpp)
{
  unsigned a = i >= bpp ? cur[i - bpp] : 0;
  unsigned c = i >= bpp ? prev[i - bpp] : 0;

  switch (type) {
    case IMCORE_PNG_FILTER_TYPE_SUB:
      return a;
    case IMCORE_PNG_FILTER_TYPE_UP:
      return prev[i];
    case IMCORE_PNG_FILTER_TYPE_AVG:
      return (a + prev[i]) >> 1;
    case IMCORE_PNG_FILTER_TYPE_PAETH:
      return paeth_predictor (a, prev[i], c);
    default:
      return 0;
  }
}

/* Bytes [@from, @to) of the row filtered with @type, one at a time. */
static void
filter_bytes (unsigned type, const uint8_t * cur, const uint8_t * prev,
    size_t from, size_t to, unsigned bpp, uint8_t * out)
{
  for (size_t i = from; i < to; i++)
    out[i] = (uint8_t) (cur[i] - predictor (type, cur, prev, i, bpp));
}

/* |@v| as a signed byte: 0..128 */
static inline unsigned
signed_magnitude (uint8_t v)
{
  return v < 128 ? v : 256u - v;
}

/* Adds the costs of bytes [@from, @to) to @costs. */
static void
cost_bytes (const uint8_t * cur, const uint8_t * prev, size_t from,
    size_t to, unsigned bpp, uint64_t * costs)
{
  for (size_t i = from; i < to; i++) {
    for (unsigned t = 0; t < IMCORE_PNG_FILTER_N_TYPES; t++)
      costs[t] += signed_magnitude ((uint8_t) (cur[i] - predictor (t, cur,
                  prev, i, bpp)));
  }
}

/* cost_bytes() from byte @bpp on, every type in one pass without the
 * edge cases */
static void
cost_bytes_inner (const uint8_t * cur, const uint8_t * prev, size_t n,
    unsigned bpp, uint64_t * costs)
{
  uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;

  for (size_t i = bpp; i < n; i++) {
    unsigned x = cur[i], a = cur[i - bpp], b = prev[i], c = prev[i - bpp];

    s0 += signed_magnitude ((uint8_t) x);
    s1 += signed_magnitude ((uint8_t) (x - a));
    s2 += signed_magnitude ((uint8_t) (x - b));
    s3 += signed_magnitude ((uint8_t) (x - ((a + b) >> 1)));
    s4 += signed_magnitude ((uint8_t) (x - paeth_predictor (a, b, c)));
  }
  costs[0] += s0;
  costs[1] += s1;
  costs[2] += s2;
  costs[3] += s3;
  costs[4] += s4;
}

/* Each type in a loop of its own, so that the compiler can vectorise the
 * ones without a dependency on the byte to the left (all of them: the
 * encoder's left neighbour is an input byte, not an output). */
static void
filter_row_portable (unsigned type, const uint8_t * cur,
    const uint8_t * prev, size_t n, unsigned bpp, uint8_t * out)
{
  size_t head = n < bpp ? n : bpp;

  switch (type) {
    case IMCORE_PNG_FILTER_TYPE_SUB:
      filter_bytes (type, cur, prev, 0, head, bpp, out);
      for (size_t i = head; i < n; i++)
        out[i] = (uint8_t) (cur[i] - cur[i - bpp]);
      break;
    case IMCORE_PNG_FILTER_TYPE_UP:
      for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t) (cur[i] - prev[i]);
      break;
    case IMCORE_PNG_FILTER_TYPE_AVG:
      filter_bytes (type, cur, prev, 0, head, bpp, out);
      for (size_t i = head; i < n; i++)
        out[i] = (uint8_t) (cur[i] - ((cur[i - bpp] + prev[i]) >> 1));
      break;
    case IMCORE_PNG_FILTER_TYPE_PAETH:
      filter_bytes (type, cur, prev, 0, head, bpp, out);
      for (size_t i = head; i < n; i++)
        out[i] = (uint8_t) (cur[i] - paeth_predictor (cur[i - bpp], prev[i],
                prev[i - bpp]));
      break;
    default:
      for (size_t i = 0; i < n; i++)
        out[i] = cur[i];
      break;
  }
}

/* ---- AVX2 kernels: the same integers, 32 bytes at a time ---- */

#if IMCORE_PNGFILTER_HAVE_AVX2

/* The Paeth predictor of 32 bytes: the distances in 16 bits, the choice
 * as byte masks */
IMCORE_TARGET_AVX2 static inline __m256i
paeth_avx2 (__m256i a, __m256i b, __m256i c)
{
  const __m256i zero = _mm256_setzero_si256 ();
  __m256i not_a[2], pick_c[2];

  for (int h = 0; h < 2; h++) {
    __m256i a16 = h ? _mm256_unpackhi_epi8 (a, zero) :
        _mm256_unpacklo_epi8 (a, zero);
    __m256i b16 = h ? _mm256_unpackhi_epi8 (b, zero) :
        _mm256_unpacklo_epi8 (b, zero);
    __m256i c16 = h ? _mm256_unpackhi_epi8 (c, zero) :
        _mm256_unpacklo_epi8 (c, zero);
    __m256i bc = _mm256_sub_epi16 (b16, c16);
    __m256i ac = _mm256_sub_epi16 (a16, c16);
    __m256i pa = _mm256_abs_epi16 (bc);
    __m256i pb = _mm256_abs_epi16 (ac);
    __m256i pc = _mm256_abs_epi16 (_mm256_add_epi16 (bc, ac));

    not_a[h] = _mm256_or_si256 (_mm256_cmpgt_epi16 (pa, pb),
        _mm256_cmpgt_epi16 (pa, pc));
    pick_c[h] = _mm256_cmpgt_epi16 (pb, pc);
  }
  /* unpack and pack within each 128-bit lane undo each other, so the
   * masks come back in byte order */
  return _mm256_blendv_epi8 (a, _mm256_blendv_epi8 (b, c,
          _mm256_packs_epi16 (pick_c[0], pick_c[1])),
      _mm256_packs_epi16 (not_a[0], not_a[1]));
}

/* floor ((a + b) / 2): pavgb rounds up, so take the carry back off */
IMCORE_TARGET_AVX2 static inline __m256i
average_avx2 (__m256i a, __m256i b)
{
  return _mm256_sub_epi8 (_mm256_avg_epu8 (a, b),
      _mm256_and_si256 (_mm256_xor_si256 (a, b), _mm256_set1_epi8 (1)));
}

IMCORE_TARGET_AVX2 static inline __m256i
load (const uint8_t * p)
{
  return _mm256_loadu_si256 ((const __m256i *) p);
}

/* Filters bytes [bpp, ...) in whole vectors; returns where it stopped. */
IMCORE_TARGET_AVX2 static size_t
filter_row_avx2 (unsigned type, const uint8_t * cur, const uint8_t * prev,
    size_t n, unsigned bpp, uint8_t * out)
{
  size_t i = bpp;

  for (; i + 32 <= n; i += 32) {
    __m256i x = load (cur + i), pred;

    switch (type) {
      case IMCORE_PNG_FILTER_TYPE_SUB:
        pred = load (cur + i - bpp);
        break;
      case IMCORE_PNG_FILTER_TYPE_UP:
        pred = load (prev + i);
        break;
      case IMCORE_PNG_FILTER_TYPE_AVG:
        pred = average_avx2 (load (cur + i - bpp), load (prev + i));
        break;
      case IMCORE_PNG_FILTER_TYPE_PAETH:
        pred = paeth_avx2 (load (cur + i - bpp), load (prev + i),
            load (prev + i - bpp));
        break;
      default:
        pred = _mm256_setzero_si256 ();
        break;
    }
    _mm256_storeu_si256 ((__m256i *) (out + i), _mm256_sub_epi8 (x, pred));
  }
  return i;
}

/* Adds the 4 64-bit sums of the signed magnitudes of @v to @acc */
IMCORE_TARGET_AVX2 static inline __m256i
add_cost (__m256i acc, __m256i v)
{
  return _mm256_add_epi64 (acc, _mm256_sad_epu8 (_mm256_abs_epi8 (v),
          _mm256_setzero_si256 ()));
}

/* (through memory: _mm256_extract_epi64 does not exist on 32-bit targets) */
IMCORE_TARGET_AVX2 static inline uint64_t
sum_lanes (__m256i v)
{
  uint64_t lanes[4];

  _mm256_storeu_si256 ((__m256i *) lanes, v);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

/* Costs of bytes [bpp, ...) in whole vectors, added to @costs; returns
 * where it stopped. */
IMCORE_TARGET_AVX2 static size_t
cost_row_avx2 (const uint8_t * cur, const uint8_t * prev, size_t n,
    unsigned bpp, uint64_t * costs)
{
  __m256i acc[IMCORE_PNG_FILTER_N_TYPES];
  size_t i = bpp;

  for (unsigned t = 0; t < IMCORE_PNG_FILTER_N_TYPES; t++)
    acc[t] = _mm256_setzero_si256 ();
  for (; i + 32 <= n; i += 32) {
    __m256i x = load (cur + i), a = load (cur + i - bpp);
    __m256i b = load (prev + i), c = load (prev + i - bpp);

    acc[0] = add_cost (acc[0], x);
    acc[1] = add_cost (acc[1], _mm256_sub_epi8 (x, a));
    acc[2] = add_cost (acc[2], _mm256_sub_epi8 (x, b));
    acc[3] = add_cost (acc[3], _mm256_sub_epi8 (x, average_avx2 (a, b)));
    acc[4] = add_cost (acc[4], _mm256_sub_epi8 (x, paeth_avx2 (a, b, c)));
  }
  for (unsigned t = 0; t < IMCORE_PNG_FILTER_N_TYPES; t++)
    costs[t] += sum_lanes (acc[t]);
  return i;
}

#endif /* IMCORE_PNGFILTER_HAVE_AVX2 */

/* ---- entry points: AVX2 for whole vectors, the rest in C ---- */

void
imcore_png_filter_row (unsigned type, const uint8_t * cur,
    const uint8_t * prev, size_t n, unsigned bpp, uint8_t * out, bool avx2)
{
#if IMCORE_PNGFILTER_HAVE_AVX2
  if (avx2 && n > bpp) {
    size_t done = filter_row_avx2 (type, cur, prev, n, bpp, out);

    filter_bytes (type, cur, prev, 0, bpp, bpp, out);
    filter_bytes (type, cur, prev, done, n, bpp, out);
    return;
  }
#endif
  filter_row_portable (type, cur, prev, n, bpp, out);
}

void
imcore_png_filter_costs (const uint8_t * cur, const uint8_t * prev,
    size_t n, unsigned bpp, uint64_t costs[IMCORE_PNG_FILTER_N_TYPES],
    bool avx2)
{
  for (unsigned t = 0; t < IMCORE_PNG_FILTER_N_TYPES; t++)
    costs[t] = 0;
#if IMCORE_PNGFILTER_HAVE_AVX2
  if (avx2 && n > bpp) {
    size_t done = cost_row_avx2 (cur, prev, n, bpp, costs);

    cost_bytes (cur, prev, 0, bpp, bpp, costs);
    cost_bytes (cur, prev, done, n, bpp, costs);
    return;
  }
#endif
  if (n <= bpp) {
    cost_bytes (cur, prev, 0, n, bpp, costs);
    return;
  }
  cost_bytes (cur, prev, 0, bpp, bpp, costs);
  cost_bytes_inner (cur, prev, n, bpp, costs);
}
