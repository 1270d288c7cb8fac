/* gst-imencode core: everything, for convenience
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef IMCORE_H
#define IMCORE_H

#include "imcore-error.h"
#include "imcore-image.h"
#include "imcore-interleaved.h"
#include "imcore-rect.h"
#include "imcore-draw.h"
#include "imcore-jpeg.h"
#include "imcore-jpegslice.h"
#include "imcore-png.h"
#include "imcore-base64.h"
#include "imcore-scan.h"
#include "imcore-json.h"
#include "imcore-exif.h"
#include "imcore-budget.h"
#include "imcore-resize.h"

#endif /* IMCORE_H */
