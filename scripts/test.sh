#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite: core unit
# tests, element tests under the leaks tracer, end-to-end tests with
# independent decoders, then the C tests again under AddressSanitizer and
# UndefinedBehaviorSanitizer, then the core, element and end-to-end tests
# against GStreamer 1.26 in a Debian 13 chroot (scripts/test-gst126.sh).
# Ends with one "N passed, N failed" line counting all of them.
set -uo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh || exit 1

# The Debian 13 chroot of the GStreamer 1.26 tests at the end takes minutes
# to make on a first run, mostly dpkg on one core: it is made meanwhile, in
# the background (that leg waits for it and prints what it said).
./scripts/test-gst126.sh --prepare &
prepare_pid=$!

status=0
passed=0
failed=0

count_results() {
  # meson test writes one JSON object per test to testlog.json
  local log="$1/meson-logs/testlog.json"
  [ -f "$log" ] || return 0
  local p f
  p=$(grep -c '"result": "OK"' "$log" || true)
  f=$(grep -c -E '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log" || true)
  passed=$((passed + p))
  failed=$((failed + f))
}

echo "== tests (build/)"
meson test -C build --print-errorlogs --num-processes 1 || status=1
count_results build

echo "== C tests under ASan + UBSan (build-asan/)"
if [ -f build-asan/build.ninja ]; then
  meson setup --reconfigure build-asan -Dtests=enabled >/dev/null
else
  # tests=enabled: a missing test dependency fails here instead of leaving
  # the tests out (the option is auto)
  meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbuildtype=debug -Dtests=enabled >/dev/null
fi
# a registry cached by an earlier run may hold a failed scan
rm -f build-asan/tests/registry-*.bin
if ninja -C build-asan >/dev/null; then
  # GLib and GStreamer keep some allocations for the life of the process;
  # leaks of our own objects are caught by the leaks tracer instead.
  # The plugin is scanned in-process: a forked scanner lacks the ASan runtime.
  GST_REGISTRY_FORK=no ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    meson test -C build-asan --print-errorlogs --suite core --suite element \
    || status=1
  count_results build-asan
else
  echo "ASan build failed"
  status=1
  failed=$((failed + 1))
fi

# The core, element and end-to-end tests against GStreamer 1.26. A leg that
# fails with nothing counted (no chroot, no build) counts as one failure, so
# that a missing mmdebstrap or archive shows in the closing line.
echo
failed_before=$failed
gst126_rc=0
./scripts/test-gst126.sh || gst126_rc=$?
count_results build-gst126/root/work/build
if [ "$gst126_rc" -ne 0 ]; then
  status=1
  [ "$failed" -gt "$failed_before" ] || failed=$((failed + 1))
fi
# its outcome is the leg's: a failed --prepare has the leg try again
wait "$prepare_pid" || true

echo
echo "${passed} passed, ${failed} failed"
exit $status
