/* gst-imencode core: finding where a JPEG or PNG file ends in a byte stream
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-scan.h"

#include <string.h>

static const uint8_t png_signature[8] = {
  0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
};

ImcoreImageKind
imcore_image_kind (const uint8_t * data, size_t len)
{
  if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return IMCORE_IMAGE_JPEG;
  if (len >= 8 && memcmp (data, png_signature, 8) == 0)
    return IMCORE_IMAGE_PNG;
  return IMCORE_IMAGE_UNKNOWN;
}

void
imcore_scan_reset (ImcoreScan * scan)
{
  memset (scan, 0, sizeof (*scan));
}

static ImcoreScanResult
scan_jpeg (ImcoreScan * s, const uint8_t * d, size_t len, size_t *image_len)
{
  size_t p = s->pos;

  for (;;) {
    if (s->entropy) {
      /* entropy-coded data: a 0xFF is stuffed (FF 00) or a restart marker
       * (FF D0..D7) unless a real marker follows */
      for (;;) {
        const uint8_t *ff = memchr (d + p, 0xff, len - p);

        if (!ff) {
          s->pos = len;
          return IMCORE_SCAN_MORE;
        }
        p = (size_t) (ff - d);
        if (len - p < 2) {
          s->pos = p;
          return IMCORE_SCAN_MORE;
        }
        if (d[p + 1] == 0x00 || (d[p + 1] >= 0xd0 && d[p + 1] <= 0xd7)
            || d[p + 1] == 0xff) {
          /* FF FF: fill before a marker; look again from the second */
          p += d[p + 1] == 0xff ? 1 : 2;
          continue;
        }
        break;
      }
      s->entropy = false;
    }

    /* at a marker: FF (fill FFs) code */
    while (p < len && d[p] == 0xff && p + 1 < len && d[p + 1] == 0xff)
      p++;
    if (len - p < 2) {
      s->pos = p;
      return IMCORE_SCAN_MORE;
    }
    if (d[p] != 0xff) {
      *image_len = p;
      return IMCORE_SCAN_BROKEN;
    }
    switch (d[p + 1]) {
      case 0xd9:               /* EOI */
        *image_len = p + 2;
        return IMCORE_SCAN_COMPLETE;
      case 0xd8:               /* SOI: a new image, this one was cut */
        if (p == 0) {
          p = 2;
          continue;
        }
        *image_len = p;
        return IMCORE_SCAN_BROKEN;
      case 0x01:               /* TEM and RSTn stand alone */
      case 0xd0:
      case 0xd1:
      case 0xd2:
      case 0xd3:
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
        p += 2;
        continue;
      default:{
        size_t seg;

        if (len - p < 4) {
          s->pos = p;
          return IMCORE_SCAN_MORE;
        }
        seg = ((size_t) d[p + 2] << 8) | d[p + 3];
        if (seg < 2) {
          *image_len = p;
          return IMCORE_SCAN_BROKEN;
        }
        if (d[p + 1] == 0xda)   /* SOS: entropy-coded data follows */
          s->entropy = true;
        p += 2 + seg;
        if (p > len) {
          /* resumes once the whole segment is there */
          s->pos = p;
          return IMCORE_SCAN_MORE;
        }
        continue;
      }
    }
  }
}

static bool
is_chunk_type (const uint8_t * t)
{
  for (int i = 0; i < 4; i++)
    if (!((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z')))
      return false;
  return true;
}

static ImcoreScanResult
scan_png (ImcoreScan * s, const uint8_t * d, size_t len, size_t *image_len)
{
  size_t p = s->pos < 8 ? 8 : s->pos;

  for (;;) {
    uint32_t clen;

    if (p > len || len - p < 8) {
      s->pos = p;
      return IMCORE_SCAN_MORE;
    }
    clen = ((uint32_t) d[p] << 24) | ((uint32_t) d[p + 1] << 16) |
        ((uint32_t) d[p + 2] << 8) | d[p + 3];
    if (clen > 0x7fffffffu || !is_chunk_type (d + p + 4)) {
      *image_len = p;
      return IMCORE_SCAN_BROKEN;
    }
    if (memcmp (d + p + 4, "IEND", 4) == 0) {
      if (len - p < 12) {
        s->pos = p;
        return IMCORE_SCAN_MORE;
      }
      *image_len = p + 12;
      return IMCORE_SCAN_COMPLETE;
    }
    p += 12 + (size_t) clen;
  }
}

ImcoreScanResult
imcore_scan_image (ImcoreScan * scan, const uint8_t * data, size_t len,
    size_t *image_len)
{
  if (scan->kind == IMCORE_IMAGE_UNKNOWN) {
    if (len >= 1 && data[0] == 0xff) {
      if (len < 3)
        return IMCORE_SCAN_MORE;
      if (data[1] != 0xd8 || data[2] != 0xff)
        return IMCORE_SCAN_NOT_IMAGE;
      scan->kind = IMCORE_IMAGE_JPEG;
      scan->pos = 0;
    } else if (len >= 1 && data[0] == png_signature[0]) {
      if (len < 8)
        return memcmp (data, png_signature, len) == 0 ? IMCORE_SCAN_MORE :
            IMCORE_SCAN_NOT_IMAGE;
      if (memcmp (data, png_signature, 8) != 0)
        return IMCORE_SCAN_NOT_IMAGE;
      scan->kind = IMCORE_IMAGE_PNG;
      scan->pos = 8;
    } else {
      return len == 0 ? IMCORE_SCAN_MORE : IMCORE_SCAN_NOT_IMAGE;
    }
  }
  if (scan->pos > len)          /* still inside a segment skipped earlier */
    return IMCORE_SCAN_MORE;
  if (scan->kind == IMCORE_IMAGE_JPEG)
    return scan_jpeg (scan, data, len, image_len);
  return scan_png (scan, data, len, image_len);
}

size_t
imcore_scan_find_start (const uint8_t * data, size_t len)
{
  for (size_t i = 0; i < len; i++) {
    size_t rest = len - i;

    if (data[i] == 0xff) {
      if (rest < 3 ? (rest < 2 || data[i + 1] == 0xd8) :
          (data[i + 1] == 0xd8 && data[i + 2] == 0xff))
        return i;
    } else if (data[i] == png_signature[0]) {
      if (memcmp (data + i, png_signature, rest < 8 ? rest : 8) == 0)
        return i;
    }
  }
  return len;
}

/* ---- base64 text records ---- */

void
imcore_base64_splitter_reset (ImcoreBase64Splitter * split)
{
  memset (split, 0, sizeof (*split));
  split->state = IMCORE_SPLIT_AT_START;
}

static bool
is_base64_char (uint8_t c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
      (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '-' || c == '_';
}

/* The whitespace imcore_base64_decode() skips, newline aside. */
static bool
is_blank (uint8_t c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

void
imcore_base64_splitter_restart (ImcoreBase64Splitter * s)
{
  s->state = IMCORE_SPLIT_AT_START;
  s->prefix_len = 0;
  s->prefix_match = 0;
  s->chars = 0;
}

ImcoreSplitResult
imcore_base64_split (ImcoreBase64Splitter * s, const uint8_t * text,
    size_t len, size_t *used)
{
  static const char data_word[] = "data:";
  static const char marker[] = ";base64,";

  for (size_t i = 0; i < len; i++) {
    uint8_t c = text[i];

    switch (s->state) {
      case IMCORE_SPLIT_AT_START:
        if (c == 'd') {
          s->state = IMCORE_SPLIT_IN_DATA_WORD;
          s->prefix_len = 1;
        } else if (is_base64_char (c)) {
          s->state = IMCORE_SPLIT_IN_BODY;
          s->chars = 1;
          s->total_chars++;
        } else if (!is_blank (c) && c != '\n') {
          *used = i;
          return IMCORE_SPLIT_INVALID;
        }
        break;
      case IMCORE_SPLIT_IN_DATA_WORD:
        if (c == (uint8_t) data_word[s->prefix_len]) {
          if (++s->prefix_len == 5)
            s->state = IMCORE_SPLIT_IN_PREFIX;
          break;
        }
        /* not a prefix: those letters were base64 characters; this one is
         * looked at again as part of the body */
        s->chars = s->prefix_len;
        s->total_chars += s->prefix_len;
        s->prefix_len = 0;
        s->state = IMCORE_SPLIT_IN_BODY;
        i--;
        break;
      case IMCORE_SPLIT_IN_PREFIX:
        if (c == '\n' || ++s->prefix_len > IMCORE_SPLIT_MAX_PREFIX) {
          *used = i;
          return IMCORE_SPLIT_INVALID;
        }
        if (c == (uint8_t) marker[s->prefix_match]) {
          if (++s->prefix_match == sizeof (marker) - 1)
            s->state = IMCORE_SPLIT_IN_BODY;
        } else if (c == ',') {
          /* a data URI that is not base64 */
          *used = i;
          return IMCORE_SPLIT_INVALID;
        } else {
          s->prefix_match = c == (uint8_t) marker[0] ? 1 : 0;
        }
        break;
      case IMCORE_SPLIT_IN_BODY:
        if (is_base64_char (c)) {
          s->chars++;
          s->total_chars++;
        } else if (c == '=') {
          s->state = IMCORE_SPLIT_IN_PADDING;
        } else if (c == '\n') {
          imcore_base64_splitter_restart (s);
          *used = i + 1;
          return IMCORE_SPLIT_END;
        } else if (!is_blank (c)) {
          *used = i;
          return IMCORE_SPLIT_INVALID;
        }
        break;
      case IMCORE_SPLIT_IN_PADDING:
        if (c == '=' || is_blank (c))
          break;
        if (c == '\n') {
          imcore_base64_splitter_restart (s);
          *used = i + 1;
          return IMCORE_SPLIT_END;
        }
        /* the next record starts here, on the same line */
        imcore_base64_splitter_restart (s);
        *used = i;
        return IMCORE_SPLIT_END;
    }
  }
  *used = len;
  return IMCORE_SPLIT_MORE;
}

bool
imcore_base64_splitter_at_group_end (const ImcoreBase64Splitter * s)
{
  return s->state == IMCORE_SPLIT_IN_BODY && s->chars > 0 &&
      s->chars % 4 == 0;
}

bool
imcore_base64_splitter_in_record (const ImcoreBase64Splitter * s)
{
  return s->state != IMCORE_SPLIT_AT_START;
}
