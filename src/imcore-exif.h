/* gst-imencode core: the Exif capture time of an image
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef IMCORE_EXIF_H
#define IMCORE_EXIF_H

#include <stddef.h>
#include <stdint.h>

#include "imcore-error.h"

/* The identifier that starts a JPEG APP1 Exif marker's payload, before the
 * TIFF bytes (6 bytes, two of them NUL). */
#define IMCORE_EXIF_APP1_ID "Exif\0\0"
#define IMCORE_EXIF_APP1_ID_LEN 6u

/* The size of what imcore_exif_write_tiff() writes, whatever the time: an
 * output buffer of this size always holds it. */
size_t imcore_exif_tiff_size (void);

/* The size of what imcore_exif_write_app1() writes:
 * IMCORE_EXIF_APP1_ID_LEN + imcore_exif_tiff_size(). */
size_t imcore_exif_app1_size (void);

/* Writes the Exif block (TIFF, little-endian) of a capture time into the
 * caller's @out of @out_size bytes: IFD0 holding only the Exif IFD
 * pointer; the Exif IFD with ExifVersion "0232", DateTimeOriginal
 * "YYYY:MM:DD HH:MM:SS", OffsetTimeOriginal "+00:00" and
 * SubSecTimeOriginal (the milliseconds, 3 digits, truncated, not
 * rounded). @unix_ns is the time in UTC, nanoseconds since 1970-01-01
 * 00:00:00 UTC (leap seconds not counted, as POSIX time); any such int64_t
 * time is before the year 2263, so always has a four-digit year. This is
 * the payload of a PNG eXIf chunk, and of a JPEG APP1 marker after
 * IMCORE_EXIF_APP1_ID (the JPEG encoder writes that marker itself from
 * these bytes: ImcoreJpegParams' exif). Errors:
 * IMCORE_ERROR_INVALID_ARGUMENT for a NULL @out or @out_len, or a time
 * before 1970 (negative: a clock that is not set, or a conversion that
 * went wrong); IMCORE_ERROR_NO_SPACE if @out_size <
 * imcore_exif_tiff_size(), nothing written. On success writes the byte
 * count to @out_len. */
ImcoreError imcore_exif_write_tiff (int64_t unix_ns, uint8_t * out,
    size_t out_size, size_t *out_len);

/* The same block as a JPEG APP1 marker's payload: IMCORE_EXIF_APP1_ID,
 * then imcore_exif_write_tiff()'s bytes (the marker 0xFFE1 and its length
 * are not written). Errors as imcore_exif_write_tiff(), with
 * imcore_exif_app1_size() as the size needed. */
ImcoreError imcore_exif_write_app1 (int64_t unix_ns, uint8_t * out,
    size_t out_size, size_t *out_len);

#endif /* IMCORE_EXIF_H */
