/* gst-imencode core: the highest JPEG quality that fits a byte budget
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef IMCORE_BUDGET_H
#define IMCORE_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imcore-error.h"

/* How close to the best the search gets: the quality it finds fits, and
 * IMCORE_BUDGET_STEP qualities more did not (or were above the maximum),
 * so the best lies less than this many steps above it. Between probes (see
 * imcore_budget_search()) that holds for the last image that was searched
 * exactly, and an image like it. */
#define IMCORE_BUDGET_STEP 6

/* An image encoded every this many images at a quality above the last one
 * (a probe), when nothing hinted that more would fit sooner. */
#define IMCORE_BUDGET_PROBE_PERIOD 8u

/* Encodes the image at @quality (1..100) into the caller's @out, of which
 * at most @out_size bytes may be used. Returns IMCORE_OK and the size in
 * @out_len when the image fits, IMCORE_ERROR_NO_SPACE when it does not
 * (stopping as soon as it knows is allowed and cheaper: ImcoreJpegParams'
 * max_bytes = @out_size does that), anything else to end the search with
 * that error. */
typedef ImcoreError (*ImcoreBudgetEncodeFunc) (void *user_data, int quality,
    uint8_t * out, size_t out_size, size_t *out_len);

/* What the search keeps from one image to the next of a stream. Zeroed
 * (memset, or = { 0 }) it knows nothing: the first search is exact. Plain
 * data: copy it, reset it at a flush or when the images change shape. */
typedef struct
{
  int hint;                     /* the last image's quality; 0: none */
  unsigned since_probe;         /* images since the last probe */
  /* per mille of the budget the last image at the hint filled when a
   * probe above it did not fit (0: unknown); an image filling clearly
   * less is probed at once */
  unsigned probe_fill;
  bool probe_next;              /* probe on the next image */
} ImcoreBudgetState;

/* What one search did. */
typedef struct
{
  int quality;                  /* the quality of @out's image; 0: none fits */
  size_t len;                   /* its size */
  unsigned encodes;             /* calls of the encode function */
} ImcoreBudgetResult;

/* Finds a high quality <= @max_quality (1..100) at which the image that
 * @encode makes fits @budget bytes, and leaves that image in the caller's
 * @out (at most min(@out_size, @budget) bytes are used, so @out_size need
 * only be the smaller of @budget and the encoder's bound).
 *
 * Start: @state's hint, the quality of the last image, clamped to
 * @max_quality (or @max_quality itself for the first). Most images of a
 * steady stream cost one encode: the hint fits and is taken. Every
 * IMCORE_BUDGET_PROBE_PERIOD images, or at once when the last image filled
 * clearly less of the budget than at the last probe, the quality
 * IMCORE_BUDGET_STEP above the hint is encoded first (a probe): if it
 * fits the search climbs, otherwise the hint is encoded. When the hint
 * does not fit the search steps IMCORE_BUDGET_STEP down, then halves the
 * interval left; without a hint, when the maximum does not fit, it halves
 * from the start. Whenever the search has seen an image that does not fit,
 * the result is exact: it fits, and the best is less than
 * IMCORE_BUDGET_STEP above it. If the last image encoded was not the
 * one chosen, that one is encoded again.
 *
 * Returns IMCORE_OK with @result's quality >= 1 when an image fits;
 * IMCORE_ERROR_NO_SPACE with @result's quality 0 when not even quality 1
 * fits (@out's content is then undefined; @state remembers it, so that the
 * next such image costs one encode); IMCORE_ERROR_INVALID_ARGUMENT for
 * NULLs, a @max_quality out of 1..100, a zero @budget or @out_size; an
 * error of @encode as it came (IMCORE_ERROR_CODEC if the chosen quality
 * no longer fits when encoded again: an encoder that is not
 * deterministic). @state is updated on success and on NO_SPACE. */
ImcoreError imcore_budget_search (ImcoreBudgetState * state, int max_quality,
    size_t budget, ImcoreBudgetEncodeFunc encode, void *user_data,
    uint8_t * out, size_t out_size, ImcoreBudgetResult * result);

/* The largest image file whose base64 text (RFC 4648, padded, one line),
 * with @overhead bytes of other text around it (a data URI's
 * "data:image/jpeg;base64," prefix, or the rest of a JSON event), fits in
 * @text_budget bytes: a multiple of 3. 0 when not even one group of 4
 * characters fits. */
size_t imcore_budget_base64_file_bytes (size_t text_budget, size_t overhead);

#endif /* IMCORE_BUDGET_H */
