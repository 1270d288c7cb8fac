/* gst-imencode core: finding where a JPEG or PNG file ends in a byte stream
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef IMCORE_SCAN_H
#define IMCORE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decoders fed by a source that cuts files anywhere (filesrc blocks, a
 * socket) need to know where each image ends without decoding it. The
 * scan walks JPEG markers (skipping segments by their lengths and
 * entropy-coded data up to the next marker) or PNG chunks (up to IEND),
 * and can resume when more bytes arrive, so every byte is looked at once. */

typedef enum
{
  IMCORE_SCAN_MORE,             /* no end yet: call again with more bytes */
  IMCORE_SCAN_COMPLETE,         /* one whole file: @image_len bytes */
  IMCORE_SCAN_BROKEN,           /* the file stops making sense at
                                 * @image_len (a new JPEG SOI inside it, a
                                 * PNG chunk that is not one): a corrupt
                                 * image, the next one may start there */
  IMCORE_SCAN_NOT_IMAGE,        /* no JPEG or PNG signature at the start */
} ImcoreScanResult;

/* What a file is, by the whole signature at its start. */
typedef enum
{
  IMCORE_IMAGE_UNKNOWN,
  IMCORE_IMAGE_JPEG,            /* FF D8 FF */
  IMCORE_IMAGE_PNG,             /* the 8-byte PNG signature */
} ImcoreImageKind;

/* The kind of the @len bytes at @data (UNKNOWN when too short to tell). */
ImcoreImageKind imcore_image_kind (const uint8_t * data, size_t len);

/* Where a scan stands; zero it (or call imcore_scan_reset()) before the
 * first call for each image. */
typedef struct
{
  unsigned kind;                /* 0 unknown, 1 JPEG, 2 PNG */
  size_t pos;                   /* the next byte to look at */
  bool entropy;                 /* JPEG: inside entropy-coded data */
} ImcoreScan;

void imcore_scan_reset (ImcoreScan * scan);

/* Scans the @len bytes at @data, which start with the image being scanned
 * and hold at least the bytes of the previous call for the same image.
 * Sets *@image_len for COMPLETE and BROKEN. */
ImcoreScanResult imcore_scan_image (ImcoreScan * scan, const uint8_t * data,
    size_t len, size_t *image_len);

/* The offset of the first JPEG SOI (FF D8 FF) or PNG signature in @data,
 * or @len when there is none (a partial signature at the very end counts
 * as one, so that nothing is skipped that more bytes would complete). */
size_t imcore_scan_find_start (const uint8_t * data, size_t len);

#endif /* IMCORE_SCAN_H */
