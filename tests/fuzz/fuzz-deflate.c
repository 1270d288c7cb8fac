/* gst-imencode: libFuzzer target for PNG level 1's deflate
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Built by tests/meson.build with clang -fsanitize=fuzzer,address,undefined
 * and run over tests/fuzz/corpus-deflate/ for a bounded time as the
 * 'fuzz-deflate' test. The first input byte picks how the rest becomes
 * the bytes to compress: as they are, or as (value, count) pairs expanded
 * into runs of up to 1024 bytes (runs past deflate's longest match), or
 * repeated up to 2 MB (several blocks). The stream goes into a heap
 * buffer of exactly imcore_deflate_zlib_bound() and must inflate with
 * zlib to the same bytes; then into a buffer whose size the second byte
 * picks (around the stream's length), where it must give 0 or the same
 * stream. A broken property prints the check and abort()s.
 *
 * Reproduce a crash with: build/tests/fuzz-deflate crash-<sha1>
 */

#include "imcore-deflate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "fuzz-check.h"

#define MAX_BYTES (2u * 1024u * 1024u)

/* The bytes to compress, made from @data as @mode says; their length */
static size_t
make_input (unsigned mode, const uint8_t * data, size_t size, uint8_t * in)
{
  size_t n = 0;

  if (mode == 0 || size == 0) {
    memcpy (in, data, size);
    return size;
  }
  if (mode == 1) {
    for (size_t i = 0; i + 1 < size; i += 2) {
      size_t run = 1 + (size_t) data[i + 1] * 4;

      if (n + run > MAX_BYTES)
        break;
      memset (in + n, data[i], run);
      n += run;
    }
    return n;
  }
  /* the bytes again and again, a little different each time */
  while (n + size <= MAX_BYTES && n < (size_t) mode * 65536) {
    memcpy (in + n, data, size);
    in[n] ^= (uint8_t) (n >> 8);
    n += size;
  }
  return n;
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  static ImcoreDeflate *d;
  uint8_t *in, *out, *back, *small;
  size_t len, bound, z, small_size, got;
  uLongf back_len;
  unsigned mode;
  int delta;

  if (size < 2 || size > MAX_BYTES)
    return 0;
  if (!d)
    d = imcore_deflate_new ();
  CHECK (d != NULL);
  mode = data[0] % 3 == 2 ? 2 + data[0] / 3 % 32 : data[0] % 3;
  delta = (int) data[1] - 128;
  data += 2;
  size -= 2;

  in = malloc (MAX_BYTES);
  CHECK (in != NULL);
  len = make_input (mode, data, size, in);
  bound = imcore_deflate_zlib_bound (len);
  CHECK (bound > len);
  out = malloc (bound);
  back = malloc (len + 1);
  CHECK (out && back);
  z = imcore_deflate_zlib (d, in, len, out, bound);
  CHECK (z > 0 && z + 8 <= bound);
  back_len = len;
  CHECK (uncompress (back, &back_len, out, z) == Z_OK);
  CHECK (back_len == len);
  CHECK (memcmp (back, in, len) == 0);

  /* a buffer near the stream's end: 0 below the stream and its slack,
   * else the same stream */
  small_size = (size_t) ((long) z + 8 + delta / 16 > 0 ?
      (long) z + 8 + delta / 16 : 1);
  small = malloc (small_size);
  CHECK (small != NULL);
  got = imcore_deflate_zlib (d, in, len, small, small_size);
  if (small_size < z + 8)
    CHECK (got == 0);
  else
    CHECK (got == z && memcmp (small, out, z) == 0);

  free (small);
  free (back);
  free (out);
  free (in);
  return 0;
}
