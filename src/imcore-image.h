/* gst-imencode core: image views
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef IMCORE_IMAGE_H
#define IMCORE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imcore-error.h"

/* Pixel layouts the core understands. Packed formats are named by their
 * byte order in memory (RGBA = R at the lowest address), X is a byte that is
 * ignored. The planar YUV ones are 8-bit Y, U, V planes. */
typedef enum
{
  IMCORE_PIXEL_GRAY8 = 0,
  IMCORE_PIXEL_RGB,
  IMCORE_PIXEL_BGR,
  IMCORE_PIXEL_RGBA,
  IMCORE_PIXEL_BGRA,
  IMCORE_PIXEL_ARGB,
  IMCORE_PIXEL_ABGR,
  IMCORE_PIXEL_RGBX,
  IMCORE_PIXEL_BGRX,
  IMCORE_PIXEL_XRGB,
  IMCORE_PIXEL_XBGR,
  IMCORE_PIXEL_I420,            /* chroma halved both ways */
  IMCORE_PIXEL_I422,            /* chroma halved horizontally */
  IMCORE_PIXEL_I444,            /* chroma at full resolution */
  IMCORE_PIXEL_N_FORMATS
} ImcorePixelFormat;

/* A rectangle in pixels. */
typedef struct
{
  uint32_t x, y;
  uint32_t width, height;
} ImcoreRect;

/* A view of pixels owned by someone else. Packed formats use plane 0 only;
 * GRAY8 uses plane 0; planar YUV uses planes 0 (Y), 1 (U) and 2 (V).
 * Strides are in bytes and may be larger than a row. */
typedef struct
{
  ImcorePixelFormat format;
  uint32_t width, height;
  uint8_t *planes[3];
  size_t strides[3];
} ImcoreImage;

/* Number of planes of @format (1 or 3), 0 for an invalid value. */
unsigned imcore_pixel_n_planes (ImcorePixelFormat format);

/* Bytes per pixel of plane 0 of @format (1 for GRAY8 and planar YUV). */
unsigned imcore_pixel_bytes (ImcorePixelFormat format);

/* Whether @format carries an alpha channel (RGBA, BGRA, ARGB, ABGR). */
bool imcore_pixel_has_alpha (ImcorePixelFormat format);

/* Chroma subsampling shifts of a planar YUV @format: the chroma planes are
 * width >> @hshift (rounded up) by height >> @vshift (rounded up). Both are
 * 0 for non-planar formats. */
void imcore_pixel_chroma_shift (ImcorePixelFormat format, unsigned *hshift,
    unsigned *vshift);

/* Makes @dst a view of the part @rect of @src: only pointers and sizes are
 * computed, no pixel is copied. @rect must lie inside @src
 * (IMCORE_ERROR_INVALID_ARGUMENT otherwise). For subsampled planar YUV the
 * chroma planes start at the sample covering (x, y): luma is exact, and an
 * odd offset moves chroma by half a chroma sample (one luma pixel), the
 * closest a pointer offset can get. */
ImcoreError imcore_image_crop (const ImcoreImage * src, const ImcoreRect * rect,
    ImcoreImage * dst);

/* Bytes needed for a tightly packed copy of a @format image of @width x
 * @height (planes back to back, rows without padding); 0 if that size does
 * not fit in size_t or an argument is invalid. */
size_t imcore_image_size (ImcorePixelFormat format, uint32_t width,
    uint32_t height);

/* Fills @img as a tightly packed @format image of @width x @height laid out
 * in the caller's @data of @size bytes (at least imcore_image_size()). */
ImcoreError imcore_image_init_packed (ImcoreImage * img,
    ImcorePixelFormat format, uint32_t width, uint32_t height, uint8_t * data,
    size_t size);

/* How YUV samples encode colour: the luma coefficients of their matrix
 * (BT.601: Kr 0.299, Kb 0.114; BT.709: 0.2126, 0.0722) and their range. */
typedef struct
{
  double kr, kb;
  bool limited_range;           /* Y 16..235, chroma 16..240 */
} ImcoreYuvColorimetry;

/* BT.601 full range: what JPEG (JFIF) stores and decoders assume. */
#define IMCORE_YUV_JFIF ((ImcoreYuvColorimetry) { 0.299, 0.114, false })

/* Whether @c is JFIF's colorimetry already (no conversion needed). */
bool imcore_yuv_is_jfif (const ImcoreYuvColorimetry * c);

/* Converts planar YUV @src whose samples follow @from to BT.601 full range
 * (JFIF), writing @dst, which must have the same format and size and may
 * be @src itself. Luma mixes in the co-sited chroma sample when the matrices
 * differ; values are rounded and clamped to 0..255. A whole-image pass with
 * scalar lookup tables, for callers that want a converted copy: the JPEG
 * encoder does not use it, it converts a strip at a time with the kernels
 * of imcore-yuvconv.h. */
ImcoreError imcore_image_yuv_to_jfif (const ImcoreImage * src,
    const ImcoreYuvColorimetry * from, ImcoreImage * dst);

/* Converts the I444 image @src, whose samples follow @from, to 8-bit
 * R'G'B', writing @dst, an IMCORE_PIXEL_RGB image of the same size. Each
 * output is the exact inverse of @from's matrix and range (Kr, Kb; limited
 * range: Y 16..235 and chroma 16..240 span 0..255) rounded to the nearest
 * and clamped to 0..255, or within 1 of that when the exact value lies
 * within 1/256 of a half (16.16 fixed point): limited-range white
 * (235, 128, 128) gives 255, black (16, 128, 128) 0. Subsampled YUV is
 * refused (IMCORE_ERROR_UNSUPPORTED_FORMAT): upsample its chroma first.
 * Refuses (IMCORE_ERROR_INVALID_ARGUMENT) a matrix that is not one (Kr,
 * Kb > 0, Kr + Kb < 1) or whose green weight is too small for 32-bit
 * fixed point (Kg below 0.00004 to 0.01, depending on Kr and Kb); NaN
 * coefficients are refused too. Uses AVX2 where the CPU has it,
 * with the same results. */
ImcoreError imcore_image_yuv_to_rgb (const ImcoreImage * src,
    const ImcoreYuvColorimetry * from, ImcoreImage * dst);

/* Converts planar YUV or GRAY8 @src from limited ("studio", Y 16..235,
 * chroma 16..240) to full range (0..255, as JPEG/JFIF stores it), writing
 * @dst, which must have the same format and size (it may be @src itself).
 * Values outside the limited range are clamped. */
ImcoreError imcore_image_expand_range (const ImcoreImage * src,
    ImcoreImage * dst);

/* Memory reused from call to call by one encoder or decoder: grows, never
 * shrinks, freed with imcore_scratch_clear(). Zero-initialise it. */
typedef struct
{
  uint8_t *data;
  size_t size;
} ImcoreScratch;

/* At least @size bytes of @scratch (old contents not kept), or NULL when
 * out of memory (then @scratch is unchanged). */
uint8_t *imcore_scratch_get (ImcoreScratch * scratch, size_t size);

/* Frees the memory of @scratch and zeroes it. */
void imcore_scratch_clear (ImcoreScratch * scratch);

#endif /* IMCORE_IMAGE_H */
