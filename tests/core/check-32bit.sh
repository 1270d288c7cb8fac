#!/bin/sh
# gst-imencode: the core compiles for a 32-bit target.
# Usage: check-32bit.sh CC SRCDIR. Exit 77 (skipped) when CC cannot build
# for i386 (Debian: gcc-multilib) or pkg-config lacks libpng/libturbojpeg/
# libjpeg.
# SPDX-License-Identifier: LGPL-2.1-or-later
cc=$1
src=$2
probe=$(mktemp -d) || exit 1
trap 'rm -rf "$probe"' EXIT
printf '#include <stdint.h>\nint main (void) { return 0; }\n' >"$probe/p.c"
if ! "$cc" -m32 -fsyntax-only "$probe/p.c" 2>/dev/null; then
  echo "skipped: $cc cannot compile for -m32 (install gcc-multilib)"
  exit 77
fi
flags=$(pkg-config --cflags libpng libturbojpeg libjpeg zlib 2>/dev/null) || {
  echo "skipped: pkg-config --cflags libpng libturbojpeg libjpeg zlib failed"
  exit 77
}
# jpeglib.h includes the multiarch jconfig.h; without the i386 package the
# host's is taken (libjpeg-turbo's holds no size-dependent definitions)
flags="$flags -idirafter /usr/include/$("$cc" -print-multiarch 2>/dev/null)"
status=0
for f in "$src"/*.c; do
  # shellcheck disable=SC2086
  if ! "$cc" -m32 -std=gnu11 -fsyntax-only -Wall -Werror=overflow \
      -I"$src" $flags "$f"; then
    echo "FAIL: $f does not compile for a 32-bit target"
    status=1
  fi
done
exit $status
