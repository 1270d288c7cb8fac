/* gst-imencode core: YUV of any colorimetry to JFIF's, one row at a time
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The JPEG encoder converts its input into a strip of a few rows just
 * before libjpeg reads them, so the rows are converted while they are in
 * cache and no converted copy of the frame exists. These are its row
 * kernels, exposed so that they can be tested against the colorimetry
 * definitions on every input byte.
 *
 * The maths, identical in the AVX2 kernels and the portable C ones (the
 * same 16-bit integer operations, so they give the same bytes), with the
 * map's coefficients in Q14 (see imcore_yuvconv_init()):
 *
 *   Yc = 256 (Y - 128), Uc = 256 (U - 128), Vc = 256 (V - 128)
 *   m (x, w) = (x w + 2^14) >> 15                      (SSSE3's pmulhrsw)
 *   L  = sat16 (sat16 (m (Uc, LU) + m (Vc, LV)) + LK)  (a chroma sample's
 *                                                       part of luma, Q7)
 *   Y' = clamp8 (sat16 (m (Yc, YG) + L) >> 7)
 *   Cb = clamp8 (sat16 (sat16 (m (Uc, BU) + m (Vc, BV)) + 16448) >> 7)
 *   Cr = clamp8 (sat16 (sat16 (m (Uc, RU) + m (Vc, RV)) + 16448) >> 7)
 *
 * where sat16 saturates to int16, clamp8 to 0..255, >> is arithmetic, and
 * 16448 is 128 in Q7 plus half a unit. When only the range differs, LU,
 * LV, BV and RU are 0 and L is the constant LK. Against the exact map every
 * output is within 1 of the exact value rounded, and equal to it unless
 * the exact value lies within 0.03 of a half (tests/core/test-colour.c
 * checks every input).
 */
#ifndef IMCORE_YUVCONV_H
#define IMCORE_YUVCONV_H

#include "imcore-image.h"

/* A colorimetry map to JFIF (BT.601, full range), in fixed point. Made by
 * imcore_yuvconv_init(); read-only afterwards, so one map may serve
 * several threads. */
typedef struct
{
  bool identity;                /* JFIF already: every sample maps to itself */
  bool cross;                   /* the matrices differ: luma takes chroma in,
                                 * and each chroma output both chroma inputs */
  bool avx2;                    /* the kernels use AVX2 (this CPU has it) */
  int16_t y_gain;               /* YG */
  int16_t l_weight[2];          /* LU, LV */
  int16_t l_const;              /* LK: L of every sample when !cross */
  int16_t cb_weight[2];         /* BU, BV */
  int16_t cr_weight[2];         /* RU, RV */
  /* the portable kernels' tables: the same products, looked up */
  int16_t y_term[256];          /* m (Yc, YG) */
  int16_t u_term[3][256];       /* m (Uc, w): w = BU, RU, LU */
  int16_t v_term[3][256];       /* m (Vc, w): w = BV, RV, LV */
  uint8_t y_map[256];           /* Y' when L is LK */
  uint8_t cb_map[256], cr_map[256];     /* Cb of U, Cr of V, when !cross */
} ImcoreYuvConv;

/* Flags of imcore_yuvconv_init() */
#define IMCORE_YUVCONV_PORTABLE (1u << 0)       /* no AVX2, even if present */

/* Sets up @conv for samples in colorimetry @from. Refuses
 * (IMCORE_ERROR_INVALID_ARGUMENT) a matrix that is not one (Kr, Kb > 0,
 * Kr + Kb < 1) and one whose map does not fit the kernels' 16-bit
 * arithmetic (gains of 2 or more, or a chroma step moving luma by about
 * half a step or more; every matrix GStreamer knows moves it by less than
 * a quarter). @flags: 0 or IMCORE_YUVCONV_PORTABLE. */
ImcoreError imcore_yuvconv_init (ImcoreYuvConv * conv,
    const ImcoreYuvColorimetry * from, unsigned flags);

/* "avx2" or "portable": which kernels @conv runs. */
const char *imcore_yuvconv_implementation (const ImcoreYuvConv * conv);

/* Converts @n chroma samples. Each output may be NULL when not wanted:
 * @cb and @cr the JFIF chroma, @lterm each sample's L for
 * imcore_yuvconv_luma() (not needed when !conv->cross: L is then
 * conv->l_const). Inputs:
 *   _planar: U at @u[i], V at @v[i];
 *   _pairs: semi-planar, sample i at @pairs[2 i] and @pairs[2 i + 1], V
 *     first if @v_first;
 *   _packed: 4:2:2 macropixels of 4 bytes from @row0, U at byte
 *     @u_offset and V at @v_offset of each; with @row1 not NULL, the
 *     average (half up) of the two rows' samples.
 * Nothing outside the @n samples is read or written. */
void imcore_yuvconv_chroma_planar (const ImcoreYuvConv * conv,
    const uint8_t * u, const uint8_t * v, uint32_t n, uint8_t * cb,
    uint8_t * cr, int16_t * lterm);
void imcore_yuvconv_chroma_pairs (const ImcoreYuvConv * conv,
    const uint8_t * pairs, bool v_first, uint32_t n, uint8_t * cb,
    uint8_t * cr, int16_t * lterm);
void imcore_yuvconv_chroma_packed (const ImcoreYuvConv * conv,
    const uint8_t * row0, const uint8_t * row1, unsigned u_offset,
    unsigned v_offset, uint32_t n, uint8_t * cb, uint8_t * cr,
    int16_t * lterm);

/* Converts @n luma samples at @y (consecutive bytes) into @out. Sample i
 * takes L from @lterm[i >> @hshift] (@hshift 0 or 1); @lterm NULL means
 * conv->l_const for all, which is right only when !conv->cross. */
void imcore_yuvconv_luma (const ImcoreYuvConv * conv, const uint8_t * y,
    const int16_t * lterm, unsigned hshift, uint32_t n, uint8_t * out);

/* The same for the luma of @n pixels of packed 4:2:2 starting at @pixels
 * (2 bytes a pixel): Y at byte 2 i + @y_offset, L from @lterm[i >> 1].
 * Reads bytes 0 to 2 @n - 1 only. */
void imcore_yuvconv_luma_packed (const ImcoreYuvConv * conv,
    const uint8_t * pixels, unsigned y_offset, const int16_t * lterm,
    uint32_t n, uint8_t * out);

#endif /* IMCORE_YUVCONV_H */
