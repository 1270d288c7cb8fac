#!/bin/sh
# gst-imencode benchmark: build and run bench-imencode in one command
# Copyright (C) 2026 gst-imencode contributors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   bench/run-imencode.sh [jpeg-frames [png-frames [rss-frames]]]
#
# Sets up (or updates) the release build directory build-bench, builds it,
# and runs bench-imencode against the plugin built there, with the
# malloc-count.so preload so that allocations per frame are counted.
# Defaults: 300 frames per JPEG run, 40 per PNG run, 10000 for the RSS run;
# with only jpeg-frames given the others scale with it (30 -> 4 and 1000).
set -eu

. "$(dirname "$0")/build-bench.sh"
ninja -C "$build" gst/libgstimencode.so bench/bench-imencode \
  bench/malloc-count.so

# A registry of its own, so that other builds' GST_PLUGIN_PATH runs do not
# make each other rescan; G_SLICE=always-malloc so that GLib's slice
# allocations (GstBuffer, GstMemory ...) are malloc calls and get counted.
GST_PLUGIN_PATH=$build/gst \
GST_REGISTRY=$build/bench-registry.bin \
G_SLICE=always-malloc \
LD_PRELOAD=$build/bench/malloc-count.so \
  exec "$build/bench/bench-imencode" "$@"
