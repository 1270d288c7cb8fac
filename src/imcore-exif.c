/* gst-imencode core: the Exif capture time of an image
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-exif.h"

#include <string.h>

/* The block, little-endian TIFF (Exif 2.32, CIPA DC-008):
 *
 *   0  "II", 42, offset of IFD0 (8)
 *   8  IFD0: 1 entry, ExifIFDPointer -> 26; no next IFD      (18 bytes)
 *  26  Exif IFD: 4 entries, in ascending tag order; no next  (54 bytes)
 *  80  DateTimeOriginal's 20 bytes "YYYY:MM:DD HH:MM:SS\0"
 * 100  OffsetTimeOriginal's 7 bytes "+00:00\0", one byte of padding
 * 108  end
 *
 * ExifVersion (4 bytes) and SubSecTimeOriginal ("mmm\0", 4 bytes) fit in
 * their entries' value fields. */
#define TIFF_HEADER_SIZE 8u
#define IFD0_OFFSET TIFF_HEADER_SIZE
#define IFD0_ENTRIES 1u
#define EXIF_IFD_OFFSET (IFD0_OFFSET + 2u + 12u * IFD0_ENTRIES + 4u)
#define EXIF_IFD_ENTRIES 4u
#define DATE_OFFSET (EXIF_IFD_OFFSET + 2u + 12u * EXIF_IFD_ENTRIES + 4u)
#define DATE_LEN 20u
#define ZONE_OFFSET (DATE_OFFSET + DATE_LEN)
#define ZONE_LEN 7u
#define TIFF_SIZE (ZONE_OFFSET + ZONE_LEN + 1u)

/* TIFF tags and types */
#define TAG_EXIF_IFD_POINTER 0x8769u
#define TAG_EXIF_VERSION 0x9000u
#define TAG_DATE_TIME_ORIGINAL 0x9003u
#define TAG_OFFSET_TIME_ORIGINAL 0x9011u
#define TAG_SUB_SEC_TIME_ORIGINAL 0x9291u
#define TYPE_ASCII 2u
#define TYPE_LONG 4u
#define TYPE_UNDEFINED 7u

static void
put16 (uint8_t * p, uint32_t v)
{
  p[0] = (uint8_t) (v & 0xff);
  p[1] = (uint8_t) ((v >> 8) & 0xff);
}

static void
put32 (uint8_t * p, uint32_t v)
{
  put16 (p, v & 0xffff);
  put16 (p + 2, v >> 16);
}

/* One 12-byte IFD entry at @p; its value field holds @offset (of the
 * data), or the data itself when @inline_value is set (4 bytes) */
static void
put_entry (uint8_t * p, uint32_t tag, uint32_t type, uint32_t count,
    uint32_t offset, const char *inline_value)
{
  put16 (p, tag);
  put16 (p + 2, type);
  put32 (p + 4, count);
  if (inline_value)
    memcpy (p + 8, inline_value, 4);
  else
    put32 (p + 8, offset);
}

/* The civil date of day @days since 1970-01-01 (>= 0), proleptic
 * Gregorian: the days are counted in 400-year eras of 146097 days,
 * starting each year on 1 March so that the leap day is a year's last */
static void
civil_from_days (int64_t days, int64_t * year, unsigned *month,
    unsigned *day)
{
  int64_t z = days + 719468;    /* days since 0000-03-01 */
  int64_t era = z / 146097;
  int64_t doe = z - era * 146097;       /* 0..146096 */
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);        /* 0..365 */
  int64_t mp = (5 * doy + 2) / 153;     /* 0 = March .. 11 = February */

  *day = (unsigned) (doy - (153 * mp + 2) / 5 + 1);
  *month = (unsigned) (mp < 10 ? mp + 3 : mp - 9);
  *year = yoe + era * 400 + (*month <= 2);
}

/* @n (< 10^@width) as @width decimal digits at @p */
static void
put_digits (char *p, int64_t n, unsigned width)
{
  while (width--) {
    p[width] = (char) ('0' + n % 10);
    n /= 10;
  }
}

size_t
imcore_exif_tiff_size (void)
{
  return TIFF_SIZE;
}

size_t
imcore_exif_app1_size (void)
{
  return IMCORE_EXIF_APP1_ID_LEN + TIFF_SIZE;
}

ImcoreError
imcore_exif_write_tiff (int64_t unix_ns, uint8_t * out, size_t out_size,
    size_t *out_len)
{
  int64_t secs, days, sod, year;
  unsigned month, day;
  char date[DATE_LEN], subsec[4];
  uint8_t *p;

  if (!out || !out_len || unix_ns < 0)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if (out_size < TIFF_SIZE)
    return IMCORE_ERROR_NO_SPACE;

  secs = unix_ns / 1000000000;
  days = secs / 86400;
  sod = secs % 86400;
  civil_from_days (days, &year, &month, &day);
  /* "YYYY:MM:DD HH:MM:SS" and its NUL */
  memcpy (date, "0000:00:00 00:00:00", DATE_LEN);
  put_digits (date, year, 4);
  put_digits (date + 5, month, 2);
  put_digits (date + 8, day, 2);
  put_digits (date + 11, sod / 3600, 2);
  put_digits (date + 14, sod / 60 % 60, 2);
  put_digits (date + 17, sod % 60, 2);
  put_digits (subsec, unix_ns / 1000000 % 1000, 3);
  subsec[3] = '\0';

  memset (out, 0, TIFF_SIZE);
  p = out;
  p[0] = p[1] = 'I';
  put16 (p + 2, 42);
  put32 (p + 4, IFD0_OFFSET);

  p = out + IFD0_OFFSET;
  put16 (p, IFD0_ENTRIES);
  put_entry (p + 2, TAG_EXIF_IFD_POINTER, TYPE_LONG, 1, EXIF_IFD_OFFSET,
      NULL);
  put32 (p + 2 + 12 * IFD0_ENTRIES, 0);

  p = out + EXIF_IFD_OFFSET;
  put16 (p, EXIF_IFD_ENTRIES);
  put_entry (p + 2, TAG_EXIF_VERSION, TYPE_UNDEFINED, 4, 0, "0232");
  put_entry (p + 14, TAG_DATE_TIME_ORIGINAL, TYPE_ASCII, DATE_LEN,
      DATE_OFFSET, NULL);
  put_entry (p + 26, TAG_OFFSET_TIME_ORIGINAL, TYPE_ASCII, ZONE_LEN,
      ZONE_OFFSET, NULL);
  put_entry (p + 38, TAG_SUB_SEC_TIME_ORIGINAL, TYPE_ASCII, 4, 0, subsec);
  put32 (p + 2 + 12 * EXIF_IFD_ENTRIES, 0);

  memcpy (out + DATE_OFFSET, date, DATE_LEN);
  memcpy (out + ZONE_OFFSET, "+00:00", ZONE_LEN);
  *out_len = TIFF_SIZE;
  return IMCORE_OK;
}

ImcoreError
imcore_exif_write_app1 (int64_t unix_ns, uint8_t * out, size_t out_size,
    size_t *out_len)
{
  size_t len;
  ImcoreError err;

  if (!out || !out_len)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if (unix_ns >= 0 && out_size < imcore_exif_app1_size ())
    return IMCORE_ERROR_NO_SPACE;
  err = imcore_exif_write_tiff (unix_ns, out + IMCORE_EXIF_APP1_ID_LEN,
      out_size < IMCORE_EXIF_APP1_ID_LEN ? 0 :
      out_size - IMCORE_EXIF_APP1_ID_LEN, &len);
  if (err != IMCORE_OK)
    return err;
  memcpy (out, IMCORE_EXIF_APP1_ID, IMCORE_EXIF_APP1_ID_LEN);
  *out_len = IMCORE_EXIF_APP1_ID_LEN + len;
  return IMCORE_OK;
}
