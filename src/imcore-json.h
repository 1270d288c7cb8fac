/* gst-imencode core: a bounded JSON writer into caller memory
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef IMCORE_JSON_H
#define IMCORE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imcore-error.h"

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

/* Deepest nesting of objects and arrays imcore_json_check_object()
 * accepts. */
#define IMCORE_JSON_MAX_DEPTH 64

/* Checks that the @len bytes at @text are exactly one JSON object (RFC
 * 8259, strictly: no comments, no trailing commas, no NaN, strings of valid
 * UTF-8 without raw control characters, nesting at most
 * IMCORE_JSON_MAX_DEPTH), with only whitespace around it. Does not need a
 * NUL terminator and allocates nothing. When @compact is not NULL it
 * receives the same object without the whitespace outside its strings
 * (at most @len bytes, no NUL added) and *@compact_len its length, so it
 * fits on one line. IMCORE_ERROR_INVALID_INPUT when the text is anything
 * else (an array, a number, two objects, broken JSON, deeper nesting),
 * IMCORE_ERROR_INVALID_ARGUMENT for a NULL @text. */
ImcoreError imcore_json_check_object (const char *text, size_t len,
    char *compact, size_t *compact_len);

/* Whether everything written so far fitted. */
bool imcore_json_ok (const ImcoreJsonWriter * w);

#endif /* IMCORE_JSON_H */
