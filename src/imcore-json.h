/* gst-imencode core: a bounded JSON writer into caller memory
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef IMCORE_JSON_H
#define IMCORE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes JSON text into a caller's buffer, never past its end: a write
 * that does not fit marks the writer overflowed and writes nothing more,
 * so a caller checks once at the end. No allocation, no locale: numbers
 * always use '.' as the decimal separator. */
typedef struct
{
  char *out;
  size_t size;                  /* bytes at @out */
  size_t len;                   /* bytes written */
  bool overflow;
} ImcoreJsonWriter;

/* Starts writing at @out, which holds @size bytes. */
void imcore_json_init (ImcoreJsonWriter * w, char *out, size_t size);

/* Appends @text as it is (punctuation, keys known to need no escaping). */
void imcore_json_raw (ImcoreJsonWriter * w, const char *text);

/* Appends the NUL-terminated @text as a JSON string: quoted, with '"',
 * '\\' and control characters escaped, and bytes that are not valid UTF-8
 * replaced by U+FFFD, so the result is valid JSON whatever @text holds. */
void imcore_json_string (ImcoreJsonWriter * w, const char *text);

/* The most bytes imcore_json_string() writes for a text of @len bytes. */
size_t imcore_json_string_bound (size_t len);

/* Appends an integer. */
void imcore_json_int (ImcoreJsonWriter * w, int64_t value);
void imcore_json_uint (ImcoreJsonWriter * w, uint64_t value);

/* Appends @value as printf's "%.9g" writes it in the C locale (nine
 * significant digits, rounded half to even, '.' as the decimal point
 * whatever the process's or thread's locale: printf is not used), or null
 * when it is not finite (JSON has no NaN or infinity). */
void imcore_json_double (ImcoreJsonWriter * w, double value);

/* Whether everything written so far fitted. */
bool imcore_json_ok (const ImcoreJsonWriter * w);

#endif /* IMCORE_JSON_H */
