#!/usr/bin/python3
# gst-imencode benchmark: 1080p frames cut from real photographs
# Copyright (C) 2026 gst-imencode contributors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes 8 photographs as packed RGB 1920x1080 frames, back to back, for
bench/python-app-png.py (real camera pictures: grain, JPEG traces, skies,
wood, leaves; the generated scene of bench-common.c is kinder to deflate).

    photo-frames.py OUT-FILE [WORK-DIR]

The photographs are the KDE Plasma wallpapers of Debian's
plasma-workspace-wallpapers package (fetched with `apt-get download`
into WORK-DIR, default /tmp/photo-frames, unless a .deb is there
already; nothing is installed). From each 2560x1600 JPEG the centre
1920x1080 is cut, unscaled, so the pixels keep the camera's detail.
"""
import glob
import os
import subprocess
import sys

from PIL import Image

PHOTOS = ["BytheWater", "ColdRipple", "ColorfulCups", "EveningGlow",
          "FallenLeaf", "Grey", "OneStandsOut", "Path"]
W, H = 1920, 1080


def main():
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    out = sys.argv[1]
    work = sys.argv[2] if len(sys.argv) == 3 else "/tmp/photo-frames"
    os.makedirs(work, exist_ok=True)
    debs = glob.glob(os.path.join(work, "plasma-workspace-wallpapers_*.deb"))
    if not debs:
        subprocess.run(["apt-get", "download", "plasma-workspace-wallpapers"],
                       cwd=work, check=True)
        debs = glob.glob(os.path.join(work,
                                      "plasma-workspace-wallpapers_*.deb"))
    tree = os.path.join(work, "tree")
    subprocess.run(["dpkg-deb", "-x", debs[0], tree], check=True)
    with open(out, "wb") as f:
        for name in PHOTOS:
            path = os.path.join(tree, "usr/share/wallpapers", name,
                                "contents/images/2560x1600.jpg")
            im = Image.open(path).convert("RGB")
            left = (im.width - W) // 2
            top = (im.height - H) // 2
            f.write(im.crop((left, top, left + W, top + H)).tobytes())
    print(f"{out}: {len(PHOTOS)} frames {W}x{H} RGB from {debs[0]}")


if __name__ == "__main__":
    main()
