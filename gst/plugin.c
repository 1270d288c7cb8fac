/* gst-imencode: plugin entry point
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstimencodeelements.h"
#include "gstimencodemeta.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ret = FALSE;

  if (!gst_imencode_meta_register ())
    return FALSE;

  ret |= GST_ELEMENT_REGISTER (imencode, plugin);
  ret |= GST_ELEMENT_REGISTER (base64enc, plugin);
  ret |= GST_ELEMENT_REGISTER (base64dec, plugin);
  ret |= GST_ELEMENT_REGISTER (imdecode, plugin);
  ret |= GST_ELEMENT_REGISTER (roimerge, plugin);

  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, imencode,
    "Encode raw video frames to JPEG, PNG and base64 in memory, and back",
    plugin_init, VERSION, "LGPL", PACKAGE_NAME, PACKAGE_ORIGIN)
