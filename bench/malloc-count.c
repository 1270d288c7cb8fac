/* gst-imencode benchmark helper: heap allocations counted by origin
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An LD_PRELOAD library for bench-imencode. It wraps malloc, calloc,
 * realloc, posix_memalign, aligned_alloc and memalign, passes every call on
 * to the C library, and counts each new block (every call but a realloc
 * that resizes in place) in one of three counters by the shared object its
 * immediate caller lives in: libturbojpeg / libjpeg, libpng / libz, or
 * anything else (GLib, GStreamer, the plugin, libc itself). A g_malloc()
 * therefore counts as "other", whoever called GLib.
 *
 * The program reads the counters through bench_malloc_count(), found with
 * dlsym (RTLD_DEFAULT, ...) so that it runs without the preload too, and
 * can leave out its own allocations (the thread that feeds the pipeline)
 * with bench_malloc_ignore_thread(). free() is not counted.
 *
 * While the real functions are being looked up, dlsym() may itself
 * allocate; those few requests are served from a static buffer that is
 * never freed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* origins; bench-imencode.c uses the same numbers */
enum
{
  ORIGIN_JPEG,                  /* libturbojpeg, libjpeg */
  ORIGIN_PNG,                   /* libpng, libz */
  ORIGIN_OTHER,
  N_ORIGINS
};

typedef void *(*MallocFunc) (size_t);
typedef void *(*CallocFunc) (size_t, size_t);
typedef void *(*ReallocFunc) (void *, size_t);
typedef void (*FreeFunc) (void *);
typedef int (*PosixMemalignFunc) (void **, size_t, size_t);
typedef void *(*AlignFunc) (size_t, size_t);

static MallocFunc real_malloc;
static CallocFunc real_calloc;
static ReallocFunc real_realloc;
static FreeFunc real_free;
static PosixMemalignFunc real_posix_memalign;
static AlignFunc real_aligned_alloc;
static AlignFunc real_memalign;

static unsigned long long counts[N_ORIGINS];

/* initial-exec: the preloaded library's TLS is static, and reaching it
 * must never allocate */
#define THREAD_LOCAL __thread __attribute__ ((tls_model ("initial-exec")))

static THREAD_LOCAL int ignored;
static THREAD_LOCAL int busy;

/* the last few shared objects seen by this thread, by address range */
#define CACHE_SIZE 8
typedef struct
{
  uintptr_t start, end;
  int origin;
} CachedObject;
static THREAD_LOCAL CachedObject cache[CACHE_SIZE];
static THREAD_LOCAL unsigned cache_next;

/* ---- bootstrap memory, used only while dlsym() runs ---- */

#define BOOT_SIZE (64 * 1024)
#define BOOT_HEADER 16
static unsigned char boot[BOOT_SIZE] __attribute__ ((aligned (64)));
static size_t boot_used;
static int resolving;

static int
in_boot (const void *p)
{
  const unsigned char *b = p;

  return b >= boot && b < boot + BOOT_SIZE;
}

/* Zeroed memory (the buffer is static and never reused), @align a power of
 * two; the request size is kept in the 16 bytes before the block. */
static void *
boot_alloc (size_t size, size_t align)
{
  size_t start;

  if (align < BOOT_HEADER)
    align = BOOT_HEADER;
  start = (boot_used + BOOT_HEADER + align - 1) & ~(align - 1);
  if (start > BOOT_SIZE || size > BOOT_SIZE - start)
    return NULL;
  memcpy (boot + start - sizeof (size_t), &size, sizeof (size_t));
  boot_used = start + size;
  return boot + start;
}

static size_t
boot_size (const void *p)
{
  size_t size;

  memcpy (&size, (const unsigned char *) p - sizeof (size_t), sizeof (size));
  return size;
}

static void
resolve (void)
{
  if (real_malloc || resolving)
    return;
  resolving = 1;
  real_calloc = (CallocFunc) dlsym (RTLD_NEXT, "calloc");
  real_realloc = (ReallocFunc) dlsym (RTLD_NEXT, "realloc");
  real_free = (FreeFunc) dlsym (RTLD_NEXT, "free");
  real_posix_memalign = (PosixMemalignFunc) dlsym (RTLD_NEXT, "posix_memalign");
  real_aligned_alloc = (AlignFunc) dlsym (RTLD_NEXT, "aligned_alloc");
  real_memalign = (AlignFunc) dlsym (RTLD_NEXT, "memalign");
  /* last: a set real_malloc means everything is there */
  real_malloc = (MallocFunc) dlsym (RTLD_NEXT, "malloc");
  resolving = 0;
}

static void __attribute__ ((constructor))
malloc_count_init (void)
{
  resolve ();
}

/* ---- attribution ---- */

static int
origin_of_path (const char *path)
{
  const char *base = strrchr (path, '/');

  base = base ? base + 1 : path;
  if (strncmp (base, "libturbojpeg.", 13) == 0 ||
      strncmp (base, "libjpeg.", 8) == 0)
    return ORIGIN_JPEG;
  if (strncmp (base, "libpng", 6) == 0 || strncmp (base, "libz.", 5) == 0)
    return ORIGIN_PNG;
  return ORIGIN_OTHER;
}

static int
origin_of (const void *caller)
{
  uintptr_t pc = (uintptr_t) caller;
  CachedObject *c;
  const char *path;
  uintptr_t start, end;

  for (unsigned i = 0; i < CACHE_SIZE; i++) {
    if (pc >= cache[i].start && pc < cache[i].end)
      return cache[i].origin;
  }
#ifdef DLFO_STRUCT_HAS_EH_DBASE
  {
    /* glibc >= 2.35: lock-free, and gives the whole mapping to cache */
    struct dl_find_object fo;

    if (_dl_find_object ((void *) caller, &fo) != 0 || !fo.dlfo_link_map)
      return ORIGIN_OTHER;
    path = fo.dlfo_link_map->l_name;
    start = (uintptr_t) fo.dlfo_map_start;
    end = (uintptr_t) fo.dlfo_map_end;
  }
#else
  {
    Dl_info info;

    if (!dladdr (caller, &info) || !info.dli_fname)
      return ORIGIN_OTHER;
    path = info.dli_fname;
    /* no mapping size from dladdr(): cache this call site only */
    start = pc;
    end = pc + 1;
  }
#endif
  c = &cache[cache_next++ % CACHE_SIZE];
  c->start = start;
  c->end = end;
  c->origin = path ? origin_of_path (path) : ORIGIN_OTHER;
  return c->origin;
}

static void
count (const void *caller)
{
  if (ignored || busy)
    return;
  busy = 1;
  __atomic_fetch_add (&counts[origin_of (caller)], 1, __ATOMIC_RELAXED);
  busy = 0;
}

/* ---- the interface for bench-imencode ---- */

/* Allocations so far from @origin (0 libjpeg, 1 libpng/zlib, 2 other), or
 * from all of them when @origin is negative. */
unsigned long long
bench_malloc_count (int origin)
{
  unsigned long long n = 0;

  if (origin >= N_ORIGINS)
    return 0;
  for (int i = 0; i < N_ORIGINS; i++) {
    if (origin < 0 || origin == i)
      n += __atomic_load_n (&counts[i], __ATOMIC_RELAXED);
  }
  return n;
}

/* Whether the calling thread's allocations are left out from now on. */
void
bench_malloc_ignore_thread (int ignore)
{
  ignored = ignore;
}

/* ---- the wrappers ---- */

void *
malloc (size_t size)
{
  if (!real_malloc) {
    if (resolving)
      return boot_alloc (size, 16);
    resolve ();
  }
  count (__builtin_return_address (0));
  return real_malloc (size);
}

void *
calloc (size_t n, size_t size)
{
  if (!real_malloc) {
    if (resolving) {
      if (size && n > SIZE_MAX / size)
        return NULL;
      return boot_alloc (n * size, 16);
    }
    resolve ();
  }
  count (__builtin_return_address (0));
  return real_calloc (n, size);
}

void *
realloc (void *p, size_t size)
{
  void *q;

  if (!real_malloc) {
    if (resolving) {
      q = boot_alloc (size, 16);
      if (q && p)
        memcpy (q, p, boot_size (p) < size ? boot_size (p) : size);
      return q;
    }
    resolve ();
  }
  if (p && in_boot (p)) {
    q = real_malloc (size);
    count (__builtin_return_address (0));
    if (q)
      memcpy (q, p, boot_size (p) < size ? boot_size (p) : size);
    return q;
  }
  q = real_realloc (p, size);
  /* a block resized in place (or freed by size 0) is not a new one */
  if (q && q != p)
    count (__builtin_return_address (0));
  return q;
}

void
free (void *p)
{
  if (!p || in_boot (p))
    return;
  if (!real_malloc)
    resolve ();
  real_free (p);
}

int
posix_memalign (void **out, size_t align, size_t size)
{
  if (!real_malloc) {
    if (resolving) {
      *out = boot_alloc (size, align);
      return *out ? 0 : ENOMEM;
    }
    resolve ();
  }
  count (__builtin_return_address (0));
  return real_posix_memalign (out, align, size);
}

void *
aligned_alloc (size_t align, size_t size)
{
  if (!real_malloc) {
    if (resolving)
      return boot_alloc (size, align);
    resolve ();
  }
  count (__builtin_return_address (0));
  return real_aligned_alloc (align, size);
}

void *
memalign (size_t align, size_t size)
{
  if (!real_malloc) {
    if (resolving)
      return boot_alloc (size, align);
    resolve ();
  }
  count (__builtin_return_address (0));
  return real_memalign (align, size);
}
