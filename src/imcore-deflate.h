/* gst-imencode core: a fast zlib stream writer for filtered image rows
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The deflate behind PNG compression level 1 (imcore-png.c), "fastest":
 * the strategy of zlib's Z_RLE, which OpenCV's PNG writer uses by default.
 * Filtered camera and photo rows are mostly small numbers that repeat
 * little, except in runs (flat or saturated areas), so the only matches
 * looked for are runs of one byte value (distance 1); after many bytes
 * with none, fewer positions are looked at until the next. Each block
 * gets Huffman codes of its own (RFC 1951 dynamic blocks), or is stored
 * when that is smaller; the stream is a zlib stream (RFC 1950) that any
 * inflater reads. Levels 2-9 go to libdeflate, which searches for matches
 * at any distance.
 */
#ifndef IMCORE_DEFLATE_H
#define IMCORE_DEFLATE_H

#include <stddef.h>
#include <stdint.h>

/* The working state of one thread's compressor: a block's symbols and
 * codes (about 260 KiB); reusable from stream to stream. */
typedef struct ImcoreDeflate ImcoreDeflate;

/* A new compressor, or NULL when out of memory. */
ImcoreDeflate *imcore_deflate_new (void);

/* Frees @d; NULL is allowed. */
void imcore_deflate_free (ImcoreDeflate * d);

/* The largest zlib stream imcore_deflate_zlib() writes for @len bytes of
 * input (stored blocks and their headers, the zlib header and trailer,
 * and the 8 bytes of slack it writes into), or 0 if that does not fit in
 * a size_t. */
size_t imcore_deflate_zlib_bound (size_t len);

/* Compresses the @len bytes at @in (any contents; @len may be 0) into one
 * zlib stream at @out and returns its length; 0 when @out_size is below
 * what the stream needs plus 8 bytes of slack (which it may write over),
 * or when @len is 2^31 or more. @out_size >= imcore_deflate_zlib_bound
 * (@len) always suffices. @in and @out must not overlap. */
size_t imcore_deflate_zlib (ImcoreDeflate * d, const uint8_t * in,
    size_t len, uint8_t * out, size_t out_size);

#endif /* IMCORE_DEFLATE_H */
