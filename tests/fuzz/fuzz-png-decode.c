/* gst-imencode: libFuzzer target for the PNG decoder
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Built by tests/meson.build with clang -fsanitize=fuzzer,address,undefined
 * (with src/imcore-png-decode.c and src/imcore-image.c, linked with the
 * system libpng) and run over tests/fuzz/corpus-png/ for a bounded time as
 * the 'fuzz-png-decode' test. Each input is:
 *
 * - read with imcore_png_read_info(), which must say INVALID_INPUT (and then
 *   the decoder must refuse the data too) or describe a header the PNG
 *   specification allows;
 * - if its header claims at most 4 Mi pixels, decoded into every format:
 *   each destination its own heap allocation of exactly the size the image
 *   needs, so that AddressSanitizer reports any access past it by the core
 *   or by libpng's memcpy() calls (libpng itself is not instrumented).
 *
 * What must hold: OK or INVALID_INPUT (with a message), the same for every
 * format (the data is the same, only libpng's transformations differ); and
 * what the formats hold agrees: the same R, G, B in every packed format as
 * in RGBA, the same alpha in every format with alpha, 255 in RGBA when the
 * header says there is no alpha, and GRAY8 the BT.601 luma of RGBA (its R
 * for a gray image). A broken property prints the check and abort()s,
 * which libFuzzer reports as a crash, saving the input.
 *
 * Reproduce a crash with: build/tests/fuzz-png-decode crash-<sha1>
 */

#include "imcore-png.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz-check.h"

#define MAX_PIXELS (4u << 20)

/* Channel positions of the formats, from their names; GRAY8 has r = -1. */
typedef struct
{
  ImcorePixelFormat format;
  unsigned bpp;
  int r, g, b, a;               /* a: -1 without alpha */
} Format;

static const Format formats[] = {
  {IMCORE_PIXEL_RGBA, 4, 0, 1, 2, 3},   /* first: the reference */
  {IMCORE_PIXEL_GRAY8, 1, -1, -1, -1, -1},
  {IMCORE_PIXEL_RGB, 3, 0, 1, 2, -1},
  {IMCORE_PIXEL_BGR, 3, 2, 1, 0, -1},
  {IMCORE_PIXEL_BGRA, 4, 2, 1, 0, 3},
  {IMCORE_PIXEL_ARGB, 4, 1, 2, 3, 0},
  {IMCORE_PIXEL_ABGR, 4, 3, 2, 1, 0},
  {IMCORE_PIXEL_RGBX, 4, 0, 1, 2, -1},
  {IMCORE_PIXEL_BGRX, 4, 2, 1, 0, -1},
  {IMCORE_PIXEL_XRGB, 4, 1, 2, 3, -1},
  {IMCORE_PIXEL_XBGR, 4, 3, 2, 1, -1},
};

static ImcoreError
decode (ImcorePngDecoder * dec, const uint8_t * data, size_t size,
    const Format * fmt, uint32_t w, uint32_t h, uint8_t ** out)
{
  ImcoreImage img;
  ImcoreError err;

  memset (&img, 0, sizeof (img));
  img.format = fmt->format;
  img.width = w;
  img.height = h;
  img.strides[0] = (size_t) w * fmt->bpp;
  img.planes[0] = *out = malloc (img.strides[0] * h);
  CHECK (*out != NULL);
  err = imcore_png_decode (dec, data, size, &img);
  CHECK (err == IMCORE_OK || err == IMCORE_ERROR_INVALID_INPUT);
  if (err != IMCORE_OK)
    CHECK (imcore_png_decoder_last_error (dec)[0] != '\0');
  return err;
}

/* What @px (@fmt) must hold, given @ref, the same pixel in RGBA. */
static void
check_pixel (const Format * fmt, const uint8_t * px, const uint8_t * ref,
    const ImcorePngInfo * info)
{
  if (fmt->r < 0) {
    unsigned luma = (ref[0] * 19595u + ref[1] * 38470u + ref[2] * 7471u +
        0x8000u) >> 16;

    CHECK (px[0] == (info->color ? luma : ref[0]));
    return;
  }
  CHECK (px[fmt->r] == ref[0] && px[fmt->g] == ref[1] && px[fmt->b] == ref[2]);
  if (fmt->a >= 0)
    CHECK (px[fmt->a] == ref[3]);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  /* one decoder for the whole run, as an element keeps one */
  static ImcorePngDecoder *dec;
  ImcorePngInfo info;
  ImcoreError err, ref_err;
  uint8_t *ref;
  uint32_t w, h;

  if (!dec)
    dec = imcore_png_decoder_new ();
  CHECK (dec != NULL);

  err = imcore_png_read_info (data, size, &info);
  if (err != IMCORE_OK) {
    uint8_t *out;

    CHECK (err == IMCORE_ERROR_INVALID_INPUT);
    /* no IHDR libpng would take either */
    CHECK (decode (dec, data, size, &formats[0], 1, 1, &out) != IMCORE_OK);
    free (out);
    return 0;
  }
  w = info.width;
  h = info.height;
  CHECK (w >= 1 && h >= 1 && w <= 0x7fffffffu && h <= 0x7fffffffu);
  switch (info.bit_depth) {
    case 1:
    case 2:
    case 4:
      CHECK (!info.color || info.palette);
      break;
    case 8:
      break;
    case 16:
      CHECK (!info.palette);
      break;
    default:
      CHECK (!"bad bit depth");
  }
  CHECK (!info.palette || info.color);
  if ((uint64_t) w * h > MAX_PIXELS)
    return 0;

  ref_err = decode (dec, data, size, &formats[0], w, h, &ref);
  if (ref_err == IMCORE_OK && !info.alpha) {
    for (size_t i = 0; i < (size_t) w * h; i++)
      CHECK (ref[i * 4 + 3] == 255);
  }
  for (size_t f = 1; f < sizeof (formats) / sizeof (formats[0]); f++) {
    const Format *fmt = &formats[f];
    uint8_t *out;

    err = decode (dec, data, size, fmt, w, h, &out);
    CHECK (err == ref_err);
    if (err == IMCORE_OK) {
      for (size_t i = 0; i < (size_t) w * h; i++)
        check_pixel (fmt, out + i * fmt->bpp, ref + i * 4, &info);
    }
    free (out);
  }
  free (ref);
  return 0;
}
