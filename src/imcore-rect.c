/* gst-imencode core: crop, letterbox and fill geometry
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-rect.h"

#include <math.h>
#include <string.h>

bool
imcore_rect_clip_crop (const ImcoreRect * bounds, uint32_t x, uint32_t y,
    uint32_t width, uint32_t height, ImcoreRect * out)
{
  uint64_t x0, y0, x1, y1, bx1, by1;

  memset (out, 0, sizeof (*out));
  if (!bounds || bounds->width == 0 || bounds->height == 0)
    return false;

  bx1 = (uint64_t) bounds->x + bounds->width;
  by1 = (uint64_t) bounds->y + bounds->height;
  x0 = (uint64_t) bounds->x + x;
  y0 = (uint64_t) bounds->y + y;
  x1 = width ? x0 + width : bx1;
  y1 = height ? y0 + height : by1;
  if (x1 > bx1)
    x1 = bx1;
  if (y1 > by1)
    y1 = by1;
  if (x0 >= x1 || y0 >= y1)
    return false;

  out->x = (uint32_t) x0;
  out->y = (uint32_t) y0;
  out->width = (uint32_t) (x1 - x0);
  out->height = (uint32_t) (y1 - y0);
  return true;
}

bool
imcore_rect_grow_clip (const ImcoreRect * bounds, int64_t x, int64_t y,
    int64_t width, int64_t height, double margin, ImcoreRect * out)
{
  double grow_x, grow_y;
  int64_t x0, y0, x1, y1, bx1, by1;

  memset (out, 0, sizeof (*out));
  if (!bounds || bounds->width == 0 || bounds->height == 0 || width <= 0 ||
      height <= 0 || !(margin >= 0.0 && margin <= 1.0))
    return false;
  /* boxes from a detector can be anything: keep the sums far from
   * overflowing (no frame is near 2^40 pixels a side) */
  if (x < -IMCORE_RECT_COORD_LIMIT || x > IMCORE_RECT_COORD_LIMIT ||
      y < -IMCORE_RECT_COORD_LIMIT || y > IMCORE_RECT_COORD_LIMIT ||
      width > IMCORE_RECT_COORD_LIMIT || height > IMCORE_RECT_COORD_LIMIT)
    return false;

  /* grow outwards to whole pixels: the box never loses a pixel */
  grow_x = ceil (margin * (double) width);
  grow_y = ceil (margin * (double) height);
  x0 = x - (int64_t) grow_x;
  y0 = y - (int64_t) grow_y;
  x1 = x + width + (int64_t) grow_x;
  y1 = y + height + (int64_t) grow_y;

  bx1 = (int64_t) bounds->x + bounds->width;
  by1 = (int64_t) bounds->y + bounds->height;
  if (x0 < bounds->x)
    x0 = bounds->x;
  if (y0 < bounds->y)
    y0 = bounds->y;
  if (x1 > bx1)
    x1 = bx1;
  if (y1 > by1)
    y1 = by1;
  if (x0 >= x1 || y0 >= y1)
    return false;

  out->x = (uint32_t) x0;
  out->y = (uint32_t) y0;
  out->width = (uint32_t) (x1 - x0);
  out->height = (uint32_t) (y1 - y0);
  return true;
}

/* round(a * b / c), at least 1, at most UINT32_MAX; c > 0. The product of
 * two 32-bit values fits in 64 bits, so no wider type is needed. */
static uint32_t
scale_round (uint32_t a, uint32_t b, uint32_t c)
{
  uint64_t p = (uint64_t) a * b;
  uint64_t q = p / c, rem = p % c;

  /* halves round up: rem >= c / 2 exactly, without overflow */
  if (rem >= c - rem)
    q++;
  if (q < 1)
    return 1;
  if (q > UINT32_MAX)
    return UINT32_MAX;
  return (uint32_t) q;
}

ImcoreError
imcore_plan_output (const ImcoreRect * crop, uint32_t req_width,
    uint32_t req_height, ImcoreAspectMode mode, ImcorePlan * plan)
{
  uint32_t cw, ch, W, H;

  if (!crop || !plan || crop->width == 0 || crop->height == 0 ||
      mode > IMCORE_ASPECT_FILL)
    return IMCORE_ERROR_INVALID_ARGUMENT;

  cw = crop->width;
  ch = crop->height;
  plan->src = *crop;

  if (req_width == 0 && req_height == 0) {
    W = cw;
    H = ch;
  } else if (req_width == 0) {
    H = req_height;
    W = scale_round (cw, H, ch);
  } else if (req_height == 0) {
    W = req_width;
    H = scale_round (ch, W, cw);
  } else {
    W = req_width;
    H = req_height;
  }
  plan->out_width = W;
  plan->out_height = H;
  plan->dest.x = plan->dest.y = 0;
  plan->dest.width = W;
  plan->dest.height = H;

  /* Only an explicit W x H can disagree with the crop's shape. */
  if (req_width == 0 || req_height == 0 || mode == IMCORE_ASPECT_STRETCH)
    return IMCORE_OK;

  /* Compare shapes exactly: cw / ch against W / H. */
  if ((uint64_t) cw * H == (uint64_t) ch * W)
    return IMCORE_OK;

  if (mode == IMCORE_ASPECT_LETTERBOX) {
    uint32_t dw, dh;

    if ((uint64_t) cw * H > (uint64_t) ch * W) {
      /* source is wider: full width, bars top and bottom */
      dw = W;
      dh = scale_round (ch, W, cw);
      if (dh > H)
        dh = H;
    } else {
      dh = H;
      dw = scale_round (cw, H, ch);
      if (dw > W)
        dw = W;
    }
    plan->dest.width = dw;
    plan->dest.height = dh;
    plan->dest.x = (W - dw) / 2;
    plan->dest.y = (H - dh) / 2;
  } else {
    uint32_t sw = cw, sh = ch;

    if ((uint64_t) cw * H > (uint64_t) ch * W) {
      /* source is wider: keep its height, cut the sides */
      sw = scale_round (ch, W, H);
      if (sw > cw)
        sw = cw;
    } else {
      sh = scale_round (cw, H, W);
      if (sh > ch)
        sh = ch;
    }
    plan->src.x = crop->x + (cw - sw) / 2;
    plan->src.y = crop->y + (ch - sh) / 2;
    plan->src.width = sw;
    plan->src.height = sh;
  }
  return IMCORE_OK;
}

bool
imcore_plan_is_identity (const ImcorePlan * plan)
{
  return plan->src.width == plan->out_width &&
      plan->src.height == plan->out_height &&
      plan->dest.x == 0 && plan->dest.y == 0 &&
      plan->dest.width == plan->out_width &&
      plan->dest.height == plan->out_height;
}
