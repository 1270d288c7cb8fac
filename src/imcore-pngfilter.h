/* gst-imencode core: PNG row filters, AVX2 and portable
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The PNG encoder (imcore-png.c) filters every row before deflate. These
 * are its row kernels, exposed so that the AVX2 and the portable versions
 * can be tested against each other and against the PNG specification
 * (section 9.2: filter type 0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth, each
 * byte x minus a predictor of a = the byte bpp to the left, b = the byte
 * above, c = the byte above and to the left, all 0 outside the image).
 * Both versions compute the same integers, so they write the same bytes.
 */
#ifndef IMCORE_PNGFILTER_H
#define IMCORE_PNGFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* PNG filter types, as written in each row's first byte */
#define IMCORE_PNG_FILTER_TYPE_NONE 0u
#define IMCORE_PNG_FILTER_TYPE_SUB 1u
#define IMCORE_PNG_FILTER_TYPE_UP 2u
#define IMCORE_PNG_FILTER_TYPE_AVG 3u
#define IMCORE_PNG_FILTER_TYPE_PAETH 4u
#define IMCORE_PNG_FILTER_N_TYPES 5u

/* Whether the kernels run AVX2 for @portable false: the CPU has it (and
 * the library was built for x86 with a compiler that targets it). With
 * @portable true, false. */
bool imcore_png_filter_use_avx2 (bool portable);

/* Writes the @n bytes of row @cur filtered with @type (0..4; anything else
 * is taken as None) into @out, which must not overlap @cur or @prev. @prev
 * is the unfiltered row above (@n bytes; all zeros for the first row, not
 * NULL), @bpp the bytes per pixel (1..8). @avx2: the AVX2 kernels (only
 * if imcore_png_filter_use_avx2() said so), else the portable ones. */
void imcore_png_filter_row (unsigned type, const uint8_t * cur,
    const uint8_t * prev, size_t n, unsigned bpp, uint8_t * out, bool avx2);

/* The cost of each filter type on row @cur (arguments as for
 * imcore_png_filter_row()): @costs[t] is the sum over the filtered bytes
 * of their magnitude as signed bytes (0..128; libpng's heuristic), which
 * the adaptive choice minimises. */
void imcore_png_filter_costs (const uint8_t * cur, const uint8_t * prev,
    size_t n, unsigned bpp, uint64_t costs[IMCORE_PNG_FILTER_N_TYPES],
    bool avx2);

#endif /* IMCORE_PNGFILTER_H */
