#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages gst-imencode needs to build, test and
# run its demo, then configures and builds it in ./build (or $BUILD_DIR).
# Only what is missing is installed; as non-root it uses sudo.
#   scripts/setup.sh               everything, tests built too
#   scripts/setup.sh --build-only  only what building and running need
#                                  (no test packages), tests not built
# Further arguments go to meson setup.
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_PACKAGES=(
  # build
  meson ninja-build pkg-config gcc libc6-dev
  libglib2.0-dev libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libturbojpeg0-dev libpng-dev zlib1g-dev
  # libjpeg-turbo's libjpeg API (libjpeg.pc): YUV goes to the encoder as raw
  # data one iMCU row at a time, converted on the way (README.md says why)
  libjpeg62-turbo-dev
  # PNG's deflate (IDAT) at levels 2-9 through libdeflate: about twice
  # zlib's speed for the same bytes (bench/README.md); level 1 is our own
  libdeflate-dev
  # text of annotations (labels, time) rendered with Pango + Cairo, as
  # GStreamer's textoverlay does (optional: meson feature 'annotate')
  libpango1.0-dev libcairo2-dev
  # run and test: gst-launch, videotestsrc, the stock elements we compare to
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
)
TEST_PACKAGES=(
  # tests: Debian's own Python with GStreamer bindings and independent decoders
  python3 python3-gi python3-gst-1.0 gir1.2-gstreamer-1.0
  gir1.2-gst-plugins-base-1.0 python3-pytest python3-pil python3-numpy
  python3-opencv libjpeg-turbo-progs
  # tests: a real MQTT broker and client for examples/events-to-mqtt.py
  mosquitto python3-paho-mqtt
  # tests: mosquitto_pub, which the README's "Delivering events" block pipes
  # imencode's JSON lines into (tests/e2e/test_readme.py runs it)
  mosquitto-clients
  # tests: JSON numbers in a locale whose decimal separator is a comma
  locales-all
  # tests: jq reads imencode's JSON events (tests/e2e/test_events.py)
  jq
  # tests: headless Chromium shows the MJPEG example's page
  # (examples/mjpeg-http.py)
  chromium
  # tests: the core builds for 32-bit targets (core-32bit, gcc -m32)
  gcc-multilib
  # tests: fuzzing (clang; libclang-rt-dev holds libFuzzer's runtime,
  # libclang_rt.fuzzer, which clang only recommends)
  clang libclang-rt-dev
  # tests against GStreamer 1.26: scripts/test-gst126.sh makes a Debian 13
  # chroot with it
  mmdebstrap
)

# scripts/test-gst126.sh installs the same in its Debian 13 chroot
if [ "${1:-}" = --list-packages ]; then
  printf '%s\n' "${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
  exit 0
fi

PACKAGES=("${RUN_PACKAGES[@]}")
TESTS=enabled
if [ "${1:-}" = --build-only ]; then
  shift
  TESTS=disabled
else
  PACKAGES+=("${TEST_PACKAGES[@]}")
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
# mmdebstrap checks Debian 13's Release file against the host's Debian
# keyring. Bookworm's has trixie's keys from 2023.3+deb12u2 on: an older
# one is upgraded.
[ "$TESTS" = disabled ] \
  || [ -f /usr/share/keyrings/debian-archive-trixie-stable.gpg ] \
  || missing+=(debian-archive-keyring)

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

BUILD_DIR=${BUILD_DIR:-build}
if [ -f "$BUILD_DIR/build.ninja" ]; then
  meson setup --reconfigure "$BUILD_DIR" -Dtests="$TESTS" "$@" >/dev/null
else
  meson setup "$BUILD_DIR" -Dtests="$TESTS" "$@" >/dev/null
fi
ninja -C "$BUILD_DIR"
