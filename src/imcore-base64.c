/* gst-imencode core: base64 (RFC 4648) encoding and decoding
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-base64.h"

#include <stdbool.h>
#include <string.h>

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
  const char *a = (flags & IMCORE_BASE64_URL_SAFE) ? alphabet_url :
      alphabet_std;
  size_t i = 0, o = 0;

  for (; i + 3 <= len; i += 3, o += 4) {
    uint32_t v = ((uint32_t) in[i] << 16) | ((uint32_t) in[i + 1] << 8) |
        in[i + 2];

    out[o] = a[v >> 18];
    out[o + 1] = a[(v >> 12) & 63];
    out[o + 2] = a[(v >> 6) & 63];
    out[o + 3] = a[v & 63];
  }
  if (i < len) {
    uint32_t v = (uint32_t) in[i] << 16;

    if (i + 1 < len)
      v |= (uint32_t) in[i + 1] << 8;
    out[o++] = a[v >> 18];
    out[o++] = a[(v >> 12) & 63];
    if (i + 1 < len)
      out[o++] = a[(v >> 6) & 63];
    if (!(flags & IMCORE_BASE64_NO_PADDING)) {
      if (i + 1 >= len)
        out[o++] = '=';
      out[o++] = '=';
    }
  }
  if (line_length > 0 && o > line_length) {
    insert_line_breaks (out, o, line_length);
    o += (o - 1) / line_length;
  }
  return o;
}

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
    size_t out_size, size_t *out_len, size_t *bad_offset)
{
  const uint8_t *s = (const uint8_t *) in;
  size_t i, o = 0, pads = 0, pad_offset = 0;
  uint32_t acc = 0;
  unsigned n = 0;               /* sextets in @acc */

  if ((!in && len) || !out_len || (!out && out_size))
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if (bad_offset)
    *bad_offset = 0;

  i = imcore_base64_skip_data_uri (in, len);
  while (i < len) {
    uint8_t c0, c1, c2, c3;

    /* Fast path: four data characters in a row, no whitespace, no '='. */
    if (n == 0 && pads == 0 && i + 4 <= len) {
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
