/* gst-imencode core: the highest JPEG quality that fits a byte budget
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-budget.h"

/* One search: what is known so far. Qualities <= @fits fit (0: none known
 * to), qualities >= @misses do not (@max + 1: none known not to); @held is
 * the quality of the image in the caller's buffer (0: none, or clobbered
 * by an image that did not fit). */
typedef struct
{
  ImcoreBudgetEncodeFunc encode;
  void *user_data;
  uint8_t *out;
  size_t limit;
  int max;
  int fits, misses, held;
  size_t fits_len;
  unsigned encodes;
} Search;

/* Encodes at @q and narrows the interval */
static ImcoreError
try_quality (Search * s, int q)
{
  size_t len = 0;
  ImcoreError err = s->encode (s->user_data, q, s->out, s->limit, &len);

  s->encodes++;
  if (err == IMCORE_OK && len <= s->limit) {
    if (q > s->fits) {
      s->fits = q;
      s->fits_len = len;
    }
    s->held = q;
    return IMCORE_OK;
  }
  if (err != IMCORE_OK && err != IMCORE_ERROR_NO_SPACE)
    return err;
  if (q < s->misses)
    s->misses = q;
  s->held = 0;
  return IMCORE_OK;
}

/* Whether the interval is as narrow as the contract wants: the best fit
 * known and less than IMCORE_BUDGET_STEP below the first miss, or nothing
 * can fit */
static bool
search_done (const Search * s)
{
  if (s->misses <= 1)
    return true;
  return s->fits > 0 && s->misses - s->fits <= IMCORE_BUDGET_STEP;
}

ImcoreError
imcore_budget_search (ImcoreBudgetState * state, int max_quality,
    size_t budget, ImcoreBudgetEncodeFunc encode, void *user_data,
    uint8_t * out, size_t out_size, ImcoreBudgetResult * result)
{
  Search s = { 0 };
  ImcoreError err;
  int hint;
  bool probed = false;

  if (!state || !encode || !out || !result || max_quality < 1 ||
      max_quality > 100 || budget == 0 || out_size == 0)
    return IMCORE_ERROR_INVALID_ARGUMENT;
  s.encode = encode;
  s.user_data = user_data;
  s.out = out;
  s.limit = budget < out_size ? budget : out_size;
  s.max = max_quality;
  s.misses = max_quality + 1;
  hint = state->hint < 1 || state->hint > max_quality ? max_quality :
      state->hint;

  if (hint < max_quality && (state->probe_next ||
          state->since_probe + 1 >= IMCORE_BUDGET_PROBE_PERIOD)) {
    /* the probe first: if it misses, the hint's image is the last one
     * made and needs no second encode */
    int up = hint + IMCORE_BUDGET_STEP;

    probed = true;
    err = try_quality (&s, up < max_quality ? up : max_quality);
    if (err != IMCORE_OK)
      return err;
  }
  if (s.fits == 0) {
    err = try_quality (&s, hint);
    if (err != IMCORE_OK)
      return err;
  }
  /* the hint fitted and nothing was probed: taken as it is; otherwise
   * narrow the interval until the contract holds */
  if (!(s.fits == hint && !probed && s.misses > max_quality)) {
    /* from a hint that no longer fits, a stream that drifts: the first
     * step down is one IMCORE_BUDGET_STEP; without one, halve */
    bool first_step = state->hint > 0;

    while (!search_done (&s)) {
      int q;

      if (s.fits == 0 && first_step && s.misses - IMCORE_BUDGET_STEP >= 1)
        q = s.misses - IMCORE_BUDGET_STEP;
      else if (s.fits == 0)
        q = s.misses / 2 > 1 ? s.misses / 2 : 1;
      else
        q = s.fits + (s.misses - s.fits) / 2;
      first_step = false;
      err = try_quality (&s, q);
      if (err != IMCORE_OK)
        return err;
    }
  }

  result->encodes = s.encodes;
  if (s.fits == 0) {
    /* the next image like this one costs one encode */
    state->hint = 1;
    state->since_probe = 0;
    state->probe_next = false;
    result->quality = 0;
    result->len = 0;
    return IMCORE_ERROR_NO_SPACE;
  }
  if (s.held != s.fits) {
    size_t len = 0;

    err = s.encode (s.user_data, s.fits, s.out, s.limit, &len);
    result->encodes = ++s.encodes;
    if (err == IMCORE_ERROR_NO_SPACE || (err == IMCORE_OK && len > s.limit))
      return IMCORE_ERROR_CODEC;
    if (err != IMCORE_OK)
      return err;
    s.fits_len = len;
  }

  /* what the next image starts from */
  if (probed || s.misses <= max_quality) {
    state->since_probe = 0;
    state->probe_next = false;
    /* the fill at which more did not fit */
    if (s.misses <= max_quality)
      state->probe_fill = (unsigned) ((uint64_t) s.fits_len * 1000 / s.limit);
  } else {
    unsigned fill = (unsigned) ((uint64_t) s.fits_len * 1000 / s.limit);

    state->since_probe++;
    /* a tenth less of the budget than when more did not fit: the image
     * got simpler, more may fit now */
    state->probe_next = state->probe_fill > 0 &&
        fill < state->probe_fill - state->probe_fill / 10;
  }
  state->hint = s.fits;
  result->quality = s.fits;
  result->len = s.fits_len;
  return IMCORE_OK;
}

size_t
imcore_budget_base64_file_bytes (size_t text_budget, size_t overhead)
{
  size_t groups;

  if (text_budget <= overhead)
    return 0;
  groups = (text_budget - overhead) / 4;
  /* 3 bytes a group: no overflow, a quarter of a size_t times 3 */
  return groups * 3;
}
