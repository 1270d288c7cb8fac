/* gst-imencode: libFuzzer target for the base64 decoder and encoder
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Built by tests/meson.build with clang -fsanitize=fuzzer,address,undefined
 * and run over tests/fuzz/corpus-base64/ for a bounded time as the
 * 'fuzz-base64' test. Each input is used twice:
 *
 * - as base64 text: decoded by the default code path (AVX2 where the CPU
 *   has it) and by the portable scalar path, which must return exactly the
 *   same thing; then both again into an output buffer whose size the first
 *   input bytes pick (the exact size needed, less than that, or any size up
 *   to imcore_base64_decoded_max()), checked against the first result.
 * - as bytes: encoded by both paths with flags and a line length the first
 *   input byte picks, which must agree, and decoded back to the same bytes.
 *
 * Every buffer is its own heap allocation of exactly the size the API says
 * is enough, so AddressSanitizer reports any access past it. A broken
 * property prints the check and abort()s; libFuzzer reports that as a
 * crash and saves the input.
 *
 * Reproduce a crash with: build/tests/fuzz-base64 crash-<sha1>
 */

#include "imcore-base64.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz-check.h"

/* Stored in out_len and bad_offset before a call, to see what it wrote. */
#define UNSET SIZE_MAX

/* What one imcore_base64_decode() call returned. */
typedef struct
{
  ImcoreError err;
  size_t out_len;
  size_t bad_offset;
  uint8_t *out;                 /* out_size bytes, free() it */
  size_t out_size;
} Decoded;

/* Decodes @len characters at @text into a new heap buffer of exactly
 * @out_size bytes, and checks what the API promises for any input. */
static Decoded
decode (const char *text, size_t len, size_t out_size, unsigned flags)
{
  Decoded d;

  d.out = malloc (out_size);
  CHECK (d.out != NULL || out_size == 0);
  d.out_size = out_size;
  d.out_len = UNSET;
  d.bad_offset = UNSET;
  d.err = imcore_base64_decode (text, len, d.out, out_size, flags,
      &d.out_len, &d.bad_offset);

  switch (d.err) {
    case IMCORE_OK:
      CHECK (d.out_len <= out_size);
      CHECK (d.out_len <= imcore_base64_decoded_max (len));
      break;
    case IMCORE_ERROR_INVALID_INPUT:
    case IMCORE_ERROR_NO_SPACE:
      /* the decoder clears it on entry and sets it for invalid input; the
       * offset is @len for a truncated end */
      CHECK (d.bad_offset <= len);
      break;
    default:
      CHECK (!"unexpected error code");
  }
  return d;
}

/* The two code paths must agree on everything the API returns. The bytes
 * are compared up to out_len only, and only on success: past the end of
 * its last block the AVX2 kernel writes zeros (it stores 32 bytes for 24),
 * where the scalar loop writes nothing; neither is part of the API. */
static void
check_same (const Decoded * simd, const Decoded * scalar)
{
  CHECK (simd->err == scalar->err);
  CHECK (simd->out_len == scalar->out_len);
  CHECK (simd->bad_offset == scalar->bad_offset);
  if (simd->err == IMCORE_OK && simd->out_len > 0)
    CHECK (memcmp (simd->out, scalar->out, simd->out_len) == 0);
}

/* Checks a decode into a buffer of another size against @full, the result
 * with a buffer of imcore_base64_decoded_max() bytes. */
static void
check_against_full (const Decoded * d, const Decoded * full)
{
  if (full->err == IMCORE_OK) {
    /* exactly out_len bytes are enough; anything less is not */
    if (d->out_size >= full->out_len) {
      CHECK (d->err == IMCORE_OK);
      CHECK (d->out_len == full->out_len);
      CHECK (d->out_len == 0 || memcmp (d->out, full->out, d->out_len) == 0);
    } else {
      CHECK (d->err == IMCORE_ERROR_NO_SPACE);
    }
  } else {
    /* the input is still invalid, unless the buffer fills up before the
     * decoder reaches the bad character */
    CHECK (full->err == IMCORE_ERROR_INVALID_INPUT);
    CHECK (d->err != IMCORE_OK);
    if (d->err == IMCORE_ERROR_INVALID_INPUT)
      CHECK (d->bad_offset == full->bad_offset);
  }
}

/* The input as base64 text, through both code paths. */
static void
fuzz_decode (const uint8_t * data, size_t size)
{
  const char *text = (const char *) data;
  size_t max = imcore_base64_decoded_max (size);
  uint8_t b0 = size > 0 ? data[0] : 0;
  uint8_t b1 = size > 1 ? data[1] : 0;
  uint8_t b2 = size > 2 ? data[2] : 0;
  Decoded full, full_scalar, part, part_scalar;
  size_t out_size;

  full = decode (text, size, max, 0);
  full_scalar = decode (text, size, max, IMCORE_BASE64_PORTABLE);
  check_same (&full, &full_scalar);

  /* Another output size, picked by the low bits of the first byte. The
   * two paths agree with any size, not only when both succeed: the AVX2
   * kernel takes only 32-character blocks of alphabet characters, and only
   * while 32 bytes of room are left, which are blocks the scalar loop
   * decodes into the same 24 bytes without running out of room. So both
   * paths reach the character or group that fails with the same output
   * count and fail the same way: check_same() holds for any size. */
  switch (b0 & 3) {
    case 0:
      out_size = max;           /* nothing new: no second decode */
      break;
    case 1:                    /* exactly enough */
      out_size = full.err == IMCORE_OK ? full.out_len : max;
      break;
    case 2:                    /* too small, by 1 to 256 bytes */
      if (full.err == IMCORE_OK && full.out_len > 0)
        out_size = full.out_len - 1 - b1 % full.out_len;
      else
        out_size = b1 % (max + 1);
      break;
    default:                   /* anything up to the bound */
      out_size = (((size_t) b1 << 8) | b2) % (max + 1);
      break;
  }
  if (out_size != max) {
    part = decode (text, size, out_size, 0);
    part_scalar = decode (text, size, out_size, IMCORE_BASE64_PORTABLE);
    check_same (&part, &part_scalar);
    check_against_full (&part, &full);
    free (part.out);
    free (part_scalar.out);
  }

  free (full.out);
  free (full_scalar.out);
}

/* Checks the shape of encoded text: characters of the alphabet @flags
 * chooses, '=' only at the end of the data and only with padding, and a
 * '\n' after every @line_length characters (none after the last line). */
static void
check_text (const char *text, size_t len, unsigned flags, size_t line_length)
{
  const char *extra = (flags & IMCORE_BASE64_URL_SAFE) ? "-_" : "+/";
  size_t i, column = 0, chars = 0, pads = 0;

  for (i = 0; i < len; i++) {
    char c = text[i];

    if (c == '\n') {
      CHECK (line_length > 0 && column == line_length && i + 1 < len);
      column = 0;
      continue;
    }
    CHECK (line_length == 0 || column < line_length);
    column++;
    chars++;
    if (c == '=') {
      CHECK (!(flags & IMCORE_BASE64_NO_PADDING));
      pads++;
      continue;
    }
    CHECK (pads == 0);
    CHECK ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9') || c == extra[0] || c == extra[1]);
  }
  CHECK (pads <= 2);
  if (!(flags & IMCORE_BASE64_NO_PADDING))
    CHECK (chars % 4 == 0);
  else
    CHECK (chars % 4 != 1);
}

/* The input as bytes: encode with both code paths, then decode back. */
static void
fuzz_round_trip (const uint8_t * data, size_t size)
{
  static const size_t line_lengths[4] = { 0, 4, 5, 76 };
  uint8_t b0 = size > 0 ? data[0] : 0;
  unsigned flags = 0;
  size_t line_length = line_lengths[(b0 >> 4) & 3];
  size_t text_len, n;
  char *text, *text_scalar;
  Decoded back, back_scalar;

  if (b0 & 0x04)
    flags |= IMCORE_BASE64_URL_SAFE;
  if (b0 & 0x08)
    flags |= IMCORE_BASE64_NO_PADDING;

  text_len = imcore_base64_encoded_len (size, flags, line_length);
  CHECK (text_len != SIZE_MAX);
  text = malloc (text_len);
  text_scalar = malloc (text_len);
  CHECK ((text != NULL && text_scalar != NULL) || text_len == 0);

  n = imcore_base64_encode (data, size, text, flags, line_length);
  CHECK (n == text_len);
  n = imcore_base64_encode (data, size, text_scalar,
      flags | IMCORE_BASE64_PORTABLE, line_length);
  CHECK (n == text_len);
  CHECK (text_len == 0 || memcmp (text, text_scalar, text_len) == 0);
  check_text (text, text_len, flags, line_length);

  back = decode (text, text_len, imcore_base64_decoded_max (text_len), 0);
  back_scalar = decode (text, text_len, imcore_base64_decoded_max (text_len),
      IMCORE_BASE64_PORTABLE);
  check_same (&back, &back_scalar);
  CHECK (back.err == IMCORE_OK);
  CHECK (back.out_len == size);
  CHECK (size == 0 || memcmp (back.out, data, size) == 0);

  free (back.out);
  free (back_scalar.out);
  free (text);
  free (text_scalar);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  fuzz_decode (data, size);
  fuzz_round_trip (data, size);
  return 0;
}
