/* gst-imencode core: crop, letterbox and fill geometry
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef IMCORE_RECT_H
#define IMCORE_RECT_H

#include "imcore-image.h"

typedef enum
{
  IMCORE_ASPECT_STRETCH = 0,    /* scale the source to exactly the output */
  IMCORE_ASPECT_LETTERBOX,      /* fit inside, centred, borders around */
  IMCORE_ASPECT_FILL,           /* cut the source's centre to the output's shape */
} ImcoreAspectMode;

/* What to read from a frame and where it lands in the encoded image. */
typedef struct
{
  ImcoreRect src;               /* pixels read, in frame coordinates */
  uint32_t out_width;           /* size of the encoded image */
  uint32_t out_height;
  ImcoreRect dest;              /* where @src is drawn inside the output */
} ImcorePlan;

/* Clips the crop request (@x, @y, @width, @height), given relative to
 * @bounds, to @bounds. A @width or @height of 0 means "up to the right or
 * bottom edge of @bounds". Writes the clipped rectangle, in the coordinates
 * @bounds is in, to @out and returns true; returns false (leaving @out
 * zeroed) when nothing of the request lies inside @bounds. */
bool imcore_rect_clip_crop (const ImcoreRect * bounds, uint32_t x, uint32_t y,
    uint32_t width, uint32_t height, ImcoreRect * out);

/* Largest coordinate or size imcore_rect_grow_clip() takes (2^40). */
#define IMCORE_RECT_COORD_LIMIT (INT64_C (1) << 40)

/* Grows the box (@x, @y, @width, @height), given in the coordinates
 * @bounds is in and possibly sticking out of it (detector boxes may), by
 * @margin (0..1) times its width on the left and right and times its
 * height at the top and bottom, rounded outwards to whole pixels, then
 * clips it to @bounds. Writes the result to @out and returns true; returns
 * false (leaving @out zeroed) when the box is empty (@width or @height
 * <= 0), a value is beyond +-IMCORE_RECT_COORD_LIMIT, @margin is out of
 * range or NaN, or nothing of the grown box lies inside @bounds. */
bool imcore_rect_grow_clip (const ImcoreRect * bounds, int64_t x, int64_t y,
    int64_t width, int64_t height, double margin, ImcoreRect * out);

/* Plans the output for the source rectangle @crop (non-empty) and the
 * requested output size @req_width x @req_height: both 0 keeps the crop's
 * size; one 0 keeps the crop's aspect ratio; both set applies @mode.
 * Sizes are rounded to the nearest pixel and never below 1.
 * IMCORE_ERROR_INVALID_ARGUMENT for an empty @crop or a bad @mode. */
ImcoreError imcore_plan_output (const ImcoreRect * crop, uint32_t req_width,
    uint32_t req_height, ImcoreAspectMode mode, ImcorePlan * plan);

/* Whether @plan reads and writes the same number of pixels with no border,
 * i.e. the encoder can read the frame directly through a pointer offset. */
bool imcore_plan_is_identity (const ImcorePlan * plan);

#endif /* IMCORE_RECT_H */
