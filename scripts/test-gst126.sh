#!/usr/bin/env bash
# Builds gst-imencode against GStreamer 1.26 and runs its core, element and
# end-to-end tests there, inside a Debian 13 "trixie" chroot that mmdebstrap
# makes from Debian's packages. scripts/test.sh runs this after the tests on
# the host (GStreamer 1.22); it can also be run alone.
#
# The chroot is made on the first run in build-gst126/root and reused after
# (made again when the package list changes). Delete build-gst126/ to
# start over. The build directory is /work/build inside the chroot, that is
# build-gst126/root/work/build here; test.sh counts its
# meson-logs/testlog.json.
#
# The checkout is bind mounted read-only at /work/src in the chroot, with
# /proc, /sys, /tmp and /dev/shm, but only inside a private mount namespace
# (unshare) that ends with the run: the host never sees those mounts, so none
# is left behind whatever happens, and deleting build-gst126/ can never reach
# into the checkout through one.
#
# With --prepare it only makes the chroot if needed, quietly, writing what
# it says to build-gst126/prepare.log, which the next full run prints:
# test.sh starts it in the background before the host's tests so that the
# minutes of dpkg overlap them.
#
# Needs root (as another user it runs itself with sudo), mmdebstrap and
# Debian's archive (scripts/setup.sh installs mmdebstrap and a keyring that
# knows trixie's keys). Failing to make the chroot fails the run.
set -euo pipefail

# The chroot holds what scripts/setup.sh installs on the host (it prints its
# list), so that no test finds a tool missing under 1.26 and skips, less what
# only the host uses, plus plugins-bad's headers and typelib: they carry
# gstreamer-analytics-1.0 (new in 1.24), which the plugin uses when it is
# there. A change of the list makes the next run make the chroot again.
HOST_ONLY=(
  clang libclang-rt-dev  # the fuzz suite, which runs on the host only
  mmdebstrap             # makes this chroot
)
EXTRA=(libgstreamer-plugins-bad1.0-dev gir1.2-gst-plugins-bad-1.0)
SUITE=trixie
MIRROR=${GST126_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# Paths inside the chroot.
SRC=/work/src
BUILD=/work/build

# Third stage, inside the chroot: configure, build, test. The source is read
# only, so everything meson writes goes to $BUILD.
if [ "${1:-}" = --in-chroot ]; then
  cd /work
  reconfigure=()
  [ ! -f "$BUILD/build.ninja" ] || reconfigure=(--reconfigure)
  # Meson's output, warnings included, only matters when it fails.
  if ! meson setup "${reconfigure[@]}" "$BUILD" "$SRC" -Dtests=enabled \
      >/work/meson-setup.log 2>&1; then
    cat /work/meson-setup.log
    echo "meson setup failed"
    exit 1
  fi
  # which GStreamer this is
  grep -iE 'dependency (gstreamer-1\.0|gstreamer-analytics-1\.0) found' \
    /work/meson-setup.log || true
  # a registry cached by an earlier run may hold a failed scan
  rm -f "$BUILD"/tests/registry-*.bin
  ninja -C "$BUILD"
  rc=0
  meson test -C "$BUILD" --print-errorlogs --num-processes 1 \
    --suite core --suite element --suite e2e || rc=$?
  # pytest's closing lines that report skipped tests: a skip under 1.26
  # only shows in the log otherwise
  grep -E '^([0-9]+ [a-z]+, )*[0-9]+ skipped' \
    "$BUILD/meson-logs/testlog.txt" | sed 's/^/gst126: pytest: /' || true
  exit $rc
fi

# First stage, on the host, as root.
if [ "$(id -u)" -ne 0 ]; then
  exec sudo "$0" "$@"
fi

cd "$(dirname "$0")/.."
CHECKOUT=$PWD
TOP=$CHECKOUT/build-gst126
ROOT=$TOP/root

# Second stage, in a private mount namespace and PID namespace of its own:
# mount what the tests need, then run the third stage in the chroot. Every
# mount and process goes away with the namespace.
if [ "${1:-}" = --in-namespace ]; then
  mount --bind "$CHECKOUT" "$ROOT$SRC"
  mount -o remount,bind,ro "$ROOT$SRC"
  mount -t proc proc "$ROOT/proc"
  mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$ROOT/sys"
  mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$ROOT/tmp"
  mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$ROOT/dev/shm"
  # Only a few variables from outside: the host's (PYTHONPATH, a pyenv on
  # PATH) would mislead the chroot's Python. OpenBLAS's are kept because
  # some processors need them (see the machine notes).
  keep=(PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
    TERM="${TERM:-dumb}")
  for v in CI OPENBLAS_CORETYPE OPENBLAS_L2_SIZE; do
    [ -z "${!v:-}" ] || keep+=("$v=${!v}")
  done
  exec chroot "$ROOT" /usr/bin/env -i "${keep[@]}" \
    /bin/bash "$SRC/scripts/test-gst126.sh" --in-chroot
fi

prepare=false
[ "${1:-}" != --prepare ] || prepare=true
start=$SECONDS
mkdir -p "$TOP"
if $prepare; then
  exec 8>"$TOP/prepare.log"
else
  echo "== GStreamer 1.26 (Debian 13 chroot in build-gst126/)"
  trap 'echo "gst126: took $((SECONDS - start)) s"' EXIT
fi

# Two runs in one checkout would make or use the chroot at the same time;
# a full run waits here for a --prepare still at work.
exec 9>"$TOP/lock"
flock 9
if ! $prepare; then
  [ $((SECONDS - start)) -lt 2 ] ||
    echo "gst126: waited $((SECONDS - start)) s for the chroot being made"
  if [ -s "$TOP/prepare.log" ]; then
    echo "gst126: made in the background (build-gst126/prepare.log):"
    cat "$TOP/prepare.log"
  fi
  rm -f "$TOP/prepare.log"
  # A log from an earlier run must not be counted if this one fails early.
  rm -f "$ROOT$BUILD/meson-logs/testlog.json"
fi

# Mount points at or below $1 in the host's view (/proc/self/mountinfo
# writes a space as \040).
mounts_under() {
  local p=${1// /\\040}
  awk -v p="$p" '$5 == p || index($5, p "/") == 1 { print $5 }' \
    /proc/self/mountinfo
}

# Deletes a chroot, refusing while anything is mounted in it: rm would go
# through a bind mount into whatever it shows. --one-file-system alone does
# not guard, as a bind mount of the same file system has the same device.
remove_tree() {
  local left
  left=$(mounts_under "$1")
  if [ -n "$left" ]; then
    echo "gst126: not deleting $1: still mounted there:" >&2
    echo "$left" >&2
    return 1
  fi
  rm -rf --one-file-system "$1"
}

PACKAGES=()
while read -r p; do
  [[ " ${HOST_ONLY[*]} " == *" $p "* ]] || PACKAGES+=("$p")
done < <(./scripts/setup.sh --list-packages)
if [ ${#PACKAGES[@]} -eq 0 ]; then
  echo "gst126: scripts/setup.sh --list-packages listed nothing" >&2
  exit 1
fi
PACKAGES+=("${EXTRA[@]}")

wanted="$SUITE ${PACKAGES[*]}"
if [ -d "$ROOT" ] && [ "$(cat "$TOP/packages" 2>/dev/null)" = "$wanted" ]; then
  $prepare || echo "gst126: reusing the chroot"
else
  # from here on a --prepare writes to its log
  ! $prepare || exec >&8 2>&1
  if ! command -v mmdebstrap >/dev/null; then
    echo "gst126: mmdebstrap not found; scripts/setup.sh installs it" >&2
    exit 1
  fi
  remove_tree "$ROOT"
  remove_tree "$ROOT.new"
  rm -f "$TOP/packages"
  echo "gst126: making the chroot with mmdebstrap ($SUITE from $MIRROR)"
  # Recommends left out like on the host; documentation is not needed, nor
  # dpkg's fsync after each file (a chroot that breaks is made again). The
  # mounts mmdebstrap makes while it installs stay in a namespace of their
  # own in case it is killed. It writes to root.new, which is renamed only
  # once complete, so a broken chroot is never reused.
  # shellcheck disable=SC2016  # mmdebstrap expands $1 in the hook itself
  if ! unshare --mount --propagation private \
      mmdebstrap --mode=root --variant=apt --format=directory --quiet \
      --keyring="$KEYRING" \
      --aptopt='APT::Install-Recommends "false"' \
      --dpkgopt=force-unsafe-io \
      --dpkgopt='path-exclude=/usr/share/doc/*' \
      --dpkgopt='path-exclude=/usr/share/man/*' \
      --dpkgopt='path-exclude=/usr/share/locale/*' \
      --include="$(IFS=,; echo "${PACKAGES[*]}")" \
      --customize-hook='mkdir -p "$1/work/src" "$1/work/build"' \
      "$SUITE" "$ROOT.new" "$MIRROR"; then
    echo "gst126: mmdebstrap failed to make the chroot" >&2
    remove_tree "$ROOT.new" || true
    exit 1
  fi
  mv "$ROOT.new" "$ROOT"
  echo "$wanted" >"$TOP/packages"
  echo "gst126: chroot made in $((SECONDS - start)) s"
fi
! $prepare || exit 0

unshare --mount --propagation private --pid --fork \
  "$CHECKOUT/scripts/test-gst126.sh" --in-namespace
