/* gst-imencode core: a bounded JSON writer into caller memory
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
imcore_json_init (ImcoreJsonWriter * w, char *out, size_t size)
{
  w->out = out;
  w->size = size;
  w->len = 0;
  w->overflow = false;
}

static void
put (ImcoreJsonWriter * w, const char *bytes, size_t n)
{
  if (w->overflow || n > w->size - w->len) {
    w->overflow = true;
    return;
  }
  memcpy (w->out + w->len, bytes, n);
  w->len += n;
}

void
imcore_json_raw (ImcoreJsonWriter * w, const char *text)
{
  put (w, text, strlen (text));
}

/* Length of the valid UTF-8 sequence at @s (of @avail bytes), or 0. */
static size_t
utf8_sequence (const unsigned char *s, size_t avail)
{
  size_t n;
  uint32_t c;

  if (s[0] < 0x80)
    return 1;
  if (s[0] >= 0xc2 && s[0] <= 0xdf) {
    n = 2;
    c = s[0] & 0x1f;
  } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
    n = 3;
    c = s[0] & 0x0f;
  } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
    n = 4;
    c = s[0] & 0x07;
  } else {
    return 0;
  }
  if (avail < n)
    return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    c = (c << 6) | (s[i] & 0x3f);
  }
  /* overlong forms, surrogates and beyond U+10FFFF are not UTF-8 */
  if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
      (c >= 0xd800 && c <= 0xdfff))
    return 0;
  return n;
}

size_t
imcore_json_string_bound (size_t len)
{
  /* a control byte takes 6 ("\u001f"); an invalid byte becomes U+FFFD, 3
   * bytes; plus the quotes */
  if (len > (SIZE_MAX - 2) / 6)
    return SIZE_MAX;
  return 6 * len + 2;
}

void
imcore_json_string (ImcoreJsonWriter * w, const char *text)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *s = (const unsigned char *) text;
  size_t len = strlen (text);

  put (w, "\"", 1);
  for (size_t i = 0; i < len;) {
    unsigned char b = s[i];
    size_t n;

    if (b == '"' || b == '\\') {
      char esc[2] = { '\\', (char) b };
      put (w, esc, 2);
      i++;
    } else if (b == '\n') {
      put (w, "\\n", 2);
      i++;
    } else if (b == '\r') {
      put (w, "\\r", 2);
      i++;
    } else if (b == '\t') {
      put (w, "\\t", 2);
      i++;
    } else if (b < 0x20 || b == 0x7f) {
      char esc[6] = { '\\', 'u', '0', '0', hex[b >> 4], hex[b & 15] };
      put (w, esc, 6);
      i++;
    } else if ((n = utf8_sequence (s + i, len - i)) > 0) {
      put (w, (const char *) s + i, n);
      i += n;
    } else {
      put (w, "\xef\xbf\xbd", 3);
      i++;
    }
  }
  put (w, "\"", 1);
}

void
imcore_json_int (ImcoreJsonWriter * w, int64_t value)
{
  char buf[24];
  int n = snprintf (buf, sizeof (buf), "%lld", (long long) value);

  put (w, buf, (size_t) n);
}

void
imcore_json_uint (ImcoreJsonWriter * w, uint64_t value)
{
  char buf[24];
  int n = snprintf (buf, sizeof (buf), "%llu", (unsigned long long) value);

  put (w, buf, (size_t) n);
}

/* ---- numbers: %.9g without printf, so no locale can change them ----
 *
 * A finite double is f * 2^e with f and e integers. Its nine significant
 * digits, rounded half to even as printf rounds, are
 * N = round (f * 2^e * 10^s) for the s that puts N in [10^8, 10^9). The
 * product is exact in a small unsigned big integer: the largest values
 * met, 2^53 * 10^332 (the smallest subnormal's numerator) and 2^1161 (its
 * denominator shifted by the long division), fit in 1,280 bits. */

#define BIG_WORDS 40

typedef struct
{
  uint32_t w[BIG_WORDS];        /* little-endian 32-bit words */
  int n;                        /* words in use; no leading zero word */
} Big;

static void
big_set (Big * b, uint64_t v)
{
  b->n = 0;
  while (v) {
    b->w[b->n++] = (uint32_t) v;
    v >>= 32;
  }
}

/* b *= m (m > 0); the callers' values stay below 2^(32 * BIG_WORDS) */
static void
big_mul_small (Big * b, uint32_t m)
{
  uint64_t carry = 0;

  for (int i = 0; i < b->n; i++) {
    uint64_t t = (uint64_t) b->w[i] * m + carry;

    b->w[i] = (uint32_t) t;
    carry = t >> 32;
  }
  if (carry)
    b->w[b->n++] = (uint32_t) carry;
}

static void
big_mul_pow10 (Big * b, int power)
{
  for (; power >= 9; power -= 9)
    big_mul_small (b, 1000000000u);
  for (; power > 0; power--)
    big_mul_small (b, 10);
}

/* b <<= bits */
static void
big_shift_left (Big * b, int bits)
{
  int words = bits / 32, rest = bits % 32;

  if (b->n == 0)
    return;
  if (rest) {
    uint32_t top = b->w[b->n - 1] >> (32 - rest);

    for (int i = b->n - 1; i > 0; i--)
      b->w[i] = (b->w[i] << rest) | (b->w[i - 1] >> (32 - rest));
    b->w[0] <<= rest;
    if (top)
      b->w[b->n++] = top;
  }
  if (words) {
    memmove (b->w + words, b->w, (size_t) b->n * sizeof (uint32_t));
    memset (b->w, 0, (size_t) words * sizeof (uint32_t));
    b->n += words;
  }
}

static int
big_compare (const Big * a, const Big * b)
{
  if (a->n != b->n)
    return a->n < b->n ? -1 : 1;
  for (int i = a->n - 1; i >= 0; i--) {
    if (a->w[i] != b->w[i])
      return a->w[i] < b->w[i] ? -1 : 1;
  }
  return 0;
}

/* a -= b, where a >= b */
static void
big_subtract (Big * a, const Big * b)
{
  uint32_t borrow = 0;

  for (int i = 0; i < a->n; i++) {
    uint64_t sub = (uint64_t) (i < b->n ? b->w[i] : 0) + borrow;

    borrow = a->w[i] < sub;
    a->w[i] = (uint32_t) ((uint64_t) a->w[i] - sub);
  }
  while (a->n > 0 && a->w[a->n - 1] == 0)
    a->n--;
}

/* round (num / den), half to even, for a quotient below 2^35 */
static uint64_t
big_divide_rounded (Big * num, const Big * den)
{
  uint64_t q = 0;
  Big t;
  int c;

  for (int bit = 34; bit >= 0; bit--) {
    t = *den;
    big_shift_left (&t, bit);
    if (big_compare (num, &t) >= 0) {
      big_subtract (num, &t);
      q |= (uint64_t) 1 << bit;
    }
  }
  /* num is the remainder: compare 2 * remainder with den */
  big_shift_left (num, 1);
  c = big_compare (num, den);
  return q + (c > 0 || (c == 0 && (q & 1)));
}

/* The nine significant digits of @v (finite, > 0) as an integer in
 * [10^8, 10^9), rounded half to even, and the decimal exponent of the
 * first: v ~ digits * 10^(exp10 - 8). */
static uint32_t
nine_digits (double v, int *exp10)
{
  int e2, k;
  uint64_t f = (uint64_t) ldexp (frexp (v, &e2), 53);

  /* v = f * 2^(e2 - 53) exactly: f holds every bit of v's mantissa */
  e2 -= 53;
  k = (int) floor (log10 (v));
  for (;;) {
    Big num, den;
    int s = 8 - k;
    uint64_t n;

    big_set (&num, f);
    big_set (&den, 1);
    if (e2 > 0)
      big_shift_left (&num, e2);
    else
      big_shift_left (&den, -e2);
    if (s > 0)
      big_mul_pow10 (&num, s);
    else
      big_mul_pow10 (&den, -s);
    n = big_divide_rounded (&num, &den);
    /* log10 may be off by one either way near powers of ten */
    if (n < 100000000u) {
      k--;
      continue;
    }
    if (n > 1000000000u) {
      k++;
      continue;
    }
    if (n == 1000000000u) {
      /* rounded up to the next power of ten */
      n = 100000000u;
      k++;
    }
    *exp10 = k;
    return (uint32_t) n;
  }
}

/* Writes @v (finite) as printf's "%.9g" writes it in the C locale, into
 * @out (room for 24 bytes); returns the length. */
static size_t
format_double (char *out, double v)
{
  char digits[10];
  size_t len = 0;
  uint32_t n;
  int exp10, n_digits;

  if (signbit (v))
    out[len++] = '-';
  v = fabs (v);
  if (v == 0) {
    out[len++] = '0';
    return len;
  }
  n = nine_digits (v, &exp10);
  for (int i = 8; i >= 0; i--, n /= 10)
    digits[i] = (char) ('0' + n % 10);
  /* %g drops trailing zeros, and the point when nothing follows it */
  for (n_digits = 9; n_digits > 1 && digits[n_digits - 1] == '0';)
    n_digits--;

  if (exp10 >= -4 && exp10 < 9) {
    /* fixed: 0.000ddd, ddd.ddd or ddddddddd */
    if (exp10 < 0) {
      out[len++] = '0';
      out[len++] = '.';
      for (int i = -1; i > exp10; i--)
        out[len++] = '0';
      memcpy (out + len, digits, (size_t) n_digits);
      return len + (size_t) n_digits;
    }
    for (int i = 0; i <= exp10; i++)
      out[len++] = i < n_digits ? digits[i] : '0';
    if (n_digits > exp10 + 1) {
      out[len++] = '.';
      memcpy (out + len, digits + exp10 + 1, (size_t) (n_digits - exp10 - 1));
      len += (size_t) (n_digits - exp10 - 1);
    }
    return len;
  }
  /* exponent: d.ddde+XX, at least two exponent digits */
  out[len++] = digits[0];
  if (n_digits > 1) {
    out[len++] = '.';
    memcpy (out + len, digits + 1, (size_t) (n_digits - 1));
    len += (size_t) (n_digits - 1);
  }
  out[len++] = 'e';
  out[len++] = exp10 < 0 ? '-' : '+';
  exp10 = abs (exp10);
  if (exp10 >= 100)
    out[len++] = (char) ('0' + exp10 / 100);
  out[len++] = (char) ('0' + exp10 / 10 % 10);
  out[len++] = (char) ('0' + exp10 % 10);
  return len;
}

void
imcore_json_double (ImcoreJsonWriter * w, double value)
{
  char buf[24];

  if (!isfinite (value)) {
    put (w, "null", 4);
    return;
  }
  put (w, buf, format_double (buf, value));
}

bool
imcore_json_ok (const ImcoreJsonWriter * w)
{
  return !w->overflow;
}

/* ---- checking a JSON object (the tags property) ---- */

/* A reader over @len bytes, copying what it accepts without the
 * whitespace between tokens to @out when @out is not NULL. */
typedef struct
{
  const unsigned char *s;
  size_t len, pos;
  char *out;
  size_t out_len;
  unsigned depth;
} JsonReader;

static void
reader_keep (JsonReader * r, size_t from)
{
  if (r->out) {
    memcpy (r->out + r->out_len, r->s + from, r->pos - from);
    r->out_len += r->pos - from;
  }
}

static void
reader_skip_space (JsonReader * r)
{
  while (r->pos < r->len && (r->s[r->pos] == ' ' || r->s[r->pos] == '\t' ||
          r->s[r->pos] == '\n' || r->s[r->pos] == '\r'))
    r->pos++;
}

/* Accepts the literal @word at the position. */
static bool
reader_word (JsonReader * r, const char *word)
{
  size_t n = strlen (word), from = r->pos;

  if (r->len - r->pos < n || memcmp (r->s + r->pos, word, n) != 0)
    return false;
  r->pos += n;
  reader_keep (r, from);
  return true;
}

static bool
is_hex (unsigned char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
      (c >= 'A' && c <= 'F');
}

static bool
reader_string (JsonReader * r)
{
  size_t from = r->pos;

  if (r->pos >= r->len || r->s[r->pos] != '"')
    return false;
  r->pos++;
  while (r->pos < r->len) {
    unsigned char c = r->s[r->pos];
    size_t n;

    if (c == '"') {
      r->pos++;
      reader_keep (r, from);
      return true;
    }
    if (c < 0x20)
      return false;
    if (c == '\\') {
      if (r->pos + 1 >= r->len)
        return false;
      c = r->s[r->pos + 1];
      if (c == 'u') {
        if (r->len - r->pos < 6)
          return false;
        for (size_t i = 2; i < 6; i++) {
          if (!is_hex (r->s[r->pos + i]))
            return false;
        }
        r->pos += 6;
      } else if (strchr ("\"\\/bfnrt", c) && c != '\0') {
        r->pos += 2;
      } else {
        return false;
      }
      continue;
    }
    n = utf8_sequence (r->s + r->pos, r->len - r->pos);
    if (n == 0)
      return false;
    r->pos += n;
  }
  return false;
}

static bool
is_digit (unsigned char c)
{
  return c >= '0' && c <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool
reader_number (JsonReader * r)
{
  size_t from = r->pos;

  if (r->pos < r->len && r->s[r->pos] == '-')
    r->pos++;
  if (r->pos >= r->len || !is_digit (r->s[r->pos]))
    return false;
  if (r->s[r->pos] == '0')
    r->pos++;
  else
    while (r->pos < r->len && is_digit (r->s[r->pos]))
      r->pos++;
  if (r->pos < r->len && r->s[r->pos] == '.') {
    r->pos++;
    if (r->pos >= r->len || !is_digit (r->s[r->pos]))
      return false;
    while (r->pos < r->len && is_digit (r->s[r->pos]))
      r->pos++;
  }
  if (r->pos < r->len && (r->s[r->pos] == 'e' || r->s[r->pos] == 'E')) {
    r->pos++;
    if (r->pos < r->len && (r->s[r->pos] == '+' || r->s[r->pos] == '-'))
      r->pos++;
    if (r->pos >= r->len || !is_digit (r->s[r->pos]))
      return false;
    while (r->pos < r->len && is_digit (r->s[r->pos]))
      r->pos++;
  }
  reader_keep (r, from);
  return true;
}

static bool reader_value (JsonReader * r);

/* An object or an array: @open, then members (key ':' value) or values
 * separated by ',', then @close. */
static bool
reader_container (JsonReader * r, bool object)
{
  bool first = true;

  if (r->depth >= IMCORE_JSON_MAX_DEPTH)
    return false;
  r->depth++;
  if (!reader_word (r, object ? "{" : "["))
    return false;
  for (;;) {
    reader_skip_space (r);
    if (first && reader_word (r, object ? "}" : "]"))
      break;
    if (!first && !reader_word (r, ","))
      return false;
    reader_skip_space (r);
    if (object) {
      if (!reader_string (r))
        return false;
      reader_skip_space (r);
      if (!reader_word (r, ":"))
        return false;
      reader_skip_space (r);
    }
    if (!reader_value (r))
      return false;
    first = false;
    reader_skip_space (r);
    if (reader_word (r, object ? "}" : "]"))
      break;
  }
  r->depth--;
  return true;
}

static bool
reader_value (JsonReader * r)
{
  if (r->pos >= r->len)
    return false;
  switch (r->s[r->pos]) {
    case '{':
      return reader_container (r, true);
    case '[':
      return reader_container (r, false);
    case '"':
      return reader_string (r);
    case 't':
      return reader_word (r, "true");
    case 'f':
      return reader_word (r, "false");
    case 'n':
      return reader_word (r, "null");
    default:
      return reader_number (r);
  }
}

ImcoreError
imcore_json_check_object (const char *text, size_t len, char *compact,
    size_t *compact_len)
{
  JsonReader r = { (const unsigned char *) text, len, 0, compact, 0, 0 };

  if (!text)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  reader_skip_space (&r);
  if (r.pos >= r.len || r.s[r.pos] != '{' || !reader_container (&r, true))
    return IMCORE_ERROR_INVALID_INPUT;
  reader_skip_space (&r);
  if (r.pos != r.len)
    return IMCORE_ERROR_INVALID_INPUT;
  if (compact_len)
    *compact_len = r.out_len;
  return IMCORE_OK;
}
