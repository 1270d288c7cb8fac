/* gst-imencode core: a bounded JSON writer into caller memory
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-json.h"

#include <math.h>
#include <stdio.h>
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

void
imcore_json_double (ImcoreJsonWriter * w, double value)
{
  char buf[40];
  int n;

  if (!isfinite (value)) {
    put (w, "null", 4);
    return;
  }
  n = snprintf (buf, sizeof (buf), "%.9g", value);
  /* whatever the locale's decimal separator, JSON's is '.' (%g never
   * groups thousands) */
  for (int i = 0; i < n; i++) {
    if (buf[i] == ',')
      buf[i] = '.';
  }
  put (w, buf, (size_t) n);
}

bool
imcore_json_ok (const ImcoreJsonWriter * w)
{
  return !w->overflow;
}
