#!/bin/sh
# gst-imencode benchmark: build and run bench-live in one command
# Copyright (C) 2026 gst-imencode contributors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   bench/run-live.sh [rounds [SCENARIOS]]
#
# Sets up (or updates) the release build directory build-bench, builds it,
# and runs bench-live (live latency, bytes held by outputs, 8 streams in
# one process, a raw file with and without malloc tuning; see the comment
# at the top of bench/bench-live.c) against the plugin built there.
# Default: 5 rounds, scenarios HLSF. Takes about 4 minutes.
set -eu

. "$(dirname "$0")/build-bench.sh"
ninja -C "$build" gst/libgstimencode.so bench/bench-live

GST_PLUGIN_PATH=$build/gst \
GST_REGISTRY=$build/bench-registry.bin \
  exec "$build/bench/bench-live" "$@"
