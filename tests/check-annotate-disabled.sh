#!/bin/sh
# gst-imencode: a build without Pango and Cairo (-Dannotate=disabled) draws
# annotate's boxes and refuses labels and time with a warning. Configures
# and builds the plugin alone from this tree into a temporary directory,
# checks that it links neither library, then runs
# e2e/check_annotate_no_text.py against it.
# Usage: check-annotate-disabled.sh MESON NINJA SRCDIR PYTHON
# SPDX-License-Identifier: LGPL-2.1-or-later
meson=$1
ninja=$2
src=$3
python=$4
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

if ! "$meson" setup "$work/build" "$src" -Dannotate=disabled \
    -Dtests=disabled >"$work/setup.log" 2>&1; then
  cat "$work/setup.log"
  echo "FAIL: meson setup -Dannotate=disabled failed"
  exit 1
fi
if ! nice "$ninja" -C "$work/build" -j2 gst/libgstimencode.so \
    >"$work/build.log" 2>&1; then
  cat "$work/build.log"
  echo "FAIL: the plugin does not build with -Dannotate=disabled"
  exit 1
fi
if grep -q HAVE_ANNOTATE_TEXT "$work/build/gst/config.h"; then
  echo "FAIL: config.h has HAVE_ANNOTATE_TEXT with -Dannotate=disabled"
  exit 1
fi
if ldd "$work/build/gst/libgstimencode.so" | grep -E 'pango|cairo'; then
  echo "FAIL: the plugin links Pango or Cairo with -Dannotate=disabled"
  exit 1
fi
GST_PLUGIN_PATH="$work/build/gst" GST_REGISTRY="$work/registry.bin" \
  PYTHONDONTWRITEBYTECODE=1 \
  "$python" "$src/tests/e2e/check_annotate_no_text.py"
