/* gst-imencode: the imencode element
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IMENCODE_H__
#define __GST_IMENCODE_H__

#include <gst/gst.h>
#include <gst/video/video.h>

#include "gstimencodesettings.h"

G_BEGIN_DECLS

#define GST_TYPE_IMENCODE (gst_imencode_get_type ())
G_DECLARE_FINAL_TYPE (GstImencode, gst_imencode, GST, IMENCODE, GstElement);

G_END_DECLS

#endif /* __GST_IMENCODE_H__ */
