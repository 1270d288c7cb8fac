/* gst-imencode core: error codes
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef IMCORE_ERROR_H
#define IMCORE_ERROR_H

/* Every core function that can fail returns one of these. */
typedef enum
{
  IMCORE_OK = 0,
  IMCORE_ERROR_INVALID_ARGUMENT,    /* a NULL, a zero size, a bad enum value */
  IMCORE_ERROR_UNSUPPORTED_FORMAT,  /* the pixel layout cannot go this way */
  IMCORE_ERROR_TOO_LARGE,           /* a size overflows or exceeds a codec limit */
  IMCORE_ERROR_NO_SPACE,            /* the caller's output buffer is too small */
  IMCORE_ERROR_OUT_OF_MEMORY,
  IMCORE_ERROR_CODEC,               /* libjpeg-turbo or libpng refused */
  IMCORE_ERROR_INVALID_INPUT,       /* malformed encoded data */
} ImcoreError;

/* A static English description of @err; never NULL. */
const char *imcore_strerror (ImcoreError err);

#endif /* IMCORE_ERROR_H */
