/* gst-imencode core tests: memory that ends at an inaccessible page
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "guarded.h"

#ifdef G_OS_UNIX
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

uint8_t *
guarded_alloc (GuardedBuf * g, size_t size)
{
  size_t page = (size_t) sysconf (_SC_PAGESIZE);
  size_t body = (size + page - 1) / page * page;

  g->map_size = body + page;
  g->map = mmap (NULL, g->map_size, PROT_READ | PROT_WRITE,
      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  g_assert_true (g->map != MAP_FAILED);
  g_assert_cmpint (mprotect (g->map + body, page, PROT_NONE), ==, 0);
  memset (g->map, 0x5a, body);
  return g->map + body - size;
}

void
guarded_free (GuardedBuf * g)
{
  munmap (g->map, g->map_size);
  g->map = NULL;
  g->map_size = 0;
}
#endif
