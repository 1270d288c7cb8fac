/* gst-imencode core: finding where a JPEG or PNG file ends in a byte stream
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-scan.h"

#include <string.h>

enum
{
  KIND_UNKNOWN,
  KIND_JPEG,
  KIND_PNG,
};

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
  if (scan->kind == KIND_UNKNOWN) {
    if (len >= 1 && data[0] == 0xff) {
      if (len < 3)
        return IMCORE_SCAN_MORE;
      if (data[1] != 0xd8 || data[2] != 0xff)
        return IMCORE_SCAN_NOT_IMAGE;
      scan->kind = KIND_JPEG;
      scan->pos = 0;
    } else if (len >= 1 && data[0] == png_signature[0]) {
      if (len < 8)
        return memcmp (data, png_signature, len) == 0 ? IMCORE_SCAN_MORE :
            IMCORE_SCAN_NOT_IMAGE;
      if (memcmp (data, png_signature, 8) != 0)
        return IMCORE_SCAN_NOT_IMAGE;
      scan->kind = KIND_PNG;
      scan->pos = 8;
    } else {
      return len == 0 ? IMCORE_SCAN_MORE : IMCORE_SCAN_NOT_IMAGE;
    }
  }
  if (scan->pos > len)          /* still inside a segment skipped earlier */
    return IMCORE_SCAN_MORE;
  return scan->kind == KIND_JPEG ? scan_jpeg (scan, data, len, image_len) :
      scan_png (scan, data, len, image_len);
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
