# Run by tests/check-annotate-disabled.sh against a plugin built without
# Pango and Cairo: annotate=boxes+labels+time warns once that labels and
# time need them, keeps boxes, and the image shows the outline and nothing
# else.
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))

CHILD = """
import sys
sys.path.insert(0, %r)
from imtest import Gst
from test_regions import encode
from test_annotate import W, H, GREEN, rgb_of, outline_mask, \\
    assert_only_outlines
from imtest import make_image
image = make_image(W, H)
rois = [{"type": "person", "box": (40, 60, 100, 120), "confidence": 0.9}]
enc = Gst.ElementFactory.make("imencode")
Gst.util_set_object_arg(enc, "annotate", "boxes+labels+time")
assert int(enc.get_property("annotate")) == 1, enc.get_property("annotate")
plain = encode([(image, rois, [])], "format=png")
drawn = encode([(image, rois, [])],
               "format=png annotate=boxes+labels+time annotate-thickness=3")
mask = outline_mask((H, W), 40, 60, 140, 180, 3)
assert_only_outlines(rgb_of(plain.buffers[0][0]), rgb_of(drawn.buffers[0][0]),
                     mask, GREEN)
print("boxes only: ok")
""" % os.path.dirname(os.path.abspath(__file__))

p = subprocess.run([sys.executable, "-c", CHILD], capture_output=True,
                   text=True, timeout=300)
sys.stdout.write(p.stdout)
sys.stderr.write(p.stderr)
if p.returncode != 0:
    print("FAIL: the run without Pango failed")
    sys.exit(1)
warnings = [line for line in p.stderr.splitlines()
            if "need a build with Pango and Cairo" in line]
# one warning per setting of labels or time: two above
if len(warnings) != 2:
    print("FAIL: expected 2 warnings about Pango and Cairo, got %d"
          % len(warnings))
    sys.exit(1)
print("ok")
