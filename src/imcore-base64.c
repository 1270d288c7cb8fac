/* gst-imencode core: base64 (RFC 4648) encoding and decoding
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-base64.h"

#include <stdbool.h>
#include <string.h>

/* The AVX2 kernels are compiled with a target attribute and chosen at run
 * time, so the library itself needs no -mavx2. */
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define IMCORE_BASE64_HAVE_AVX2 1
#include <immintrin.h>
#define IMCORE_TARGET_AVX2 __attribute__ ((target ("avx2")))
#else
#define IMCORE_BASE64_HAVE_AVX2 0
#endif

static const char alphabet_std[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char alphabet_url[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

#define B64_INVALID 0xff
#define B64_SPACE 0xfe
#define B64_PAD 0xfd

/* Character -> 6-bit value for both alphabets; the markers above for
 * everything else. */
static const uint8_t decode_table[256] = {
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xfe, 0xfe,
  0xfe, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3e, 0xff, 0x3e, 0xff, 0x3f,
  0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0xff, 0xff,
  0xff, 0xfd, 0xff, 0xff, 0xff, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
  0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12,
  0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0xff, 0xff, 0xff, 0xff, 0x3f,
  0xff, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24,
  0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30,
  0x31, 0x32, 0x33, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff,
};

static bool
use_avx2 (unsigned flags)
{
#if IMCORE_BASE64_HAVE_AVX2
  return !(flags & IMCORE_BASE64_PORTABLE) && __builtin_cpu_supports ("avx2");
#else
  (void) flags;
  return false;
#endif
}

const char *
imcore_base64_implementation (unsigned flags)
{
  return use_avx2 (flags) ? "avx2" : "scalar";
}

/* ---- encoding ---- */

#if IMCORE_BASE64_HAVE_AVX2
/* Encodes 24-byte blocks while 28 input bytes are readable (the second
 * 16-byte load reaches 4 bytes past the block). Returns the bytes
 * consumed; 4 characters per 3 bytes went to @out. */
IMCORE_TARGET_AVX2 static size_t
encode_avx2 (const uint8_t * in, size_t len, char *out, bool url)
{
  /* per lane: each 3-byte group b0 b1 b2 becomes the word b1 b0 b2 b1, so
   * that every sextet lies within one 16-bit half */
  const __m256i spread = _mm256_setr_epi8 (1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8,
      7, 10, 9, 11, 10, 1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10);
  const __m256i mask_ac = _mm256_set1_epi32 (0x0fc0fc00);
  const __m256i mul_ac = _mm256_set1_epi32 (0x04000040);
  const __m256i mask_bd = _mm256_set1_epi32 (0x003f03f0);
  const __m256i mul_bd = _mm256_set1_epi32 (0x01000010);
  const __m256i n51 = _mm256_set1_epi8 (51);
  const __m256i n26 = _mm256_set1_epi8 (26);
  const __m256i n13 = _mm256_set1_epi8 (13);
  /* ASCII offset by class: 0 = 'a'..'z', 1..10 = digits, 11 = value 62,
   * 12 = value 63, 13 = 'A'..'Z' */
  const int8_t c62 = url ? '-' - 62 : '+' - 62;
  const int8_t c63 = url ? '_' - 63 : '/' - 63;
  const __m256i offsets = _mm256_setr_epi8 (71, -4, -4, -4, -4, -4, -4, -4,
      -4, -4, -4, c62, c63, 65, 0, 0, 71, -4, -4, -4, -4, -4, -4, -4, -4, -4,
      -4, c62, c63, 65, 0, 0);
  size_t i = 0;

  for (; len - i >= 28; i += 24, out += 32) {
    __m128i lo = _mm_loadu_si128 ((const __m128i *) (in + i));
    __m128i hi = _mm_loadu_si128 ((const __m128i *) (in + i + 12));
    __m256i v = _mm256_inserti128_si256 (_mm256_castsi128_si256 (lo), hi, 1);
    __m256i ac, bd, idx, cls;

    v = _mm256_shuffle_epi8 (v, spread);
    /* sextets a and c to the low bits of their 16-bit halves, b and d to
     * the high byte: bytes a b c d */
    ac = _mm256_mulhi_epu16 (_mm256_and_si256 (v, mask_ac), mul_ac);
    bd = _mm256_mullo_epi16 (_mm256_and_si256 (v, mask_bd), mul_bd);
    idx = _mm256_or_si256 (ac, bd);

    cls = _mm256_subs_epu8 (idx, n51);
    cls = _mm256_or_si256 (cls,
        _mm256_and_si256 (_mm256_cmpgt_epi8 (n26, idx), n13));
    _mm256_storeu_si256 ((__m256i *) out,
        _mm256_add_epi8 (idx, _mm256_shuffle_epi8 (offsets, cls)));
  }
  return i;
}
#endif

/* Encodes the whole 3-byte groups of @len bytes (@len is a multiple of 3)
 * without line breaks. */
static void
encode_groups (const uint8_t * in, size_t len, char *out, unsigned flags)
{
  bool url = (flags & IMCORE_BASE64_URL_SAFE) != 0;
  const char *a = url ? alphabet_url : alphabet_std;
  size_t i = 0;

#if IMCORE_BASE64_HAVE_AVX2
  if (use_avx2 (flags)) {
    i = encode_avx2 (in, len, out, url);
    out += i / 3 * 4;
  }
#endif
  for (; i < len; i += 3, out += 4) {
    uint32_t v = ((uint32_t) in[i] << 16) | ((uint32_t) in[i + 1] << 8) |
        in[i + 2];

    out[0] = a[v >> 18];
    out[1] = a[(v >> 12) & 63];
    out[2] = a[(v >> 6) & 63];
    out[3] = a[v & 63];
  }
}

/* Encodes the last 1 or 2 bytes; returns the characters written. */
static size_t
encode_tail (const uint8_t * in, size_t rest, char *out, unsigned flags)
{
  const char *a = (flags & IMCORE_BASE64_URL_SAFE) ? alphabet_url :
      alphabet_std;
  uint32_t v = (uint32_t) in[0] << 16;
  size_t o = 0;

  if (rest == 2)
    v |= (uint32_t) in[1] << 8;
  out[o++] = a[v >> 18];
  out[o++] = a[(v >> 12) & 63];
  if (rest == 2)
    out[o++] = a[(v >> 6) & 63];
  if (!(flags & IMCORE_BASE64_NO_PADDING)) {
    if (rest == 1)
      out[o++] = '=';
    out[o++] = '=';
  }
  return o;
}

size_t
imcore_base64_encoded_len (size_t len, unsigned flags, size_t line_length)
{
  size_t groups = len / 3, rest = len % 3, chars, breaks;

  if (groups > (SIZE_MAX - 4) / 4)
    return SIZE_MAX;
  chars = groups * 4;
  if (rest)
    chars += (flags & IMCORE_BASE64_NO_PADDING) ? rest + 1 : 4;
  if (line_length == 0 || chars == 0)
    return chars;
  breaks = (chars - 1) / line_length;
  if (breaks > SIZE_MAX - chars)
    return SIZE_MAX;
  return chars + breaks;
}

/* Inserts a '\n' after every @line_length characters of the @chars
 * characters at @out, working backwards so nothing is overwritten early;
 * @out has room for the breaks. */
static void
insert_line_breaks (char *out, size_t chars, size_t line_length)
{
  size_t breaks = (chars - 1) / line_length;
  size_t src = chars, dst = chars + breaks;
  size_t last = chars - breaks * line_length;   /* length of the last line */

  while (breaks > 0) {
    src -= last;
    dst -= last;
    memmove (out + dst, out + src, last);
    out[--dst] = '\n';
    breaks--;
    last = line_length;
  }
}

size_t
imcore_base64_encode (const uint8_t * in, size_t len, char *out,
    unsigned flags, size_t line_length)
{
  size_t whole = len - len % 3, o = 0;

  if (line_length > 0 && line_length % 4 == 0) {
    /* lines hold whole groups: encode line by line, no second pass */
    size_t line_bytes = line_length / 4 * 3, i = 0;

    for (; whole - i > line_bytes; i += line_bytes) {
      encode_groups (in + i, line_bytes, out + o, flags);
      o += line_length;
      out[o++] = '\n';
    }
    encode_groups (in + i, whole - i, out + o, flags);
    o += (whole - i) / 3 * 4;
    if (len > whole) {
      if (whole - i == line_bytes)
        out[o++] = '\n';
      o += encode_tail (in + whole, len - whole, out + o, flags);
    }
    return o;
  }

  encode_groups (in, whole, out, flags);
  o = whole / 3 * 4;
  if (len > whole)
    o += encode_tail (in + whole, len - whole, out + o, flags);
  if (line_length > 0 && o > line_length) {
    insert_line_breaks (out, o, line_length);
    o += (o - 1) / line_length;
  }
  return o;
}

/* ---- decoding ---- */

size_t
imcore_base64_decoded_max (size_t len)
{
  return len / 4 * 3 + 3;
}

size_t
imcore_base64_skip_data_uri (const char *in, size_t len)
{
  static const char marker[] = ";base64,";
  const size_t mlen = sizeof (marker) - 1;

  if (len < 5 || memcmp (in, "data:", 5) != 0)
    return 0;
  for (size_t i = 5; i < len; i++) {
    if (in[i] == ',') {
      if (i + 1 >= mlen && memcmp (in + i + 1 - mlen, marker, mlen) == 0)
        return i + 1;
      return 0;
    }
  }
  return 0;
}

#if IMCORE_BASE64_HAVE_AVX2
/* Decodes 32-character blocks of data characters (both alphabets; no
 * whitespace, no '=') into 24 bytes each, while @out has room for the
 * 32-byte store. Stops at the first block holding anything else and
 * returns the characters consumed; the caller decodes the rest. */
IMCORE_TARGET_AVX2 static size_t
decode_avx2 (const uint8_t * in, size_t len, uint8_t * out, size_t out_room)
{
  /* A character is valid when the classes of its high nibble (one bit
   * each: 0x2_, 0x3_, 0x4_/0x6_, 0x5_, 0x7_, anything else) and the
   * classes for which its low nibble is invalid share no bit. */
  const __m256i bad_by_lo = _mm256_setr_epi8 (0x25, 0x21, 0x21, 0x21, 0x21,
      0x21, 0x21, 0x21, 0x21, 0x21, 0x23, 0x3a, 0x3b, 0x3a, 0x3b, 0x32,
      0x25, 0x21, 0x21, 0x21, 0x21, 0x21, 0x21, 0x21, 0x21, 0x21, 0x23, 0x3a,
      0x3b, 0x3a, 0x3b, 0x32);
  const __m256i class_by_hi = _mm256_setr_epi8 (0x20, 0x20, 0x01, 0x02, 0x04,
      0x08, 0x04, 0x10, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
      0x20, 0x20, 0x01, 0x02, 0x04, 0x08, 0x04, 0x10, 0x20, 0x20, 0x20, 0x20,
      0x20, 0x20, 0x20, 0x20);
  /* value = character + offset of its high nibble; the four characters
   * of values 62 and 63 are set apart */
  const __m256i offset_by_hi = _mm256_setr_epi8 (0, 0, 0, 4, -65, -65, -71,
      -71, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, -65, -65, -71, -71, 0, 0, 0, 0,
      0, 0, 0, 0);
  const __m256i nibble = _mm256_set1_epi8 (0x0f);
  const __m256i plus = _mm256_set1_epi8 ('+'), minus = _mm256_set1_epi8 ('-');
  const __m256i slash = _mm256_set1_epi8 ('/');
  const __m256i underscore = _mm256_set1_epi8 ('_');
  const __m256i v62 = _mm256_set1_epi8 (62), v63 = _mm256_set1_epi8 (63);
  const __m256i pair = _mm256_set1_epi32 (0x01400140);
  const __m256i quad = _mm256_set1_epi32 (0x00011000);
  /* per lane: the three bytes of every 24-bit word, most significant
   * first, packed into the low 12 bytes */
  const __m256i pack = _mm256_setr_epi8 (2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13,
      12, -1, -1, -1, -1, 2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1,
      -1);
  const __m256i lanes = _mm256_setr_epi32 (0, 1, 2, 4, 5, 6, 3, 7);
  size_t i = 0;

  for (; len - i >= 32 && out_room >= 32; i += 32, out += 24,
      out_room -= 24) {
    __m256i c = _mm256_loadu_si256 ((const __m256i *) (in + i));
    __m256i hi = _mm256_and_si256 (_mm256_srli_epi32 (c, 4), nibble);
    __m256i lo = _mm256_and_si256 (c, nibble);
    __m256i bad = _mm256_and_si256 (_mm256_shuffle_epi8 (bad_by_lo, lo),
        _mm256_shuffle_epi8 (class_by_hi, hi));
    __m256i v, is62, is63;

    if (!_mm256_testz_si256 (bad, bad))
      break;
    v = _mm256_add_epi8 (c, _mm256_shuffle_epi8 (offset_by_hi, hi));
    is62 = _mm256_or_si256 (_mm256_cmpeq_epi8 (c, plus),
        _mm256_cmpeq_epi8 (c, minus));
    is63 = _mm256_or_si256 (_mm256_cmpeq_epi8 (c, slash),
        _mm256_cmpeq_epi8 (c, underscore));
    v = _mm256_blendv_epi8 (v, v62, is62);
    v = _mm256_blendv_epi8 (v, v63, is63);

    /* a b c d -> (a << 6 | b), (c << 6 | d) -> a b c d as 24 bits */
    v = _mm256_maddubs_epi16 (v, pair);
    v = _mm256_madd_epi16 (v, quad);
    v = _mm256_shuffle_epi8 (v, pack);
    v = _mm256_permutevar8x32_epi32 (v, lanes);
    _mm256_storeu_si256 ((__m256i *) out, v);
  }
  return i;
}
#endif

/* Writes the 24 bits of one complete group; false when out of room. */
static inline bool
put_group (uint32_t v, uint8_t * out, size_t out_size, size_t *o)
{
  if (out_size - *o < 3)
    return false;
  out[*o] = (uint8_t) (v >> 16);
  out[*o + 1] = (uint8_t) (v >> 8);
  out[*o + 2] = (uint8_t) v;
  *o += 3;
  return true;
}

ImcoreError
imcore_base64_decode (const char *in, size_t len, uint8_t * out,
    size_t out_size, unsigned flags, size_t *out_len, size_t *bad_offset)
{
  const uint8_t *s = (const uint8_t *) in;
  size_t i, o = 0, pads = 0, pad_offset = 0;
  uint32_t acc = 0;
  unsigned n = 0;               /* sextets in @acc */
  bool simd = use_avx2 (flags);

  if ((!in && len) || !out_len || (!out && out_size))
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if (bad_offset)
    *bad_offset = 0;

  i = imcore_base64_skip_data_uri (in, len);
  while (i < len) {
    uint8_t c0, c1, c2, c3;

    /* Fast paths at a group boundary: blocks of data characters with no
     * whitespace and no '=' in them. */
    if (n == 0 && pads == 0 && len - i >= 4) {
#if IMCORE_BASE64_HAVE_AVX2
      if (simd && len - i >= 32) {
        size_t done = decode_avx2 (s + i, len - i, out + o, out_size - o);

        i += done;
        o += done / 4 * 3;
        if (len - i < 4)
          continue;
      }
#endif
      c0 = decode_table[s[i]];
      c1 = decode_table[s[i + 1]];
      c2 = decode_table[s[i + 2]];
      c3 = decode_table[s[i + 3]];
      if (((c0 | c1 | c2 | c3) & 0x80) == 0) {
        uint32_t v = ((uint32_t) c0 << 18) | ((uint32_t) c1 << 12) |
            ((uint32_t) c2 << 6) | c3;

        if (!put_group (v, out, out_size, &o))
          return IMCORE_ERROR_NO_SPACE;
        i += 4;
        continue;
      }
    }

    /* Slow path: one character. */
    c0 = decode_table[s[i]];
    if (c0 == B64_SPACE) {
      i++;
      continue;
    }
    if (c0 == B64_PAD) {
      if (pads == 0)
        pad_offset = i;
      /* '=' only completes a group of 2 or 3 characters, at most twice */
      if (n < 2 || n + pads >= 4)
        goto invalid;
      pads++;
      i++;
      continue;
    }
    if (c0 == B64_INVALID || pads > 0)
      goto invalid;
    acc = (acc << 6) | c0;
    if (++n == 4) {
      if (!put_group (acc, out, out_size, &o))
        return IMCORE_ERROR_NO_SPACE;
      acc = 0;
      n = 0;
    }
    i++;
  }

  /* The last group: 2 characters give 1 byte, 3 give 2; 1 is a fragment.
   * With padding, the group plus its '=' must make 4. */
  if (n == 1) {
    i = len;
    goto invalid;
  }
  if (pads > 0 && n + pads != 4) {
    i = pad_offset;
    goto invalid;
  }
  if (n >= 2) {
    size_t extra = n - 1;

    if (out_size - o < extra)
      return IMCORE_ERROR_NO_SPACE;
    acc <<= 6 * (4 - n);
    out[o++] = (uint8_t) (acc >> 16);
    if (n == 3)
      out[o++] = (uint8_t) (acc >> 8);
  }
  *out_len = o;
  return IMCORE_OK;

invalid:
  if (bad_offset)
    *bad_offset = i;
  return IMCORE_ERROR_INVALID_INPUT;
}
