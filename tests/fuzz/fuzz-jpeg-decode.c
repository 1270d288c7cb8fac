/* gst-imencode: libFuzzer target for the JPEG decoder
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Built by tests/meson.build with clang -fsanitize=fuzzer,address,undefined
 * (with src/imcore-jpeg-decode.c and src/imcore-image.c, linked with the
 * system libturbojpeg) and run over tests/fuzz/corpus-jpeg/ for a bounded
 * time as the 'fuzz-jpeg-decode' test. Each input is:
 *
 * - read with imcore_jpeg_read_info(), which must say INVALID_INPUT or give
 *   a size of 1..65535 each way;
 * - if its header claims at most 4 Mi pixels, decoded at 1/1 and 1/8 into
 *   every format: each plane its own heap allocation of exactly the size
 *   the image needs, so that AddressSanitizer reports any access past it
 *   by the core (libturbojpeg itself is not instrumented; only its calls to
 *   memcpy() and the like are checked).
 *
 * What must hold: a format imcore_jpeg_decode_accepts() refuses gives
 * UNSUPPORTED_FORMAT; any other gives OK or INVALID_INPUT (with a
 * message), the same for every packed RGB format, which all carry the same
 * R, G, B as RGB and 255 for alpha; after a failure the decoder reads the
 * header again as before (libjpeg's state must not leak into the next
 * call). A broken property prints the check and abort()s, which libFuzzer
 * reports as a crash, saving the input.
 *
 * Reproduce a crash with: build/tests/fuzz-jpeg-decode crash-<sha1>
 */

#include "imcore-jpeg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz-check.h"

/* libjpeg-turbo 2.1's tjDecompressToYUVPlanes() reads up to 3 bytes past
 * a temporary buffer of its own for 4:1:1 JPEGs decoded at 1/8 (rows of
 * the padded plane width copied out of rows of the scaled block width);
 * the bytes land in plane padding nobody reads. Ignore reports from memory
 * functions called inside that function only. */
const char *__asan_default_suppressions (void);

const char *
__asan_default_suppressions (void)
{
  return "interceptor_via_fun:tjDecompressToYUVPlanes\n";
}

#define MAX_PIXELS (4u << 20)

/* Channel positions of the packed formats, from their names. */
typedef struct
{
  ImcorePixelFormat format;
  unsigned bpp;
  int r, g, b, a;               /* a: -1 without alpha */
} Packed;

static const Packed packed[] = {
  {IMCORE_PIXEL_RGB, 3, 0, 1, 2, -1},
  {IMCORE_PIXEL_BGR, 3, 2, 1, 0, -1},
  {IMCORE_PIXEL_RGBA, 4, 0, 1, 2, 3},
  {IMCORE_PIXEL_BGRA, 4, 2, 1, 0, 3},
  {IMCORE_PIXEL_ARGB, 4, 1, 2, 3, 0},
  {IMCORE_PIXEL_ABGR, 4, 3, 2, 1, 0},
  {IMCORE_PIXEL_RGBX, 4, 0, 1, 2, -1},
  {IMCORE_PIXEL_BGRX, 4, 2, 1, 0, -1},
  {IMCORE_PIXEL_XRGB, 4, 1, 2, 3, -1},
  {IMCORE_PIXEL_XBGR, 4, 3, 2, 1, -1},
};

/* A destination whose planes are exactly as large as the image needs. */
typedef struct
{
  ImcoreImage img;
  uint8_t *mem[3];
} Frame;

static void
frame_alloc (Frame * f, ImcorePixelFormat format, uint32_t w, uint32_t h)
{
  memset (f, 0, sizeof (*f));
  f->img.format = format;
  f->img.width = w;
  f->img.height = h;
  if (format == IMCORE_PIXEL_I420) {
    size_t cw = ((size_t) w + 1) / 2, ch = ((size_t) h + 1) / 2;

    f->img.strides[0] = w;
    f->img.strides[1] = f->img.strides[2] = cw;
    f->mem[0] = malloc ((size_t) w * h);
    f->mem[1] = malloc (cw * ch);
    f->mem[2] = malloc (cw * ch);
    CHECK (f->mem[0] && f->mem[1] && f->mem[2]);
  } else {
    f->img.strides[0] = (size_t) w * imcore_pixel_bytes (format);
    f->mem[0] = malloc (f->img.strides[0] * h);
    CHECK (f->mem[0] != NULL);
  }
  for (int i = 0; i < 3; i++)
    f->img.planes[i] = f->mem[i];
}

static void
frame_free (Frame * f)
{
  for (int i = 0; i < 3; i++)
    free (f->mem[i]);
}

/* Whether @f (packed @p) holds the R, G, B of @rgb and alpha 255. */
static void
check_same_pixels (const Frame * f, const Packed * p, const Frame * rgb)
{
  const uint32_t w = f->img.width, h = f->img.height;

  for (uint32_t y = 0; y < h; y++) {
    const uint8_t *a = f->mem[0] + (size_t) y * f->img.strides[0];
    const uint8_t *b = rgb->mem[0] + (size_t) y * rgb->img.strides[0];

    for (uint32_t x = 0; x < w; x++, a += p->bpp, b += 3) {
      CHECK (a[p->r] == b[0] && a[p->g] == b[1] && a[p->b] == b[2]);
      if (p->a >= 0)
        CHECK (a[p->a] == 255);
    }
  }
}

static ImcoreError
decode (ImcoreJpegDecoder * dec, const uint8_t * data, size_t size,
    unsigned denom, Frame * f)
{
  ImcoreError err = imcore_jpeg_decode (dec, data, size, denom, &f->img);

  if (err == IMCORE_ERROR_INVALID_INPUT)
    CHECK (imcore_jpeg_decoder_last_error (dec)[0] != '\0');
  return err;
}

/* The header must read the same as @info. */
static void
check_header_again (ImcoreJpegDecoder * dec, const uint8_t * data,
    size_t size, const ImcoreJpegInfo * info)
{
  ImcoreJpegInfo again;

  CHECK (imcore_jpeg_read_info (dec, data, size, &again) == IMCORE_OK);
  CHECK (again.width == info->width && again.height == info->height);
  CHECK (again.gray == info->gray && again.cmyk == info->cmyk &&
      again.progressive == info->progressive);
}

static void
fuzz_scale (ImcoreJpegDecoder * dec, const uint8_t * data, size_t size,
    const ImcoreJpegInfo * info, unsigned denom)
{
  static const ImcorePixelFormat planar[] = {
    IMCORE_PIXEL_GRAY8, IMCORE_PIXEL_I420, IMCORE_PIXEL_I422,
    IMCORE_PIXEL_I444,
  };
  uint32_t sw, sh;
  Frame rgb;
  ImcoreError rgb_err;

  CHECK (imcore_scaled_size (info->width, info->height, denom, &sw, &sh));
  CHECK (sw >= 1 && sh >= 1 && sw <= info->width && sh <= info->height);

  /* packed RGB: always accepted, all alike */
  frame_alloc (&rgb, IMCORE_PIXEL_RGB, sw, sh);
  rgb_err = decode (dec, data, size, denom, &rgb);
  CHECK (rgb_err == IMCORE_OK || rgb_err == IMCORE_ERROR_INVALID_INPUT);
  if (rgb_err != IMCORE_OK)
    check_header_again (dec, data, size, info);
  for (size_t i = 1; i < sizeof (packed) / sizeof (packed[0]); i++) {
    Frame f;
    ImcoreError err;

    CHECK (imcore_jpeg_decode_accepts (info, packed[i].format));
    frame_alloc (&f, packed[i].format, sw, sh);
    err = decode (dec, data, size, denom, &f);
    CHECK (err == rgb_err);
    if (err == IMCORE_OK)
      check_same_pixels (&f, &packed[i], &rgb);
    frame_free (&f);
  }
  frame_free (&rgb);

  /* GRAY8 and I420 unless CMYK; never I422 or I444 */
  for (size_t i = 0; i < sizeof (planar) / sizeof (planar[0]); i++) {
    const bool want = !info->cmyk && (planar[i] == IMCORE_PIXEL_GRAY8 ||
        planar[i] == IMCORE_PIXEL_I420);
    Frame f;
    ImcoreError err;

    CHECK (imcore_jpeg_decode_accepts (info, planar[i]) == want);
    if (!want) {
      /* refused before anything is allocated or written */
      ImcoreImage img;

      memset (&img, 0, sizeof (img));
      img.format = planar[i];
      img.width = sw;
      img.height = sh;
      CHECK (imcore_jpeg_decode (dec, data, size, denom, &img) ==
          IMCORE_ERROR_UNSUPPORTED_FORMAT);
      continue;
    }
    frame_alloc (&f, planar[i], sw, sh);
    err = decode (dec, data, size, denom, &f);
    CHECK (err == IMCORE_OK || err == IMCORE_ERROR_INVALID_INPUT);
    if (err != IMCORE_OK)
      check_header_again (dec, data, size, info);
    frame_free (&f);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  /* one decoder for the whole run, as an element keeps one */
  static ImcoreJpegDecoder *dec;
  ImcoreJpegInfo info;
  ImcoreError err;

  if (!dec)
    dec = imcore_jpeg_decoder_new ();
  CHECK (dec != NULL);

  err = imcore_jpeg_read_info (dec, data, size, &info);
  if (err != IMCORE_OK) {
    CHECK (err == IMCORE_ERROR_INVALID_INPUT);
    CHECK (imcore_jpeg_decoder_last_error (dec)[0] != '\0');
    return 0;
  }
  CHECK (info.width >= 1 && info.width <= IMCORE_JPEG_MAX_DIMENSION);
  CHECK (info.height >= 1 && info.height <= IMCORE_JPEG_MAX_DIMENSION);
  CHECK (!(info.gray && info.cmyk));
  if ((uint64_t) info.width * info.height > MAX_PIXELS)
    return 0;

  fuzz_scale (dec, data, size, &info, 1);
  fuzz_scale (dec, data, size, &info, 8);
  return 0;
}
