/* gst-imencode: what every libFuzzer target here shares
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CHECK(cond): a property the target asserts. When it does not hold, the
 * file, line and condition are printed and the run abort()s, which
 * libFuzzer reports as a crash and saves the input of.
 */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

static void fuzz_check_failed (const char *file, int line, const char *what)
    __attribute__ ((noreturn));

static void
fuzz_check_failed (const char *file, int line, const char *what)
{
  fprintf (stderr, "%s:%d: check failed: %s\n", file, line, what);
  abort ();
}

#define CHECK(cond) \
  do { \
    if (!(cond)) \
      fuzz_check_failed (__FILE__, __LINE__, #cond); \
  } while (0)

#endif /* FUZZ_CHECK_H */
