#!/bin/sh
# gst-imencode: the 'tests' option is a feature (auto). On a machine without
# gstreamer-check-1.0, a plain `meson setup` still configures the plugin
# (without tests), -Dtests=enabled fails naming what is missing, and
# -Dtests=disabled never looks for it. gstreamer-check is hidden by giving
# pkg-config a search path of links to every .pc file but its own.
# Usage: check-tests-feature.sh MESON SRCDIR. Exit 77 (skipped) when pkg-config
# is missing.
# SPDX-License-Identifier: LGPL-2.1-or-later
meson=$1
src=$2
command -v pkg-config >/dev/null || { echo "skipped: no pkg-config"; exit 77; }
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
mkdir "$work/pc"
old_ifs=$IFS
IFS=:
for dir in $(pkg-config --variable pc_path pkg-config); do
  for pc in "$dir"/*.pc; do
    [ -e "$pc" ] && [ ! -e "$work/pc/${pc##*/}" ] && ln -s "$pc" "$work/pc/"
  done
done
IFS=$old_ifs
rm -f "$work/pc/gstreamer-check-1.0.pc"
if PKG_CONFIG_LIBDIR="$work/pc" pkg-config --exists gstreamer-check-1.0; then
  echo "FAIL: could not hide gstreamer-check-1.0 from pkg-config"
  exit 1
fi
PKG_CONFIG_LIBDIR="$work/pc" pkg-config --exists gstreamer-1.0 || {
  echo "FAIL: the pkg-config links lost gstreamer-1.0"; exit 1; }

status=0
setup () {
  # setup NAME [meson options]: configures $src into $work/NAME
  name=$1
  shift
  PKG_CONFIG_LIBDIR="$work/pc" "$meson" setup "$work/$name" "$src" "$@" \
    >"$work/$name.log" 2>&1
}

if ! setup auto; then
  cat "$work/auto.log"
  echo "FAIL: a plain meson setup without gstreamer-check-1.0 failed"
  status=1
else
  "$meson" introspect --targets "$work/auto" >"$work/targets.json"
  "$meson" introspect --tests "$work/auto" >"$work/tests.json"
  grep -q '"name": "gstimencode"' "$work/targets.json" || {
    echo "FAIL: no plugin target (gstimencode) without gstreamer-check-1.0"
    status=1; }
  [ "$(tr -d ' \n' <"$work/tests.json")" = "[]" ] || {
    echo "FAIL: tests registered though gstreamer-check-1.0 is missing"
    status=1; }
fi

if setup enabled -Dtests=enabled; then
  echo "FAIL: -Dtests=enabled configured without gstreamer-check-1.0"
  status=1
elif ! grep -q 'gstreamer-check-1.0' "$work/enabled.log"; then
  cat "$work/enabled.log"
  echo "FAIL: -Dtests=enabled failed without naming gstreamer-check-1.0"
  status=1
fi

if ! setup disabled -Dtests=disabled; then
  cat "$work/disabled.log"
  echo "FAIL: -Dtests=disabled failed without gstreamer-check-1.0"
  status=1
fi
[ $status -ne 0 ] || echo "ok: auto builds the plugin alone, enabled" \
  "requires gstreamer-check-1.0, disabled ignores it"
exit $status
