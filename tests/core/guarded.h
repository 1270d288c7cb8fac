/* gst-imencode core tests: memory that ends at an inaccessible page
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A plane allocated here ends right before a PROT_NONE page, so that code
 * reading or writing past the end of what it was given faults. POSIX only
 * (G_OS_UNIX).
 */
#ifndef TEST_GUARDED_H
#define TEST_GUARDED_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#ifdef G_OS_UNIX
typedef struct
{
  uint8_t *map;
  size_t map_size;
} GuardedBuf;

/* @size bytes, filled with 0x5a, ending right before a PROT_NONE page;
 * fails the test if the mapping cannot be made. Release with
 * guarded_free(). */
uint8_t *guarded_alloc (GuardedBuf * g, size_t size);

/* Unmaps what guarded_alloc() mapped into @g. */
void guarded_free (GuardedBuf * g);
#endif

#endif /* TEST_GUARDED_H */
