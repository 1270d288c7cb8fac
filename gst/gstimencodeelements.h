/* gst-imencode: element registration
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IMENCODE_ELEMENTS_H__
#define __GST_IMENCODE_ELEMENTS_H__

#include <gst/gst.h>

G_BEGIN_DECLS

GST_ELEMENT_REGISTER_DECLARE (imencode);
GST_ELEMENT_REGISTER_DECLARE (base64enc);
GST_ELEMENT_REGISTER_DECLARE (base64dec);
GST_ELEMENT_REGISTER_DECLARE (imdecode);
GST_ELEMENT_REGISTER_DECLARE (roimerge);

G_END_DECLS

#endif /* __GST_IMENCODE_ELEMENTS_H__ */
