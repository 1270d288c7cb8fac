# gst-imencode benchmarks: the release build they run from
# Copyright (C) 2026 gst-imencode contributors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Sourced by the bench/run-*.sh scripts (POSIX sh). Sets $root (the
# checkout) and $build (build-bench in it), and sets up or re-configures
# $build as a release build with the benchmarks and without the tests.
# The caller then builds the targets it runs.

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-bench

if [ -f "$build/build.ninja" ]; then
  meson configure "$build" -Dbench=enabled -Dtests=disabled \
    -Dbuildtype=release >/dev/null
else
  meson setup "$build" "$root" -Dbench=enabled -Dtests=disabled \
    -Dbuildtype=release
fi
