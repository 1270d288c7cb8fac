/* gst-imencode core: error codes
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "imcore-error.h"

const char *
imcore_strerror (ImcoreError err)
{
  switch (err) {
    case IMCORE_OK:
      return "success";
    case IMCORE_ERROR_INVALID_ARGUMENT:
      return "invalid argument";
    case IMCORE_ERROR_UNSUPPORTED_FORMAT:
      return "unsupported pixel format for this operation";
    case IMCORE_ERROR_TOO_LARGE:
      return "image too large";
    case IMCORE_ERROR_NO_SPACE:
      return "output buffer too small";
    case IMCORE_ERROR_OUT_OF_MEMORY:
      return "out of memory";
    case IMCORE_ERROR_CODEC:
      return "codec library error";
    case IMCORE_ERROR_INVALID_INPUT:
      return "invalid encoded input";
  }
  return "unknown error";
}
