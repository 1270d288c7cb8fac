/* gst-imencode: the smallest libFuzzer target
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * tests/meson.build links this at configure time with clang and the
 * fuzzer and sanitizer flags, to find out whether clang and its libFuzzer
 * runtime are installed before it builds fuzz-base64. It is never run.
 */

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  return 0;
}
