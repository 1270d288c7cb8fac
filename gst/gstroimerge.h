/* gst-imencode: the roimerge element
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_ROI_MERGE_H__
#define __GST_ROI_MERGE_H__

#include <gst/gst.h>
#include <gst/base/gstaggregator.h>

G_BEGIN_DECLS

#define GST_TYPE_ROI_MERGE (gst_roi_merge_get_type ())
G_DECLARE_FINAL_TYPE (GstRoiMerge, gst_roi_merge, GST, ROI_MERGE,
    GstAggregator);

G_END_DECLS

#endif /* __GST_ROI_MERGE_H__ */
