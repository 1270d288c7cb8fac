/* gst-imencode core: base64 (RFC 4648) encoding and decoding
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef IMCORE_BASE64_H
#define IMCORE_BASE64_H

#include "imcore-error.h"

#include <stddef.h>
#include <stdint.h>

/* Encoder flags, or-ed together. */
enum
{
  IMCORE_BASE64_URL_SAFE = 1 << 0,      /* RFC 4648 section 5: '-' and '_' */
  IMCORE_BASE64_NO_PADDING = 1 << 1,    /* no trailing '=' */
  /* Use the portable scalar code even where a SIMD path exists (tests and
   * benchmarks compare the two; the output is identical). */
  IMCORE_BASE64_PORTABLE = 1 << 2,
};

/* Exact number of characters imcore_base64_encode() writes for @len input
 * bytes with @flags, wrapping lines every @line_length characters with
 * '\n' (0 = one line, no break; no break after the last line). Returns
 * SIZE_MAX if the length does not fit in size_t. */
size_t imcore_base64_encoded_len (size_t len, unsigned flags,
    size_t line_length);

/* Encodes @len bytes at @in into @out, which must hold
 * imcore_base64_encoded_len(@len, @flags, @line_length) characters; @in
 * and @out must not overlap. No terminating NUL is written. Returns the
 * number of characters written. Whole 3-byte groups are encoded with AVX2
 * when the CPU has it (chosen at run time), else with a table-driven
 * scalar loop. */
size_t imcore_base64_encode (const uint8_t * in, size_t len, char *out,
    unsigned flags, size_t line_length);

/* An upper bound of the bytes imcore_base64_decode() writes for @len
 * characters of input. */
size_t imcore_base64_decoded_max (size_t len);

/* If @in starts with a data URI prefix "data:<anything>;base64,", its
 * length; otherwise 0. */
size_t imcore_base64_skip_data_uri (const char *in, size_t len);

/* Decodes @len characters at @in into @out of @out_size bytes; @flags may
 * hold IMCORE_BASE64_PORTABLE (the alphabet and padding flags of the
 * encoder are not needed: everything is accepted). Accepts the
 * standard and the URL-safe alphabet (even mixed), padding or none,
 * whitespace (space, tab, CR, LF, FF, VT) anywhere, and a leading data URI
 * prefix. Bits left over in the last group are ignored. On success writes
 * the byte count to @out_len. IMCORE_ERROR_INVALID_INPUT for a character
 * outside the alphabets, misplaced or wrong padding, or a 1-character final
 * group; the offset in @in of the offending character (@len for a
 * truncated end) goes to @bad_offset when that is not NULL.
 * IMCORE_ERROR_NO_SPACE if @out is too small (imcore_base64_decoded_max()
 * is always enough). */
ImcoreError imcore_base64_decode (const char *in, size_t len, uint8_t * out,
    size_t out_size, unsigned flags, size_t *out_len, size_t *bad_offset);

/* The name of the code path imcore_base64_encode() and _decode() take with
 * @flags on this CPU: "avx2" or "scalar". */
const char *imcore_base64_implementation (unsigned flags);

#endif /* IMCORE_BASE64_H */
