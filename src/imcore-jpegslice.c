/* gst-imencode core: one JPEG encoded in slices, joined into one file
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-jpegslice.h"

#include <string.h>

/* JPEG markers (T.81 B.1.1.3) */
#define M_SOI 0xD8
#define M_EOI 0xD9
#define M_SOS 0xDA
#define M_DRI 0xDD
#define M_SOF0 0xC0
#define M_RST0 0xD0

/* The MCU of a JPEG with @s: 8x8 blocks of each component, luma's
 * sampled 2x2 (4:2:0), 2x1 (4:2:2) or 1x1; false for an invalid value */
static bool
mcu_size (ImcoreSubsampling s, uint32_t * w, uint32_t * h)
{
  switch (s) {
    case IMCORE_SUBSAMPLING_444:
    case IMCORE_SUBSAMPLING_GRAY:
      *w = *h = 8;
      return true;
    case IMCORE_SUBSAMPLING_422:
      *w = 16;
      *h = 8;
      return true;
    case IMCORE_SUBSAMPLING_420:
      *w = *h = 16;
      return true;
  }
  return false;
}

static uint32_t
gcd (uint32_t a, uint32_t b)
{
  while (b) {
    uint32_t t = a % b;

    a = b;
    b = t;
  }
  return a;
}

static uint32_t
div_up (uint32_t a, uint32_t b)
{
  return a / b + (a % b != 0);
}

uint32_t
imcore_jpeg_slices_plan (uint32_t width, uint32_t height,
    const ImcoreJpegParams * params, uint32_t max_slices,
    ImcoreJpegSlices * slices)
{
  uint32_t mw, mh, mcu_rows, step, r, g;
  unsigned ri;

  if (!slices)
    return 0;
  memset (slices, 0, sizeof (*slices));
  slices->n_slices = 1;
  slices->height = height;
  slices->slice_rows = height;
  if (!params)
    return 1;
  slices->restart_interval = params->restart_interval;
  if (params->progressive || params->optimize || params->max_bytes ||
      max_slices < 2 || width == 0 || height == 0 ||
      width > IMCORE_JPEG_MAX_DIMENSION ||
      height > IMCORE_JPEG_MAX_DIMENSION ||
      params->restart_interval > IMCORE_JPEG_MAX_RESTART ||
      !mcu_size (params->subsampling, &mw, &mh))
    return 1;
  slices->mcu_height = mh;
  slices->mcus_per_row = div_up (width, mw);
  mcu_rows = div_up (height, mh);
  ri = params->restart_interval;

  /* a slice's MCU rows: a multiple of step, so that its MCUs are a
   * multiple of the restart interval */
  step = ri ? ri / gcd (ri, slices->mcus_per_row) : 1;
  r = div_up (mcu_rows, max_slices);
  r = div_up (r, step) * step;
  if (r >= mcu_rows)
    return 1;
  if (!ri) {
    /* the slice's MCUs, or those of the most rows that divide it and fit
     * the DRI marker (a row of the widest image has 8188) */
    for (g = r; g > 1 && (r % g || (uint64_t) g * slices->mcus_per_row >
            IMCORE_JPEG_MAX_RESTART); g--);
    ri = g * slices->mcus_per_row;
  }
  slices->n_slices = div_up (mcu_rows, r);
  slices->slice_rows = r * mh;
  slices->restart_interval = ri;
  return slices->n_slices;
}

void
imcore_jpeg_slice_rows (const ImcoreJpegSlices * slices, uint32_t index,
    uint32_t * y, uint32_t * rows)
{
  uint64_t first = (uint64_t) index * slices->slice_rows;

  if (index >= slices->n_slices || first >= slices->height) {
    *y = slices->height;
    *rows = 0;
    return;
  }
  *y = (uint32_t) first;
  *rows = slices->height - *y < slices->slice_rows ? slices->height - *y :
      slices->slice_rows;
}

/* A rows hook that adds the slice's first row to the row numbers */
typedef struct
{
  void (*hook) (void *user_data, const ImcoreImage * rows, uint32_t y);
  void *user_data;
  uint32_t y0;
} SliceHook;

static void
slice_rows_hook (void *user_data, const ImcoreImage * rows, uint32_t y)
{
  SliceHook *h = user_data;

  h->hook (h->user_data, rows, y + h->y0);
}

/* @params for slice @index of @slices of a @width x @height image into
 * @sp (with @hook, which must live as long), and the slice's rows; false
 * if the slice or the image are not @slices' */
static bool
slice_params (const ImcoreJpegParams * params, const ImcoreJpegSlices * slices,
    uint32_t index, uint32_t width, uint32_t height, ImcoreJpegParams * sp,
    SliceHook * hook, uint32_t * y, uint32_t * rows)
{
  uint32_t mw, mh;

  if (!params || !slices || index >= slices->n_slices ||
      height != slices->height || !mcu_size (params->subsampling, &mw, &mh))
    return false;
  if (slices->n_slices > 1 && (div_up (width, mw) != slices->mcus_per_row ||
          mh != slices->mcu_height || slices->slice_rows % mh ||
          slices->restart_interval == 0))
    return false;
  imcore_jpeg_slice_rows (slices, index, y, rows);
  if (*rows == 0)
    return false;
  *sp = *params;
  sp->restart_interval = slices->restart_interval;
  if (index > 0) {
    sp->exif = NULL;
    sp->exif_len = 0;
  }
  if (params->rows_hook) {
    hook->hook = params->rows_hook;
    hook->user_data = params->rows_hook_data;
    hook->y0 = *y;
    sp->rows_hook = slice_rows_hook;
    sp->rows_hook_data = hook;
  }
  return true;
}

size_t
imcore_jpeg_slice_bound (uint32_t width, const ImcoreJpegParams * params,
    const ImcoreJpegSlices * slices, uint32_t index)
{
  ImcoreJpegParams sp;
  SliceHook hook;
  uint32_t y, rows;

  if (!slice_params (params, slices, index, width, slices ? slices->height :
          0, &sp, &hook, &y, &rows))
    return 0;
  return imcore_jpeg_bound_params (width, rows, &sp);
}

ImcoreError
imcore_jpeg_encode_slice (ImcoreJpegEncoder * enc, const ImcoreImage * img,
    const ImcoreJpegParams * params, const ImcoreJpegSlices * slices,
    uint32_t index, uint8_t * out, size_t out_size, size_t *out_len)
{
  ImcoreJpegParams sp;
  SliceHook hook;
  ImcoreImage view;
  ImcoreRect rect;
  uint32_t y, rows;
  ImcoreError err;

  if (!img || !slice_params (params, slices, index, img->width, img->height,
          &sp, &hook, &y, &rows))
    return IMCORE_ERROR_INVALID_ARGUMENT;
  rect.x = 0;
  rect.y = y;
  rect.width = img->width;
  rect.height = rows;
  err = imcore_image_crop (img, &rect, &view);
  if (err != IMCORE_OK)
    return err;
  return imcore_jpeg_encode (enc, &view, &sp, out, out_size, out_len);
}

ImcoreError
imcore_jpeg_encode_interleaved_slice (ImcoreJpegEncoder * enc,
    const ImcoreInterleavedYuv * src, const ImcoreRect * rect,
    const ImcoreJpegParams * params, const ImcoreJpegSlices * slices,
    uint32_t index, uint8_t * out, size_t out_size, size_t *out_len)
{
  ImcoreJpegParams sp;
  SliceHook hook;
  ImcoreRect part;
  uint32_t y, rows;

  if (!rect || !slice_params (params, slices, index, rect->width,
          rect->height, &sp, &hook, &y, &rows) || rect->y > UINT32_MAX - y)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  /* the slice starts on an even row of @rect: the chroma of its rows is
   * the chroma they have in the whole image */
  part = *rect;
  part.y += y;
  part.height = rows;
  return imcore_jpeg_encode_interleaved (enc, src, &part, &sp, out, out_size,
      out_len);
}

/* Where a part's frame header, restart interval and entropy-coded data
 * are */
typedef struct
{
  size_t sof;                   /* the SOF0 marker */
  uint32_t width, height;
  unsigned restart_interval;
  size_t data, end;             /* entropy-coded data: [data, end) */
} SlicePart;

static unsigned
be16 (const uint8_t * p)
{
  return (unsigned) p[0] << 8 | p[1];
}

/* Reads the markers of the baseline JPEG @p of @len bytes up to its scan:
 * false unless it is SOI, marker segments with one SOF0, a scan, EOI */
static bool
parse_part (const uint8_t * p, size_t len, SlicePart * part)
{
  size_t i = 2;

  memset (part, 0, sizeof (*part));
  if (!p || len < 4 || p[0] != 0xFF || p[1] != M_SOI ||
      p[len - 2] != 0xFF || p[len - 1] != M_EOI)
    return false;
  while (len - i >= 4) {
    unsigned m = p[i + 1], seg = be16 (p + i + 2);

    if (p[i] != 0xFF || seg < 2 || seg > len - i - 2)
      return false;
    if (m == M_SOF0) {
      if (part->sof || seg < 8)
        return false;
      part->sof = i;
      part->height = be16 (p + i + 5);
      part->width = be16 (p + i + 7);
    } else if (m >= 0xC1 && m <= 0xCF && m != 0xC4 && m != 0xC8 &&
        m != 0xCC) {
      /* another coding process: its data is not baseline */
      return false;
    } else if (m == M_DRI) {
      if (seg != 4)
        return false;
      part->restart_interval = be16 (p + i + 4);
    } else if (m == M_SOS) {
      part->data = i + 2 + seg;
      part->end = len - 2;
      return part->sof != 0 && part->data <= part->end;
    }
    i += 2 + seg;
  }
  return false;
}

/* Renumbers the restart markers in the entropy-coded data @d of @len
 * bytes, which a slice's encoder numbered from 0, as the markers after
 * @before restart intervals of the file; false unless the data holds
 * exactly @markers restart markers, in order, and no other marker */
static bool
renumber (uint8_t * d, size_t len, uint64_t before, uint64_t markers)
{
  uint64_t seen = 0;
  uint8_t *p = d, *end = d + len;

  while ((p = memchr (p, 0xFF, (size_t) (end - p)))) {
    if (end - p < 2)
      return false;
    if (p[1] != 0x00) {
      if (p[1] != M_RST0 + (seen & 7) || seen >= markers)
        return false;
      p[1] = (uint8_t) (M_RST0 + ((seen + before) & 7));
      seen++;
    }
    p += 2;
  }
  return seen == markers;
}

/* The restart intervals of slice @index */
static uint64_t
slice_intervals (const ImcoreJpegSlices * slices, uint32_t index)
{
  uint32_t y, rows;
  uint64_t mcus;

  imcore_jpeg_slice_rows (slices, index, &y, &rows);
  mcus = (uint64_t) div_up (rows, slices->mcu_height) *
      slices->mcus_per_row;
  return (mcus + slices->restart_interval - 1) / slices->restart_interval;
}

ImcoreError
imcore_jpeg_join_slices (const ImcoreJpegSlices * slices,
    const uint8_t * const *parts, const size_t *part_lens, uint8_t * out,
    size_t out_size, size_t *out_len)
{
  SlicePart first, part;
  uint32_t y, rows;
  uint64_t before, n;
  size_t len;

  if (!slices || !out || !out_len || *out_len > out_size ||
      slices->n_slices == 0)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  if (slices->n_slices == 1)
    return IMCORE_OK;
  if (!parts || !part_lens || slices->restart_interval == 0 ||
      (slices->mcu_height != 8 && slices->mcu_height != 16) ||
      slices->slice_rows == 0 || slices->slice_rows % slices->mcu_height ||
      slices->mcus_per_row == 0 ||
      !parse_part (out, *out_len, &first) ||
      first.restart_interval != slices->restart_interval)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  imcore_jpeg_slice_rows (slices, 0, &y, &rows);
  n = slice_intervals (slices, 0);
  if (first.height != rows || !renumber (out + first.data, first.end -
          first.data, 0, n - 1))
    return IMCORE_ERROR_INVALID_ARGUMENT;

  len = first.end;
  before = n;
  for (uint32_t i = 1; i < slices->n_slices; i++) {
    size_t data;

    imcore_jpeg_slice_rows (slices, i, &y, &rows);
    if (!parse_part (parts[i], part_lens[i], &part) ||
        part.restart_interval != slices->restart_interval ||
        part.width != first.width || part.height != rows)
      return IMCORE_ERROR_INVALID_ARGUMENT;
    data = part.end - part.data;
    /* the restart marker, the data, and the end of the file */
    if (out_size - len < 2 || out_size - len - 2 < data ||
        out_size - len - 2 - data < 2)
      return IMCORE_ERROR_NO_SPACE;
    out[len++] = 0xFF;
    out[len++] = (uint8_t) (M_RST0 + ((before - 1) & 7));
    memcpy (out + len, parts[i] + part.data, data);
    n = slice_intervals (slices, i);
    if (!renumber (out + len, data, before, n - 1))
      return IMCORE_ERROR_INVALID_ARGUMENT;
    len += data;
    before += n;
  }
  out[len++] = 0xFF;
  out[len++] = M_EOI;
  out[first.sof + 5] = (uint8_t) (slices->height >> 8);
  out[first.sof + 6] = (uint8_t) slices->height;
  *out_len = len;
  return IMCORE_OK;
}
